// The emulator as a user installs it: an empty folder with only the two packed tarballs installed
// (this package, from tests/support/package.mjs, and agentcore-identity-edge-emulator, from
// scripts/pack-emulator.mjs), offline and with an empty npm cache, outside the repository (in the
// system's temporary folder: nothing of the repository's node_modules is within Node's reach there,
// so a dependency missing from the tarball fails). `npx agentcore-identity-edge-emulator` starts there, and the
// README's node:test file (the block under "Testing your agent against it") runs there as the user's
// own test: M2M and the user-federation flow with the consent approved from code.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dependencyClosure, packEmulator } from "../../scripts/pack-emulator.mjs";
import { cacheDir, ensurePackage, root } from "../support/package.mjs";
import { firstLine } from "../emulator/helpers.js";
import { typeCheck } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "emulator-package-"));
const dir = join(scratch, "my-agent");
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The README's node:test block that uses the emulator package. */
function readmeTestFile() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const mine = blocks.filter((b) => b.includes('from "node:test"') && b.includes('from "agentcore-identity-edge-emulator"'));
  assert.equal(mine.length, 1, "README.md has one node:test block that imports agentcore-identity-edge-emulator");
  return mine[0];
}

before(() => {
  const mainTarball = process.env.AGENTCORE_PACKAGE_TARBALL || ensurePackage().tarball;
  const packed = packEmulator(join(cacheDir, "pack-emulator"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-agent", private: true, type: "module" }, null, 2));
  // --offline with an empty cache: everything the emulator needs is inside its tarball; nothing may
  // come from a registry, nor from the packages npm ci left in npm's cache.
  const cache = join(scratch, "npm-cache");
  mkdirSync(cache);
  execFileSync("npm", ["install", "--offline", "--cache", cache, "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", mainTarball, packed.tarball], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
  });
});

test("only the two tarballs are installed, the emulator with its dependencies inside", () => {
  const top = readdirSync(join(dir, "node_modules")).filter((n) => !n.startsWith("."));
  assert.deepEqual(top.sort(), ["agentcore-identity-edge", "agentcore-identity-edge-emulator"]);
  const inside = readdirSync(join(dir, "node_modules", "agentcore-identity-edge-emulator", "node_modules", "@smithy"));
  assert.ok(inside.includes("signature-v4"), inside.join(", "));
  // Bundled: exactly the packages the emulator needs at run time, as package-lock.json has them, each in its place.
  const closure = dependencyClosure();
  const names = [...new Set(closure.map((path) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)))].sort();
  const { bundled } = packEmulator(join(cacheDir, "pack-emulator"));
  assert.deepEqual([...bundled].sort(), names);
  for (const path of closure) {
    assert.ok(existsSync(join(dir, "node_modules", "agentcore-identity-edge-emulator", path, "package.json")), `${path} is not installed inside the emulator`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules", "agentcore-identity-edge-emulator", "package.json"), "utf8"));
  assert.equal(manifest.name, "agentcore-identity-edge-emulator");
  assert.ok(readdirSync(join(dir, "node_modules", "agentcore-identity-edge-emulator", "model")).includes("bedrock-agentcore-identity.json"));
});

test("npx agentcore-identity-edge-emulator starts: its first line gives the URL, the URL answers", async () => {
  // detached: npx runs the bin in a child process; the whole group is stopped at the end.
  // As the README writes it; installed in the folder, so npx runs it without asking or downloading.
  const child = spawn("npx", ["agentcore-identity-edge-emulator", "--port", "0", "--quiet"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const first = await firstLine(child);
    const m = /^AgentCore Identity emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
    assert.ok(m, first);
    const health = await fetch(`${m[1]}/__emulator/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).ok, true);
  } finally {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
    } catch {
      // Already gone.
    }
    await exited;
  }
});

test("the README's node:test file runs in that folder: M2M and user federation, consent approved from code", () => {
  writeFileSync(join(dir, "agent.test.js"), readmeTestFile());
  // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of printing.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  void NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", "agent.test.js"], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^# pass 2$/m, r.stdout);
  assert.match(r.stdout, /^# fail 0$/m, r.stdout);
  assert.match(r.stdout, /^ok \d+ - M2M: a token for the agent itself$/m);
  assert.match(r.stdout, /^ok \d+ - user federation: authorization URL, consent, callback, token$/m);
});

test("the user's file type-checks against both packages' types (tsc --strict, checkJs)", () => {
  writeFileSync(join(dir, "agent.test.js"), readmeTestFile());
  const r = typeCheck(dir, { files: ["agent.test.js"], lib: ["es2022", "dom"], skipLibCheck: false });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the emulator's tarball: publint finds nothing, and its types resolve for ESM under node16 and bundler", () => {
  const { tarball } = packEmulator(join(cacheDir, "pack-emulator"));
  const bin = (name) => join(root, "node_modules", ".bin", name);
  const lint = spawnSync(bin("publint"), ["run", tarball, "--strict", "--level", "suggestion"], { cwd: root, encoding: "utf8" });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  assert.doesNotMatch(lint.stdout, /Errors|Warnings|Suggestions/, lint.stdout);
  const attw = spawnSync(bin("attw"), [tarball, "--profile", "esm-only", "--format", "json"], { cwd: root, encoding: "utf8" });
  assert.equal(attw.status, 0, attw.stdout + attw.stderr);
  const { analysis } = JSON.parse(attw.stdout);
  for (const kind of ["node16-esm", "bundler"]) {
    assert.deepEqual(analysis.problems.filter((/** @type {{ resolutionKind: string }} */ p) => p.resolutionKind === kind), []);
    assert.ok(analysis.entrypoints["."].resolutions[kind].resolution?.fileName?.endsWith("index.d.ts"), kind);
  }
});

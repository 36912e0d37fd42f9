// The tarball as published: its exact file list, publint, @arethetypeswrong/cli (ESM: node16 and
// bundler resolution), and `npm publish --dry-run`.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { test } from "node:test";
import { bin, root, tarball } from "./support.js";

/** What the package ships, and nothing else (no tests, fixtures, sources, maps or console page). */
const EXPECTED_FILES = [
  "CHANGELOG.md",
  "LICENSE",
  "README.md",
  "package.json",
  "www/callback.js",
  "www/cloudflare.d.ts",
  "www/cloudflare.js",
  "www/connect-browser.d.ts",
  "www/connect-browser.js",
  "www/connect.d.ts",
  "www/connect.js",
  "www/connect/failure.js",
  "www/connect/http.js",
  "www/connect/options.js",
  "www/core.js",
  "www/errors.js",
  "www/flow.js",
  "www/guard.js",
  "www/host.js",
  "www/index.d.ts",
  "www/index.js",
  "www/init.js",
  "www/node.js",
  "www/popup.js",
  "www/redis.d.ts",
  "www/redis.js",
  "www/stores.js",
  "www/wasm/agentcore_identity_edge.d.ts",
  "www/wasm/agentcore_identity_edge.js",
  "www/wasm/agentcore_identity_edge_bg.wasm",
  "www/workerd.js",
];

test("the tarball holds exactly the expected files", () => {
  const listing = execFileSync("tar", ["-tzf", tarball()], { encoding: "utf8" });
  const files = listing
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""))
    .sort();
  assert.deepEqual(files, EXPECTED_FILES);
});

test("publint finds nothing to fix", () => {
  const r = spawnSync(bin("publint"), ["run", tarball(), "--strict", "--level", "suggestion"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /Errors|Warnings|Suggestions/, r.stdout);
});

test("@arethetypeswrong/cli: no problems for ESM under node16 and bundler resolution", () => {
  const r = spawnSync(bin("attw"), [tarball(), "--profile", "esm-only", "--format", "json"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const { analysis } = JSON.parse(r.stdout);
  const kinds = new Set(["node16-esm", "bundler"]);
  assert.deepEqual(analysis.problems.filter((p) => kinds.has(p.resolutionKind)), []);
  // Both resolutions find the types and the ESM entry.
  for (const kind of kinds) {
    const res = analysis.entrypoints["."].resolutions[kind];
    assert.ok(res.resolution?.fileName?.endsWith("www/index.d.ts"), `${kind}: ${JSON.stringify(res.resolution)}`);
    // The connect subpaths too: each finds its own types.
    for (const [entry, types] of [["./connect", "www/connect.d.ts"], ["./connect/browser", "www/connect-browser.d.ts"]]) {
      const sub = analysis.entrypoints[entry]?.resolutions[kind];
      assert.ok(sub?.resolution?.fileName?.endsWith(types), `${entry} ${kind}: ${JSON.stringify(sub?.resolution)}`);
    }
  }
});

test("ESM only: a CommonJS module loads it with await import()", async () => {
  const { project } = await import("./support.js");
  const dir = project("commonjs", {
    "main.cjs": `(async () => {
  const { AgentCoreIdentityClient, createCustomState } = await import("agentcore-identity-edge");
  const state = await createCustomState({ secret: "commonjs-test-state-secret-0123456789abcdef" });
  console.log(JSON.stringify({ client: typeof AgentCoreIdentityClient, stateLength: state.length }));
})();
`,
  });
  const r = spawnSync(process.execPath, ["main.cjs"], { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.client, "function");
  assert.equal(out.stateLength, 76);
});

test("npm publish --dry-run succeeds", () => {
  const r = spawnSync("npm", ["publish", "--dry-run", "--ignore-scripts", tarball()], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /agentcore-identity-edge@0\.1\.0/);
});

/** The payload recorded in benches/size-budget.json; a test fails if it grows more than 2%. */
test("the payload a bundler ships is within 2% of the recorded size", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { gzipSync } = await import("node:zlib");
  const esbuild = await import("esbuild");
  const budget = JSON.parse(readFileSync(join(root, "benches", "size-budget.json"), "utf8"));
  const { project } = await import("./support.js");
  const dir = project("size", {
    "app.js": 'export { AgentCoreIdentityClient, handleOauth2Callback, createCustomState } from "agentcore-identity-edge";\n',
  });
  const built = await esbuild.build({ entryPoints: [join(dir, "app.js")], bundle: true, minify: true, write: false, format: "esm", platform: "browser", logLevel: "silent" });
  const js = gzipSync(built.outputFiles[0].contents, { level: 9 }).length;
  const wasm = gzipSync(readFileSync(join(dir, "node_modules/agentcore-identity-edge/www/wasm/agentcore_identity_edge_bg.wasm")), { level: 9 }).length;
  const limit = Math.floor(budget.gzipBytes * 1.02);
  assert.ok(js + wasm <= limit, `payload ${js + wasm} B gzipped (JS ${js}, wasm ${wasm}) is over ${limit} B, 102% of the recorded ${budget.gzipBytes} B`);
});

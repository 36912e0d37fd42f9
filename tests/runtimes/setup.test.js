// npm test's set-up step (scripts/setup.mjs): on a machine that lacks Debian packages and may not
// install them (not root, no password-less sudo), it stops with one line naming the command to run;
// on a machine that has everything, it installs nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { installedAsLocked } from "../../scripts/setup.mjs";
import { root } from "../support/package.mjs";

const SETUP = join(root, "scripts", "setup.mjs");
const bin = mkdtempSync(join(tmpdir(), "setup-path-"));
after(() => rmSync(bin, { recursive: true, force: true }));

const which = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

test("missing packages, not allowed to install: one line naming the command, exit 1", { skip: !asRoot || !which("runuser") ? "needs root (to run as nobody) and runuser" : false }, () => {
  // A PATH with node, sh and apt-get only: no cc, script or sudo. chromium and redis-server are
  // missing when the files the tests launch are (/usr/bin/chromium, /usr/bin/redis-server), whatever PATH has.
  chmodSync(bin, 0o755);
  for (const cmd of ["node", "sh", "apt-get"]) {
    const path = which(cmd);
    if (path) symlinkSync(path, join(bin, cmd));
  }
  const r = spawnSync(which("runuser"), ["-u", "nobody", "--", join(bin, "node"), SETUP], { encoding: "utf8", env: { PATH: bin }, timeout: 60_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  const missing = [...["chromium", "redis-server"].filter((p) => !existsSync(`/usr/bin/${p}`)), "build-essential", "bsdutils"].join(" ");
  assert.equal(lines[0], `setup: missing ${missing.replaceAll(" ", ", ")}: run \`sudo apt-get install -y ${missing}\`, then npm test again`);
});

test("npm run demo on a machine without a C compiler, not allowed to install: the same one line, naming the demo", { skip: !asRoot || !which("runuser") ? "needs root (to run as nobody) and runuser" : false }, () => {
  chmodSync(bin, 0o755);
  for (const cmd of ["node", "sh", "apt-get"]) {
    const path = which(cmd);
    if (path && !existsSync(join(bin, cmd))) symlinkSync(path, join(bin, cmd));
  }
  const r = spawnSync(which("runuser"), ["-u", "nobody", "--", join(bin, "node"), join(root, "scripts", "demo.mjs")], { encoding: "utf8", env: { PATH: bin }, timeout: 60_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "setup: missing build-essential: run `sudo apt-get install -y build-essential`, then npm run demo again\n");
});

test("a wasm-bindgen CLI that cannot be installed: one line naming the command, exit 1, no stack trace", () => {
  const stubs = mkdtempSync(join(tmpdir(), "setup-stubs-"));
  try {
    const script = (/** @type {string} */ name, /** @type {string} */ body) => {
      writeFileSync(join(stubs, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(stubs, name), 0o755);
    };
    // rustup has the target and the components; cargo fails to install anything; cc is there.
    script("rustup", 'case "$1 $2" in "target list") echo wasm32-unknown-unknown;; "component list") echo rust-src;; esac');
    script("cargo", "exit 101");
    script("cc", "exit 0");
    for (const cmd of ["node", "sh", "npm"]) symlinkSync(which(cmd), join(stubs, cmd));
    const cache = join(stubs, "cache");
    const r = spawnSync(join(stubs, "node"), [SETUP, "--quick"], { encoding: "utf8", env: { PATH: stubs, HOME: stubs, XDG_CACHE_HOME: cache }, timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    assert.match(lines.at(-1) ?? "", /^setup: cargo install wasm-bindgen-cli --version [\d.]+ --root \S+ failed with 101; run it by hand to see why$/);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "a stack trace");
  } finally {
    rmSync(stubs, { recursive: true, force: true });
  }
});

test("a machine with everything: nothing installed, npm ci not run", () => {
  const lock = join(root, "node_modules", ".package-lock.json");
  const before = statSync(lock).mtimeMs;
  const r = spawnSync(process.execPath, [SETUP], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "setup: nothing missing\n");
  assert.equal(statSync(lock).mtimeMs, before, "node_modules was reinstalled");
});

test("node_modules installed from another package-lock.json (a package added, changed or removed) is not as locked", () => {
  const dir = mkdtempSync(join(tmpdir(), "setup-lock-"));
  try {
    cpSync(join(root, "node_modules", ".package-lock.json"), join(dir, "node_modules", ".package-lock.json"));
    const lockfile = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
    const write = (/** @type {any} */ lock) => writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock));
    write(lockfile);
    assert.equal(installedAsLocked(dir), true);
    const [path, entry] = /** @type {[string, any]} */ (Object.entries(lockfile.packages).find(([p, e]) => p.startsWith("node_modules/") && !(/** @type {any} */ (e).optional) && /** @type {any} */ (e).version));
    const added = structuredClone(lockfile);
    added.packages["node_modules/a-new-dev-dependency"] = { version: "1.0.0", dev: true };
    write(added);
    assert.equal(installedAsLocked(dir), false, "a package added");
    const changed = structuredClone(lockfile);
    changed.packages[path] = { ...entry, version: `${entry.version}-changed` };
    write(changed);
    assert.equal(installedAsLocked(dir), false, "a version changed");
    const removed = structuredClone(lockfile);
    delete removed.packages[path];
    write(removed);
    assert.equal(installedAsLocked(dir), false, "a package removed");
    rmSync(join(dir, "node_modules", ".package-lock.json"));
    write(lockfile);
    assert.equal(installedAsLocked(dir), false, "nothing installed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// What `npm test` needs before its first check, installed when missing, so that a fresh machine runs
// it with nothing before it (.ci/run is `npm test`):
//   - npm packages, exactly as locked (`npm ci`), when node_modules is missing or differs from
//     package-lock.json (a dependency added, removed or moved to another version);
//   - Rust's wasm32 target and the clippy, rustfmt and rust-src components (rustup);
//   - the wasm-bindgen CLI at Cargo.lock's version (scripts/toolchain.mjs, cached per version);
//   - Debian's chromium (browser tests), redis-server (store tests), a C compiler and linker
//     (build-essential: cargo's native builds) and `script` (bsdutils: the demo's terminal test),
//     through apt-get when this process may (root, or sudo without a password).
// What it may not install, it names in one line, with the command to run, and stops (exit 1).
// --quick (npm run test:quick) needs no browser, Redis or lints: npm packages, the wasm tools and cc.
// --npm-only (npm run emulator): only the npm packages, silent when they are there.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRustComponents, ensureWasmBindgen, ensureWasmTarget } from "./toolchain.mjs";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/**
 * Debian packages, each with what its absence leaves missing: the file the tests launch by its path
 * (/usr/bin/chromium, /usr/bin/redis-server), or the command found on PATH (cargo's cc, `script`).
 */
const SYSTEM_PACKAGES = [
  { pkg: "chromium", path: "/usr/bin/chromium" },
  { pkg: "redis-server", path: "/usr/bin/redis-server" },
  { pkg: "build-essential", command: "cc" },
  { pkg: "bsdutils", command: "script" },
];

/** The command to run again after a fix by hand: `npm test`, or the script that called setup. */
let rerun = "npm test";

/** Ends the run with one line naming what to do. */
function stop(line) {
  console.error(`setup: ${line}`);
  process.exit(1);
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) stop(`\`${[cmd, ...args].join(" ")}\` failed (${r.status ?? r.signal}); run it by hand to see why`);
}

/**
 * True when npm's record of what it installed (node_modules/.package-lock.json) matches
 * package-lock.json: each locked package there at its version, source and integrity (an optional one
 * may be absent: npm skips those of other platforms), and nothing there that the lockfile lost.
 */
export function installedAsLocked(dir = root) {
  const read = (/** @type {string} */ path) => JSON.parse(readFileSync(path, "utf8")).packages ?? {};
  const record = join(dir, "node_modules", ".package-lock.json");
  if (!existsSync(record)) return false;
  const locked = read(join(dir, "package-lock.json"));
  const installed = read(record);
  const same = (/** @type {any} */ a, /** @type {any} */ b) => ["version", "resolved", "integrity", "link"].every((k) => a[k] === b[k]);
  for (const [path, entry] of Object.entries(locked)) {
    if (path === "") continue;
    if (!installed[path] ? !entry.optional : !same(entry, installed[path])) return false;
  }
  return Object.keys(installed).every((path) => path in locked);
}

/** npm packages: `npm ci` when node_modules is missing or was installed from another package-lock.json. */
export function ensureNodeModules() {
  if (installedAsLocked()) return false;
  console.log("setup: node_modules is missing or differs from package-lock.json: npm ci");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  return true;
}

/**
 * rustup's wasm32 target and components, and the wasm-bindgen CLI (scripts/toolchain.mjs); Rust
 * itself cannot be installed from here. A step that fails is one line naming it.
 */
export function ensureRust({ quick = false } = {}) {
  if (!has("cargo") || !has("rustup")) stop(`Rust is missing: install it with rustup (https://rustup.rs), then run ${rerun} again`);
  try {
    ensureWasmTarget();
    ensureRustComponents(quick ? ["rust-src"] : ["clippy", "rustfmt", "rust-src"]);
    ensureWasmBindgen();
  } catch (e) {
    stop(`${/** @type {Error} */ (e).message}; run it by hand to see why`);
  }
}

/** The Debian packages the full run needs, through apt-get when allowed, else one line and exit. */
export function ensureSystemPackages({ quick = false } = {}) {
  const wanted = quick ? SYSTEM_PACKAGES.filter((p) => p.pkg === "build-essential") : SYSTEM_PACKAGES;
  const missing = wanted.filter((p) => (p.path ? !existsSync(p.path) : !has(p.command))).map((p) => p.pkg);
  if (!missing.length) return [];
  const command = `apt-get install -y ${missing.join(" ")}`;
  const root_ = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = !root_ && has("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  if (!has("apt-get") || (!root_ && !sudo)) stop(`missing ${missing.join(", ")}: run \`sudo ${command}\`, then ${rerun} again`);
  console.log(`setup: installing ${missing.join(", ")} (apt-get)`);
  // Through env, as sudo starts the command with an environment of its own.
  const apt = (/** @type {string[]} */ args) => {
    const line = ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args];
    if (root_) run(line[0], line.slice(1));
    else run("sudo", ["-n", ...line]);
  };
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", ...missing]);
  return missing;
}

/**
 * Everything, in the order each step's tools need: system packages first (cargo needs cc). `then`
 * is the command a refusal tells the user to run again.
 */
export async function setup({ quick = false, then = "npm test" } = {}) {
  rerun = then;
  ensureSystemPackages({ quick });
  ensureNodeModules();
  ensureRust({ quick });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--npm-only")) {
    ensureNodeModules();
  } else {
    await setup({ quick: process.argv.includes("--quick") });
    console.log("setup: nothing missing");
  }
}

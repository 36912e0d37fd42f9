// Finds or installs the build tools: the wasm32 target and the wasm-bindgen CLI at exactly the
// version Cargo.lock pins (the CLI and the crate must match). The CLI is installed once into a
// per-version cache folder and reused by later builds and CI runs on the same machine.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

export function lockedVersion(crate) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${crate}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${crate} is not in Cargo.lock; run cargo generate-lockfile`);
  return m[1];
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with ${r.status ?? r.signal}`);
}

/** `bin ...versionArgs` prints `name X.Y.Z`: X.Y.Z, or null. */
function versionOf(bin, versionArgs) {
  const r = spawnSync(bin, versionArgs, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split(/\s+/)[1] : null;
}

/**
 * The path of the cargo-installed binary `bin` of `crate` at exactly `version`: found in its
 * per-version cache folder, in ~/.cargo/bin or on PATH, else installed into the cache folder once.
 * @param {{ crate: string, bin: string, version: string, versionArgs?: string[], installArgs?: string[], nice?: boolean }} tool
 */
export function ensureCargoTool({ crate, bin, version, versionArgs = ["--version"], installArgs = [], nice = false }) {
  const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "agentcore-identity-edge", `${crate}-${version}`);
  const candidates = [join(cacheRoot, "bin", bin), join(homedir(), ".cargo", "bin", bin), bin];
  for (const path of candidates) {
    if ((path === bin || existsSync(path)) && versionOf(path, versionArgs) === version) return path;
  }
  console.error(`installing ${crate} ${version} into ${cacheRoot} (a few minutes, once)`);
  const install = ["cargo", "install", crate, "--version", version, ...installArgs, "--root", cacheRoot];
  if (nice) run("nice", ["-n", "19", ...install]);
  else run(install[0], install.slice(1));
  return join(cacheRoot, "bin", bin);
}

export function ensureWasmTarget() {
  const installed = execFileSync("rustup", ["target", "list", "--installed"], { encoding: "utf8" });
  if (!installed.split("\n").includes("wasm32-unknown-unknown")) {
    run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
}

/**
 * rustup components, added when missing: by default the standard library's sources, which
 * `-Z build-std` compiles for the module (npm test's set-up also asks for clippy and rustfmt).
 * @param {string[]} [components]
 */
export function ensureRustComponents(components = ["rust-src"]) {
  const installed = execFileSync("rustup", ["component", "list", "--installed"], { encoding: "utf8" }).split("\n");
  // Listed as "rust-src", or with the host's triple: "clippy-x86_64-unknown-linux-gnu".
  const missing = components.filter((c) => !installed.some((line) => line === c || line.startsWith(`${c}-`)));
  if (missing.length) run("rustup", ["component", "add", ...missing]);
}

/** The path of a wasm-bindgen CLI whose version equals the crate's in Cargo.lock. */
export function ensureWasmBindgen() {
  // Not --locked: wasm-bindgen-cli's own lock file does not build with current toolchains.
  return ensureCargoTool({ crate: "wasm-bindgen-cli", bin: "wasm-bindgen", version: lockedVersion("wasm-bindgen") });
}

export function wasmOpt() {
  const bin = join(root, "node_modules", "binaryen", "bin", "wasm-opt");
  if (!existsSync(bin)) throw new Error("wasm-opt from the npm package binaryen is missing: run npm ci");
  return bin;
}

export { run, root };

/**
 * Compiles the module for wasm32 as it ships: the standard library rebuilt (`-Z build-std`, on the
 * stable toolchain through RUSTC_BOOTSTRAP, with the `rust-src` component) so that panics abort
 * without formatting (`panic=immediate-abort`), with `Debug` formatting and panic locations
 * compiled out, and with the standard library's `optimize_for_size` feature (its smaller
 * implementations of the same functions: 0.9 KB gzip). `features` adds cargo features (the benchmarks' `bench`). Returns the .wasm path.
 * @param {{ features?: string[], targetDir?: string }} [options]
 */
export function compileWasm({ features = [], targetDir = join(root, "target", "wasm-release") } = {}) {
  ensureWasmTarget();
  ensureRustComponents();
  const featureArgs = features.length ? ["--features", features.join(",")] : [];
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib", ...featureArgs, "-Z", "build-std=std,panic_abort", "-Z", "build-std-features=optimize_for_size", "--target-dir", targetDir], {
    cwd: root,
    env: {
      ...process.env,
      RUSTC_BOOTSTRAP: "1",
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none",
    },
  });
  return join(targetDir, "wasm32-unknown-unknown", "release", "agentcore_identity_edge.wasm");
}

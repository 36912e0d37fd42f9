// npm run build: Rust -> wasm32 -> wasm-bindgen (--target web) -> wasm-opt -Oz, into www/wasm/.
//
// The standard library is rebuilt for the module (`-Z build-std`, on the stable toolchain through
// RUSTC_BOOTSTRAP, with the `rust-src` component) so that panics abort without formatting
// (`panic=immediate-abort`), and with `Debug` formatting and panic locations compiled out: the
// module never prints either, and they are a tenth of its size.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureRustSrc, ensureWasmBindgen, ensureWasmTarget, root, run, wasmOpt } from "./toolchain.mjs";

const outDir = join(root, "www", "wasm");
const targetDir = join(root, "target", "wasm-release");
const wasmIn = join(targetDir, "wasm32-unknown-unknown", "release", "agentcore_identity_edge.wasm");
const wasmOut = join(outDir, "agentcore_identity_edge_bg.wasm");

ensureWasmTarget();
ensureRustSrc();
const wasmBindgen = ensureWasmBindgen();
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib", "-Z", "build-std=std,panic_abort", "--target-dir", targetDir], {
  cwd: root,
  env: {
    ...process.env,
    RUSTC_BOOTSTRAP: "1",
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none",
  },
});
mkdirSync(outDir, { recursive: true });
run(wasmBindgen, [wasmIn, "--out-dir", outDir, "--target", "web", "--omit-default-module-path"]);
run(wasmOpt(), ["-Oz", "--strip-debug", "--strip-producers", wasmOut, "-o", wasmOut]);
console.log(`built ${wasmOut} (${statSync(wasmOut).size} bytes)`);

// npm run build: Rust -> wasm32 -> wasm-bindgen (--target web) -> wasm-opt -Oz, into www/wasm/.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureWasmBindgen, ensureWasmTarget, root, run, wasmOpt } from "./toolchain.mjs";

const outDir = join(root, "www", "wasm");
const wasmIn = join(root, "target", "wasm32-unknown-unknown", "release", "agentcore_identity_edge.wasm");
const wasmOut = join(outDir, "agentcore_identity_edge_bg.wasm");

ensureWasmTarget();
const wasmBindgen = ensureWasmBindgen();
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib"], { cwd: root });
mkdirSync(outDir, { recursive: true });
run(wasmBindgen, [wasmIn, "--out-dir", outDir, "--target", "web", "--omit-default-module-path"]);
run(wasmOpt(), ["-Oz", "--strip-debug", "--strip-producers", wasmOut, "-o", wasmOut]);
console.log(`built ${wasmOut} (${statSync(wasmOut).size} bytes)`);

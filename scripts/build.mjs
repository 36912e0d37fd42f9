// npm run build: Rust -> wasm32 -> wasm-bindgen (--target web) -> wasm-opt -Oz, into www/wasm/.
// `node scripts/build.mjs --bench DIR` builds the benchmarks' variant (with `signOnly`) into DIR.
// How the module is compiled (the standard library rebuilt, panics that abort without formatting):
// `compileWasm` in scripts/toolchain.mjs.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileWasm, ensureWasmBindgen, root, run, wasmOpt } from "./toolchain.mjs";

const benchAt = process.argv.indexOf("--bench");
const bench = benchAt >= 0;
const outDir = bench ? process.argv[benchAt + 1] : join(root, "www", "wasm");
const wasmOut = join(outDir, "agentcore_identity_edge_bg.wasm");

const wasmBindgen = ensureWasmBindgen();
const wasmIn = bench ? compileWasm({ features: ["bench"], targetDir: join(root, "target", "wasm-bench") }) : compileWasm();
mkdirSync(outDir, { recursive: true });
run(wasmBindgen, [wasmIn, "--out-dir", outDir, "--target", "web", "--omit-default-module-path"]);
run(wasmOpt(), ["-Oz", "--strip-debug", "--strip-producers", wasmOut, "-o", wasmOut]);
console.log(`built ${wasmOut} (${statSync(wasmOut).size} bytes)`);

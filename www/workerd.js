// Entry for Cloudflare Workers (workerd) and other worker runtimes that forbid compiling wasm from
// bytes: the module is imported statically and bundled by wrangler as a `WebAssembly.Module`.
import wasmModule from "./wasm/agentcore_identity_edge_bg.wasm";
import { setWasmSource } from "./init.js";

setWasmSource(() => wasmModule);

export * from "./core.js";

// Entry for browsers, bundlers and any runtime with `fetch` and WebAssembly streaming: the module
// is fetched next to this file (bundlers rewrite the URL and copy the asset).
import { setWasmSource } from "./init.js";

setWasmSource(() => new URL("./wasm/agentcore_identity_edge_bg.wasm", import.meta.url));

export * from "./core.js";

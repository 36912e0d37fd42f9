// Entry for Node.js (and Deno and Bun through the `node` condition): the module is read from disk.
import { readFile } from "node:fs/promises";
import { setWasmSource } from "./init.js";

setWasmSource(() => readFile(new URL("./wasm/agentcore_identity_edge_bg.wasm", import.meta.url)));

export * from "./core.js";

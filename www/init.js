// Loads the wasm module once, on first use. Each entry point tells this module how its runtime
// obtains the `.wasm`: bytes, a `WebAssembly.Module`, or a URL to stream.
import initWasm from "./wasm/agentcore_identity_edge.js";

/** @type {(() => unknown) | undefined} */
let wasmSource;
/** @type {Promise<unknown> | undefined} */
let ready;

/** @param {() => unknown} source */
export function setWasmSource(source) {
  wasmSource = source;
}

/** Instantiates the module on first use; a failed attempt is retried by the next call. */
export function init() {
  ready ??= Promise.resolve()
    .then(() => {
      if (!wasmSource) throw new Error("agentcore-identity-edge: no wasm source for this runtime");
      return wasmSource();
    })
    .then((module_or_path) => initWasm({ module_or_path: /** @type {any} */ (module_or_path) }))
    .catch((e) => {
      ready = undefined;
      throw e;
    });
  return ready;
}

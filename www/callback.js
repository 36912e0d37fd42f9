// customState and the redirect callback. The state format, its MAC, expiry and comparison, and
// every callback check run in Rust; this file adapts the inputs and runs the single-use store and
// the session binding, which are the app's I/O.
import { checkCallbackResult, checkCallbackState, createCustomState as wasmCreateCustomState } from "./wasm/agentcore_identity_edge.js";
import { init } from "./init.js";
import { makeError } from "./errors.js";

const encoder = new TextEncoder();

/** @param {string | Uint8Array | ArrayBuffer} secret */
function secretBytes(secret) {
  if (typeof secret === "string") return encoder.encode(secret);
  if (secret instanceof Uint8Array) return secret;
  if (secret instanceof ArrayBuffer) return new Uint8Array(secret);
  throw makeError("configuration", { message: "the state secret must be a string, a Uint8Array or an ArrayBuffer" });
}

/**
 * A single-use store kept in this isolate's memory, with expiry. Enough for one process; a
 * deployment with several instances needs a shared store (see SECURITY.md).
 */
export class InMemoryStateStore {
  /** @type {Map<string, number>} */
  #seen = new Map();
  #lastSweep = 0;

  /**
   * Records `nonce` until `expiresAtMs`; true the first time, false after.
   * @param {string} nonce
   * @param {number} expiresAtMs
   */
  async consume(nonce, expiresAtMs) {
    const now = Date.now();
    if (now - this.#lastSweep > 60_000 || this.#seen.size > 10_000) {
      for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
      this.#lastSweep = now;
    }
    const exp = this.#seen.get(nonce);
    if (exp !== undefined && exp > now) return false;
    this.#seen.set(nonce, Math.max(expiresAtMs, now + 1));
    return true;
  }
}

const defaultStore = new InMemoryStateStore();

/**
 * Makes a `customState` for `GetResourceOauth2Token`.
 * @param {import("./index.js").CreateCustomStateOptions} options
 * @returns {Promise<string>}
 */
export async function createCustomState(options) {
  const { secret, ttlSeconds = 600, binding = "", now = Date.now() } = options ?? {};
  await init();
  return wasmCreateCustomState(secretBytes(secret), String(binding), now, ttlSeconds, makeError);
}

/**
 * @param {URL | Request | URLSearchParams | string} input
 * @returns {string}
 */
function queryOf(input) {
  if (typeof input === "string") return input.includes("://") ? new URL(input).search : input;
  if (input && typeof input === "object") {
    if (typeof (/** @type {any} */ (input).getAll) === "function") return `?${input.toString()}`;
    if (typeof (/** @type {any} */ (input).search) === "string") return /** @type {URL} */ (input).search;
    if (typeof (/** @type {any} */ (input).url) === "string") return new URL(/** @type {Request} */ (input).url).search;
  }
  throw makeError("configuration", { message: "handleOauth2Callback takes a URL, a Request, URLSearchParams or a URL string" });
}

/**
 * Verifies the redirect callback of a user-federation flow and completes it.
 * @param {URL | Request | URLSearchParams | string} input
 * @param {import("./index.js").HandleOauth2CallbackOptions} options
 * @returns {Promise<import("./index.js").Oauth2CallbackResult>}
 */
export async function handleOauth2Callback(input, options) {
  const { stateSecret, binding = "", expectedState, stateStore = defaultStore, client, userIdentifier, now = Date.now(), signal } = options ?? {};
  await init();
  const query = queryOf(input);
  const secret = stateSecret === undefined ? undefined : secretBytes(stateSecret);
  const checked = checkCallbackState(query, secret, String(binding), expectedState, now, makeError);
  const consumed = await stateStore.consume(checked.nonce, checked.expiresAt);
  const sessionUri = checkCallbackResult(query, consumed === true, makeError);
  let completed = false;
  if (client && userIdentifier) {
    await client.completeResourceTokenAuth({ sessionUri, userIdentifier }, { signal });
    completed = true;
  }
  return { sessionUri, customState: checked.state, completed };
}

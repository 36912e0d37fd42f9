// customState and the redirect callback. The state format, its MAC, expiry and comparison, and
// every callback check run in Rust; this file checks the arguments, adapts the inputs and runs the
// single-use store and the session binding, which are the app's I/O.
import { checkCallbackResult, checkCallbackState, createCustomState as wasmCreateCustomState } from "./wasm/agentcore_identity_edge.js";
import { init } from "./init.js";
import { within } from "./host.js";
import { makeError } from "./errors.js";
import { checkConsumeArgs, CLOCK_SKEW_MS } from "./stores.js";
import { bytes, CHECK_INPUT, checked, configError, epochMs, field, isObject, member, optionalFunction, optionalSignal, optionsObject, plainData, string, wholeNumber } from "./guard.js";

/** Longest callback input read (the core refuses queries over 16 KiB). */
const MAX_INPUT = 64 * 1024;
/** Default lifetime of a state, in seconds: the service's session lifetime. */
const DEFAULT_TTL_SECONDS = 600;
/** Shortest `expectedState`: 22 base64url characters carry 128 bits. */
const MIN_EXPECTED_STATE = 22;

/**
 * A single-use store kept in this isolate's memory, with expiry. Enough for one process; a
 * deployment with several instances needs a shared store (see "Running on many instances").
 */
export class InMemoryStateStore {
  /** @type {Map<string, number>} */
  #seen = new Map();
  #lastSweep = 0;
  /** The size that triggers the next sweep: twice what the last one left, so sweeps stay rare. */
  #sweepAt = 10_000;

  /**
   * Records `nonce` until `expiresAtMs` and the clock-skew allowance (5 minutes) after it; true
   * the first time, false after.
   * @param {string} nonce
   * @param {number} expiresAtMs
   */
  async consume(nonce, expiresAtMs) {
    const now = Date.now();
    checkConsumeArgs(nonce, expiresAtMs, now);
    if (now - this.#lastSweep > 60_000 || this.#seen.size > this.#sweepAt) {
      for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
      this.#lastSweep = now;
      this.#sweepAt = Math.max(10_000, 2 * this.#seen.size);
    }
    const exp = this.#seen.get(nonce);
    if (exp !== undefined && exp > now) return false;
    // Kept past the state's expiry: a clock that steps back cannot make it new again.
    this.#seen.set(nonce, expiresAtMs + CLOCK_SKEW_MS);
    return true;
  }
}

const defaultStore = new InMemoryStateStore();
/** How long `handleOauth2Callback` waits for its store by default: beyond the shared stores' own. */
export const STORE_TIMEOUT_MS = 30_000;

/**
 * A whole number of seconds from 1 to one year, default 600.
 * @param {unknown} v
 */
function ttlSeconds(v) {
  return wholeNumber(v, "ttlSeconds", 1, 365 * 86_400, DEFAULT_TTL_SECONDS, "seconds");
}

/**
 * The binding: a well-formed, non-empty string or bytes; `undefined` is no binding.
 * @param {unknown} v
 */
function binding(v) {
  if (v === undefined) return new Uint8Array(0);
  const b = bytes(v, "binding");
  // An empty binding would be no binding: a missing user id must not switch the check off.
  if (b.length === 0) throw configError("binding must not be empty: leave it out for a state bound to no one");
  return b;
}

/**
 * Makes a `customState` for `GetResourceOauth2Token`.
 * @param {import("./index.js").CreateCustomStateOptions} options
 * @returns {Promise<string>}
 */
export async function createCustomState(options) {
  const what = "createCustomState options";
  const args = checked(() => {
    const o = optionsObject(options, what, false);
    return {
      secret: bytes(field(o, "secret", what), "secret"),
      binding: binding(field(o, "binding", what)),
      now: epochMs(field(o, "now", what), "now"),
      ttlSeconds: ttlSeconds(field(o, "ttlSeconds", what)),
    };
  }, what);
  await init();
  return wasmCreateCustomState(args, makeError);
}

/** @param {string} message */
function inputError(message) {
  return configError(`handleOauth2Callback: ${message}`);
}

/**
 * The query of a callback: a URL, a Request, URLSearchParams, an absolute URL string, a path with
 * a query (Node's `req.url`), or a query string (with or without `?`). Never echoes the input.
 * @param {unknown} input
 * @returns {string}
 */
function queryOf(input) {
  const query = queryText(input);
  // Whatever the input's kind (a URL or URLSearchParams holds any length): nothing larger reaches the core.
  if (query.length > MAX_INPUT) throw tooLarge();
  return query;
}

function tooLarge() {
  return makeError("callback", { code: "query_too_large", message: "the callback query is too large" });
}

/**
 * @param {unknown} input
 * @returns {string}
 */
function queryText(input) {
  /** @param {string} s */
  const fromString = (s) => {
    // Checked before any parsing too.
    if (s.length > MAX_INPUT) throw tooLarge();
    if (s.startsWith("?")) return s;
    if (s.startsWith("/")) {
      const path = s.split("#", 1)[0];
      const i = path.indexOf("?");
      return i < 0 ? "" : path.slice(i);
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) {
      try {
        return new URL(s).search;
      } catch {
        throw inputError("the callback URL is not a valid URL");
      }
    }
    return s;
  };
  if (typeof input === "string") return fromString(input);
  if (!isObject(input)) throw inputError("takes a URL, a Request, URLSearchParams or a URL string");
  try {
    if (typeof URLSearchParams !== "undefined" && input instanceof URLSearchParams) return `?${input.toString()}`;
    if (typeof URL !== "undefined" && input instanceof URL) return input.search;
    const url = /** @type {any} */ (input).url;
    if (typeof url === "string") return fromString(url);
  } catch (cause) {
    if (cause instanceof Error && (cause.name === "CallbackError" || cause.name === "ConfigurationError")) throw cause;
    throw inputError("the callback input could not be read");
  }
  throw inputError("takes a URL, a Request, URLSearchParams or a URL string");
}

/**
 * `{ userId }` or `{ userToken }`, one non-empty string, as a plain copy (read once; any other
 * member stays for the model check to refuse): checked before the state is consumed, so that a
 * wrong one cannot burn it.
 * @param {unknown} v
 */
function userOf(v) {
  const wrong = () => configError("userIdentifier must be { userId } or { userToken }, one non-empty string");
  if (!isObject(v) || Array.isArray(v)) throw wrong();
  const copy = /** @type {Record<string, unknown>} */ (plainData(v, wrong));
  // The copy has no prototype: an inherited (polluted) `userToken` is no member.
  const { userId, userToken } = copy;
  if ((userId === undefined) === (userToken === undefined)) throw wrong();
  if (typeof (userId ?? userToken) !== "string" || (userId ?? userToken) === "") throw wrong();
  // Handed on as an ordinary object (the client copies its input again); an own `__proto__`
  // member stays a member, for the model check to refuse.
  return { ...copy };
}

/**
 * Verifies the redirect callback of a user-federation flow and completes it.
 * @param {URL | Request | URLSearchParams | string} input
 * @param {import("./index.js").HandleOauth2CallbackOptions} options
 * @returns {Promise<import("./index.js").Oauth2CallbackResult>}
 */
export async function handleOauth2Callback(input, options) {
  const what = "handleOauth2Callback options";
  const { secret, expectedState, expectedStateExpiresAt, now, bound, store, consume, storeTimeoutMs, client, complete, checkInput, userIdentifier, signal, query } = checked(() => {
    const o = optionsObject(options, what, false);
    const rawSecret = field(o, "stateSecret", what);
    const secret = rawSecret === undefined ? undefined : bytes(rawSecret, "stateSecret");
    const expectedState = string(field(o, "expectedState", what), "expectedState", { optional: true, nonEmpty: true });
    if (expectedState !== undefined && expectedState.length < MIN_EXPECTED_STATE) {
      throw configError(`expectedState must be at least ${MIN_EXPECTED_STATE} characters (128 bits in base64url)`);
    }
    const issuedAt = field(o, "expectedStateIssuedAt", what);
    const now = epochMs(field(o, "now", what), "now");
    // Checked whether or not a stored state uses it: a wrong value is refused, never ignored.
    const ttl = ttlSeconds(field(o, "ttlSeconds", what));
    /** @type {number | undefined} */
    let expectedStateExpiresAt;
    if (issuedAt !== undefined || (expectedState !== undefined && secret === undefined)) {
      if (expectedState === undefined) throw configError("expectedStateIssuedAt goes with expectedState");
      // Missing is NaN here (epochMs reads undefined as the real clock): refused, named.
      const issued = epochMs(issuedAt ?? NaN, "expectedStateIssuedAt");
      // An issue time in the future (seconds for milliseconds, another clock) would stretch the
      // state's life: refused, with a minute of slack for clocks.
      if (issued > now + 60_000) throw configError("expectedStateIssuedAt is in the future: it must be the time the state was issued, in milliseconds since the epoch");
      expectedStateExpiresAt = issued + ttl * 1000;
    }
    const rawBinding = field(o, "binding", what);
    // A stored state carries no binding to check: a binding given with it is refused, not ignored.
    if (rawBinding !== undefined && secret === undefined && expectedState !== undefined) {
      throw configError("binding is checked only in a state made by createCustomState (with stateSecret); a stored expectedState carries none: keep the user in your session store instead");
    }
    const bound = binding(rawBinding);
    const given = field(o, "stateStore", what);
    const store = given === undefined ? defaultStore : given;
    // The method is read once, here: the store cannot swap it between the check and the call.
    const consume = isObject(store) ? member(store, "consume", "stateStore") : undefined;
    if (typeof consume !== "function") throw configError("stateStore must have a consume(nonce, expiresAtMs) method");
    const storeTimeoutMs = wholeNumber(field(o, "stateStoreTimeoutMs", what), "stateStoreTimeoutMs", 1, 600_000, STORE_TIMEOUT_MS);
    const client = field(o, "client", what);
    const userIdentifier = field(o, "userIdentifier", what);
    if ((client === undefined) !== (userIdentifier === undefined)) {
      throw configError("client and userIdentifier go together: give both to complete the session binding, or neither");
    }
    const complete = isObject(client) ? optionalFunction(member(client, "completeResourceTokenAuth", "client"), "client.completeResourceTokenAuth") : undefined;
    const checkInput = isObject(client) ? optionalFunction(member(client, CHECK_INPUT, "client"), "client") : undefined;
    if (client !== undefined && !(complete && checkInput)) throw configError("client must be an AgentCoreIdentityClient");
    const user = userIdentifier === undefined ? undefined : userOf(userIdentifier);
    const signal = optionalSignal(field(o, "signal", what), "signal");
    return { secret, expectedState, expectedStateExpiresAt, now, bound, store, consume, storeTimeoutMs, client, complete, checkInput, userIdentifier: user, signal, query: queryOf(input) };
  }, what);

  if (signal?.aborted) throw signal.reason;
  await init();
  const verified = checkCallbackState(query, { secret, binding: bound, expectedState, expectedStateExpiresAt, now }, makeError);
  // The session binding's input is checked against the model before the state is consumed: a
  // wrong userIdentifier cannot burn it. The session is the service's, so a well-formed stand-in
  // takes its place here.
  if (checkInput) await checkInput.call(client, "CompleteResourceTokenAuth", { sessionUri: "urn:ietf:params:oauth:request_uri:check", userIdentifier });
  const asked = new Promise((r) => r(consume.call(store, verified.nonce, verified.expiresAt))).catch((cause) => {
    throw makeError("callback", { code: "state_store_unavailable", message: "the single-use state store failed; the callback is refused", cause });
  });
  // A store that never answers refuses the callback after `stateStoreTimeoutMs`.
  const late = () => makeError("callback", { code: "state_store_unavailable", message: `the single-use state store did not answer within ${storeTimeoutMs} ms; the callback is refused` });
  // Nor does it keep an aborted caller waiting.
  const consumed = await within(asked, storeTimeoutMs, late, signal);
  if (typeof consumed !== "boolean") {
    throw makeError("callback", { code: "state_store_unavailable", message: "the single-use state store gave no boolean answer; the callback is refused" });
  }
  const sessionUri = checkCallbackResult(query, consumed, makeError);
  if (complete) {
    await complete.call(client, { sessionUri, userIdentifier }, { signal });
    return { sessionUri, customState: verified.state, completed: true };
  }
  return { sessionUri, customState: verified.state, completed: false };
}

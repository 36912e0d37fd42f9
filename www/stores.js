// What the shared single-use stores have in common: the checks of `consume`'s arguments, and one way to call a backend that fails closed (a typed error, never `true`, always
// settled). Messages never hold the nonce; the backend's error is kept as `cause`.
import { makeError } from "./errors.js";
import { within } from "./host.js";

const NONCE = /^(?:[A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{43})$/;
/**
 * How long every store keeps a consumed nonce after the state's expiry: 5 minutes. An instance
 * whose clock runs behind still accepts the state after its real expiry, for as long as its clock
 * is behind; the entry outlives that by this allowance, so the state stays consumed there too.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** How far ahead an expiry may be: a state lives at most one year; a day of slack for clocks. */
const MAX_AHEAD_MS = 366 * 86_400_000;

/**
 * Throws `ConfigurationError` unless `nonce` is a base64url string of 22 or 43 characters and
 * `expiresAtMs` an integer time in the future, at most a year and a day ahead.
 * @param {unknown} nonce
 * @param {unknown} expiresAtMs
 * @param {number} now
 * @returns {asserts nonce is string}
 */
export function checkConsumeArgs(nonce, expiresAtMs, now) {
  if (!isNonce(nonce)) {
    throw makeError("configuration", { message: "consume: the nonce must be a base64url string of 22 or 43 characters" });
  }
  if (typeof expiresAtMs !== "number" || !Number.isSafeInteger(expiresAtMs)) {
    throw makeError("configuration", { message: "consume: expiresAtMs must be an integer time in milliseconds since the epoch" });
  }
  if (expiresAtMs <= now || expiresAtMs - now > MAX_AHEAD_MS) {
    throw makeError("configuration", { message: "consume: expiresAtMs must be in the future, at most a year ahead" });
  }
}

/**
 * @param {unknown} nonce
 * @returns {nonce is string}
 */
export function isNonce(nonce) {
  return typeof nonce === "string" && NONCE.test(nonce);
}

/**
 * Runs `call` (which talks to the backend) and `read` (which turns its answer into a boolean, or
 * throws `ResponseError`). Whatever `call` throws or rejects with becomes `NetworkError`; no answer
 * within `timeoutMs` becomes `RequestTimeoutError`. Always settles.
 * @template T
 * @template [R=boolean]
 * @param {() => T | Promise<T>} call
 * @param {(answer: T) => R | Promise<R>} read
 * @param {number} timeoutMs
 * @param {string} what the backend, for messages ("Redis", "the Durable Object")
 * @returns {Promise<R>}
 */
export function askBackend(call, read, timeoutMs, what) {
  /** @param {unknown} cause */
  const unreachable = (cause) => makeError("network", { message: `the state store (${what}) could not be reached`, cause });
  const asked = (async () => {
    /** @type {T} */
    let answer;
    try {
      answer = await call();
    } catch (cause) {
      throw unreachable(cause);
    }
    try {
      return await read(answer);
    } catch (e) {
      // `read` throws ResponseError for a wrong answer; anything else (a body that breaks off) is
      // the connection's.
      throw e instanceof Error && e.name === "ResponseError" ? e : unreachable(e);
    }
  })();
  return within(asked, timeoutMs, () => makeError("timeout", { message: `the state store (${what}) did not answer within ${timeoutMs} ms` }));
}

/** @param {string} what */
export function unexpectedAnswer(what) {
  return makeError("response", { message: `the state store (${what}) gave an unexpected answer` });
}

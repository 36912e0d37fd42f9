// The host side of a call: the `fetch` init and the reply reader the wasm executor calls, and the
// backoff sleep, abort race and credentials provider call the wrapper awaits between the core's
// steps. Each settles; none decides anything (retries, errors and clock skew are the core's).
import { makeError } from "./errors.js";
import { credentialsSnapshot } from "./guard.js";

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts.
 * @param {number} ms
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A signal that aborts after `ms`. `AbortSignal.timeout` where the host has it.
 * @param {number} ms
 */
function timeoutSignal(ms) {
  if (typeof AbortSignal.timeout === "function") return AbortSignal.timeout(ms);
  const c = new AbortController();
  const t = setTimeout(() => c.abort(new DOMException("The operation timed out.", "TimeoutError")), ms);
  /** @type {any} */ (t)?.unref?.();
  return c.signal;
}

/**
 * A signal that aborts when either does. `AbortSignal.any` where the host has it (early Node 20
 * releases lack it).
 * @param {AbortSignal} a
 * @param {AbortSignal} b
 */
export function anySignal(a, b) {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) {
      c.abort(s.reason);
      return c.signal;
    }
  }
  const onA = () => c.abort(a.reason);
  const onB = () => c.abort(b.reason);
  a.addEventListener("abort", onA, { once: true });
  b.addEventListener("abort", onB, { once: true });
  c.signal.addEventListener("abort", () => {
    a.removeEventListener("abort", onA);
    b.removeEventListener("abort", onB);
  });
  return c.signal;
}

/** The caller's signal and the timeout of each attempt's `fetch` init, for {@link read}. */
const attemptSignals = new WeakMap();

/**
 * The `fetch` init of one attempt: `POST`, the signed headers (given as one `name\nvalue\n...`
 * string: one crossing from wasm), the body, `redirect: "manual"`, and the caller's signal
 * combined with the attempt's timeout.
 * @param {string} headerLines
 * @param {string} body
 * @param {AbortSignal | undefined} user
 * @param {number | undefined} timeoutMs
 * @returns {RequestInit}
 */
export function init(headerLines, body, user, timeoutMs) {
  const parts = headerLines.split("\n");
  /** @type {Record<string, string>} */
  const headers = {};
  for (let i = 0; i + 1 < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
  // A redirect is never followed: it is the reply, and the core makes it an error. Following it
  // would send the signed body and the session token to wherever the `location` points.
  /** @type {RequestRedirect} */
  const redirect = "manual";
  if (user === undefined && timeoutMs === undefined) return { method: "POST", headers, body, redirect };
  const timeout = timeoutMs === undefined ? undefined : timeoutSignal(timeoutMs);
  const signal = user && timeout ? anySignal(user, timeout) : /** @type {AbortSignal} */ (user ?? timeout);
  const out = { method: "POST", headers, body, redirect, signal };
  attemptSignals.set(out, { user, timeout });
  return out;
}

/**
 * The body stream as text, reading at most `maxBytes` of it as decoded; `undefined` if it is
 * larger (the rest is not read: the stream is cancelled, without waiting for the cancel to
 * settle). The decoded bytes are counted as they stream, whatever `content-length` and
 * `content-encoding` say: a declared length counts the bytes on the wire (fewer, when encoded), a
 * browser may hide `content-encoding` from a cross-origin reader, and a server may lie.
 * @param {ReadableStream<Uint8Array>} body
 * @param {number} maxBytes
 * @returns {Promise<string | undefined>}
 */
async function readCapped(body, maxBytes) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * Settles one attempt: awaits the pending `fetch`, reads the status, the headers the core needs
 * and the body (parsed with `JSON.parse`), and classifies a failure by the init's signals. Never
 * rejects.
 * @param {Promise<Response>} pending
 * @param {RequestInit} sent the init from {@link init}
 * @param {number} maxBytes
 */
export async function read(pending, sent, maxBytes) {
  /** @type {{ user?: AbortSignal, timeout?: AbortSignal } | undefined} */
  const sig = attemptSignals.get(sent);
  const work = settle(pending, sig, maxBytes);
  const signal = sent.signal;
  if (!sig || !signal) return work;
  // A `fetch` that ignores its signal (a test double, a wrapper) still ends at the abort or the
  // timeout: the attempt is settled by whichever comes first.
  /** @type {() => void} */
  let onAbort = () => {};
  const stopped = new Promise((resolve) => {
    onAbort = () => resolve(abortOutcome(sig, undefined));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * How an aborted attempt ends: the caller's abort (its reason), or the timeout.
 * @param {{ user?: AbortSignal, timeout?: AbortSignal }} sig
 * @param {unknown} cause
 */
function abortOutcome(sig, cause) {
  if (sig.user?.aborted) return bare({ outcome: "aborted", cause: sig.user.reason });
  if (sig.timeout?.aborted) return bare({ outcome: "timeout" });
  return networkOutcome(cause);
}

/** A failed `fetch`, with the facts the retry rules read. @param {unknown} cause */
const networkOutcome = (cause) => bare({ outcome: "network", cause, chain: causeChain(cause) });

/**
 * `o` on no prototype: the core reads the settled attempt's members by name, and a member it
 * lacks must not be found on a polluted `Object.prototype`.
 * @template {object} T
 * @param {T} o
 * @returns {T}
 */
const bare = (o) => Object.assign(Object.create(null), o);

/** The headers the core reads from a reply, in the order it reads them. */
const REPLY_HEADERS = ["x-amzn-requestid", "x-amzn-request-id", "x-amz-request-id", "x-amz-id-2", "x-amz-cf-id", "x-amzn-errortype", "date", "retry-after", "x-amz-retry-after", "age"];

/**
 * @param {Promise<Response>} pending
 * @param {{ user?: AbortSignal, timeout?: AbortSignal } | undefined} sig
 * @param {number} maxBytes
 */
async function settle(pending, sig, maxBytes) {
  try {
    const response = await pending;
    if (!response || typeof response.status !== "number" || typeof response.headers?.get !== "function") {
      throw new TypeError("fetch resolved to something that is not a Response");
    }
    const h = response.headers;
    /** @type {Record<string, unknown>} */
    const reply = bare({
      status: response.status,
      // The core reads these in this order (ReplyIn in src/wasm/executor.rs); absent ones are null.
      strings: [typeof response.type === "string" ? response.type : null, ...REPLY_HEADERS.map((name) => h.get(name))],
    });
    const body = response.body;
    // Only a `Response` without a readable stream (a test double) is read whole, then measured:
    // at least one byte per UTF-16 unit.
    let text = body && typeof body.getReader === "function" ? await readCapped(body, maxBytes) : await response.text();
    if (text !== undefined && text.length > maxBytes) text = undefined;
    if (text === undefined) reply.tooLarge = true;
    else if (text === "") reply.empty = true;
    else {
      try {
        reply.parsed = JSON.parse(text);
      } catch {
        // Not JSON: the core reports it (an HTML page from a proxy, a truncated body).
      }
    }
    return bare({ outcome: "reply", reply });
  } catch (cause) {
    return sig ? abortOutcome(sig, cause) : networkOutcome(cause);
  }
}

/**
 * The facts the retry rules read from a failed `fetch`: each error of the `cause` chain (at most
 * 12), its `name`, `message`, string `code` and whether it is a TypeError.
 * @param {unknown} error
 */
function causeChain(error) {
  /** @type {{ name: string, message: string, code?: string, isTypeError: boolean }[]} */
  const chain = [];
  let e = error;
  try {
    while (chain.length < 12 && typeof e === "object" && e !== null) {
      const { name, message, code } = /** @type {any} */ (e);
      chain.push(
        bare({
          name: typeof name === "string" ? name : "",
          message: typeof message === "string" ? message : "",
          code: typeof code === "string" ? code : undefined,
          isTypeError: e instanceof TypeError,
        }),
      );
      e = /** @type {any} */ (e).cause;
    }
  } catch {
    // A getter that throws ends the chain.
  }
  return chain;
}

/** The runtime, for the user agent's `md/` section. */
export function runtime() {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.Deno?.version?.deno === "string") return `deno#${g.Deno.version.deno}`;
  if (typeof g.Bun?.version === "string") return `bun#${g.Bun.version}`;
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "cloudflare-workers";
  if (typeof g.EdgeRuntime === "string") return "edge-runtime";
  if (typeof g.process?.versions?.node === "string") return `nodejs#${g.process.versions.node}`;
  return "browser";
}

/**
 * `work`, or a rejection with `onTimeout()` once `ms` have passed without its answer, or with the
 * signal's reason as soon as it aborts: a hung provider, handler or store does not keep the caller
 * waiting past either, and a later answer is ignored. `ms` undefined sets no time limit. The
 * timer and the abort listener are removed as soon as any of the three settles. The timer is not
 * unref'd: in Node, a hung provider or store awaited by a script would otherwise end the process
 * silently instead of rejecting.
 * @template T
 * @param {Promise<T> | T} work
 * @param {number | undefined} ms
 * @param {() => unknown} onTimeout the rejection reason
 * @param {AbortSignal} [signal]
 * @returns {Promise<T>}
 */
export function within(work, ms, onTimeout, signal) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms === undefined && !signal) return Promise.resolve(work);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {() => void} */
  let onAbort = () => {};
  const stop = new Promise((_, reject) => {
    if (ms !== undefined) timer = setTimeout(() => reject(onTimeout()), ms);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return /** @type {Promise<T>} */ (
    Promise.race([work, stop]).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    })
  );
}

/**
 * Calls the user's credentials provider; resolves to a plain snapshot, or rejects with a
 * CredentialsProviderError (whatever the provider threw or returned).
 * @param {() => unknown} provider
 */
export async function resolveCredentials(provider) {
  let value;
  try {
    value = await provider();
  } catch (cause) {
    throw makeError("credentials", { message: "the credentials provider threw or rejected", cause });
  }
  return credentialsSnapshot(value, "credentials");
}

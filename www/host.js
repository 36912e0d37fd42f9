// The host functions the wasm executor calls: per-attempt signals, the reply reader, backoff
// sleeps, and the credentials provider's call. Each settles; none decides anything (retries,
// errors and clock skew are the core's).
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
function anySignal(a, b) {
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

/**
 * The signals of one attempt: the caller's and the per-attempt timeout, combined.
 * @param {AbortSignal | undefined} user
 * @param {number | undefined} timeoutMs
 */
export function signals(user, timeoutMs) {
  if (user === undefined && timeoutMs === undefined) return undefined;
  const timeout = timeoutMs === undefined ? undefined : timeoutSignal(timeoutMs);
  const signal = user && timeout ? anySignal(user, timeout) : (user ?? timeout);
  return { signal, user, timeout };
}

/**
 * The body as text, reading at most `maxBytes`; `undefined` if it is larger (the rest is not read).
 * @param {Response} response
 * @param {number} maxBytes
 * @returns {Promise<string | undefined>}
 */
async function boundedText(response, maxBytes) {
  const declared = response.headers.get("content-length");
  if (declared !== null && /^\s*\d+\s*$/.test(declared)) {
    if (Number(declared) > maxBytes) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
  }
  const body = response.body;
  if (declared !== null || !body || typeof body.getReader !== "function") {
    const text = await response.text();
    return text.length > maxBytes ? undefined : text;
  }
  // No length declared (chunked): count while reading, and stop at the cap.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * Settles one attempt: awaits the pending `fetch`, reads the status, the headers the core needs
 * and the body (parsed with `JSON.parse`), and classifies a failure by the signals. Never rejects.
 * @param {Promise<Response>} pending
 * @param {{ user?: AbortSignal, timeout?: AbortSignal } | undefined} sig
 * @param {number} maxBytes
 */
export async function read(pending, sig, maxBytes) {
  try {
    const response = await pending;
    if (!response || typeof response.status !== "number" || typeof response.headers?.get !== "function") {
      throw new TypeError("fetch resolved to something that is not a Response");
    }
    const h = response.headers;
    /** @type {Record<string, unknown>} */
    const reply = {
      status: response.status,
      requestId: h.get("x-amzn-requestid") ?? undefined,
      errorType: h.get("x-amzn-errortype") ?? undefined,
      date: h.get("date") ?? undefined,
      retryAfter: h.get("retry-after") ?? undefined,
      amzRetryAfter: h.get("x-amz-retry-after") ?? undefined,
    };
    const text = await boundedText(response, maxBytes);
    if (text === undefined) reply.tooLarge = true;
    else if (text.trim() === "") reply.empty = true;
    else {
      try {
        reply.parsed = JSON.parse(text);
      } catch {
        // Not JSON: the core reports it (an HTML page from a proxy, a truncated body).
      }
    }
    return { outcome: "reply", reply };
  } catch (cause) {
    if (sig?.user?.aborted) return { outcome: "aborted", cause: sig.user.reason };
    if (sig?.timeout?.aborted) return { outcome: "timeout" };
    return { outcome: "network", cause };
  }
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

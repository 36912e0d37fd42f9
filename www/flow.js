// The user-federation flow of getResourceOauth2TokenOrAuthorize: one call, the user sent to the
// authorization URL, then polls with the session until the token comes. Every wait (the
// credentials provider, each request, the handler, each pause) ends at the flow's deadline or the
// caller's abort, whatever the client's own requestTimeoutMs.
import { makeError, ThrottlingException } from "./errors.js";
import { anySignal, sleep, within } from "./host.js";

/**
 * @typedef {(input: any, signal: AbortSignal) => Promise<any>} Dispatch one GetResourceOauth2Token call
 * @typedef {{
 *   onAuthorizationUrl: Function | undefined,
 *   pollIntervalMs: number,
 *   timeoutMs: number,
 *   signal: AbortSignal | undefined,
 * }} FlowOptions checked options
 */

/**
 * Runs the flow; rejects with `AuthorizationFlowError` (`timeout` at the deadline), the caller's
 * abort reason, or the call's typed error.
 * @param {Dispatch} dispatch
 * @param {any} data the checked plain input
 * @param {FlowOptions} options
 */
export async function authorize(dispatch, data, { onAuthorizationUrl, pollIntervalMs, timeoutMs, signal }) {
  /** @type {string | undefined} */
  let sessionUri;
  const flowError = (/** @type {string} */ code, /** @type {string} */ message) => makeError("flow", { code, message, sessionUri });
  const timedOut = () =>
    flowError("timeout", `no token within ${timeoutMs} ms: the session completes only when the callback binds it (handleOauth2Callback with client and userIdentifier, or completeResourceTokenAuth)`);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(timedOut()), timeoutMs);
  const bounded = signal ? anySignal(signal, deadline.signal) : deadline.signal;
  try {
    let out = await dispatch(data, bounded);
    if (out.accessToken) return out;
    sessionUri = out.sessionUri;
    if (!sessionUri) throw flowError("no_session", "the service returned neither a token nor a session");
    if (out.sessionStatus === "FAILED") throw flowError("session_failed", "the authorization session failed");
    if (out.authorizationUrl) {
      if (typeof onAuthorizationUrl !== "function") throw flowError("no_handler", "a user authorization is needed: pass onAuthorizationUrl");
      await within(onAuthorizationUrl(out.authorizationUrl, { sessionUri }), undefined, timedOut, bounded);
    }
    // Poll with the same input plus the session; forceAuthentication would start a new session.
    const poll = Object.assign(Object.create(null), data, { sessionUri });
    delete poll.forceAuthentication;
    let interval = pollIntervalMs;
    for (;;) {
      // The pause ends early at the deadline, with the timeout.
      await sleep(interval, bounded);
      try {
        out = await dispatch(poll, bounded);
      } catch (e) {
        if (!(e instanceof ThrottlingException)) throw e;
        // Doubled up to 60 s, never below the caller's own interval.
        interval = Math.max(Math.min(interval * 2, 60_000), pollIntervalMs);
        continue;
      }
      if (out.accessToken) return out;
      if (out.sessionStatus === "FAILED") throw flowError("session_failed", "the authorization session failed");
      interval = pollIntervalMs;
    }
  } finally {
    clearTimeout(timer);
    // Settled: where the host lacks AbortSignal.any, this lets anySignal remove its listener from
    // the caller's signal.
    deadline.abort();
  }
}

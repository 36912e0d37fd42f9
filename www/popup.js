// Browser helpers for agent consoles: open the consent page in a popup and receive the callback's
// parameters from it with postMessage. Only these two functions touch `window`, and only when
// called.
import { makeError } from "./errors.js";

const MESSAGE_TYPE = "agentcore-identity-edge:oauth2-callback";

/**
 * Opens `authorizationUrl` in a popup and resolves with the callback's parameters, posted by the
 * callback page with {@link postCallbackToOpener}. Messages from any other origin or window are
 * ignored.
 * @param {string} authorizationUrl
 * @param {import("./index.js").AuthorizeInPopupOptions} options
 * @returns {Promise<URLSearchParams>}
 */
export function authorizeInPopup(authorizationUrl, options) {
  const { callbackOrigin, timeoutMs = 600_000, signal, features = "popup,width=520,height=720", popup: opened } = options ?? {};
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (!callbackOrigin) return reject(makeError("configuration", { message: "authorizeInPopup needs callbackOrigin" }));
    const popup = opened ?? w.open(authorizationUrl, "agentcore-identity-authorize", features);
    if (!popup) return reject(makeError("popup", { code: "popup_blocked", message: "the browser blocked the consent popup" }));
    if (opened) opened.location.href = authorizationUrl;
    /** @param {MessageEvent} event */
    const onMessage = (event) => {
      if (event.origin !== callbackOrigin || event.source !== popup) return;
      const data = event.data;
      if (!data || data.type !== MESSAGE_TYPE || typeof data.search !== "string") return;
      finish();
      resolve(new URLSearchParams(data.search));
    };
    const onAbort = () => fail(signal?.reason);
    const closedTimer = setInterval(() => {
      if (popup.closed) fail(makeError("popup", { code: "popup_closed", message: "the consent popup was closed before the callback" }));
    }, 250);
    const timeout = setTimeout(() => fail(makeError("popup", { code: "timeout", message: `no callback within ${timeoutMs} ms` })), timeoutMs);
    /** @param {unknown} reason */
    function fail(reason) {
      finish();
      try {
        popup?.close();
      } catch {
        // a cross-origin popup may refuse; nothing else to do
      }
      reject(reason);
    }
    function finish() {
      clearInterval(closedTimer);
      clearTimeout(timeout);
      w.removeEventListener("message", onMessage);
      signal?.removeEventListener("abort", onAbort);
    }
    w.addEventListener("message", onMessage);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * On the callback page opened by {@link authorizeInPopup}: posts this page's query to the opener
 * (only to `targetOrigin`, default this page's origin) and closes the popup. Returns false when
 * there is no opener.
 * @param {{ targetOrigin?: string, close?: boolean }} [options]
 */
export function postCallbackToOpener(options) {
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  const { targetOrigin = w.location.origin, close = true } = options ?? {};
  if (!w.opener) return false;
  w.opener.postMessage({ type: MESSAGE_TYPE, search: w.location.search }, targetOrigin);
  if (close) w.close();
  return true;
}

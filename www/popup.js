// Browser helpers for agent consoles: open the consent page in a popup and receive the callback's
// parameters from it with postMessage. Only these two functions touch `window`, and only when
// called.
import { makeError } from "./errors.js";
import { checked, checkOrigin, configError, field, isBrowsableUrl, isObject, optionalSignal, optionsObject, wholeNumber } from "./guard.js";

const MESSAGE_TYPE = "agentcore-identity-edge:oauth2-callback";
/** The longest delay `setTimeout` honours; a longer one fires at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The authorization URL, parsed, if a browser may navigate to it (isBrowsableUrl). Anything else
 * is refused before any window is opened or navigated. The message never holds the URL.
 * @param {unknown} authorizationUrl
 */
function checkAuthorizationUrl(authorizationUrl) {
  if (typeof authorizationUrl !== "string" || authorizationUrl === "") {
    throw configError("authorizeInPopup needs the authorization URL as a non-empty string");
  }
  if (!isBrowsableUrl(authorizationUrl)) {
    throw makeError("popup", {
      code: "url_refused",
      message: "refused to open the authorization URL: only an absolute https URL, or http on a loopback host, without credentials in the URL",
    });
  }
  return new URL(authorizationUrl);
}

/**
 * A fresh window name per flow, so that no other window (another flow, another page that opened a
 * window with a known name) is reused for the consent page.
 */
function uniqueWindowName() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `agentcore-identity-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Checks the options of {@link authorizeInPopup}; throws a ConfigurationError naming the option.
 * @param {unknown} options
 */
function checkPopupOptions(options) {
  const what = "authorizeInPopup options";
  const o = optionsObject(options, "authorizeInPopup options (with callbackOrigin)", false);
  // Own properties only: nothing inherited from a polluted Object.prototype.
  const callbackOrigin = checkOrigin(field(o, "callbackOrigin", what), "callbackOrigin");
  const timeoutMs = wholeNumber(field(o, "timeoutMs", what), "timeoutMs", 1, MAX_TIMEOUT_MS, 600_000);
  const givenFeatures = field(o, "features", what);
  const features = givenFeatures === undefined ? "popup,width=520,height=720" : givenFeatures;
  if (typeof features !== "string") throw configError("features must be a string");
  // With these the browser returns no window and the callback page has no opener to post to.
  if (/(^|[\s,])(noopener|noreferrer)([\s,=]|$)/i.test(features)) throw configError("features must not contain noopener or noreferrer");
  const signal = optionalSignal(field(o, "signal", what), "signal");
  const popup = field(o, "popup", what);
  if (popup !== undefined) {
    const p = /** @type {Record<string, unknown>} */ (popup);
    if (!isObject(popup) || typeof p.closed !== "boolean" || typeof p.close !== "function" || !isObject(p.location)) {
      throw configError("popup must be a window opened with window.open");
    }
  }
  return {
    callbackOrigin,
    timeoutMs,
    features,
    signal,
    popup: /** @type {Window | undefined} */ (popup),
  };
}

/**
 * Whether `win` is closed; a window whose `closed` cannot be read counts as closed.
 * @param {Window} win
 */
function isClosed(win) {
  try {
    return win.closed !== false;
  } catch {
    return true;
  }
}

/**
 * Opens `authorizationUrl` in a popup and resolves with the callback's parameters, posted by the
 * callback page with {@link postCallbackToOpener}. Messages from any other origin or window are
 * ignored. The URL must be `https:` (or `http:` on a loopback host); anything else is refused with
 * a PopupError (`url_refused`) before any window is opened or navigated. Wrong options reject with
 * a ConfigurationError. The promise always settles: callback, closed popup, timeout or abort.
 * @param {string} authorizationUrl
 * @param {import("./index.js").AuthorizeInPopupOptions} options
 * @returns {Promise<URLSearchParams>}
 */
export function authorizeInPopup(authorizationUrl, options) {
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  return new Promise((resolve, reject) => {
    /** @type {ReturnType<typeof checkPopupOptions>} */
    let o;
    /** @type {URL} */
    let url;
    try {
      o = checked(() => checkPopupOptions(options), "authorizeInPopup options");
      url = checkAuthorizationUrl(authorizationUrl);
    } catch (e) {
      return reject(e);
    }
    const { callbackOrigin, timeoutMs, features, signal, popup: opened } = o;
    if (signal?.aborted) return reject(signal.reason);
    if (opened && isClosed(opened)) return reject(makeError("popup", { code: "popup_closed", message: "the consent popup was closed before the callback" }));
    /** @type {Window | null} */
    let popup;
    try {
      popup = opened ?? w.open(url.href, uniqueWindowName(), features);
      if (opened) opened.location.href = url.href;
    } catch (e) {
      return reject(makeError("popup", { code: "popup_blocked", message: `the browser refused to open the consent popup (${e instanceof Error ? e.name : "error"})` }));
    }
    if (!popup) return reject(makeError("popup", { code: "popup_blocked", message: "the browser blocked the consent popup" }));
    const target = popup;
    /** @param {MessageEvent} event */
    const onMessage = (event) => {
      if (event.origin !== callbackOrigin || event.source !== target) return;
      const data = event.data;
      if (!data || data.type !== MESSAGE_TYPE || typeof data.search !== "string") return;
      finish();
      resolve(new URLSearchParams(data.search));
    };
    const onAbort = () => fail(signal?.reason);
    const closedTimer = setInterval(() => {
      if (isClosed(target)) fail(makeError("popup", { code: "popup_closed", message: "the consent popup was closed before the callback" }));
    }, 250);
    const timeout = setTimeout(() => fail(makeError("popup", { code: "timeout", message: `no callback within ${timeoutMs} ms` })), timeoutMs);
    /** @param {unknown} reason */
    function fail(reason) {
      finish();
      try {
        target.close();
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
 * (only to `targetOrigin`, default this page's origin; `"*"` is refused) and closes the popup.
 * Returns false when there is no opener. Wrong options throw a ConfigurationError.
 * @param {{ targetOrigin?: string, close?: boolean }} [options]
 */
export function postCallbackToOpener(options) {
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  const { targetOrigin, close } = checked(() => {
    const what = "postCallbackToOpener options";
    const o = optionsObject(options, what, true);
    const givenOrigin = field(o, "targetOrigin", what);
    const targetOrigin = checkOrigin(givenOrigin === undefined ? w.location?.origin : givenOrigin, "targetOrigin");
    const givenClose = field(o, "close", what);
    const close = givenClose === undefined ? true : givenClose;
    if (typeof close !== "boolean") throw configError("close must be a boolean");
    return { targetOrigin, close };
  }, "postCallbackToOpener options");
  if (!w.opener) return false;
  w.opener.postMessage({ type: MESSAGE_TYPE, search: w.location.search }, targetOrigin);
  if (close) w.close();
  return true;
}

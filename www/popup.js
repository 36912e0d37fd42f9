// Browser helpers for agent consoles: open the consent page in a popup and receive the callback's
// parameters from it with postMessage. Only these two functions touch `window`, and only when
// called.
import { makeError } from "./errors.js";
import { checked, checkOrigin, checkWebOrigin, configError, field, isBrowsableUrl, isObject, member, optionalSignal, optionsObject, wholeNumber } from "./guard.js";

const MESSAGE_TYPE = "agentcore-identity-edge:oauth2-callback";
/** The longest delay `setTimeout` honours; a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

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
 * A fresh window name per flow, `prefix` and 32 random hex digits, so that no other window
 * (another flow, another page that opened a window with a known name) is reused for the consent
 * page.
 * @param {string} prefix
 */
export function uniqueWindowName(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The `features` option of `window.open`: a string, `popup,width=520,height=720` when undefined,
 * never with `noopener` or `noreferrer` (the browser would return no window, and the callback
 * page would have no opener to post to).
 * @param {unknown} given
 */
export function popupFeatures(given) {
  const features = given === undefined ? "popup,width=520,height=720" : given;
  if (typeof features !== "string") throw configError("features must be a string");
  if (/(^|[\s,])(noopener|noreferrer)([\s,=]|$)/i.test(features)) throw configError("features must not contain noopener or noreferrer");
  return features;
}

/**
 * Checks the options of {@link authorizeInPopup}; throws a ConfigurationError naming the option.
 * @param {unknown} options
 */
function checkPopupOptions(options) {
  const what = "authorizeInPopup options";
  const o = optionsObject(options, "authorizeInPopup options (with callbackOrigin)", false);
  // Own properties only: nothing inherited from a polluted Object.prototype.
  // https, or http on a loopback host only: a page on plain http elsewhere can be impersonated.
  const callbackOrigin = checkWebOrigin(field(o, "callbackOrigin", what), "callbackOrigin");
  const timeoutMs = wholeNumber(field(o, "timeoutMs", what), "timeoutMs", 1, MAX_TIMEOUT_MS, 600_000);
  const features = popupFeatures(field(o, "features", what));
  const signal = optionalSignal(field(o, "signal", what), "signal");
  const popup = field(o, "popup", what);
  if (popup !== undefined) {
    // A window's members, through its own prototype chain: never from a polluted Object.prototype.
    const read = (/** @type {string} */ key) => (isObject(popup) ? member(popup, key, "popup") : undefined);
    if (typeof read("closed") !== "boolean" || typeof read("close") !== "function" || !isObject(read("location"))) {
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
export function isClosed(win) {
  try {
    return win.closed !== false;
  } catch {
    return true;
  }
}

/**
 * What {@link watchPopup} does with a message: ignores it (undefined), settles with `value`, or
 * fails with `error`.
 * @template T
 * @typedef {undefined | { value: T } | { error: unknown }} Verdict
 */

/**
 * Waits for the page in the popup `target` to post its outcome. A message from `origin` and from
 * that window only, whose data is an object, is handed to `accept`; the watch also ends when the
 * popup is closed (popup_closed, after one more poll: a page posts its message and then closes
 * itself, and the message may still be on its way when the poll first sees it closed), after
 * `timeoutMs` (timeout), or on `signal`'s abort (its reason), or with `settle`. A failure closes
 * the popup. `settled` tells whether the watch has ended.
 * @template T
 * @param {Window} target
 * @param {{ origin: string, timeoutMs: number, signal: AbortSignal | undefined, accept: (data: object) => Verdict<T>, closedMessage: string, timeoutMessage: string }} o
 * @returns {{ done: Promise<T>, settle: (verdict: NonNullable<Verdict<T>>) => void, readonly settled: boolean }}
 */
export function watchPopup(target, o) {
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  /** @type {(value: T) => void} */
  let resolve = () => {};
  /** @type {(reason: unknown) => void} */
  let reject = () => {};
  const done = /** @type {Promise<T>} */ (new Promise((res, rej) => ((resolve = res), (reject = rej))));
  let settled = false;
  /** @param {MessageEvent} event */
  const onMessage = (event) => {
    if (settled || event.origin !== o.origin || event.source !== target) return;
    const data = /** @type {unknown} */ (event.data);
    if (!isObject(data)) return;
    /** @type {Verdict<T>} */
    let verdict;
    try {
      verdict = o.accept(data);
    } catch {
      // A message that cannot be read is not the page's.
      return;
    }
    if (verdict !== undefined) settle(verdict);
  };
  const onAbort = () => settle({ error: o.signal?.reason });
  let seenClosed = false;
  const closedTimer = setInterval(() => {
    if (!isClosed(target)) return;
    if (seenClosed) settle({ error: makeError("popup", { code: "popup_closed", message: o.closedMessage }) });
    seenClosed = true;
  }, 250);
  const timeout = setTimeout(() => settle({ error: makeError("popup", { code: "timeout", message: o.timeoutMessage }) }), o.timeoutMs);
  /** @param {NonNullable<Verdict<T>>} verdict */
  function settle(verdict) {
    if (settled) return;
    settled = true;
    clearInterval(closedTimer);
    clearTimeout(timeout);
    w.removeEventListener("message", onMessage);
    o.signal?.removeEventListener("abort", onAbort);
    if ("value" in verdict) return resolve(verdict.value);
    try {
      target.close();
    } catch {
      // a cross-origin popup may refuse; nothing else to do
    }
    reject(verdict.error);
  }
  w.addEventListener("message", onMessage);
  o.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    done,
    settle,
    get settled() {
      return settled;
    },
  };
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
      popup = opened ?? w.open(url.href, uniqueWindowName("agentcore-identity-"), features);
      if (opened) opened.location.href = url.href;
    } catch (e) {
      return reject(makeError("popup", { code: "popup_blocked", message: `the browser refused to open the consent popup (${e instanceof Error ? e.name : "error"})` }));
    }
    if (!popup) return reject(makeError("popup", { code: "popup_blocked", message: "the browser blocked the consent popup" }));
    watchPopup(popup, {
      origin: callbackOrigin,
      timeoutMs,
      signal,
      accept: (data) => {
        // Own properties only: nothing inherited from a polluted Object.prototype.
        const search = field(data, "search", "the callback's message");
        return field(data, "type", "the callback's message") === MESSAGE_TYPE && typeof search === "string" ? { value: new URLSearchParams(search) } : undefined;
      },
      closedMessage: "the consent popup was closed before the callback",
      timeoutMessage: `no callback within ${timeoutMs} ms`,
    }).done.then(resolve, reject);
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
    // This page's own origin as it is; a given one https, or http on a loopback host only.
    const targetOrigin = givenOrigin === undefined ? checkOrigin(w.location?.origin, "targetOrigin") : checkWebOrigin(givenOrigin, "targetOrigin");
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

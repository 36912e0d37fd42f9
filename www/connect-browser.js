// The browser half of the connect routes: `connectProvider` opens the consent popup from a click,
// asks the app's own backend (the connect routes) to start the flow with the page's cookies, and
// waits for the callback page's message. It holds no credential and imports neither the client nor
// the wasm: only the package's error classes and argument checks.
import { makeError } from "./errors.js";
import { BASE_PATH, checked, checkOrigin, checkWebOrigin, configError, field, isBrowsableUrl, isObject, optionalSignal, optionsObject, PROVIDER_ID, wholeNumber } from "./guard.js";
import { isClosed, MAX_TIMEOUT_MS, popupFeatures, uniqueWindowName, watchPopup } from "./popup.js";

// The classes of the errors connectProvider rejects with, the same as the main entry's, exported
// here so that a page can test them without importing the client.
export { ConfigurationError, PopupError } from "./errors.js";

const MESSAGE_TYPE = "agentcore-identity-edge:connect";
/** An error code from the routes or the callback page: shown as is only when it has this shape. */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_MESSAGE = 300;

/**
 * A refusal from the connect routes or the callback page: `code` is the route's error code
 * (`unauthenticated`, `origin_refused`, `state_replayed`, ...) or, for a reply that is not the
 * routes' JSON, `network_error` or `response_invalid`; `status` is the HTTP status when there was
 * one. The message never holds a URL, a state or a token.
 */
export class ConnectError extends Error {
  /** @param {{ code: string, message: string, status?: number | undefined, provider?: string | undefined, cause?: unknown }} props */
  constructor(props) {
    super(props.message, props.cause === undefined ? undefined : { cause: props.cause });
    this.name = "ConnectError";
    /** @type {string} */
    this.code = props.code;
    /** @type {number | undefined} */
    this.status = props.status;
    /** @type {string | undefined} */
    this.provider = props.provider;
  }
}

/**
 * The checked arguments of {@link connectProvider}.
 * @param {unknown} provider
 * @param {unknown} options
 */
function checkArguments(provider, options) {
  if (typeof provider !== "string" || !PROVIDER_ID.test(provider)) {
    throw configError("provider must be a provider id of the connect routes: 1 to 64 letters, digits, '_' or '-'");
  }
  const what = "connectProvider options";
  const o = optionsObject(options, what, true);
  // Own properties only: nothing inherited from a polluted Object.prototype.
  const own = (/** @type {string} */ key) => field(o, key, what);
  const givenBase = own("basePath");
  const basePath = givenBase === undefined ? "/agentcore" : givenBase;
  if (typeof basePath !== "string" || !BASE_PATH.test(basePath)) {
    throw configError("basePath must be a path such as /agentcore: segments of letters, digits, '.', '_', '~', '-', no trailing slash");
  }
  const rawOrigin = own("origin");
  const location = /** @type {{ location?: { origin?: unknown } }} */ (globalThis).location;
  // A given origin is https (http on loopback only); without one, the page's own origin.
  const origin = rawOrigin === undefined ? checkOrigin(location?.origin, "origin") : checkWebOrigin(rawOrigin, "origin");
  const timeoutMs = wholeNumber(own("timeoutMs"), "timeoutMs", 1, MAX_TIMEOUT_MS, 300_000);
  const features = popupFeatures(own("features"));
  const signal = optionalSignal(own("signal"), "signal");
  const w = /** @type {{ open?: unknown, fetch?: unknown, addEventListener?: unknown }} */ (globalThis);
  if (typeof w.open !== "function" || typeof w.fetch !== "function" || typeof w.addEventListener !== "function") {
    throw configError("connectProvider runs in a browser window (window.open, fetch and message events)");
  }
  return { provider, basePath, origin, timeoutMs, features, signal };
}

/**
 * The authorization URL, parsed, if a browser may navigate to it (isBrowsableUrl). The message
 * never holds the URL.
 * @param {unknown} raw
 */
function authorizationUrl(raw) {
  if (!isBrowsableUrl(raw)) {
    throw makeError("popup", {
      code: "url_refused",
      message: "refused to open the authorization URL: only https, or http on a loopback host, without credentials in the URL",
    });
  }
  return new URL(/** @type {string} */ (raw));
}

/**
 * A short, single-line message from an untrusted reply, or `fallback`.
 * @param {unknown} text @param {string} fallback
 */
function plainMessage(text, fallback) {
  if (typeof text !== "string" || text === "") return fallback;
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, " ").trim();
  return line === "" ? fallback : line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/**
 * The `{ error: { code, message } }` of a refusal, as a ConnectError.
 * @param {unknown} body @param {number | undefined} status @param {string} provider @param {string} fallback
 */
function refusal(body, status, provider, fallback) {
  const error = body !== null && typeof body === "object" && Object.hasOwn(body, "error") ? /** @type {{ error: unknown }} */ (body).error : undefined;
  const e = error !== null && typeof error === "object" ? /** @type {Record<string, unknown>} */ (error) : {};
  const code = Object.hasOwn(e, "code") && typeof e.code === "string" && ERROR_CODE.test(e.code) ? e.code : "response_invalid";
  const message = plainMessage(Object.hasOwn(e, "message") ? e.message : undefined, fallback);
  return new ConnectError({ code, message, status, provider });
}

/**
 * Connects the signed-in user's account at `provider` through the app's connect routes. Call it
 * from a click: the popup opens at once (popup blockers allow it), then the connect route is
 * POSTed with the page's cookies; the popup goes to the consent page, and the callback page's
 * message (from `origin`, from that popup only) settles the promise. See connect-browser.d.ts.
 * @param {string} provider
 * @param {import("./connect-browser.js").ConnectProviderOptions} [options]
 * @returns {Promise<{ provider: string, status: "connected" }>}
 */
export function connectProvider(provider, options) {
  const w = /** @type {Window} */ (/** @type {unknown} */ (globalThis));
  return new Promise((resolve, reject) => {
    /** @type {ReturnType<typeof checkArguments>} */
    let a;
    try {
      a = checked(() => checkArguments(provider, options), "connectProvider arguments");
    } catch (e) {
      return reject(e);
    }
    const { basePath, origin, timeoutMs, features, signal } = a;
    const id = a.provider;
    if (signal?.aborted) return reject(signal.reason);
    /** @type {Window | null} */
    let popup;
    try {
      popup = w.open("about:blank", uniqueWindowName("agentcore-connect-"), features);
    } catch (e) {
      return reject(makeError("popup", { code: "popup_blocked", message: `the browser refused to open the consent popup (${e instanceof Error ? e.name : "error"})` }));
    }
    if (!popup) return reject(makeError("popup", { code: "popup_blocked", message: "the browser blocked the consent popup" }));
    const target = popup;
    const request = new AbortController();
    const watch = watchPopup(target, {
      origin,
      timeoutMs,
      signal,
      accept: (data) => {
        // Own properties only: nothing inherited from a polluted Object.prototype.
        const get = (/** @type {string} */ key) => field(data, key, "the callback's message");
        const [type, from, status, code] = [get("type"), get("provider"), get("status"), get("code")];
        if (type !== MESSAGE_TYPE || (from !== undefined && from !== id)) return undefined;
        if (status === "connected" && from === id) return { value: undefined };
        if (status !== "error") return undefined;
        const known = typeof code === "string" && ERROR_CODE.test(code) ? code : "callback_refused";
        return { error: new ConnectError({ code: known, message: plainMessage(get("message"), "the callback was refused"), provider: id }) };
      },
      closedMessage: "the consent popup was closed before the account was connected",
      timeoutMessage: `the account was not connected within ${timeoutMs} ms`,
    });
    watch.done.then(
      () => {
        request.abort();
        try {
          target.close();
        } catch {
          // a cross-origin popup may refuse; nothing else to do
        }
        resolve({ provider: id, status: "connected" });
      },
      (e) => {
        request.abort();
        reject(e);
      },
    );
    const succeed = () => watch.settle({ value: undefined });
    start().catch((error) => watch.settle({ error }));

    async function start() {
      /** @type {Response} */
      let res;
      try {
        res = await w.fetch(`${origin}${basePath}/connect/${encodeURIComponent(id)}`, {
          method: "POST",
          credentials: "include",
          redirect: "manual",
          cache: "no-store",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: "{}",
          signal: request.signal,
        });
      } catch (cause) {
        throw new ConnectError({ code: "network_error", message: "the connect route could not be reached", provider: id, cause });
      }
      if (watch.settled) return;
      if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
        throw new ConnectError({ code: "response_invalid", message: "the connect route answered with a redirect, which is not followed", status: res.status, provider: id });
      }
      /** @type {unknown} */
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      if (watch.settled) return;
      if (!res.ok) throw refusal(body, res.status, id, `the connect route answered HTTP ${res.status}`);
      // Own properties only: nothing inherited from a polluted Object.prototype.
      const get = (/** @type {string} */ key) => (isObject(body) ? field(body, key, "the connect route's reply") : undefined);
      if (get("provider") !== id) {
        throw new ConnectError({ code: "response_invalid", message: "the connect route's reply is not for this provider", status: res.status, provider: id });
      }
      const status = get("status");
      if (status === "connected") return succeed();
      if (status !== "authorization_required" || get("authorizationUrl") === undefined) {
        throw new ConnectError({ code: "response_invalid", message: "the connect route's reply has no known status", status: res.status, provider: id });
      }
      const url = authorizationUrl(get("authorizationUrl"));
      if (isClosed(target)) throw makeError("popup", { code: "popup_closed", message: "the consent popup was closed before the account was connected" });
      target.location.href = url.href;
    }
  });
}

/**
 * `agentcore-identity-edge/connect/browser`: the browser half of the connect routes
 * (`agentcore-identity-edge/connect`). An agent console calls {@link connectProvider} from a click;
 * the app's backend holds the AWS credentials and the user's session, starts the OAuth 2.0
 * authorization code flow (RFC 6749 section 4.1) through AgentCore Identity's user federation, and
 * verifies the callback. This module holds no credential and loads neither the client nor the
 * WebAssembly module: a bundle of it alone is a few KB.
 *
 * @example
 * ```js
 * import { ConnectError, connectProvider, PopupError } from "agentcore-identity-edge/connect/browser";
 *
 * button.addEventListener("click", async () => {
 *   try {
 *     // Opens the popup now (inside the click), POSTs /agentcore/connect/github with the page's
 *     // cookies, sends the popup to the consent page and waits for the callback page's message.
 *     const { status } = await connectProvider("github", { signal: AbortSignal.timeout(300_000) });
 *     show(`GitHub: ${status}`);
 *   } catch (e) {
 *     if (e instanceof ConnectError) show(`refused: ${e.code} (HTTP ${e.status ?? "-"})`);
 *     else if (e instanceof PopupError) show(`popup: ${e.code}`);
 *     else throw e;
 *   }
 * });
 * ```
 * @packageDocumentation
 */

/**
 * The error classes {@link connectProvider} rejects with, the same classes as the main entry's
 * (`instanceof` works with either import), without loading the client.
 */
export { ConfigurationError, PopupError } from "./index.js";

/** Options of {@link connectProvider}. Only own properties are read. */
export interface ConnectProviderOptions {
  /** Where the connect routes are mounted (`createConnectRoutes`'s `basePath`). Default `"/agentcore"`. */
  basePath?: string;
  /**
   * The routes' origin, e.g. `"https://app.example.com"`: the connect route is POSTed there, and
   * only a message from a window of this origin settles the promise: `https:`, or `http:` on a
   * loopback host only. Default: `location.origin`.
   */
  origin?: string;
  /** Aborting rejects with the signal's reason, closes the popup and cancels the request. */
  signal?: AbortSignal;
  /** Rejects with a `PopupError` `timeout` after this many milliseconds (1 to 2147483647). Default 300000. */
  timeoutMs?: number;
  /** The popup's `window.open` features. Default `"popup,width=520,height=720"`; `noopener`/`noreferrer` are refused. */
  features?: string;
}

/** The outcome of {@link connectProvider}: the account is connected. */
export interface ConnectProviderResult {
  /** The provider id that was connected, as given. */
  provider: string;
  /** Always `"connected"`: the vault holds a token for the signed-in user and this provider. */
  status: "connected";
}

/**
 * A refusal from the connect routes (`{ error: { code, message } }`) or from the callback page.
 * `code` is the route's code (`unauthenticated`, `origin_refused`, a `CallbackError` code such as
 * `state_replayed`, ...), or `network_error` (the route could not be reached), `response_invalid`
 * (a reply that is not the routes' JSON, or a redirect, which is never followed) or
 * `callback_refused` (a callback error without a known code). The message never holds a URL, a
 * state or a token.
 *
 * @example
 * ```js
 * try {
 *   await connectProvider("github");
 * } catch (e) {
 *   if (e instanceof ConnectError && e.code === "unauthenticated") location.assign("/login");
 *   else if (e instanceof ConnectError) show(`refused: ${e.code} (HTTP ${e.status ?? "-"})`);
 *   else throw e;
 * }
 * ```
 */
export declare class ConnectError extends Error {
  constructor(props: { code: string; message: string; status?: number | undefined; provider?: string | undefined; cause?: unknown });
  /** Always `"ConnectError"`. */
  readonly name: "ConnectError";
  /** The route's or the callback page's error code, or `network_error`, `response_invalid`, `callback_refused`. */
  code: string;
  /** The HTTP status of the route's reply, when the refusal came from one. */
  status: number | undefined;
  /** The provider id `connectProvider` was called with. */
  provider: string | undefined;
}

/**
 * Connects the signed-in user's account at `provider` (an id of the routes' `providers`), to be
 * called from a click:
 * 1. opens a popup at once with `window.open("about:blank", uniqueName, features)`, so that popup
 *    blockers allow it;
 * 2. POSTs `{origin}{basePath}/connect/{provider}` with the page's cookies (`credentials:
 *    "include"`), `content-type: application/json`, body `{}`, and `redirect: "manual"`;
 * 3. on `connected`, closes the popup and resolves; on `authorization_required`, sends the popup to
 *    the authorization URL (only `https:`, or `http:` on a loopback host);
 * 4. waits for the callback page's `postMessage`, accepted only from `origin` and from that popup.
 *
 * The promise always settles. It rejects with:
 * - a `ConfigurationError` for a wrong argument (no window is opened);
 * - a `PopupError`: `popup_blocked`, `popup_closed`, `timeout`, `url_refused`;
 * - a {@link ConnectError} for a refusal by the routes or the callback;
 * - the signal's reason when `signal` aborts.
 *
 * @example
 * ```js
 * // In a click handler: the popup opens at once, then follows the flow.
 * button.addEventListener("click", async () => {
 *   const { provider, status } = await connectProvider("github", { basePath: "/agentcore", timeoutMs: 300_000 });
 *   show(`${provider}: ${status}`); // "github: connected"
 * });
 * ```
 *
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/oauth2-authorization-url-session-binding.html
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export declare function connectProvider(provider: string, options?: ConnectProviderOptions): Promise<ConnectProviderResult>;

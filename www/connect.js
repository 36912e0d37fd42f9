// The connect routes: the server half of the user-federation flow as one standard
// `(Request) => Promise<Response | null>` handler. It holds the app's AgentCore client and state
// secret, asks the app's own sign-in (`authenticate`) who the user is, starts the flow with a
// customState bound to that user and the provider, verifies the callback (single use in the store,
// the binding recomputed from the callback request's user) and binds the session to the user with
// CompleteResourceTokenAuth. Browsers get JSON (and one small HTML page for the callback): never a
// credential, a workload token, a customState or a stack.
import { createCustomState, handleOauth2Callback } from "./callback.js";
import { isPackageError, makeError } from "./errors.js";
import { within } from "./host.js";
import { checked, checkWebOrigin, configError, field as own, isBrowsableUrl, optionsObject } from "./guard.js";
import { describeFailure, RouteError } from "./connect/failure.js";
import { callbackPage, corsHeaders, errorResponse, isRequestLike, json, preflight, readJsonObject } from "./connect/http.js";
import { refuseUnknown, settingsOf, userOf } from "./connect/options.js";

/** @typedef {import("./connect/options.js").Provider} Provider */
/** @typedef {import("./connect/options.js").ConnectUser} ConnectUser */
/** @typedef {import("./connect/options.js").Settings} Settings */

/** Callback refusals decided before the state's MAC is checked: no provider is known. */
const BEFORE_STATE = ["query_too_large", "parameter_duplicated", "expectation_missing", "state_missing"];
const encoder = new TextEncoder();
/** What a sign-in that has not answered in time is rejected with: never a user. */
const TIMED_OUT = Symbol("timed out");

/**
 * The customState's binding: the provider and the user, so that a state made for one user or one
 * provider is refused for any other. Separated by NUL, which no provider id holds; the user's value
 * comes last.
 * @param {string} id @param {ConnectUser} user
 */
function bindingOf(id, user) {
  return encoder.encode(`agentcore-identity-edge/connect\0${id}\0${user.kind}\0${user.value}`);
}

/** @param {ConnectUser} user */
const userIdentifierOf = (user) => (user.kind === "userId" ? { userId: user.value } : { userToken: user.value });

/**
 * The access token of a GetResourceOauth2Token reply, if it holds a non-empty one.
 * @param {{ accessToken?: unknown }} out
 */
const accessTokenOf = (out) => (typeof out.accessToken === "string" && out.accessToken !== "" ? out.accessToken : undefined);

/**
 * @param {Settings} s
 */
function makeFlow(s) {
  /**
   * The workload access token for `user`: ForJWT with a user token, ForUserId with a user id.
   * @param {ConnectUser} user
   * @returns {Promise<string>}
   */
  async function workloadToken(user) {
    const out =
      user.kind === "userToken"
        ? await s.client.getWorkloadAccessTokenForJWT({ workloadName: s.workloadName, userToken: user.value })
        : await s.client.getWorkloadAccessTokenForUserId({ workloadName: s.workloadName, userId: user.value });
    return out.workloadAccessToken;
  }

  /**
   * GetResourceOauth2Token for `user` and provider `id`, with a bound customState when `withState`;
   * `workloadIdentityToken` is the user's, fetched here when not given.
   * @param {ConnectUser} user @param {string} id @param {string} origin @param {boolean} withState
   * @param {string} [workloadIdentityToken]
   */
  async function tokenFor(user, id, origin, withState, workloadIdentityToken) {
    const p = /** @type {Provider} */ (s.providers.get(id));
    const input = {
      workloadIdentityToken: workloadIdentityToken ?? (await workloadToken(user)),
      resourceCredentialProviderName: p.resourceCredentialProviderName,
      scopes: p.scopes,
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: `${origin}${s.basePath}/callback`,
      ...(p.customParameters ? { customParameters: p.customParameters } : {}),
      ...(withState ? { customState: await createCustomState({ secret: s.stateSecret, binding: bindingOf(id, user) }) } : {}),
    };
    return s.client.getResourceOauth2Token(input);
  }

  /**
   * The vault's access token for `user` at provider `id`, or the authorization URL to send the
   * user to (with a bound customState); a URL a browser may not open is refused.
   * @param {ConnectUser} user @param {string} id @param {string} origin
   * @returns {Promise<{ accessToken: string } | { accessToken?: undefined, authorizationUrl: string }>}
   */
  async function session(user, id, origin) {
    const out = await tokenFor(user, id, origin, true);
    const accessToken = accessTokenOf(out);
    if (accessToken !== undefined) return { accessToken };
    const authorizationUrl = out.authorizationUrl;
    if (isBrowsableUrl(authorizationUrl)) return { authorizationUrl };
    if (authorizationUrl !== undefined) throw new RouteError(502, "authorization_url_refused", "the service gave an authorization URL that is neither https nor http on a loopback host");
    throw new RouteError(502, "session_failed", "the service gave neither a token nor an authorization URL");
  }

  /**
   * Starts (or finds already done) the connection of provider `id` for `user`.
   * @param {ConnectUser} user @param {string} id @param {string} origin
   * @returns {Promise<{ provider: string, status: "connected" } | { provider: string, status: "authorization_required", authorizationUrl: string }>}
   */
  async function start(user, id, origin) {
    const got = await session(user, id, origin);
    return got.accessToken === undefined ? { provider: id, status: "authorization_required", authorizationUrl: got.authorizationUrl } : { provider: id, status: "connected" };
  }

  return { workloadToken, tokenFor, session, start };
}

/**
 * The server half of the user-federation flow, as one `Request` to `Response` handler. See
 * connect.d.ts for the routes and their rules.
 * @param {import("./connect.js").ConnectRoutesOptions} options
 * @returns {import("./connect.js").ConnectRoutes}
 */
export function createConnectRoutes(options) {
  const s = settingsOf(options);
  const flow = makeFlow(s);

  /**
   * The routes' own origin: the `origin` option, or the request's.
   * @param {Request} request
   */
  const ownOrigin = (request) => s.origin ?? new URL(request.url).origin;

  /**
   * The signed-in user, or a 401. A sign-in that does not answer within `authenticateTimeoutMs` is
   * a 503 (and its later answer is ignored); one that throws is a 500 that does not repeat it.
   * @param {Request} request
   */
  async function userFor(request) {
    const authenticate = s.authenticate;
    /** @type {unknown} */
    let answer;
    try {
      // Called without a `this`: the sign-in sees the request only, never the routes' settings.
      answer = await within(Promise.resolve().then(() => authenticate.call(undefined, request)), s.authenticateTimeoutMs, () => TIMED_OUT);
    } catch (e) {
      if (e === TIMED_OUT) throw new RouteError(503, "authenticate_timeout", `the sign-in check did not answer within ${s.authenticateTimeoutMs} ms`);
      throw new RouteError(500, "internal_error", "the sign-in check failed");
    }
    let user;
    try {
      user = userOf(answer);
    } catch {
      throw new RouteError(500, "internal_error", "the sign-in check gave no usable answer");
    }
    if (!user) throw new RouteError(401, "unauthenticated", "sign in first");
    return user;
  }

  /**
   * Whether `origin` is the routes' own (`self`) or one of allowedOrigins.
   * @param {string} origin @param {string} self
   */
  const trusted = (origin, self) => origin === self || s.allowedOrigins.includes(origin);

  /**
   * A POST's CSRF checks: an Origin of the routes or of allowedOrigins, and a JSON body.
   * @param {Request} request @param {string} self
   */
  function checkPost(request, self) {
    const origin = request.headers.get("origin");
    if (origin === null || !trusted(origin, self)) {
      throw new RouteError(403, "origin_refused", "this request must come from the app's own pages (Origin header)");
    }
    const type = (request.headers.get("content-type") ?? "").split(";", 1)[0].trim().toLowerCase();
    if (type !== "application/json") throw new RouteError(415, "unsupported_media_type", "the body must be sent as application/json");
  }

  /**
   * The connections route's checks: it opens authorization sessions at the service, so a navigation
   * to it (a cross-site link carries the Lax cookie), a subresource (an `<img>` or `<script>` from a
   * sibling subdomain: `no-cors`, no Origin) and a request with a foreign Origin are refused. The
   * app's own fetch sends `Sec-Fetch-Mode: cors` or `same-origin`, and no Origin or its own; a
   * client that sends no `Sec-Fetch-Mode` (not a browser) is judged by its Origin alone.
   * @param {Request} request @param {string} self
   */
  function checkGet(request, self) {
    const origin = request.headers.get("origin");
    const mode = request.headers.get("sec-fetch-mode");
    if ((mode !== null && mode !== "cors" && mode !== "same-origin") || (origin !== null && !trusted(origin, self))) {
      throw new RouteError(403, "origin_refused", "this request must be a fetch from the app's own pages, not a navigation or a subresource");
    }
  }

  /** @param {string | undefined} id */
  function providerOf(id) {
    if (id === undefined || !s.providers.has(id)) throw new RouteError(404, "unknown_provider", "no such provider");
    return id;
  }

  /**
   * @param {Request} request @param {string} rest the path after basePath
   * @returns {Promise<Response>}
   */
  async function route(request, rest) {
    const self = ownOrigin(request);
    const method = request.method;
    const [, head, id, extra] = rest.split("/");
    const known = extra === undefined && ((head === "connections" && id === undefined) || (head === "callback" && id === undefined) || ((head === "connect" || head === "token") && id !== undefined));
    if (!known || (head === "token" && !s.exposeAccessTokens)) throw new RouteError(404, "not_found", "no such route");
    const allowed = head === "connections" || head === "callback" ? "GET" : "POST";
    if (method === "OPTIONS") return preflight(request, s.allowedOrigins, allowed);
    if (method !== allowed) {
      throw Object.assign(new RouteError(405, "method_not_allowed", `use ${allowed}`), { allow: allowed });
    }
    if (allowed === "POST") checkPost(request, self);
    if (head === "connections") checkGet(request, self);

    if (head === "callback") return callback(request, self);
    const user = await userFor(request);
    if (head === "connections") {
      // One workload token for the user, then each provider whose status is checked: for one not
      // connected, the service opens an authorization session on each call.
      const asked = [...s.providers].filter(([, p]) => p.checkConnection).map(([id]) => id);
      const token = asked.length > 0 ? await flow.workloadToken(user) : "";
      const connections = await Promise.all(
        [...s.providers.keys()].map(async (p) => {
          if (!asked.includes(p)) return { provider: p, connected: null };
          const out = await flow.tokenFor(user, p, self, false, token);
          return { provider: p, connected: accessTokenOf(out) !== undefined };
        }),
      );
      return json(200, { connections });
    }
    const p = providerOf(id);
    await readJsonObject(request, s.bodyTimeoutMs);
    if (head === "connect") return json(200, await flow.start(user, p, self));
    const { accessToken, authorizationUrl } = await flow.session(user, p, self);
    return json(200, accessToken === undefined ? { provider: p, status: "authorization_required", authorizationUrl } : { provider: p, accessToken });
  }

  /**
   * The callback: the state checked against each provider's binding for this request's user
   * (a mismatch consumes nothing), single use, then CompleteResourceTokenAuth for that user.
   * @param {Request} request @param {string} self
   */
  async function callback(request, self) {
    const origins = [self, ...s.allowedOrigins.filter((o) => o !== self)];
    /** @type {string | undefined} */
    let matched;
    try {
      const user = await userFor(request);
      for (const id of s.providers.keys()) {
        try {
          await handleOauth2Callback(request, {
            stateSecret: s.stateSecret,
            binding: bindingOf(id, user),
            stateStore: s.stateStore,
            stateStoreTimeoutMs: s.stateStoreTimeoutMs,
            client: s.client,
            userIdentifier: userIdentifierOf(user),
          });
          matched = id;
          break;
        } catch (e) {
          const code = isPackageError(e) ? /** @type {{ code?: unknown }} */ (e).code : undefined;
          if (code === "state_mismatch") continue;
          // Past the MAC check, the state is this provider's. An error without a code (a
          // ConfigurationError of the options, an unexpected one) does not tell that it was checked.
          if (typeof code === "string" && !BEFORE_STATE.includes(code)) matched = id;
          throw e;
        }
      }
      if (matched === undefined) throw makeError("callback", { code: "state_mismatch", message: "the state does not match" });
      return callbackPage(200, origins, { status: "connected", provider: matched });
    } catch (e) {
      const { status, code, message } = describeFailure(e);
      const provider = code === "state_mismatch" ? undefined : matched;
      return callbackPage(status, origins, { status: "error", code, message, ...(provider === undefined ? {} : { provider }) });
    }
  }

  /**
   * @param {unknown} request
   * @returns {Promise<Response | null>}
   */
  async function handle(request) {
    if (!isRequestLike(request)) return errorResponse(500, "internal_error", "handle takes a Request", {});
    /** @type {Record<string, string>} */
    let cors = {};
    try {
      const path = new URL(request.url).pathname;
      if (path !== s.basePath && !path.startsWith(`${s.basePath}/`)) return null;
      cors = corsHeaders(request.headers.get("origin"), s.allowedOrigins);
      const response = await route(request, path.slice(s.basePath.length));
      for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
      return response;
    } catch (e) {
      const { status, code, message } = describeFailure(e);
      // Own property only: an `allow` on a polluted Object.prototype is no header.
      const allow = e instanceof RouteError && Object.hasOwn(e, "allow") && typeof (/** @type {any} */ (e).allow) === "string" ? { allow: /** @type {any} */ (e).allow } : {};
      return errorResponse(status, code, message, { ...cors, ...allow });
    }
  }

  /**
   * @param {unknown} args
   */
  async function startConnect(args) {
    const what = "startConnect arguments";
    const { user, id, origin } = checked(() => {
      const a = optionsObject(args, what, false);
      refuseUnknown(a, ["user", "provider", "origin"], what);
      const u = userOf(own(a, "user", what));
      if (!u) throw configError("startConnect needs user: { userId } or { userToken }");
      const p = own(a, "provider", what);
      if (typeof p !== "string" || !s.providers.has(p)) throw configError("provider must be one of the configured provider ids");
      const rawOrigin = own(a, "origin", what);
      const o = rawOrigin === undefined ? s.origin : checkWebOrigin(rawOrigin, "origin");
      if (o === undefined) throw configError("startConnect needs the routes' public origin: the origin option of createConnectRoutes, or of this call");
      return { user: u, id: p, origin: o };
    }, what);
    try {
      return await flow.start(user, id, origin);
    } catch (e) {
      if (e instanceof RouteError) throw makeError("response", { message: e.message });
      throw e;
    }
  }

  return { handle, startConnect };
}

/**
 * Starts a connection for a user from the server (an agent that shows the link itself): the
 * routes' options, then `{ user, provider, origin? }`.
 * @param {import("./connect.js").ConnectRoutesOptions} options
 * @param {import("./connect.js").StartConnectArguments} args
 */
export function startConnect(options, args) {
  /** @type {ReturnType<typeof createConnectRoutes>} */
  let routes;
  try {
    routes = createConnectRoutes(options);
  } catch (e) {
    return Promise.reject(e);
  }
  return routes.startConnect(args);
}

// The connect routes: the server half of the user-federation flow as one standard
// `(Request) => Promise<Response | null>` handler. It holds the app's AgentCore client and state
// secret, asks the app's own sign-in (`authenticate`) who the user is, starts the flow with a
// customState bound to that user and the provider, verifies the callback (single use in the store,
// the binding recomputed from the callback request's user) and binds the session to the user with
// CompleteResourceTokenAuth. Browsers get JSON (and one small HTML page for the callback): never a
// credential, a workload token, a customState or a stack.
import { createCustomState, handleOauth2Callback } from "./callback.js";
import { isPackageError, makeError } from "./errors.js";
import { bytes, CHECK_INPUT, checked, configError, isLoopbackHost, isObject, optionsObject, string } from "./guard.js";
import { callbackPage, corsHeaders, errorResponse, json, originOf, preflight } from "./connect/http.js";

const PROVIDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,63}){1,8}$/;
const MAX_PROVIDERS = 64;
const MAX_BODY_BYTES = 4096;
const OPTIONS = ["client", "workloadName", "providers", "stateSecret", "stateStore", "authenticate", "basePath", "allowedOrigins", "exposeAccessTokens", "origin"];
const PROVIDER_OPTIONS = ["resourceCredentialProviderName", "scopes", "customParameters"];
const CLIENT_METHODS = ["getResourceOauth2Token", "completeResourceTokenAuth", "getWorkloadAccessTokenForUserId", "getWorkloadAccessTokenForJWT"];
/** Callback refusals decided before the state's MAC is checked: no provider is known. */
const BEFORE_STATE = ["query_too_large", "parameter_duplicated", "expectation_missing", "state_missing"];
const encoder = new TextEncoder();

/**
 * @typedef {object} Provider
 * @property {string} resourceCredentialProviderName
 * @property {string[]} scopes
 * @property {Record<string, string> | undefined} customParameters
 */

/**
 * @typedef {{ userId: string } | { userToken: string }} ConnectUser
 */

/**
 * @typedef {object} Settings
 * @property {any} client
 * @property {string} workloadName
 * @property {Map<string, Provider>} providers
 * @property {Uint8Array} stateSecret
 * @property {object} stateStore
 * @property {Function} authenticate
 * @property {string} basePath
 * @property {string[]} allowedOrigins
 * @property {boolean} exposeAccessTokens
 * @property {string | undefined} origin
 */

/**
 * An own property of `o` (never one inherited from a prototype, polluted or not).
 * @param {object} o @param {string} key @param {string} what
 * @returns {unknown}
 */
function own(o, key, what) {
  try {
    return Object.hasOwn(o, key) ? /** @type {any} */ (o)[key] : undefined;
  } catch (cause) {
    throw configError(`${what}.${key} could not be read`, cause);
  }
}

/**
 * A plain object's own keys, refusing any not in `known`.
 * @param {object} o @param {string[]} known @param {string} what
 */
function refuseUnknown(o, known, what) {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw configError(`${what} has an unknown option ${JSON.stringify(key.slice(0, 64))}`);
  }
}

/**
 * `value` if it is a serialized http(s) origin, such as `https://app.example.com`.
 * @param {unknown} value @param {string} what
 */
function checkOrigin(value, what) {
  if (typeof value !== "string" || value === "") throw configError(`${what} must be an origin such as https://app.example.com`);
  /** @type {URL} */
  let url;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${what} must be an origin such as https://app.example.com`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== value) {
    throw configError(`${what} must be an http(s) origin such as https://app.example.com: scheme, host and port only, no path or trailing slash`);
  }
  return value;
}

/**
 * One provider's settings, copied.
 * @param {unknown} v @param {string} id
 * @returns {Provider}
 */
function provider(v, id) {
  const what = `providers.${id}`;
  if (!isObject(v) || Array.isArray(v)) throw configError(`${what} must be an object with resourceCredentialProviderName and scopes`);
  refuseUnknown(v, PROVIDER_OPTIONS, what);
  const name = string(own(v, "resourceCredentialProviderName", what), `${what}.resourceCredentialProviderName`, { nonEmpty: true });
  const rawScopes = own(v, "scopes", what);
  if (!Array.isArray(rawScopes) || rawScopes.length > 100) throw configError(`${what}.scopes must be an array of at most 100 scope strings`);
  const scopes = Array.from(rawScopes, (s, i) => /** @type {string} */ (string(s, `${what}.scopes[${i}]`, { nonEmpty: true })));
  const rawParams = own(v, "customParameters", what);
  /** @type {Record<string, string> | undefined} */
  let customParameters;
  if (rawParams !== undefined) {
    if (!isObject(rawParams) || Array.isArray(rawParams)) throw configError(`${what}.customParameters must be an object of strings`);
    customParameters = {};
    for (const key of Object.keys(rawParams)) {
      customParameters[key] = /** @type {string} */ (string(own(rawParams, key, `${what}.customParameters`), `${what}.customParameters.${key}`));
    }
  }
  return { resourceCredentialProviderName: /** @type {string} */ (name), scopes, customParameters };
}

/**
 * Every option, checked and copied.
 * @param {unknown} options
 * @returns {Settings}
 */
function settingsOf(options) {
  const what = "createConnectRoutes options";
  return checked(() => {
    const o = optionsObject(options, what, false);
    refuseUnknown(o, OPTIONS, what);
    const client = own(o, "client", what);
    if (!isObject(client) || !CLIENT_METHODS.every((m) => typeof (/** @type {any} */ (client)[m]) === "function") || typeof (/** @type {any} */ (client)[CHECK_INPUT]) !== "function") {
      throw configError("client must be an AgentCoreIdentityClient");
    }
    const workloadName = /** @type {string} */ (string(own(o, "workloadName", what), "workloadName", { nonEmpty: true }));
    if (workloadName.length > 255) throw configError("workloadName must be at most 255 characters");
    const rawProviders = own(o, "providers", what);
    if (!isObject(rawProviders) || Array.isArray(rawProviders)) throw configError("providers must be an object: { [id]: { resourceCredentialProviderName, scopes, customParameters? } }");
    const ids = Object.keys(rawProviders);
    if (ids.length === 0 || ids.length > MAX_PROVIDERS) throw configError(`providers must have from 1 to ${MAX_PROVIDERS} entries`);
    /** @type {Map<string, Provider>} */
    const providers = new Map();
    for (const id of ids) {
      if (!PROVIDER_ID.test(id)) throw configError("providers ids must be 1 to 64 letters, digits, _ or - (they are path segments)");
      providers.set(id, provider(own(rawProviders, id, "providers"), id));
    }
    const rawSecret = own(o, "stateSecret", what);
    if (rawSecret === undefined) throw configError("stateSecret is required: 32 bytes or more, kept server-side");
    const stateSecret = bytes(rawSecret, "stateSecret");
    if (stateSecret.length < 32) throw configError("stateSecret must be 32 bytes or more");
    const stateStore = own(o, "stateStore", what);
    if (!isObject(stateStore) || typeof (/** @type {any} */ (stateStore).consume) !== "function") {
      throw configError("stateStore is required: a store with consume(nonce, expiresAtMs), such as RedisStateStore, DurableObjectStateStore or InMemoryStateStore");
    }
    const authenticate = own(o, "authenticate", what);
    if (typeof authenticate !== "function") throw configError("authenticate must be a function (request) => { userId } | { userToken } | null");
    const rawBase = own(o, "basePath", what);
    const basePath = rawBase === undefined ? "/agentcore" : /** @type {string} */ (string(rawBase, "basePath", { nonEmpty: true }));
    if (!BASE_PATH.test(basePath) || basePath.split("/").some((s) => s === "." || s === "..")) {
      throw configError("basePath must be a path such as /agentcore: segments of letters, digits, . _ ~ -, no trailing slash");
    }
    const rawOrigins = own(o, "allowedOrigins", what);
    if (rawOrigins !== undefined && (!Array.isArray(rawOrigins) || rawOrigins.length > 32)) throw configError("allowedOrigins must be an array of at most 32 origins");
    const allowedOrigins = rawOrigins === undefined ? [] : Array.from(/** @type {unknown[]} */ (rawOrigins), (v, i) => checkOrigin(v, `allowedOrigins[${i}]`));
    const expose = own(o, "exposeAccessTokens", what);
    if (expose !== undefined && typeof expose !== "boolean") throw configError("exposeAccessTokens must be a boolean");
    const rawOrigin = own(o, "origin", what);
    const origin = rawOrigin === undefined ? undefined : checkOrigin(rawOrigin, "origin");
    return { client, workloadName, providers, stateSecret, stateStore, authenticate, basePath, allowedOrigins, exposeAccessTokens: expose === true, origin };
  }, what);
}

/**
 * The user `authenticate` gave: null for no user; a copy of `{ userId }` or `{ userToken }`
 * (own properties, one non-empty string); anything else is the app's mistake.
 * @param {unknown} v
 * @returns {ConnectUser | null}
 */
function userOf(v) {
  if (v === null || v === undefined) return null;
  const wrong = () => configError("authenticate must return { userId }, { userToken } (one non-empty string) or null");
  if (!isObject(v) || Array.isArray(v)) throw wrong();
  const userId = own(v, "userId", "user");
  const userToken = own(v, "userToken", "user");
  if ((userId === undefined) === (userToken === undefined)) throw wrong();
  const value = userId ?? userToken;
  if (typeof value !== "string" || value === "" || value.length > 8192) throw wrong();
  string(value, "the user");
  return userId !== undefined ? { userId: value } : { userToken: value };
}

/**
 * The customState's binding: the provider and the user, so that a state made for one user or one
 * provider is refused for any other. Separated by NUL, which no provider id holds; the user's value
 * comes last.
 * @param {string} id @param {ConnectUser} user
 */
function bindingOf(id, user) {
  const [kind, value] = "userId" in user ? ["userId", user.userId] : ["userToken", user.userToken];
  return encoder.encode(`agentcore-identity-edge/connect\0${id}\0${kind}\0${value}`);
}

/** @param {ConnectUser} user */
const userIdentifierOf = (user) => ("userId" in user ? { userId: user.userId } : { userToken: user.userToken });

/**
 * An authorization URL a browser may be sent to: `https:`, or `http:` on a loopback host, without
 * credentials in it.
 * @param {unknown} raw
 */
function safeAuthorizationUrl(raw) {
  if (typeof raw !== "string" || !URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (url.username || url.password) return null;
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return raw;
  return null;
}

/**
 * A failure of the routes, with its HTTP status and a message in plain words (never a secret).
 */
class RouteError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.name = "RouteError";
    this.status = status;
    this.code = code;
  }
}

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
      "userToken" in user
        ? await s.client.getWorkloadAccessTokenForJWT({ workloadName: s.workloadName, userToken: user.userToken })
        : await s.client.getWorkloadAccessTokenForUserId({ workloadName: s.workloadName, userId: user.userId });
    return out.workloadAccessToken;
  }

  /**
   * GetResourceOauth2Token for `user` and provider `id`, with a bound customState when `withState`.
   * @param {ConnectUser} user @param {string} id @param {string} origin @param {boolean} withState
   */
  async function tokenFor(user, id, origin, withState) {
    const p = /** @type {Provider} */ (s.providers.get(id));
    const input = {
      workloadIdentityToken: await workloadToken(user),
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
   * Starts (or finds already done) the connection of provider `id` for `user`.
   * @param {ConnectUser} user @param {string} id @param {string} origin
   * @returns {Promise<{ provider: string, status: "connected" } | { provider: string, status: "authorization_required", authorizationUrl: string }>}
   */
  async function start(user, id, origin) {
    const out = await tokenFor(user, id, origin, true);
    if (typeof out.accessToken === "string" && out.accessToken !== "") return { provider: id, status: "connected" };
    const authorizationUrl = safeAuthorizationUrl(out.authorizationUrl);
    if (authorizationUrl) return { provider: id, status: "authorization_required", authorizationUrl };
    if (out.authorizationUrl !== undefined) throw new RouteError(502, "authorization_url_refused", "the service gave an authorization URL that is neither https nor http on a loopback host");
    throw new RouteError(502, "session_failed", "the service gave neither a token nor an authorization URL");
  }

  return { workloadToken, tokenFor, start };
}

/**
 * The HTTP status and code for a failure, and a message in plain words. A service error is known
 * by its name only: its message may quote the input (a token, the state), so it is not repeated.
 * @param {unknown} e
 * @returns {{ status: number, code: string, message: string }}
 */
function describeFailure(e) {
  if (e instanceof RouteError) return { status: e.status, code: e.code, message: e.message };
  if (!isPackageError(e)) return { status: 500, code: "internal_error", message: "the request could not be completed" };
  const err = /** @type {Error & { code?: unknown, $fault?: unknown }} */ (e);
  const name = err.name;
  if (name === "CallbackError") {
    const code = /** @type {string} */ (err.code);
    if (code === "state_store_unavailable") return { status: 503, code, message: "the single-use state store is unavailable; try again" };
    if (code === "authorization_denied") return { status: 403, code, message: "the authorization was denied at the provider" };
    if (code === "state_replayed") return { status: 409, code, message: "this callback was already used" };
    return { status: 400, code, message: `the callback was refused (${code})` };
  }
  if ("$fault" in err) {
    /** @type {Record<string, [number, string, string]>} */
    const known = {
      ThrottlingException: [503, "throttled", "the service is busy; try again"],
      AccessDeniedException: [403, "access_denied", "the service denied the request"],
      ResourceNotFoundException: [404, "not_found", "the service did not find the session or the provider"],
      ValidationException: [400, "service_validation", "the service refused the request as invalid"],
      UnauthorizedException: [401, "unauthorized", "the service did not accept the user's identity"],
    };
    const hit = Object.hasOwn(known, name) ? known[name] : undefined;
    if (hit) return { status: hit[0], code: hit[1], message: hit[2] };
    return { status: 502, code: "service_error", message: "the service failed" };
  }
  if (name === "NetworkError" || name === "RequestTimeoutError") return { status: 503, code: "service_unavailable", message: "the service could not be reached" };
  if (name === "ResponseError") return { status: 502, code: "service_error", message: "the service gave an unreadable reply" };
  return { status: 500, code: "internal_error", message: "the request could not be completed" };
}

/**
 * Reads a JSON object body of at most 4 KiB without buffering more; its members are ignored.
 * @param {Request} request
 */
async function readJsonObject(request) {
  const bad = () => new RouteError(400, "invalid_body", "the body must be a JSON object");
  const body = request.body;
  let text = "";
  if (body) {
    const reader = body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        reader.cancel().catch(() => {});
        throw new RouteError(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(value);
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(all);
    } catch {
      throw bad();
    }
  }
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad();
  }
  if (!isObject(value) || Array.isArray(value)) throw bad();
}

/**
 * Whether `request` can be read as a Request: a string `url`, a string `method`, `headers.get`.
 * @param {unknown} request
 * @returns {request is Request}
 */
function isRequestLike(request) {
  try {
    if (!isObject(request)) return false;
    const r = /** @type {any} */ (request);
    return typeof r.url === "string" && URL.canParse(r.url) && typeof r.method === "string" && isObject(r.headers) && typeof r.headers.get === "function";
  } catch {
    return false;
  }
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
   * The signed-in user, or a 401.
   * @param {Request} request
   */
  async function userFor(request) {
    /** @type {unknown} */
    let answer;
    try {
      answer = await s.authenticate(request);
    } catch {
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
   * A POST's CSRF checks: an Origin of the routes or of allowedOrigins, and a JSON body.
   * @param {Request} request @param {string} self
   */
  function checkPost(request, self) {
    const origin = request.headers.get("origin");
    if (origin === null || (origin !== self && !s.allowedOrigins.includes(origin))) {
      throw new RouteError(403, "origin_refused", "this request must come from the app's own pages (Origin header)");
    }
    const type = (request.headers.get("content-type") ?? "").split(";", 1)[0].trim().toLowerCase();
    if (type !== "application/json") throw new RouteError(415, "unsupported_media_type", "the body must be sent as application/json");
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
    if (method === "OPTIONS") return preflight(request, s.allowedOrigins, head === "connections" || head === "callback" ? "GET" : "POST");
    const allowed = head === "connections" || head === "callback" ? "GET" : "POST";
    if (method !== allowed) {
      throw Object.assign(new RouteError(405, "method_not_allowed", `use ${allowed}`), { allow: allowed });
    }
    if (allowed === "POST") checkPost(request, self);

    if (head === "callback") return callback(request, self);
    const user = await userFor(request);
    if (head === "connections") {
      const connections = await Promise.all(
        [...s.providers.keys()].map(async (p) => {
          const out = await flow.tokenFor(user, p, self, false);
          return { provider: p, connected: typeof out.accessToken === "string" && out.accessToken !== "" };
        }),
      );
      return json(200, { connections });
    }
    const p = providerOf(id);
    await readJsonObject(request);
    if (head === "connect") return json(200, await flow.start(user, p, self));
    const out = await flow.tokenFor(user, p, self, true);
    if (typeof out.accessToken === "string" && out.accessToken !== "") return json(200, { provider: p, accessToken: out.accessToken });
    const authorizationUrl = safeAuthorizationUrl(out.authorizationUrl);
    if (!authorizationUrl) throw new RouteError(502, "session_failed", "the service gave neither a token nor a usable authorization URL");
    return json(200, { provider: p, status: "authorization_required", authorizationUrl });
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
            client: s.client,
            userIdentifier: userIdentifierOf(user),
          });
          matched = id;
          break;
        } catch (e) {
          const code = isPackageError(e) ? /** @type {{ code?: unknown }} */ (e).code : undefined;
          if (code === "state_mismatch") continue;
          // Past the MAC check, the state is this provider's.
          if (!BEFORE_STATE.includes(/** @type {string} */ (code))) matched = id;
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
      cors = corsHeaders(originOf(request), s.allowedOrigins);
      const response = await route(request, path.slice(s.basePath.length));
      for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
      return response;
    } catch (e) {
      const { status, code, message } = describeFailure(e);
      const allow = e instanceof RouteError && typeof (/** @type {any} */ (e).allow) === "string" ? { allow: /** @type {any} */ (e).allow } : {};
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
      const o = rawOrigin === undefined ? s.origin : checkOrigin(rawOrigin, "origin");
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

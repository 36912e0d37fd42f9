// Types of `agentcore-identity-edge/connect`: the server half of the user-federation flow.
import type { AgentCoreIdentityClient, StateStore } from "agentcore-identity-edge";

/** One provider a user can connect: the credential provider in AgentCore Identity and its scopes. */
export interface ConnectProvider {
  /** The credential provider's name in AgentCore Identity. */
  resourceCredentialProviderName: string;
  /** The scopes to ask for (the same on every call: the vault keeps a token per scope set). */
  scopes: string[];
  /** Extra parameters for the provider's authorization request. */
  customParameters?: Record<string, string>;
  /**
   * Whether `GET {basePath}/connections` asks the service about this provider. Default `true`.
   * Asking is a GetResourceOauth2Token call, and for a user not connected the service opens a new
   * authorization session on each call (it answers with an authorization URL, which the route
   * drops). With `false`, the route makes no call for this provider and lists it as
   * `{ provider, connected: null }` (not checked); the connect route still works for it.
   */
  checkConnection?: boolean;
}

/**
 * Who the user is, as the app's own sign-in says: `{ userId }` (the workload token comes from
 * GetWorkloadAccessTokenForUserId) or `{ userToken }`, the user's JWT (GetWorkloadAccessTokenForJWT;
 * the session is then bound with that same token).
 */
export type ConnectUser = ConnectUserById | ConnectUserByToken;

/** A user known by the app's own id. */
export interface ConnectUserById {
  /** The app's id for the user (GetWorkloadAccessTokenForUserId). */
  userId: string;
  /** Not with `userId`. */
  userToken?: never;
}

/** A user known by their JWT from the app's identity provider. */
export interface ConnectUserByToken {
  /** The user's JWT (GetWorkloadAccessTokenForJWT, and CompleteResourceTokenAuth with the same token). */
  userToken: string;
  /** Not with `userToken`. */
  userId?: never;
}

/** The options of {@link createConnectRoutes}. Every one is checked on creation (own properties only). */
export interface ConnectRoutesOptions {
  /** The client holding the server's AWS credentials. */
  client: AgentCoreIdentityClient;
  /** The workload identity's name. */
  workloadName: string;
  /** The providers, by id; an id is a path segment: 1 to 64 of `A-Z a-z 0-9 _ -`. At most 64. */
  providers: Record<string, ConnectProvider>;
  /** The secret that signs each customState: 32 bytes or more (a string counts its UTF-8 bytes). */
  stateSecret: string | Uint8Array | ArrayBuffer;
  /**
   * The single-use store for callback states: `DurableObjectStateStore`, `RedisStateStore`, or an
   * explicit `InMemoryStateStore` for one process. Required.
   */
  stateStore: StateStore;
  /**
   * The app's own sign-in: the user of `request`, or `null` (then every route answers 401). Nothing
   * else decides who the user is: never a user id from the query or the body. It is called without a
   * `this`. A sign-in that does not settle within `authenticateTimeoutMs` is 503
   * `authenticate_timeout` (its later answer is ignored, never taken as a user); one that throws or
   * rejects is 500 `internal_error` with a generic message; any answer but `null`, `undefined`,
   * `{ userId }` or `{ userToken }` (exactly one, an own, non-empty, well-formed string of at most
   * 131,072 characters) is 500 `internal_error` too, never a user.
   */
  authenticate(request: Request): ConnectUser | null | undefined | Promise<ConnectUser | null | undefined>;
  /** Where the routes live: a path without a trailing slash. Default `"/agentcore"`. */
  basePath?: string;
  /**
   * Other origins (`https://console.example.com`) whose pages may call the JSON routes with the
   * user's cookies: they get the CORS grant with credentials, and their POSTs pass the Origin check.
   * Each is `https:`, or `http:` on a loopback host only (`http://localhost:5173`). Default: none.
   */
  allowedOrigins?: string[];
  /**
   * Whether `POST {basePath}/token/{provider}` gives the access token to the page. Default `false`
   * (the route answers 404). Only for consoles whose agent runs in the page.
   */
  exposeAccessTokens?: boolean;
  /**
   * The routes' public origin (`https://app.example.com`): used for the callback URL and the
   * same-origin check. `https:`, or `http:` on a loopback host only. Default: the request's origin,
   * which on a server that builds the request's URL from its `Host` header (Node, Bun and Deno
   * adapters usually do) is whatever host the browser asked for: a DNS-rebound name makes an
   * attacker's page look same-origin. Set it there, and behind a proxy. Required by
   * {@link ConnectRoutes.startConnect} when it is not given there.
   */
  origin?: string;
  /**
   * How long `authenticate` may take, in whole milliseconds from 1 to 600,000: past it, the request
   * is answered 503 `authenticate_timeout` and no service call is made for it. Default `10_000`.
   */
  authenticateTimeoutMs?: number;
  /**
   * How long the callback waits for `stateStore.consume`, in whole milliseconds from 1 to 600,000
   * (as `handleOauth2Callback`'s option): past it, the callback is refused with 503
   * `state_store_unavailable`. Default `30_000`. The other routes never call the store.
   */
  stateStoreTimeoutMs?: number;
  /**
   * How long a POST's body may take to arrive, in whole milliseconds from 1 to 600,000: past it,
   * the body's stream is cancelled and the request is answered 408 `body_timeout`. Default `10_000`.
   */
  bodyTimeoutMs?: number;
}

/** The answer of the connect route and of {@link startConnect}. */
export type StartConnectResult = ConnectConnected | ConnectAuthorizationRequired;

/** The vault already has a token for the user and the provider. */
export interface ConnectConnected {
  /** The provider id. */
  provider: string;
  /** Always `"connected"`. */
  status: "connected";
}

/** The user must consent: send them to `authorizationUrl` (https, or http on a loopback host). */
export interface ConnectAuthorizationRequired {
  /** The provider id. */
  provider: string;
  /** Always `"authorization_required"`. */
  status: "authorization_required";
  /** The provider's consent page, through AgentCore Identity. */
  authorizationUrl: string;
}

/** The arguments of {@link startConnect}. */
export interface StartConnectArguments {
  /** The user, as `authenticate` would give it. */
  user: ConnectUser;
  /** A provider id of the options. */
  provider: string;
  /** The routes' public origin, if the options have none: `https:`, or `http:` on a loopback host. */
  origin?: string;
}

/** The routes, and the server-side start of a flow. */
export interface ConnectRoutes {
  /**
   * Answers the paths under `basePath`, and `null` for any other path. Never throws: every failure
   * is a response (JSON `{ error: { code, message } }`, or the callback page).
   */
  handle(request: Request): Promise<Response | null>;
  /**
   * Starts a flow for `user` and `provider` and returns the authorization URL (or `connected` when
   * the vault already has a token). Its callback lands on `{basePath}/callback`, opened in a browser
   * where `authenticate` finds the same user.
   */
  startConnect(args: StartConnectArguments): Promise<StartConnectResult>;
}

/**
 * The server half of the user-federation flow, as one `Request` to `Response` handler for Workers,
 * Deno, Bun, Node 20 and Hono. Routes (all need `authenticate` to find a user, else 401):
 *
 * - `GET {basePath}/connections`: `{ connections: [{ provider, connected }] }`. It calls
 *   GetResourceOauth2Token for each provider, and for each one the user has not connected the
 *   service opens an authorization session on every call: poll it sparingly, or mark providers
 *   `checkConnection: false` (listed with `connected: null`).
 * - `POST {basePath}/connect/{provider}`: `{ provider, status: "connected" }` or
 *   `{ provider, status: "authorization_required", authorizationUrl }`; 502
 *   `authorization_url_refused` for an authorization URL a browser may not open (neither https nor
 *   http on a loopback host, or with credentials), 502 `session_failed` for neither a token nor a URL.
 * - `GET {basePath}/callback`: verifies the redirect (state bound to the user and the provider,
 *   single use), binds the session with CompleteResourceTokenAuth, and answers a small HTML page that
 *   posts `{ type: "agentcore-identity-edge:connect", status, provider, code?, message? }` to its
 *   opener and closes.
 * - `POST {basePath}/token/{provider}`: when `exposeAccessTokens`, `{ provider, accessToken }`, or
 *   `authorization_required` and the refusals as the connect route; 404 otherwise.
 *
 * Every POST needs an `Origin` of the routes or of `allowedOrigins` (403) and `content-type:
 * application/json` (415). `GET {basePath}/connections` opens authorization sessions, so it is
 * refused (403 `origin_refused`) for any `Sec-Fetch-Mode` but `cors` and `same-origin` (a
 * navigation, a subresource) or with an `Origin` that is neither. Every response has `cache-control: no-store`. The waits of `handle` are
 * bounded: `authenticate` by `authenticateTimeoutMs`, a POST's body by `bodyTimeoutMs` (408
 * `body_timeout`), the store by `stateStoreTimeoutMs`, the calls
 * to AgentCore by the client's own `requestTimeoutMs` and `maxAttempts` (the client has no time
 * limit by default: set one; a call that runs out is 503 `service_unavailable`). Throws a
 * ConfigurationError naming the option for a wrong one.
 *
 * @example
 * ```js
 * import { AgentCoreIdentityClient, RedisStateStore } from "agentcore-identity-edge";
 * import { createConnectRoutes } from "agentcore-identity-edge/connect";
 *
 * const routes = createConnectRoutes({
 *   client: new AgentCoreIdentityClient({ region: "us-east-1", credentials }),
 *   workloadName: "my-agent",
 *   providers: { github: { resourceCredentialProviderName: "github-provider", scopes: ["repo"] } },
 *   stateSecret: process.env.STATE_SECRET,
 *   stateStore: new RedisStateStore(redis),
 *   authenticate: async (request) => {
 *     const userId = await mySession(request);
 *     return userId ? { userId } : null;
 *   },
 * });
 * // In the app's fetch handler:
 * const response = (await routes.handle(request)) ?? (await app(request));
 * ```
 */
export declare function createConnectRoutes(options: ConnectRoutesOptions): ConnectRoutes;

/**
 * Starts a flow from the server, for agents that show the link themselves (in a chat): the
 * routes' options, then the user and the provider. Rejects with the package's typed errors.
 *
 * @example
 * ```js
 * import { startConnect } from "agentcore-identity-edge/connect";
 *
 * const out = await startConnect(options, { user: { userId: "alice" }, provider: "github", origin: "https://app.example.com" });
 * if (out.status === "authorization_required") await chat.say(`Connect GitHub: ${out.authorizationUrl}`);
 * ```
 */
export declare function startConnect(options: ConnectRoutesOptions, args: StartConnectArguments): Promise<StartConnectResult>;

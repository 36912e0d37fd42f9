// Example Worker: the backend of the agent console (../console/). It holds the AWS credentials and
// the user's session; the console holds neither.
//   POST /login, /logout   the demo sign-in (session.js: a signed session cookie; replace it with yours)
//   GET  /session          who is signed in, for the console
//   /agentcore/*           createConnectRoutes: connections, connect, callback (and token, if enabled)
//   everything else        the console's files ([assets]), with their security headers (assets.js)
// The Worker refuses to run without its settings (the AWS keys, STATE_SECRET of 32 bytes or more,
// PROVIDERS as an object or JSON, the Durable Object).
import { AgentCoreIdentityClient } from "agentcore-identity-edge";
import { DurableObjectStateStore } from "agentcore-identity-edge/cloudflare";
import { createConnectRoutes } from "agentcore-identity-edge/connect";
import { asset } from "./assets.js";
import { json } from "./respond.js";
import { currentUser, session } from "./session.js";

// The Durable Object that makes each customState single use across every instance of this Worker
// (bound as AGENTCORE_STATE in wrangler.toml).
export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";

const encoder = new TextEncoder();

/**
 * @typedef {object} Env
 * @property {string} [AWS_REGION]
 * @property {string} [AWS_ACCESS_KEY_ID]
 * @property {string} [AWS_SECRET_ACCESS_KEY]
 * @property {string} [AWS_SESSION_TOKEN]
 * @property {string} [AGENTCORE_ENDPOINT]
 * @property {string} [WORKLOAD_NAME]
 * @property {unknown} [PROVIDERS]
 * @property {string} [STATE_SECRET]
 * @property {string} [EXPOSE_ACCESS_TOKENS]
 * @property {import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike} [AGENTCORE_STATE]
 * @property {{ fetch(request: Request): Promise<Response> }} [ASSETS]
 */

/** @param {unknown} v @returns {v is string} */
const nonEmpty = (v) => typeof v === "string" && v.length > 0;

/**
 * PROVIDERS as wrangler.toml gives it (an object) or as a variable or secret holds it (JSON).
 * @param {unknown} v
 * @returns {object | null}
 */
function providersOf(v) {
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
}

/**
 * The connect routes for `env`, made once per isolate; null (with the names of the missing
 * settings in the log, never a value) until every setting is there.
 * @type {WeakMap<Env, ReturnType<typeof createConnectRoutes>>}
 */
const routesByEnv = new WeakMap();

/** @param {Env} env */
function routesFor(env) {
  const known = routesByEnv.get(env);
  if (known) return known;
  const missing = /** @type {string[]} */ ([]);
  for (const name of /** @type {const} */ (["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "WORKLOAD_NAME"])) if (!nonEmpty(env[name])) missing.push(name);
  if (!nonEmpty(env.STATE_SECRET) || encoder.encode(env.STATE_SECRET).length < 32) missing.push("STATE_SECRET (32 bytes or more)");
  const providers = providersOf(env.PROVIDERS);
  if (!providers) missing.push("PROVIDERS");
  if (!env.AGENTCORE_STATE || !env.ASSETS) missing.push("AGENTCORE_STATE, ASSETS (bindings)");
  if (missing.length) {
    console.error(`the Worker is not configured: ${missing.join(", ")}`);
    return null;
  }
  const secret = /** @type {string} */ (env.STATE_SECRET);
  /** @type {ReturnType<typeof createConnectRoutes>} */
  let routes;
  try {
    routes = makeRoutes(env, /** @type {object} */ (providers), secret);
  } catch (e) {
    // A setting the package refuses (a provider without scopes, a workload name the model does
    // not allow): its ConfigurationError names the option, and no secret is in it (tested).
    if (!(e instanceof Error && e.name === "ConfigurationError")) throw e;
    console.error(`the Worker is not configured: ${e.message}`);
    return null;
  }
  routesByEnv.set(env, routes);
  return routes;
}

/** @param {Env} env @param {object} providers @param {string} secret */
function makeRoutes(env, providers, secret) {
  return createConnectRoutes({
    client: new AgentCoreIdentityClient({
      region: /** @type {string} */ (env.AWS_REGION),
      endpoint: nonEmpty(env.AGENTCORE_ENDPOINT) ? env.AGENTCORE_ENDPOINT : undefined,
      credentials: {
        accessKeyId: /** @type {string} */ (env.AWS_ACCESS_KEY_ID),
        secretAccessKey: /** @type {string} */ (env.AWS_SECRET_ACCESS_KEY),
        sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) ? env.AWS_SESSION_TOKEN : undefined,
      },
      // The client has no time limit by default: a call to AgentCore that does not answer ends
      // after two attempts of 10 s each as a 503, never holding the request open.
      requestTimeoutMs: 10_000,
      maxAttempts: 2,
    }),
    workloadName: /** @type {string} */ (env.WORKLOAD_NAME),
    providers: /** @type {any} */ (providers),
    stateSecret: secret,
    stateStore: new DurableObjectStateStore(/** @type {import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike} */ (env.AGENTCORE_STATE)),
    // Who the user is comes from this app's own sign-in only.
    authenticate: async (request) => {
      const userId = await currentUser(request, secret);
      return userId ? { userId } : null;
    },
    exposeAccessTokens: env.EXPOSE_ACCESS_TOKENS === "true",
  });
}

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    try {
      const routes = routesFor(env);
      if (!routes) return json(500, { error: { code: "not_configured", message: "this Worker is not configured" } });
      const secret = /** @type {string} */ (env.STATE_SECRET);
      const url = new URL(request.url);
      if (url.pathname === "/login" || url.pathname === "/logout") return await session(request, url, secret);
      if (url.pathname === "/session") {
        const userId = await currentUser(request, secret);
        return userId ? json(200, { userId }) : json(401, { error: { code: "unauthenticated", message: "sign in first" } });
      }
      return (await routes.handle(request)) ?? (await asset(request, /** @type {NonNullable<Env["ASSETS"]>} */ (env.ASSETS)));
    } catch (e) {
      // The error's name only: a message could hold what the service said.
      console.error(`request failed: ${e instanceof Error ? e.name : typeof e}`);
      return json(500, { error: { code: "internal_error", message: "something went wrong" } });
    }
  },
};

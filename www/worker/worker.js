// Example Worker: the backend of the agent console (../console/). It holds the AWS credentials and
// the user's session; the console holds neither.
//   POST /login, /logout   the demo sign-in: a signed session cookie (replace with your own sign-in)
//   GET  /session          who is signed in, for the console
//   /agentcore/*           createConnectRoutes: connections, connect, callback (and token, if enabled)
//   everything else        the console's files ([assets]), with their security headers
// The Worker refuses to run without its settings (the AWS keys, STATE_SECRET of 32 bytes or more,
// PROVIDERS as an object or JSON, the Durable Object).
import { AgentCoreIdentityClient } from "agentcore-identity-edge";
import { DurableObjectStateStore } from "agentcore-identity-edge/cloudflare";
import { createConnectRoutes } from "agentcore-identity-edge/connect";

// The Durable Object that makes each customState single use across every instance of this Worker
// (bound as AGENTCORE_STATE in wrangler.toml).
export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";

const SESSION_SECONDS = 8 * 3600;
const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;
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

/** @param {string} hostname */
const isLoopback = (hostname) => hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);

// ---- The demo sign-in: a cookie holding base64url(JSON { sub, exp }) "." base64url(HMAC-SHA256).

/**
 * The session cookie's name for `url`: `__Host-session` (Secure, Path=/, no Domain: the browser
 * keeps it to this exact host, over https) over https; plain `session` only for http on a loopback
 * host (local development); null for http anywhere else, where no session is given or read.
 * @param {URL} url
 */
function cookieName(url) {
  if (url.protocol === "https:") return "__Host-session";
  if (url.protocol === "http:" && isLoopback(url.hostname)) return "session";
  return null;
}

/** @param {Uint8Array} bytes */
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** @param {string} text */
function fromB64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A key for sessions only, derived from STATE_SECRET, so a session MAC is never a state MAC. @param {string} secret */
async function deriveSessionKey(secret) {
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("agentcore-identity-edge example session key"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/**
 * The session key for STATE_SECRET, derived once per isolate (and again after a failure).
 * @type {Map<string, Promise<CryptoKey>>}
 */
const sessionKeys = new Map();
/** @param {string} secret */
function sessionKey(secret) {
  let key = sessionKeys.get(secret);
  if (!key) {
    key = deriveSessionKey(secret);
    key.catch(() => sessionKeys.delete(secret));
    sessionKeys.set(secret, key);
  }
  return key;
}

/** @param {string} name @param {string} value @param {number} maxAge */
function setCookie(name, value, maxAge) {
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${name.startsWith("__Host-") ? "; Secure" : ""}`;
}

/**
 * The signed-in user id, or null. The MAC is checked (in constant time, by WebCrypto) before
 * anything in the cookie is read.
 * @param {Request} request @param {string} secret
 */
async function currentUser(request, secret) {
  const name = cookieName(new URL(request.url));
  if (!name) return null;
  const value = new RegExp(`(?:^|;\\s*)${name}=([A-Za-z0-9_-]{1,1024})\\.([A-Za-z0-9_-]{43})(?:;|$)`).exec(request.headers.get("cookie") ?? "");
  if (!value) return null;
  const mac = fromB64url(value[2]);
  if (!mac || !(await crypto.subtle.verify("HMAC", await sessionKey(secret), mac, encoder.encode(value[1])))) return null;
  /** @type {{ sub?: unknown, exp?: unknown }} */
  let claims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromB64url(value[1]) ?? new Uint8Array()));
  } catch {
    return null;
  }
  const { sub, exp } = claims ?? {};
  if (typeof sub !== "string" || !USER_ID.test(sub) || typeof exp !== "number" || exp * 1000 <= Date.now()) return null;
  return sub;
}

/** @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
const json = (status, body, headers = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers } });

/**
 * /login and /logout change the session: only from this origin's own pages (the `Origin` header,
 * which browsers send on every POST), so another site cannot sign a visitor in or out.
 * @param {Request} request @param {URL} url @param {string} secret
 */
async function session(request, url, secret) {
  if (request.method !== "POST") return json(405, { error: { code: "method_not_allowed", message: "use POST" } }, { allow: "POST" });
  if (request.headers.get("origin") !== url.origin) return json(403, { error: { code: "origin_refused", message: "this request must come from the app's own pages" } });
  const name = cookieName(url);
  if (!name) return json(403, { error: { code: "insecure_transport", message: "sign-in needs https" } });
  if (url.pathname === "/logout") return json(200, { userId: null }, { "set-cookie": setCookie(name, "", 0) });
  // Demo sign-in: a fresh anonymous id. Your app signs the user in here instead.
  const userId = `user-${crypto.randomUUID()}`;
  const payload = b64url(encoder.encode(JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS })));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(secret), encoder.encode(payload)));
  return json(200, { userId }, { "set-cookie": setCookie(name, `${payload}.${b64url(mac)}`, SESSION_SECONDS) });
}

// ---- The console's files, with their security headers.

/**
 * The CSP per page text, computed once per isolate: the console's pages are a few fixed files.
 * @type {Map<string, Promise<string>>}
 */
const cspByHtml = new Map();
/** @param {string} html */
function csp(html) {
  let policy = cspByHtml.get(html);
  if (!policy) {
    // Bounded: new page texts (a redeploy) replace the old ones.
    if (cspByHtml.size >= 16) cspByHtml.clear();
    policy = computeCsp(html);
    policy.catch(() => cspByHtml.delete(html));
    cspByHtml.set(html, policy);
  }
  return policy;
}

/**
 * The console's Content-Security-Policy for `html`: scripts from this origin and the page's inline
 * import maps by their SHA-256; requests to this origin only.
 * @param {string} html
 */
async function computeCsp(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(m[1])));
    hashes.push(` 'sha256-${btoa(String.fromCharCode(...digest))}'`);
  }
  return `default-src 'none'; script-src 'self'${hashes.join("")}; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`;
}

/** @param {Request} request @param {{ fetch(request: Request): Promise<Response> }} assets */
async function asset(request, assets) {
  if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: { code: "method_not_allowed", message: "use GET" } }, { allow: "GET, HEAD" });
  const res = await assets.fetch(request);
  const headers = new Headers(res.headers);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  if (!(headers.get("content-type") ?? "").startsWith("text/html")) return new Response(res.body, { status: res.status, headers });
  const html = await res.text();
  headers.set("content-security-policy", await csp(html));
  headers.set("cache-control", "no-store");
  return new Response(request.method === "HEAD" ? null : html, { status: res.status, headers });
}

// ---- The Worker.

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
  const routes = createConnectRoutes({
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
  routesByEnv.set(env, routes);
  return routes;
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

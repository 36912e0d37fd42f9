// Example Worker: connects a user's account through AgentCore Identity's user-federation flow.
//   GET  /          sign-in (a demo login) or the "Connect" button
//   POST /login     demo login: a new anonymous user id in a signed session cookie
//   POST /connect   makes a customState bound to the user and sends them to the consent page
//   GET  /callback  verifies the redirect (single use, in a Durable Object), binds the session to
//                   the user, and gets the token from the vault
//
// Who the user is comes only from the session cookie, signed with HMAC-SHA256 under a key derived
// from STATE_SECRET; replace `/login` with your app's own sign-in. The Worker refuses to run
// without its settings (STATE_SECRET of at least 32 bytes, the AWS keys, the Durable Object).
import { AgentCoreIdentityClient, CallbackError, createCustomState, handleOauth2Callback } from "agentcore-identity-edge";
import { DurableObjectStateStore } from "agentcore-identity-edge/cloudflare";

// The Durable Object that makes each customState single use across every instance of this Worker
// (bound as AGENTCORE_STATE in wrangler.toml).
export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";

const SESSION_COOKIE = "session";
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
 * @property {string} [PROVIDER_NAME]
 * @property {string} [SCOPES]
 * @property {string} [STATE_SECRET]
 * @property {import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike} [AGENTCORE_STATE]
 */

/**
 * @typedef {object} Config
 * @property {string} region
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 * @property {string | undefined} sessionToken
 * @property {string | undefined} endpoint
 * @property {string} workloadName
 * @property {string} providerName
 * @property {string[]} scopes
 * @property {string} stateSecret
 * @property {import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike} stateNamespace
 */

/** @param {unknown} v */
const nonEmpty = (v) => typeof v === "string" && v.length > 0;

/**
 * The Worker's settings, or the names of those missing (names only: never a value).
 * @param {Env} env
 * @returns {{ config: Config } | { missing: string[] }}
 */
function configOf(env) {
  const missing = /** @type {string[]} */ ([]);
  for (const name of /** @type {const} */ (["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "WORKLOAD_NAME", "PROVIDER_NAME"])) {
    if (!nonEmpty(env[name])) missing.push(name);
  }
  if (typeof env.STATE_SECRET !== "string" || encoder.encode(env.STATE_SECRET).length < 32) missing.push("STATE_SECRET (32 bytes or more)");
  if (!env.AGENTCORE_STATE || typeof env.AGENTCORE_STATE.idFromName !== "function") missing.push("AGENTCORE_STATE (Durable Object binding)");
  if (missing.length) return { missing };
  return {
    config: {
      region: /** @type {string} */ (env.AWS_REGION),
      accessKeyId: /** @type {string} */ (env.AWS_ACCESS_KEY_ID),
      secretAccessKey: /** @type {string} */ (env.AWS_SECRET_ACCESS_KEY),
      sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) ? env.AWS_SESSION_TOKEN : undefined,
      endpoint: nonEmpty(env.AGENTCORE_ENDPOINT) ? env.AGENTCORE_ENDPOINT : undefined,
      workloadName: /** @type {string} */ (env.WORKLOAD_NAME),
      providerName: /** @type {string} */ (env.PROVIDER_NAME),
      scopes: (env.SCOPES ?? "").split(",").filter(Boolean),
      stateSecret: /** @type {string} */ (env.STATE_SECRET),
      stateNamespace: /** @type {import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike} */ (env.AGENTCORE_STATE),
    },
  };
}

// ---- HTML: every value written into a page is escaped.

/** @param {unknown} s */
const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => /** @type {Record<string, string>} */ ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/**
 * A page from `text` (escaped here) and optional trusted `actions` markup.
 * @param {string} text
 * @param {number} [status]
 * @param {{ headers?: Record<string, string>, actions?: string }} [more]
 */
function page(text, status = 200, more = {}) {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>AgentCore Identity example</title><p>${esc(text)}</p>${more.actions ?? ""}</html>`;
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      ...more.headers,
    },
  });
}

/** @param {string} action @param {string} label */
const button = (action, label) => `<form method="post" action="${esc(action)}"><button>${esc(label)}</button></form>`;

// ---- Where the Worker may send the browser, and whether a cookie may drop `Secure`.

/** @param {string} hostname */
const isLoopback = (hostname) => hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/**
 * The authorization URL if it is `https:` (or `http:` on a loopback host, as the local emulator
 * gives); null for anything else.
 * @param {unknown} raw
 */
function safeAuthorizationUrl(raw) {
  if (typeof raw !== "string" || !URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) return url.href;
  return null;
}

// ---- The session cookie: base64url(JSON { sub, exp }) "." base64url(HMAC-SHA256).

/** @param {Uint8Array} bytes */
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** @param {string} text */
function fromB64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A key for sessions only, derived from STATE_SECRET, so a session MAC is never a state MAC. @param {string} secret */
async function sessionKey(secret) {
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("agentcore-identity-edge example session key"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** @param {Config} config @param {string} userId @param {URL} url */
async function sessionCookie(config, userId, url) {
  const payload = b64url(encoder.encode(JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS })));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(config.stateSecret), encoder.encode(payload)));
  // `Secure` always, except for plain http on a loopback host (local development and tests).
  const secure = url.protocol === "http:" && isLoopback(url.hostname) ? "" : "; Secure";
  return `${SESSION_COOKIE}=${payload}.${b64url(mac)}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

/**
 * The signed-in user, or undefined. The MAC is checked (in constant time, by WebCrypto) before
 * anything in the cookie is read.
 * @param {Config} config
 * @param {Request} request
 * @returns {Promise<string | undefined>}
 */
async function currentUser(config, request) {
  const cookies = request.headers.get("cookie") ?? "";
  const value = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([A-Za-z0-9_-]{1,1024})\\.([A-Za-z0-9_-]{43})(?:;|$)`).exec(cookies);
  if (!value) return undefined;
  const mac = fromB64url(value[2]);
  if (!mac || !(await crypto.subtle.verify("HMAC", await sessionKey(config.stateSecret), mac, encoder.encode(value[1])))) return undefined;
  const json = fromB64url(value[1]);
  if (!json) return undefined;
  /** @type {unknown} */
  let claims;
  try {
    claims = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return undefined;
  }
  const { sub, exp } = /** @type {{ sub?: unknown, exp?: unknown }} */ (claims ?? {});
  if (typeof sub !== "string" || !USER_ID.test(sub) || typeof exp !== "number" || exp * 1000 <= Date.now()) return undefined;
  return sub;
}

// ---- The flow.

/** @param {Config} config */
function clientFor(config) {
  return new AgentCoreIdentityClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken },
  });
}

/**
 * @param {AgentCoreIdentityClient} client
 * @param {Config} config
 * @param {string} userId
 * @param {string} origin
 */
async function tokenInput(client, config, userId, origin) {
  const { workloadAccessToken } = await client.getWorkloadAccessTokenForUserId({ workloadName: config.workloadName, userId });
  return {
    workloadIdentityToken: workloadAccessToken,
    resourceCredentialProviderName: config.providerName,
    scopes: config.scopes,
    oauth2Flow: /** @type {const} */ ("USER_FEDERATION"),
    resourceOauth2ReturnUrl: `${origin}/callback`,
  };
}

/** @param {Request} request @param {Config} config */
async function route(request, config) {
  const url = new URL(request.url);
  const { method } = request;
  const client = clientFor(config);

  if (url.pathname === "/login" && method === "POST") {
    // Demo login: a fresh anonymous id. Your app signs the user in here instead.
    const userId = `user-${crypto.randomUUID()}`;
    return new Response(null, { status: 303, headers: { location: "/", "set-cookie": await sessionCookie(config, userId, url), "cache-control": "no-store" } });
  }

  if (url.pathname === "/connect" && method === "POST") {
    const userId = await currentUser(config, request);
    if (!userId) return page("Sign in first.", 401, { actions: button("/login", "Sign in") });
    const input = await tokenInput(client, config, userId, url.origin);
    const customState = await createCustomState({ secret: config.stateSecret, binding: userId });
    const out = await client.getResourceOauth2Token({ ...input, customState });
    if (out.accessToken) return page("Already connected: the vault has a token for you.");
    const location = safeAuthorizationUrl(out.authorizationUrl);
    if (!location) {
      return out.authorizationUrl === undefined
        ? page(`The session is ${out.sessionStatus ?? "unknown"}.`, 502)
        : page("The service gave an authorization URL this Worker will not follow.", 502);
    }
    return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
  }

  if (url.pathname === "/callback" && method === "GET") {
    const userId = await currentUser(config, request);
    if (!userId) return page("No session: sign in and connect again.", 401);
    try {
      const { sessionUri } = await handleOauth2Callback(request, {
        stateSecret: config.stateSecret,
        binding: userId,
        stateStore: new DurableObjectStateStore(config.stateNamespace),
        client,
        userIdentifier: { userId },
      });
      const input = await tokenInput(client, config, userId, url.origin);
      const { accessToken } = await client.getResourceOauth2Token({ ...input, sessionUri });
      if (!accessToken) return page("The authorization is still pending.", 202);
      // Use the token here (call the provider's API); never send it to the browser.
      return page(`Connected: a token of ${accessToken.length} characters is in the vault for ${userId}.`);
    } catch (e) {
      if (e instanceof CallbackError) {
        const code = /** @type {string} */ (e.code);
        return page(`Refused: ${code}.`, code === "state_store_unavailable" ? 503 : 400);
      }
      throw e;
    }
  }

  if (url.pathname === "/" && method === "GET") {
    const userId = await currentUser(config, request);
    if (!userId) return page("Sign in to connect your account.", 200, { actions: button("/login", "Sign in (demo)") });
    return page(`Signed in as ${userId}.`, 200, { actions: button("/connect", "Connect your account") });
  }

  return page("Not found.", 404);
}

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    const checked = configOf(env);
    if ("missing" in checked) {
      console.error(`the Worker is not configured: ${checked.missing.join(", ")}`);
      return page("This Worker is not configured.", 500);
    }
    try {
      return await route(request, checked.config);
    } catch (e) {
      // The error's name only: a message could hold what the service said.
      console.error(`request failed: ${e instanceof Error ? e.name : typeof e}`);
      return page("Something went wrong.", 500);
    }
  },
};

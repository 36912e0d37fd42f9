// The example's demo sign-in: a signed session cookie holding base64url(JSON { sub, exp }) "."
// base64url(HMAC-SHA256), under a key derived from STATE_SECRET. Your app replaces this module with
// its own sign-in; the connect routes need only `currentUser`'s answer.
//   POST /login, /logout   sign in (a fresh anonymous user) or out, from the app's own pages only
import { json } from "./respond.js";

const SESSION_SECONDS = 8 * 3600;
const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;
const encoder = new TextEncoder();

/** @param {string} hostname */
const isLoopback = (hostname) => hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);

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
export async function currentUser(request, secret) {
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

/**
 * /login and /logout change the session: only from this origin's own pages (the `Origin` header,
 * which browsers send on every POST), so another site cannot sign a visitor in or out.
 * @param {Request} request @param {URL} url @param {string} secret
 */
export async function session(request, url, secret) {
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

// The package's entry point: start an emulator from code, and answer its consent step from code.
import { CONSENT_PATH, isLoopbackName } from "./local.js";
import { EmulatorError } from "./server.js";

export { EmulatorError, startEmulator } from "./server.js";
export { DEFAULT_CONFIG } from "./config.js";

/**
 * Approves the pending authorization session of `authorizationUrl` (as the user clicking "Allow" on the
 * consent page would), through the admin API of the emulator that issued it, in this process or another.
 * Resolves with the callback URL the browser would be sent to.
 * @param {string} authorizationUrl
 * @returns {Promise<{ callbackUrl: string }>}
 */
export function approve(authorizationUrl) {
  return decide(authorizationUrl, "approve");
}

/**
 * Denies the pending authorization session of `authorizationUrl`; resolves with the callback URL, which
 * carries `error=access_denied`.
 * @param {string} authorizationUrl
 * @returns {Promise<{ callbackUrl: string }>}
 */
export function deny(authorizationUrl) {
  return decide(authorizationUrl, "deny");
}

/**
 * @param {unknown} authorizationUrl
 * @param {"approve" | "deny"} decision
 */
async function decide(authorizationUrl, decision) {
  /** @type {URL | null} */
  let url = null;
  try {
    url = typeof authorizationUrl === "string" ? new URL(authorizationUrl) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== CONSENT_PATH) {
    throw new EmulatorError("INVALID_ARGUMENT", `${decision}: give the authorizationUrl an emulator returned`);
  }
  // The URL names a session: it goes to an emulator on this machine only, never to another host
  // (an authorization URL of AWS's, passed here by mistake, stays in this process).
  if (!isLoopbackName(url.hostname)) {
    throw new EmulatorError("INVALID_ARGUMENT", `${decision}: the authorizationUrl is not an emulator's on this machine (localhost, 127.0.0.0/8, [::1])`);
  }
  let res;
  try {
    res = await fetch(new URL(`/__emulator/sessions/${decision}`, url.origin), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ authorizationUrl: url.href }),
      redirect: "manual",
    });
  } catch (cause) {
    throw new EmulatorError("UNREACHABLE", `${decision}: the emulator at ${url.origin} did not answer`, { cause });
  }
  /** @type {any} */
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status === 200 && body && typeof body.callbackUrl === "string") return { callbackUrl: body.callbackUrl };
  const code = body && typeof body.code === "string" ? body.code : `HTTP_${res.status}`;
  const message = body && typeof body.message === "string" ? body.message : `the emulator answered HTTP ${res.status}`;
  throw new EmulatorError(code, `${decision}: ${message}`);
}

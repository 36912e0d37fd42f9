// Workload access tokens (HMAC-SHA256, per-process key), user JWT decoding (no signature check) and random ids.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export function randomToken(prefix, bytes = 32) {
  return `${prefix}${b64url(randomBytes(bytes))}`;
}

export const SESSION_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";

export function newSessionUri() {
  // base64url only uses [A-Za-z0-9_-], a subset of the model's [a-zA-Z0-9-._~].
  return SESSION_URI_PREFIX + b64url(randomBytes(24));
}

/** Mints and verifies opaque workload access tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). */
export class WorkloadTokenIssuer {
  constructor(key = randomBytes(32)) {
    this.key = key;
  }

  /**
   * @param {{workload: string, user: null | {kind: "userId"|"jwt", id: string}, now: number, ttlMs: number}} p
   */
  mint({ workload, user, now, ttlMs }) {
    const claims = { v: 1, w: workload, u: user, iat: now, exp: now + ttlMs, n: b64url(randomBytes(9)) };
    const payload = b64url(JSON.stringify(claims));
    return `${payload}.${this.#mac(payload)}`;
  }

  /** @returns {{ok: true, claims: object} | {ok: false, reason: "invalid"|"expired"}} */
  verify(token, now) {
    if (typeof token !== "string") return { ok: false, reason: "invalid" };
    const parts = token.split(".");
    if (parts.length !== 2) return { ok: false, reason: "invalid" };
    const [payload, mac] = parts;
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
    let claims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return { ok: false, reason: "invalid" };
    }
    if (!claims || claims.v !== 1 || typeof claims.w !== "string" || typeof claims.exp !== "number") {
      return { ok: false, reason: "invalid" };
    }
    if (now >= claims.exp) return { ok: false, reason: "expired", claims };
    return { ok: true, claims };
  }

  #mac(payload) {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}

/**
 * Decodes a JWT without verifying its signature: three base64url parts, JSON header and payload, string `sub`.
 * @returns {{sub: string, iss?: string} | null}
 */
export function decodeJwt(token) {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+={0,2}$/.test(p))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || Array.isArray(header)) return null;
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return null;
    if (typeof payload.sub !== "string" || payload.sub.length === 0) return null;
    return { sub: payload.sub, iss: typeof payload.iss === "string" ? payload.iss : undefined };
  } catch {
    return null;
  }
}

// Operation handlers and the emulator's identity state: workload tokens, OAuth2 sessions, token vault.
import { returnUrlAllowed } from "./config.js";
import { accessDenied, fieldError, notFound, unauthorized } from "./errors.js";
import { CONSENT_PATH } from "./local.js";
import { decodeJwt, newSessionUri, randomToken, WorkloadTokenIssuer } from "./tokens.js";

const userKey = (u) => (u ? `${u.kind}:${u.id}` : "");

/** Session states. IN_PROGRESS on the wire for PENDING and AUTHORIZED, FAILED for DENIED (and expiry). */
export const SessionState = Object.freeze({
  PENDING: "PENDING_CONSENT",
  AUTHORIZED: "AUTHORIZED",
  DENIED: "DENIED",
  COMPLETED: "COMPLETED",
});

export class Identity {
  /**
   * @param {{config: object, now: () => number, baseUrl: () => string}} p
   */
  constructor({ config, now, baseUrl }) {
    this.config = config;
    this.now = now;
    this.baseUrl = baseUrl;
    this.issuer = new WorkloadTokenIssuer();
    this.workloads = new Map(config.workloads.map((w) => [w.name, w]));
    this.providers = new Map(config.providers.map((p) => [p.name, p]));
    /** @type {Map<string, object>} sessionUri -> session */
    this.sessions = new Map();
    /** @type {Map<string, {accessToken: string, expiresAt: number}>} */
    this.vault = new Map();
    this.handlers = {
      GetWorkloadAccessToken: (i) => this.getWorkloadAccessToken(i),
      GetWorkloadAccessTokenForJWT: (i) => this.getWorkloadAccessTokenForJWT(i),
      GetWorkloadAccessTokenForUserId: (i) => this.getWorkloadAccessTokenForUserId(i),
      GetResourceOauth2Token: (i) => this.getResourceOauth2Token(i),
      CompleteResourceTokenAuth: (i) => this.completeResourceTokenAuth(i),
      GetResourceApiKey: (i) => this.getResourceApiKey(i),
      GetResourcePaymentToken: (i) => this.getResourcePaymentToken(i),
    };
  }

  get tokenTtlMs() {
    return this.config.tokenTtlSeconds * 1000;
  }

  // ---- workload access tokens ----

  #workload(name) {
    const w = this.workloads.get(name);
    if (!w) throw notFound(`Workload identity '${name}' was not found.`);
    return w;
  }

  #mint(workload, user) {
    return {
      workloadAccessToken: this.issuer.mint({ workload: workload.name, user, now: this.now(), ttlMs: this.tokenTtlMs }),
    };
  }

  getWorkloadAccessToken({ workloadName }) {
    return this.#mint(this.#workload(workloadName), null);
  }

  getWorkloadAccessTokenForUserId({ workloadName, userId }) {
    return this.#mint(this.#workload(workloadName), { kind: "userId", id: userId });
  }

  getWorkloadAccessTokenForJWT({ workloadName, userToken }) {
    const workload = this.#workload(workloadName);
    return this.#mint(workload, this.#userFromJwt(userToken));
  }

  #userFromJwt(userToken) {
    const jwt = decodeJwt(userToken);
    if (!jwt) throw unauthorized("The user token is not a valid JWT: expected three base64url parts and a payload with a 'sub' claim.");
    return { kind: "jwt", id: jwt.sub };
  }

  /** Resolves a workloadIdentityToken to {workload, user}; refuses forged/tampered and expired tokens. */
  #caller(token) {
    const r = this.issuer.verify(token, this.now());
    if (!r.ok) {
      throw accessDenied(r.reason === "expired" ? "Workload access token has expired" : "Invalid workload access token");
    }
    const workload = this.workloads.get(r.claims.w);
    if (!workload) throw accessDenied("Invalid workload access token");
    return { workload, user: r.claims.u || null };
  }

  #provider(name) {
    const p = this.providers.get(name);
    if (!p) throw notFound(`Credential provider '${name}' was not found.`);
    return p;
  }

  // ---- API keys ----

  getResourceApiKey({ workloadIdentityToken, resourceCredentialProviderName }) {
    this.#caller(workloadIdentityToken);
    const provider = this.#provider(resourceCredentialProviderName);
    if (provider.type !== "apikey") {
      throw fieldError(
        "resourceCredentialProviderName",
        `Credential provider '${provider.name}' is an OAuth2 credential provider, not an API key provider; use GetResourceOauth2Token.`,
      );
    }
    return { apiKey: provider.apiKey };
  }

  // ---- payment tokens ----

  /**
   * A plausible reply of the union's vendor: the request was validated against the model, so exactly
   * one of `coinbaseCdpTokenRequest` and `stripePrivyTokenRequest` is set.
   */
  getResourcePaymentToken({ workloadIdentityToken, resourceCredentialProviderName, paymentTokenRequest }) {
    this.#caller(workloadIdentityToken);
    const provider = this.#provider(resourceCredentialProviderName);
    if (provider.type !== "payment") {
      throw fieldError(
        "resourceCredentialProviderName",
        `Credential provider '${provider.name}' is not a payment credential provider.`,
      );
    }
    const coinbase = paymentTokenRequest.coinbaseCdpTokenRequest;
    if (coinbase) {
      const out = { bearerToken: randomToken("emulator-cdp-bearer.") };
      if (coinbase.includeWalletAuthToken) out.walletAuthToken = randomToken("emulator-cdp-wallet.");
      return { paymentTokenResponse: { coinbaseCdpTokenResponse: out } };
    }
    const privy = paymentTokenRequest.stripePrivyTokenRequest;
    const appId = `emulator-privy-${provider.name}`.slice(0, 512);
    const out = {
      appId,
      basicAuthToken: Buffer.from(`${appId}:${randomToken("secret-")}`).toString("base64"),
    };
    if (privy.includeAuthorizationSignature) {
      out.authorizationSignature = Buffer.from(randomToken("", 64)).toString("base64");
      out.requestExpiry = this.now() + 5 * 60 * 1000;
    }
    return { paymentTokenResponse: { stripePrivyTokenResponse: out } };
  }

  // ---- OAuth2 ----

  getResourceOauth2Token(input) {
    const { workload, user } = this.#caller(input.workloadIdentityToken);
    const provider = this.#provider(input.resourceCredentialProviderName);
    const flow = input.oauth2Flow;
    if (provider.type !== "oauth2") {
      throw fieldError(
        "resourceCredentialProviderName",
        `Credential provider '${provider.name}' is an API key provider, not an OAuth2 provider; use GetResourceApiKey.`,
      );
    }
    if (!provider.flows.includes(flow)) {
      throw fieldError(
        "oauth2Flow",
        `Credential provider '${provider.name}' does not support the ${flow} flow (it supports: ${provider.flows.join(", ")}).`,
      );
    }
    if (Array.isArray(provider.scopes)) {
      const bad = input.scopes.findIndex((s) => !provider.scopes.includes(s));
      if (bad >= 0) {
        throw fieldError(`scopes[${bad}]`, `Scope '${input.scopes[bad]}' is not allowed for credential provider '${provider.name}' (allowed: ${provider.scopes.join(", ")}).`);
      }
    }
    switch (flow) {
      case "M2M":
        return { accessToken: randomToken("emu_at_") };
      case "ON_BEHALF_OF_TOKEN_EXCHANGE":
        if (!user || user.kind !== "jwt") {
          throw fieldError(
            "workloadIdentityToken",
            "The ON_BEHALF_OF_TOKEN_EXCHANGE flow requires a workload access token obtained with GetWorkloadAccessTokenForJWT.",
          );
        }
        return { accessToken: randomToken("emu_at_") };
      case "USER_FEDERATION":
        return this.#userFederation(input, workload, user, provider);
      default:
        throw fieldError("oauth2Flow", `Unsupported flow ${flow}.`);
    }
  }

  #vaultKey(workload, user, provider, scopes) {
    return JSON.stringify([workload.name, userKey(user), provider.name, scopes]);
  }

  #isOpenAndExpired(s) {
    return (s.state === SessionState.PENDING || s.state === SessionState.AUTHORIZED) && this.now() >= s.expiresAt;
  }

  #userFederation(input, workload, user, provider) {
    if (!user) {
      throw fieldError(
        "workloadIdentityToken",
        "The USER_FEDERATION flow requires a workload access token bound to a user (use GetWorkloadAccessTokenForUserId or GetWorkloadAccessTokenForJWT).",
      );
    }
    const returnUrl = input.resourceOauth2ReturnUrl;
    if (returnUrl === undefined || returnUrl === null) {
      throw fieldError("resourceOauth2ReturnUrl", "resourceOauth2ReturnUrl is required for the USER_FEDERATION flow.");
    }
    if (!returnUrlAllowed(workload, returnUrl)) {
      throw fieldError(
        "resourceOauth2ReturnUrl",
        `The return URL is not registered for the workload identity '${workload.name}' (allowedResourceOauth2ReturnUrls).`,
      );
    }
    const scopes = [...new Set(input.scopes)].sort();

    if (input.sessionUri !== undefined && input.sessionUri !== null) {
      const s = this.sessions.get(input.sessionUri);
      if (!s) throw notFound("The authorization session was not found.");
      if (s.workload !== workload.name || userKey(s.user) !== userKey(user)) {
        throw accessDenied("The session was initiated by a different workload identity or user.");
      }
      if (s.provider !== provider.name) {
        throw fieldError("sessionUri", "The session was started for a different credential provider.");
      }
      if (this.#isOpenAndExpired(s)) return { sessionUri: s.uri, sessionStatus: "FAILED" };
      switch (s.state) {
        case SessionState.PENDING:
          return { authorizationUrl: this.#authorizationUrl(s), sessionUri: s.uri, sessionStatus: "IN_PROGRESS" };
        case SessionState.AUTHORIZED:
          return { sessionUri: s.uri, sessionStatus: "IN_PROGRESS" };
        case SessionState.DENIED:
          return { sessionUri: s.uri, sessionStatus: "FAILED" };
        case SessionState.COMPLETED: {
          const t = this.vault.get(s.vaultKey);
          if (t && t.accessToken === s.accessToken && this.now() < t.expiresAt) return { accessToken: t.accessToken };
          return { sessionUri: s.uri, sessionStatus: "FAILED" };
        }
      }
    }

    const key = this.#vaultKey(workload, user, provider, scopes);
    if (input.forceAuthentication !== true) {
      const t = this.vault.get(key);
      if (t && this.now() < t.expiresAt) return { accessToken: t.accessToken };
    }

    this.#sweep();
    const now = this.now();
    const s = {
      uri: newSessionUri(),
      workload: workload.name,
      user,
      provider: provider.name,
      scopes,
      returnUrl,
      customState: input.customState,
      customParameters: input.customParameters,
      vaultKey: key,
      state: SessionState.PENDING,
      createdAt: now,
      expiresAt: now + this.config.sessionTtlSeconds * 1000,
    };
    this.sessions.set(s.uri, s);
    return { authorizationUrl: this.#authorizationUrl(s), sessionUri: s.uri, sessionStatus: "IN_PROGRESS" };
  }

  #authorizationUrl(s) {
    return `${this.baseUrl()}${CONSENT_PATH}?request_uri=${encodeURIComponent(s.uri)}`;
  }

  completeResourceTokenAuth({ sessionUri, userIdentifier }) {
    const s = this.sessions.get(sessionUri);
    if (!s || this.#isOpenAndExpired(s)) throw notFound("The authorization session was not found or has expired.");
    const user =
      userIdentifier.userId !== undefined && userIdentifier.userId !== null
        ? { kind: "userId", id: userIdentifier.userId }
        : this.#userFromJwt(userIdentifier.userToken);
    if (userKey(user) !== userKey(s.user)) {
      throw accessDenied("The user identifier does not match the user that initiated the session.");
    }
    switch (s.state) {
      case SessionState.PENDING:
        throw fieldError("sessionUri", "The user has not authorized the session yet (consent is pending).");
      case SessionState.DENIED:
        throw fieldError("sessionUri", "The user denied the authorization request; the session has failed.");
      case SessionState.AUTHORIZED: {
        const accessToken = randomToken("emu_at_");
        this.vault.set(s.vaultKey, { accessToken, expiresAt: this.now() + this.tokenTtlMs });
        s.accessToken = accessToken;
        s.state = SessionState.COMPLETED;
        return {};
      }
      case SessionState.COMPLETED:
        return {};
    }
    return {};
  }

  // ---- consent (browser side) ----

  /** @returns {{status: "unknown"|"expired"|"pending"|"decided", session?: object}} */
  consentView(uri) {
    const s = this.sessions.get(uri);
    if (!s) return { status: "unknown" };
    if (this.#isOpenAndExpired(s)) return { status: "expired", session: s };
    if (s.state !== SessionState.PENDING) return { status: "decided", session: s };
    return { status: "pending", session: s };
  }

  /**
   * Records the user's decision.
   * @returns {{status: "unknown"|"expired"|"decided"} | {status: "redirect", location: string}}
   */
  decide(uri, allow) {
    const view = this.consentView(uri);
    if (view.status !== "pending") return { status: view.status };
    const s = view.session;
    const params = [["session_id", s.uri]];
    if (s.customState !== undefined && s.customState !== null) params.push(["state", s.customState]);
    if (allow) {
      s.state = SessionState.AUTHORIZED;
    } else {
      s.state = SessionState.DENIED;
      params.push(["error", "access_denied"], ["error_description", "The user denied the authorization request."]);
    }
    return { status: "redirect", location: appendQuery(s.returnUrl, params) };
  }

  /** Marks every open session expired (or only `uri`). @returns number of sessions expired */
  expireSessions(uri) {
    let n = 0;
    const past = this.now() - 1;
    for (const s of this.sessions.values()) {
      if (uri !== undefined && s.uri !== uri) continue;
      if (s.state === SessionState.PENDING || s.state === SessionState.AUTHORIZED) {
        if (s.expiresAt > past) {
          s.expiresAt = past;
          n++;
        }
      }
    }
    return n;
  }

  /** Public, secret-free view of the sessions (for the admin API). */
  listSessions() {
    return [...this.sessions.values()].map((s) => ({
      sessionUri: s.uri,
      state: this.#isOpenAndExpired(s) ? "EXPIRED" : s.state,
      workloadName: s.workload,
      provider: s.provider,
      scopes: s.scopes,
      expiresAt: new Date(s.expiresAt).toISOString(),
    }));
  }

  /** Forgets sessions that ended long ago and expired vault entries, so state stays bounded. */
  #sweep() {
    const now = this.now();
    const keepFor = 60 * 60 * 1000;
    for (const [k, s] of this.sessions) {
      if (now - s.expiresAt > keepFor) this.sessions.delete(k);
    }
    for (const [k, t] of this.vault) {
      if (now >= t.expiresAt) this.vault.delete(k);
    }
  }
}

/** Appends query parameters to a URL, keeping its existing query string and fragment byte for byte. */
export function appendQuery(url, params) {
  const hash = url.indexOf("#");
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? "" : url.slice(hash);
  const qs = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  let sep = "?";
  if (base.includes("?")) sep = base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${sep}${qs}${fragment}`;
}

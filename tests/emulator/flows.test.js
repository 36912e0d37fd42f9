// Operations and flows, driven by the AWS SDK: workload tokens, M2M, USER_FEDERATION (consent, binding,
// vault, forceAuthentication, expiry), ON_BEHALF_OF_TOKEN_EXCHANGE, API keys, forged/expired workload tokens.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { admin, client, jwt, RETURN_URL, sdk, sdkError, start, WORKLOAD, workloadToken } from "./helpers.js";

let emu;
let c;
before(async () => {
  emu = await start({
    config: {
      workloads: [
        { name: WORKLOAD, allowedResourceOauth2ReturnUrls: ["http://localhost:*", "http://127.0.0.1:*"] },
        { name: "other-workload", allowedResourceOauth2ReturnUrls: ["https://app.example.com/cb"] },
      ],
    },
  });
  c = client(emu);
});
after(async () => {
  c.destroy();
  await emu.close();
});

const send = (cmd, cl = c) => cl.send(cmd);

async function expectError(promise, name, status, message) {
  const err = await sdkError(promise);
  assert.equal(err.name, name, `${err.name}: ${err.message}`);
  assert.ok(err instanceof sdk[name], `instance of ${name}`);
  assert.equal(err.$metadata.httpStatusCode, status);
  assert.match(err.$metadata.requestId, /^[0-9a-f-]{36}$/);
  if (message instanceof RegExp) assert.match(err.message, message);
  else if (message !== undefined) assert.equal(err.message, message);
  return err;
}

const federation = (token, extra = {}) =>
  new sdk.GetResourceOauth2TokenCommand({
    workloadIdentityToken: token,
    resourceCredentialProviderName: "demo-user-provider",
    scopes: ["profile", "openid"],
    oauth2Flow: "USER_FEDERATION",
    resourceOauth2ReturnUrl: RETURN_URL,
    ...extra,
  });

const decodeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Opens the consent page like a browser and submits the form with Allow or Deny. */
async function consent(authorizationUrl, decision) {
  const page = await fetch(authorizationUrl);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html/);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, "consent form present");
  assert.equal(form[1], "/oauth2/authorize");
  const hidden = /<input type="hidden" name="request_uri" value="([^"]*)">/.exec(form[2]);
  assert.ok(hidden, "hidden request_uri");
  assert.match(form[2], /<button type="submit" name="decision" value="allow">Allow<\/button>/);
  assert.match(form[2], /<button type="submit" name="decision" value="deny">Deny<\/button>/);
  const res = await fetch(new URL(form[1], authorizationUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_uri: decodeHtml(hidden[1]), decision }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  return { html, res };
}

describe("workload access tokens", () => {
  test("for a workload, a user id and a JWT", async () => {
    const a = await send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }));
    const b = await send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId: "alice" }));
    const j = await send(new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: jwt({ sub: "alice", iss: "https://idp.example" }) }));
    const tokens = [a, b, j].map((r) => r.workloadAccessToken);
    assert.equal(new Set(tokens).size, 3);
    for (const t of tokens) assert.match(t, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  test("unknown workload -> ResourceNotFoundException", async () => {
    await expectError(send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "no-such-workload" })), "ResourceNotFoundException", 404, /no-such-workload/);
    await expectError(send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: "nope", userId: "u" })), "ResourceNotFoundException", 404);
  });

  test("a JWT without sub or with a non-JSON payload -> UnauthorizedException", async () => {
    await expectError(send(new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: jwt({ name: "no sub" }) })), "UnauthorizedException", 401);
    await expectError(send(new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: "aaaa.bbbb.cccc" })), "UnauthorizedException", 401);
  });

  test("forged, tampered and foreign tokens -> AccessDeniedException 'Invalid workload access token'", async () => {
    const good = await workloadToken(c, "alice");
    const [payload, mac] = good.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, u: { kind: "userId", id: "mallory" } })).toString("base64url")}.${mac}`;
    const forgedMac = `${payload}.${"A".repeat(43)}`;
    const other = await start();
    const oc = client(other);
    const foreign = await workloadToken(oc, "alice");
    oc.destroy();
    await other.close();
    for (const t of [tampered, forgedMac, foreign, "garbage"]) {
      await expectError(
        send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: t, resourceCredentialProviderName: "demo-apikey-provider" })),
        "AccessDeniedException",
        403,
        "Invalid workload access token",
      );
    }
  });

  test("expired token -> AccessDeniedException 'Workload access token has expired'", async () => {
    const t = await workloadToken(c, "alice");
    const hour = 3600_000 + 1000;
    emu.setFaults({ clockOffsetMs: hour });
    const later = client(emu, { systemClockOffset: hour });
    try {
      await expectError(
        send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: t, resourceCredentialProviderName: "demo-apikey-provider" }), later),
        "AccessDeniedException",
        403,
        "Workload access token has expired",
      );
      // A token minted "now" (server time) is fine.
      const fresh = await workloadToken(later, "alice");
      const ok = await send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: fresh, resourceCredentialProviderName: "demo-apikey-provider" }), later);
      assert.equal(ok.$metadata.httpStatusCode, 200);
    } finally {
      later.destroy();
      emu.clearFaults();
    }
  });
});

describe("Payment tokens", () => {
  const payment = (t, paymentTokenRequest, provider = "demo-payment-provider") =>
    new sdk.GetResourcePaymentTokenCommand({
      workloadIdentityToken: t,
      resourceCredentialProviderName: provider,
      paymentTokenRequest,
    });

  test("each union member gets its vendor's reply", async () => {
    const t = await workloadToken(c, "alice");
    const cdp = await send(
      payment(t, { coinbaseCdpTokenRequest: { requestMethod: "POST", requestPath: "/platform/v2/evm/accounts", includeWalletAuthToken: true } }),
    );
    assert.deepEqual(Object.keys(cdp.paymentTokenResponse), ["coinbaseCdpTokenResponse"]);
    assert.ok(cdp.paymentTokenResponse.coinbaseCdpTokenResponse.bearerToken.length > 10);
    assert.ok(cdp.paymentTokenResponse.coinbaseCdpTokenResponse.walletAuthToken.length > 10);
    const privy = await send(
      payment(t, { stripePrivyTokenRequest: { requestPath: "/v1/wallets", requestBody: "{}", includeAuthorizationSignature: true } }),
    );
    const p = privy.paymentTokenResponse.stripePrivyTokenResponse;
    assert.match(p.appId, /^[a-zA-Z0-9_-]+$/);
    assert.ok(Buffer.from(p.basicAuthToken, "base64").toString().startsWith(`${p.appId}:`));
    assert.equal(typeof p.requestExpiry, "number");
    assert.ok(p.requestExpiry > Date.now());
    const plain = await send(payment(t, { stripePrivyTokenRequest: { requestPath: "/v1/wallets", requestBody: "{}" } }));
    assert.equal(plain.paymentTokenResponse.stripePrivyTokenResponse.authorizationSignature, undefined);
  });

  test("refuses two union members, a bad path and a non-payment provider", async () => {
    const t = await workloadToken(c, "alice");
    await expectError(
      send(
        payment(t, {
          coinbaseCdpTokenRequest: { requestMethod: "GET", requestPath: "/a" },
          stripePrivyTokenRequest: { requestPath: "/b", requestBody: "{}" },
        }),
      ),
      "ValidationException",
      400,
    );
    await expectError(
      send(payment(t, { coinbaseCdpTokenRequest: { requestMethod: "GET", requestPath: "no-slash" } })),
      "ValidationException",
      400,
    );
    await expectError(
      send(payment(t, { coinbaseCdpTokenRequest: { requestMethod: "GET", requestPath: "/a" } }, "demo-apikey-provider")),
      "ValidationException",
      400,
      /not a payment credential provider/,
    );
  });
});

describe("API keys", () => {
  test("returns the provider's key", async () => {
    const t = await workloadToken(c, null);
    const out = await send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: t, resourceCredentialProviderName: "demo-apikey-provider" }));
    assert.equal(out.apiKey, emu.config.providers.find((p) => p.name === "demo-apikey-provider").apiKey);
    assert.ok(out.apiKey.length > 10);
    assert.ok(!JSON.stringify(emu.requests().at(-1)).includes(t), "workload token redacted in the log");
  });

  test("an OAuth2 provider -> ValidationException; unknown provider -> ResourceNotFoundException", async () => {
    const t = await workloadToken(c, null);
    const err = await expectError(
      send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: t, resourceCredentialProviderName: "demo-m2m-provider" })),
      "ValidationException",
      400,
      /OAuth2 credential provider.*GetResourceOauth2Token/,
    );
    assert.deepEqual(err.fieldList.map((f) => f.name), ["resourceCredentialProviderName"]);
    await expectError(
      send(new sdk.GetResourceApiKeyCommand({ workloadIdentityToken: t, resourceCredentialProviderName: "missing-provider" })),
      "ResourceNotFoundException",
      404,
      /missing-provider/,
    );
  });
});

describe("M2M", () => {
  const m2m = (t, extra = {}) =>
    new sdk.GetResourceOauth2TokenCommand({
      workloadIdentityToken: t,
      resourceCredentialProviderName: "demo-m2m-provider",
      scopes: ["read"],
      oauth2Flow: "M2M",
      ...extra,
    });

  test("returns an access token", async () => {
    const t = await workloadToken(c, null);
    const a = await send(m2m(t));
    const b = await send(m2m(t, { scopes: ["read", "write"] }));
    assert.match(a.accessToken, /^emu_at_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.accessToken, b.accessToken);
    assert.equal(a.authorizationUrl, undefined);
    assert.equal(a.sessionUri, undefined);
  });

  test("scopes are checked against the provider", async () => {
    const t = await workloadToken(c, null);
    const err = await expectError(send(m2m(t, { scopes: ["read", "admin"] })), "ValidationException", 400, /Scope 'admin' is not allowed/);
    assert.deepEqual(err.fieldList.map((f) => f.name), ["scopes[1]"]);
  });

  test("wrong provider type or flow -> ValidationException; unknown provider -> 404", async () => {
    const t = await workloadToken(c, null);
    let err = await expectError(send(m2m(t, { resourceCredentialProviderName: "demo-user-provider" })), "ValidationException", 400, /does not support the M2M flow/);
    assert.deepEqual(err.fieldList.map((f) => f.name), ["oauth2Flow"]);
    err = await expectError(send(m2m(t, { resourceCredentialProviderName: "demo-apikey-provider" })), "ValidationException", 400, /API key provider/);
    await expectError(send(m2m(t, { resourceCredentialProviderName: "ghost" })), "ResourceNotFoundException", 404);
  });
});

describe("ON_BEHALF_OF_TOKEN_EXCHANGE", () => {
  test("needs a workload token from a JWT; accepts audiences and resources", async () => {
    const { workloadAccessToken } = await send(
      new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: jwt({ sub: "carol" }) }),
    );
    const out = await send(
      new sdk.GetResourceOauth2TokenCommand({
        workloadIdentityToken: workloadAccessToken,
        resourceCredentialProviderName: "demo-user-provider",
        scopes: ["api"],
        oauth2Flow: "ON_BEHALF_OF_TOKEN_EXCHANGE",
        audiences: ["https://api.example.com"],
        resources: ["https://api.example.com/orders"],
      }),
    );
    assert.match(out.accessToken, /^emu_at_/);
    const byUserId = await workloadToken(c, "carol");
    await expectError(
      send(
        new sdk.GetResourceOauth2TokenCommand({
          workloadIdentityToken: byUserId,
          resourceCredentialProviderName: "demo-user-provider",
          scopes: ["api"],
          oauth2Flow: "ON_BEHALF_OF_TOKEN_EXCHANGE",
        }),
      ),
      "ValidationException",
      400,
      /requires a workload access token obtained with GetWorkloadAccessTokenForJWT/,
    );
  });
});

describe("USER_FEDERATION", () => {
  test("full flow: session, consent page, Allow, redirect, binding, token, vault reuse", async () => {
    const t = await workloadToken(c, "alice");
    const returnUrl = "http://localhost:5173/callback?tab=1&x=a%20b";
    const first = await send(federation(t, { resourceOauth2ReturnUrl: returnUrl, customState: "st@te/1" }));
    assert.equal(first.sessionStatus, "IN_PROGRESS");
    assert.match(first.sessionUri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9\-._~]+$/);
    assert.equal(first.authorizationUrl, `${emu.url}/oauth2/authorize?request_uri=${encodeURIComponent(first.sessionUri)}`);
    assert.equal(first.accessToken, undefined);
    // The log never holds the customState (sensitive) nor the authorization URL.
    assert.ok(!JSON.stringify(emu.requests()).includes("st@te/1"));

    // Before consent: still in progress; completing is refused.
    const polled = await send(federation(t, { resourceOauth2ReturnUrl: returnUrl, sessionUri: first.sessionUri }));
    assert.equal(polled.sessionStatus, "IN_PROGRESS");
    assert.equal(polled.accessToken, undefined);
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: first.sessionUri, userIdentifier: { userId: "alice" } })),
      "ValidationException",
      400,
      /not authorized the session yet/,
    );

    const { html, res } = await consent(first.authorizationUrl, "allow");
    assert.match(html, /<html lang="en">/);
    assert.match(html, /demo-user-provider/);
    assert.match(html, /<code>openid<\/code>/);
    assert.match(html, /<code>profile<\/code>/);
    assert.equal(res.status, 302);
    const location = res.headers.get("location");
    assert.equal(
      location,
      `http://localhost:5173/callback?tab=1&x=a%20b&session_id=${encodeURIComponent(first.sessionUri)}&state=${encodeURIComponent("st@te/1")}`,
    );
    const loc = new URL(location);
    assert.equal(loc.searchParams.get("session_id"), first.sessionUri);
    assert.equal(loc.searchParams.get("state"), "st@te/1");
    assert.equal(loc.searchParams.get("tab"), "1");

    // Authorized, not yet bound.
    const beforeBind = await send(federation(t, { resourceOauth2ReturnUrl: returnUrl, sessionUri: first.sessionUri }));
    assert.equal(beforeBind.sessionStatus, "IN_PROGRESS");
    assert.equal(beforeBind.accessToken, undefined);

    // Binding by another user is refused, by the right one accepted.
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: first.sessionUri, userIdentifier: { userId: "mallory" } })),
      "AccessDeniedException",
      403,
      /does not match the user that initiated the session/,
    );
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: first.sessionUri, userIdentifier: { userToken: jwt({ sub: "mallory" }) } })),
      "AccessDeniedException",
      403,
    );
    const done = await send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: first.sessionUri, userIdentifier: { userId: "alice" } }));
    assert.equal(done.$metadata.httpStatusCode, 200);

    const tok = await send(federation(t, { resourceOauth2ReturnUrl: returnUrl, sessionUri: first.sessionUri }));
    assert.match(tok.accessToken, /^emu_at_/);
    assert.equal(tok.sessionUri, undefined);

    // Vault: same user/provider/scopes (any order) -> the same token, no new session.
    const again = await send(federation(t, { scopes: ["openid", "profile"] }));
    assert.equal(again.accessToken, tok.accessToken);
    assert.equal(again.authorizationUrl, undefined);
    // A fresh workload token for the same user also hits the vault.
    const t2 = await workloadToken(c, "alice");
    assert.equal((await send(federation(t2))).accessToken, tok.accessToken);
    // Another user, or other scopes, get a new session.
    const bob = await send(federation(await workloadToken(c, "bob")));
    assert.equal(bob.sessionStatus, "IN_PROGRESS");
    const otherScopes = await send(federation(t, { scopes: ["email"] }));
    assert.equal(otherScopes.sessionStatus, "IN_PROGRESS");

    // forceAuthentication starts a new session despite the vault.
    const forced = await send(federation(t, { forceAuthentication: true }));
    assert.equal(forced.sessionStatus, "IN_PROGRESS");
    assert.notEqual(forced.sessionUri, first.sessionUri);
    assert.ok(forced.authorizationUrl.includes(encodeURIComponent(forced.sessionUri)));
  });

  test("a JWT-bound session is completed with a JWT of the same sub (not a userId)", async () => {
    const { workloadAccessToken: t } = await send(
      new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: jwt({ sub: "dave" }) }),
    );
    const s = await send(federation(t));
    const { res } = await consent(s.authorizationUrl, "allow");
    assert.equal(res.status, 302);
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: s.sessionUri, userIdentifier: { userId: "dave" } })),
      "AccessDeniedException",
      403,
    );
    await send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: s.sessionUri, userIdentifier: { userToken: jwt({ sub: "dave", iat: 1 }) } }));
    const out = await send(federation(t, { sessionUri: s.sessionUri }));
    assert.match(out.accessToken, /^emu_at_/);
  });

  test("Deny -> redirect with error=access_denied, session FAILED", async () => {
    const t = await workloadToken(c, "erin");
    const s = await send(federation(t, { customState: "xyz" }));
    const { res } = await consent(s.authorizationUrl, "deny");
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get("location"));
    assert.equal(`${loc.origin}${loc.pathname}`, RETURN_URL);
    assert.equal(loc.searchParams.get("session_id"), s.sessionUri);
    assert.equal(loc.searchParams.get("state"), "xyz");
    assert.equal(loc.searchParams.get("error"), "access_denied");
    assert.ok(loc.searchParams.get("error_description").length > 0);
    const after = await send(federation(t, { sessionUri: s.sessionUri }));
    assert.deepEqual({ sessionUri: after.sessionUri, sessionStatus: after.sessionStatus, accessToken: after.accessToken }, {
      sessionUri: s.sessionUri,
      sessionStatus: "FAILED",
      accessToken: undefined,
    });
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: s.sessionUri, userIdentifier: { userId: "erin" } })),
      "ValidationException",
      400,
      /denied/,
    );
    // The page cannot be answered twice.
    const page = await fetch(s.authorizationUrl);
    assert.equal(page.status, 409);
    await page.text();
  });

  test("without state, the redirect carries only session_id", async () => {
    const t = await workloadToken(c, "frank");
    const s = await send(federation(t, { resourceOauth2ReturnUrl: "http://127.0.0.1:9999/done" }));
    const { res } = await consent(s.authorizationUrl, "allow");
    assert.equal(res.headers.get("location"), `http://127.0.0.1:9999/done?session_id=${encodeURIComponent(s.sessionUri)}`);
  });

  test("session expiry: FAILED on poll, 'expired' page, CompleteResourceTokenAuth 404", async () => {
    const t = await workloadToken(c, "gina");
    const s = await send(federation(t));
    const r = await admin(emu, "POST", "/__emulator/sessions/expire", {});
    assert.equal(r.status, 200);
    assert.ok(r.body.expired >= 1);
    const polled = await send(federation(t, { sessionUri: s.sessionUri }));
    assert.equal(polled.sessionStatus, "FAILED");
    const page = await fetch(s.authorizationUrl);
    assert.equal(page.status, 410);
    assert.match(await page.text(), /expired/);
    const post = await fetch(`${emu.url}/oauth2/authorize`, {
      method: "POST",
      body: new URLSearchParams({ request_uri: s.sessionUri, decision: "allow" }),
      redirect: "manual",
    });
    assert.equal(post.status, 410);
    await post.text();
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: s.sessionUri, userIdentifier: { userId: "gina" } })),
      "ResourceNotFoundException",
      404,
    );
  });

  test("an authorized but unbound session also expires (programmatic expireSessions)", async () => {
    const t = await workloadToken(c, "hank");
    const s = await send(federation(t));
    await consent(s.authorizationUrl, "allow");
    assert.equal(emu.expireSessions(), 1);
    assert.equal((await send(federation(t, { sessionUri: s.sessionUri }))).sessionStatus, "FAILED");
  });

  test("unknown session -> 404; a session polled by another user -> 403", async () => {
    const t = await workloadToken(c, "ivan");
    await expectError(
      send(federation(t, { sessionUri: "urn:ietf:params:oauth:request_uri:doesnotexist" })),
      "ResourceNotFoundException",
      404,
    );
    await expectError(
      send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: "urn:ietf:params:oauth:request_uri:doesnotexist", userIdentifier: { userId: "ivan" } })),
      "ResourceNotFoundException",
      404,
    );
    const s = await send(federation(t));
    await expectError(send(federation(await workloadToken(c, "judy"), { sessionUri: s.sessionUri })), "AccessDeniedException", 403);
  });

  test("return URL not registered for the workload -> ValidationException; missing -> ValidationException", async () => {
    const t = await workloadToken(c, "kim");
    for (const url of ["https://evil.example.com/cb", "http://localhost.evil.example/cb", "http://localhost:1@evil.example/"]) {
      const err = await expectError(send(federation(t, { resourceOauth2ReturnUrl: url })), "ValidationException", 400, /return URL is not registered for the workload identity/);
      assert.deepEqual(err.fieldList.map((f) => f.name), ["resourceOauth2ReturnUrl"]);
    }
    const err = await expectError(send(federation(t, { resourceOauth2ReturnUrl: undefined })), "ValidationException", 400, /resourceOauth2ReturnUrl is required/);
    assert.deepEqual(err.fieldList.map((f) => f.name), ["resourceOauth2ReturnUrl"]);
    // Registered for a different workload only.
    const other = (await send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: "other-workload", userId: "kim" }))).workloadAccessToken;
    const ok = await send(federation(other, { resourceOauth2ReturnUrl: "https://app.example.com/cb" }));
    assert.equal(ok.sessionStatus, "IN_PROGRESS");
    await expectError(send(federation(other)), "ValidationException", 400, /not registered/);
  });

  test("needs a user-bound workload token; M2M-only providers refused", async () => {
    const t = await workloadToken(c, null);
    const err = await expectError(send(federation(t)), "ValidationException", 400, /requires a workload access token bound to a user/);
    assert.deepEqual(err.fieldList.map((f) => f.name), ["workloadIdentityToken"]);
    const u = await workloadToken(c, "lee");
    await expectError(
      send(federation(u, { resourceCredentialProviderName: "demo-m2m-provider", scopes: ["read"] })),
      "ValidationException",
      400,
      /does not support the USER_FEDERATION flow/,
    );
  });

  test("consent page: unknown session 404, missing request_uri 400, bad decision 400, HTML escaped", async () => {
    let r = await fetch(`${emu.url}/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Anope`);
    assert.equal(r.status, 404);
    await r.text();
    r = await fetch(`${emu.url}/oauth2/authorize`);
    assert.equal(r.status, 400);
    await r.text();
    const t = await workloadToken(c, "<script>alert(1)</script>");
    const s = await send(federation(t));
    r = await fetch(s.authorizationUrl);
    const html = await r.text();
    assert.ok(!html.includes("<script>alert(1)</script>"));
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.match(r.headers.get("content-security-policy"), /default-src 'none'/);
    r = await fetch(`${emu.url}/oauth2/authorize`, {
      method: "POST",
      body: new URLSearchParams({ request_uri: s.sessionUri, decision: "maybe" }),
      redirect: "manual",
    });
    assert.equal(r.status, 400);
    await r.text();
  });
});

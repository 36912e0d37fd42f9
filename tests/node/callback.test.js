// customState, the redirect callback, and the whole user-federation flow against the emulator.
import assert from "node:assert/strict";
import { test } from "node:test";
import { submitConsent } from "../../emulator/consent.js";
import { clientFor, emulator, pkg, rejection, RETURN_URL, WORKLOAD } from "./helpers.js";

const SECRET = "callback-test-secret-0123456789abcdef";
const SESSION = "urn:ietf:params:oauth:request_uri:abc-123";
// The real clock: the single-use store refuses expiries in its past.
const NOW = Date.now();

function url(params) {
  const u = new URL(RETURN_URL);
  for (const [k, v] of params) u.searchParams.append(k, v);
  return u;
}

async function code(promise) {
  const e = await rejection(promise);
  assert.ok(e instanceof pkg.CallbackError, `${e?.name}: ${e?.message}`);
  assert.ok(e instanceof Error);
  return e.code;
}

test("createCustomState: URL-safe, bounded, unpredictable, binding not readable", async () => {
  const a = await pkg.createCustomState({ secret: SECRET, binding: "alice@example.com" });
  const b = await pkg.createCustomState({ secret: SECRET, binding: "alice@example.com" });
  assert.match(a, /^[A-Za-z0-9._~-]+$/);
  assert.ok(a.length <= 4096);
  assert.notEqual(a, b);
  assert.ok(!Buffer.from(a, "base64url").toString("latin1").includes("alice"));
  const weak = await rejection(pkg.createCustomState({ secret: "short" }));
  assert.ok(weak instanceof pkg.ConfigurationError);
  assert.ok(!weak.message.includes("short"));
});

test("a valid callback, from a URL, a Request, URLSearchParams and a string", async () => {
  for (const make of [(u) => u, (u) => new Request(u), (u) => u.searchParams, (u) => u.href, (u) => u.search]) {
    const state = await pkg.createCustomState({ secret: SECRET, binding: "alice", now: NOW });
    const result = await pkg.handleOauth2Callback(make(url([["session_id", SESSION], ["state", state]])), {
      stateSecret: SECRET,
      binding: "alice",
      now: NOW + 1000,
    });
    assert.deepEqual(result, { sessionUri: SESSION, customState: state, completed: false });
  }
});

test("every CallbackError code, in the fixed order", async () => {
  const state = () => pkg.createCustomState({ secret: SECRET, binding: "alice", now: NOW });
  const opts = { stateSecret: SECRET, binding: "alice", now: NOW + 1000 };
  const s = await state();

  assert.equal(await code(pkg.handleOauth2Callback(url([["state", s], ["state", s], ["session_id", SESSION]]), opts)), "parameter_duplicated");
  // A duplicate is refused even before the missing expectation.
  assert.equal(await code(pkg.handleOauth2Callback(url([["x", "1"], ["x", "2"]]), {})), "parameter_duplicated");
  assert.equal(await code(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), {})), "expectation_missing");
  assert.equal(await code(pkg.handleOauth2Callback(url([["session_id", SESSION]]), opts)), "state_missing");
  assert.equal(await code(pkg.handleOauth2Callback(url([["state", ""], ["session_id", SESSION]]), opts)), "state_missing");
  // Forged, tampered, wrong secret, foreign binding: all a mismatch.
  const flip = (str, i) => str.slice(0, i) + (str[i] === "A" ? "B" : "A") + str.slice(i + 1);
  for (const [st, o] of [
    ["forged-state", opts],
    [flip(s, 0), opts],
    [flip(s, 20), opts],
    [flip(s, s.length - 1), opts],
    [await state(), { ...opts, stateSecret: "another-secret-0123456789abcdefghij" }],
    [await state(), { ...opts, binding: "mallory" }],
  ]) {
    assert.equal(await code(pkg.handleOauth2Callback(url([["state", st], ["session_id", SESSION]]), o)), "state_mismatch");
  }
  assert.equal(await code(pkg.handleOauth2Callback(url([["state", await state()], ["session_id", SESSION]]), { ...opts, now: NOW + 600_000 })), "state_expired");
  // The state is checked before the error: a forged state with error=... is a mismatch.
  assert.equal(await code(pkg.handleOauth2Callback(url([["error", "access_denied"], ["state", "forged"]]), opts)), "state_mismatch");
  const denied = await rejection(pkg.handleOauth2Callback(url([["error", "access_denied"], ["error_description", "The user said no"], ["state", await state()]]), opts));
  assert.equal(denied.code, "authorization_denied");
  assert.equal(denied.error, "access_denied");
  assert.equal(denied.errorDescription, "The user said no");
  assert.equal(await code(pkg.handleOauth2Callback(url([["state", await state()]]), opts)), "session_id_missing");
  assert.equal(await code(pkg.handleOauth2Callback(url([["state", await state()], ["session_id", "https://evil.example/session"]]), opts)), "session_id_invalid");
});

test("replay is refused by the default single-use store", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "bob" });
  const cb = url([["state", s], ["session_id", SESSION]]);
  await pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "bob" });
  assert.equal(await code(pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "bob" })), "state_replayed");
  // A custom store is used instead when given.
  const seen = [];
  const store = { consume: async (nonce, exp) => (seen.push([nonce, exp]), seen.length === 1) };
  const s2 = await pkg.createCustomState({ secret: SECRET });
  const cb2 = url([["state", s2], ["session_id", SESSION]]);
  await pkg.handleOauth2Callback(cb2, { stateSecret: SECRET, stateStore: store });
  assert.equal(await code(pkg.handleOauth2Callback(cb2, { stateSecret: SECRET, stateStore: store })), "state_replayed");
  assert.equal(seen.length, 2);
  assert.equal(seen[0][0], seen[1][0]);
  assert.ok(!seen[0][0].includes(s2) && seen[0][0].length < s2.length, "the store gets the nonce, not the state");
});

test("a state the app stored is compared exactly and used once", async () => {
  const stored = "app-stored-state-0001234";
  const cb = url([["state", stored], ["session_id", SESSION]]);
  const issued = Date.now();
  const r = await pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued });
  assert.equal(r.customState, stored);
  assert.equal(await code(pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued })), "state_replayed");
  assert.equal(
    await code(pkg.handleOauth2Callback(url([["state", "app-stored-state-0001235"], ["session_id", SESSION]]), { expectedState: stored, expectedStateIssuedAt: issued })),
    "state_mismatch",
  );
  // Without its issue time, a stored state is refused with a message that names it, and no word
  // of a default.
  const missing = await pkg.handleOauth2Callback(cb, { expectedState: stored }).then(() => assert.fail("resolved"), (e) => e);
  assert.equal(missing.name, "ConfigurationError");
  assert.match(missing.message, /^expectedStateIssuedAt must be a positive, finite number of milliseconds since the epoch$/);
});

test("no CallbackError message contains the state, the secret or the session", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "carol", now: NOW });
  const cases = [
    [url([["state", s], ["state", s]]), { stateSecret: SECRET }],
    [url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "x" }],
    [url([["state", s], ["session_id", "bad session"]]), { stateSecret: SECRET, binding: "carol", now: NOW }],
    [url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "carol", now: NOW + 1e9 }],
  ];
  for (const [cb, o] of cases) {
    const e = await rejection(pkg.handleOauth2Callback(cb, o));
    for (const secret of [s, SECRET, SESSION, "bad session"]) {
      assert.ok(!e.message.includes(secret) && !String(e.stack).includes(secret), e.code);
    }
  }
});

/** Submits the emulator's consent form; returns the redirect's Location. */
async function consent(authorizationUrl, decision) {
  const { pageStatus, html, status, location } = await submitConsent(authorizationUrl, decision);
  assert.equal(pageStatus, 200);
  assert.match(html, /<button type="submit" name="decision" value="allow">/);
  assert.equal(status, 302);
  return /** @type {URL} */ (location);
}

async function federationSetup(t, userId = "alice") {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const { workloadAccessToken } = await client.getWorkloadAccessTokenForUserId({ workloadName: WORKLOAD, userId });
  const customState = await pkg.createCustomState({ secret: SECRET, binding: userId });
  const input = {
    workloadIdentityToken: workloadAccessToken,
    resourceCredentialProviderName: "demo-user-provider",
    scopes: ["profile"],
    oauth2Flow: "USER_FEDERATION",
    resourceOauth2ReturnUrl: RETURN_URL,
    customState,
  };
  return { emu, client, input, customState };
}

test("USER_FEDERATION end to end: authorize, consent, callback, binding, token, then the vault", async (t) => {
  const { client, input } = await federationSetup(t);
  let callback;
  const out = await client.getResourceOauth2TokenOrAuthorize(input, {
    pollIntervalMs: 50,
    async onAuthorizationUrl(authorizationUrl, { sessionUri }) {
      assert.match(sessionUri, /^urn:ietf:params:oauth:request_uri:/);
      callback = await consent(authorizationUrl, "allow");
      assert.equal(callback.searchParams.get("session_id"), sessionUri);
      const result = await pkg.handleOauth2Callback(callback, {
        stateSecret: SECRET,
        binding: "alice",
        client,
        userIdentifier: { userId: "alice" },
      });
      assert.deepEqual(result, { sessionUri, customState: input.customState, completed: true });
    },
  });
  assert.equal(typeof out.accessToken, "string");
  assert.ok(callback, "the consent ran");
  // Later calls get the token from the vault, without a new session.
  const again = await client.getResourceOauth2Token({ ...input, customState: undefined });
  assert.equal(again.accessToken, out.accessToken);
});

test("binding the session as another user is refused", async (t) => {
  const { client, input } = await federationSetup(t, "alice");
  const first = await client.getResourceOauth2Token(input);
  const cb = await consent(first.authorizationUrl, "allow");
  const err = await rejection(
    pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "alice", client, userIdentifier: { userId: "mallory" } }),
  );
  assert.ok(err instanceof pkg.AccessDeniedException, err.name);
  const poll = await client.getResourceOauth2Token({ ...input, sessionUri: first.sessionUri });
  assert.equal(poll.accessToken, undefined, "no token for an unbound session");
});

test("a denied consent makes the session FAILED and ends the poll at once", async (t) => {
  const { client, input } = await federationSetup(t);
  const started = Date.now();
  const err = await rejection(
    client.getResourceOauth2TokenOrAuthorize(input, {
      pollIntervalMs: 100,
      async onAuthorizationUrl(authorizationUrl) {
        const cb = await consent(authorizationUrl, "deny");
        const denied = await rejection(pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "alice" }));
        assert.equal(denied.code, "authorization_denied");
      },
    }),
  );
  assert.ok(err instanceof pkg.AuthorizationFlowError);
  assert.equal(err.code, "session_failed");
  assert.ok(Date.now() - started < 2000, "stopped at the first poll");
});

test("abort during the poll rejects with the reason", async (t) => {
  const { client, input } = await federationSetup(t);
  const controller = new AbortController();
  const pending = rejection(
    client.getResourceOauth2TokenOrAuthorize(input, {
      pollIntervalMs: 5000,
      signal: controller.signal,
      onAuthorizationUrl() {
        setTimeout(() => controller.abort(new Error("user left")), 50);
      },
    }),
  );
  const started = Date.now();
  const err = await pending;
  assert.equal(err.message, "user left");
  assert.ok(Date.now() - started < 1000);
});

test("the poll times out with a typed error", async (t) => {
  const { client, input } = await federationSetup(t);
  const err = await rejection(client.getResourceOauth2TokenOrAuthorize(input, { pollIntervalMs: 30, timeoutMs: 200, onAuthorizationUrl() {} }));
  assert.ok(err instanceof pkg.AuthorizationFlowError);
  assert.equal(err.code, "timeout");
});

test("consent without the callback's binding never completes: the timeout says the callback must bind the session", async (t) => {
  const { client, input } = await federationSetup(t);
  let consented = false;
  const err = await rejection(
    client.getResourceOauth2TokenOrAuthorize(input, {
      pollIntervalMs: 30,
      timeoutMs: 1500,
      async onAuthorizationUrl(authorizationUrl) {
        // The user allows, but the callback route never runs handleOauth2Callback with the client.
        await consent(authorizationUrl, "allow");
        consented = true;
      },
    }),
  );
  assert.ok(consented);
  assert.ok(err instanceof pkg.AuthorizationFlowError);
  assert.equal(err.code, "timeout");
  assert.match(err.message, /the session completes only when the callback binds it/);
  assert.match(err.message, /handleOauth2Callback/);
});

test("an expired session fails the poll", async (t) => {
  const { emu, client, input } = await federationSetup(t);
  const err = await rejection(
    client.getResourceOauth2TokenOrAuthorize(input, {
      pollIntervalMs: 30,
      onAuthorizationUrl(_url, { sessionUri }) {
        emu.expireSessions(sessionUri);
      },
    }),
  );
  assert.ok(err instanceof pkg.AuthorizationFlowError || err instanceof pkg.AgentCoreServiceException, err.name);
});

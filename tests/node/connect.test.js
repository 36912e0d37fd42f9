// agentcore-identity-edge/connect under Node 20: the routes behind a node:http adapter, against the
// emulator. The whole flow (sign-in, connect, consent, callback page, connections, token route),
// each refusal, CORS, and a scan of every response for the AWS secret key, the workload tokens and
// the customStates. Then every option check.
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { allow, assertNoSecrets, authenticate, browser, emulator, jwt, packages, pageMessage, recordingClient, serve, STATE_SECRET, WORKLOAD } from "./connect-helpers.js";
import { polluted } from "./helpers.js";

const { pkg, connect } = await packages();
const CONSOLE = "https://console.example";
const FOREIGN = "https://evil.example";

/**
 * The routes (two providers on the emulator's user-federation provider, by scope) and a second
 * instance under /exposed with exposeAccessTokens, served together.
 */
async function setup(t, extra = {}) {
  const emu = await emulator(t);
  const { client, workloadTokens } = recordingClient(pkg, emu);
  const options = {
    client,
    workloadName: WORKLOAD,
    providers: {
      docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] },
      mail: { resourceCredentialProviderName: "demo-user-provider", scopes: ["mail.read"], customParameters: { prompt: "consent" } },
    },
    stateSecret: STATE_SECRET,
    stateStore: new pkg.InMemoryStateStore(),
    authenticate,
    allowedOrigins: [CONSOLE],
    ...extra,
  };
  const routes = connect.createConnectRoutes(options);
  const exposed = connect.createConnectRoutes({ ...options, basePath: "/exposed", exposeAccessTokens: true });
  const { origin } = await serve(t, [(r) => routes.handle(r), (r) => exposed.handle(r)]);
  const b = browser(origin);
  const customStates = new Set();
  /** Connect `provider` for the cookie's user and allow the consent; the callback's path and query. */
  const consented = async (cookie, provider = "docs", base = "/agentcore") => {
    const r = await b.post(`${base}/connect/${provider}`, cookie);
    assert.equal(r.status, 200, r.body);
    const out = r.json();
    assert.equal(out.status, "authorization_required");
    assert.equal(out.provider, provider);
    const location = await allow(out.authorizationUrl);
    customStates.add(location.searchParams.get("state"));
    assert.equal(location.origin, origin);
    return location.pathname + location.search;
  };
  const connected = async (cookie) => Object.fromEntries((await b.call("/agentcore/connections", { cookie })).json().connections.map((c) => [c.provider, c.connected]));
  const secrets = () => [emu.credentials.secretAccessKey, ...workloadTokens, ...customStates];
  return { emu, routes, exposed, origin, b, consented, connected, secrets, options, workloadTokens };
}

test("the flow: connect, consent, callback page, connections, token route; nothing secret in any response", async (t) => {
  const { origin, b, consented, connected, secrets, workloadTokens } = await setup(t);
  const alice = "test_user=alice";

  const list = await b.call("/agentcore/connections", { cookie: alice });
  assert.equal(list.status, 200);
  assert.match(list.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(list.json(), { connections: [{ provider: "docs", connected: false }, { provider: "mail", connected: false }] });

  const callback = await consented(alice, "docs");
  assert.match(callback, /^\/agentcore\/callback\?/);
  const page = await b.call(callback, { cookie: alice });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html/);
  const csp = page.headers.get("content-security-policy");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /base-uri 'none'/);
  assert.match(csp, /form-action 'none'/);
  const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  assert.ok(nonce, "the script is allowed by nonce only");
  assert.ok(page.body.includes(`<script nonce="${nonce}">`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers.get("referrer-policy"), "no-referrer");
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  const { message, origins } = pageMessage(page.body);
  assert.deepEqual(message, { type: "agentcore-identity-edge:connect", status: "connected", provider: "docs" });
  assert.deepEqual(origins, [origin, CONSOLE]);
  assert.match(page.body, /Your docs account is connected/);

  assert.deepEqual(await connected(alice), { docs: true, mail: false });
  // Connecting again: the vault has the token.
  assert.deepEqual((await b.post("/agentcore/connect/docs", alice)).json(), { provider: "docs", status: "connected" });

  // The token route: 404 unless exposeAccessTokens, then the token.
  const hidden = await b.post("/agentcore/token/docs", alice);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.json().error.code, "not_found");
  const token = await b.post("/exposed/token/docs", alice);
  assert.equal(token.status, 200);
  const { provider, accessToken } = token.json();
  assert.equal(provider, "docs");
  assert.match(accessToken, /^emu_at_/);
  // Not connected yet for mail: the token route starts the flow.
  const mail = (await b.post("/exposed/token/mail", alice)).json();
  assert.equal(mail.status, "authorization_required");
  assert.match(mail.authorizationUrl, /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?/);

  // cache-control: no-store and nosniff on every response the routes gave.
  for (const r of b.seen) {
    const h = new Map(r.headers);
    assert.equal(h.get("cache-control"), "no-store", r.url);
    assert.equal(h.get("x-content-type-options"), "nosniff", r.url);
  }
  assert.ok(workloadTokens.size >= 2);
  assertNoSecrets(b.seen, secrets());
  // The access token is only in the token route's answer.
  assertNoSecrets(b.seen.filter((r) => !r.url.endsWith("/exposed/token/docs")), [accessToken]);
});

test("a user's token (userToken): GetWorkloadAccessTokenForJWT, and the session bound with the same token", async (t) => {
  const { b, consented, connected, secrets } = await setup(t);
  const cookie = `test_jwt=${jwt("carol")}`;
  const callback = await consented(cookie, "mail");
  const page = await b.call(callback, { cookie });
  assert.equal(page.status, 200, page.body);
  assert.deepEqual(pageMessage(page.body).message, { type: "agentcore-identity-edge:connect", status: "connected", provider: "mail" });
  assert.deepEqual(await connected(cookie), { docs: false, mail: true });
  // Another token for another subject is another user.
  assert.deepEqual(await connected(`test_jwt=${jwt("dave")}`), { docs: false, mail: false });
  // The callback needs the token the flow started with: a refreshed token (same subject) is refused.
  const first = `test_jwt=${jwt("erin", { jti: "1" })}`;
  const refreshed = `test_jwt=${jwt("erin", { jti: "2" })}`;
  const erinCallback = await consented(first, "docs");
  const refused = await b.call(erinCallback, { cookie: refreshed });
  assert.equal(refused.status, 400);
  assert.equal(pageMessage(refused.body).message.code, "state_mismatch");
  assert.equal((await b.call(erinCallback, { cookie: first })).status, 200);
  assertNoSecrets(b.seen, [...secrets(), cookie.slice("test_jwt=".length), first.slice("test_jwt=".length)]);
});

test("refused: a replayed callback; user B's callback in user A's browser (B stays not connected)", async (t) => {
  const { b, consented, connected, secrets } = await setup(t);
  const alice = "test_user=alice";
  const bob = "test_user=bob";

  const aliceCallback = await consented(alice);
  assert.equal((await b.call(aliceCallback, { cookie: alice })).status, 200);
  const replay = await b.call(aliceCallback, { cookie: alice });
  assert.equal(replay.status, 409);
  assert.deepEqual(pageMessage(replay.body).message, {
    type: "agentcore-identity-edge:connect",
    status: "error",
    code: "state_replayed",
    message: "this callback was already used",
    provider: "docs",
  });
  assert.match(replay.body, /was not connected/);

  const bobCallback = await consented(bob);
  const crossed = await b.call(bobCallback, { cookie: alice });
  assert.equal(crossed.status, 400);
  const { message } = pageMessage(crossed.body);
  assert.equal(message.code, "state_mismatch");
  assert.equal(message.provider, undefined);
  assert.deepEqual(await connected(bob), { docs: false, mail: false });
  // Without a session the callback is refused too, and burns nothing.
  const anonymous = await b.call(bobCallback);
  assert.equal(anonymous.status, 401);
  assert.equal(pageMessage(anonymous.body).message.code, "unauthenticated");
  assert.deepEqual(await connected(bob), { docs: false, mail: false });
  // The mismatch consumed nothing: in Bob's own browser his callback completes.
  assert.equal((await b.call(bobCallback, { cookie: bob })).status, 200);
  assert.deepEqual(await connected(bob), { docs: true, mail: false });

  // A denied consent: the page says so, the provider stays not connected.
  const r = (await b.post("/agentcore/connect/mail", bob)).json();
  const denied = await allow(r.authorizationUrl, "deny");
  const page = await b.call(denied.pathname + denied.search, { cookie: bob });
  assert.equal(page.status, 403);
  assert.equal(pageMessage(page.body).message.code, "authorization_denied");
  assert.deepEqual(await connected(bob), { docs: true, mail: false });
  // A callback with no state at all.
  const bare = await b.call("/agentcore/callback?session_id=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Ax", { cookie: bob });
  assert.equal(bare.status, 400);
  assert.equal(pageMessage(bare.body).message.code, "state_missing");
  assertNoSecrets(b.seen, secrets());
});

test("refused: no session (401), a foreign Origin, Origin: null, no Origin (403), a form post (415)", async (t) => {
  const { b, origin } = await setup(t);
  const alice = "test_user=alice";
  const code = async (r) => [r.status, r.json().error.code];

  assert.deepEqual(await code(await b.call("/agentcore/connections")), [401, "unauthenticated"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs")), [401, "unauthenticated"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { headers: { origin: FOREIGN } })), [403, "origin_refused"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { headers: { origin: "null" } })), [403, "origin_refused"]);
  assert.deepEqual(await code(await b.call("/agentcore/connect/docs", { method: "POST", cookie: alice, body: "{}", headers: { "content-type": "application/json" } })), [403, "origin_refused"]);
  assert.deepEqual(await code(await b.post("/exposed/token/docs", alice, { headers: { origin: FOREIGN } })), [403, "origin_refused"]);
  // A form post, and text/plain (what a cross-site form or a no-cors fetch can send).
  const form = await b.call("/agentcore/connect/docs", { method: "POST", cookie: alice, body: "a=1", headers: { origin, "content-type": "application/x-www-form-urlencoded" } });
  assert.deepEqual(await code(form), [415, "unsupported_media_type"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { headers: { "content-type": "text/plain" } })), [415, "unsupported_media_type"]);
  // The allowed console origin passes the Origin check.
  assert.equal((await b.post("/agentcore/connect/docs", alice, { headers: { origin: CONSOLE } })).json().status, "authorization_required");
  // A body that is not a JSON object; one too large.
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { body: "[]" })), [400, "invalid_body"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { body: "{" })), [400, "invalid_body"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs", alice, { body: JSON.stringify({ pad: "x".repeat(5000) }) })), [413, "body_too_large"]);
  // A user id in the body or the query is not a sign-in.
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs?userId=alice", undefined, { body: JSON.stringify({ userId: "alice" }) })), [401, "unauthenticated"]);
  // Unknown provider, unknown route, wrong method; a path outside basePath is the app's.
  assert.deepEqual(await code(await b.post("/agentcore/connect/nope", alice)), [404, "unknown_provider"]);
  assert.deepEqual(await code(await b.post("/agentcore/connect/docs/x", alice)), [404, "not_found"]);
  assert.deepEqual(await code(await b.call("/agentcore/nope", { cookie: alice })), [404, "not_found"]);
  const get = await b.call("/agentcore/connect/docs", { cookie: alice });
  assert.deepEqual(await code(get), [405, "method_not_allowed"]);
  assert.equal(get.headers.get("allow"), "POST");
  assert.deepEqual(await code(await b.post("/agentcore/connections", alice)), [405, "method_not_allowed"]);
  const app = await b.call("/agentcorex/connections", { cookie: alice });
  assert.equal(app.body, "app");
  for (const r of b.seen.filter((r) => !r.url.includes("/agentcorex/"))) assert.equal(new Map(r.headers).get("cache-control"), "no-store");
});

test("CORS: a grant with credentials for allowedOrigins only, preflight included", async (t) => {
  const { b } = await setup(t);
  const alice = "test_user=alice";
  const granted = await b.call("/agentcore/connections", { cookie: alice, headers: { origin: CONSOLE } });
  assert.equal(granted.headers.get("access-control-allow-origin"), CONSOLE);
  assert.equal(granted.headers.get("access-control-allow-credentials"), "true");
  assert.match(granted.headers.get("vary"), /Origin/);
  // Errors carry the grant too, so the console can read them.
  const refused = await b.call("/agentcore/connections", { headers: { origin: CONSOLE } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get("access-control-allow-origin"), CONSOLE);

  for (const origin of [FOREIGN, "null"]) {
    const r = await b.call("/agentcore/connections", { cookie: alice, headers: { origin } });
    assert.equal(r.headers.get("access-control-allow-origin"), null);
    assert.equal(r.headers.get("access-control-allow-credentials"), null);
  }
  const own = await b.call("/agentcore/connections", { cookie: alice });
  assert.equal(own.headers.get("access-control-allow-origin"), null);

  const preflight = (origin, path = "/agentcore/connect/docs") =>
    b.call(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
  const ok = await preflight(CONSOLE);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), CONSOLE);
  assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
  assert.equal(ok.headers.get("access-control-allow-methods"), "POST");
  assert.equal(ok.headers.get("access-control-allow-headers"), "content-type");
  assert.equal(ok.headers.get("cache-control"), "no-store");
  assert.equal((await preflight(CONSOLE, "/agentcore/connections")).headers.get("access-control-allow-methods"), "GET");
  for (const origin of [FOREIGN, "null"]) {
    const no = await preflight(origin);
    assert.equal(no.status, 403);
    assert.equal(no.headers.get("access-control-allow-origin"), null);
    assert.equal(no.headers.get("access-control-allow-methods"), null);
  }
  // The token route does not exist without exposeAccessTokens, preflight or not.
  assert.equal((await preflight(CONSOLE, "/agentcore/token/docs")).status, 404);
});

test("origin: behind a proxy, the public origin is the one checked and the one the callback URL uses", async (t) => {
  const PUBLIC = "http://localhost:8443";
  const { b } = await setup(t, { origin: PUBLIC });
  const alice = "test_user=alice";
  // The request's own origin (the proxy's upstream) is not the routes' origin.
  const upstream = await b.post("/agentcore/connect/docs", alice);
  assert.equal(upstream.status, 403);
  assert.equal(upstream.json().error.code, "origin_refused");
  const ok = await b.post("/agentcore/connect/docs", alice, { headers: { origin: PUBLIC } });
  assert.equal(ok.status, 200, ok.body);
  const location = await allow(ok.json().authorizationUrl);
  assert.equal(location.origin, PUBLIC);
  assert.equal(location.pathname, "/agentcore/callback");
  const page = await b.call(location.pathname + location.search, { cookie: alice });
  assert.equal(page.status, 200);
  assert.deepEqual(pageMessage(page.body).origins, [PUBLIC, CONSOLE]);
});

test("startConnect: the server starts a flow and shows the link; its callback lands on the routes", async (t) => {
  const { b, routes, origin, options, connected } = await setup(t);
  await assert.rejects(routes.startConnect({ user: { userId: "erin" }, provider: "docs" }), { name: "ConfigurationError", message: /origin/ });
  const out = await routes.startConnect({ user: { userId: "erin" }, provider: "docs", origin });
  assert.equal(out.status, "authorization_required");
  const location = await allow(out.authorizationUrl);
  assert.equal((await b.call(location.pathname + location.search, { cookie: "test_user=erin" })).status, 200);
  assert.deepEqual(await connected("test_user=erin"), { docs: true, mail: false });
  // The exported function: the options, then the user and the provider.
  assert.deepEqual(await connect.startConnect({ ...options, origin }, { user: { userId: "erin" }, provider: "docs" }), { provider: "docs", status: "connected" });
  await assert.rejects(connect.startConnect({ ...options, origin }, { user: { userId: "erin" }, provider: "nope" }), { name: "ConfigurationError", message: /provider/ });
  await assert.rejects(connect.startConnect({ ...options, origin }, { user: null, provider: "docs" }), { name: "ConfigurationError" });
  await assert.rejects(connect.startConnect({ ...options, stateSecret: "short" }, { user: { userId: "erin" }, provider: "docs" }), { name: "ConfigurationError", message: /stateSecret/ });
});

test("handle never throws: a wrong argument, a sign-in that throws or answers nonsense, a service error", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const base = { client, workloadName: WORKLOAD, providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["s"] } }, stateSecret: STATE_SECRET, stateStore: new pkg.InMemoryStateStore(), authenticate };
  const routes = connect.createConnectRoutes(base);
  for (const bad of [undefined, null, "http://x/agentcore/connections", {}, { url: 5 }, new URL("http://x/agentcore/connections"), { url: "http://x/agentcore/connections", method: "GET" }]) {
    const r = await routes.handle(bad);
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { error: { code: "internal_error", message: "handle takes a Request" } });
  }
  const get = (path, headers = {}) => new Request(`http://127.0.0.1/agentcore${path}`, { headers: { cookie: "test_user=alice", ...headers } });
  assert.equal(await routes.handle(new Request("http://127.0.0.1/elsewhere")), null);

  const SECRET_TEXT = "do-not-show-this-0123456789";
  for (const answer of [() => { throw new Error(SECRET_TEXT); }, () => Promise.reject(new Error(SECRET_TEXT)), () => ({ userId: "" }), () => ({ userId: "a", userToken: "b" }), () => "alice", () => ({ userId: 5 }), () => ({})]) {
    const r = await connect.createConnectRoutes({ ...base, authenticate: answer }).handle(get("/connections"));
    assert.equal(r.status, 500);
    const text = await r.text();
    assert.equal(JSON.parse(text).error.code, "internal_error");
    assert.ok(!text.includes(SECRET_TEXT));
  }
  // An inherited userId is not a user.
  const inherited = await connect.createConnectRoutes({ ...base, authenticate: () => Object.create({ userId: "alice" }) }).handle(get("/connections"));
  assert.equal(inherited.status, 500);

  // A workload the service does not know: a service error, by its name only, mapped to a status.
  const unknown = await connect.createConnectRoutes({ ...base, workloadName: "no-such-workload" }).handle(get("/connections"));
  assert.equal(unknown.status, 404);
  const body = await unknown.text();
  assert.deepEqual(JSON.parse(body).error.code, "not_found");
  assert.doesNotMatch(body, /no-such-workload|stack|at /);
  // The service out of reach.
  const down = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: emu.credentials, maxAttempts: 1 });
  const unreachable = await connect.createConnectRoutes({ ...base, client: down }).handle(get("/connections"));
  assert.equal(unreachable.status, 503);
  assert.equal((await unreachable.json()).error.code, "service_unavailable");
  // A store that fails: the callback is refused with 503, never accepted.
  const failing = connect.createConnectRoutes({ ...base, stateStore: { consume: () => Promise.reject(new Error("down")) } });
  const started = await failing.startConnect({ user: { userId: "alice" }, provider: "docs", origin: "http://127.0.0.1:1" });
  const location = await allow(started.authorizationUrl);
  const refused = await failing.handle(get(location.search.replace(/^/, "/callback")));
  assert.equal(refused.status, 503);
  assert.equal(pageMessage(await refused.text()).message.code, "state_store_unavailable");
});

test("service errors: known by name only, each mapped to its status and code, the service's message never repeated", async (t) => {
  const emu = await emulator(t);
  const QUOTED = "Value 'eyJ-secret-workload-token' at 'customState' failed";
  const cases = [
    ["ThrottlingException", 503, "throttled"],
    ["AccessDeniedException", 403, "access_denied"],
    ["ResourceNotFoundException", 404, "not_found"],
    ["ValidationException", 400, "service_validation"],
    ["UnauthorizedException", 401, "unauthorized"],
    ["InternalServerException", 502, "service_error"],
    ["SomeNewException", 502, "service_error"],
  ];
  for (const [name, status, code] of cases) {
    const Class = Object.hasOwn(pkg, name) ? pkg[name] : pkg.AgentCoreServiceException;
    class Failing extends pkg.AgentCoreIdentityClient {
      async getWorkloadAccessTokenForUserId() {
        throw new Class({ name, message: QUOTED, $fault: status === 502 ? "server" : "client", $metadata: { httpStatusCode: 400, requestId: "r", attempts: 1, totalRetryDelay: 0 } });
      }
    }
    const client = new Failing({ region: "us-east-1", endpoint: emu.url, credentials: emu.credentials });
    const routes = connect.createConnectRoutes({ client, workloadName: WORKLOAD, providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["s"] } }, stateSecret: STATE_SECRET, stateStore: new pkg.InMemoryStateStore(), authenticate });
    const r = await routes.handle(new Request("http://127.0.0.1/agentcore/connections", { headers: { cookie: "test_user=alice" } }));
    const text = await r.text();
    assert.equal(r.status, status, name);
    assert.equal(JSON.parse(text).error.code, code, name);
    assert.ok(!text.includes("eyJ") && !text.includes("customState"), name);
  }
});

test("options: each is checked on creation, own properties only, and the error names it", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const good = { client, workloadName: WORKLOAD, providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["s"] } }, stateSecret: STATE_SECRET, stateStore: new pkg.InMemoryStateStore(), authenticate };
  assert.equal(typeof connect.createConnectRoutes(good).handle, "function");
  for (const ms of [1, 10_000, 600_000]) assert.equal(typeof connect.createConnectRoutes({ ...good, authenticateTimeoutMs: ms, stateStoreTimeoutMs: ms, bodyTimeoutMs: ms }).handle, "function");
  // The model's WorkloadIdentityNameType, and origins over http on loopback hosts only.
  for (const workloadName of ["abc", "my-agent_1.v2", "x".repeat(255)]) assert.equal(typeof connect.createConnectRoutes({ ...good, workloadName }).handle, "function");
  for (const o of ["http://localhost:5173", "http://127.0.0.1:8787", "http://[::1]:8787", "https://console.example"]) {
    assert.equal(typeof connect.createConnectRoutes({ ...good, origin: o, allowedOrigins: [o] }).handle, "function", o);
  }
  // An own "__proto__" parameter (JSON.parse makes one) is refused with its path, never dropped.
  assert.throws(
    () => connect.createConnectRoutes({ ...good, providers: { docs: { resourceCredentialProviderName: "p", scopes: [], customParameters: JSON.parse('{"__proto__":"x"}') } } }),
    (e) => e instanceof pkg.ConfigurationError && e.message.includes("providers.docs.customParameters.__proto__"),
  );
  // A named refusal for an http origin that is not loopback.
  assert.throws(() => connect.createConnectRoutes({ ...good, allowedOrigins: ["https://a.example", "http://console.example.com"] }), (e) => e instanceof pkg.ConfigurationError && e.message.startsWith("allowedOrigins[1] must be an https origin"));
  assert.throws(() => connect.createConnectRoutes({ ...good, origin: "http://app.example.com" }), (e) => e instanceof pkg.ConfigurationError && e.message.startsWith("origin must be an https origin"));
  const refused = (options, name) => {
    assert.throws(() => connect.createConnectRoutes(options), (e) => e instanceof pkg.ConfigurationError && (name === undefined || e.message.includes(name)), `${name}: ${String(options && Object.keys(options))}`);
  };
  for (const bad of [undefined, null, "", 5, [], Symbol("x"), () => good]) refused(bad);
  const wrongs = {
    client: [undefined, null, "", {}, { getResourceOauth2Token() {} }, NaN, Symbol("c")],
    workloadName: [undefined, null, "", 5, NaN, {}, Symbol("w"), "x".repeat(256), "\ud800", " ", "   ", "ab", "my agent", "agent\n"],
    providers: [undefined, null, "", {}, [], NaN, Symbol("p"), { "a/b": good.providers.docs }, { "": good.providers.docs }, { [".."]: good.providers.docs }, { docs: null }, { docs: "" }, { docs: {} }, { docs: { resourceCredentialProviderName: "", scopes: [] } }, { docs: { resourceCredentialProviderName: "p", scopes: "s" } }, { docs: { resourceCredentialProviderName: "p", scopes: [""] } }, { docs: { resourceCredentialProviderName: "p", scopes: [5] } }, { docs: { resourceCredentialProviderName: "p", scopes: [], customParameters: { a: 5 } } }, { docs: { resourceCredentialProviderName: "p", scopes: [], customParameters: JSON.parse('{"a":"b","__proto__":"x"}') } }, { docs: { resourceCredentialProviderName: "p", scopes: [], extra: 1 } }, { docs: { resourceCredentialProviderName: "p", scopes: [], checkConnection: "false" } }, { docs: { resourceCredentialProviderName: "p", scopes: [], checkConnection: null } }, { docs: { resourceCredentialProviderName: "p", scopes: [], checkConnection: 0 } }, Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, good.providers.docs]))],
    stateSecret: [undefined, null, "", "x".repeat(31), new Uint8Array(31), NaN, {}, Symbol("s"), 12345678901234567890123456789012],
    stateStore: [undefined, null, "", {}, { consume: "no" }, NaN, Symbol("s")],
    authenticate: [undefined, null, "", {}, NaN, Symbol("a"), "() => null"],
    basePath: [null, "", "agentcore", "/agentcore/", "/", "/a/../b", "/a b", "/a?x", NaN, {}, Symbol("b")],
    allowedOrigins: [null, "", "https://a.example", [""], ["http://a.example"], ["https://b.example", "http://localhost.example:8080"], ["https://a.example/"], ["https://a.example/path"], ["*"], ["null"], ["ftp://a.example"], [null], [NaN], [{}], [Symbol("o")]],
    exposeAccessTokens: [null, "", "true", 1, NaN, {}, Symbol("e")],
    origin: [null, "", "https://a.example/", "a.example", "null", "http://a.example", "http://10.0.0.1:8787", NaN, {}, Symbol("o")],
    authenticateTimeoutMs: [null, "", "100", 0, -1, 1.5, 600_001, NaN, Infinity, 2 ** 53, {}, Symbol("t")],
    stateStoreTimeoutMs: [null, "", "100", 0, -1, 1.5, 600_001, NaN, Infinity, 2 ** 53, {}, Symbol("t")],
    bodyTimeoutMs: [null, "", "100", 0, -1, 1.5, 600_001, NaN, Infinity, 2 ** 53, {}, Symbol("t")],
  };
  for (const [name, values] of Object.entries(wrongs)) {
    for (const value of values) {
      const options = { ...good, [name]: value };
      if (value === undefined) delete options[name];
      refused(options, name === "client" ? "client" : name);
    }
  }
  refused({ ...good, stateSecrets: STATE_SECRET }, "stateSecrets");
  // A getter that throws is refused, never thrown through.
  refused(Object.defineProperty({ ...good }, "workloadName", { get() { throw new Error("boom"); }, enumerable: true }), "workloadName");

  // Object.prototype pollution: an inherited option is no option.
  // A store whose consume() only a polluted Object.prototype gives is no store.
  for (const [key, options, name] of [["consume", { ...good, stateStore: {} }, "stateStore"]]) {
    Object.prototype[key] = () => true;
    try {
      refused(options, name);
    } finally {
      delete Object.prototype[key];
    }
  }
  for (const [key, value] of [["exposeAccessTokens", true], ["allowedOrigins", [FOREIGN]], ["stateStore", new pkg.InMemoryStateStore()], ["authenticate", () => ({ userId: "mallory" })], ["basePath", "/x"]]) {
    Object.prototype[key] = value;
    try {
      if (key === "stateStore" || key === "authenticate") {
        const options = { ...good };
        delete options[key];
        refused(options, key);
      } else {
        const routes = connect.createConnectRoutes(good);
        const post = (path, origin) => new Request(`http://127.0.0.1${path}`, { method: "POST", body: "{}", headers: { origin, "content-type": "application/json", cookie: "test_user=alice" } });
        if (key === "exposeAccessTokens") assert.equal((await routes.handle(post("/agentcore/token/docs", "http://127.0.0.1"))).status, 404);
        if (key === "allowedOrigins") assert.equal((await routes.handle(post("/agentcore/connect/docs", FOREIGN))).status, 403);
        if (key === "basePath") assert.equal(await routes.handle(post("/x/connect/docs", "http://127.0.0.1")), null);
      }
    } finally {
      delete Object.prototype[key];
    }
  }
});

/** The options of one provider pair on the emulator, with the test sign-in, for the tests below. */
function baseOptions(client, extra = {}) {
  return {
    client,
    workloadName: WORKLOAD,
    providers: {
      docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] },
      mail: { resourceCredentialProviderName: "demo-user-provider", scopes: ["mail.read"] },
    },
    stateSecret: STATE_SECRET,
    stateStore: new pkg.InMemoryStateStore(),
    authenticate,
    ...extra,
  };
}
const ORIGIN = "http://127.0.0.1:8787";
const getAs = (path, cookie = "test_user=alice") => new Request(`${ORIGIN}/agentcore${path}`, { headers: { cookie } });
const postAs = (path, cookie = "test_user=alice") => new Request(`${ORIGIN}/agentcore${path}`, { method: "POST", body: "{}", headers: { cookie, origin: ORIGIN, "content-type": "application/json" } });

test("authenticate that never settles: 503 authenticate_timeout on every route, never a user, its late answer ignored, the state not consumed", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const stateStore = new pkg.InMemoryStateStore();
  const good = connect.createConnectRoutes(baseOptions(client, { stateStore }));
  const started = await good.startConnect({ user: { userId: "alice" }, provider: "docs", origin: ORIGIN });
  const callback = await allow(started.authorizationUrl);
  emu.clearRequests();

  for (const hang of [() => new Promise(() => {}), () => ({ then() {} }), async () => new Promise(() => {})]) {
    const routes = connect.createConnectRoutes(baseOptions(client, { stateStore, authenticate: hang, authenticateTimeoutMs: 20 }));
    for (const request of [getAs("/connections"), postAs("/connect/docs")]) {
      const r = await routes.handle(request);
      assert.equal(r.status, 503, request.url);
      assert.equal(r.headers.get("cache-control"), "no-store");
      assert.deepEqual(await r.json(), { error: { code: "authenticate_timeout", message: "the sign-in check did not answer within 20 ms" } });
    }
    const page = await routes.handle(getAs(callback.pathname.replace(/^\/agentcore/, "") + callback.search));
    assert.equal(page.status, 503);
    assert.equal(pageMessage(await page.text()).message.code, "authenticate_timeout");
  }
  // A sign-in that answers a user after its time: the request was already refused, and no call
  // to the service is made for that user, then or later.
  /** @type {(v: unknown) => void} */
  let answer = () => {};
  const late = connect.createConnectRoutes(baseOptions(client, { stateStore, authenticate: () => new Promise((r) => (answer = r)), authenticateTimeoutMs: 20 }));
  const refused = await late.handle(postAs("/connect/docs"));
  assert.equal(refused.status, 503);
  answer({ userId: "alice" });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(emu.requests(), [], "no service call for a sign-in that timed out");
  // The state was never consumed: the callback completes with a sign-in that answers.
  const done = await good.handle(getAs(callback.pathname.replace(/^\/agentcore/, "") + callback.search));
  assert.equal(done.status, 200, await done.clone().text());
  assert.equal(pageMessage(await done.text()).message.status, "connected");
});

test("authenticate that throws or answers a malformed user: 500 internal_error, never a user, never its message, no service call", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const SECRET_TEXT = "do-not-show-this-0123456789";
  const throwing = { then() { throw new Error(SECRET_TEXT); } };
  const getter = Object.defineProperty({}, "userId", { enumerable: true, get() { throw new Error(SECRET_TEXT); } });
  const answers = [
    () => { throw new Error(SECRET_TEXT); },
    () => { throw SECRET_TEXT; },
    () => Promise.reject(new Error(SECRET_TEXT)),
    () => throwing,
    () => getter,
    () => ({ userId: "" }),
    () => ({ userId: 5 }),
    () => ({ userId: "x".repeat(131_073) }),
    () => ({ userId: "\ud800" }),
    () => ({ userId: null }),
    () => ({ userToken: 5 }),
    () => ({ userToken: "" }),
    () => ({ userToken: { toString: () => SECRET_TEXT } }),
    () => ({ userId: "alice", userToken: SECRET_TEXT }),
    () => ({}),
    () => Symbol("alice"),
    () => "alice",
    () => 5,
    () => true,
    () => [{ userId: "alice" }],
    () => () => ({ userId: "alice" }),
    () => Promise.resolve(SECRET_TEXT),
    () => Promise.resolve({ userId: "" }),
    () => Promise.resolve(Promise.resolve({ userToken: 5 })),
    () => Object.create({ userId: "alice" }),
  ];
  for (const [i, answer] of answers.entries()) {
    const routes = connect.createConnectRoutes(baseOptions(client, { authenticate: answer }));
    for (const request of [getAs("/connections"), postAs("/connect/docs")]) {
      const r = await routes.handle(request);
      const text = await r.text();
      assert.equal(r.status, 500, `answer ${i}: ${text}`);
      assert.equal(JSON.parse(text).error.code, "internal_error", `answer ${i}`);
      assert.ok(!text.includes(SECRET_TEXT), `answer ${i}`);
    }
  }
  assert.deepEqual(emu.requests(), [], "no service call without a user");
  // null and undefined are no user: 401.
  for (const none of [() => null, () => undefined, async () => null]) {
    assert.equal((await connect.createConnectRoutes(baseOptions(client, { authenticate: none })).handle(getAs("/connections"))).status, 401);
  }
  // The sign-in is called with the request only, without a `this` (the routes' settings hold the secret).
  /** @type {unknown[]} */
  const seen = [];
  const routes = connect.createConnectRoutes(baseOptions(client, { authenticate(...args) { seen.push(this, ...args); return null; } }));
  const request = getAs("/connections");
  await routes.handle(request);
  assert.equal(seen.length, 2);
  assert.equal(seen[0], undefined);
  assert.equal(seen[1], request);
});

test("the other waits are bounded too: a store that never answers (stateStoreTimeoutMs), a service that never answers (the client's requestTimeoutMs)", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const hanging = connect.createConnectRoutes(baseOptions(client, { stateStore: { consume: () => new Promise(() => {}) }, stateStoreTimeoutMs: 20 }));
  const started = await hanging.startConnect({ user: { userId: "alice" }, provider: "docs", origin: ORIGIN });
  const location = await allow(started.authorizationUrl);
  const page = await hanging.handle(getAs(location.pathname.replace(/^\/agentcore/, "") + location.search));
  assert.equal(page.status, 503);
  assert.equal(pageMessage(await page.text()).message.code, "state_store_unavailable");

  // A service that takes the connection and never answers.
  const sockets = new Set();
  const silent = http.createServer(() => {});
  silent.on("connection", (s) => sockets.add(s));
  await new Promise((r) => silent.listen(0, "127.0.0.1", r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => silent.close(r));
  });
  const slow = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${silent.address().port}`, credentials: emu.credentials, maxAttempts: 1, requestTimeoutMs: 50 });
  for (const request of [getAs("/connections"), postAs("/connect/docs")]) {
    const r = await connect.createConnectRoutes(baseOptions(slow)).handle(request);
    assert.equal(r.status, 503, request.url);
    assert.equal((await r.json()).error.code, "service_unavailable");
  }
  assert.ok(sockets.size >= 1, "the client reached the silent service");
});

test("connections: each provider not connected opens an authorization session at the service per call; checkConnection: false asks nothing", async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const sessions = async () => (await (await fetch(`${emu.url}/__emulator/sessions`)).json()).sessions.length;
  const list = async (routes) => {
    const r = await routes.handle(getAs("/connections"));
    assert.equal(r.status, 200);
    return (await r.json()).connections;
  };
  const routes = connect.createConnectRoutes(baseOptions(client));
  assert.equal(await sessions(), 0);
  assert.deepEqual(await list(routes), [{ provider: "docs", connected: false }, { provider: "mail", connected: false }]);
  assert.equal(await sessions(), 2);
  await list(routes);
  assert.equal(await sessions(), 4, "a new session per provider not connected, on every call");

  // mail marked: listed as not checked, no session opened for it.
  const options = baseOptions(client);
  options.providers.mail.checkConnection = false;
  const marked = connect.createConnectRoutes(options);
  assert.deepEqual(await list(marked), [{ provider: "docs", connected: false }, { provider: "mail", connected: null }]);
  assert.equal(await sessions(), 5);
  // The connect route still works for it.
  const out = await (await marked.handle(postAs("/connect/mail"))).json();
  assert.equal(out.status, "authorization_required");
  assert.equal(await sessions(), 6);

  // Every provider marked: no call to the service at all.
  options.providers.docs.checkConnection = false;
  emu.clearRequests();
  assert.deepEqual(await list(connect.createConnectRoutes(options)), [{ provider: "docs", connected: null }, { provider: "mail", connected: null }]);
  assert.deepEqual(emu.requests(), []);
  assert.equal(await sessions(), 6);
  // Marked true explicitly is the default.
  options.providers.docs.checkConnection = true;
  assert.deepEqual(await list(connect.createConnectRoutes(options)), [{ provider: "docs", connected: false }, { provider: "mail", connected: null }]);
});

/**
 * A client whose four calls are recorded and answered without the service (the emulator only
 * gives it credentials): `log` holds each call's kind and the identity it was given.
 * @param {any} emu
 */
function stubClient(emu) {
  const log = [];
  class Stub extends pkg.AgentCoreIdentityClient {
    async getWorkloadAccessTokenForUserId(input) {
      log.push(["ForUserId", input.userId]);
      return { workloadAccessToken: `wat-user-${input.userId}` };
    }
    async getWorkloadAccessTokenForJWT(input) {
      log.push(["ForJWT", input.userToken]);
      return { workloadAccessToken: `wat-jwt-${input.userToken}` };
    }
    async getResourceOauth2Token(input) {
      log.push(["GetResourceOauth2Token", input.workloadIdentityToken]);
      this.last = input;
      return { authorizationUrl: "https://auth.example/authorize?request_uri=x", sessionUri: "urn:ietf:params:oauth:request_uri:stub" };
    }
    async completeResourceTokenAuth(input) {
      log.push(["CompleteResourceTokenAuth", input.userIdentifier]);
      return {};
    }
  }
  const client = new Stub({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: emu.credentials, maxAttempts: 1 });
  return { client, log };
}

test("Object.prototype.userToken or userId never changes whose identity the routes use", async (t) => {
  const emu = await emulator(t);
  const { client, log } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client));
  // A { userId } user with an inherited userToken: ForUserId with the user's id, never ForJWT.
  await polluted({ userToken: "ATTACKER.JWT.TOKEN" }, async () => {
    const r = await routes.handle(postAs("/connect/docs"));
    assert.equal(r.status, 200, await r.clone().text());
  });
  assert.deepEqual(log.splice(0), [["ForUserId", "alice"], ["GetResourceOauth2Token", "wat-user-alice"]]);
  // A { userToken } user with an inherited userId: the state is bound to the token, and the
  // session is bound with the token, never with the inherited id.
  const cookie = "test_jwt=ALICE.JWT";
  await polluted({ userId: "mallory" }, async () => {
    const r = await routes.handle(postAs("/connect/docs", cookie));
    assert.equal(r.status, 200, await r.clone().text());
    const state = client.last.customState;
    const page = await routes.handle(getAs(`/callback?session_id=${encodeURIComponent("urn:ietf:params:oauth:request_uri:stub")}&state=${encodeURIComponent(state)}`, cookie));
    assert.equal(pageMessage(await page.text()).message.status, "connected");
  });
  assert.deepEqual(log.splice(0), [["ForJWT", "ALICE.JWT"], ["GetResourceOauth2Token", "wat-jwt-ALICE.JWT"], ["CompleteResourceTokenAuth", { userToken: "ALICE.JWT" }]]);
});

test("Object.prototype.allow or $fault never changes an answer: no inherited Allow header, a network failure stays 503", async (t) => {
  const emu = await emulator(t);
  const { client } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client));
  await polluted({ allow: "GET\r\nx: y" }, async () => {
    const r = await routes.handle(new Request(`${ORIGIN}/agentcore/nothing`));
    assert.equal(r.status, 404);
    assert.equal(r.headers.get("allow"), null);
  });
  await polluted({ allow: "GET, POST, DELETE" }, async () => {
    const r = await routes.handle(postAs("/connect/docs", "no_user=1"));
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("allow"), null);
    const wrong = await routes.handle(getAs("/connect/docs"));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST", "the route's own Allow is kept");
  });
  // A service out of reach: a NetworkError, which has no $fault of its own.
  const down = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: emu.credentials, maxAttempts: 1 });
  await polluted({ $fault: "server" }, async () => {
    const r = await connect.createConnectRoutes(baseOptions(down)).handle(getAs("/connections"));
    assert.equal(r.status, 503);
    assert.equal((await r.json()).error.code, "service_unavailable");
  });
});

test("a POST body that never ends: 408 body_timeout after bodyTimeoutMs, its stream cancelled, no service call for the body", async (t) => {
  const emu = await emulator(t);
  const { client, log } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client, { bodyTimeoutMs: 30 }));
  let cancelled = false;
  const body = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode("{"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = new Request(`${ORIGIN}/agentcore/connect/docs`, { method: "POST", body, duplex: "half", headers: { cookie: "test_user=alice", origin: ORIGIN, "content-type": "application/json" } });
  const r = await routes.handle(request);
  assert.equal(r.status, 408);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.deepEqual(await r.json(), { error: { code: "body_timeout", message: "the body was not received within 30 ms" } });
  assert.equal(cancelled, true, "the body's stream is cancelled");
  assert.deepEqual(log, []);
  // A body that arrives is read as before.
  assert.equal((await routes.handle(postAs("/connect/docs"))).status, 200);
});

test("GET connections opens sessions: refused as a navigation or with a foreign Origin, before the sign-in; the app's own fetch passes", async (t) => {
  const emu = await emulator(t);
  const { client, log } = stubClient(emu);
  let signIns = 0;
  const routes = connect.createConnectRoutes(baseOptions(client, { allowedOrigins: [CONSOLE], authenticate: (r) => (signIns++, authenticate(r)) }));
  const get = (headers) => new Request(`${ORIGIN}/agentcore/connections`, { headers: { cookie: "test_user=alice", ...headers } });
  for (const headers of [{ "sec-fetch-mode": "navigate" }, { "sec-fetch-mode": "navigate", "sec-fetch-site": "cross-site" }, { "sec-fetch-mode": "no-cors" }, { "sec-fetch-mode": "no-cors", "sec-fetch-site": "same-site", "sec-fetch-dest": "image" }, { "sec-fetch-mode": "websocket" }, { origin: FOREIGN }, { origin: "null" }, { origin: FOREIGN, "sec-fetch-mode": "cors" }]) {
    const r = await routes.handle(get(headers));
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal((await r.json()).error.code, "origin_refused");
  }
  assert.equal(signIns, 0);
  assert.deepEqual(log, []);
  for (const headers of [{}, { "sec-fetch-mode": "same-origin" }, { "sec-fetch-mode": "cors", origin: ORIGIN }, { "sec-fetch-mode": "cors", origin: CONSOLE }]) {
    const r = await routes.handle(get(headers));
    assert.equal(r.status, 200, JSON.stringify(headers));
    assert.equal((await r.json()).connections.length, 2);
  }
  // The callback is a navigation (the popup's), and stays one.
  const started = await routes.handle(postAs("/connect/docs"));
  assert.equal(started.status, 200);
  const page = await routes.handle(new Request(`${ORIGIN}/agentcore/callback?session_id=${encodeURIComponent("urn:ietf:params:oauth:request_uri:stub")}&state=${encodeURIComponent(client.last.customState)}`, { headers: { cookie: "test_user=alice", "sec-fetch-mode": "navigate" } }));
  assert.equal(pageMessage(await page.text()).message.status, "connected");
});

test("startConnect: an origin over http must be on a loopback host", async (t) => {
  const emu = await emulator(t);
  const { client } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client));
  await assert.rejects(routes.startConnect({ user: { userId: "alice" }, provider: "docs", origin: "http://app.example.com" }), (e) => e instanceof pkg.ConfigurationError && /origin must be an https origin/.test(e.message));
  assert.equal((await routes.startConnect({ user: { userId: "alice" }, provider: "docs", origin: "http://localhost:8787" })).status, "authorization_required");
});

test("an error without a code from the callback's checks names no provider on the callback page: the state was not checked", async (t) => {
  const emu = await emulator(t);
  const { client } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client));
  const r = await routes.handle(postAs("/connect/mail"));
  assert.equal(r.status, 200, await r.clone().text());
  const state = client.last.customState;
  // From now on the client's method cannot be read: handleOauth2Callback refuses its options
  // (a ConfigurationError, no code) before it looks at the state.
  Object.defineProperty(client, "completeResourceTokenAuth", { configurable: true, get() { throw new Error("unreadable"); } });
  const page = await routes.handle(getAs(`/callback?session_id=${encodeURIComponent("urn:ietf:params:oauth:request_uri:stub")}&state=${encodeURIComponent(state)}`));
  const { message } = pageMessage(await page.text());
  assert.equal(message.status, "error");
  assert.equal(message.code, "internal_error");
  assert.equal(Object.hasOwn(message, "provider"), false, `the page names ${message.provider}`);
});

test("an authorization URL a browser may not open is 502 authorization_url_refused on the connect and the token route alike; none at all is session_failed", async (t) => {
  const emu = await emulator(t);
  const { client } = stubClient(emu);
  const routes = connect.createConnectRoutes(baseOptions(client, { exposeAccessTokens: true }));
  for (const [reply, code] of [
    [{ authorizationUrl: "javascript:alert(1)" }, "authorization_url_refused"],
    [{ authorizationUrl: "http://auth.example/authorize" }, "authorization_url_refused"],
    [{ authorizationUrl: "https://user:pw@auth.example/authorize" }, "authorization_url_refused"],
    [{ accessToken: "" }, "session_failed"],
  ]) {
    client.getResourceOauth2Token = async () => reply;
    for (const route of ["/connect/docs", "/token/docs"]) {
      const r = await routes.handle(postAs(route));
      assert.equal(r.status, 502, `${route}: ${await r.clone().text()}`);
      const body = await r.json();
      assert.equal(body.error.code, code, `${route} for ${JSON.stringify(reply)}`);
      assert.doesNotMatch(JSON.stringify(body), /javascript|auth\.example/, "the refusal quotes the URL");
    }
  }
});

// The example Worker (www/worker/) in workerd through Miniflare, with its Durable Object bound as
// wrangler.toml binds it and its connect routes (/agentcore/*): one state raced by 50 concurrent
// callbacks, a fresh state, the object's storage emptied by its alarm after the expiry and the
// clock-skew allowance; and what makes it safe to deploy: settings checked, identity only from a
// signed cookie, no service text in its pages, only https (or loopback http) authorization URLs.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { nodeEntry } from "../support/package.mjs";
import { consent, emulator, project, root } from "../runtimes/support.js";
import { eventually, nonceOf, pkg, withClock } from "./support.js";

const STATE_SECRET = "worker-stores-state-secret-0123456789abcdef";
// Only a URL: dispatchFetch hands it to the Worker as the request URL (the emulator accepts return
// URLs on loopback with a port).
const ORIGIN = "http://127.0.0.1:8788";
const PROVIDER = "demo";

/** The package's clock-skew allowance: how long past its expiry a state's nonce is kept. */
const skewMs = async () => (await import(pathToFileURL(join(dirname(nodeEntry()), "node_modules", "agentcore-identity-edge", "www", "stores.js")).href)).CLOCK_SKEW_MS;

/**
 * The test's entry: the example Worker, its Durable Object extended with a read-only storage route,
 * and a route that sets how far the isolate's `Date.now()` is from the real clock (an instance whose
 * clock is behind), so that the allowance can pass in seconds.
 */
const ENTRY = `
import worker, { StateStoreDurableObject as Base } from "./worker.js";
const realNow = Date.now;
let offsetMs = 0;
Date.now = () => realNow.call(Date) + offsetMs;
export class StateStoreDurableObject extends Base {
  #storage;
  constructor(state, env) { super(state, env); this.#storage = state.storage; }
  async fetch(request) {
    if (new URL(request.url).pathname === "/test/storage") {
      return Response.json({ entries: Object.fromEntries(await this.#storage.list()), alarm: await this.#storage.getAlarm() });
    }
    return super.fetch(request);
  }
}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/test/clock") {
      offsetMs = Number(url.searchParams.get("offsetMs"));
      return Response.json({ offsetMs });
    }
    return worker.fetch(request, env, ctx);
  },
};
`;

let bundled;
/**
 * The example Worker bundled against the packed package, as wrangler would (workerd conditions).
 * Only the Worker's modules: the console's files (build.mjs, [assets]) are not under test here, the ASSETS
 * binding is a stand-in (see `worker`).
 */
function bundle() {
  if (bundled) return bundled;
  /** @type {Record<string, string>} */
  const modules = {};
  for (const f of readdirSync(join(root, "www", "worker")).filter((f) => f.endsWith(".js"))) modules[f] = readFileSync(join(root, "www", "worker", f), "utf8");
  const dir = project("stores-worker", { ...modules, "entry.js": ENTRY });
  esbuild.buildSync({
    entryPoints: [join(dir, "entry.js")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker"],
    external: ["*.wasm"],
    outfile: join(dir, "dist", "worker.js"),
    logLevel: "silent",
  });
  mkdirSync(join(dir, "dist", "wasm"), { recursive: true });
  cpSync(join(dir, "node_modules/agentcore-identity-edge/www/wasm/agentcore_identity_edge_bg.wasm"), join(dir, "dist/wasm/agentcore_identity_edge_bg.wasm"));
  bundled = join(dir, "dist", "worker.js");
  return bundled;
}

/** The example's [vars] and secrets, for `endpoint` and `credentials`. */
const vars = (endpoint, credentials) => ({
  AWS_REGION: "us-east-1",
  WORKLOAD_NAME: "demo-workload",
  PROVIDERS: { [PROVIDER]: { resourceCredentialProviderName: "demo-user-provider", scopes: ["profile"] } },
  EXPOSE_ACCESS_TOKENS: "false",
  AGENTCORE_ENDPOINT: endpoint,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  STATE_SECRET,
});

/** The [assets] binding's stand-in: the console's files are not part of these tests. */
const ASSETS = () => new Response("asset", { status: 404, headers: { "content-type": "text/plain" } });

/**
 * Miniflare running the example, disposed when the test ends. `log()` gives what workerd printed.
 * `durableObject`, `assets`: whether those bindings are there.
 */
async function worker(t, bindings, { durableObject = true, assets = true } = {}) {
  let printed = "";
  const mf = new Miniflare({
    scriptPath: bundle(),
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    bindings,
    ...(assets ? { serviceBindings: { ASSETS } } : {}),
    ...(durableObject ? { durableObjects: { AGENTCORE_STATE: { className: "StateStoreDurableObject", useSQLite: true } } } : {}),
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (d) => (printed += d));
      stderr.on("data", (d) => (printed += d));
    },
  });
  let disposed = false;
  const close = async () => {
    if (!disposed) {
      disposed = true;
      await mf.dispose();
    }
  };
  t.after(close);
  return Object.assign(mf, { close, log: () => printed });
}

/** POST /login from the Worker's own origin: the session cookie ("session=..."), its attributes, the user. */
async function login(mf, origin = ORIGIN) {
  const res = await mf.dispatchFetch(`${origin}/login`, { method: "POST", headers: { origin }, redirect: "manual" });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const setCookie = /** @type {string} */ (res.headers.get("set-cookie"));
  return { cookie: setCookie.split(";")[0], setCookie, userId: JSON.parse(text).userId };
}

/** POST /agentcore/connect/{provider} as the console sends it: JSON, the app's Origin, the cookie. */
function connect(mf, cookie, { path = `/agentcore/connect/${PROVIDER}`, body = "{}" } = {}) {
  return mf.dispatchFetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body,
    redirect: "manual",
  });
}

/** GET the callback URL with `cookie`: its status, its page and its outcome (the message the page posts). */
async function callback(mf, url, cookie) {
  const res = await mf.dispatchFetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const text = await res.text();
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const outcome = JSON.parse(/** @type {RegExpExecArray} */ (/var m=(\{.*?\}),o=/.exec(text))[1]);
  return { status: res.status, text, outcome };
}

/** The customState's binding the connect routes give a state for `userId` and the provider. */
const bindingOf = (userId) => new TextEncoder().encode(`agentcore-identity-edge/connect\0${PROVIDER}\0userId\0${userId}`);

/** Login, POST connect, the emulator's consent: the callback URL the provider sends the browser to. */
async function startFlow(mf) {
  const { cookie, userId } = await login(mf);
  const res = await connect(mf, cookie);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.status, "authorization_required");
  const url = await consent(body.authorizationUrl, "allow");
  assert.equal(url.origin, ORIGIN);
  assert.equal(url.pathname, "/agentcore/callback");
  return { cookie, userId, callback: url };
}

/** What the Durable Object named after `nonce` holds, through the test's route. */
async function storageOf(mf, nonce) {
  const ns = await mf.getDurableObjectNamespace("AGENTCORE_STATE");
  const res = await ns.get(ns.idFromName(nonce)).fetch("https://test/test/storage");
  return res.json();
}

/** The expiry (epoch ms) a customState carries. */
const expiryOf = (state) => Number(Buffer.from(state, "base64url").readBigUInt64BE(17));

test("the example Worker: 50 concurrent callbacks with one state, exactly one accepted; storage empty after the expiry and the allowance", { timeout: 180_000 }, async (t) => {
  const { createCustomState } = await pkg();
  const CLOCK_SKEW_MS = await skewMs();
  assert.ok(Number.isSafeInteger(CLOCK_SKEW_MS) && CLOCK_SKEW_MS > 60_000, String(CLOCK_SKEW_MS));
  const emu = await emulator(t);
  const mf = await worker(t, vars(emu.url, emu.credentials));

  // One state, 50 callbacks at once (as from many tabs, or a replaying attacker, on many instances).
  const { cookie, callback: url } = await startFlow(mf);
  const state = /** @type {string} */ (url.searchParams.get("state"));
  const answers = await Promise.all(Array.from({ length: 50 }, () => callback(mf, url.href, cookie)));
  const accepted = answers.filter((a) => a.status === 200);
  assert.equal(accepted.length, 1, JSON.stringify(answers.map((a) => a.status)));
  assert.deepEqual(accepted[0].outcome, { type: "agentcore-identity-edge:connect", status: "connected", provider: PROVIDER });
  assert.match(accepted[0].text, /Your demo account is connected\./);
  const refused = answers.filter((a) => a.status !== 200);
  assert.equal(refused.length, 49);
  for (const r of refused) {
    assert.equal(r.status, 409, r.text);
    assert.equal(r.outcome.status, "error");
    assert.equal(r.outcome.code, "state_replayed");
  }
  const ops = emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth");
  assert.equal(ops.length, 1, "the session was bound once");
  assert.equal(ops[0].status, 200);

  // The object named after the nonce holds it until the state's expiry and the clock-skew
  // allowance, with its alarm set then.
  const keepUntil = expiryOf(state) + CLOCK_SKEW_MS;
  const held = await storageOf(mf, nonceOf(state));
  assert.deepEqual(held, { entries: { [`nonce:${nonceOf(state)}`]: keepUntil }, alarm: keepUntil });

  // A fresh state (another user, another flow) is accepted once, refused after.
  const fresh = await startFlow(mf);
  const first = await callback(mf, fresh.callback.href, fresh.cookie);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.outcome.status, "connected");
  const again = await callback(mf, fresh.callback.href, fresh.cookie);
  assert.equal(again.status, 409);
  assert.equal(again.outcome.code, "state_replayed");
  assert.equal(emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth").length, 2);

  // A short-lived state, made here with the Worker's secret and binding for the signed-in user, on
  // an instance whose clock is behind by nearly the allowance (still within the service's signature
  // window): accepted, then held past its expiry by the real clock, until the expiry and the
  // allowance, when the object's alarm removes it and leaves its storage empty.
  const short = await startFlow(mf);
  const behindMs = CLOCK_SKEW_MS - 10_000;
  const shortState = await withClock(-behindMs, () => createCustomState({ secret: STATE_SECRET, binding: bindingOf(short.userId), ttlSeconds: 10 }));
  const shortExpiry = expiryOf(shortState);
  const shortUrl = new URL(short.callback);
  shortUrl.searchParams.set("state", shortState);
  const setClock = async (offsetMs) => assert.equal((await mf.dispatchFetch(`${ORIGIN}/test/clock?offsetMs=${offsetMs}`)).status, 200);
  await setClock(-behindMs);
  let ok;
  try {
    ok = await callback(mf, shortUrl.href, short.cookie);
  } finally {
    await setClock(0);
  }
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.outcome.status, "connected");
  const nonce = nonceOf(shortState);
  assert.ok(Date.now() > shortExpiry, "the state has expired by the real clock");
  assert.deepEqual(await storageOf(mf, nonce), { entries: { [`nonce:${nonce}`]: shortExpiry + CLOCK_SKEW_MS }, alarm: shortExpiry + CLOCK_SKEW_MS });
  await eventually(
    async () => {
      const s = await storageOf(mf, nonce);
      return Object.keys(s.entries).length === 0 && s.alarm === null;
    },
    "the Durable Object's storage is empty after the expiry and the allowance",
    60_000,
  );
  // And the first state's object is untouched (its expiry is minutes away).
  assert.deepEqual(await storageOf(mf, nonceOf(state)), held);
});

test("the example Worker refuses to run without its settings: 500, no cookie, the names only in its log", { timeout: 120_000 }, async (t) => {
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const full = vars("http://127.0.0.1:9", creds);
  const short = "x".repeat(31);
  /** @type {[string, Record<string, unknown>, { durableObject?: boolean, assets?: boolean }, RegExp][]} */
  const cases = [
    ["no STATE_SECRET", { ...full, STATE_SECRET: undefined }, {}, /STATE_SECRET/],
    ["an empty STATE_SECRET", { ...full, STATE_SECRET: "" }, {}, /STATE_SECRET/],
    ["a STATE_SECRET of 31 bytes", { ...full, STATE_SECRET: short }, {}, /STATE_SECRET/],
    ["no AWS_SECRET_ACCESS_KEY", { ...full, AWS_SECRET_ACCESS_KEY: undefined }, {}, /AWS_SECRET_ACCESS_KEY/],
    ["no AWS_ACCESS_KEY_ID", { ...full, AWS_ACCESS_KEY_ID: undefined }, {}, /AWS_ACCESS_KEY_ID/],
    ["no WORKLOAD_NAME", { ...full, WORKLOAD_NAME: undefined }, {}, /WORKLOAD_NAME/],
    ["no PROVIDERS", { ...full, PROVIDERS: undefined }, {}, /PROVIDERS/],
    ["PROVIDERS that is not JSON", { ...full, PROVIDERS: "{demo" }, {}, /PROVIDERS/],
    ["a provider without scopes", { ...full, PROVIDERS: JSON.stringify({ demo: { resourceCredentialProviderName: "demo-user-provider" } }) }, {}, /scopes/],
    ["a WORKLOAD_NAME the model refuses", { ...full, WORKLOAD_NAME: "my agent" }, {}, /workloadName/],
    ["no Durable Object binding", full, { durableObject: false }, /AGENTCORE_STATE/],
    ["no ASSETS binding", full, { assets: false }, /ASSETS/],
  ];
  const requests = [
    ["/", { method: "GET" }],
    ["/login", { method: "POST", headers: { origin: ORIGIN } }],
    ["/session", { method: "GET" }],
    ["/agentcore/connections", { method: "GET" }],
    [`/agentcore/connect/${PROVIDER}`, { method: "POST", headers: { origin: ORIGIN, "content-type": "application/json" }, body: "{}" }],
    ["/agentcore/callback?state=x&session_id=y", { method: "GET" }],
  ];
  for (const [why, bindings, options, named] of cases) {
    const mf = await worker(t, Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined)), options);
    for (const [path, init] of requests) {
      const res = await mf.dispatchFetch(`${ORIGIN}${path}`, { ...init, redirect: "manual" });
      const text = await res.text();
      assert.equal(res.status, 500, `${why}: ${path}`);
      assert.deepEqual(JSON.parse(text), { error: { code: "not_configured", message: "this Worker is not configured" } }, `${why}: ${path}`);
      assert.equal(res.headers.get("set-cookie"), null);
    }
    await mf.close();
    // The missing setting is named in the Worker's log; no value of any setting is printed.
    const log = mf.log();
    assert.match(log, /the Worker is not configured: /, why);
    assert.match(log, named, why);
    for (const value of [creds.secretAccessKey, creds.accessKeyId, STATE_SECRET, short, "demo-user-provider"]) assert.ok(!log.includes(value), `${why}: a value in the log`);
  }
});

test("the example Worker takes the user only from its signed session cookie", { timeout: 120_000 }, async (t) => {
  const emu = await emulator(t);
  const mf = await worker(t, vars(emu.url, emu.credentials));
  /** Every route that needs the user answers 401 with `cookie`. */
  const unauthenticated = async (cookie, why) => {
    const started = await connect(mf, cookie, { path: `/agentcore/connect/${PROVIDER}?user=alice&userId=alice`, body: JSON.stringify({ userId: "alice" }) });
    assert.equal(started.status, 401, `${why}: connect`);
    assert.equal((await started.json()).error.code, "unauthenticated");
    const connections = await mf.dispatchFetch(`${ORIGIN}/agentcore/connections?userId=alice`, { headers: cookie ? { cookie } : {} });
    assert.equal(connections.status, 401, `${why}: connections`);
    const session = await mf.dispatchFetch(`${ORIGIN}/session?user=alice`, { headers: cookie ? { cookie } : {} });
    assert.equal(session.status, 401, `${why}: session`);
    assert.doesNotMatch(await session.text(), /alice/);
  };
  // No cookie: a user named in the query or the body is ignored; an unsigned cookie is no session.
  await unauthenticated(undefined, "no cookie");
  for (const cookie of ["uid=alice", "session=alice", "userId=alice"]) await unauthenticated(cookie, cookie);

  // Sign-in only from the Worker's own origin: no Origin, "null" or another origin gets no cookie.
  for (const headers of [{}, { origin: "null" }, { origin: "https://evil.example" }, { origin: "http://127.0.0.1:9999" }]) {
    const res = await mf.dispatchFetch(`${ORIGIN}/login`, { method: "POST", headers, redirect: "manual" });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.headers.get("set-cookie"), null);
  }
  // The cookie: HttpOnly, SameSite=Lax; __Host- and Secure over https, plain `session` only for
  // http on a loopback host, none over http anywhere else.
  const local = await login(mf);
  assert.match(local.setCookie, /^session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  const remote = await login(mf, "https://app.example");
  assert.match(remote.setCookie, /^__Host-session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
  const remoteHttp = await mf.dispatchFetch("http://app.example/login", { method: "POST", headers: { origin: "http://app.example" }, redirect: "manual" });
  assert.equal(remoteHttp.status, 403);
  assert.equal(remoteHttp.headers.get("set-cookie"), null);
  // The https cookie is not read under another name, nor over http.
  const [, remoteValue] = remote.cookie.split("=");
  assert.equal((await mf.dispatchFetch("https://app.example/session", { headers: { cookie: remote.cookie } })).status, 200);
  assert.equal((await mf.dispatchFetch("https://app.example/session", { headers: { cookie: `session=${remoteValue}` } })).status, 401);
  assert.equal((await mf.dispatchFetch(`${ORIGIN}/session`, { headers: { cookie: remote.cookie } })).status, 401);

  // The real cookie is a session: its user, and no other.
  const me = await mf.dispatchFetch(`${ORIGIN}/session`, { headers: { cookie: local.cookie } });
  assert.deepEqual(await me.json(), { userId: local.userId });

  // A forged or altered cookie is no session: another user in the payload, an expired one, a wrong
  // MAC, no MAC, a MAC of another payload.
  const [payload, mac] = local.cookie.split("=")[1].split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  assert.deepEqual(Object.keys(claims).sort(), ["exp", "sub"]);
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: "alice" })).toString("base64url");
  const expired = Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString("base64url");
  const flipped = (mac[0] === "A" ? "B" : "A") + mac.slice(1);
  const otherMac = remoteValue.split(".")[1];
  for (const cookie of [`session=${forged}.${mac}`, `session=${expired}.${mac}`, `session=${payload}.${flipped}`, `session=${payload}`, `session=${payload}.${otherMac}`]) {
    await unauthenticated(cookie, cookie);
  }

  // The state is bound to the user of the cookie: another user's callback is refused, consumes
  // nothing and binds no session; its own user's is then accepted.
  const a = await startFlow(mf);
  const b = await startFlow(mf);
  const crossed = await callback(mf, b.callback.href, a.cookie);
  assert.equal(crossed.status, 400, crossed.text);
  assert.equal(crossed.outcome.code, "state_mismatch");
  const anonymous = await callback(mf, b.callback.href, undefined);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.outcome.code, "unauthenticated");
  assert.equal(emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth").length, 0);
  const own = await callback(mf, b.callback.href, b.cookie);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.outcome.status, "connected");
  const completed = emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth");
  assert.equal(completed.length, 1);
  assert.deepEqual(completed[0].body.userIdentifier, { userId: b.userId });
});

/**
 * A stand-in for the service on loopback: a workload token, `oauth2Token` (a JSON body) for
 * GetResourceOauth2Token and `complete` ([status, headers, body]) for CompleteResourceTokenAuth.
 */
async function fakeService(t, oauth2Token, complete = [200, {}, {}]) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const [status, headers, body] =
        req.url === "/identities/oauth2/token" ? [200, {}, oauth2Token] : req.url === "/identities/CompleteResourceTokenAuth" ? complete : [200, {}, { workloadAccessToken: "workload-token" }];
      res.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": "fake", ...headers });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", () => r(undefined)));
  t.after(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
}

test("the example Worker never puts the service's text in a page, and hands out only https (or loopback http) authorization URLs", { timeout: 180_000 }, async (t) => {
  const { createCustomState } = await pkg();
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const SCRIPT = '<script>alert("x")</script>';
  const session = "urn:ietf:params:oauth:request_uri:s";

  // What the connect route answers for each reply of GetResourceOauth2Token.
  // An unsafe authorization URL is refused by the client itself (its reply check): the route answers
  // service_error; a reply with neither a token nor a URL is session_failed.
  /** @type {[unknown, number, string][]} */
  const cases = [
    [{ sessionStatus: SCRIPT }, 502, "session_failed"],
    [{ authorizationUrl: "javascript:alert(1)", sessionUri: session }, 502, "service_error"],
    [{ authorizationUrl: "http://provider.example/authorize", sessionUri: session }, 502, "service_error"],
    [{ authorizationUrl: "data:text/html,<script>alert(1)</script>", sessionUri: session }, 502, "service_error"],
    [{ authorizationUrl: "//provider.example/authorize", sessionUri: session }, 502, "service_error"],
    [{ authorizationUrl: "https://user:pass@provider.example/authorize", sessionUri: session }, 502, "service_error"],
    [{ authorizationUrl: "https://provider.example/authorize?x=1", sessionUri: session }, 200, "https://provider.example/authorize?x=1"],
    [{ authorizationUrl: "http://localhost:8787/consent", sessionUri: session }, 200, "http://localhost:8787/consent"],
    [{ authorizationUrl: "http://127.0.0.1:8787/consent?request_uri=x", sessionUri: session }, 200, "http://127.0.0.1:8787/consent?request_uri=x"],
  ];
  for (const [reply, status, expected] of cases) {
    const endpoint = await fakeService(t, reply);
    const mf = await worker(t, vars(endpoint, creds));
    const { cookie } = await login(mf);
    const res = await connect(mf, cookie);
    const text = await res.text();
    const why = `${JSON.stringify(reply)}: ${text}`;
    assert.equal(res.status, status, why);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/, why);
    assert.equal(res.headers.get("location"), null, why);
    const body = JSON.parse(text);
    if (status === 200) {
      assert.deepEqual(body, { provider: PROVIDER, status: "authorization_required", authorizationUrl: expected });
    } else {
      // A JSON error naming no URL and repeating nothing of the reply.
      assert.deepEqual(Object.keys(body), ["error"], why);
      assert.equal(body.error.code, expected, why);
      const raw = /** @type {{ authorizationUrl?: string, sessionStatus?: string }} */ (reply);
      for (const part of [raw.authorizationUrl, raw.sessionStatus, "provider.example", "<script", "alert", "javascript:", "data:", "//"]) {
        if (part !== undefined) assert.ok(!text.includes(part), `${why}: ${part}`);
      }
    }
    await mf.close();
  }

  // The callback page, when the service's error or the provider's error_description carries markup:
  // neither reaches the page, which says only the fixed message for its code.
  const endpoint = await fakeService(t, { authorizationUrl: "https://provider.example/authorize", sessionUri: session }, [
    400,
    { "x-amzn-errortype": "ValidationException" },
    { __type: "ValidationException", message: `${SCRIPT} user-secret-detail` },
  ]);
  const mf = await worker(t, vars(endpoint, creds));
  const { cookie, userId } = await login(mf);
  const state = () => createCustomState({ secret: STATE_SECRET, binding: bindingOf(userId) });
  const page = async (query) => {
    const url = new URL(`${ORIGIN}/agentcore/callback`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const out = await callback(mf, url.href, cookie);
    assert.equal(out.text.match(/<script/g)?.length, 1, out.text); // the page's own, nonce-allowed script
    for (const part of ["alert", "&lt;script", "\\u003cscript", "user-secret-detail"]) assert.ok(!out.text.includes(part), `${part} in ${out.text}`);
    assert.match(out.text, /<script nonce="[A-Za-z0-9+/=]+">/);
    return out;
  };
  const failed = await page({ session_id: session, state: await state() });
  assert.equal(failed.status, 400);
  assert.equal(failed.outcome.code, "service_validation");
  const denied = await page({ error: "access_denied", error_description: SCRIPT + " user-secret-detail", state: await state() });
  assert.equal(denied.status, 403);
  assert.equal(denied.outcome.code, "authorization_denied");
  const odd = await page({ session_id: `${SCRIPT}user-secret-detail`, state: await state() });
  assert.equal(odd.status, 400);
  assert.equal(odd.outcome.code, "session_id_invalid");
});

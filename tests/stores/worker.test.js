// The example Worker (www/worker/) in workerd through Miniflare, with its Durable Object bound as
// wrangler.toml binds it: one state raced by 50 concurrent callbacks, a fresh state, the object's
// storage emptied by its alarm after the expiry; and what makes it safe to deploy: settings
// checked, identity only from a signed cookie, escaped pages, https-only redirects.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { consent, emulator, project, root } from "../runtimes/support.js";
import { nonceOf, pkg } from "./support.js";

const STATE_SECRET = "worker-stores-state-secret-0123456789abcdef";
// Only a URL: dispatchFetch hands it to the Worker as the request URL (the emulator accepts return
// URLs on loopback with a port).
const ORIGIN = "http://127.0.0.1:8788";

/** The test's entry: the example Worker, its Durable Object extended with a read-only storage route. */
const ENTRY = `
import worker, { StateStoreDurableObject as Base } from "./worker.js";
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
export default worker;
`;

let bundled;
/** The example Worker bundled against the packed package, as wrangler would (workerd conditions). */
function bundle() {
  if (bundled) return bundled;
  const dir = project("stores-worker", { "worker.js": readFileSync(join(root, "www", "worker", "worker.js"), "utf8"), "entry.js": ENTRY });
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
  PROVIDER_NAME: "demo-user-provider",
  SCOPES: "profile",
  AGENTCORE_ENDPOINT: endpoint,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  STATE_SECRET,
});

/** Miniflare running the example, disposed when the test ends. */
async function worker(t, bindings, { durableObject = true } = {}) {
  const mf = new Miniflare({
    scriptPath: bundle(),
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    bindings,
    ...(durableObject ? { durableObjects: { AGENTCORE_STATE: { className: "StateStoreDurableObject", useSQLite: true } } } : {}),
  });
  let disposed = false;
  mf.close = async () => {
    if (!disposed) {
      disposed = true;
      await mf.dispose();
    }
  };
  t.after(() => mf.close());
  return mf;
}

/** POST /login: the session cookie ("session=...") and its Set-Cookie attributes. */
async function login(mf, origin = ORIGIN) {
  const res = await mf.dispatchFetch(`${origin}/login`, { method: "POST", redirect: "manual" });
  assert.equal(res.status, 303, await res.text());
  const setCookie = /** @type {string} */ (res.headers.get("set-cookie"));
  return { cookie: setCookie.split(";")[0], setCookie };
}

/** The user id inside a session cookie (its payload; the Worker checks the MAC). */
const userOf = (cookie) => JSON.parse(Buffer.from(cookie.split("=")[1].split(".")[0], "base64url").toString()).sub;

/** Login, POST /connect, the emulator's consent: the callback URL the provider sends the browser to. */
async function startFlow(mf) {
  const { cookie } = await login(mf);
  const res = await mf.dispatchFetch(`${ORIGIN}/connect`, { method: "POST", headers: { cookie }, redirect: "manual" });
  assert.equal(res.status, 303, await res.text());
  const callback = await consent(/** @type {string} */ (res.headers.get("location")), "allow");
  assert.equal(callback.origin, ORIGIN);
  return { cookie, callback };
}

/** What the Durable Object named after `nonce` holds, through the test's route. */
async function storageOf(mf, nonce) {
  const ns = await mf.getDurableObjectNamespace("AGENTCORE_STATE");
  const res = await ns.get(ns.idFromName(nonce)).fetch("https://test/test/storage");
  return res.json();
}

test("the example Worker: 50 concurrent callbacks with one state, exactly one accepted; storage empty after the expiry", { timeout: 120_000 }, async (t) => {
  const { createCustomState } = await pkg();
  const emu = await emulator(t);
  const mf = await worker(t, vars(emu.url, emu.credentials));

  // One state, 50 callbacks at once (as from many tabs, or a replaying attacker, on many instances).
  const { cookie, callback } = await startFlow(mf);
  const state = /** @type {string} */ (callback.searchParams.get("state"));
  const answers = await Promise.all(Array.from({ length: 50 }, () => mf.dispatchFetch(callback.href, { headers: { cookie } }).then(async (r) => ({ status: r.status, text: await r.text() }))));
  const accepted = answers.filter((a) => a.status === 200);
  assert.equal(accepted.length, 1, JSON.stringify(answers.map((a) => a.status)));
  assert.match(accepted[0].text, /Connected: a token of \d+ characters is in the vault for user-/);
  const refused = answers.filter((a) => a.status !== 200);
  assert.equal(refused.length, 49);
  assert.ok(refused.every((a) => a.status === 400 && a.text.includes("Refused: state_replayed.")), JSON.stringify(refused.slice(0, 2)));
  const ops = emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth");
  assert.equal(ops.length, 1, "the session was bound once");

  // The object named after the nonce holds it until 5 minutes (the clock-skew allowance) after the
  // state's expiry, with its alarm set then.
  const keepUntil = Number(Buffer.from(state, "base64url").readBigUInt64BE(17)) + 5 * 60_000;
  const held = await storageOf(mf, nonceOf(state));
  assert.deepEqual(held, { entries: { [`nonce:${nonceOf(state)}`]: keepUntil }, alarm: keepUntil });

  // A fresh state (another user, another flow) is accepted once.
  const fresh = await startFlow(mf);
  const first = await mf.dispatchFetch(fresh.callback.href, { headers: { cookie: fresh.cookie } });
  assert.equal(first.status, 200, await first.text());
  const again = await mf.dispatchFetch(fresh.callback.href, { headers: { cookie: fresh.cookie } });
  assert.equal(again.status, 400);
  assert.match(await again.text(), /Refused: state_replayed\./);

  // A short-lived state (made here with the Worker's secret for the signed-in user): accepted and
  // held, its alarm set 5 minutes after its expiry (the alarm's clean-up itself is tested with a
  // storage in memory, in durable-object.test.js).
  const short = await startFlow(mf);
  const shortState = await createCustomState({ secret: STATE_SECRET, binding: userOf(short.cookie), ttlSeconds: 10 });
  const shortCallback = new URL(short.callback);
  shortCallback.searchParams.set("state", shortState);
  const ok = await mf.dispatchFetch(shortCallback.href, { headers: { cookie: short.cookie } });
  assert.equal(ok.status, 200, await ok.text());
  const nonce = nonceOf(shortState);
  const before = await storageOf(mf, nonce);
  const shortKeep = Number(Buffer.from(shortState, "base64url").readBigUInt64BE(17)) + 5 * 60_000;
  assert.deepEqual(before, { entries: { [`nonce:${nonce}`]: shortKeep }, alarm: shortKeep });
  // And the first state's object is untouched.
  assert.equal(Object.keys((await storageOf(mf, nonceOf(state))).entries).length, 1);
});

test("the example Worker refuses to run without its settings: 500 and a generic page", { timeout: 60_000 }, async (t) => {
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const full = vars("http://127.0.0.1:9", creds);
  const cases = [
    ["no STATE_SECRET", { ...full, STATE_SECRET: undefined }, true],
    ["an empty STATE_SECRET", { ...full, STATE_SECRET: "" }, true],
    ["a STATE_SECRET of 31 bytes", { ...full, STATE_SECRET: "x".repeat(31) }, true],
    ["no AWS_SECRET_ACCESS_KEY", { ...full, AWS_SECRET_ACCESS_KEY: undefined }, true],
    ["no AWS_ACCESS_KEY_ID", { ...full, AWS_ACCESS_KEY_ID: undefined }, true],
    ["no Durable Object binding", full, false],
  ];
  for (const [why, bindings, durableObject] of cases) {
    const mf = await worker(t, Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined)), { durableObject });
    for (const [path, method] of [["/", "GET"], ["/login", "POST"], ["/callback?state=x&session_id=y", "GET"]]) {
      const res = await mf.dispatchFetch(`${ORIGIN}${path}`, { method, redirect: "manual" });
      const text = await res.text();
      assert.equal(res.status, 500, `${why}: ${path}`);
      assert.match(text, /This Worker is not configured\./);
      assert.equal(res.headers.get("set-cookie"), null);
      assert.ok(!text.includes(creds.secretAccessKey) && !text.includes("STATE_SECRET"), why);
    }
    await mf.close();
  }
});

test("the example Worker takes the user only from its signed session cookie", { timeout: 60_000 }, async (t) => {
  const emu = await emulator(t);
  const mf = await worker(t, vars(emu.url, emu.credentials));
  // No cookie: a user named in the query is ignored.
  for (const path of ["/connect?user=alice", "/connect?user=alice&uid=alice"]) {
    const res = await mf.dispatchFetch(`${ORIGIN}${path}`, { method: "POST", redirect: "manual" });
    assert.equal(res.status, 401);
  }
  const home = await mf.dispatchFetch(`${ORIGIN}/?user=alice`);
  assert.doesNotMatch(await home.text(), /alice/);
  const old = await mf.dispatchFetch(`${ORIGIN}/connect`, { method: "POST", headers: { cookie: "uid=alice" }, redirect: "manual" });
  assert.equal(old.status, 401, "the old unsigned cookie is not a session");

  // The cookie: HttpOnly, SameSite=Lax, Secure (dropped only for plain http on a loopback host).
  const local = await login(mf);
  assert.match(local.setCookie, /; HttpOnly; SameSite=Lax$/);
  const remote = await login(mf, "https://app.example");
  assert.match(remote.setCookie, /; HttpOnly; SameSite=Lax; Secure$/);
  const remoteHttp = await login(mf, "http://app.example");
  assert.match(remoteHttp.setCookie, /; Secure$/);

  // A forged or altered cookie is no session: another user in the payload, a wrong MAC.
  const [payload, mac] = local.cookie.split("=")[1].split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: "alice" })).toString("base64url");
  const expired = Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString("base64url");
  const flipped = (mac[0] === "A" ? "B" : "A") + mac.slice(1);
  for (const cookie of [`session=${forged}.${mac}`, `session=${expired}.${mac}`, `session=${payload}.${flipped}`, `session=${payload}`]) {
    const res = await mf.dispatchFetch(`${ORIGIN}/connect`, { method: "POST", headers: { cookie }, redirect: "manual" });
    assert.equal(res.status, 401, cookie);
  }
  // The real one works, and binds the state to its user: another user's callback is refused.
  const a = await startFlow(mf);
  const b = await startFlow(mf);
  const crossed = await mf.dispatchFetch(b.callback.href, { headers: { cookie: a.cookie } });
  assert.equal(crossed.status, 400);
  assert.match(await crossed.text(), /Refused: state_mismatch\./);
});

/** A stand-in for the service on loopback: a workload token, then `oauth2Token` for the token call. */
async function fakeService(t, oauth2Token) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = req.url === "/identities/oauth2/token" ? oauth2Token : { workloadAccessToken: "workload-token" };
      res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": "fake" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", () => r(undefined)));
  t.after(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
}

test("the example Worker escapes what the service says and redirects only to https (http on loopback)", { timeout: 60_000 }, async (t) => {
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const cases = [
    [{ sessionStatus: '<script>alert("x")</script>' }, 502, /The session is &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;\./],
    [{ authorizationUrl: "javascript:alert(1)", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 502, /will not follow/],
    [{ authorizationUrl: "http://provider.example/authorize", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 502, /will not follow/],
    [{ authorizationUrl: "data:text/html,<script>", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 502, /will not follow/],
    [{ authorizationUrl: "//provider.example/authorize", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 502, /will not follow/],
    [{ authorizationUrl: "https://provider.example/authorize?x=1", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 303, "https://provider.example/authorize?x=1"],
    [{ authorizationUrl: "http://localhost:8787/consent", sessionUri: "urn:ietf:params:oauth:request_uri:s" }, 303, "http://localhost:8787/consent"],
  ];
  for (const [reply, status, expected] of cases) {
    const endpoint = await fakeService(t, reply);
    const mf = await worker(t, vars(endpoint, creds));
    const { cookie } = await login(mf);
    const res = await mf.dispatchFetch(`${ORIGIN}/connect`, { method: "POST", headers: { cookie }, redirect: "manual" });
    const text = await res.text();
    assert.equal(res.status, status, `${JSON.stringify(reply)}: ${text}`);
    if (status === 303) assert.equal(res.headers.get("location"), expected);
    else {
      assert.match(text, /** @type {RegExp} */ (expected));
      assert.doesNotMatch(text, /<script/);
      assert.equal(res.headers.get("location"), null);
    }
    await mf.close();
  }
});

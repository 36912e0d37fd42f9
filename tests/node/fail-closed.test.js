// Fail closed: every wrong secret, clock, binding, expectation, store answer, endpoint or provider
// result is refused with a typed error, never weakens a check, never traps the module and never
// leaves a promise unsettled. One test per way the package once failed open.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { nodeEntry } from "../support/package.mjs";
import { clientFor, emulator, pkg, rejection, RETURN_URL } from "./helpers.js";

const SECRET = "fail-closed-test-secret-0123456789abcdef";
const SESSION = "urn:ietf:params:oauth:request_uri:fail-closed";
// The real clock: the single-use store refuses expiries in its past.
const NOW = Date.now();
const m2m = { workloadIdentityToken: "w", resourceCredentialProviderName: "p", scopes: ["s"], oauth2Flow: "M2M" };

function url(params) {
  const u = new URL(RETURN_URL);
  for (const [k, v] of params) u.searchParams.append(k, v);
  return u;
}

async function callbackCode(promise) {
  const e = await rejection(promise);
  assert.ok(e instanceof pkg.CallbackError, `${e?.name}: ${e?.message}`);
  return e.code;
}

async function configRefusal(promise) {
  const e = await rejection(promise);
  assert.ok(e instanceof pkg.ConfigurationError, `${e?.name}: ${e?.message}`);
  return e;
}

/** A store that records each consume. */
function spyStore() {
  const calls = [];
  return { calls, async consume(nonce, exp) { calls.push([nonce, exp]); return true; } };
}

/** A state MACed as the package does, with any key: what an attacker can make with a known key. */
function forge(key, binding, expiresAt) {
  const raw = Buffer.alloc(1 + 16 + 8);
  raw[0] = 1;
  raw.writeBigUInt64BE(BigInt(expiresAt), 17);
  const b = Buffer.from(binding);
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(b.length));
  const mac = createHmac("sha256", key).update("agentcore-identity-edge customState\0").update(raw).update(len).update(b).digest();
  return Buffer.concat([raw, mac]).toString("base64url");
}

test("weak state secrets are refused when verifying, as when creating", async () => {
  const forged = forge(Buffer.alloc(0), "alice", NOW + 600_000);
  for (const stateSecret of ["", new Uint8Array(0), "changeme", new ArrayBuffer(31), "x".repeat(31)]) {
    const store = spyStore();
    const e = await configRefusal(pkg.handleOauth2Callback(url([["state", forged], ["session_id", SESSION]]), { stateSecret, binding: "alice", now: NOW, stateStore: store }));
    assert.match(e.message, /at least 32 bytes/);
    assert.equal(store.calls.length, 0);
    await configRefusal(pkg.createCustomState({ secret: stateSecret }));
  }
  for (const stateSecret of [null, 5, {}, [], Symbol("s"), true]) {
    await configRefusal(pkg.handleOauth2Callback(url([["state", forged], ["session_id", SESSION]]), { stateSecret, binding: "alice", now: NOW }));
  }
  // The forged state is a plain mismatch under a real secret.
  assert.equal(await callbackCode(pkg.handleOauth2Callback(url([["state", forged], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "alice", now: NOW })), "state_mismatch");
});

test("a now that is not a positive, finite number of milliseconds is refused; undefined is the real clock", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "a" });
  for (const now of [null, NaN, "1780000000000", -1, 0, Infinity, -Infinity, {}, 10n]) {
    await configRefusal(pkg.createCustomState({ secret: SECRET, now }));
    const store = spyStore();
    await configRefusal(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "a", now, stateStore: store }));
    assert.equal(store.calls.length, 0);
  }
  const r = await pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "a" });
  assert.equal(r.sessionUri, SESSION);
  // An expired state stays expired: the clock cannot be turned back to zero by a bad value.
  const old = await pkg.createCustomState({ secret: SECRET, binding: "a", now: 1000, ttlSeconds: 1 });
  assert.equal(await callbackCode(pkg.handleOauth2Callback(url([["state", old], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "a" })), "state_expired");
});

test("a non-string expectedState is refused, and the module keeps working after many", async () => {
  const q = url([["state", "x"], ["session_id", SESSION]]);
  for (let i = 0; i < 500; i++) {
    for (const expectedState of [1, true, {}, [], null, 1.5, Symbol("x"), 1n, () => "x", ""]) {
      await configRefusal(pkg.handleOauth2Callback(q, { expectedState, expectedStateIssuedAt: Date.now() }));
    }
  }
  const s = await pkg.createCustomState({ secret: SECRET, binding: "after" });
  const r = await pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "after" });
  assert.equal(r.customState, s);
});

test("bindings are well-formed strings or bytes, never coerced", async () => {
  for (const binding of [{}, { a: 1 }, null, ["a", "b"], 5, true, Symbol("b"), "\ud800", "a\udc00b", "", new Uint8Array(0), new ArrayBuffer(0)]) {
    await configRefusal(pkg.createCustomState({ secret: SECRET, binding }));
  }
  const s = await pkg.createCustomState({ secret: SECRET, binding: "a,b", now: NOW });
  for (const binding of [["a", "b"], {}, null, "\ud800", 5, true, Symbol("b"), "", new Uint8Array(0)]) {
    const store = spyStore();
    await configRefusal(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding, now: NOW, stateStore: store }));
    assert.equal(store.calls.length, 0, "refused before the store is asked");
  }
  // A string binding is its UTF-8 bytes.
  const r = await pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: new TextEncoder().encode("a,b"), now: NOW });
  assert.equal(r.customState, s);
  // An empty binding is not "no binding": a state bound to no one is not accepted for a user id of "".
  const unbound = await pkg.createCustomState({ secret: SECRET, now: NOW });
  await configRefusal(pkg.handleOauth2Callback(url([["state", unbound], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "", now: NOW }));
  const n = await pkg.createCustomState({ secret: SECRET, binding: "null", now: NOW });
  await configRefusal(pkg.handleOauth2Callback(url([["state", n], ["session_id", SESSION]]), { stateSecret: SECRET, binding: null, now: NOW }));
});

test("with both stateSecret and expectedState, both are checked", async () => {
  const mine = await pkg.createCustomState({ secret: SECRET, binding: "victim", now: NOW });
  const attackers = await pkg.createCustomState({ secret: SECRET, binding: "victim", now: NOW });
  assert.equal(
    await callbackCode(pkg.handleOauth2Callback(url([["state", attackers], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "victim", expectedState: mine, now: NOW })),
    "state_mismatch",
  );
  const r = await pkg.handleOauth2Callback(url([["state", mine], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "victim", expectedState: mine, now: NOW });
  assert.equal(r.customState, mine);
});

test("a binding given with a stored state (expectedState without stateSecret) is refused, not ignored", async () => {
  const stored = "app-stored-state-with-binding";
  const cb = url([["state", stored], ["session_id", SESSION]]);
  for (const binding of ["alice", new TextEncoder().encode("alice")]) {
    const store = spyStore();
    const e = await configRefusal(pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: NOW, binding, stateStore: store }));
    assert.match(e.message, /binding/);
    assert.ok(!e.message.includes(stored));
    assert.equal(store.calls.length, 0, "refused before the store is asked");
  }
  // Without the binding the same stored state is accepted.
  const r = await pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: NOW, stateStore: spyStore() });
  assert.equal(r.customState, stored);
});

test("expectedState is at least 22 characters (128 bits in base64url)", async () => {
  for (const stored of ["a", "abc", "x".repeat(21)]) {
    const store = spyStore();
    const e = await configRefusal(pkg.handleOauth2Callback(url([["state", stored], ["session_id", SESSION]]), { expectedState: stored, expectedStateIssuedAt: NOW, stateStore: store }));
    assert.match(e.message, /at least 22 characters/);
    assert.equal(store.calls.length, 0);
  }
  const stored = "y".repeat(22);
  const r = await pkg.handleOauth2Callback(url([["state", stored], ["session_id", SESSION]]), { expectedState: stored, expectedStateIssuedAt: NOW, stateStore: spyStore() });
  assert.equal(r.customState, stored);
});

test("a stored state has an issue time and a lifetime; single use outlives acceptance", async () => {
  const stored = "app-stored-state-lifetime";
  const cb = url([["state", stored], ["session_id", SESSION]]);
  // Without an issue time it is a configuration error, not an unbounded acceptance.
  await configRefusal(pkg.handleOauth2Callback(cb, { expectedState: stored }));
  const store = spyStore();
  const issued = NOW;
  await pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued, ttlSeconds: 60, now: issued + 1000, stateStore: store });
  assert.equal(store.calls[0][1], issued + 60_000, "the single-use entry lives until the state stops being accepted");
  // A store that forgot the entry at that time cannot let the same callback through again later.
  const forgetful = spyStore();
  assert.equal(await callbackCode(pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued, ttlSeconds: 60, now: issued + 60_000, stateStore: forgetful })), "state_expired");
  assert.equal(forgetful.calls.length, 0);
  // Without ttlSeconds the lifetime is 600 seconds.
  const byDefault = spyStore();
  await pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued, now: issued + 599_000, stateStore: byDefault });
  assert.equal(byDefault.calls[0][1], issued + 600_000);
  assert.equal(await callbackCode(pkg.handleOauth2Callback(cb, { expectedState: stored, expectedStateIssuedAt: issued, now: issued + 600_000, stateStore: spyStore() })), "state_expired");
});

test("oversized queries and too many parameters are refused before any state work", async () => {
  const store = spyStore();
  const big = `?state=${"a".repeat(256 * 1024)}&session_id=${SESSION}`;
  assert.equal(await callbackCode(pkg.handleOauth2Callback(big, { stateSecret: SECRET, stateStore: store })), "query_too_large");
  // A URL, URLSearchParams or Request holds any length: the same cap, before the core copies it.
  for (const input of [new URL(`https://app.example/cb${big}`), new URLSearchParams(big), new Request(`https://app.example/cb${big}`)]) {
    assert.equal(await callbackCode(pkg.handleOauth2Callback(input, { stateSecret: SECRET, stateStore: store })), "query_too_large");
  }
  const many = "?" + Array.from({ length: 40 }, (_, i) => `p${i}=1`).join("&");
  assert.equal(await callbackCode(pkg.handleOauth2Callback(many, { stateSecret: SECRET, stateStore: store })), "query_too_large");
  // At the limits, 16 KiB after the `?` and 16 parameters, the query is read (and fails later for
  // its content); one byte or one parameter more is refused.
  const sized = (n) => `?state=x&p=${"a".repeat(n - "state=x&p=".length)}`;
  assert.notEqual(await callbackCode(pkg.handleOauth2Callback(sized(16 * 1024), { stateSecret: SECRET, stateStore: store })), "query_too_large");
  assert.equal(await callbackCode(pkg.handleOauth2Callback(sized(16 * 1024 + 1), { stateSecret: SECRET, stateStore: store })), "query_too_large");
  const params = (n) => "?state=x" + Array.from({ length: n - 1 }, (_, i) => `&p${i}=1`).join("");
  assert.notEqual(await callbackCode(pkg.handleOauth2Callback(params(16), { stateSecret: SECRET, stateStore: store })), "query_too_large");
  assert.equal(await callbackCode(pkg.handleOauth2Callback(params(17), { stateSecret: SECRET, stateStore: store })), "query_too_large");
  const dup = "?" + Array.from({ length: 10 }, () => "p=1").join("&");
  assert.equal(await callbackCode(pkg.handleOauth2Callback(dup, { stateSecret: SECRET, stateStore: store })), "parameter_duplicated");
  assert.equal(store.calls.length, 0);
});

test("a query with :// is a query, a path with a query is Node's req.url, and a bad URL burns nothing", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "q", now: NOW });
  const opts = { stateSecret: SECRET, binding: "q", now: NOW };
  const query = `error=access_denied&error_uri=${"https://example.com/why"}&state=${s}`;
  assert.equal(await callbackCode(pkg.handleOauth2Callback(query, { ...opts, stateStore: spyStore() })), "authorization_denied");
  const path = `/callback?session_id=${encodeURIComponent(SESSION)}&state=${s}`;
  const r = await pkg.handleOauth2Callback(path, { ...opts, stateStore: spyStore() });
  assert.equal(r.sessionUri, SESSION);
  const store = spyStore();
  const e = await configRefusal(pkg.handleOauth2Callback(`http://[bad host/callback?state=${s}`, { ...opts, stateStore: store }));
  assert.equal(store.calls.length, 0);
  for (const text of [e.message, String(e.stack), JSON.stringify(e), JSON.stringify(Object.entries(e))]) assert.ok(!text.includes(s));
});

test("client and userIdentifier go together", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "u", now: NOW });
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  for (const extra of [
    { client },
    { userIdentifier: { userId: "u" } },
    { client: {}, userIdentifier: { userId: "u" } },
    { client, userIdentifier: "u" },
    // A wrong identifier is refused before the state is consumed, not by the service after.
    { client, userIdentifier: { userId: 5 } },
    { client, userIdentifier: { userId: "" } },
    { client, userIdentifier: { userId: "u", userToken: "t" } },
    { client, userIdentifier: {} },
    // ttlSeconds is checked even where only stateSecret is used.
    { ttlSeconds: "x" },
    { ttlSeconds: 0 },
  ]) {
    const store = spyStore();
    await configRefusal(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "u", now: NOW, stateStore: store, ...extra }));
    assert.equal(store.calls.length, 0);
  }
  // An identifier the model refuses (too long, off its pattern, unknown members) is the call's
  // ParamValidationError, before the state is consumed; the same callback then still completes.
  const completed = [];
  const fetch = async (_u, init) => {
    completed.push(JSON.parse(String(init.body)));
    return new Response("{}", { status: 200 });
  };
  const real = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, fetch });
  const store = new pkg.InMemoryStateStore();
  const cb = url([["state", s], ["session_id", SESSION]]);
  for (const userIdentifier of [{ userId: "x".repeat(129) }, { userToken: "ab" }, { userId: "u", extra: 1 }]) {
    const e = await rejection(pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "u", now: NOW, stateStore: store, client: real, userIdentifier }));
    assert.ok(e instanceof pkg.ParamValidationError, `${e?.name}: ${e?.message}`);
  }
  assert.equal(completed.length, 0);
  const r = await pkg.handleOauth2Callback(cb, { stateSecret: SECRET, binding: "u", now: NOW, stateStore: store, client: real, userIdentifier: { userId: "u" } });
  assert.equal(r.completed, true);
  assert.deepEqual(completed, [{ userIdentifier: { userId: "u" }, sessionUri: SESSION }]);
});

test("a revoked proxy as options is a ConfigurationError in every constructor", async () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  assert.throws(() => new pkg.RedisStateStore(revoked()), pkg.ConfigurationError);
  const e = await rejection(new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }).getResourceOauth2Token(m2m, revoked()));
  assert.ok(e instanceof pkg.ConfigurationError, e?.name);
});

test("the provider's error description never reaches the message, and is cleaned", async () => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "d", now: NOW });
  const description = `<script>alert(1)</script>\u202Eevil\u2066\u200B\u0007${"x".repeat(1000)}`;
  const e = await rejection(pkg.handleOauth2Callback(url([["state", s], ["error", "access_denied"], ["error_description", description]]), { stateSecret: SECRET, binding: "d", now: NOW }));
  assert.equal(e.code, "authorization_denied");
  assert.equal(e.error, "access_denied");
  assert.ok(!e.message.includes("script") && !e.message.includes("evil"), e.message);
  assert.ok(!/[\u202E\u2066\u200B\u0007]/.test(e.errorDescription));
  assert.ok(e.errorDescription.length <= 256);
  const odd = await rejection(pkg.handleOauth2Callback(url([["state", await pkg.createCustomState({ secret: SECRET, binding: "d", now: NOW })], ["error", "bad\u202Ecode\n<b>"]]), { stateSecret: SECRET, binding: "d", now: NOW }));
  assert.match(odd.error, /^[\x21\x23-\x5B\x5D-\x7E]+$/);
});

test("a store that fails, or answers anything but a boolean, refuses the callback", async () => {
  for (const consume of [async () => { throw new Error("down"); }, () => { throw new Error("sync"); }, async () => "yes", async () => 1, async () => undefined, async () => ({})]) {
    const s = await pkg.createCustomState({ secret: SECRET, binding: "st", now: NOW });
    const code = await callbackCode(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "st", now: NOW, stateStore: { consume } }));
    assert.equal(code, "state_store_unavailable");
  }
  for (const stateStore of [null, {}, { consume: 1 }, "store"]) {
    await configRefusal(pkg.handleOauth2Callback("?state=x", { stateSecret: SECRET, stateStore }));
  }
  // The store's own error is the refusal's cause.
  const down = new Error("down");
  const s = await pkg.createCustomState({ secret: SECRET, binding: "st", now: NOW });
  const e = await rejection(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "st", now: NOW, stateStore: { consume: async () => { throw down; } } }));
  assert.equal(e.code, "state_store_unavailable");
  assert.equal(e.cause, down);
});

test("the shared stores time out by default: Redis after 5 s, a Durable Object after 10 s", { timeout: 30_000 }, async (t) => {
  const alive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(alive));
  // The Cloudflare entry of the same installed package (its errors are the main entry's classes).
  const { nodeEntry } = await import("../support/package.mjs");
  const { pathToFileURL } = await import("node:url");
  const { DurableObjectStateStore } = await import(new URL("node_modules/agentcore-identity-edge/www/cloudflare.js", pathToFileURL(nodeEntry())).href);
  const hang = () => new Promise(() => {});
  const nonce = "A".repeat(22);
  const stores = [
    [new pkg.RedisStateStore({ sendCommand: hang }), /within 5000 ms/],
    [new DurableObjectStateStore({ idFromName: () => "id", get: () => ({ fetch: hang }) }), /within 10000 ms/],
  ];
  await Promise.all(
    stores.map(async ([store, message]) => {
      const e = await rejection(store.consume(nonce, Date.now() + 60_000));
      assert.ok(e instanceof pkg.RequestTimeoutError, `${e?.name}: ${e?.message}`);
      assert.match(e.message, message);
    }),
  );
});

test("handleOauth2Callback waits 30 s for a store that does not answer, then refuses", async (t) => {
  const s = await pkg.createCustomState({ secret: SECRET, binding: "d" });
  /** @type {() => void} */
  let asked = () => {};
  const consumeCalled = new Promise((r) => (asked = r));
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let settled = false;
  const pending = rejection(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "d", stateStore: { consume: () => (asked(), new Promise(() => {})) } })).finally(() => (settled = true));
  await consumeCalled;
  t.mock.timers.tick(29_999);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "still waiting before 30 s");
  t.mock.timers.tick(1);
  const e = await pending;
  assert.ok(e instanceof pkg.CallbackError && e.code === "state_store_unavailable", `${e?.name} ${e?.code}`);
  assert.match(e.message, /within 30000 ms/);
});

test("credentials providers returning odd values give CredentialsProviderError, and every call settles", async () => {
  const fetch = async () => new Response("{}", { status: 200 });
  const good = { accessKeyId: "AKID", secretAccessKey: "secret" };
  const results = [
    Symbol("c"), 1n, null, "creds", { ...good, expiration: Symbol("e") }, { ...good, expiration: 10n }, { ...good, expiration: {} },
    { ...good, expiration: "not a date" }, { ...good, accessKeyId: Symbol("a") }, { ...good, sessionToken: 5 }, { accessKeyId: "", secretAccessKey: "s" },
    new Proxy({}, { get() { throw new Error("trap"); } }),
    Object.defineProperty({ ...good }, "secretAccessKey", { get() { throw new Error("getter"); } }),
  ];
  for (const value of results) {
    const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", fetch, credentials: async () => value });
    const e = await rejection(client.getResourceOauth2Token(m2m));
    assert.ok(e instanceof pkg.CredentialsProviderError, `${typeof value}: ${e?.name} ${e?.message}`);
  }
  const throwing = new pkg.AgentCoreIdentityClient({ region: "us-east-1", fetch, credentials: () => { throw Symbol("thrown"); } });
  assert.ok((await rejection(throwing.getResourceOauth2Token(m2m))) instanceof pkg.CredentialsProviderError);
});

test("a timeout with a caller's signal works without AbortSignal.any", async (t) => {
  const emu = await emulator(t);
  const any = AbortSignal.any;
  delete AbortSignal.any;
  t.after(() => { AbortSignal.any = any; });
  const client = clientFor(emu, { requestTimeoutMs: 5000 });
  const ac = new AbortController();
  const token = await client.getWorkloadAccessToken({ workloadName: "demo-workload" }, { signal: ac.signal });
  assert.ok(token.workloadAccessToken);
  const aborted = new AbortController();
  aborted.abort(new Error("stop"));
  const e = await rejection(client.getWorkloadAccessToken({ workloadName: "demo-workload" }, { signal: aborted.signal }));
  assert.equal(e.message, "stop");
});

test("the 1 MiB reply cap is enforced while a chunked body is read", async (t) => {
  let written = 0;
  let closedEarly = false;
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const total = 8 * 1024 * 1024;
    const pump = () => {
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    res.on("close", () => { closedEarly = written < total; });
    pump();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${server.address().port}`, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
  const e = await rejection(client.getResourceOauth2Token(m2m));
  assert.ok(e instanceof pkg.ResponseError, e.name);
  assert.match(e.message, /larger than 1048576 bytes/);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(closedEarly, `the client read ${written} bytes`);
});

test("the 1 MiB reply cap counts decoded bytes: a small gzip body that inflates past it is refused", async (t) => {
  const { gzipSync } = await import("node:zlib");
  // 8 MiB of spaces, about 8 KiB on the wire: its content-length is far under the cap.
  const packed = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": packed.length });
    res.end(packed);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  assert.ok(packed.length < 1024 * 1024);
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${server.address().port}`, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
  const e = await rejection(client.getResourceOauth2Token(m2m));
  assert.ok(e instanceof pkg.ResponseError, e.name);
  assert.match(e.message, /larger than 1048576 bytes/);
  // What fetch hands over after decoding is read only up to the cap: a 16 MiB decoded body whose
  // declared (wire) length is 8 KiB is cancelled after about 1 MiB.
  let pulled = 0;
  let cancelled = false;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const decoded = () =>
    new Response(
      new ReadableStream({
        pull(c) {
          if (pulled >= 16 * 1024 * 1024) return c.close();
          pulled += chunk.length;
          c.enqueue(chunk);
        },
        cancel() {
          cancelled = true;
        },
      }),
      { status: 200, headers: { "content-type": "application/json", "content-encoding": "gzip", "content-length": "8192" } },
    );
  const stubbed = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1, fetch: async () => decoded() });
  const e2 = await rejection(stubbed.getResourceOauth2Token(m2m));
  assert.ok(e2 instanceof pkg.ResponseError, e2.name);
  assert.ok(cancelled && pulled < 2 * 1024 * 1024, `read ${pulled} bytes, cancelled: ${cancelled}`);
});

test("replies and inputs are nested at most 32 levels", async () => {
  const nested = (/** @type {number} */ n) => `${"[".repeat(n)}1${"]".repeat(n)}`;
  const client = (/** @type {string} */ body) => new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1, fetch: async () => new Response(body) });
  // The reply's object is the first level.
  assert.equal((await client(`{"accessToken":"t","x":${nested(31)}}`).getResourceOauth2Token(m2m)).accessToken, "t");
  const e = await rejection(client(`{"accessToken":"t","x":${nested(32)}}`).getResourceOauth2Token(m2m));
  assert.ok(e instanceof pkg.ResponseError, e?.name);
  // The input's object too: 32 levels reach the model check, 33 are refused as not plain data.
  const at = (/** @type {number} */ n) => rejection(client('{"accessToken":"t"}').getResourceOauth2Token({ ...m2m, customParameters: { a: JSON.parse(nested(n)) } }));
  assert.match((await at(30)).message, /customParameters\["a"\]: expected a string/);
  assert.match((await at(31)).message, /plain data/);
});

test("a credentials expiration that only claims to be a Date gives CredentialsProviderError", async () => {
  const fake = { [Symbol.toStringTag]: "Date" };
  const throwing = { get [Symbol.toStringTag]() { throw new Error("tag"); } };
  for (const expiration of [fake, throwing]) {
    const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b", expiration }), fetch: async () => new Response("{}") });
    const e = await rejection(client.getWorkloadAccessToken({ workloadName: "workload" }));
    assert.ok(e instanceof pkg.CredentialsProviderError, `${e?.name}: ${e?.message}`);
  }
});

test("endpoints are refused unless fetch sends them as written, and http: is for loopback only", async () => {
  const creds = { accessKeyId: "a", secretAccessKey: "b" };
  for (const endpoint of ["https://h.example/a/../b", "https://h.example/./x", "https://h.example/a b", "https://h.example/é", "https://u:p@h.example", "https://h.example/?q=1", "https://h.example/#f", "http://h.example", "http://10.0.0.1:8080", "http://128.0.0.1", "http://app.localhost", "http://localhost.evil.example", "http://127.0.0.1.evil.example", "ftp://h.example", "h.example", ""]) {
    assert.throws(() => new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: creds }), pkg.ConfigurationError, endpoint);
  }
  for (const endpoint of ["http://127.0.0.1:8080", "http://127.8.9.10", "http://127.255.255.254:3", "http://localhost:1", "http://[::1]:2/base", "https://h.example/base/path", "https://h.example/%7e"]) {
    new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: creds });
  }
  // An explicit opt-in allows http: for other hosts.
  const seen = [];
  const fetch = async (u) => { seen.push(u); return new Response('{"accessToken":"t"}', { status: 200 }); };
  const out = await new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: "http://h.example", allowInsecureEndpoint: true, credentials: creds, fetch }).getResourceOauth2Token(m2m);
  assert.equal(out.accessToken, "t");
  assert.equal(seen[0], "http://h.example/identities/oauth2/token");
  // Any address in 127.0.0.0/8 is loopback for the core too.
  const loop = await new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: "http://127.8.9.10:3", credentials: creds, fetch }).getResourceOauth2Token(m2m);
  assert.equal(loop.accessToken, "t");
  assert.equal(seen[1], "http://127.8.9.10:3/identities/oauth2/token");
});

test("wrong types in the client configuration and call options are typed errors", async () => {
  const creds = { accessKeyId: "a", secretAccessKey: "b" };
  const bad = [
    { region: 5, credentials: creds }, { region: "us-east-1", credentials: creds, maxAttempts: "3" }, { region: "us-east-1", credentials: creds, maxAttempts: NaN },
    { region: "us-east-1", credentials: creds, useFipsEndpoint: "yes" }, { region: "us-east-1", credentials: creds, fetch: "fetch" },
    { region: "us-east-1", credentials: Symbol("c") }, { region: Symbol("r"), credentials: creds }, { region: "\ud800", credentials: creds },
    Object.defineProperty({ credentials: creds }, "region", { get() { throw new Error("getter"); } }),
  ];
  for (const config of bad) assert.throws(() => new pkg.AgentCoreIdentityClient(config), pkg.ConfigurationError);
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: creds, fetch: async () => new Response("{}") });
  for (const options of [5, "x", { signal: "s" }, { signal: {} }]) {
    assert.ok((await rejection(client.getResourceOauth2Token(m2m, options))) instanceof pkg.ConfigurationError);
  }
  // The flow's times are whole milliseconds in range.
  for (const options of [{ pollIntervalMs: 9 }, { pollIntervalMs: 10.5 }, { pollIntervalMs: 600_001 }, { timeoutMs: 0 }, { timeoutMs: 0.5 }, { timeoutMs: 86_400_001 }, { timeoutMs: NaN }, { pollIntervalMs: "50" }]) {
    assert.ok((await rejection(client.getResourceOauth2TokenOrAuthorize(m2m, options))) instanceof pkg.ConfigurationError, JSON.stringify(options));
  }
  // Its input is read once: a getter that throws the first time is the call's typed refusal, not
  // a second reading that succeeds.
  let reads = 0;
  const flaky = { ...m2m, get workloadIdentityToken() { if (reads++ === 0) throw new Error("first read"); return "w"; } };
  let handled = 0;
  const flakyErr = await rejection(client.getResourceOauth2TokenOrAuthorize(flaky, { onAuthorizationUrl: () => void handled++ }));
  assert.ok(flakyErr instanceof pkg.ParamValidationError, flakyErr?.name);
  assert.equal(reads, 1);
  assert.equal(handled, 0);
  // Its options may be left out, as the types say.
  assert.ok((await rejection(client.getResourceOauth2TokenOrAuthorize(m2m))) instanceof pkg.AuthorizationFlowError);
  for (const input of [null, 5, "x", [], Symbol("i"), new Proxy({}, { ownKeys() { throw new Error("trap"); } }), { a: () => 1 }]) {
    assert.ok((await rejection(client.getResourceOauth2Token(input))) instanceof pkg.ParamValidationError);
  }
  const cyclic = { ...m2m };
  cyclic.self = cyclic;
  assert.ok((await rejection(client.getResourceOauth2Token(cyclic))) instanceof pkg.ParamValidationError);
});

test("credentials that are not printable ASCII are refused: no header injection, no token in a cause", async () => {
  let requests = 0;
  const fetch = async () => {
    requests++;
    return new Response("{}");
  };
  for (const bad of ["tok\nx-injected\nCANARY", "tok\0CANARY", "tok\rCANARY", "tok CANARY", "tok\ud800"]) {
    for (const key of ["accessKeyId", "secretAccessKey", "sessionToken"]) {
      const credentials = { accessKeyId: "AKID", secretAccessKey: "secret", [key]: bad };
      const e = (() => {
        try {
          new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials, fetch });
        } catch (err) {
          return err;
        }
      })();
      assert.ok(e instanceof pkg.ConfigurationError, `${key}: ${e?.name}`);
      assert.ok(!e.message.includes("CANARY"));
      const provided = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: async () => credentials, fetch });
      const p = await rejection(provided.getResourceOauth2Token(m2m));
      assert.ok(p instanceof pkg.CredentialsProviderError, `${key}: ${p?.name}`);
      assert.ok(!p.message.includes("CANARY"));
    }
  }
  assert.equal(requests, 0);
});

test("every wait ends at the caller's abort or the timeout, whatever the fetch, provider, handler or store does", async () => {
  const hang = () => new Promise(() => {});
  const creds = { accessKeyId: "AKID", secretAccessKey: "secret" };
  const abortSoon = () => AbortSignal.timeout(50);
  // A fetch that ignores its signal.
  const timed = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: creds, fetch: hang, requestTimeoutMs: 50, maxAttempts: 2 });
  assert.ok((await rejection(timed.getResourceOauth2Token(m2m))) instanceof pkg.RequestTimeoutError);
  const ignoring = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: creds, fetch: hang });
  assert.equal((await rejection(ignoring.getResourceOauth2Token(m2m, { signal: abortSoon() }))).name, "TimeoutError");
  // A body that never ends.
  const stalled = new pkg.AgentCoreIdentityClient({
    region: "us-east-1",
    credentials: creds,
    requestTimeoutMs: 50,
    maxAttempts: 1,
    fetch: async () => new Response(new ReadableStream({ pull: hang })),
  });
  assert.ok((await rejection(stalled.getResourceOauth2Token(m2m))) instanceof pkg.RequestTimeoutError);
  // A credentials provider that never answers.
  const provider = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: hang, fetch: hang });
  assert.equal((await rejection(provider.getResourceOauth2Token(m2m, { signal: abortSoon() }))).name, "TimeoutError");
  // An authorization-URL handler that never returns: bounded by timeoutMs and by the signal.
  const authorizing = new pkg.AgentCoreIdentityClient({
    region: "us-east-1",
    credentials: creds,
    fetch: async () => new Response(JSON.stringify({ authorizationUrl: "https://idp.example/authorize", sessionUri: SESSION, sessionStatus: "IN_PROGRESS" })),
  });
  const flow = await rejection(authorizing.getResourceOauth2TokenOrAuthorize(m2m, { onAuthorizationUrl: hang, timeoutMs: 50 }));
  assert.ok(flow instanceof pkg.AuthorizationFlowError && flow.code === "timeout", flow.name);
  assert.equal((await rejection(authorizing.getResourceOauth2TokenOrAuthorize(m2m, { onAuthorizationUrl: hang, signal: abortSoon() }))).name, "TimeoutError");
  // A store that never answers.
  const s = await pkg.createCustomState({ secret: SECRET, binding: "h" });
  const stuck = await rejection(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "h", stateStore: { consume: hang }, signal: abortSoon() }));
  assert.equal(stuck.name, "TimeoutError");
  // Without a signal, stateStoreTimeoutMs bounds it (default 30 s).
  const unanswered = await rejection(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "h", stateStore: { consume: hang }, stateStoreTimeoutMs: 50 }));
  assert.ok(unanswered instanceof pkg.CallbackError && unanswered.code === "state_store_unavailable", `${unanswered?.name} ${unanswered?.code}`);
  for (const stateStoreTimeoutMs of [0, -1, 1.5, NaN, Infinity, "50", null, {}, Symbol("t"), 600_001]) {
    const spied = spyStore();
    await configRefusal(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "h", stateStore: spied, stateStoreTimeoutMs }));
    assert.equal(spied.calls.length, 0);
  }
  // An aborted signal refuses the callback before anything is consumed.
  const store = spyStore();
  const aborted = new AbortController();
  aborted.abort(new Error("stop"));
  const e = await rejection(pkg.handleOauth2Callback(url([["state", s], ["session_id", SESSION]]), { stateSecret: SECRET, binding: "h", stateStore: store, signal: aborted.signal }));
  assert.equal(e.message, "stop");
  assert.equal(store.calls.length, 0);
});

test("the flow's timeoutMs bounds every wait without requestTimeoutMs: the provider, the first call, a poll; the fetch sees its signal abort", async () => {
  const hang = () => new Promise(() => {});
  const creds = { accessKeyId: "AKID", secretAccessKey: "secret" };
  const pending = { authorizationUrl: "https://idp.example/authorize", sessionUri: SESSION, sessionStatus: "IN_PROGRESS" };
  const isTimeout = (/** @type {any} */ e, /** @type {string} */ what) => assert.ok(e instanceof pkg.AuthorizationFlowError && e.code === "timeout", `${what}: ${e?.name} ${e?.code}`);
  // A credentials provider that never answers, and no requestTimeoutMs.
  const provider = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: hang, fetch: hang });
  isTimeout(await rejection(provider.getResourceOauth2TokenOrAuthorize(m2m, { timeoutMs: 80 })), "provider");
  // The first call's fetch never answers; the fetch is handed a signal that aborts at the deadline.
  /** @type {AbortSignal[]} */
  const seen = [];
  const first = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: creds, fetch: (/** @type {any} */ _u, /** @type {any} */ init) => (seen.push(init.signal), hang()) });
  isTimeout(await rejection(first.getResourceOauth2TokenOrAuthorize(m2m, { timeoutMs: 500 })), "first call");
  assert.equal(seen.length, 1);
  assert.ok(seen[0].aborted, "the fetch's signal aborted at the deadline");
  // The first call asks for the user; a poll then never answers.
  let calls = 0;
  const polled = new pkg.AgentCoreIdentityClient({
    region: "us-east-1",
    credentials: creds,
    fetch: async () => (++calls === 1 ? new Response(JSON.stringify(pending)) : hang()),
  });
  const e = await rejection(polled.getResourceOauth2TokenOrAuthorize(m2m, { onAuthorizationUrl: () => {}, pollIntervalMs: 10, timeoutMs: 1000 }));
  isTimeout(e, "poll");
  assert.equal(e.sessionUri, SESSION);
  assert.equal(calls, 2);
  // The caller's abort still wins with its own reason, and a settled flow leaves no timer behind
  // (the test process would otherwise wait for the default 600 s deadline).
  const stop = new AbortController();
  const aborted = rejection(polled.getResourceOauth2TokenOrAuthorize(m2m, { onAuthorizationUrl: () => {}, signal: stop.signal }));
  stop.abort(new Error("stop"));
  assert.equal((await aborted).message, "stop");
  const done = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: creds, fetch: async () => new Response('{"accessToken":"t"}') });
  assert.equal((await done.getResourceOauth2TokenOrAuthorize(m2m)).accessToken, "t");
});

test("a throttled poll waits longer, never shorter: doubled up to 60 s, or the caller's pollIntervalMs when that is longer", async (t) => {
  const pending = { authorizationUrl: "https://idp.example/authorize", sessionUri: SESSION, sessionStatus: "IN_PROGRESS" };
  const throttled = () => new Response(JSON.stringify({ message: "slow down" }), { status: 429, headers: { "x-amzn-errortype": "ThrottlingException" } });
  // The pauses are recorded and not waited for.
  const realSetTimeout = globalThis.setTimeout;
  /** @type {number[]} */
  let pauses = [];
  globalThis.setTimeout = /** @type {any} */ ((/** @type {() => void} */ fn, /** @type {number} */ ms) => (pauses.push(ms), realSetTimeout(fn, ms >= 3_600_000 ? ms : 0)));
  t.after(() => (globalThis.setTimeout = realSetTimeout));
  for (const [pollIntervalMs, expected] of [[5000, [5000, 10_000, 20_000, 5000]], [120_000, [120_000, 120_000, 120_000, 120_000]]]) {
    pauses = [];
    let calls = 0;
    const client = new pkg.AgentCoreIdentityClient({
      region: "us-east-1",
      maxAttempts: 1,
      credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
      fetch: async () => [() => new Response(JSON.stringify(pending)), throttled, throttled, () => new Response(JSON.stringify(pending)), () => new Response('{"accessToken":"t"}')][calls++](),
    });
    const out = await client.getResourceOauth2TokenOrAuthorize(m2m, { onAuthorizationUrl: () => {}, pollIntervalMs, timeoutMs: 86_400_000 });
    assert.equal(out.accessToken, "t");
    assert.deepEqual(pauses.filter((ms) => ms < 3_600_000), expected, `pollIntervalMs ${pollIntervalMs}`);
  }
});

test("a first call whose module never loads (a .wasm GET that never answers) ends at the caller's abort and at the flow's deadline", () => {
  // The browser entry, installed from the tarball, in a process of its own: its module is not loaded yet.
  const browserEntry = pathToFileURL(join(dirname(nodeEntry()), "node_modules", "agentcore-identity-edge", "www", "index.js")).href;
  const script = `
globalThis.fetch = () => new Promise(() => {}); // the .wasm GET never answers
setInterval(() => {}, 1000); // AbortSignal.timeout's timer does not keep Node's event loop alive
const pkg = await import(${JSON.stringify(browserEntry)});
const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, fetch: async () => new Response("{}") });
const input = ${JSON.stringify(m2m)};
const out = {};
try { await client.getResourceOauth2Token(input, { signal: AbortSignal.timeout(100) }); out.call = "resolved"; } catch (e) { out.call = e.name; }
try { await client.getResourceOauth2TokenOrAuthorize(input, { timeoutMs: 100 }); out.flow = "resolved"; } catch (e) { out.flow = e.name + " " + e.code; }
console.log(JSON.stringify(out));
process.exit(0);
`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, `the calls did not end: ${r.signal ?? ""} ${r.stderr}`);
  assert.deepEqual(JSON.parse(r.stdout), { call: "TimeoutError", flow: "AuthorizationFlowError timeout" });
});

test("a fake AbortSignal, an issue time in the future and lone surrogates in the input are refused", async () => {
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, fetch: async () => new Response('{"accessToken":"t"}') });
  const fake = Object.create(AbortSignal.prototype);
  assert.ok((await rejection(client.getResourceOauth2Token(m2m, { signal: fake }))) instanceof pkg.ConfigurationError);
  assert.ok((await rejection(client.getResourceOauth2TokenOrAuthorize(m2m, { signal: fake }))) instanceof pkg.ConfigurationError);
  // A real signal that shadows what is read of it (a throwing getter, a replaced method) or whose
  // prototype was swapped is refused too, never read.
  const shadowed = (/** @type {string} */ name) => Object.defineProperty(new AbortController().signal, name, { get() { throw new Error(`own ${name}`); } });
  const swapped = Object.setPrototypeOf(new AbortController().signal, Object.create(AbortSignal.prototype));
  for (const signal of [shadowed("aborted"), shadowed("reason"), shadowed("addEventListener"), shadowed("removeEventListener"), swapped]) {
    assert.ok((await rejection(client.getResourceOauth2Token(m2m, { signal }))) instanceof pkg.ConfigurationError);
    assert.ok((await rejection(client.getResourceOauth2TokenOrAuthorize(m2m, { signal }))) instanceof pkg.ConfigurationError);
    await configRefusal(pkg.handleOauth2Callback("?state=stored-state-0123456789&session_id=x", { expectedState: "stored-state-0123456789", expectedStateIssuedAt: Date.now(), signal }));
  }
  await configRefusal(pkg.handleOauth2Callback("?state=stored-state-0123456789&session_id=x", { expectedState: "stored-state-0123456789", expectedStateIssuedAt: Date.now() + 300 * 86_400_000 }));
  // Seconds given for milliseconds: long past, so expired.
  assert.equal(await callbackCode(pkg.handleOauth2Callback("?state=stored-state-0123456789&session_id=x", { expectedState: "stored-state-0123456789", expectedStateIssuedAt: Math.floor(Date.now() / 1000) })), "state_expired");
  for (const input of [{ ...m2m, workloadIdentityToken: "w\ud800" }, { ...m2m, customState: "a\udc00b" }, { ...m2m, scopes: ["\ud800"] }]) {
    assert.ok((await rejection(client.getResourceOauth2Token(input))) instanceof pkg.ParamValidationError);
  }
});

test("configuration ranges: maxAttempts 1 to 100, requestTimeoutMs 1 to 3600000, userAgentAppId at most 50", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push(init.headers);
    return new Response('{"accessToken":"t"}');
  };
  const base = { region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, fetch };
  const refused = [{ maxAttempts: 0 }, { maxAttempts: 101 }, { maxAttempts: 1.5 }, { requestTimeoutMs: 0 }, { requestTimeoutMs: 3_600_001 }, { userAgentAppId: "a".repeat(51) }];
  for (const extra of refused) {
    const e = await rejection((async () => new pkg.AgentCoreIdentityClient({ ...base, ...extra }).getResourceOauth2Token(m2m))());
    assert.ok(e instanceof pkg.ConfigurationError, `${JSON.stringify(extra)}: ${e?.name}`);
  }
  for (const extra of [{ maxAttempts: 1 }, { maxAttempts: 100 }, { requestTimeoutMs: 1 }, { requestTimeoutMs: 3_600_000 }, { userAgentAppId: "my-app" }]) {
    assert.equal((await new pkg.AgentCoreIdentityClient({ ...base, ...extra }).getResourceOauth2Token(m2m)).accessToken, "t", JSON.stringify(extra));
  }
  // The app id travels in the SDK's user-agent header, after the package's name and version.
  assert.match(seen.at(-1)["x-amz-user-agent"], /^agentcore-identity-edge\/\d+\.\d+\.\d+ ua\/2\.1 lang\/js md\/nodejs#\S+ app\/my-app$/);
  assert.match(seen.at(-1)["amz-sdk-request"], /^attempt=1; max=3$/);
  assert.match(seen.at(-1)["amz-sdk-invocation-id"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("an operation's input is plain data: functions, symbols, class instances and cycles are refused", async () => {
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, fetch: async () => new Response("{}") });
  const cyclic = { ...m2m };
  cyclic.self = cyclic;
  const getter = { ...m2m };
  let reads = 0;
  Object.defineProperty(getter, "scopes", { enumerable: true, get: () => (reads++, ["s"]) });
  for (const input of [{ ...m2m, scopes: new Set(["s"]) }, { ...m2m, customState: new String("s") }, { ...m2m, scopes: [() => 1] }, { ...m2m, x: Symbol("s") }, { ...m2m, when: new Date() }, cyclic, new (class Input {})()]) {
    const e = await rejection(client.getResourceOauth2Token(input));
    assert.ok(e instanceof pkg.ParamValidationError, `${e?.name}: ${e?.message}`);
  }
  // A getter runs once: the copy the call reads is taken once.
  await client.getResourceOauth2Token(getter).catch(() => {});
  assert.equal(reads, 1);
});

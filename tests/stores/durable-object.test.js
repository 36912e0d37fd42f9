// DurableObjectStateStore's own checks, with stand-in namespaces: the constructor's arguments, and
// every way the object can answer wrongly or not at all (each must reject, never resolve true).
// The real object, in workerd, is in conformance.test.js and worker.test.js.
import assert from "node:assert/strict";
import { test } from "node:test";
import { polluted } from "../node/helpers.js";
import { cloudflarePkg, durableObjectWorker, randomNonce, withClock } from "./support.js";

/** A namespace whose every stub answers with `fetch`; records the names asked for. */
function namespace(fetch) {
  const names = [];
  return {
    names,
    idFromName: (name) => (names.push(name), { name }),
    get: (id) => ({ fetch: (input, init) => fetch(input, init, id) }),
  };
}

test("the namespace's methods are its own or its class's, never Object.prototype's, and read once", async () => {
  const { DurableObjectStateStore } = await cloudflarePkg();
  // A polluted method would be the app's no more. (`get` itself cannot be polluted here: every
  // property descriptor in the process would inherit it.)
  const get = () => ({ fetch: async () => new Response('{"consumed":true}') });
  await polluted({ idFromName: (/** @type {string} */ n) => n }, async () => {
    assert.throws(() => new DurableObjectStateStore(/** @type {any} */ ({ get })), (e) => e.name === "ConfigurationError");
  });
  // A binding whose methods are on its class (as workerd's are), read once: swapping them later changes nothing.
  class Namespace {
    idFromName(/** @type {string} */ name) {
      return { name };
    }
    get() {
      return { fetch: async () => new Response('{"consumed":true}') };
    }
  }
  const ns = new Namespace();
  const store = new DurableObjectStateStore(/** @type {any} */ (ns));
  ns.get = () => ({ fetch: async () => new Response("swapped") });
  assert.equal(await store.consume(randomNonce(), Date.now() + 60_000), true);
});

test("the constructor refuses anything but a namespace, and bad options, with ConfigurationError", async () => {
  const { DurableObjectStateStore } = await cloudflarePkg();
  const ok = namespace(async () => new Response('{"consumed":true}'));
  const throwing = new Proxy({}, { get: () => { throw new Error("poisoned"); } });
  for (const ns of [undefined, null, "AGENTCORE_STATE", 42, {}, { idFromName: () => 1 }, { get: () => 1 }, { idFromName: "x", get: () => 1 }, throwing]) {
    assert.throws(() => new DurableObjectStateStore(/** @type {any} */ (ns)), (e) => e.name === "ConfigurationError");
  }
  for (const options of [null, "x", [], { timeoutMs: 0 }, { timeoutMs: NaN }, { timeoutMs: "5" }, { timeoutMs: 1.5 }, { timeoutMs: 600_001 }]) {
    assert.throws(() => new DurableObjectStateStore(ok, /** @type {any} */ (options)), (e) => e.name === "ConfigurationError", JSON.stringify(options));
  }
  assert.ok(new DurableObjectStateStore(ok, { timeoutMs: 600_000 }));
});

test("consume sends the nonce to the object named after it, as one POST /consume", async () => {
  const { DurableObjectStateStore } = await cloudflarePkg();
  const seen = [];
  const ns = namespace(async (input, init, id) => {
    seen.push({ input, method: init.method, body: JSON.parse(init.body), id });
    return new Response(seen.length === 1 ? '{"consumed":true}' : '{"consumed":false}');
  });
  const store = new DurableObjectStateStore(ns);
  const nonce = randomNonce();
  const exp = Date.now() + 60_000;
  assert.equal(await store.consume(nonce, exp), true);
  assert.equal(await store.consume(nonce, exp), false);
  assert.deepEqual(ns.names, [nonce, nonce]);
  assert.equal(new URL(seen[0].input).pathname, "/consume");
  assert.equal(seen[0].method, "POST");
  assert.deepEqual(seen[0].body, { nonce, expiresAtMs: exp });
});

test("an object that fails, answers wrongly or not at all makes consume reject with a typed error", async () => {
  const { DurableObjectStateStore } = await cloudflarePkg();
  const exp = () => Date.now() + 60_000;
  const cases = [
    ["the stub rejects", () => Promise.reject(new Error("object reset")), "NetworkError"],
    [
      "the stub throws",
      () => {
        throw new Error("overloaded");
      },
      "NetworkError",
    ],
    ["HTTP 500", async () => new Response('{"consumed":true}', { status: 500 }), "ResponseError"],
    ["HTTP 400", async () => new Response('{"error":"malformed request"}', { status: 400 }), "ResponseError"],
    ["a body of true", async () => new Response("true"), "ResponseError"],
    ["a body with more fields", async () => new Response('{"consumed":true,"x":1}'), "ResponseError"],
    ["an empty body", async () => new Response(""), "ResponseError"],
    ["not a Response", async () => ({ consumed: true }), "ResponseError"],
    ["undefined", async () => undefined, "ResponseError"],
    [
      "a body that breaks off",
      async () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.error(new Error("reset"));
            },
          }),
        ),
      "NetworkError",
    ],
    ["no answer", () => new Promise(() => {}), "RequestTimeoutError"],
  ];
  for (const [why, fetch, name] of cases) {
    const store = new DurableObjectStateStore(namespace(fetch), { timeoutMs: 200 });
    const nonce = randomNonce();
    await assert.rejects(store.consume(nonce, exp()), (e) => e.name === name && !e.message.includes(nonce), why);
  }
  // A NetworkError keeps what the stub threw or rejected with as its cause.
  for (const thrown of [new Error("object reset"), new TypeError("overloaded")]) {
    const store = new DurableObjectStateStore(namespace(() => Promise.reject(thrown)), { timeoutMs: 200 });
    await assert.rejects(store.consume(randomNonce(), exp()), (e) => e.name === "NetworkError" && e.cause === thrown);
    const throwing = new DurableObjectStateStore(
      namespace(() => {
        throw thrown;
      }),
      { timeoutMs: 200 },
    );
    await assert.rejects(throwing.consume(randomNonce(), exp()), (e) => e.name === "NetworkError" && e.cause === thrown);
  }
});

test("StateStoreDurableObject in workerd answers only a well-formed POST /consume", { timeout: 60_000 }, async (t) => {
  const { StateStoreDurableObject } = await cloudflarePkg();
  assert.throws(() => new StateStoreDurableObject(/** @type {any} */ ({})), (e) => e.name === "ConfigurationError");
  assert.throws(() => new StateStoreDurableObject(/** @type {any} */ (undefined)), (e) => e.name === "ConfigurationError");
  // A storage without one of the methods the object calls (here `setAlarm`), or with it only on a
  // polluted Object.prototype, is refused when the object is made, not at its first alarm.
  const partial = { get: async () => undefined, put: async () => {}, delete: async () => 0, deleteAll: async () => {}, list: async () => new Map(), getAlarm: async () => null };
  assert.throws(() => new StateStoreDurableObject(/** @type {any} */ ({ storage: partial })), (e) => e.name === "ConfigurationError");
  Object.defineProperty(Object.prototype, "setAlarm", { value: async () => {}, configurable: true, writable: true });
  try {
    assert.throws(() => new StateStoreDurableObject(/** @type {any} */ ({ storage: partial })), (e) => e.name === "ConfigurationError");
  } finally {
    delete (/** @type {any} */ (Object.prototype)).setAlarm;
  }
  assert.ok(new StateStoreDurableObject(/** @type {any} */ ({ storage: { ...partial, setAlarm: async () => {} } })));
  const { namespace: ns } = await durableObjectWorker(t);
  const stub = ns.get(ns.idFromName("requests"));
  const nonce = randomNonce();
  const post = (body) => stub.fetch("https://object/consume", { method: "POST", body });
  const cases = [
    [await stub.fetch("https://object/consume"), 404],
    [await stub.fetch("https://object/other", { method: "POST", body: JSON.stringify({ nonce, expiresAtMs: Date.now() + 60_000 }) }), 404],
    [await post("{"), 400],
    [await post("null"), 400],
    [await post(JSON.stringify({ nonce: `${nonce}!`, expiresAtMs: Date.now() + 60_000 })), 400],
    [await post(JSON.stringify({ nonce, expiresAtMs: String(Date.now() + 60_000) })), 400],
    [await post(JSON.stringify({ nonce, expiresAtMs: 1.5 })), 400],
    [await post(JSON.stringify({ nonce, expiresAtMs: -1 })), 400],
    [await post(JSON.stringify({ nonce, expiresAtMs: Date.now() - 1000 })), 400],
    [await post(JSON.stringify({ nonce, expiresAtMs: Date.now() + 2 * 366 * 86_400_000 })), 400],
  ];
  for (const [res, status] of cases) {
    assert.equal(res.status, status);
    await res.text();
  }
  const first = await post(JSON.stringify({ nonce, expiresAtMs: Date.now() + 60_000 }));
  assert.equal(await first.text(), '{"consumed":true}');
  const second = await post(JSON.stringify({ nonce, expiresAtMs: Date.now() + 60_000 }));
  assert.equal(await second.text(), '{"consumed":false}');
});

test("StateStoreDurableObject refuses to answer when its stored entry is not an expiry time", async () => {
  const { StateStoreDurableObject } = await cloudflarePkg();
  const nonce = randomNonce();
  for (const stored of ["corrupted", { at: 1 }, true, null, NaN, 0, -0, -1, 1.5, Date.now() + 0.5, Infinity, -Infinity, String(Date.now() + 60_000), BigInt(Date.now() + 60_000)]) {
    const puts = [];
    const storage = {
      get: async () => stored,
      put: async (k, v) => void puts.push([k, v]),
      getAlarm: async () => null,
      setAlarm: async () => {},
      list: async () => new Map(),
      delete: async () => 0,
      deleteAll: async () => {},
    };
    const object = new StateStoreDurableObject(/** @type {any} */ ({ storage }));
    const res = await object.fetch(new Request("https://object/consume", { method: "POST", body: JSON.stringify({ nonce, expiresAtMs: Date.now() + 60_000 }) }));
    assert.equal(res.status, 500, String(stored));
    assert.notEqual(await res.text(), '{"consumed":true}');
    assert.equal(puts.length, 0, "nothing is written over it");
  }
});

/** Storage as the runtime's, in memory: what the object reads and writes, and its alarm. */
function memoryStorage(entries = new Map()) {
  let alarm = null;
  return {
    entries,
    alarm: () => alarm,
    get: async (k) => entries.get(k),
    put: async (k, v) => void entries.set(k, v),
    delete: async (keys) => keys.filter((k) => entries.delete(k)).length,
    deleteAll: async () => void entries.clear(),
    list: async ({ prefix }) => new Map([...entries].filter(([k]) => k.startsWith(prefix))),
    getAlarm: async () => alarm,
    setAlarm: async (time) => void (alarm = time),
  };
}

/** A namespace whose one object is `object`, called as the runtime would. */
function namespaceOf(object) {
  return { idFromName: (name) => ({ name }), get: () => ({ fetch: (input, init) => object.fetch(new Request(input, init)) }) };
}

test("DurableObjectStateStore refuses when the object's stored entry is NaN, 0, negative, fractional or not a number", async () => {
  const { DurableObjectStateStore, StateStoreDurableObject } = await cloudflarePkg();
  for (const stored of [NaN, 0, -1, 1.5, "x"]) {
    const nonce = randomNonce();
    const storage = memoryStorage(new Map([[`nonce:${nonce}`, stored]]));
    const store = new DurableObjectStateStore(namespaceOf(new StateStoreDurableObject(/** @type {any} */ ({ storage }))));
    await assert.rejects(store.consume(nonce, Date.now() + 60_000), (e) => e.name === "ResponseError" && !e.message.includes(nonce), String(stored));
    assert.ok(Object.is(storage.entries.get(`nonce:${nonce}`), stored), "the entry is left as it was");
    // The alarm keeps it too (deleting it would make the nonce new), and the store keeps refusing.
    await new StateStoreDurableObject(/** @type {any} */ ({ storage })).alarm();
    assert.ok(Object.is(storage.entries.get(`nonce:${nonce}`), stored), "the alarm left it");
    await assert.rejects(store.consume(nonce, Date.now() + 60_000), (e) => e.name === "ResponseError", String(stored));
  }
});

test("StateStoreDurableObject keeps a nonce 5 minutes past its state's expiry: an alarm then, and a clock 60 s behind still sees it", async () => {
  const { DurableObjectStateStore, StateStoreDurableObject } = await cloudflarePkg();
  const storage = memoryStorage();
  const object = new StateStoreDurableObject(/** @type {any} */ ({ storage }));
  const store = new DurableObjectStateStore(namespaceOf(object));
  const nonce = randomNonce();
  const exp = Date.now() + 60_000;
  assert.equal(await store.consume(nonce, exp), true);
  assert.equal(storage.entries.get(`nonce:${nonce}`), exp + 5 * 60_000);
  assert.equal(storage.alarm(), exp + 5 * 60_000);
  // An alarm 30 s after the state's expiry keeps the entry.
  await withClock(exp + 30_000 - Date.now(), () => object.alarm());
  assert.ok(storage.entries.has(`nonce:${nonce}`));
  // Asked by a clock 60 s behind (the state not yet expired there), the nonce is still consumed.
  assert.equal(await withClock(exp - 30_000 - Date.now(), () => store.consume(nonce, exp)), false);
  // After the allowance the alarm empties the storage.
  await withClock(exp + 5 * 60_000 + 1 - Date.now(), () => object.alarm());
  assert.equal(storage.entries.size, 0);
});

// Options are read as own properties only: a value left on Object.prototype by a prototype
// pollution elsewhere in an app never turns a check off or changes a default. An own `__proto__`
// member of an operation's input (JSON.parse makes one) is refused as an unknown member, with its
// path, never dropped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientFor, emulator, pkg, polluted, rejection, RETURN_URL, WORKLOAD } from "./helpers.js";

const SECRET = "own-options-test-secret-0123456789abcdef";
const SESSION = "urn:ietf:params:oauth:request_uri:own-options";

function callback(state) {
  const u = new URL(RETURN_URL);
  u.searchParams.set("session_id", SESSION);
  u.searchParams.set("state", state);
  return u;
}

test("Object.prototype.stateStore does not replace the default single-use store", async () => {
  const state = await pkg.createCustomState({ secret: SECRET, binding: "u" });
  let asked = 0;
  await polluted({ stateStore: { consume: async () => (asked++, true) } }, async () => {
    const first = await pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, binding: "u" });
    assert.equal(first.sessionUri, SESSION);
    const again = await rejection(pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, binding: "u" }));
    assert.equal(again.name, "CallbackError");
    assert.equal(again.code, "state_replayed");
  });
  assert.equal(asked, 0, "the inherited store was never asked");
});

test("Object.prototype.ttlSeconds does not lengthen a state's life", async () => {
  const now = Date.now();
  const state = await polluted({ ttlSeconds: 365 * 86_400 }, () => pkg.createCustomState({ secret: SECRET, now }));
  const stateStore = { consume: async () => true };
  // The default lifetime, 600 s: accepted just before, expired after.
  await pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, now: now + 599_000, stateStore });
  const late = await polluted({ ttlSeconds: 365 * 86_400 }, () =>
    rejection(pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, now: now + 601_000, stateStore })),
  );
  assert.equal(late.name, "CallbackError");
  assert.equal(late.code, "state_expired");
});

test("a store's consume, and the client's methods, are never taken from Object.prototype", async () => {
  const state = await pkg.createCustomState({ secret: SECRET });
  await polluted({ consume: async () => true, completeResourceTokenAuth: async () => ({}) }, async () => {
    const e = await rejection(pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, stateStore: {} }));
    assert.equal(e.name, "ConfigurationError");
    assert.match(e.message, /consume/);
    const c = await rejection(pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, client: {}, userIdentifier: { userId: "u" } }));
    assert.equal(c.name, "ConfigurationError");
  });
  // A class instance's own prototype methods still count.
  class Store {
    async consume() {
      return true;
    }
  }
  const ok = await pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, stateStore: new Store() });
  assert.equal(ok.sessionUri, SESSION);
});

test("the client's configuration and a call's options ignore Object.prototype", async (t) => {
  const emu = await emulator(t);
  let polluterCalls = 0;
  const fetchTrap = async () => {
    polluterCalls++;
    return new Response("{}", { status: 200 });
  };
  await polluted({ fetch: fetchTrap, maxAttempts: 0, requestTimeoutMs: -1, pollIntervalMs: 1 }, async () => {
    const client = clientFor(emu);
    const out = await client.getWorkloadAccessToken({ workloadName: WORKLOAD });
    assert.equal(typeof out.workloadAccessToken, "string");
    const flow = await client.getResourceOauth2TokenOrAuthorize({ workloadIdentityToken: out.workloadAccessToken, resourceCredentialProviderName: "demo-m2m-provider", scopes: ["read"], oauth2Flow: "M2M" });
    assert.equal(typeof flow.accessToken, "string");
  });
  assert.equal(polluterCalls, 0);
  // Credentials: an inherited sessionToken is not one of them. (The reply is scripted: the emulator,
  // in this process, would read the polluted member itself.)
  const seen = [];
  await polluted({ sessionToken: "POLLUTED-TOKEN" }, async () => {
    const client = clientFor(emu, {
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers).get("x-amz-security-token"));
        return new Response(JSON.stringify({ workloadAccessToken: "scripted" }), { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    assert.equal((await client.getWorkloadAccessToken({ workloadName: WORKLOAD })).workloadAccessToken, "scripted");
  });
  assert.deepEqual(seen, [null]);
});

test("what the core reads of the wrapper's own objects (a reply, a failure) never comes from Object.prototype", async () => {
  const config = { region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" }, maxAttempts: 1 };
  // A reply whose body is not JSON has no parsed body: an inherited one is not taken for it.
  const notJson = new pkg.AgentCoreIdentityClient({ ...config, fetch: async () => new Response("not json", { status: 200 }) });
  const e = await polluted({ parsed: { workloadAccessToken: "FROM-OBJECT-PROTOTYPE" } }, () => rejection(notJson.getWorkloadAccessToken({ workloadName: WORKLOAD })));
  assert.equal(e.name, "ResponseError", e.message);
  // Nor an inherited reply for a network failure.
  const down = new pkg.AgentCoreIdentityClient({ ...config, fetch: async () => Promise.reject(new TypeError("fetch failed")) });
  const n = await polluted({ reply: { status: 200, parsed: { workloadAccessToken: "FROM-OBJECT-PROTOTYPE" } } }, () => rejection(down.getWorkloadAccessToken({ workloadName: WORKLOAD })));
  assert.equal(n.name, "NetworkError", n.message);
});

test("postCallbackToOpener does not take an inherited targetOrigin", async () => {
  // In Node there is no page origin: without an own targetOrigin the call is refused.
  await polluted({ targetOrigin: "https://attacker.example" }, () => {
    assert.throws(() => pkg.postCallbackToOpener(), (e) => e.name === "ConfigurationError" && /targetOrigin/.test(e.message));
    assert.throws(() => pkg.postCallbackToOpener({}), (e) => e.name === "ConfigurationError");
  });
});

test("an own __proto__ member of an input is refused as an unknown member, with its path", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const top = await rejection(client.getWorkloadAccessToken(JSON.parse(`{"workloadName":"${WORKLOAD}","__proto__":{"x":1}}`)));
  assert.equal(top.name, "ParamValidationError", top.message);
  assert.deepEqual(
    top.issues.map((i) => i.path),
    ["__proto__"],
  );
  assert.match(top.issues[0].message, /unknown member/);
  // A primitive value too (assigned, it would be dropped silently).
  const primitive = await rejection(client.getWorkloadAccessToken(JSON.parse(`{"workloadName":"${WORKLOAD}","__proto__":"x"}`)));
  assert.equal(primitive.name, "ParamValidationError");
  assert.deepEqual(
    primitive.issues.map((i) => i.path),
    ["__proto__"],
  );
  const nested = await rejection(
    client.completeResourceTokenAuth(JSON.parse(`{"sessionUri":"${SESSION}","userIdentifier":{"userId":"u","__proto__":{"userToken":"t"}}}`)),
  );
  assert.equal(nested.name, "ParamValidationError", nested.message);
  assert.deepEqual(
    nested.issues.map((i) => i.path),
    ["userIdentifier.__proto__"],
  );
  // handleOauth2Callback's userIdentifier too, before the state is consumed.
  const state = await pkg.createCustomState({ secret: SECRET });
  let consumed = 0;
  const stateStore = { consume: async () => (consumed++, true) };
  const viaCallback = await rejection(
    pkg.handleOauth2Callback(callback(state), { stateSecret: SECRET, stateStore, client, userIdentifier: JSON.parse('{"userId":"u","__proto__":{"x":1}}') }),
  );
  assert.equal(viaCallback.name, "ParamValidationError", viaCallback.message);
  assert.equal(consumed, 0);
  assert.equal(dataPlane(emu).length, 0, "nothing was sent");
});

/** Data-plane requests the emulator received. */
function dataPlane(emu) {
  return emu.requests().filter((r) => r.operation && r.operation !== "GetWorkloadAccessToken");
}

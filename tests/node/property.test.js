// Property test over the whole public surface: random values of every JavaScript type (symbols,
// BigInts, proxies, throwing getters, cycles, huge strings, lone surrogates) for every argument of
// every export. Every call must settle within a bound, with a correct result or one of the
// package's typed errors (or, for an aborted signal, the signal's own reason): never a TypeError
// from the glue, never a wasm trap, never a promise left pending. Afterwards the module still
// verifies good states and makes good calls. Seeded, so a failure replays.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { mulberry32 } from "../../emulator/faults.js";
import { nodeEntry } from "../support/package.mjs";
import { pkg } from "./helpers.js";

/** The package's Cloudflare entry, as installed in the scratch project. */
const cloudflare = await import(new URL("./node_modules/agentcore-identity-edge/www/cloudflare.js", pathToFileURL(nodeEntry())).href);

const SEED = Number(process.env.PROPERTY_SEED ?? 20261126);
const ROUNDS = Number(process.env.PROPERTY_ROUNDS ?? 250);
const SETTLE_MS = 5000;
const SECRET = "property-test-secret-0123456789abcdef";


const TYPED = [
  "ConfigurationError", "CallbackError", "ParamValidationError", "CredentialsProviderError", "PopupError", "AuthorizationFlowError",
  "NetworkError", "RequestTimeoutError", "ResponseError",
];

function isTyped(e) {
  if (!(e instanceof Error)) return false;
  if (TYPED.includes(e.name)) return e instanceof pkg[e.name];
  return e instanceof pkg.AgentCoreServiceException;
}

function generator(rand) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const strings = () =>
    pick([
      "", "a", "us-east-1", "M2M", "USER_FEDERATION", SECRET, "\ud800", "a\udc00b", "\u0000\u202e", "x".repeat(1 << (8 + Math.floor(rand() * 13))),
      "http://127.0.0.1:1", "https://example.com/a/../b", "javascript:alert(1)", "?state=x&session_id=y", "/callback?state=x", "urn:ietf:params:oauth:request_uri:x",
      "é".repeat(50), "null", "[object Object]", "__proto__", "constructor",
    ]);
  const value = (depth = 0) => {
    const kind = Math.floor(rand() * 24);
    switch (kind) {
      case 0: return undefined;
      case 1: return null;
      case 2: return rand() < 0.5;
      case 3: return pick([0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 1e308, 2 ** 31, 1_780_000_000_000]);
      case 4: case 5: case 6: return strings();
      case 7: return Symbol(strings().slice(0, 8));
      case 8: return pick([0n, -1n, 2n ** 70n]);
      case 9: return () => value(depth + 1);
      case 10: return async () => value(depth + 1);
      case 11: return depth < 3 ? Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1)) : [];
      case 12: case 13: case 14: {
        const o = rand() < 0.1 ? Object.create(null) : {};
        if (depth < 3) for (let i = Math.floor(rand() * 5); i > 0; i--) o[pick(KEYS)] = value(depth + 1);
        return o;
      }
      case 15: return new Proxy({}, { get() { throw new Error("proxy get"); }, ownKeys() { throw new Error("proxy keys"); }, getOwnPropertyDescriptor() { throw new Error("proxy desc"); } });
      case 16: return Object.defineProperty({}, pick(KEYS), { enumerable: true, get() { throw new Error("getter"); } });
      case 17: { const o = { a: 1 }; o.self = o; o[pick(KEYS)] = o; return o; }
      case 18: return new Date(rand() < 0.5 ? NaN : 1_780_000_000_000);
      case 19: return pick([new Uint8Array(0), new Uint8Array(40), new ArrayBuffer(8), new Uint16Array(3)]);
      case 20: return pick([new URL("https://example.com/cb?state=x"), new URLSearchParams("state=x&session_id=y"), new Request("https://example.com/cb?x=1")]);
      case 21: return pick([AbortSignal.abort(new Error("aborted")), new AbortController().signal, AbortSignal.timeout(1)]);
      case 22: return new Map([["a", 1]]);
      default: return Object.freeze({ [pick(KEYS)]: value(depth + 1) });
    }
  };
  return { value, pick, rand };
}

const KEYS = [
  "region", "credentials", "endpoint", "fetch", "maxAttempts", "requestTimeoutMs", "useFipsEndpoint", "useDualstackEndpoint", "allowInsecureEndpoint", "userAgentAppId", "signal",
  "accessKeyId", "secretAccessKey", "sessionToken", "expiration",
  "workloadIdentityToken", "resourceCredentialProviderName", "scopes", "oauth2Flow", "customState", "customParameters", "sessionUri", "userIdentifier", "userId", "userToken", "workloadName",
  "secret", "binding", "now", "ttlSeconds", "stateSecret", "expectedState", "expectedStateIssuedAt", "stateStore", "client", "onAuthorizationUrl", "pollIntervalMs", "timeoutMs",
  "callbackOrigin", "features", "popup", "targetOrigin", "close", "consume",
];

/** Replaces some members of a good value by random ones. */
function mutate(g, good) {
  const out = { ...good };
  for (let i = Math.floor(g.rand() * 3); i >= 0; i--) {
    const key = g.pick([...Object.keys(good), ...KEYS]);
    if (g.rand() < 0.2) delete out[key];
    else out[key] = g.value();
  }
  return out;
}

/** A fetch that answers with random replies, fast. */
function randomFetch(g) {
  return async () => {
    const status = g.pick([200, 200, 200, 400, 403, 429, 500, 502, 503]);
    const body = g.pick(['{"accessToken":"t"}', "", "<html>", '{"__type":"ThrottlingException"}', '{"accessToken":5}', "[1]", "{".repeat(500), JSON.stringify({ a: "x".repeat(1000) })]);
    const headers = g.rand() < 0.3 ? { "x-amzn-errortype": g.pick(["ValidationException", "X, Y", "", "ns#Z:http://q"]), date: g.pick(["Thu, 01 Jan 1970 00:00:00 GMT", "garbage"]) } : {};
    if (g.rand() < 0.05) throw new TypeError("network");
    return new Response(body, { status, headers });
  };
}

async function settles(name, call, counts) {
  let outcome;
  try {
    const r = call();
    outcome = r && typeof r.then === "function" ? await Promise.race([r.then((v) => ({ v }), (e) => ({ e })), new Promise((res) => setTimeout(() => res({ pending: true }), SETTLE_MS))]) : { v: r };
  } catch (e) {
    outcome = { e, sync: true };
  }
  assert.ok(!outcome.pending, `${name}: a promise did not settle within ${SETTLE_MS} ms`);
  counts[name] ??= { ok: 0, typed: 0, reason: 0 };
  if ("e" in outcome) {
    const e = outcome.e;
    const abortReason = e instanceof Error && (e.message === "aborted" || e.name === "TimeoutError" || e.name === "AbortError");
    assert.ok(isTyped(e) || abortReason, `${name}: ${e?.name}: ${e?.message}`);
    counts[name][isTyped(e) ? "typed" : "reason"]++;
  } else counts[name].ok++;
}

test("every export, every argument, random values of every type: typed errors, settled promises, no trap", async (t) => {
  const g = generator(mulberry32(SEED));
  const counts = {};
  const creds = { accessKeyId: "AKID", secretAccessKey: "secret" };
  const goodConfig = { region: "us-east-1", credentials: creds, fetch: randomFetch(g), maxAttempts: 2 };
  const goodInput = { workloadIdentityToken: "w", resourceCredentialProviderName: "p", scopes: ["s"], oauth2Flow: "M2M" };
  const methods = ["getResourceOauth2Token", "completeResourceTokenAuth", "getWorkloadAccessToken", "getWorkloadAccessTokenForJWT", "getWorkloadAccessTokenForUserId", "getResourceApiKey", "getResourcePaymentToken", "getResourceOauth2TokenOrAuthorize"];
  const state = await pkg.createCustomState({ secret: SECRET, binding: "u" });
  const store = new pkg.InMemoryStateStore();

  for (let round = 0; round < ROUNDS; round++) {
    const config = g.rand() < 0.5 ? mutate(g, goodConfig) : g.rand() < 0.5 ? goodConfig : g.value();
    await settles("new AgentCoreIdentityClient", () => new pkg.AgentCoreIdentityClient(config), counts);
    let client;
    try {
      client = new pkg.AgentCoreIdentityClient(g.rand() < 0.7 ? { ...goodConfig, fetch: randomFetch(g) } : config);
    } catch {
      client = new pkg.AgentCoreIdentityClient(goodConfig);
    }
    const method = g.pick(methods);
    const r = g.rand();
    const input = r < 0.3 ? goodInput : r < 0.7 ? mutate(g, goodInput) : g.value();
    const options = method === "getResourceOauth2TokenOrAuthorize" ? { timeoutMs: 50, pollIntervalMs: 10, ...(g.rand() < 0.5 ? mutate(g, {}) : {}) } : g.rand() < 0.5 ? undefined : g.value();
    await settles(`client.${method}`, () => client[method](input, options), counts);
    await settles("getResourceOauth2Token", () => pkg.getResourceOauth2Token(input, config), counts);
    await settles("createCustomState", () => pkg.createCustomState(g.rand() < 0.5 ? mutate(g, { secret: SECRET, binding: "u" }) : g.value()), counts);
    const cbInput = g.rand() < 0.5 ? `?state=${state}&session_id=urn:ietf:params:oauth:request_uri:x` : g.value();
    const cbOptions = g.rand() < 0.6 ? mutate(g, { stateSecret: SECRET, binding: "u", stateStore: g.rand() < 0.5 ? { consume: async () => true } : store }) : g.value();
    await settles("handleOauth2Callback", () => pkg.handleOauth2Callback(cbInput, cbOptions), counts);
    await settles("InMemoryStateStore.consume", () => store.consume(g.value(), g.value()), counts);
    await settles("authorizeInPopup", () => pkg.authorizeInPopup(g.value(), g.rand() < 0.5 ? mutate(g, { callbackOrigin: "https://app.example" }) : g.value()), counts);
    await settles("postCallbackToOpener", () => pkg.postCallbackToOpener(g.value()), counts);
    await settles("new RedisStateStore", () => new pkg.RedisStateStore(g.rand() < 0.5 ? mutate(g, { sendCommand: async () => g.value() }) : g.value()), counts);
    await settles("RedisStateStore.consume", () => new pkg.RedisStateStore({ sendCommand: async () => g.value() }).consume(g.rand() < 0.5 ? "AAAAAAAAAAAAAAAAAAAAAA" : g.value(), g.rand() < 0.5 ? Date.now() + 60_000 : g.value()), counts);
    const namespace = { idFromName: () => ({}), get: () => ({ fetch: async () => new Response(JSON.stringify(g.value() ?? null)) }) };
    await settles("new DurableObjectStateStore", () => new cloudflare.DurableObjectStateStore(g.rand() < 0.5 ? namespace : g.value(), g.value()), counts);
    await settles("DurableObjectStateStore.consume", () => new cloudflare.DurableObjectStateStore(namespace).consume(g.rand() < 0.5 ? "AAAAAAAAAAAAAAAAAAAAAA" : g.value(), g.rand() < 0.5 ? Date.now() + 60_000 : g.value()), counts);
    await settles("new StateStoreDurableObject", () => new cloudflare.StateStoreDurableObject(g.value(), g.value()), counts);
  }

  // The module still verifies good states and makes good calls.
  const fresh = await pkg.createCustomState({ secret: SECRET, binding: "after" });
  const r = await pkg.handleOauth2Callback(`?state=${fresh}&session_id=urn:ietf:params:oauth:request_uri:after`, { stateSecret: SECRET, binding: "after" });
  assert.equal(r.customState, fresh);
  const ok = await new pkg.AgentCoreIdentityClient({ ...goodConfig, fetch: async () => new Response('{"accessToken":"t"}', { status: 200 }) }).getResourceOauth2Token(goodInput);
  assert.equal(ok.accessToken, "t");

  const total = Object.values(counts).reduce((n, c) => n + c.ok + c.typed + c.reason, 0);
  t.diagnostic(`seed ${SEED}, ${ROUNDS} rounds, ${total} calls`);
  for (const [name, c] of Object.entries(counts)) t.diagnostic(`${name}: ${c.ok} results, ${c.typed} typed errors, ${c.reason} abort reasons`);
});

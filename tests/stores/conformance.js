// The single-use store contract, one suite for every store: `conformance(name, setup)` where
// `setup(scope)` resolves with `{ make(): store, down?(): Promise<store> }` (`down` gives a store
// whose backend is unreachable) and registers its cleanup with `scope.after(fn)`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventually, pkg, randomNonce, withClock } from "./support.js";

const SECRET = "conformance-state-secret-0123456789abcdef";
/** The clock-skew allowance every store keeps a nonce for after its state's expiry. */
const CLOCK_SKEW_MS = 5 * 60_000;
const SESSION = "urn:ietf:params:oauth:request_uri:conformance";

/** A malformed nonce or expiry, each with why. */
function badArguments(now) {
  const nonce = randomNonce();
  const later = now + 60_000;
  return [
    ["nonce undefined", undefined, later],
    ["nonce null", null, later],
    ["nonce a number", 42, later],
    ["nonce a Symbol", Symbol("n"), later],
    ["nonce an object", { toString: () => nonce }, later],
    ["nonce a String object", new String(nonce), later],
    ["nonce empty", "", later],
    ["nonce of 21 characters", nonce.slice(1), later],
    ["nonce of 23 characters", `${nonce}A`, later],
    ["nonce of 42 characters", `${nonce}${nonce}`.slice(0, 42), later],
    ["nonce of 44 characters", `${nonce}${nonce}`, later],
    ["nonce with padding", `${nonce.slice(2)}==`, later],
    ["nonce in the standard alphabet", `${nonce.slice(1)}+`, later],
    ["expiry NaN", nonce, NaN],
    ["expiry Infinity", nonce, Infinity],
    ["expiry a string", nonce, String(later)],
    ["expiry a BigInt", nonce, BigInt(later)],
    ["expiry null", nonce, null],
    ["expiry undefined", nonce, undefined],
    ["expiry an object", nonce, { valueOf: () => later }],
    ["expiry a fraction", nonce, later + 0.5],
    ["expiry in the past", nonce, now - 1],
    ["expiry two years ahead", nonce, now + 2 * 366 * 86_400_000],
  ];
}

/**
 * @param {string} name
 * @param {(scope: { after(fn: () => unknown): void }) => Promise<{ make(): any, down?: () => Promise<any> }>} setup
 * @param {{ checksArguments?: boolean, shared?: boolean, localClock?: boolean }} [options] `checksArguments: false` runs the
 *   argument test as todo; `shared: false` for a store whose instances do not share their entries;
 *   `localClock: true` for a store that keeps time by this process's clock (its forgetting is tested)
 */
export function conformance(name, setup, { checksArguments = true, shared = true, localClock = false } = {}) {
  describe(`${name}: the single-use store contract`, () => {
    /** @type {(() => unknown)[]} */
    const cleanups = [];
    /** @type {Awaited<ReturnType<typeof setup>>} */
    let env;
    before(async () => {
      env = await setup({ after: (fn) => cleanups.push(fn) });
    });
    after(async () => {
      const failures = [];
      for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((e) => failures.push(e));
      if (failures.length) throw failures[0];
    });

    test("the first consume of a nonce is true, every later one false", async () => {
      const store = env.make();
      const nonce = randomNonce();
      const exp = Date.now() + 600_000;
      assert.equal(await store.consume(nonce, exp), true);
      assert.equal(await store.consume(nonce, exp), false);
      assert.equal(await store.consume(nonce, exp + 1000), false);
    });

    test("distinct nonces are independent; a second store instance sees the first one's nonces", async () => {
      const a = env.make();
      const b = env.make();
      const exp = Date.now() + 600_000;
      const n1 = randomNonce();
      const n2 = randomNonce();
      const long = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
      assert.equal(long.length, 43);
      assert.equal(await a.consume(n1, exp), true);
      assert.equal(await a.consume(n2, exp), true);
      assert.equal(await a.consume(long, exp), true);
      assert.equal(await a.consume(n1, exp), false);
      if (shared) {
        // A shared store: another instance (another isolate or process in production) refuses too.
        assert.equal(await b.consume(n1, exp), false);
        assert.equal(await b.consume(long, exp), false);
      }
    });

    test("50 concurrent consumes of one nonce: exactly one is true", async () => {
      const stores = [env.make(), env.make()];
      const nonce = randomNonce();
      const exp = Date.now() + 600_000;
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2].consume(nonce, exp)));
      assert.equal(answers.filter((a) => a === true).length, 1, JSON.stringify(answers));
      assert.equal(answers.filter((a) => a === false).length, 49);
    });

    test("an instance whose clock is 60 s behind does not accept a consumed state again", async () => {
      const a = env.make();
      const b = env.make();
      const nonce = randomNonce();
      const exp = Date.now() + 1000;
      assert.equal(await a.consume(nonce, exp), true);
      // The state's expiry passes by the real clock; the store cleans up what it considers expired
      // (the in-memory store sweeps once a minute has passed since its last sweep).
      await eventually(async () => Date.now() > exp + 200, "the state's expiry has passed");
      await withClock(61_000, () => a.consume(randomNonce(), Date.now() + 600_000));
      // (Run before the test below moves the in-memory store's last sweep into the future.)
      // An instance 60 s behind still takes the state for unexpired: the store must not say "new".
      const answer = await withClock(-60_000, () => b.consume(nonce, exp).then((v) => v, (e) => e));
      if (answer instanceof Error) {
        // A store that checks the expiry by its own clock (the Durable Object) refuses it as past.
        assert.equal(answer.name, "ResponseError", answer.message);
      } else {
        assert.equal(answer, false);
      }
    });

    test("an entry is kept past its state's expiry by the clock-skew allowance", async () => {
      const store = env.make();
      const nonce = randomNonce();
      const exp = Date.now() + 1000;
      assert.equal(await store.consume(nonce, exp), true);
      await eventually(async () => Date.now() > exp + 200, "the state's expiry has passed");
      // Past the expiry by the real clock, the nonce is still consumed.
      assert.equal(await store.consume(nonce, Date.now() + 600_000), false);
      if (localClock) {
        // Forgotten once the allowance has passed too.
        assert.equal(await withClock(CLOCK_SKEW_MS - 20_000, () => store.consume(nonce, Date.now() + 600_000)), false);
        assert.equal(await withClock(CLOCK_SKEW_MS + 1000, () => store.consume(nonce, Date.now() + 600_000)), true);
      }
    });

    test("malformed arguments are refused with ConfigurationError, never coerced", { todo: checksArguments ? false : "this store does not check its arguments" }, async () => {
      const store = env.make();
      for (const [why, nonce, exp] of badArguments(Date.now())) {
        await assert.rejects(
          () => store.consume(nonce, exp),
          (e) => e instanceof Error && e.name === "ConfigurationError",
          why,
        );
      }
      // Nothing was recorded by the refused calls.
      const [[, nonce]] = badArguments(Date.now()).filter(([why]) => why === "expiry NaN");
      assert.equal(await store.consume(nonce, Date.now() + 600_000), true);
    });

    test("a store whose backend is down rejects with a typed error, never resolves", async (t) => {
      if (!env.down) return t.skip("this store has no backend");
      const store = await env.down();
      const nonce = randomNonce();
      await assert.rejects(
        () => store.consume(nonce, Date.now() + 600_000),
        (e) => ["NetworkError", "RequestTimeoutError", "ResponseError"].includes(e.name) && !e.message.includes(nonce),
      );
    });

    test("handleOauth2Callback over this store: accepted once, then refused as a replay; a down store makes it reject", async () => {
      const { createCustomState, handleOauth2Callback } = await pkg();
      const stateStore = env.make();
      const state = await createCustomState({ secret: SECRET, binding: "u" });
      const callback = `https://app.example/callback?session_id=${encodeURIComponent(SESSION)}&state=${state}`;
      const ok = await handleOauth2Callback(callback, { stateSecret: SECRET, binding: "u", stateStore });
      assert.equal(ok.sessionUri, SESSION);
      await assert.rejects(handleOauth2Callback(callback, { stateSecret: SECRET, binding: "u", stateStore }), (e) => e.name === "CallbackError" && e.code === "state_replayed");
      if (env.down) {
        const down = await env.down();
        const fresh = await createCustomState({ secret: SECRET, binding: "u" });
        const settled = await handleOauth2Callback(callback.replace(state, fresh), { stateSecret: SECRET, binding: "u", stateStore: down }).then(
          () => "resolved",
          (e) => e,
        );
        assert.ok(settled instanceof Error, "a down store never lets a callback through");
        assert.equal(settled.name, "CallbackError");
        assert.equal(settled.code, "state_store_unavailable");
        assert.ok(!String(settled.message).includes(fresh));
      }
    });
  });
}

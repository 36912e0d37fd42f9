// A call runs as the core's synchronous steps, driven by the wrapper: these tests hold what the
// wrapper promises around them. The credentials provider is shared by concurrent calls and
// never held up by one that never answers; host hooks that run JavaScript (a patched `Date.now`)
// and call the client again find nothing borrowed, and the module keeps working.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pkg, rejection } from "./helpers.js";

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "SECRETKEYSECRETKEY" };
const input = { workloadName: "steps-workload" };
const ok = async () => new Response(JSON.stringify({ workloadAccessToken: "tok" }), { status: 200 });
const client = (credentials) => new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials, fetch: ok });

test("a provider call that never settles holds up only the calls that wait for it", async (t) => {
  // Timers alone do not keep Node's event loop alive while the calls wait.
  const alive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(alive));
  let calls = 0;
  const gaveUp = new AbortController();
  const c = client(() => {
    if (++calls > 1) return Promise.resolve(creds);
    // The first call gives up once the provider holds it, however long the module took to load.
    setTimeout(() => gaveUp.abort(new DOMException("gave up", "TimeoutError")), 20);
    return new Promise(() => {});
  });
  const first = await rejection(c.getWorkloadAccessToken(input, { signal: gaveUp.signal }));
  assert.equal(first.name, "TimeoutError");
  assert.equal(calls, 1);
  // Generous: a hang shows as this timeout, a loaded machine does not.
  assert.equal((await c.getWorkloadAccessToken(input, { signal: AbortSignal.timeout(20_000) })).workloadAccessToken, "tok");
  assert.equal(calls, 2, "the next call asks the provider again");
});

test("a call that starts while the provider's answer is being handed over shares it", async () => {
  for (let k = 0; k < 12; k++) {
    let calls = 0;
    /** @type {(v: unknown) => void} */
    let answer = () => {};
    const c = client(() => (++calls === 1 ? new Promise((r) => (answer = r)) : Promise.resolve(creds)));
    const a = c.getWorkloadAccessToken(input);
    await new Promise((r) => setTimeout(r, 5));
    answer(creds);
    for (let i = 0; i < k; i++) await null;
    const b = c.getWorkloadAccessToken(input);
    await Promise.all([a, b]);
    assert.equal(calls, 1, `second call ${k} microtasks after the answer`);
  }
});

test("a provider that calls its own client is called once", async () => {
  let calls = 0;
  /** @type {Promise<unknown> | undefined} */
  let nested;
  const c = client(async () => {
    if (++calls > 20) throw new Error("called again and again");
    nested ??= c.getWorkloadAccessToken(input, { signal: AbortSignal.timeout(200) }).catch((e) => e);
    return creds;
  });
  assert.equal((await c.getWorkloadAccessToken(input, { signal: AbortSignal.timeout(2000) })).workloadAccessToken, "tok");
  await nested;
  assert.equal(calls, 1);
});

test("a patched Date.now that calls the client, or throws, leaves the module working", async (t) => {
  const c = client(creds);
  await c.getWorkloadAccessToken(input);
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
  });
  /** @type {Promise<unknown>[]} */
  const nested = [];
  let armed = 4;
  Date.now = () => {
    if (armed-- > 0) nested.push(c.getWorkloadAccessToken(input));
    return realNow();
  };
  assert.equal((await c.getWorkloadAccessToken(input)).workloadAccessToken, "tok");
  for (const r of await Promise.all(nested)) assert.equal(/** @type {any} */ (r).workloadAccessToken, "tok");
  let throws = true;
  Date.now = () => {
    if (throws) {
      throws = false;
      throw new Error("clock hook failed");
    }
    return realNow();
  };
  const err = await rejection(c.getWorkloadAccessToken(input));
  assert.equal(err.message, "clock hook failed");
  Date.now = realNow;
  for (let i = 0; i < 3; i++) assert.equal((await c.getWorkloadAccessToken(input)).workloadAccessToken, "tok");
});

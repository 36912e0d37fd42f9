// RedisStateStore against a real redis-server (Debian's, on a free loopback port, nothing
// persisted): two app instances in two processes, each with its own node-redis client, race one
// callback; the key's expiry; a Redis that is down; the constructor's checks.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { nodeEntry } from "../support/package.mjs";
import { nonceOf, pkg, randomNonce, redisClient, startRedis } from "./support.js";

const SECRET = "redis-test-state-secret-0123456789abcdef";
const SESSION = "urn:ietf:params:oauth:request_uri:redis";
const PREFIX = "agentcore-identity-edge:state:";
/** How long a key outlives its state: the stores' clock-skew allowance. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A stand-in for a Redis client's sendCommand: a Redis that does not evict (CONFIG GET answers
 * noeviction), and `reply(args)` for every other command; records each command in `sent`.
 */
function fakeRedis(reply) {
  /** @type {string[][]} */
  const sent = [];
  const sendCommand = async (args) => {
    sent.push(args);
    if (args[0] === "CONFIG") return ["maxmemory-policy", "noeviction"];
    return reply(args);
  };
  return { sent, sendCommand };
}

/** An app instance in a child process; resolves once its client is connected. */
async function instance(t, env) {
  const child = spawn(process.execPath, [fileURLToPath(new URL("redis-instance.mjs", import.meta.url))], {
    env: { ...process.env, AGENTCORE_PACKAGE_ENTRY: nodeEntry(), ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  t.after(() => child.kill());
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.equal(first.value, "ready");
  return {
    go: (callback) => child.stdin.write(`go ${callback}\n`),
    result: async () => JSON.parse((await lines.next()).value),
  };
}

test("two processes, 25 concurrent callbacks each with one state: exactly one accepted across both", { timeout: 60_000 }, async (t) => {
  const { createCustomState } = await pkg();
  const redis = await startRedis(t);
  const ttlSeconds = 600;
  const state = await createCustomState({ secret: SECRET, binding: "alice", ttlSeconds });
  const callback = `https://app.example/callback?session_id=${encodeURIComponent(SESSION)}&state=${state}`;
  const env = { REDIS_URL: redis.url, STATE_SECRET: SECRET, BINDING: "alice", COUNT: "25" };
  const a = await instance(t, env);
  const b = await instance(t, env);
  a.go(callback);
  b.go(callback);
  const [ra, rb] = await Promise.all([a.result(), b.result()]);
  assert.equal(ra.accepted + rb.accepted, 1, JSON.stringify({ ra, rb }));
  const refused = [...ra.refused, ...rb.refused];
  assert.equal(refused.length, 49);
  assert.ok(refused.every((r) => r === "CallbackError:state_replayed"), JSON.stringify(refused));

  // The key is the prefix and the state's nonce, with a PX expiry the clock-skew allowance past the state's.
  const client = await redisClient(t, redis.url);
  const key = PREFIX + nonceOf(state);
  assert.equal(await client.get(key), "1");
  const pttl = await client.pTTL(key);
  assert.ok(pttl > CLOCK_SKEW_MS && pttl <= ttlSeconds * 1000 + CLOCK_SKEW_MS, `PTTL ${pttl}`);
  assert.deepEqual(await client.keys("*"), [key]);
});

test("keyPrefix is used as given, and every key carries an expiry", async (t) => {
  const { RedisStateStore } = await pkg();
  const redis = await startRedis(t);
  const client = await redisClient(t, redis.url);
  const store = new RedisStateStore({ sendCommand: (args) => client.sendCommand(args), keyPrefix: "app1:" });
  const nonces = [randomNonce(), randomNonce(), randomNonce()];
  for (const n of nonces) assert.equal(await store.consume(n, Date.now() + 120_000), true);
  const keys = (await client.keys("*")).sort();
  assert.deepEqual(keys, nonces.map((n) => `app1:${n}`).sort());
  for (const key of keys) {
    const pttl = await client.pTTL(key);
    assert.ok(pttl > CLOCK_SKEW_MS && pttl <= 120_000 + CLOCK_SKEW_MS, `${key}: PTTL ${pttl}`);
  }
});

test("a Redis that is down refuses: consume and handleOauth2Callback reject with typed errors", { timeout: 60_000 }, async (t) => {
  const { RedisStateStore, createCustomState, handleOauth2Callback } = await pkg();
  const redis = await startRedis(t);
  // A client that fails fast once the server is gone, and one that keeps its commands queued while
  // it reconnects (node-redis's default): the store's timeout answers for the second.
  const failFast = await redisClient(t, redis.url, { disableOfflineQueue: true, socket: { reconnectStrategy: false } });
  const queued = await redisClient(t, redis.url);
  await redis.stop();
  const nonce = randomNonce();
  const fast = new RedisStateStore({ sendCommand: (args) => failFast.sendCommand(args) });
  await assert.rejects(fast.consume(nonce, Date.now() + 60_000), (e) => e.name === "NetworkError" && e.cause instanceof Error && !e.message.includes(nonce));
  const slow = new RedisStateStore({ sendCommand: (args) => queued.sendCommand(args), timeoutMs: 500 });
  // A queued command times out, or fails as soon as the client sees its reconnection fail: either
  // way a typed refusal, never an answer.
  await assert.rejects(slow.consume(nonce, Date.now() + 60_000), (e) => ["RequestTimeoutError", "NetworkError"].includes(e.name) && !e.message.includes(nonce));

  const state = await createCustomState({ secret: SECRET, binding: "u" });
  const callback = `https://app.example/callback?session_id=${encodeURIComponent(SESSION)}&state=${state}`;
  for (const stateStore of [fast, slow]) {
    const settled = await handleOauth2Callback(callback, { stateSecret: SECRET, binding: "u", stateStore }).then(() => "resolved", (e) => e);
    assert.ok(settled instanceof Error, "the callback is refused");
    assert.equal(settled.code, "state_store_unavailable");
    assert.ok(!settled.message.includes(state));
  }
});

test("a reply other than OK or null is refused with ResponseError; a throwing sendCommand with NetworkError", async () => {
  const { RedisStateStore } = await pkg();
  const exp = Date.now() + 60_000;
  for (const reply of ["ok", "", 1, 0, true, false, undefined, {}, ["OK"], Buffer.from("OK")]) {
    const store = new RedisStateStore({ sendCommand: fakeRedis(() => reply).sendCommand });
    await assert.rejects(store.consume(randomNonce(), exp), (e) => e.name === "ResponseError", `reply ${String(reply)}`);
  }
  const sync = new RedisStateStore({
    sendCommand: (args) => {
      if (args[0] === "CONFIG") return ["maxmemory-policy", "noeviction"];
      throw new Error("socket closed");
    },
  });
  await assert.rejects(sync.consume(randomNonce(), exp), (e) => e.name === "NetworkError" && e.cause.message === "socket closed");
  const { sent, sendCommand } = fakeRedis(() => "OK");
  const recorder = new RedisStateStore({ sendCommand });
  const nonce = randomNonce();
  assert.equal(await recorder.consume(nonce, exp), true);
  assert.deepEqual(sent[0], ["CONFIG", "GET", "maxmemory-policy"]);
  assert.deepEqual(sent[1].slice(0, 5), ["SET", PREFIX + nonce, "1", "NX", "PX"]);
  assert.match(sent[1][5], /^[1-9][0-9]*$/);
  assert.ok(Number(sent[1][5]) > CLOCK_SKEW_MS && Number(sent[1][5]) <= 60_000 + CLOCK_SKEW_MS);
});

test("the constructor refuses a missing sendCommand, a bad keyPrefix or timeoutMs with ConfigurationError", async () => {
  const { RedisStateStore } = await pkg();
  const send = async () => "OK";
  const bad = [
    undefined,
    null,
    "redis://127.0.0.1",
    [],
    {},
    { sendCommand: "SET" },
    { sendCommand: null },
    { sendCommand: send, keyPrefix: "" },
    { sendCommand: send, keyPrefix: null },
    { sendCommand: send, keyPrefix: 42 },
    { sendCommand: send, keyPrefix: Symbol("p") },
    { sendCommand: send, keyPrefix: "has space:" },
    { sendCommand: send, keyPrefix: "new\nline" },
    { sendCommand: send, keyPrefix: "x".repeat(129) },
    { sendCommand: send, timeoutMs: 0 },
    { sendCommand: send, timeoutMs: NaN },
    { sendCommand: send, timeoutMs: "100" },
    { sendCommand: send, timeoutMs: 1.5 },
    { sendCommand: send, timeoutMs: 600_001 },
  ];
  for (const options of bad) {
    assert.throws(() => new RedisStateStore(/** @type {any} */ (options)), (e) => e.name === "ConfigurationError", String(JSON.stringify(options)));
  }
  assert.ok(new RedisStateStore({ sendCommand: send, keyPrefix: "x".repeat(128), timeoutMs: 600_000 }));
});

test("a Redis that evicts keys (volatile-lru, allkeys-lru) is refused with ConfigurationError; noeviction is accepted", { timeout: 60_000 }, async (t) => {
  const { RedisStateStore, createCustomState, handleOauth2Callback } = await pkg();
  for (const policy of ["volatile-lru", "allkeys-lru"]) {
    const redis = await startRedis(t, ["--maxmemory", "64mb", "--maxmemory-policy", policy]);
    const client = await redisClient(t, redis.url);
    const store = new RedisStateStore({ sendCommand: (args) => client.sendCommand(args) });
    const nonce = randomNonce();
    const e = await store.consume(nonce, Date.now() + 60_000).then(() => assert.fail("accepted"), (e) => e);
    assert.equal(e.name, "ConfigurationError");
    assert.match(e.message, new RegExp(`maxmemory-policy ${policy}.*noeviction`));
    assert.ok(!e.message.includes(nonce));
    assert.deepEqual(await client.keys("*"), [], "nothing was written");
    // handleOauth2Callback refuses the callback, with the store's error as the cause.
    const state = await createCustomState({ secret: SECRET });
    const callback = `https://app.example/callback?session_id=${encodeURIComponent(SESSION)}&state=${state}`;
    const refused = await handleOauth2Callback(callback, { stateSecret: SECRET, stateStore: store }).then(() => assert.fail("accepted"), (e) => e);
    assert.equal(refused.code, "state_store_unavailable");
    assert.equal(refused.cause?.name, "ConfigurationError");
    // Once the policy is noeviction, the same store works: a failed check is asked again.
    await client.sendCommand(["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    assert.equal(await store.consume(nonce, Date.now() + 60_000), true);
    assert.equal(await store.consume(nonce, Date.now() + 60_000), false);
  }
  // A noeviction Redis (with maxmemory set): the policy is asked once per store, then only SET.
  const redis = await startRedis(t, ["--maxmemory", "64mb", "--maxmemory-policy", "noeviction"]);
  const client = await redisClient(t, redis.url);
  /** @type {string[]} */
  const commands = [];
  const store = new RedisStateStore({ sendCommand: (args) => (commands.push(args[0]), client.sendCommand(args)) });
  const exp = Date.now() + 60_000;
  const answers = await Promise.all([randomNonce(), randomNonce(), randomNonce()].map((n) => store.consume(n, exp)));
  assert.deepEqual(answers, [true, true, true]);
  assert.deepEqual(commands, ["CONFIG", "SET", "SET", "SET"]);
});

test("a full noeviction Redis refuses the SET: consume rejects with NetworkError and the callback is refused", { timeout: 60_000 }, async (t) => {
  const { RedisStateStore, createCustomState, handleOauth2Callback } = await pkg();
  const redis = await startRedis(t, ["--maxmemory-policy", "noeviction"]);
  const client = await redisClient(t, redis.url);
  const store = new RedisStateStore({ sendCommand: (args) => client.sendCommand(args) });
  assert.equal(await store.consume(randomNonce(), Date.now() + 60_000), true, "the store works before Redis is full");
  // 4 MB of data, then a limit 1 MB below what Redis uses: full, and it does not evict.
  const filler = "x".repeat(64 * 1024);
  for (let i = 0; i < 64; i++) await client.sendCommand(["SET", `fill:${i}`, filler]);
  const used = Number(/used_memory:(\d+)/.exec(await client.sendCommand(["INFO", "memory"]))?.[1]);
  assert.ok(used > 4 * 1024 * 1024);
  await client.sendCommand(["CONFIG", "SET", "maxmemory", String(used - 1024 * 1024)]);
  await assert.rejects(client.sendCommand(["SET", "probe", "x"]), /OOM command not allowed/, "Redis refuses a small write");
  const nonce = randomNonce();
  const e = await store.consume(nonce, Date.now() + 60_000).then(() => assert.fail("accepted"), (e) => e);
  assert.equal(e.name, "NetworkError");
  assert.match(String(e.cause?.message), /^OOM/);
  assert.ok(!e.message.includes(nonce));
  assert.equal(await client.exists(PREFIX + nonce), 0, "nothing was written");
  const state = await createCustomState({ secret: SECRET });
  const callback = `https://app.example/callback?session_id=${encodeURIComponent(SESSION)}&state=${state}`;
  const refused = await handleOauth2Callback(callback, { stateSecret: SECRET, stateStore: store }).then(() => assert.fail("accepted"), (e) => e);
  assert.equal(refused.code, "state_store_unavailable");
  assert.equal(refused.cause?.name, "NetworkError");
});

test("where CONFIG is disabled (managed Redis), the policy is read from INFO memory", { timeout: 60_000 }, async (t) => {
  const { RedisStateStore } = await pkg();
  for (const [policy, accepted] of [["volatile-lru", false], ["noeviction", true]]) {
    const redis = await startRedis(t, ["--maxmemory", "64mb", "--maxmemory-policy", policy, "--rename-command", "CONFIG", ""]);
    const client = await redisClient(t, redis.url);
    await assert.rejects(client.sendCommand(["CONFIG", "GET", "maxmemory-policy"]), "CONFIG is disabled");
    /** @type {string[]} */
    const commands = [];
    const store = new RedisStateStore({ sendCommand: (args) => (commands.push(args.join(" ")), client.sendCommand(args)) });
    const answer = await store.consume(randomNonce(), Date.now() + 60_000).then((v) => v, (e) => e);
    if (accepted) assert.equal(answer, true);
    else assert.ok(answer instanceof Error && answer.name === "ConfigurationError" && answer.message.includes(`maxmemory-policy ${policy}`), String(answer));
    assert.deepEqual(commands.slice(0, 2), ["CONFIG GET maxmemory-policy", "INFO memory"]);
  }
});

test("a Redis that does not tell its policy is refused with a typed error, never used", async () => {
  const { RedisStateStore } = await pkg();
  const exp = Date.now() + 60_000;
  const refuse = () => Promise.reject(new Error("ERR unknown command"));
  const cases = [
    ["CONFIG and INFO refused", () => refuse(), "NetworkError"],
    ["CONFIG refused, INFO without the policy", (args) => (args[0] === "INFO" ? "# Memory\r\nused_memory:1\r\n" : refuse()), "ResponseError"],
    ["CONFIG empty, INFO not text", (args) => (args[0] === "INFO" ? 42 : []), "ResponseError"],
    ["CONFIG answers an unknown policy", (args) => (args[0] === "CONFIG" ? ["maxmemory-policy", "evict-\nsomething"] : "OK"), "ConfigurationError"],
  ];
  for (const [why, answer, name] of cases) {
    const sent = [];
    const store = new RedisStateStore({ sendCommand: async (args) => (sent.push(args[0]), answer(args)), timeoutMs: 500 });
    await assert.rejects(store.consume(randomNonce(), exp), (e) => e.name === name, why);
    assert.ok(!sent.includes("SET"), `${why}: no SET was sent`);
  }
  // RESP3 replies (a map or an object) and Buffers are read too.
  for (const reply of [new Map([["maxmemory-policy", "noeviction"]]), { "maxmemory-policy": "noeviction" }, [Buffer.from("maxmemory-policy"), Buffer.from("noeviction")]]) {
    const store = new RedisStateStore({ sendCommand: async (args) => (args[0] === "CONFIG" ? reply : "OK") });
    assert.equal(await store.consume(randomNonce(), exp), true);
  }
});

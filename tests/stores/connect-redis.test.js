// The connect routes with RedisStateStore on a real redis-server: two app instances (two sets of
// routes, one Redis) serve one user; the callback is accepted by one instance and refused as a
// replay by the other, and the nonce is in Redis with its expiry.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allow, assertNoSecrets, authenticate, browser, emulator, packages, pageMessage, recordingClient, serve, STATE_SECRET, WORKLOAD } from "../node/connect-helpers.js";
import { redisClient, startRedis } from "./support.js";

const { pkg, connect } = await packages();

test("connect routes on two instances sharing a redis-server: connected once, the replay refused on the other", { timeout: 60_000 }, async (t) => {
  const redis = await startRedis(t);
  const emu = await emulator(t);
  const { client, workloadTokens } = recordingClient(pkg, emu);
  const instance = async () => {
    const c = await redisClient(t, redis.url);
    const routes = connect.createConnectRoutes({
      client,
      workloadName: WORKLOAD,
      providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] } },
      stateSecret: STATE_SECRET,
      stateStore: new pkg.RedisStateStore({ sendCommand: (args) => c.sendCommand(args), keyPrefix: "connect-test:" }),
      authenticate,
    });
    return browser((await serve(t, [(r) => routes.handle(r)])).origin);
  };
  const a = await instance();
  const b = await instance();
  const alice = "test_user=alice";

  const started = await a.post("/agentcore/connect/docs", alice);
  assert.equal(started.status, 200, started.body);
  const location = await allow(started.json().authorizationUrl);
  const state = location.searchParams.get("state");
  const callback = location.pathname + location.search;

  const first = await a.call(callback, { cookie: alice });
  assert.equal(first.status, 200, first.body);
  assert.equal(pageMessage(first.body).message.status, "connected");
  const replay = await b.call(callback, { cookie: alice });
  assert.equal(replay.status, 409);
  assert.equal(pageMessage(replay.body).message.code, "state_replayed");

  const check = await redisClient(t, redis.url);
  const keys = await check.keys("connect-test:*");
  assert.equal(keys.length, 1);
  const ttl = await check.pTTL(keys[0]);
  assert.ok(ttl > 0, "the nonce expires");
  assert.ok(!keys[0].includes(state), "Redis holds the nonce, not the state");

  for (const x of [a, b]) assert.deepEqual((await x.call("/agentcore/connections", { cookie: alice })).json(), { connections: [{ provider: "docs", connected: true }] });
  assertNoSecrets([...a.seen, ...b.seen], [emu.credentials.secretAccessKey, ...workloadTokens, state]);
});

test("connect routes with a Redis that is down: the callback is refused with 503, never accepted", { timeout: 60_000 }, async (t) => {
  const redis = await startRedis(t);
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const c = await redisClient(t, redis.url, { disableOfflineQueue: true });
  const routes = connect.createConnectRoutes({
    client,
    workloadName: WORKLOAD,
    providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] } },
    stateSecret: STATE_SECRET,
    stateStore: new pkg.RedisStateStore({ sendCommand: (args) => c.sendCommand(args), timeoutMs: 2000 }),
    authenticate,
  });
  const b = browser((await serve(t, [(r) => routes.handle(r)])).origin);
  const started = await b.post("/agentcore/connect/docs", "test_user=alice");
  const location = await allow(started.json().authorizationUrl);
  await redis.stop();
  const refused = await b.call(location.pathname + location.search, { cookie: "test_user=alice" });
  assert.equal(refused.status, 503);
  assert.equal(pageMessage(refused.body).message.code, "state_store_unavailable");
  assert.deepEqual((await b.call("/agentcore/connections", { cookie: "test_user=alice" })).json(), { connections: [{ provider: "docs", connected: false }] });
});

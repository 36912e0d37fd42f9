// One contract, three stores: the in-memory default, Redis (a real redis-server on loopback, through
// node-redis) and Durable Objects (the package's StateStoreDurableObject in workerd, through
// Miniflare, called from Node by DurableObjectStateStore).
import { conformance } from "./conformance.js";
import { cloudflarePkg, durableObjectWorker, pkg, redisClient, startRedis } from "./support.js";

conformance(
  "InMemoryStateStore",
  async () => {
    const { InMemoryStateStore } = await pkg();
    const store = new InMemoryStateStore();
    return { make: () => store };
  },
  // The in-memory store lives in one isolate by design.
  { checksArguments: true, shared: false, localClock: true },
);

conformance("RedisStateStore", async (scope) => {
  const { RedisStateStore } = await pkg();
  const redis = await startRedis(scope);
  const client = await redisClient(scope, redis.url);
  const other = await redisClient(scope, redis.url);
  let turn = 0;
  return {
    // Alternate between two clients (two connections), as two instances of an app would.
    make: () => {
      const c = turn++ % 2 ? other : client;
      return new RedisStateStore({ sendCommand: (args) => c.sendCommand(args) });
    },
    down: async () => {
      // A second server, stopped: its client's commands fail.
      const gone = await startRedis(scope);
      const c = await redisClient(scope, gone.url, { disableOfflineQueue: true, socket: { reconnectStrategy: false } });
      await gone.stop();
      return new RedisStateStore({ sendCommand: (args) => c.sendCommand(args), timeoutMs: 2000 });
    },
  };
});

conformance("DurableObjectStateStore", async (scope) => {
  const { DurableObjectStateStore } = await cloudflarePkg();
  const { namespace } = await durableObjectWorker(scope);
  return {
    make: () => new DurableObjectStateStore(namespace),
    down: async () => {
      // A second workerd, disposed: its namespace can no longer be reached.
      const gone = await durableObjectWorker(scope);
      const store = new DurableObjectStateStore(gone.namespace, { timeoutMs: 2000 });
      await gone.dispose();
      return store;
    },
  };
});

import type { StateStore } from "./index.js";

/** Options of {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /**
   * Runs one Redis command given as its words (`["SET", key, "1", "NX", "PX", "900000"]`, and
   * once `["CONFIG", "GET", "maxmemory-policy"]` or `["INFO", "memory"]`) and resolves with the
   * reply: `"OK"` or `null` for `SET`. node-redis:
   * `(args) => client.sendCommand(args)`; ioredis: `(args) => client.call(...args)`.
   */
  sendCommand: (args: string[]) => unknown;
  /**
   * Put before the nonce to make the key: 1 to 128 printable ASCII characters without spaces.
   * Default `"agentcore-identity-edge:state:"`.
   */
  keyPrefix?: string;
  /**
   * How long to wait for each reply, in ms (1 to 600000). Default 5000. The first `consume` (and
   * the next one after a failed check) sends up to three commands, `CONFIG GET`, `INFO memory` and
   * `SET`, each bounded by this time: it may take up to 3 x `timeoutMs`.
   */
  timeoutMs?: number;
}

/**
 * A single-use store in Redis, shared by every instance that reaches it. `consume` is one atomic
 * `SET <prefix><nonce> 1 NX PX <ms until expiresAtMs, plus 5 minutes>`: `"OK"` resolves `true`,
 * `null` resolves `false`. The key outlives the state by a 5-minute clock-skew allowance, so an
 * instance whose clock is behind cannot accept the state again.
 *
 * Redis must not evict keys: an evicted key would make a consumed state new again. Before its
 * first `SET`, the store reads the server's `maxmemory-policy` once (`CONFIG GET maxmemory-policy`,
 * or `INFO memory` where `CONFIG` is disabled, as on managed Redis) and rejects with
 * `ConfigurationError` unless it is `noeviction` (every `allkeys-*` and `volatile-*` policy is
 * refused); a failed check is asked again on the next call. `sendCommand` must therefore also run
 * `CONFIG GET` (or `INFO`) and give their replies as the client does.
 *
 * It rejects, and never resolves `true`, when Redis cannot answer: `NetworkError` when
 * `sendCommand` throws or rejects (the client's error is the `cause`), `ResponseError` on any
 * other reply, `RequestTimeoutError` after `timeoutMs`, `ConfigurationError` for a malformed
 * nonce or an expiry that is not an integer time in the future. Messages never hold the nonce.
 *
 * @example
 * ```js
 * import { createClient } from "redis";
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const stateStore = new RedisStateStore({ sendCommand: (args) => redis.sendCommand(args) });
 * ```
 */
export declare class RedisStateStore implements StateStore {
  /** Throws `ConfigurationError` unless `sendCommand` is a function and the options are valid. */
  constructor(options: RedisStateStoreOptions);
  /** Records `nonce` until `expiresAtMs`; resolves true the first time, false if seen before. */
  consume(nonce: string, expiresAtMs: number): Promise<boolean>;
}

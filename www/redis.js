// A single-use store in Redis, shared by every instance that reaches the same Redis: one atomic
// `SET key 1 NX PX ms` per callback. The app passes the function that sends a command, so any
// client works (node-redis, ioredis, an HTTP client for a Redis behind a REST API).
import { makeError } from "./errors.js";
import { field, optionsObject, wholeNumber } from "./guard.js";
import { askBackend, checkConsumeArgs, CLOCK_SKEW_MS, unexpectedAnswer } from "./stores.js";

const DEFAULT_PREFIX = "agentcore-identity-edge:state:";
/** Printable ASCII without spaces, so the key reads the same through any client or REST path. */
const PREFIX = /^[\x21-\x7e]{1,128}$/;
/** The one `maxmemory-policy` under which Redis never drops a key to make room. */
const NO_EVICTION = "noeviction";

/**
 * A reply's text: a string, or bytes (a client that returns Buffers).
 * @param {unknown} v
 * @returns {string | undefined}
 */
function text(v) {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return undefined;
}

/**
 * The policy in a `CONFIG GET maxmemory-policy` reply: `[name, value]` (RESP2), or a map or object
 * (RESP3); `undefined` when the reply holds none.
 * @param {unknown} reply
 * @returns {string | undefined}
 */
function policyFromConfig(reply) {
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) if (text(reply[i])?.toLowerCase() === "maxmemory-policy") return text(reply[i + 1]);
    return undefined;
  }
  if (reply instanceof Map) return text(reply.get("maxmemory-policy"));
  if (typeof reply === "object" && reply !== null && Object.getPrototypeOf(reply) === Object.prototype) {
    return Object.hasOwn(reply, "maxmemory-policy") ? text(/** @type {any} */ (reply)["maxmemory-policy"]) : undefined;
  }
  return undefined;
}

/**
 * The policy in an `INFO memory` reply (`maxmemory_policy:<policy>` on a line of its own).
 * @param {unknown} reply
 * @returns {string | undefined}
 */
function policyFromInfo(reply) {
  return text(reply)?.match(/^maxmemory_policy:([^\r\n]*)$/m)?.[1];
}

/**
 * A single-use store in Redis (or any server that speaks its `SET ... NX PX`).
 */
export class RedisStateStore {
  /** @type {(args: string[]) => unknown} */
  #sendCommand;
  /** @type {string} */
  #prefix;
  /** @type {number} */
  #timeoutMs;
  /** The eviction check, once it passed or while it runs; a failed one is asked again. */
  /** @type {Promise<void> | undefined} */
  #evictionChecked;

  /**
   * @param {import("./redis.js").RedisStateStoreOptions} options
   */
  constructor(options) {
    const o = optionsObject(options, "RedisStateStore options", false);
    const sendCommand = field(o, "sendCommand", "RedisStateStore options");
    if (typeof sendCommand !== "function") {
      throw makeError("configuration", { message: "RedisStateStore: sendCommand must be a function that runs one Redis command" });
    }
    const given = field(o, "keyPrefix", "RedisStateStore options");
    const keyPrefix = given === undefined ? DEFAULT_PREFIX : given;
    if (typeof keyPrefix !== "string" || !PREFIX.test(keyPrefix)) {
      throw makeError("configuration", { message: "RedisStateStore: keyPrefix must be 1 to 128 printable ASCII characters without spaces" });
    }
    this.#sendCommand = /** @type {(args: string[]) => unknown} */ (sendCommand);
    this.#prefix = keyPrefix;
    this.#timeoutMs = wholeNumber(field(o, "timeoutMs", "RedisStateStore options"), "RedisStateStore: timeoutMs", 1, 600_000, 5000);
  }

  /**
   * Records `nonce` until `expiresAtMs` and the clock-skew allowance (5 minutes) after it, with
   * one `SET <prefix><nonce> 1 NX PX <ms>`: true when Redis stored it (`OK`), false when the key
   * was there (`null`). Before the first one, checks once that Redis does not evict keys. Rejects
   * with `ConfigurationError` when Redis evicts keys (a `maxmemory-policy` other than
   * `noeviction`) or for a malformed argument, `NetworkError` when a command fails,
   * `ResponseError` on any other reply, `RequestTimeoutError` after `timeoutMs`.
   * @param {string} nonce
   * @param {number} expiresAtMs
   * @returns {Promise<boolean>}
   */
  async consume(nonce, expiresAtMs) {
    checkConsumeArgs(nonce, expiresAtMs, Date.now());
    await this.#checkEviction();
    // Taken after the check, which may have waited: the key lives from the SET on.
    const now = Date.now();
    const args = ["SET", this.#prefix + nonce, "1", "NX", "PX", String(expiresAtMs - now + CLOCK_SKEW_MS)];
    return askBackend(
      () => this.#sendCommand(args),
      (reply) => {
        if (reply === "OK") return true;
        if (reply === null) return false;
        throw unexpectedAnswer("Redis");
      },
      this.#timeoutMs,
      "Redis",
    );
  }

  /**
   * Resolves once Redis is known not to evict keys: an evicted key would make a consumed state new
   * again. Asked once per store (again after a failure).
   * @returns {Promise<void>}
   */
  #checkEviction() {
    if (!this.#evictionChecked) {
      const checked = this.#evictionPolicy().then((policy) => {
        if (policy === NO_EVICTION) return;
        const named = /^[a-z-]{1,40}$/.test(policy) ? `maxmemory-policy ${policy}` : "its maxmemory-policy";
        throw makeError("configuration", {
          message: `RedisStateStore: this Redis evicts keys (${named}), which would make a consumed state new again; set maxmemory-policy to noeviction`,
        });
      });
      this.#evictionChecked = checked;
      checked.catch(() => {
        if (this.#evictionChecked === checked) this.#evictionChecked = undefined;
      });
    }
    return this.#evictionChecked;
  }

  /**
   * The server's `maxmemory-policy`: from `CONFIG GET`, or from `INFO memory` where `CONFIG` is
   * disabled (managed Redis). Rejects with the typed error of the last command asked.
   * @returns {Promise<string>}
   */
  async #evictionPolicy() {
    /** @template R @param {string[]} args @param {(reply: unknown) => R} read @returns {Promise<R>} */
    const ask = (args, read) => askBackend(() => this.#sendCommand(args), read, this.#timeoutMs, "Redis");
    /** @type {string | undefined} */
    let policy;
    try {
      policy = await ask(["CONFIG", "GET", "maxmemory-policy"], policyFromConfig);
    } catch (e) {
      // A CONFIG that fails (an error reply, which the client throws, or a client that cannot reach
      // Redis) falls back to INFO, as does a reply without the policy; no answer within timeoutMs
      // does not.
      if (!(e instanceof Error && e.name === "NetworkError")) throw e;
    }
    if (policy !== undefined) return policy;
    return ask(["INFO", "memory"], (reply) => {
      const found = policyFromInfo(reply);
      if (found === undefined) {
        throw makeError("response", { message: "the state store (Redis) did not tell its maxmemory-policy (CONFIG GET or INFO memory)" });
      }
      return found;
    });
  }
}

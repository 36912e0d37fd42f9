// A single-use store in Redis, shared by every instance that reaches the same Redis: one atomic
// `SET key 1 NX PX ms` per callback. The app passes the function that sends a command, so any
// client works (node-redis, ioredis, an HTTP client for a Redis behind a REST API).
import { makeError } from "./errors.js";
import { field, optionsObject, wholeNumber } from "./guard.js";
import { askBackend, checkConsumeArgs, unexpectedAnswer } from "./stores.js";

const DEFAULT_PREFIX = "agentcore-identity-edge:state:";
/** Printable ASCII without spaces, so the key reads the same through any client or REST path. */
const PREFIX = /^[\x21-\x7e]{1,128}$/;

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
   * Records `nonce` until `expiresAtMs` with one `SET <prefix><nonce> 1 NX PX <ms>`: true when
   * Redis stored it (`OK`), false when the key was there (`null`). Rejects with `NetworkError`
   * when the command fails, `ResponseError` on any other reply, `RequestTimeoutError` after
   * `timeoutMs`, and `ConfigurationError` for a malformed argument.
   * @param {string} nonce
   * @param {number} expiresAtMs
   * @returns {Promise<boolean>}
   */
  async consume(nonce, expiresAtMs) {
    const now = Date.now();
    checkConsumeArgs(nonce, expiresAtMs, now);
    const args = ["SET", this.#prefix + nonce, "1", "NX", "PX", String(expiresAtMs - now)];
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
}

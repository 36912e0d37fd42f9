// Cloudflare: a single-use store in Durable Objects. `DurableObjectStateStore` sends each nonce to
// the object named after it; `StateStoreDurableObject` (re-exported by the app's Worker and bound in
// wrangler.toml) records it until its expiry and deletes it with an alarm.
import { makeError } from "./errors.js";
import { field, isObject, member, optionsObject, wholeNumber } from "./guard.js";
import { askBackend, checkConsumeArgs, CLOCK_SKEW_MS, unexpectedAnswer } from "./stores.js";

const ORIGIN = "https://agentcore-identity-edge.state-store";
const CONSUMED = '{"consumed":true}';
const SEEN = '{"consumed":false}';
const KEY = "nonce:";
/** Keys per `delete` call (the storage API's limit). */
const DELETE_BATCH = 128;

/**
 * @typedef {object} StorageLike
 * @property {(key: string) => Promise<unknown>} get
 * @property {(key: string, value: unknown) => Promise<void>} put
 * @property {(keys: string[]) => Promise<number>} delete
 * @property {() => Promise<void>} deleteAll
 * @property {(options: { prefix: string }) => Promise<Map<string, unknown>>} list
 * @property {() => Promise<number | null>} getAlarm
 * @property {(time: number) => Promise<void>} setAlarm
 */

/** The storage methods the object calls. */
const STORAGE_METHODS = ["get", "put", "delete", "deleteAll", "list", "getAlarm", "setAlarm"];

/**
 * A stored entry: a positive, whole time in epoch milliseconds. Anything else (NaN, 0, a negative
 * or fractional number, a non-number) is malformed, never "not seen".
 * @param {unknown} v
 * @returns {v is number}
 */
const isEntry = (v) => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/** @param {string} text @param {number} status */
const reply = (text, status) => new Response(text, { status, headers: { "content-type": "application/json" } });

/**
 * The Durable Object that keeps consumed nonces. Export it from the Worker's main module and bind
 * it (`[[durable_objects.bindings]]`, with a `new_sqlite_classes` migration).
 */
export class StateStoreDurableObject {
  /** @type {StorageLike} */
  #storage;

  /**
   * @param {{ storage: StorageLike }} state the object's state, from the runtime
   * @param {unknown} [_env]
   */
  constructor(state, _env) {
    let storage;
    try {
      // The runtime's objects hold these as accessors and methods of their classes; nothing is
      // taken from Object.prototype. Every method the object calls is checked here, once.
      const given = isObject(state) ? member(state, "storage", "state") : undefined;
      if (isObject(given) && STORAGE_METHODS.every((name) => typeof member(given, name, "state.storage") === "function")) storage = given;
    } catch {
      storage = undefined;
    }
    if (!storage) throw makeError("configuration", { message: "StateStoreDurableObject: the runtime's state has no storage (with get, put, delete, deleteAll, list, getAlarm and setAlarm)" });
    this.#storage = /** @type {StorageLike} */ (storage);
  }

  /**
   * `POST /consume` with `{ nonce, expiresAtMs }`: answers `{"consumed":true}` the first time a
   * nonce is seen, `{"consumed":false}` after, 400 for a malformed request.
   * @param {Request} request
   * @returns {Promise<Response>}
   */
  async fetch(request) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/consume") return reply('{"error":"not found"}', 404);
    /** @type {unknown} */
    let body;
    try {
      body = await request.json();
    } catch {
      return reply('{"error":"malformed request"}', 400);
    }
    const nonce = isObject(body) ? field(body, "nonce", "request") : undefined;
    const expiresAtMs = isObject(body) ? field(body, "expiresAtMs", "request") : undefined;
    try {
      // The same checks as the store's `consume`: an expiry in the past or too far ahead is malformed.
      checkConsumeArgs(nonce, expiresAtMs, Date.now());
    } catch {
      return reply('{"error":"malformed request"}', 400);
    }
    const consumed = await this.#consume(nonce, /** @type {number} */ (expiresAtMs));
    // An entry that is not an expiry time is not "never seen": the object refuses to answer.
    if (consumed === undefined) return reply('{"error":"unreadable entry"}', 500);
    return reply(consumed ? CONSUMED : SEEN, 200);
  }

  /**
   * Only storage calls happen between the read and the write: the object's input gate delivers no
   * other request meanwhile, so the check and the insert are one atomic step. The entry is the
   * time until which the nonce is kept: the state's expiry and the clock-skew allowance.
   * @param {string} nonce
   * @param {number} expiresAtMs
   * @returns {Promise<boolean | undefined>} undefined when the stored entry is not an expiry time
   */
  async #consume(nonce, expiresAtMs) {
    const key = KEY + nonce;
    const seen = await this.#storage.get(key);
    if (seen !== undefined) {
      if (!isEntry(seen)) return undefined;
      if (seen > Date.now()) return false;
    }
    const keepUntil = expiresAtMs + CLOCK_SKEW_MS;
    await this.#storage.put(key, keepUntil);
    const alarm = await this.#storage.getAlarm();
    if (alarm === null || alarm > keepUntil) await this.#storage.setAlarm(keepUntil);
    return true;
  }

  /**
   * Deletes the expired nonces; empties the object's storage once none is left, or sets the alarm
   * again for the next expiry. A malformed entry is kept: deleting it would make its nonce new.
   * @returns {Promise<void>}
   */
  async alarm() {
    const now = Date.now();
    const entries = await this.#storage.list({ prefix: KEY });
    /** @type {string[]} */
    const expired = [];
    let next = Infinity;
    let malformed = false;
    for (const [key, keepUntil] of entries) {
      if (!isEntry(keepUntil)) malformed = true;
      else if (keepUntil > now) next = Math.min(next, keepUntil);
      else expired.push(key);
    }
    if (next === Infinity && !malformed) {
      await this.#storage.deleteAll();
      return;
    }
    for (let i = 0; i < expired.length; i += DELETE_BATCH) await this.#storage.delete(expired.slice(i, i + DELETE_BATCH));
    if (next !== Infinity) await this.#storage.setAlarm(next);
  }
}

/**
 * @typedef {{ fetch(input: string, init: RequestInit): Promise<Response> }} StubLike
 */

/**
 * A binding's method, read as the runtime gives it (Miniflare's bindings in Node are proxies, with
 * no own properties), but never one left on `Object.prototype` or `Function.prototype` by a
 * prototype pollution: a polluted `get` could answer every replay as new.
 * @param {any} ns @param {string} key
 */
function bindingMethod(ns, key) {
  const f = ns[key];
  const polluted = [Object.prototype, Function.prototype].some((p) => Object.hasOwn(p, key) && /** @type {any} */ (p)[key] === f);
  return typeof f === "function" && !polluted ? f : undefined;
}

/**
 * A single-use store in Durable Objects: each nonce goes to the object named after it.
 */
export class DurableObjectStateStore {
  /** The namespace's `get(idFromName(nonce))`, read once from the binding. @type {(nonce: string) => StubLike} */
  #stub;
  /** @type {number} */
  #timeoutMs;

  /**
   * @param {import("./cloudflare.js").DurableObjectNamespaceLike} namespace the binding of {@link StateStoreDurableObject}
   * @param {import("./cloudflare.js").DurableObjectStateStoreOptions} [options]
   */
  constructor(namespace, options) {
    const ns = /** @type {any} */ (namespace);
    /** @type {unknown} */
    let idFromName;
    /** @type {unknown} */
    let get;
    try {
      if (ns && (typeof ns === "object" || typeof ns === "function")) {
        idFromName = bindingMethod(ns, "idFromName");
        get = bindingMethod(ns, "get");
      }
    } catch {
      // a getter or proxy that throws: not a namespace
    }
    if (typeof idFromName !== "function" || typeof get !== "function") {
      throw makeError("configuration", { message: "DurableObjectStateStore: pass the Durable Object namespace binding (with idFromName and get)" });
    }
    const o = optionsObject(options, "DurableObjectStateStore options", true);
    this.#stub = (nonce) => get.call(ns, idFromName.call(ns, nonce));
    this.#timeoutMs = wholeNumber(field(o, "timeoutMs", "DurableObjectStateStore options"), "DurableObjectStateStore: timeoutMs", 1, 600_000, 10_000);
  }

  /**
   * Asks the object named `nonce` to record it until `expiresAtMs`: true the first time, false
   * after. Rejects with `NetworkError` when the object cannot be reached, `ResponseError` on any
   * other answer, `RequestTimeoutError` after `timeoutMs`, and `ConfigurationError` for a
   * malformed argument.
   * @param {string} nonce
   * @param {number} expiresAtMs
   * @returns {Promise<boolean>}
   */
  async consume(nonce, expiresAtMs) {
    checkConsumeArgs(nonce, expiresAtMs, Date.now());
    const body = JSON.stringify({ nonce, expiresAtMs });
    return askBackend(
      () => {
        const stub = this.#stub(nonce);
        return stub.fetch(`${ORIGIN}/consume`, { method: "POST", headers: { "content-type": "application/json" }, body, redirect: "manual" });
      },
      async (res) => {
        if (!res || typeof res !== "object" || typeof res.text !== "function") throw unexpectedAnswer("the Durable Object");
        const text = await res.text();
        if (res.status === 200 && text === CONSUMED) return true;
        if (res.status === 200 && text === SEEN) return false;
        throw unexpectedAnswer("the Durable Object");
      },
      this.#timeoutMs,
      "the Durable Object",
    );
  }
}

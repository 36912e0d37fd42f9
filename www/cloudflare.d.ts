/**
 * Cloudflare Workers: a single-use store for callback states in Durable Objects, exact across every
 * instance of the Worker. Import from `agentcore-identity-edge/cloudflare`.
 *
 * ```js
 * import { DurableObjectStateStore } from "agentcore-identity-edge/cloudflare";
 * export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";
 * // in fetch: handleOauth2Callback(request, { ..., stateStore: new DurableObjectStateStore(env.AGENTCORE_STATE) })
 * ```
 *
 * ```toml
 * [[durable_objects.bindings]]
 * name = "AGENTCORE_STATE"
 * class_name = "StateStoreDurableObject"
 *
 * [[migrations]]
 * tag = "v1"
 * new_sqlite_classes = ["StateStoreDurableObject"]
 * ```
 *
 * @packageDocumentation
 */

import type { StateStore } from "./index.js";

/** The storage of a Durable Object, as far as {@link StateStoreDurableObject} uses it. */
export interface DurableObjectStorageLike {
  /** Reads a key. */
  get(key: string): Promise<unknown>;
  /** Writes a key. */
  put(key: string, value: unknown): Promise<void>;
  /** Deletes keys. */
  delete(keys: string[]): Promise<number>;
  /** Deletes every key. */
  deleteAll(): Promise<void>;
  /** Lists the keys under a prefix. */
  list(options: { prefix: string }): Promise<Map<string, unknown>>;
  /** The alarm's time, or null. */
  getAlarm(): Promise<number | null>;
  /** Sets the alarm. */
  setAlarm(scheduledTime: number): Promise<void>;
}

/**
 * The Durable Object that records consumed nonces. Re-export it from the Worker's main module and
 * bind it in wrangler.toml (with a `new_sqlite_classes` migration). Each nonce is kept until its
 * expiry; an alarm then deletes it and empties the object's storage once nothing is left. The
 * check and the insert run with only storage calls between them, so the object's input gate makes
 * them one atomic step.
 */
export declare class StateStoreDurableObject {
  /** Called by the runtime. Throws `ConfigurationError` when `state` has no storage. */
  constructor(state: { storage: DurableObjectStorageLike }, env?: unknown);
  /**
   * `POST /consume` with `{ nonce, expiresAtMs }`: `{"consumed":true}` the first time a nonce is
   * seen, `{"consumed":false}` after; 400 for a malformed request, 404 for any other route.
   */
  fetch(request: Request): Promise<Response>;
  /** Called by the runtime at the earliest expiry: deletes what has expired. */
  alarm(): Promise<void>;
}

/** A stub of a Durable Object, as far as {@link DurableObjectStateStore} uses it. */
export interface DurableObjectStubLike {
  /** Sends a request to the object. */
  fetch(input: string, init: RequestInit): Promise<Response>;
}

/** The Durable Object namespace binding of {@link StateStoreDurableObject} (`env.AGENTCORE_STATE`). */
export interface DurableObjectNamespaceLike {
  /** The id of the object with this name. */
  idFromName(name: string): any;
  /** A stub for the object. */
  get(id: any): DurableObjectStubLike;
}

/** Options of {@link DurableObjectStateStore}. */
export interface DurableObjectStateStoreOptions {
  /** How long to wait for the object's answer, in ms (1 to 600000). Default 10000. */
  timeoutMs?: number;
}

/**
 * A single-use store in Durable Objects, shared by every instance of the Worker: `consume` sends
 * the nonce to the object named after it (`idFromName(nonce)`), which answers atomically. It
 * rejects, and never resolves `true`, when the object cannot answer: `NetworkError` when the call
 * fails (its error is the `cause`), `ResponseError` on any other answer, `RequestTimeoutError`
 * after `timeoutMs`, `ConfigurationError` for a malformed nonce or an expiry that is not an integer
 * time in the future. Messages never hold the nonce.
 */
export declare class DurableObjectStateStore implements StateStore {
  /** Throws `ConfigurationError` unless `namespace` has `idFromName` and `get`. */
  constructor(namespace: DurableObjectNamespaceLike, options?: DurableObjectStateStoreOptions);
  /** Records `nonce` until `expiresAtMs`; resolves true the first time, false if seen before. */
  consume(nonce: string, expiresAtMs: number): Promise<boolean>;
}

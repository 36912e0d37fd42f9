// The public client: a thin, typed shell over the wasm core. Validation, signing, the transport,
// retries and error parsing all run in Rust; this file loads the module once, lazily, and passes
// the host's functions in.
import { WasmClient } from "./wasm/agentcore_identity_edge.js";
import { authorize } from "./flow.js";
import { init } from "./init.js";
import { isPackageError, makeError } from "./errors.js";
import {
  CHECK_INPUT,
  checked,
  configError,
  credentialsSnapshot,
  endpointUrl,
  field,
  inputData,
  isObject,
  optionalBoolean,
  optionalFunction,
  optionalNumber,
  optionalSignal,
  optionsObject,
  string,
  wholeNumber,
} from "./guard.js";
import { init as attemptInit, read, resolveCredentials, runtime, sleep, within } from "./host.js";
export { createCustomState, handleOauth2Callback, InMemoryStateStore } from "./callback.js";
export { authorizeInPopup, postCallbackToOpener } from "./popup.js";
export { RedisStateStore } from "./redis.js";

export {
  AccessDeniedException,
  AgentCoreServiceException,
  AuthorizationFlowError,
  CallbackError,
  ConfigurationError,
  CredentialsProviderError,
  InternalServerException,
  NetworkError,
  ParamValidationError,
  PopupError,
  RequestTimeoutError,
  ResourceNotFoundException,
  ResponseError,
  ThrottlingException,
  UnauthorizedException,
  ValidationException,
} from "./errors.js";

/** @typedef {import("./index.js").ClientConfig} ClientConfig */
/** @typedef {import("./index.js").CallOptions} CallOptions */

/** @type {typeof fetch} */
const globalFetch = (input, init) => globalThis.fetch(input, init);

/** The configuration's plain options, each with its check, in the order they are checked. */
const CONFIG_FIELDS = {
  region: string,
  endpoint: string,
  userAgentAppId: string,
  useFipsEndpoint: optionalBoolean,
  useDualstackEndpoint: optionalBoolean,
  allowInsecureEndpoint: optionalBoolean,
  maxAttempts: optionalNumber,
  requestTimeoutMs: optionalNumber,
};

/**
 * The configuration as plain data for the core, and the functions it holds.
 * @param {unknown} config
 */
function configSnapshot(config) {
  if (!isObject(config)) throw configError("Invalid Configuration: the client needs a configuration object");
  const what = "config";
  // No prototype: the core reads members by name, and nothing may come from Object.prototype.
  /** @type {Record<string, unknown>} */
  const snapshot = Object.create(null);
  for (const [key, check] of Object.entries(CONFIG_FIELDS)) {
    const v = field(config, key, what);
    if (v !== undefined) snapshot[key] = check(v, `Invalid Configuration: ${key}`);
  }
  if (typeof snapshot.endpoint === "string") endpointUrl(snapshot.endpoint, snapshot.allowInsecureEndpoint === true);
  const fetchImpl = optionalFunction(field(config, "fetch", what), "Invalid Configuration: fetch") ?? globalFetch;
  const credentials = field(config, "credentials", what);
  /** @type {(() => Promise<unknown>) | undefined} */
  let provider;
  if (typeof credentials === "function") {
    provider = () => resolveCredentials(/** @type {() => unknown} */ (credentials));
  } else {
    snapshot.credentials = credentialsSnapshot(credentials, "configuration");
  }
  return { snapshot, host: { fetch: fetchImpl, init: attemptInit, read, makeError, credentials: provider, runtime: runtime() } };
}

/**
 * Client for the Amazon Bedrock AgentCore Identity data plane.
 */
export class AgentCoreIdentityClient {
  /** @type {{ snapshot: Record<string, unknown>, host: { credentials?: () => Promise<unknown> } }} */
  #config;
  /** @type {WasmClient | undefined} */
  #wasm;
  /** The credentials provider's answer being awaited; concurrent calls share it. */
  /** @type {Promise<unknown> | undefined} */
  #pendingCredentials;

  /** @param {ClientConfig} config */
  constructor(config) {
    this.#config = checked(() => configSnapshot(config), "the client configuration");
  }

  /** @returns {Promise<WasmClient>} */
  async #client() {
    if (!this.#wasm) {
      await init();
      this.#wasm ??= new WasmClient(this.#config.snapshot, this.#config.host);
    }
    return this.#wasm;
  }

  /**
   * Checks the arguments of a call; the core checks the input against the model.
   * @param {string} operation
   * @param {unknown} input
   * @param {unknown} options
   * @returns {Promise<any>}
   */
  #send(operation, input, options) {
    /** @type {unknown} */
    let data;
    /** @type {AbortSignal | undefined} */
    let signal;
    try {
      const opts = optionsObject(options, "options", true);
      signal = optionalSignal(field(opts, "signal", "options"), "options.signal");
      data = inputData(input);
    } catch (e) {
      return Promise.reject(isPackageError(e) ? e : configError("the call's arguments could not be read", e));
    }
    return this.#dispatch(operation, data, signal);
  }

  /**
   * Runs a call whose arguments are checked, `data` a plain copy of its input.
   * @param {string} operation
   * @param {unknown} data
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<any>}
   */
  async #dispatch(operation, data, signal) {
    // The first call loads the module (a browser streams it): that wait ends at the abort too.
    return this.#run(this.#wasm ?? (await within(this.#client(), undefined, () => {}, signal)), operation, data, signal);
  }

  /**
   * Checks `input` for `operation` as a call would (plain data, then the model), without sending
   * it: `handleOauth2Callback` checks the session binding's input before it consumes the state.
   * Rejects with the call's typed error.
   * @param {string} operation
   * @param {unknown} input
   * @returns {Promise<void>}
   */
  async [CHECK_INPUT](operation, input) {
    const data = inputData(input);
    const wasm = this.#wasm ?? (await this.#client());
    wasm.end(wasm.begin(operation, data));
  }

  /**
   * Runs a call in the core's steps: `begin` validates and prepares it; each `attempt` signs and
   * issues a request through the host's `fetch` and gives the promise of its settled reply (never
   * rejected), the one await of an attempt; `settle` decides what follows: a delay before the next
   * attempt (a number), the result, or the error it throws.
   * @param {WasmClient} wasm
   * @param {string} operation
   * @param {unknown} data
   * @param {AbortSignal | undefined} signal
   */
  async #run(wasm, operation, data, signal) {
    if (signal?.aborted) throw signal.reason;
    const id = wasm.begin(operation, data);
    try {
      for (;;) {
        if (this.#config.host.credentials && wasm.needsCredentials()) await this.#refreshCredentials(wasm, signal);
        // The settled attempt (host.js's, on no prototype) is read by name.
        const next = wasm.settle(id, await wasm.attempt(id, signal));
        if (typeof next !== "number") return next;
        if (next > 0) await sleep(next, signal);
      }
    } finally {
      wasm.end(id);
    }
  }

  /**
   * Calls the credentials provider (once for all the calls waiting) and gives its answer to the
   * core, which checks it. A provider that never answers does not outlast the caller's abort, nor
   * `requestTimeoutMs` when it is set.
   * @param {WasmClient} wasm
   * @param {AbortSignal | undefined} signal
   */
  async #refreshCredentials(wasm, signal) {
    let pending = this.#pendingCredentials;
    if (!pending) {
      // Stored before the provider runs: a provider that calls this client shares its own call.
      pending = Promise.resolve().then(/** @type {() => Promise<unknown>} */ (this.#config.host.credentials));
      this.#pendingCredentials = pending;
    }
    try {
      const timeoutMs = /** @type {number | undefined} */ (this.#config.snapshot.requestTimeoutMs);
      // A provider that never answers does not hang a call that has a time limit.
      const late = () => makeError("credentials", { message: `the credentials provider did not answer within requestTimeoutMs (${timeoutMs} ms)` });
      wasm.setCredentials(await within(pending, timeoutMs, late, signal));
    } finally {
      // Shared until the first waiter has handed the answer to the core, or given up (its abort):
      // a provider call that never settles does not hold up later calls.
      if (this.#pendingCredentials === pending) this.#pendingCredentials = undefined;
    }
  }

  /** @param {import("./index.js").GetResourceOauth2TokenInput} input @param {CallOptions} [options] */
  getResourceOauth2Token(input, options) {
    return this.#send("GetResourceOauth2Token", input, options);
  }

  /**
   * Gets a token, running the user authorization if needed: on an authorization URL, calls
   * `onAuthorizationUrl`, then polls with the same input plus `sessionUri` until the token comes,
   * the session fails, the time runs out or the signal aborts.
   * @param {import("./index.js").GetResourceOauth2TokenInput} input
   * @param {import("./index.js").AuthorizeOptions} options
   * @returns {Promise<import("./index.js").GetResourceOauth2TokenOutput>}
   */
  async getResourceOauth2TokenOrAuthorize(input, options) {
    const what = "getResourceOauth2TokenOrAuthorize options";
    const { onAuthorizationUrl, pollIntervalMs, timeoutMs, signal } = checked(() => {
      const opts = optionsObject(options, "options", true);
      const o = {
        onAuthorizationUrl: optionalFunction(field(opts, "onAuthorizationUrl", what), "onAuthorizationUrl"),
        pollIntervalMs: wholeNumber(field(opts, "pollIntervalMs", what), "pollIntervalMs", 10, 600_000, 5000),
        timeoutMs: wholeNumber(field(opts, "timeoutMs", what), "timeoutMs", 1, 86_400_000, 600_000),
        signal: optionalSignal(field(opts, "signal", what), "signal"),
      };
      return o;
    }, what);
    // One plain copy of the input for the first call and the polls (read once: no getter runs twice).
    /** @type {any} */
    const data = checked(() => inputData(input), "the input");
    return authorize((poll, s) => this.#dispatch("GetResourceOauth2Token", poll, s), data, { onAuthorizationUrl, pollIntervalMs, timeoutMs, signal });
  }

  /** @param {import("./index.js").CompleteResourceTokenAuthInput} input @param {CallOptions} [options] */
  completeResourceTokenAuth(input, options) {
    return this.#send("CompleteResourceTokenAuth", input, options);
  }

  /** @param {import("./index.js").GetWorkloadAccessTokenInput} input @param {CallOptions} [options] */
  getWorkloadAccessToken(input, options) {
    return this.#send("GetWorkloadAccessToken", input, options);
  }

  /** @param {import("./index.js").GetWorkloadAccessTokenForJWTInput} input @param {CallOptions} [options] */
  getWorkloadAccessTokenForJWT(input, options) {
    return this.#send("GetWorkloadAccessTokenForJWT", input, options);
  }

  /** @param {import("./index.js").GetWorkloadAccessTokenForUserIdInput} input @param {CallOptions} [options] */
  getWorkloadAccessTokenForUserId(input, options) {
    return this.#send("GetWorkloadAccessTokenForUserId", input, options);
  }

  /** @param {import("./index.js").GetResourceApiKeyInput} input @param {CallOptions} [options] */
  getResourceApiKey(input, options) {
    return this.#send("GetResourceApiKey", input, options);
  }

  /** @param {import("./index.js").GetResourcePaymentTokenInput} input @param {CallOptions} [options] */
  getResourcePaymentToken(input, options) {
    return this.#send("GetResourcePaymentToken", input, options);
  }
}

/**
 * One call with a one-off client.
 * @param {import("./index.js").GetResourceOauth2TokenInput} input
 * @param {ClientConfig & CallOptions} config
 */
export function getResourceOauth2Token(input, config) {
  try {
    const client = new AgentCoreIdentityClient(config);
    const signal = checked(() => optionalSignal(field(/** @type {object} */ (config), "signal", "config"), "signal"), "config");
    return client.getResourceOauth2Token(input, { signal });
  } catch (e) {
    return Promise.reject(e);
  }
}

// The public client: a thin, typed shell over the wasm core. Validation, signing, the transport,
// retries and error parsing all run in Rust; this file loads the module once, lazily, and passes
// the host's functions in.
import { WasmClient } from "./wasm/agentcore_identity_edge.js";
import { init } from "./init.js";
import { makeError, ThrottlingException } from "./errors.js";
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

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts.
 * @param {number} ms
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<void>}
 */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** @type {typeof fetch} */
const globalFetch = (input, init) => globalThis.fetch(input, init);

/**
 * How the wasm transport issues a signed request: `fetch(url, init)` with a plain init object and
 * plain headers. The headers arrive as one `name\nvalue\n...` string (one crossing from wasm).
 * @param {(url: string, init: RequestInit) => Promise<Response>} fetchImpl
 */
function sender(fetchImpl) {
  /** @param {string} url @param {string} body @param {string} headerLines @param {AbortSignal | undefined} signal */
  return async (url, body, headerLines, signal) => {
    const parts = headerLines.split("\n");
    /** @type {Record<string, string>} */
    const headers = {};
    for (let i = 0; i < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
    return fetchImpl(url, signal ? { method: "POST", headers, body, signal } : { method: "POST", headers, body });
  };
}

/**
 * Client for the Amazon Bedrock AgentCore Identity data plane.
 */
export class AgentCoreIdentityClient {
  /** @type {ClientConfig} */
  #config;
  /** @type {WasmClient | undefined} */
  #wasm;

  /** @param {ClientConfig} config */
  constructor(config) {
    if (config === null || typeof config !== "object") {
      throw makeError("configuration", { message: "Invalid Configuration: the client needs a configuration object" });
    }
    this.#config = { ...config };
  }

  /** @returns {Promise<WasmClient>} */
  async #client() {
    if (!this.#wasm) {
      await init();
      this.#wasm ??= new WasmClient(this.#config, {
        send: sender(this.#config.fetch ?? globalFetch),
        sleep,
        makeError,
      });
    }
    return this.#wasm;
  }

  /**
   * @param {string} operation
   * @param {unknown} input
   * @param {CallOptions | undefined} options
   * @returns {Promise<any>}
   */
  #send(operation, input, options) {
    const wasm = this.#wasm;
    if (wasm) return wasm.send(operation, input, options?.signal);
    return this.#client().then((client) => client.send(operation, input, options?.signal));
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
    const { onAuthorizationUrl, pollIntervalMs = 5000, timeoutMs = 600_000, signal } = options ?? {};
    const deadline = Date.now() + timeoutMs;
    let out = await this.getResourceOauth2Token(input, { signal });
    if (out.accessToken) return out;
    const sessionUri = out.sessionUri;
    const flowError = (/** @type {string} */ code, /** @type {string} */ message) => makeError("flow", { code, message, sessionUri });
    if (!sessionUri) throw flowError("no_session", "the service returned neither a token nor a session");
    if (out.sessionStatus === "FAILED") throw flowError("session_failed", "the authorization session failed");
    if (out.authorizationUrl) {
      if (typeof onAuthorizationUrl !== "function") throw flowError("no_handler", "a user authorization is needed: pass onAuthorizationUrl");
      await onAuthorizationUrl(out.authorizationUrl, { sessionUri });
    }
    // Poll with the same input plus the session; forceAuthentication would start a new session.
    const poll = { ...input, sessionUri };
    delete poll.forceAuthentication;
    let interval = pollIntervalMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw flowError("timeout", `no token within ${timeoutMs} ms`);
      await sleep(Math.min(interval, remaining), signal);
      try {
        out = await this.getResourceOauth2Token(poll, { signal });
      } catch (e) {
        if (!(e instanceof ThrottlingException)) throw e;
        interval = Math.min(interval * 2, 60_000);
        continue;
      }
      if (out.accessToken) return out;
      if (out.sessionStatus === "FAILED") throw flowError("session_failed", "the authorization session failed");
      interval = pollIntervalMs;
    }
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
}

/**
 * One call with a one-off client.
 * @param {import("./index.js").GetResourceOauth2TokenInput} input
 * @param {ClientConfig & CallOptions} config
 */
export function getResourceOauth2Token(input, config) {
  return new AgentCoreIdentityClient(config).getResourceOauth2Token(input, config);
}

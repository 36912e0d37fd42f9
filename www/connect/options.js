// The connect routes' options, checked and copied once, when the routes are created: own
// properties only (nothing inherited from a polluted Object.prototype), every type and range, and a
// ConfigurationError naming the option for a wrong one. Also the check of what `authenticate` gives.
import { STORE_TIMEOUT_MS } from "../callback.js";
import { BASE_PATH, bytes, CHECK_INPUT, checked, checkWebOrigin, configError, field as own, isObject, member, optionalBoolean, optionsObject, PROVIDER_ID, string, wholeNumber } from "../guard.js";

const MAX_PROVIDERS = 64;
/** How long `authenticate` may take, by default, before the request is answered 503. */
const AUTHENTICATE_TIMEOUT_MS = 10_000;
/** How long a POST's body may take to arrive, by default, before the request is answered 408. */
const BODY_TIMEOUT_MS = 10_000;
/** The model's WorkloadIdentityNameType: 3 to 255 characters of its pattern, matched whole. */
const WORKLOAD_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const MAX_TIMEOUT_MS = 600_000;
const OPTIONS = ["client", "workloadName", "providers", "stateSecret", "stateStore", "authenticate", "basePath", "allowedOrigins", "exposeAccessTokens", "origin", "authenticateTimeoutMs", "stateStoreTimeoutMs", "bodyTimeoutMs"];
const PROVIDER_OPTIONS = ["resourceCredentialProviderName", "scopes", "customParameters", "checkConnection"];
const CLIENT_METHODS = ["getResourceOauth2Token", "completeResourceTokenAuth", "getWorkloadAccessTokenForUserId", "getWorkloadAccessTokenForJWT"];

/**
 * @typedef {object} Provider
 * @property {string} resourceCredentialProviderName
 * @property {string[]} scopes
 * @property {Record<string, string> | undefined} customParameters
 * @property {boolean} checkConnection whether the connections route asks the service about it
 */

/**
 * The user `authenticate` gave, tagged by kind: never read through `in` or the prototype chain.
 * @typedef {{ readonly kind: "userId" | "userToken", readonly value: string }} ConnectUser
 */

/**
 * @typedef {object} Settings
 * @property {any} client
 * @property {string} workloadName
 * @property {Map<string, Provider>} providers
 * @property {Uint8Array} stateSecret
 * @property {object} stateStore
 * @property {Function} authenticate
 * @property {string} basePath
 * @property {string[]} allowedOrigins
 * @property {boolean} exposeAccessTokens
 * @property {string | undefined} origin
 * @property {number} authenticateTimeoutMs
 * @property {number} stateStoreTimeoutMs
 * @property {number} bodyTimeoutMs
 */

/**
 * A plain object's own keys, refusing any not in `known`.
 * @param {object} o @param {string[]} known @param {string} what
 */
export function refuseUnknown(o, known, what) {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw configError(`${what} has an unknown option ${JSON.stringify(key.slice(0, 64))}`);
  }
}

/**
 * One provider's settings, copied.
 * @param {unknown} v @param {string} id
 * @returns {Provider}
 */
function provider(v, id) {
  const what = `providers.${id}`;
  if (!isObject(v) || Array.isArray(v)) throw configError(`${what} must be an object with resourceCredentialProviderName and scopes`);
  refuseUnknown(v, PROVIDER_OPTIONS, what);
  const name = string(own(v, "resourceCredentialProviderName", what), `${what}.resourceCredentialProviderName`, { nonEmpty: true });
  const rawScopes = own(v, "scopes", what);
  if (!Array.isArray(rawScopes) || rawScopes.length > 100) throw configError(`${what}.scopes must be an array of at most 100 scope strings`);
  const scopes = Array.from(rawScopes, (s, i) => /** @type {string} */ (string(s, `${what}.scopes[${i}]`, { nonEmpty: true })));
  const rawParams = own(v, "customParameters", what);
  /** @type {Record<string, string> | undefined} */
  let customParameters;
  if (rawParams !== undefined) {
    if (!isObject(rawParams) || Array.isArray(rawParams)) throw configError(`${what}.customParameters must be an object of strings`);
    customParameters = {};
    for (const key of Object.keys(rawParams)) {
      // An own "__proto__" (JSON.parse makes one) would set the copy's prototype: refused, never dropped.
      if (key === "__proto__") throw configError(`${what}.customParameters.__proto__ is not a parameter name that can be sent`);
      customParameters[key] = /** @type {string} */ (string(own(rawParams, key, `${what}.customParameters`), `${what}.customParameters.${key}`));
    }
  }
  const check = optionalBoolean(own(v, "checkConnection", what), `${what}.checkConnection`);
  return { resourceCredentialProviderName: /** @type {string} */ (name), scopes, customParameters, checkConnection: check !== false };
}

/**
 * Every option, checked and copied.
 * @param {unknown} options
 * @returns {Settings}
 */
export function settingsOf(options) {
  const what = "createConnectRoutes options";
  return checked(() => {
    const o = optionsObject(options, what, false);
    refuseUnknown(o, OPTIONS, what);
    const client = own(o, "client", what);
    // Methods are read through the client's own prototype chain, never from a polluted Object.prototype.
    if (!isObject(client) || ![...CLIENT_METHODS, CHECK_INPUT].every((m) => typeof member(client, m, "client") === "function")) {
      throw configError("client must be an AgentCoreIdentityClient");
    }
    const workloadName = /** @type {string} */ (string(own(o, "workloadName", what), "workloadName", { nonEmpty: true }));
    if (!WORKLOAD_NAME.test(workloadName)) throw configError("workloadName must be 3 to 255 letters, digits, '_', '.' or '-'");
    const rawProviders = own(o, "providers", what);
    if (!isObject(rawProviders) || Array.isArray(rawProviders)) throw configError("providers must be an object: { [id]: { resourceCredentialProviderName, scopes, customParameters? } }");
    const ids = Object.keys(rawProviders);
    if (ids.length === 0 || ids.length > MAX_PROVIDERS) throw configError(`providers must have from 1 to ${MAX_PROVIDERS} entries`);
    /** @type {Map<string, Provider>} */
    const providers = new Map();
    for (const id of ids) {
      if (!PROVIDER_ID.test(id)) throw configError("providers ids must be 1 to 64 letters, digits, _ or - (they are path segments)");
      providers.set(id, provider(own(rawProviders, id, "providers"), id));
    }
    const rawSecret = own(o, "stateSecret", what);
    if (rawSecret === undefined) throw configError("stateSecret is required: 32 bytes or more, kept server-side");
    const stateSecret = bytes(rawSecret, "stateSecret");
    if (stateSecret.length < 32) throw configError("stateSecret must be 32 bytes or more");
    const stateStore = own(o, "stateStore", what);
    if (!isObject(stateStore) || typeof member(stateStore, "consume", "stateStore") !== "function") {
      throw configError("stateStore is required: a store with consume(nonce, expiresAtMs), such as RedisStateStore, DurableObjectStateStore or InMemoryStateStore");
    }
    const authenticate = own(o, "authenticate", what);
    if (typeof authenticate !== "function") throw configError("authenticate must be a function (request) => { userId } | { userToken } | null");
    const rawBase = own(o, "basePath", what);
    const basePath = rawBase === undefined ? "/agentcore" : /** @type {string} */ (string(rawBase, "basePath", { nonEmpty: true }));
    if (!BASE_PATH.test(basePath)) {
      throw configError("basePath must be a path such as /agentcore: segments of letters, digits, . _ ~ -, no trailing slash");
    }
    const rawOrigins = own(o, "allowedOrigins", what);
    if (rawOrigins !== undefined && (!Array.isArray(rawOrigins) || rawOrigins.length > 32)) throw configError("allowedOrigins must be an array of at most 32 origins");
    const allowedOrigins = rawOrigins === undefined ? [] : Array.from(/** @type {unknown[]} */ (rawOrigins), (v, i) => checkWebOrigin(v, `allowedOrigins[${i}]`));
    const expose = optionalBoolean(own(o, "exposeAccessTokens", what), "exposeAccessTokens");
    const rawOrigin = own(o, "origin", what);
    const origin = rawOrigin === undefined ? undefined : checkWebOrigin(rawOrigin, "origin");
    const authenticateTimeoutMs = wholeNumber(own(o, "authenticateTimeoutMs", what), "authenticateTimeoutMs", 1, MAX_TIMEOUT_MS, AUTHENTICATE_TIMEOUT_MS);
    const stateStoreTimeoutMs = wholeNumber(own(o, "stateStoreTimeoutMs", what), "stateStoreTimeoutMs", 1, MAX_TIMEOUT_MS, STORE_TIMEOUT_MS);
    const bodyTimeoutMs = wholeNumber(own(o, "bodyTimeoutMs", what), "bodyTimeoutMs", 1, MAX_TIMEOUT_MS, BODY_TIMEOUT_MS);
    return { client, workloadName, providers, stateSecret, stateStore, authenticate, basePath, allowedOrigins, exposeAccessTokens: expose === true, origin, authenticateTimeoutMs, stateStoreTimeoutMs, bodyTimeoutMs };
  }, what);
}

/**
 * The user `authenticate` gave: null for no user; a copy of `{ userId }` or `{ userToken }`
 * (own properties, one non-empty string); anything else is the app's mistake.
 * @param {unknown} v
 * @returns {ConnectUser | null}
 */
export function userOf(v) {
  if (v === null || v === undefined) return null;
  const wrong = () => configError("authenticate must return { userId }, { userToken } (one non-empty string) or null");
  if (!isObject(v) || Array.isArray(v)) throw wrong();
  const userId = own(v, "userId", "user");
  const userToken = own(v, "userToken", "user");
  if ((userId === undefined) === (userToken === undefined)) throw wrong();
  const value = userId ?? userToken;
  if (typeof value !== "string" || value === "" || value.length > 131_072) throw wrong();
  string(value, "the user");
  return Object.freeze({ kind: userId !== undefined ? "userId" : "userToken", value });
}

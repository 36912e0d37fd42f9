// Argument checks at the public boundary. Every value a user passes is read here once, inside
// try/catch (getters that throw, proxies), checked for its type, and turned into plain data that
// the wasm core then reads through serde. A wrong value is refused with a typed error; nothing is
// coerced, and no default replaces a wrong value.
import { isPackageError, makeError } from "./errors.js";

const encoder = new TextEncoder();

/** @param {string} message @param {unknown} [cause] */
export function configError(message, cause) {
  return makeError("configuration", cause === undefined ? { message } : { message, cause });
}

/**
 * Runs the argument checks `check`: whatever they throw that is not one of the package's typed
 * errors (a proxy trap in `instanceof`, a revoked proxy) becomes a ConfigurationError.
 * @template T
 * @param {() => T} check
 * @param {string} what
 * @returns {T}
 */
export function checked(check, what) {
  try {
    return check();
  } catch (e) {
    if (isPackageError(e)) throw e;
    throw configError(`${what} could not be read`, e);
  }
}

/**
 * Reads the option `key` of `obj` as an own property only: a value inherited through the
 * prototype chain (`Object.prototype.stateStore`, left by a prototype pollution elsewhere in the
 * app) is absent. A throwing getter or proxy trap becomes `refuse`'s error (a ConfigurationError
 * unless given).
 * @param {object} obj @param {string | symbol} key @param {string} what
 * @param {(message: string, cause: unknown) => Error} [refuse]
 * @returns {unknown}
 */
export function field(obj, key, what, refuse = configError) {
  try {
    return Object.hasOwn(obj, key) ? /** @type {any} */ (obj)[key] : undefined;
  } catch (cause) {
    throw refuse(`${what}.${String(key)} could not be read`, cause);
  }
}

/**
 * Reads the method or accessor `key` of an object the app or the runtime built (a store, the
 * client, a binding): through its own prototype chain, as a class instance holds it, but never
 * from `Object.prototype` or `Function.prototype`, where only a pollution would have put it.
 * A throwing getter or proxy trap becomes a ConfigurationError.
 * @param {object} obj @param {string | symbol} key @param {string} what
 * @returns {unknown}
 */
export function member(obj, key, what) {
  try {
    for (let o = obj; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
      if (Object.hasOwn(o, key)) return /** @type {any} */ (obj)[key];
    }
    return undefined;
  } catch (cause) {
    throw configError(`${what}.${String(key)} could not be read`, cause);
  }
}

/** @param {unknown} v @returns {v is object} */
export function isObject(v) {
  return typeof v === "object" && v !== null;
}

/**
 * An options object (or `undefined` when `optional`).
 * @param {unknown} v @param {string} what @param {boolean} optional
 * @returns {object}
 */
export function optionsObject(v, what, optional) {
  if (v === undefined && optional) return {};
  let array = true;
  try {
    array = Array.isArray(v);
  } catch {
    // A revoked proxy: not an options object.
  }
  if (!isObject(v) || array) throw configError(`${what} must be an object`);
  return v;
}

/**
 * No lone surrogates (`String.prototype.isWellFormed`, where the host has it).
 * @param {string} s
 */
function wellFormed(s) {
  const t = /** @type {{ isWellFormed?: () => boolean }} */ (/** @type {unknown} */ (s));
  return typeof t.isWellFormed === "function" ? t.isWellFormed() : !/\p{Surrogate}/u.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));
}

/**
 * A string, or `undefined` when absent and `optional`.
 * @param {unknown} v @param {string} what @param {{ optional?: boolean, nonEmpty?: boolean }} [opts]
 * @returns {string | undefined}
 */
export function string(v, what, opts = {}) {
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== "string") throw configError(`${what} must be a string`);
  if (opts.nonEmpty && v.length === 0) throw configError(`${what} must not be empty`);
  if (!wellFormed(v)) throw configError(`${what} must be well-formed Unicode (no lone surrogates)`);
  return v;
}

/**
 * A boolean, or `undefined` when absent.
 * @param {unknown} v @param {string} what
 */
export function optionalBoolean(v, what) {
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw configError(`${what} must be a boolean`);
  return v;
}

/**
 * A finite number, or `undefined` when absent (ranges are the core's to check).
 * @param {unknown} v @param {string} what
 */
export function optionalNumber(v, what) {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw configError(`${what} must be a finite number`);
  return v;
}

/**
 * A whole number from `min` to `max` (of `unit`), or `fallback` when undefined: the one rule for
 * every timeout, interval and lifetime option.
 * @param {unknown} v @param {string} what @param {number} min @param {number} max
 * @param {number} fallback @param {string} [unit]
 * @returns {number}
 */
export function wholeNumber(v, what, min, max, fallback, unit = "milliseconds") {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw configError(`${what} must be a whole number of ${unit} from ${min} to ${max}`);
  }
  return v;
}

/**
 * A time in epoch milliseconds; `undefined` means the real clock.
 * @param {unknown} v @param {string} what
 */
export function epochMs(v, what) {
  if (v === undefined) return Date.now();
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw configError(`${what} must be a positive, finite number of milliseconds since the epoch`);
  }
  return v;
}

/**
 * Bytes of a secret or binding: a well-formed string (UTF-8), a Uint8Array or an ArrayBuffer.
 * @param {unknown} v @param {string} what
 * @returns {Uint8Array}
 */
export function bytes(v, what) {
  if (typeof v === "string") return encoder.encode(/** @type {string} */ (string(v, what)));
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  throw configError(`${what} must be a string, a Uint8Array or an ArrayBuffer`);
}

/**
 * A function, or `undefined` when absent.
 * @param {unknown} v @param {string} what
 * @returns {Function | undefined}
 */
export function optionalFunction(v, what) {
  if (v === undefined) return undefined;
  if (typeof v !== "function") throw configError(`${what} must be a function`);
  return v;
}

/**
 * An AbortSignal, or `undefined`.
 * @param {unknown} v @param {string} what
 * @returns {AbortSignal | undefined}
 */
export function optionalSignal(v, what) {
  if (v === undefined) return undefined;
  if (typeof AbortSignal !== "undefined" && v instanceof AbortSignal) {
    // `instanceof` trusts the prototype chain: the `aborted` getter checks the real brand. The
    // package, `fetch` and the core read `aborted`, `reason` and the listener methods by name, so a
    // signal whose prototype was swapped or that shadows one of them with its own property (a
    // getter that throws) is refused too.
    try {
      const getter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")?.get;
      if (getter) getter.call(v);
      if (Object.getPrototypeOf(v) === AbortSignal.prototype && !SIGNAL_MEMBERS.some((name) => Object.hasOwn(v, name))) return v;
    } catch {
      // not a real AbortSignal
    }
  }
  throw configError(`${what} must be an AbortSignal`);
}

/** What the package, `fetch` and the core read of a signal. */
const SIGNAL_MEMBERS = ["aborted", "reason", "onabort", "addEventListener", "removeEventListener", "dispatchEvent", "throwIfAborted"];

/** Deepest nesting copied; deeper values (and cycles) are refused. */
const MAX_DEPTH = 32;

/**
 * Plain data for the core: a copy made of strings, finite numbers, booleans, null, arrays and plain
 * objects only (its objects on no prototype), read once here, so that no getter, proxy trap or
 * `toJSON` runs while the core reads it. Functions, symbols, BigInts, other objects, cycles and
 * nesting deeper than 32 levels are refused (with `refuse()`), never dropped or coerced;
 * `undefined` members are left out.
 * @param {unknown} v @param {() => Error} refuse
 */
export function plainData(v, refuse) {
  /** @param {unknown} x @param {number} depth @returns {unknown} */
  const copy = (x, depth) => {
    switch (typeof x) {
      case "string":
        if (wellFormed(x)) return x;
        throw refuse();
      case "boolean":
        return x;
      case "number":
        if (Number.isFinite(x)) return x;
        throw refuse();
      case "object": {
        if (x === null) return null;
        if (depth >= MAX_DEPTH) throw refuse();
        if (Array.isArray(x)) {
          const out = new Array(x.length);
          for (let i = 0; i < x.length; i++) out[i] = copy(x[i], depth + 1);
          return out;
        }
        const proto = Object.getPrototypeOf(x);
        if (proto !== Object.prototype && proto !== null) throw refuse();
        // No prototype: the core reads members by name, and a member the copy lacks must not be
        // found on a polluted `Object.prototype`. An own `__proto__` member (JSON.parse makes one)
        // stays a member too (no inherited setter), for the core to refuse as unknown with its path.
        /** @type {Record<string, unknown>} */
        const out = Object.create(null);
        for (const key of Object.keys(x)) {
          const value = /** @type {any} */ (x)[key];
          if (value !== undefined) out[key] = copy(value, depth + 1);
        }
        return out;
      }
      default:
        throw refuse();
    }
  };
  try {
    return copy(v, 0);
  } catch (e) {
    // A getter or proxy trap that threw is a refusal like any other.
    const refusal = refuse();
    throw e instanceof Error && e.name === refusal.name ? e : refusal;
  }
}

/**
 * A call's input as plain data for the core, read once; anything else is refused with the call's
 * `ParamValidationError`.
 * @param {unknown} input
 */
export function inputData(input) {
  const refuse = (/** @type {string} */ message) => makeError("validation", { message: `1 validation error: ${message}`, issues: [{ path: "", message }] });
  const notPlain = () => refuse("input must be plain data: well-formed strings, finite numbers, booleans, null, arrays and plain objects");
  let isArray;
  try {
    isArray = Array.isArray(input);
  } catch {
    // A revoked proxy.
    throw notPlain();
  }
  if (!isObject(input) || isArray) throw refuse("input must be an object");
  return plainData(input, notPlain);
}

/**
 * The key of the client's internal input check, for `handleOauth2Callback` (not public API).
 */
export const CHECK_INPUT = Symbol("agentcore-identity-edge.checkInput");

/**
 * Credentials as plain data: `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`, the
 * expiration as epoch milliseconds.
 * @param {unknown} v @param {"configuration" | "credentials"} kind
 */
export function credentialsSnapshot(v, kind) {
  const refuse = (/** @type {string} */ message, /** @type {unknown} */ cause = undefined) =>
    makeError(kind, cause === undefined ? { message } : { message, cause });
  // The messages name the `credentials` option (or the provider's answer) and what it needs.
  const needs = kind === "configuration" ? "the credentials option must be { accessKeyId, secretAccessKey } or a provider function (such as fromNodeProviderChain())" : "the credentials provider must resolve { accessKeyId, secretAccessKey }";
  if (!isObject(v)) throw refuse(`credentials missing or not an object: ${needs}`);
  // No prototype: the core reads members by name, and nothing may come from Object.prototype.
  /** @type {Record<string, unknown>} */
  const out = Object.create(null);
  for (const key of ["accessKeyId", "secretAccessKey", "sessionToken", "expiration"]) {
    // Own properties only: nothing inherited (a polluted `Object.prototype.sessionToken`).
    const value = field(v, key, "credentials", refuse);
    if (value === undefined || value === null) continue;
    if (key === "expiration") {
      let ms;
      try {
        // A Date by its brand; an object that only claims the tag (Symbol.toStringTag) throws here.
        ms =
          Object.prototype.toString.call(value) === "[object Date]" ? Date.prototype.getTime.call(value)
          : typeof value === "number" ? value
          : typeof value === "string" ? Date.parse(value)
          : NaN;
      } catch (cause) {
        throw refuse("credentials.expiration could not be read", cause);
      }
      if (!Number.isFinite(ms)) throw refuse("credentials.expiration must be a Date, a timestamp in milliseconds or an ISO 8601 string");
      out.expiration = ms;
    } else if (typeof value !== "string") {
      throw refuse(`credentials.${key} must be a string`);
    } else if (!/^[\x21-\x7e]*$/.test(value)) {
      // Keys and tokens are printable ASCII; anything else (a line break, a NUL) would end up in a
      // header, so it is refused, without quoting the value.
      throw refuse(`credentials.${key} must be printable ASCII without spaces`);
    } else {
      out[key] = value;
    }
  }
  for (const key of ["accessKeyId", "secretAccessKey"]) {
    if (typeof out[key] !== "string" || out[key] === "") throw refuse(`credentials.${key} is missing or empty: ${needs}`);
  }
  return out;
}

/** A provider id of the connect routes: one path segment of 1 to 64 letters, digits, `_` and `-`. */
export const PROVIDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * A base path of the connect routes, such as `/agentcore` or `/api/agentcore`: 1 to 8 segments of
 * 1 to 64 letters, digits, `.`, `_`, `~` and `-`, none starting with `.` (so no `.` or `..`
 * segment); no query, fragment or trailing slash.
 */
export const BASE_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,63}){1,8}$/;

/**
 * `localhost`, 127.0.0.0/8 or [::1]: hosts whose traffic never leaves the machine.
 * @param {string} hostname as `URL` gives it (IPv6 in brackets)
 */
export function isLoopbackHost(hostname) {
  // Not names under `.localhost`: a resolver may send them anywhere.
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Whether `url` is an absolute URL a browser may be sent to: `https:`, or `http:` on a loopback
 * host, without credentials in it. Anything else (`javascript:`, `data:`, `blob:`, `file:`,
 * relative) is not.
 * @param {unknown} url
 */
export function isBrowsableUrl(url) {
  /** @type {URL} */
  let u;
  try {
    if (typeof url !== "string") return false;
    u = new URL(url);
  } catch {
    return false;
  }
  return (u.protocol === "https:" || (u.protocol === "http:" && isLoopbackHost(u.hostname))) && u.username === "" && u.password === "";
}

/**
 * `value` if it is a serialized http(s) origin, such as `https://app.example.com` or
 * `http://localhost:8787`: scheme, host and port only, as `URL#origin` writes it.
 * @param {unknown} value @param {string} what
 */
export function checkOrigin(value, what) {
  if (typeof value !== "string" || value === "") throw configError(`${what} must be an origin such as https://app.example.com`);
  /** @type {URL} */
  let url;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${what} must be an origin such as https://app.example.com`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== value) {
    throw configError(`${what} must be an http(s) origin such as https://app.example.com: scheme, host and port only, no path or trailing slash`);
  }
  return value;
}

/**
 * `value` if it is an origin of the app's pages (checkOrigin) that a network cannot impersonate:
 * `https:`, or `http:` on a loopback host only, such as `http://localhost:8787`.
 * @param {unknown} value @param {string} what
 */
export function checkWebOrigin(value, what) {
  const origin = checkOrigin(value, what);
  if (origin.startsWith("http:") && !isLoopbackHost(new URL(origin).hostname)) {
    throw configError(`${what} must be an https origin (http only on a loopback host, such as http://localhost:8787)`);
  }
  return origin;
}

/**
 * An endpoint override, read with the host's URL parser (the one `fetch` uses): refused unless
 * `fetch` would send exactly the URL written (no dot segments, nothing it would percent-encode),
 * without credentials, query or fragment; `http:` only for loopback hosts unless `allowInsecure`.
 * @param {string} endpoint @param {boolean} allowInsecure
 */
export function endpointUrl(endpoint, allowInsecure) {
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw configError("Invalid Configuration: endpoint must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw configError("Invalid Configuration: endpoint must use http or https");
  if (url.username || url.password || url.search || url.hash || endpoint.includes("?") || endpoint.includes("#") || endpoint.includes("@")) {
    throw configError("Invalid Configuration: endpoint must not carry credentials, a query or a fragment");
  }
  const written = endpoint.slice(endpoint.indexOf("//") + 2);
  const slash = written.indexOf("/");
  const path = slash < 0 ? "" : written.slice(slash);
  if ((path || "/") !== url.pathname && path !== url.pathname.replace(/\/$/, "")) {
    throw configError("Invalid Configuration: endpoint path must be written as fetch sends it (no . or .. segments, nothing to percent-encode)");
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw configError("Invalid Configuration: endpoint uses http: for a host that is not loopback; use https:, or set allowInsecureEndpoint: true to send credentials in clear text");
  }
  return endpoint;
}

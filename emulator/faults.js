// Fault injection for data-plane operations (tests of client retry, timeout and error handling).

const RATE_KEYS = ["throttleRate", "errorRate", "resetRate", "hangRate", "truncateRate"];
const KNOWN = new Set([...RATE_KEYS, "errorStatus", "errorCode", "htmlBody", "latencyMs", "clockOffsetMs", "failNext", "seed"]);

/** The redirect statuses a failNext entry may answer with (with a `location`). */
export const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/**
 * Whether `v` may be a redirect's `location`: an absolute http(s) URL or a path, printable ASCII.
 * @param {unknown} v
 */
function isLocation(v) {
  return typeof v === "string" && /^[\x21-\x7e]+$/.test(v) && (/^https?:\/\/[^/]/i.test(v) || /^\/(?!\/)/.test(v));
}

export const DEFAULT_ERROR_CODES = {
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

/** Validates a fault set. @throws {Error} with a message naming the bad field */
export function normalizeFaults(input = {}) {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new Error("faults must be a JSON object");
  const out = {};
  for (const k of Object.keys(input)) if (!KNOWN.has(k)) throw new Error(`unknown fault "${k}"`);
  for (const k of RATE_KEYS) {
    if (input[k] === undefined) continue;
    if (typeof input[k] !== "number" || !(input[k] >= 0 && input[k] <= 1)) throw new Error(`${k} must be a number in [0, 1]`);
    out[k] = input[k];
  }
  if (input.errorStatus !== undefined) {
    if (!Number.isInteger(input.errorStatus) || input.errorStatus < 400 || input.errorStatus > 599) {
      throw new Error("errorStatus must be an integer HTTP status in [400, 599]");
    }
    out.errorStatus = input.errorStatus;
  }
  if (input.errorCode !== undefined) {
    if (typeof input.errorCode !== "string" || !/^[A-Za-z][A-Za-z0-9]*$/.test(input.errorCode)) {
      throw new Error("errorCode must be an exception name such as InternalServerException");
    }
    out.errorCode = input.errorCode;
  }
  if (input.htmlBody !== undefined) {
    if (typeof input.htmlBody !== "boolean") throw new Error("htmlBody must be a boolean");
    out.htmlBody = input.htmlBody;
  }
  if (input.latencyMs !== undefined) {
    if (!Number.isInteger(input.latencyMs) || input.latencyMs < 0 || input.latencyMs > 600000) {
      throw new Error("latencyMs must be an integer in [0, 600000]");
    }
    out.latencyMs = input.latencyMs;
  }
  if (input.clockOffsetMs !== undefined) {
    if (!Number.isInteger(input.clockOffsetMs) || Math.abs(input.clockOffsetMs) > 10 * 365 * 86400000) {
      throw new Error("clockOffsetMs must be an integer (milliseconds, within 10 years)");
    }
    out.clockOffsetMs = input.clockOffsetMs;
  }
  if (input.seed !== undefined) {
    if (!Number.isInteger(input.seed)) throw new Error("seed must be an integer");
    out.seed = input.seed;
  }
  if (input.failNext !== undefined) {
    if (!Array.isArray(input.failNext)) throw new Error("failNext must be an array");
    out.failNext = input.failNext.map((f, i) => {
      if (!f || typeof f !== "object" || Array.isArray(f)) throw new Error(`failNext[${i}] must be an object`);
      for (const k of Object.keys(f)) {
        if (!["status", "code", "message", "htmlBody", "retryAfter", "amzRetryAfter", "location"].includes(k)) {
          throw new Error(`failNext[${i}]: unknown key "${k}"`);
        }
      }
      // A redirect: one of REDIRECT_STATUSES with a `location` (another origin, or a path on this
      // host), as a proxy or a hostile network might answer. The emulator sends it with the JSON
      // error body of any failNext entry.
      const redirect = REDIRECT_STATUSES.includes(f.status);
      if (!redirect && (!Number.isInteger(f.status) || f.status < 400 || f.status > 599)) {
        throw new Error(`failNext[${i}].status must be an integer HTTP status in [400, 599], or a redirect (${REDIRECT_STATUSES.join(", ")})`);
      }
      if (redirect !== (f.location !== undefined)) {
        throw new Error(`failNext[${i}].location goes with a redirect status (${REDIRECT_STATUSES.join(", ")}), and only with one`);
      }
      if (redirect && !isLocation(f.location)) {
        throw new Error(`failNext[${i}].location must be an absolute http(s) URL or a path starting with /`);
      }
      if (f.code !== undefined && (typeof f.code !== "string" || !/^[A-Za-z][A-Za-z0-9]*$/.test(f.code))) {
        throw new Error(`failNext[${i}].code must be an exception name`);
      }
      if (f.message !== undefined && typeof f.message !== "string") throw new Error(`failNext[${i}].message must be a string`);
      if (f.htmlBody !== undefined && typeof f.htmlBody !== "boolean") throw new Error(`failNext[${i}].htmlBody must be a boolean`);
      for (const k of ["retryAfter", "amzRetryAfter"]) {
        if (f[k] !== undefined && (typeof f[k] !== "string" || !/^[\x20-\x7e]*$/.test(f[k]))) {
          throw new Error(`failNext[${i}].${k} must be a header value (printable ASCII)`);
        }
      }
      return { ...f };
    });
  }
  return out;
}

/** mulberry32: small deterministic PRNG for seeded fault runs. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultState {
  constructor(initial) {
    this.set(initial || {});
  }

  set(f) {
    this.current = normalizeFaults(f);
    this.queue = [...(this.current.failNext || [])];
    this.rng = this.current.seed !== undefined ? mulberry32(this.current.seed) : Math.random;
  }

  clear() {
    this.set({});
  }

  get clockOffsetMs() {
    return this.current.clockOffsetMs || 0;
  }

  /** Current faults, with the failNext entries not yet consumed. */
  snapshot() {
    const { failNext, ...rest } = this.current;
    return { ...rest, ...(failNext ? { failNext: [...this.queue] } : {}) };
  }

  #roll(rate) {
    return rate !== undefined && rate > 0 && this.rng() < rate;
  }

  /**
   * Decides the fault for one data-plane request.
   * @returns {{latencyMs: number, action: null | {kind: "failNext", spec: object} | {kind: "reset"|"hang"|"throttle"|"error"}, truncate: boolean}}
   */
  decide() {
    const c = this.current;
    let action = null;
    if (this.queue.length) action = { kind: "failNext", spec: this.queue.shift() };
    else if (this.#roll(c.resetRate)) action = { kind: "reset" };
    else if (this.#roll(c.hangRate)) action = { kind: "hang" };
    else if (this.#roll(c.throttleRate)) action = { kind: "throttle" };
    else if (this.#roll(c.errorRate)) action = { kind: "error" };
    const truncate = action === null && this.#roll(c.truncateRate);
    return { latencyMs: c.latencyMs || 0, action, truncate };
  }
}

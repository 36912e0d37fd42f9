// What a failure of the connect routes answers: an HTTP status, a stable code and a message in plain
// words. A service error is known by its name only; anything unexpected is a generic 500.
import { isPackageError } from "../errors.js";

/**
 * A failure of the routes, with its HTTP status and a message in plain words (never a secret).
 */
export class RouteError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.name = "RouteError";
    this.status = status;
    this.code = code;
  }
}

/**
 * The HTTP status and code for a failure, and a message in plain words. A service error is known
 * by its name only: its message may quote the input (a token, the state), so it is not repeated.
 * @param {unknown} e
 * @returns {{ status: number, code: string, message: string }}
 */
export function describeFailure(e) {
  if (e instanceof RouteError) return { status: e.status, code: e.code, message: e.message };
  if (!isPackageError(e)) return { status: 500, code: "internal_error", message: "the request could not be completed" };
  const err = /** @type {Error & { code?: unknown, $fault?: unknown }} */ (e);
  const name = err.name;
  if (name === "CallbackError") {
    const code = /** @type {string} */ (err.code);
    if (code === "state_store_unavailable") return { status: 503, code, message: "the single-use state store is unavailable; try again" };
    if (code === "authorization_denied") return { status: 403, code, message: "the authorization was denied at the provider" };
    if (code === "state_replayed") return { status: 409, code, message: "this callback was already used" };
    return { status: 400, code, message: `the callback was refused (${code})` };
  }
  if (Object.hasOwn(err, "$fault")) {
    /** @type {Record<string, [number, string, string]>} */
    const known = {
      ThrottlingException: [503, "throttled", "the service is busy; try again"],
      AccessDeniedException: [403, "access_denied", "the service denied the request"],
      ResourceNotFoundException: [404, "not_found", "the service did not find the session or the provider"],
      ValidationException: [400, "service_validation", "the service refused the request as invalid"],
      UnauthorizedException: [401, "unauthorized", "the service did not accept the user's identity"],
    };
    const hit = Object.hasOwn(known, name) ? known[name] : undefined;
    if (hit) return { status: hit[0], code: hit[1], message: hit[2] };
    return { status: 502, code: "service_error", message: "the service failed" };
  }
  if (name === "NetworkError" || name === "RequestTimeoutError") return { status: 503, code: "service_unavailable", message: "the service could not be reached" };
  if (name === "ResponseError") return { status: 502, code: "service_error", message: "the service gave an unreadable reply" };
  return { status: 500, code: "internal_error", message: "the request could not be completed" };
}

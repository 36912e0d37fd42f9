// Local emulator of the Amazon Bedrock AgentCore Identity data plane (Node's http module only).
import http from "node:http";
import { randomUUID } from "node:crypto";
import { resolveConfig } from "./config.js";
import { consentPage, messagePage, pages } from "./consent.js";
import { ServiceError, validationError } from "./errors.js";
import { DEFAULT_ERROR_CODES, FaultState } from "./faults.js";
import { Identity } from "./flows.js";
import { CONSENT_PATH, isLoopbackName } from "./local.js";
import { loadModel } from "./model.js";
import { verifyRequest } from "./sigv4.js";
import { codePointLength, validateShape, validationExceptionBody } from "./validate.js";

const EXPOSE_HEADERS = "x-amzn-requestid, x-amzn-errortype, date";
const DEFAULT_ALLOW_HEADERS =
  "authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request";
const ADMIN_PREFIX = "/__emulator/";
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Starts the emulator.
 * @param {object} [options]
 * @param {number} [options.port=0] 0 picks a free port
 * @param {string} [options.host="127.0.0.1"]
 * @param {object} [options.config] configuration (top-level keys replace the defaults; see NOTES.md)
 * @param {object} [options.faults] initial fault set
 * @param {(line: string) => void} [options.log] receives one line per request (never secrets)
 * @param {string} [options.modelPath] botocore model (defaults to the package's model/bedrock-agentcore-identity.json)
 * @param {string[]} [options.corsOrigins] origins besides loopback ones that the data plane's CORS
 *   answers (exact `scheme://host[:port]`, or `"*"` for any); loopback origins are always answered
 */
export async function startEmulator({ port = 0, host = "127.0.0.1", config, faults, log, modelPath, corsOrigins = [] } = {}) {
  const allowedOrigins = corsOriginList(corsOrigins);
  const model = loadModel(modelPath);
  const cfg = resolveConfig(config ?? {});
  const faultState = new FaultState(faults);
  const now = () => Date.now() + faultState.clockOffsetMs;
  const logLine = typeof log === "function" ? log : () => {};
  let baseUrl = "";
  let actualPort = 0;
  const identity = new Identity({ config: cfg, now, baseUrl: () => baseUrl });
  let requestLog = [];
  const pendingDelays = new Set();
  const hung = new Set();
  let closed = false;

  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    commonHeaders(req, res, requestId);
    handle(req, res, requestId).catch((err) => {
      logLine(`internal error while handling ${req.method} ${pathOf(req.url)}: ${err?.name || "Error"}`);
      if (!res.headersSent && !res.destroyed) {
        sendError(res, new ServiceError(500, "InternalServerException", "An internal error occurred."));
      } else {
        res.destroy();
      }
    });
  });

  function commonHeaders(req, res, requestId) {
    res.setHeader("x-amzn-RequestId", requestId);
    res.setHeader("Date", new Date(now()).toUTCString());
    const origin = req.headers.origin;
    // The admin API (sessions, request log, faults) answers pages on this machine only; the data plane
    // and the consent page answer those and the origins given in `corsOrigins`.
    if (origin === undefined) {
      if (!pathOf(req.url).startsWith(ADMIN_PREFIX)) res.setHeader("Access-Control-Allow-Origin", "*");
    } else if (isLoopbackOrigin(origin) || (!pathOf(req.url).startsWith(ADMIN_PREFIX) && originAllowed(allowedOrigins, origin))) {
      res.setHeader("Access-Control-Allow-Origin", origin);
    }
    res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    res.setHeader("Vary", "Origin");
  }

  async function handle(req, res, requestId) {
    const { pathname, query } = splitUrl(req.url);
    if (req.method === "OPTIONS") return preflight(req, res, pathname);
    if (pathname.startsWith(ADMIN_PREFIX)) return admin(req, res, pathname);
    if (pathname === CONSENT_PATH) return consent(req, res, query);
    const route = model.routes.get(pathname);
    if (!route || req.method !== route.method) return noRoute(req, res, requestId, pathname, query, route);
    return dataPlane(req, res, requestId, route, pathname, query);
  }

  // ---------------- data plane ----------------

  async function dataPlane(req, res, requestId, route, pathname, query) {
    const started = Date.now();
    const body = await readBody(req, cfg.maxBodyBytes);
    if (body === ABORTED) return;
    const headers = flattenHeaders(req);
    const entry = logRequest(req, requestId, pathname, query, route.name, headers);
    entry.bodyBytes = body ? body.length : null;
    const finish = (status, errorCode = null) => {
      entry.status = status;
      entry.errorCode = errorCode;
      logLine(
        `${req.method} ${pathname} ${route.name} -> ${status}${errorCode ? ` ${errorCode}` : ""} (${Date.now() - started} ms) ${requestId}`,
      );
    };
    if (body === null) {
      res.setHeader("Connection", "close");
      const e = new ServiceError(413, "RequestEntityTooLargeException", `Request body exceeds ${cfg.maxBodyBytes} bytes.`);
      sendError(res, e);
      return finish(413, e.code);
    }

    const verdict = await verifyRequest(
      { method: req.method, path: pathname, query, headers, body },
      { credentials: cfg.credentials, now: now(), service: model.signingName, region: cfg.region },
    );
    entry.signature = verdict.ok
      ? { valid: true, accessKeyId: verdict.accessKeyId }
      : { valid: false, code: verdict.code, message: verdict.message, accessKeyId: verdict.accessKeyId ?? null };

    let input;
    let parseProblem = null;
    if (body.length === 0) {
      input = {};
    } else {
      try {
        input = JSON.parse(utf8.decode(body));
        if (input === null || typeof input !== "object" || Array.isArray(input)) {
          parseProblem = "The request body must be a JSON object.";
        }
      } catch {
        parseProblem = "Could not parse the request body as JSON.";
      }
    }
    if (!parseProblem) entry.body = redactValue(model.shapes, route.input, input, false);

    // Faults (only here, on modeled data-plane operations).
    const decision = faultState.decide();
    if (decision.latencyMs) await delay(decision.latencyMs);
    if (res.destroyed || closed) return finish("client-gone");
    const action = decision.action;
    if (action) {
      entry.fault = action.kind;
      const c = faultState.current;
      switch (action.kind) {
        case "failNext": {
          const s = action.spec;
          if (s.retryAfter !== undefined) res.setHeader("Retry-After", s.retryAfter);
          if (s.amzRetryAfter !== undefined) res.setHeader("x-amz-retry-after", s.amzRetryAfter);
          if (s.location !== undefined) res.setHeader("Location", s.location);
          sendFault(res, s.status, s.code, s.message ?? "Injected failure.", s.htmlBody);
          return finish(s.status, s.htmlBody ? null : s.code ?? null);
        }
        case "reset":
          req.socket.resetAndDestroy();
          return finish("reset");
        case "hang":
          hung.add(res);
          res.on("close", () => hung.delete(res));
          return finish("hang");
        case "throttle":
          sendError(res, new ServiceError(429, "ThrottlingException", "Rate exceeded."));
          return finish(429, "ThrottlingException");
        case "error": {
          const status = c.errorStatus ?? 500;
          const code = c.errorCode ?? DEFAULT_ERROR_CODES[status] ?? (status >= 500 ? "InternalServerException" : "BadRequestException");
          sendFault(res, status, code, status === 500 ? "An internal error occurred. Try again." : "Injected failure.", c.htmlBody);
          return finish(status, c.htmlBody ? null : code);
        }
      }
    }

    let status;
    let payload;
    let errorCode = null;
    try {
      if (!verdict.ok) throw new ServiceError(verdict.status, verdict.code, verdict.message);
      if (parseProblem) throw validationError(parseProblem, undefined, "CannotParse");
      const fieldErrors = validateShape(model.shapes, route.input, input);
      if (fieldErrors.length) {
        const { message, reason, fieldList } = validationExceptionBody(fieldErrors);
        throw new ServiceError(400, "ValidationException", message, { reason, fieldList });
      }
      const output = await identity.handlers[route.name](input);
      const outErrors = validateShape(model.shapes, route.output, output);
      if (outErrors.length) {
        logLine(`emulator bug: ${route.name} output violates the model at ${outErrors.map((e) => e.name).join(", ")}`);
        throw new ServiceError(500, "InternalServerException", "An internal error occurred.");
      }
      status = route.responseCode;
      payload = output;
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      status = err.status;
      payload = err.body();
      errorCode = err.code;
    }
    if (res.destroyed) return finish("client-gone");
    if (decision.truncate) {
      entry.fault = "truncate";
      const full = Buffer.from(JSON.stringify(payload));
      const half = full.subarray(0, Math.floor(full.length / 2));
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": half.length });
      res.end(half);
      return finish(200, "truncated");
    }
    if (errorCode) res.setHeader("x-amzn-ErrorType", errorCode);
    sendJson(res, status, payload);
    finish(status, errorCode);
  }

  function noRoute(req, res, requestId, pathname, query, route) {
    // Drain the body, log the request, reply the AWS way.
    req.resume();
    const entry = logRequest(req, requestId, pathname, query, null, flattenHeaders(req));
    let err;
    if (route) {
      res.setHeader("Allow", `${route.method}, OPTIONS`);
      err = new ServiceError(405, "MethodNotAllowedException", `Method ${req.method} is not allowed for ${route.name}; use ${route.method}.`);
    } else {
      err = new ServiceError(404, "UnknownOperationException", "The requested operation is not recognized by the service.");
    }
    sendError(res, err);
    entry.status = err.status;
    entry.errorCode = err.code;
    logLine(`${req.method} ${pathname} -> ${err.status} ${err.code} ${requestId}`);
  }

  // ---------------- consent page ----------------

  async function consent(req, res, query) {
    if (req.method === "GET") {
      const uri = firstValue(query.request_uri);
      if (!uri) return sendHtml(res, ...pages.missing());
      const view = identity.consentView(uri);
      logLine(`GET ${CONSENT_PATH} -> ${view.status}`);
      if (view.status === "pending") return sendHtml(res, 200, consentPage(view.session));
      return sendHtml(res, ...pages[view.status]());
    }
    if (req.method === "POST") {
      const body = await readBody(req, 64 * 1024);
      if (body === ABORTED) return;
      if (body === null) {
        res.setHeader("Connection", "close");
        return sendHtml(res, 413, messagePage("Request too large", "The form submission is too large."));
      }
      const form = new URLSearchParams(body.toString("utf8"));
      const uri = form.get("request_uri");
      const decision = form.get("decision");
      if (!uri) return sendHtml(res, ...pages.missing());
      if (decision !== "allow" && decision !== "deny") return sendHtml(res, ...pages.badDecision());
      const r = identity.decide(uri, decision === "allow");
      logLine(`POST ${CONSENT_PATH} decision=${decision} -> ${r.status}`);
      if (r.status !== "redirect") return sendHtml(res, ...pages[r.status]());
      res.writeHead(302, { Location: r.location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Length": 0 });
      return res.end();
    }
    req.resume();
    res.setHeader("Allow", "GET, POST, OPTIONS");
    return sendHtml(res, 405, "<!doctype html><title>Method not allowed</title><p>Method not allowed.</p>");
  }

  // ---------------- admin API ----------------

  async function admin(req, res, pathname) {
    if (!isLoopbackHost(req.headers.host, actualPort)) {
      // A name that resolves here after DNS rebinding (attacker.example -> 127.0.0.1) is still a page
      // elsewhere: only this machine's own names, at this port, reach the admin API.
      req.resume();
      res.setHeader("Connection", "close");
      return sendJson(res, 403, { message: "The admin API answers requests to this machine's loopback names (Host) only." });
    }
    if (req.headers.origin !== undefined && !isLoopbackOrigin(req.headers.origin)) {
      // A page elsewhere (a form, a no-cors fetch): refused before the body is read or anything changes.
      req.resume();
      res.setHeader("Connection", "close");
      return sendJson(res, 403, { message: "The admin API answers pages on this machine (loopback origins) only." });
    }
    const route = `${req.method} ${pathname.replace(/\/+$/, "")}`;
    let input = {};
    if (req.method === "POST") {
      const body = await readBody(req, 1024 * 1024);
      if (body === ABORTED) return;
      if (body === null) {
        res.setHeader("Connection", "close");
        return sendJson(res, 413, { message: "Request body too large." });
      }
      if (body.length) {
        try {
          input = JSON.parse(body.toString("utf8"));
        } catch {
          return sendJson(res, 400, { message: "Body must be JSON." });
        }
      }
    } else {
      req.resume();
    }
    switch (route) {
      case "GET /__emulator/health":
        return sendJson(res, 200, { ok: true, url: baseUrl });
      case "GET /__emulator/faults":
        return sendJson(res, 200, { faults: faultState.snapshot() });
      case "POST /__emulator/faults":
      case "PUT /__emulator/faults":
        try {
          faultState.set(input);
        } catch (e) {
          return sendJson(res, 400, { message: e.message });
        }
        logLine(`faults set: ${Object.keys(faultState.current).join(", ") || "(none)"}`);
        return sendJson(res, 200, { faults: faultState.snapshot() });
      case "DELETE /__emulator/faults":
        faultState.clear();
        logLine("faults cleared");
        return sendJson(res, 200, { faults: {} });
      case "GET /__emulator/requests":
        return sendJson(res, 200, { requests: requestLog });
      case "DELETE /__emulator/requests": {
        const n = requestLog.length;
        requestLog = [];
        return sendJson(res, 200, { cleared: n });
      }
      case "GET /__emulator/sessions":
        return sendJson(res, 200, { sessions: identity.listSessions() });
      case "POST /__emulator/sessions/expire": {
        if (input === null || typeof input !== "object" || Array.isArray(input)) {
          return sendJson(res, 400, { message: "Body must be a JSON object." });
        }
        if (input.sessionUri !== undefined && typeof input.sessionUri !== "string") {
          return sendJson(res, 400, { message: "sessionUri must be a string." });
        }
        return sendJson(res, 200, { expired: identity.expireSessions(input.sessionUri) });
      }
      case "POST /__emulator/sessions/approve":
      case "POST /__emulator/sessions/deny": {
        const target = input !== null && typeof input === "object" && !Array.isArray(input) ? (input.sessionUri ?? input.authorizationUrl) : undefined;
        const r = decideFromCode(target, route.endsWith("/approve"));
        if (r.error) return sendJson(res, r.error.status, { code: r.error.code, message: r.error.message });
        logLine(`${route} -> ${route.endsWith("/approve") ? "approved" : "denied"}`);
        return sendJson(res, 200, { callbackUrl: r.callbackUrl });
      }
      default:
        return sendJson(res, 404, { message: `No admin endpoint ${route}.` });
    }
  }

  // ---------------- consent from code ----------------

  /**
   * Approves or denies the pending session named by a session URI or by its authorization URL, as the
   * consent form would. Returns the callback URL the browser would be sent to, or an error.
   * @returns {{ callbackUrl: string, error?: undefined } | { error: { status: number, code: string, message: string } }}
   */
  function decideFromCode(target, allow) {
    const uri = sessionUriOf(target);
    if (uri === null) {
      return { error: { status: 400, code: "INVALID_ARGUMENT", message: "Give a session URI or an authorization URL of this emulator." } };
    }
    const r = identity.decide(uri, allow);
    if (r.status === "redirect") return { callbackUrl: r.location };
    if (r.status === "unknown") return { error: { status: 404, code: "UNKNOWN_SESSION", message: "No such authorization session." } };
    if (r.status === "expired") return { error: { status: 409, code: "SESSION_EXPIRED", message: "The authorization session has expired." } };
    return { error: { status: 409, code: "SESSION_DECIDED", message: "The authorization session was already approved or denied." } };
  }

  /** The session URI in `value` (itself, or the request_uri of an authorization URL), or null. */
  function sessionUriOf(value) {
    if (typeof value !== "string" || value === "") return null;
    if (!/^https?:\/\//i.test(value)) return value;
    let url;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    // This emulator's own authorization URL only.
    if (url.origin !== new URL(baseUrl).origin || url.pathname !== CONSENT_PATH || url.searchParams.getAll("request_uri").length !== 1) return null;
    return url.searchParams.get("request_uri") || null;
  }

  /** Throws an EmulatorError for a refused decision, else returns the callback URL. */
  function decideOrThrow(target, allow) {
    const r = decideFromCode(target, allow);
    if (r.error) throw new EmulatorError(r.error.code, r.error.message);
    return { callbackUrl: r.callbackUrl };
  }

  // ---------------- CORS ----------------

  function preflight(req, res, pathname) {
    req.resume();
    const loopback = isLoopbackOrigin(req.headers.origin);
    // The admin API answers loopback origins only; the data plane also no Origin, or one it was given.
    const adminPath = pathname.startsWith(ADMIN_PREFIX);
    if (!loopback && (adminPath || (req.headers.origin !== undefined && !originAllowed(allowedOrigins, req.headers.origin)))) {
      res.writeHead(403, { "Content-Length": 0 });
      return res.end();
    }
    const methods = adminPath ? "POST, GET, OPTIONS, DELETE" : "POST, GET, OPTIONS";
    res.setHeader("Access-Control-Allow-Methods", methods);
    res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] || DEFAULT_ALLOW_HEADERS);
    res.setHeader("Access-Control-Max-Age", "600");
    if (loopback && req.headers["access-control-request-private-network"] === "true") {
      res.setHeader("Access-Control-Allow-Private-Network", "true");
    }
    if (req.headers.origin) res.setHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    res.writeHead(204, { "Content-Length": 0 });
    res.end();
  }

  // ---------------- helpers ----------------

  /** Starts the request-log entry of a request (secrets redacted); its outcome is filled in later. */
  function logRequest(req, requestId, pathname, query, operation, headers) {
    const entry = {
      requestId,
      time: new Date(now()).toISOString(),
      method: req.method,
      path: pathname,
      query,
      operation,
      headers: redactHeaders(headers),
      body: null,
      bodyBytes: null,
      signature: null,
      status: null,
      errorCode: null,
      fault: null,
    };
    pushLog(entry);
    return entry;
  }

  function pushLog(entry) {
    requestLog.push(entry);
    if (requestLog.length > cfg.maxLoggedRequests) requestLog.splice(0, requestLog.length - cfg.maxLoggedRequests);
  }

  function delay(ms) {
    return new Promise((resolve) => {
      const d = { resolve };
      d.timer = setTimeout(() => {
        pendingDelays.delete(d);
        resolve();
      }, ms);
      pendingDelays.add(d);
    });
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  actualPort = server.address().port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${actualPort}`;

  const first = cfg.credentials[0];
  return {
    url: baseUrl,
    port: actualPort,
    config: cfg,
    credentials: {
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
      ...(first.sessionToken ? { sessionToken: first.sessionToken } : {}),
    },
    setFaults: (f) => {
      faultState.set(f);
      return faultState.snapshot();
    },
    clearFaults: () => faultState.clear(),
    faults: () => faultState.snapshot(),
    requests: () => requestLog.slice(),
    clearRequests: () => {
      requestLog = [];
    },
    expireSessions: (uri) => identity.expireSessions(uri),
    approve: (target) => decideOrThrow(target, true),
    deny: (target) => decideOrThrow(target, false),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const d of pendingDelays) {
        clearTimeout(d.timer);
        d.resolve();
      }
      pendingDelays.clear();
      for (const res of hung) res.destroy();
      hung.clear();
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

// ---------------- module helpers ----------------

/** A refused call of the emulator's own API (approve, deny); `code` is stable, the message has no secret. */
export class EmulatorError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = "EmulatorError";
    this.code = code;
  }
}

/** Checks the `corsOrigins` option: an array of exact origins (scheme://host[:port]) or "*". */
export function corsOriginList(value) {
  if (!Array.isArray(value)) throw new EmulatorError("INVALID_ARGUMENT", "corsOrigins must be an array of origins");
  for (const o of value) {
    if (o === "*") continue;
    let url;
    try {
      url = typeof o === "string" ? new URL(o) : null;
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== o) {
      throw new EmulatorError("INVALID_ARGUMENT", "corsOrigins: each entry must be an origin such as https://app.example.com (no path), or \"*\"");
    }
  }
  return new Set(value);
}

function originAllowed(allowed, origin) {
  return allowed.has("*") || allowed.has(origin);
}

/**
 * True when a request's Host names this machine by a loopback name or address (localhost, 127.0.0.0/8,
 * [::1]) with the emulator's own port: what a browser sends after DNS rebinding (attacker.example:PORT)
 * is not.
 */
function isLoopbackHost(hostHeader, port) {
  if (typeof hostHeader !== "string") return false;
  const m = /^(\[::1\]|[A-Za-z0-9.]+)(?::(\d{1,5}))?$/.exec(hostHeader);
  // No port in Host means 80, as a browser leaves it out there.
  if (!m || (m[2] ?? "80") !== String(port)) return false;
  return isLoopbackName(m[1].toLowerCase());
}

function pathOf(url) {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/** Splits a request target into its raw path and decoded query parameters (repeated keys become arrays). */
function splitUrl(url) {
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  const query = {};
  if (q >= 0) {
    for (const part of url.slice(q + 1).split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
      const v = eq < 0 ? "" : safeDecode(part.slice(eq + 1));
      if (Object.prototype.hasOwnProperty.call(query, k)) {
        query[k] = Array.isArray(query[k]) ? [...query[k], v] : [query[k], v];
      } else {
        query[k] = v;
      }
    }
  }
  return { pathname, query };
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const firstValue = (v) => (Array.isArray(v) ? v[0] : v);

/** True for an http(s) origin on this machine: localhost, 127.0.0.0/8 or [::1], any port. */
function isLoopbackOrigin(origin) {
  if (typeof origin !== "string") return false;
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== origin) return false;
  return isLoopbackName(url.hostname);
}

/** Lower-cased headers; repeated headers joined with "," (as SigV4 canonicalization does). */
function flattenHeaders(req) {
  const out = {};
  for (const [k, v] of Object.entries(req.headersDistinct)) out[k] = v.join(",");
  return out;
}

function redactHeaders(headers) {
  const out = { ...headers };
  if (out["x-amz-security-token"] !== undefined) out["x-amz-security-token"] = "<redacted>";
  return out;
}

/** Copy of a parsed body with every value of a `sensitive` shape replaced by "<redacted:N chars>". */
function redactValue(shapes, shapeName, value, inherited) {
  if (value === null || value === undefined || !shapeName) return value;
  const shape = shapes[shapeName];
  if (inherited || shape.sensitive) {
    return typeof value === "string" ? `<redacted:${codePointLength(value)} chars>` : "<redacted>";
  }
  if (shape.type === "structure" && value && typeof value === "object" && !Array.isArray(value)) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const ref = shape.members?.[k];
      put(out, k, ref ? redactValue(shapes, ref.shape, v, !!ref.sensitive) : v);
    }
    return out;
  }
  if (shape.type === "list" && Array.isArray(value)) return value.map((v) => redactValue(shapes, shape.member.shape, v, false));
  if (shape.type === "map" && value && typeof value === "object" && !Array.isArray(value)) {
    const out = {};
    for (const [k, v] of Object.entries(value)) put(out, k, redactValue(shapes, shape.value.shape, v, false));
    return out;
  }
  return value;
}

const ABORTED = Symbol("aborted");

/**
 * Reads the whole body. Resolves null as soon as it exceeds `limit` bytes (the caller answers 413 and closes
 * the connection), ABORTED when the client went away before the end.
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = (v) => {
      if (!done) {
        done = true;
        resolve(v);
      }
    };
    req.on("data", (c) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        finish(null);
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => finish(Buffer.concat(chunks)));
    req.on("close", () => finish(req.complete ? Buffer.concat(chunks) : ABORTED));
    req.on("error", (e) => (done ? undefined : reject(e)));
  });
}

/** Own, enumerable property (safe for keys such as "__proto__"). */
function put(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function sendJson(res, status, obj) {
  if (res.destroyed) return;
  const body = JSON.stringify(obj);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

function sendError(res, err) {
  res.setHeader("x-amzn-ErrorType", err.code);
  sendJson(res, err.status, err.body());
}

/** An injected error: AWS JSON (with x-amzn-ErrorType) or, with htmlBody, a proxy's HTML page without it. */
function sendFault(res, status, code, message, htmlBody) {
  if (htmlBody) {
    const text = http.STATUS_CODES[status] || "Error";
    const html = `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
    res.writeHead(status, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(html) });
    return res.end(html);
  }
  if (code) res.setHeader("x-amzn-ErrorType", code);
  sendJson(res, status, { message });
}

function sendHtml(res, status, html) {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  });
  res.end(html);
}

// The connect routes' responses: JSON with no-store, the CORS grant for allowed origins only, and
// the callback page (strict CSP, its one script allowed by a fresh nonce).
import { isObject } from "../guard.js";
import { within } from "../host.js";
import { RouteError } from "./failure.js";

const MAX_BODY_BYTES = 4096;

/** The type of the callback page's message, which connectProvider (connect-browser.js) waits for. */
const MESSAGE_TYPE = "agentcore-identity-edge:connect";

/** Headers on every response of the routes. */
const COMMON = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * A JSON response.
 * @param {number} status @param {unknown} body @param {Record<string, string>} [headers]
 */
export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { ...COMMON, "content-type": "application/json; charset=utf-8", ...headers } });
}

/**
 * `{ error: { code, message } }`.
 * @param {number} status @param {string} code @param {string} message @param {Record<string, string>} headers
 */
export function errorResponse(status, code, message, headers) {
  return json(status, { error: { code, message } }, headers);
}

/**
 * The CORS grant, with credentials, for an origin in `allowed`; only `vary` for any other.
 * @param {string | null} origin @param {string[]} allowed
 * @returns {Record<string, string>}
 */
export function corsHeaders(origin, allowed) {
  if (origin !== null && allowed.includes(origin)) {
    return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" };
  }
  return { vary: "Origin" };
}

/**
 * The answer to a CORS preflight: a grant of `method` and `content-type` for an allowed origin,
 * a 403 with no grant for any other.
 * @param {Request} request @param {string[]} allowed @param {string} method
 */
export function preflight(request, allowed, method) {
  const origin = request.headers.get("origin");
  if (origin === null || !allowed.includes(origin)) {
    return json(403, { error: { code: "origin_refused", message: "this origin may not call these routes" } });
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...COMMON,
      "access-control-allow-methods": method,
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "600",
    },
  });
}

/** @param {string} s */
const esc = (s) => s.replace(/[&<>"']/g, (c) => /** @type {Record<string, string>} */ ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** JSON that is safe inside a script element. @param {unknown} v */
const scriptJson = (v) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

/** A fresh nonce for the page's script. */
function nonce() {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b));
}

/**
 * The callback page: it posts the outcome to its opener, once per trusted origin (the browser
 * delivers it only where the opener's origin matches), then closes; without an opener it says the
 * outcome in plain words.
 * @param {number} status
 * @param {string[]} origins
 * @param {{ status: "connected", provider: string } | { status: "error", code: string, message: string, provider?: string }} outcome
 */
export function callbackPage(status, origins, outcome) {
  const message = { type: MESSAGE_TYPE, ...outcome };
  const title = outcome.status === "connected" ? "Account connected" : "Account not connected";
  const text =
    outcome.status === "connected"
      ? `Your ${outcome.provider} account is connected. You can close this window.`
      : `The account was not connected: ${outcome.message} (${outcome.code}).`;
  const n = nonce();
  const script = `(function(){var m=${scriptJson(message)},o=${scriptJson(origins)};if(!window.opener)return;for(var i=0;i<o.length;i++){try{window.opener.postMessage(m,o[i])}catch(e){}}window.close()})();`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p role="status">${esc(text)}</p>
</main>
<script nonce="${n}">${script}</script>
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      ...COMMON,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; script-src 'nonce-${n}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "x-frame-options": "DENY",
    },
  });
}

/**
 * Reads a JSON object body of at most 4 KiB without buffering more, whole within `timeoutMs` (a
 * body still arriving then is a 408 and its stream is cancelled); its members are ignored.
 * @param {Request} request @param {number} timeoutMs
 */
export async function readJsonObject(request, timeoutMs) {
  const bad = () => new RouteError(400, "invalid_body", "the body must be a JSON object");
  const body = request.body;
  let text = "";
  if (body) {
    const reader = body.getReader();
    /** @type {Uint8Array[]} */
    const chunks = [];
    let size = 0;
    const readAll = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > MAX_BODY_BYTES) throw new RouteError(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
        chunks.push(value);
      }
    };
    try {
      await within(readAll(), timeoutMs, () => new RouteError(408, "body_timeout", `the body was not received within ${timeoutMs} ms`));
    } catch (e) {
      // Also ends the read still pending at the timeout.
      reader.cancel().catch(() => {});
      throw e;
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(all);
    } catch {
      throw bad();
    }
  }
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad();
  }
  if (!isObject(value) || Array.isArray(value)) throw bad();
}

/**
 * Whether `request` can be read as a Request: a string `url`, a string `method`, `headers.get`.
 * @param {unknown} request
 * @returns {request is Request}
 */
export function isRequestLike(request) {
  try {
    if (!isObject(request)) return false;
    const r = /** @type {any} */ (request);
    return typeof r.url === "string" && URL.canParse(r.url) && typeof r.method === "string" && isObject(r.headers) && typeof r.headers.get === "function";
  } catch {
    return false;
  }
}

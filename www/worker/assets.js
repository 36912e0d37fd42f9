// The console's files from the [assets] binding, with their security headers: a
// Content-Security-Policy for each page (scripts from this origin and its import map by hash),
// nosniff and no referrer everywhere.
import { json } from "./respond.js";

const encoder = new TextEncoder();

/**
 * The CSP per page text, computed once per isolate: the console's pages are a few fixed files.
 * @type {Map<string, Promise<string>>}
 */
const cspByHtml = new Map();
/** @param {string} html */
function csp(html) {
  let policy = cspByHtml.get(html);
  if (!policy) {
    // Bounded: new page texts (a redeploy) replace the old ones.
    if (cspByHtml.size >= 16) cspByHtml.clear();
    policy = computeCsp(html);
    policy.catch(() => cspByHtml.delete(html));
    cspByHtml.set(html, policy);
  }
  return policy;
}

/**
 * The console's Content-Security-Policy for `html`: scripts from this origin and the page's inline
 * import maps by their SHA-256; requests to this origin only.
 * @param {string} html
 */
async function computeCsp(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(m[1])));
    hashes.push(` 'sha256-${btoa(String.fromCharCode(...digest))}'`);
  }
  return `default-src 'none'; script-src 'self'${hashes.join("")}; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`;
}

/** @param {Request} request @param {{ fetch(request: Request): Promise<Response> }} assets */
export async function asset(request, assets) {
  if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: { code: "method_not_allowed", message: "use GET" } }, { allow: "GET, HEAD" });
  const res = await assets.fetch(request);
  const headers = new Headers(res.headers);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  if (!(headers.get("content-type") ?? "").startsWith("text/html")) return new Response(res.body, { status: res.status, headers });
  const html = await res.text();
  headers.set("content-security-policy", await csp(html));
  headers.set("cache-control", "no-store");
  return new Response(request.method === "HEAD" ? null : html, { status: res.status, headers });
}

// Serves the browser tests' app (tests/runtimes/browser-app/: a page that runs the client itself
// against the emulator) and the package it imports under /pkg/, or a built app (staticRoot), on
// loopback. Used by the browser and bundler tests. (The agent console, www/console/, is served by
// the example Worker.)
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};
const CONSOLE_FILES = new Set(["/index.html", "/console.js", "/console.css", "/callback.html", "/console-callback.js", "/favicon.svg"]);
// The test page's style sheet and icon are the agent console's (www/console/), served from there;
// CONSOLE_FILES lists them too, for the headers every console file gets.
const SHARED_FILES = new Set(["/console.css", "/favicon.svg"]);

/**
 * Where the console may send its signed requests: the endpoint the user types is either empty (AWS:
 * `https://bedrock-agentcore.{region}.{dnsSuffix}`, or a VPC endpoint under the same suffix) or
 * the local emulator. CSP wildcards cover whole leading labels only and the region is typed at
 * run time, so AWS is allowed by DNS suffix (aws, aws-cn, aws-eusc partitions); the emulator by its
 * exact origin when the demo knows it, else any port on 127.0.0.1 and localhost.
 */
const AWS_SOURCES = "https://*.amazonaws.com https://*.amazonaws.com.cn https://*.amazonaws.eu";
const LOOPBACK_SOURCES = "http://127.0.0.1:* http://localhost:*";

/**
 * The Content-Security-Policy header of a console page. Its only inline script is the import
 * map, allowed by its hash; everything else comes from this origin.
 * @param {string} html the page
 * @param {{ connect: string }} sources
 */
export function consoleCsp(html, { connect }) {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self'${connect === "'none'" ? "" : " 'wasm-unsafe-eval'"}${hashes.map((h) => ` ${h}`).join("")}`,
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${connect}`,
    "form-action 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers of every console page and file. */
const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

/**
 * Resolves the URL path `rel` (decoded, starting with "/") inside the folder `base`, or null if it
 * would leave it. `rel` is taken relative even when it looks absolute ("//etc/passwd").
 */
function inside(base, rel) {
  const dir = resolve(base);
  const full = resolve(dir, `.${rel}`);
  return full.startsWith(dir + sep) ? full : null;
}

/**
 * The decoded path of a request target, or null when it cannot name a file here: an encoded
 * slash, backslash or NUL (a "/" that the URL's own dot-segment rules never saw), a raw
 * backslash, or broken percent-encoding.
 * @param {string} pathname the WHATWG-parsed path (dot segments, "%2e%2e" included, already resolved)
 */
function decodePath(pathname) {
  if (/%(2f|5c|00)/i.test(pathname) || pathname.includes("\\")) return null;
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.split("/").some((segment) => segment === ".." || segment === ".")) return null;
  return path;
}

/**
 * The request target as a URL, or null. An origin-form target is appended to the base, so that
 * "//etc/passwd" stays a path and does not become a host.
 * @param {string} target
 */
function requestUrl(target) {
  try {
    return target.startsWith("/") ? new URL(`http://localhost${target}`) : new URL(target, "http://localhost");
  } catch {
    return null;
  }
}

/** @param {import("node:http").ServerResponse} res */
function badRequest(res) {
  res.writeHead(400, { "content-type": "text/plain" });
  res.end("bad request");
}

/**
 * @param {{ packageRoot?: string, staticRoot?: string, demoConfig?: object, port?: number }} options
 *   packageRoot: the installed package's folder, served under /pkg/ (default: this repository);
 *   staticRoot: more files to serve at / (e.g. a built app); demoConfig: served as /demo-config.json.
 */
export async function serveConsole({ packageRoot = root, staticRoot, demoConfig, port = 0 } = {}) {
  const endpoint = /** @type {{ endpoint?: unknown } | undefined} */ (demoConfig)?.endpoint;
  const emulatorOrigin = typeof endpoint === "string" ? new URL(endpoint).origin : null;
  const pageSources = {
    "/index.html": { connect: `'self' ${emulatorOrigin ?? LOOPBACK_SOURCES} ${AWS_SOURCES}` },
    "/callback.html": { connect: "'none'" },
  };
  const server = createServer(async (req, res) => {
    try {
      const url = requestUrl(req.url ?? "/");
      if (!url) return badRequest(res);
      if (url.pathname === "/demo-config.json" && demoConfig) {
        res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
        return res.end(JSON.stringify(demoConfig));
      }
      let file = null;
      const path = url.pathname === "/" ? "/index.html" : decodePath(url.pathname);
      if (path === null) return badRequest(res);
      if (path.startsWith("/pkg/www/")) file = inside(join(packageRoot, "www"), path.slice("/pkg/www".length));
      else if (staticRoot) file = inside(staticRoot, path);
      else if (SHARED_FILES.has(path)) file = join(root, "www", "console", path);
      else if (CONSOLE_FILES.has(path)) file = join(root, "tests", "runtimes", "browser-app", path);
      if (!file) throw Object.assign(new Error("not found"), { code: "ENOENT" });
      const body = await readFile(file);
      /** @type {Record<string, string>} */
      const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" };
      if (!staticRoot && path !== null && CONSOLE_FILES.has(path)) {
        Object.assign(headers, SECURITY_HEADERS);
        const sources = pageSources[/** @type {keyof typeof pageSources} */ (path)];
        if (sources) headers["content-security-policy"] = consoleCsp(body.toString("utf8"), sources);
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      const missing = e?.code === "ENOENT" || e?.code === "EISDIR";
      res.writeHead(missing ? 404 : 500, { "content-type": "text/plain" }).end(missing ? "not found" : "server error");
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

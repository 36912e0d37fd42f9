// Serves the agent console (www/index.html and its files) and the package it imports under /pkg/,
// on loopback. Used by `npm run demo` and by the browser tests.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
};
const CONSOLE_FILES = new Set(["/index.html", "/console.js", "/console.css", "/callback.html"]);

/** Resolves `rel` inside `base`, or null if it would escape it. */
function inside(base, rel) {
  const full = normalize(join(base, rel));
  return full.startsWith(normalize(base) + sep) ? full : null;
}

/**
 * @param {{ packageRoot?: string, staticRoot?: string, demoConfig?: object, routes?: Record<string, (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, url: URL) => unknown>, port?: number }} options
 *   packageRoot: the installed package's folder, served under /pkg/ (default: this repository);
 *   staticRoot: more files to serve at / (e.g. a built app); demoConfig: served as /demo-config.json.
 */
export async function serveConsole({ packageRoot = root, staticRoot, demoConfig, routes = {}, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      const route = routes[url.pathname];
      if (route) return await route(req, res, url);
      if (url.pathname === "/demo-config.json" && demoConfig) {
        res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
        return res.end(JSON.stringify(demoConfig));
      }
      let file = null;
      const path = url.pathname === "/" ? "/index.html" : decodeURIComponent(url.pathname);
      if (path.startsWith("/pkg/www/")) file = inside(packageRoot, path.slice("/pkg".length));
      else if (staticRoot) file = inside(staticRoot, path);
      else if (CONSOLE_FILES.has(path)) file = join(root, "www", path);
      if (!file) throw Object.assign(new Error("not found"), { code: "ENOENT" });
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
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

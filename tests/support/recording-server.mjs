// A loopback HTTP server for the tests that script a service's replies: it records every request
// (method, path, headers, body) and answers each with `answer(req, self)`.
import { createServer } from "node:http";

/**
 * @typedef {{ status: number, headers?: Record<string, string>, body?: string }} Answer
 * @typedef {{ method?: string, path?: string, headers: import("node:http").IncomingHttpHeaders, body: string }} Recorded
 */

/**
 * Starts the server on `host` (default 127.0.0.1). With `cors`, it also answers a browser's
 * preflight and lets any origin read the replies (for pages calling it from another origin).
 * @param {(req: import("node:http").IncomingMessage, self: string) => Answer} answer `self` is the server's own URL
 * @param {{ host?: string, cors?: boolean }} [options]
 * @returns {Promise<{ url: string, requests: Recorded[], close: () => Promise<void> }>}
 */
export async function recordingServer(answer, { host = "127.0.0.1", cors = false } = {}) {
  /** @type {Recorded[]} */
  const requests = [];
  let self = "";
  const allow = cors ? { "access-control-allow-origin": "*", "access-control-expose-headers": "*" } : {};
  const s = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (cors && req.method === "OPTIONS") {
        res.writeHead(204, { ...allow, "access-control-allow-methods": "POST", "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*" });
        return res.end();
      }
      const a = answer(req, self);
      const body = a.body ?? "";
      res.writeHead(a.status, { ...allow, "content-length": String(Buffer.byteLength(body)), ...a.headers });
      res.end(body);
    });
  });
  await new Promise((resolve) => s.listen(0, host, () => resolve(undefined)));
  self = `http://${host}:${/** @type {import("node:net").AddressInfo} */ (s.address()).port}`;
  return {
    url: self,
    requests,
    close: () =>
      new Promise((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve(undefined));
      }),
  };
}

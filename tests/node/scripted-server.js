// A loopback HTTP server that answers from a script and records every request: the n-th request
// gets `script[n]`, and the last step repeats once the script runs out. A step is
//   { status, code?, codeIn?, message?, headers?, body?, skewMs?, reset? }
// `code` is placed as `codeIn` says: "header" (x-amzn-errortype, the default), "__type", "code",
// "Code" or "none"; `body` (a string) replaces the JSON body; `skewMs` shifts the `Date` header;
// `reset` destroys the socket instead of answering.
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";

let requestIds = 0;

/** The bytes and headers of one scripted reply. */
export function replyFor(step) {
  const headers = {
    date: new Date(Date.now() + (step.skewMs ?? 0)).toUTCString(),
    "x-amzn-requestid": `00000000-0000-4000-8000-${String(++requestIds).padStart(12, "0")}`,
  };
  let body = step.body;
  if (body === undefined) {
    const json = step.status < 300 ? { accessToken: "scripted-access-token" } : { message: step.message ?? "scripted error" };
    const where = step.codeIn ?? "header";
    if (step.code !== undefined && where !== "header" && where !== "none") json[where] = step.code;
    body = JSON.stringify(json);
    headers["content-type"] = "application/json";
    if (step.code !== undefined && where === "header") headers["x-amzn-errortype"] = step.code;
  }
  Object.assign(headers, step.headers);
  headers["content-length"] = String(Buffer.byteLength(body));
  return { headers, body };
}

/**
 * Starts a server for `script` on a free loopback port. With `perBody`, each distinct request body
 * (one call and its retries) walks the script on its own. Returns its endpoint, the log of requests
 * ({ at, wall, method, path, headers, body }: `at` from performance.now(), `wall` from Date.now()) and close().
 */
export async function scriptedServer(script, { perBody = false } = {}) {
  if (!Array.isArray(script) || script.length === 0) throw new Error("a script needs at least one step");
  const requests = [];
  /** @type {Map<string, number>} */
  const seen = new Map();
  const server = createServer((req, res) => {
    const at = performance.now();
    const wall = Date.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const key = perBody ? body : "";
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const step = script[Math.min(n, script.length - 1)];
      requests.push({ at, wall, method: req.method, path: req.url, headers: req.headers, body });
      if (step.reset) {
        req.socket.destroy();
        return;
      }
      const reply = replyFor(step);
      res.writeHead(step.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

// A fast loopback server for the benchmarks, in its own process: answers every POST with a small
// GetResourceOauth2Token reply, as the service would, without checking signatures.
import { createServer } from "node:http";

const body = JSON.stringify({ accessToken: "bench-access-token-0123456789abcdefghijklmnopqrstuvwxyz" });
let n = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-amzn-requestid": `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: /** @type {import("node:net").AddressInfo} */ (server.address()).port });
});
process.on("disconnect", () => process.exit(0));

// Faults from the network and the service: each gives its specific error, promptly, and nothing is
// left as an unhandled rejection.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, test } from "node:test";
import { clientFor, dataPlane, emulator, m2mInput, pkg, rejection, workloadToken } from "./helpers.js";

const unhandled = [];
process.on("unhandledRejection", (e) => unhandled.push(e));
after(() => assert.deepEqual(unhandled, [], "no unhandled rejection"));

async function setup(t, extra = {}) {
  const emu = await emulator(t);
  const wit = await workloadToken(clientFor(emu), null);
  emu.clearRequests();
  return { emu, wit, client: clientFor(emu, extra) };
}

/** A raw loopback server answering every request with `reply(req, res)`. */
async function rawServer(t, reply) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => reply(req, res));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return `http://127.0.0.1:${server.address().port}`;
}

function rawClient(endpoint, extra = {}) {
  return new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, ...extra });
}

test("connection resets: retried, then NetworkError with the host's error as cause", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 3 });
  emu.setFaults({ resetRate: 1 });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.NetworkError, err.name);
  assert.ok(err.cause instanceof Error);
  assert.equal(err.$metadata.attempts, 3);
  assert.equal(dataPlane(emu).length, 3);
  // A reset followed by a good reply recovers.
  emu.clearFaults();
  assert.equal(typeof (await client.getResourceOauth2Token(m2mInput(wit))).accessToken, "string");
});

test("a body truncated mid-JSON is a ResponseError, not a hang", async (t) => {
  const { emu, client, wit } = await setup(t);
  emu.setFaults({ truncateRate: 1 });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.ResponseError, err.name);
  assert.match(err.message, /not valid JSON/);
  assert.equal(err.$metadata.httpStatusCode, 200);
  assert.equal(err.$metadata.requestId, dataPlane(emu).at(-1).requestId);
});

test("a 200 whose body is HTML is a ResponseError", async (t) => {
  const endpoint = await rawServer(t, (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to nginx!</body></html>"));
  const err = await rejection(rawClient(endpoint).getResourceOauth2Token(m2mInput("w")));
  assert.ok(err instanceof pkg.ResponseError);
  assert.match(err.message, /not valid JSON/);
  assert.ok(!err.message.includes("nginx"), "the body is not echoed");
});

test("an oversized reply is refused, with or without Content-Length", async (t) => {
  const big = JSON.stringify({ accessToken: "x".repeat(2 * 1024 * 1024) });
  for (const chunked of [false, true]) {
    const endpoint = await rawServer(t, (_req, res) => {
      res.writeHead(200, chunked ? { "content-type": "application/json" } : { "content-type": "application/json", "content-length": Buffer.byteLength(big) });
      res.end(big);
    });
    const err = await rejection(rawClient(endpoint).getResourceOauth2Token(m2mInput("w")));
    assert.ok(err instanceof pkg.ResponseError, `${chunked}: ${err.name}`);
    assert.match(err.message, /larger than 1048576 bytes/);
  }
});

test("a server that never answers: RequestTimeoutError after every attempt", async (t) => {
  const endpoint = await rawServer(t, () => {});
  const started = performance.now();
  const err = await rejection(rawClient(endpoint, { requestTimeoutMs: 100, maxAttempts: 2 }).getResourceOauth2Token(m2mInput("w")));
  assert.ok(err instanceof pkg.RequestTimeoutError, err.name);
  assert.equal(err.$metadata.attempts, 2);
  assert.ok(performance.now() - started < 2500);
});

test("a server that answers headers then stalls the body is timed out too", async (t) => {
  const endpoint = await rawServer(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"accessToken":"');
  });
  const err = await rejection(rawClient(endpoint, { requestTimeoutMs: 150, maxAttempts: 1 }).getResourceOauth2Token(m2mInput("w")));
  assert.ok(err instanceof pkg.RequestTimeoutError, err.name);
});

test("throttling storm: every call stops at maxAttempts, with the delays in $metadata", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 2 });
  emu.setFaults({ throttleRate: 1 });
  const errors = await Promise.all(Array.from({ length: 20 }, () => rejection(client.getResourceOauth2Token(m2mInput(wit)))));
  for (const e of errors) {
    assert.ok(e instanceof pkg.ThrottlingException);
    assert.equal(e.$metadata.attempts, 2);
    assert.ok(e.$metadata.totalRetryDelay >= 0 && e.$metadata.totalRetryDelay <= 999);
  }
  assert.equal(dataPlane(emu).length, 40);
});

test("latency and transient 5xx mixed in: every call still succeeds", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 5 });
  emu.setFaults({ errorRate: 0.3, errorStatus: 503, latencyMs: 5, seed: 7 });
  const outs = await Promise.all(Array.from({ length: 30 }, () => client.getResourceOauth2Token(m2mInput(wit))));
  assert.ok(outs.every((o) => typeof o.accessToken === "string"));
  assert.ok(outs.some((o) => o.$metadata.attempts > 1), "some calls were retried");
});

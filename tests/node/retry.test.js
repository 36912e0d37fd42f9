// Retries (AWS standard mode), abort, timeouts, credential providers and clock-skew recovery.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientFor, dataPlane, emulator, m2mInput, pkg, rejection, workloadToken } from "./helpers.js";

async function setup(t, extra = {}, emuOptions = {}) {
  const emu = await emulator(t, emuOptions);
  const client = clientFor(emu, extra);
  const wit = await workloadToken(clientFor(emu), null);
  emu.clearRequests();
  return { emu, client, wit };
}

test("a throttling burst is retried, and $metadata counts the attempts and the delay", async (t) => {
  const { emu, client, wit } = await setup(t);
  emu.setFaults({ failNext: [{ status: 429, code: "ThrottlingException" }, { status: 503, code: "ServiceUnavailableException" }] });
  const out = await client.getResourceOauth2Token(m2mInput(wit));
  assert.equal(typeof out.accessToken, "string");
  assert.equal(out.$metadata.attempts, 3);
  // floor(random * 1000) after the throttling error, floor(random * 50 * 2) after the 503.
  assert.ok(out.$metadata.totalRetryDelay >= 0 && out.$metadata.totalRetryDelay <= 999 + 99, String(out.$metadata.totalRetryDelay));
  assert.deepEqual(dataPlane(emu).map((r) => r.status), [429, 503, 200]);
  // Every attempt is signed afresh and accepted by the emulator's verifier.
  assert.ok(dataPlane(emu).every((r) => r.signature?.valid));
});

test("a retry-after header lengthens the backoff, by at most 5 s", async (t) => {
  const { emu, client, wit } = await setup(t);
  emu.setFaults({ failNext: [{ status: 503, code: "ServiceUnavailableException", amzRetryAfter: "300" }] });
  const out = await client.getResourceOauth2Token(m2mInput(wit));
  assert.equal(out.$metadata.attempts, 2);
  // max(floor(random * 50), min(300, backoff + 5000)): 300 ms exactly.
  assert.equal(out.$metadata.totalRetryDelay, 300);
  emu.clearRequests();
  emu.setFaults({ failNext: [{ status: 503, code: "ServiceUnavailableException", retryAfter: "0.2", amzRetryAfter: "9000" }] });
  const again = await client.getResourceOauth2Token(m2mInput(wit));
  // retry-after (seconds) wins over x-amz-retry-after.
  assert.ok(again.$metadata.totalRetryDelay >= 199 && again.$metadata.totalRetryDelay <= 200, String(again.$metadata.totalRetryDelay));
});

test("retries stop at maxAttempts", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 2 });
  emu.setFaults({ failNext: Array(5).fill({ status: 429, code: "ThrottlingException", message: "Rate exceeded" }) });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.ThrottlingException);
  assert.equal(err.$metadata.attempts, 2);
  assert.equal(dataPlane(emu).length, 2);
});

test("maxAttempts 1 never retries", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 1 });
  emu.setFaults({ failNext: [{ status: 500, code: "InternalServerException" }] });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.InternalServerException);
  assert.equal(err.$metadata.attempts, 1);
  assert.equal(dataPlane(emu).length, 1);
});

test("other 4xx are never retried", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 5 });
  for (const [status, code] of [[400, "ValidationException"], [403, "AccessDeniedException"], [404, "ResourceNotFoundException"], [401, "UnauthorizedException"]]) {
    emu.clearRequests();
    emu.setFaults({ failNext: [{ status, code }] });
    const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
    assert.equal(err.name, code);
    assert.equal(err.$metadata.attempts, 1);
    assert.equal(dataPlane(emu).length, 1, code);
  }
});

test("the retry quota stops a retry storm across concurrent calls", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 3 });
  // Every request fails: 500 tokens at 14 per retry allow 35 retries in all, then calls stop early.
  emu.setFaults({ errorRate: 1, errorStatus: 500, errorCode: "InternalServerException" });
  const calls = Array.from({ length: 80 }, () => rejection(client.getResourceOauth2Token(m2mInput(wit))));
  const errors = await Promise.all(calls);
  const attempts = errors.map((e) => e.$metadata.attempts);
  const retries = attempts.reduce((n, a) => n + a - 1, 0);
  assert.equal(retries, 35, `retries taken: ${retries}`);
  assert.equal(dataPlane(emu).length, 80 + 35);
  assert.ok(attempts.includes(1), "later calls get no retry");
});

test("abort before the call rejects with the reason and sends nothing", async (t) => {
  const { emu, client, wit } = await setup(t);
  const reason = new Error("user cancelled");
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit), { signal: AbortSignal.abort(reason) }));
  assert.equal(err, reason);
  assert.equal(dataPlane(emu).length, 0);
});

test("abort during a request that never answers rejects promptly with the reason", async (t) => {
  const { emu, client, wit } = await setup(t);
  emu.setFaults({ hangRate: 1 });
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(new Error("stop waiting")), 100);
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit), { signal: controller.signal }));
  assert.equal(err.message, "stop waiting");
  assert.ok(performance.now() - started < 2000);
});

test("abort during a backoff sleep rejects at once", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 10 });
  emu.setFaults({ throttleRate: 1 });
  const controller = new AbortController();
  const pending = rejection(client.getResourceOauth2Token(m2mInput(wit), { signal: controller.signal }));
  // Wait for the first throttled reply, then abort while the client sleeps before its retry.
  while (dataPlane(emu).length < 1 || dataPlane(emu)[0].status === null) await new Promise((r) => setTimeout(r, 5));
  const abortedAt = performance.now();
  controller.abort(new DOMException("aborted by test", "AbortError"));
  const err = await pending;
  assert.equal(err.name, "AbortError");
  assert.equal(err.message, "aborted by test");
  assert.ok(performance.now() - abortedAt < 50, "no wait for the backoff to end");
  const sent = dataPlane(emu).length;
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(dataPlane(emu).length, sent, "no retry after the abort");
});

test("requestTimeoutMs bounds each attempt, and timeouts are retried", async (t) => {
  const { emu, client, wit } = await setup(t, { requestTimeoutMs: 150, maxAttempts: 2 });
  emu.setFaults({ hangRate: 1 });
  const started = performance.now();
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.RequestTimeoutError, err.name);
  assert.equal(err.$metadata.attempts, 2);
  assert.match(err.message, /150 ms/);
  assert.ok(performance.now() - started < 3000);
  assert.equal(dataPlane(emu).length, 2);
  // A slow but answering server within the timeout is fine.
  emu.setFaults({ latencyMs: 20 });
  assert.equal(typeof (await client.getResourceOauth2Token(m2mInput(wit))).accessToken, "string");
});

test("a credentials provider is awaited, cached, and refreshed 5 minutes before expiry", async (t) => {
  const emu = await emulator(t);
  const wit = await workloadToken(clientFor(emu), null);
  let calls = 0;
  let expiration = new Date(Date.now() + 3600_000);
  const client = clientFor(emu, {
    credentials: async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return { ...emu.credentials, expiration };
    },
  });
  await Promise.all([client.getResourceOauth2Token(m2mInput(wit)), client.getResourceOauth2Token(m2mInput(wit))]);
  await client.getResourceOauth2Token(m2mInput(wit));
  assert.equal(calls, 1, "cached, and concurrent calls share one provider call");
  // Credentials that expire within 5 minutes are fetched again on the next call.
  expiration = new Date(Date.now() + 60_000);
  const c2 = clientFor(emu, { credentials: () => { calls++; return { ...emu.credentials, expiration }; } });
  await c2.getResourceOauth2Token(m2mInput(wit));
  await c2.getResourceOauth2Token(m2mInput(wit));
  assert.equal(calls, 3);
});

test("a failing credentials provider gives CredentialsProviderError with the cause", async (t) => {
  const emu = await emulator(t);
  const boom = new Error("no credentials here");
  for (const credentials of [async () => { throw boom; }, () => { throw boom; }]) {
    const err = await rejection(clientFor(emu, { credentials }).getResourceOauth2Token(m2mInput("w")));
    assert.ok(err instanceof pkg.CredentialsProviderError);
    assert.equal(err.cause, boom);
  }
  const err = await rejection(clientFor(emu, { credentials: async () => ({ accessKeyId: "x" }) }).getResourceOauth2Token(m2mInput("w")));
  assert.ok(err instanceof pkg.CredentialsProviderError);
  assert.match(err.message, /secretAccessKey/);
});

test("temporary credentials sign x-amz-security-token", async (t) => {
  const creds = { accessKeyId: "ASIATEMPORARY0000001", secretAccessKey: "temp-secret", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE" };
  const emu = await emulator(t, { config: { credentials: [creds] } });
  const client = clientFor(emu);
  const wit = await workloadToken(client, null);
  await client.getResourceOauth2Token(m2mInput(wit));
  const last = dataPlane(emu).at(-1);
  assert.equal(last.status, 200);
  assert.match(last.headers.authorization, /SignedHeaders=[^,]*;x-amz-date;x-amz-security-token;x-amz-user-agent,/);
  const noToken = clientFor(emu, { maxAttempts: 1, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });
  assert.ok((await rejection(noToken.getResourceOauth2Token(m2mInput(wit)))) instanceof pkg.AgentCoreServiceException);
});

for (const minutes of [15, -15]) {
  test(`a clock ${minutes > 0 ? "behind" : "ahead"} by 15 minutes is corrected with one retry`, async (t) => {
    const { emu, client, wit } = await setup(t, { maxAttempts: 2 });
    emu.setFaults({ clockOffsetMs: minutes * 60_000 });
    const out = await client.getResourceOauth2Token(m2mInput(wit));
    assert.equal(typeof out.accessToken, "string");
    assert.equal(out.$metadata.attempts, 2);
    assert.deepEqual(dataPlane(emu).map((r) => [r.status, r.errorCode]), [[403, "InvalidSignatureException"], [200, null]]);
    // The offset is kept: the next call is right the first time.
    const again = await client.getResourceOauth2Token(m2mInput(wit));
    assert.equal(again.$metadata.attempts, 1);
  });
}

test("maxAttempts 1 bounds the clock-skew retry too", async (t) => {
  const { emu, client, wit } = await setup(t, { maxAttempts: 1 });
  emu.setFaults({ clockOffsetMs: 15 * 60_000 });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.equal(err.name, "InvalidSignatureException");
  assert.equal(err.$metadata.attempts, 1);
  assert.equal(dataPlane(emu).length, 1);
  // The reply's Date still moved the clock: the next call is right the first time.
  const again = await client.getResourceOauth2Token(m2mInput(wit));
  assert.equal(again.$metadata.attempts, 1);
});

test("with both a timeout and a signal, an abort still rejects with the caller's reason", async (t) => {
  const { emu, client, wit } = await setup(t, { requestTimeoutMs: 5000 });
  emu.setFaults({ hangRate: 1 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("caller gave up")), 80);
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit), { signal: controller.signal }));
  assert.equal(err.message, "caller gave up");
});

test("the default fetch is looked up at call time", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const real = globalThis.fetch;
  const seen = [];
  globalThis.fetch = (url, init) => (seen.push(url), real(url, init));
  t.after(() => (globalThis.fetch = real));
  await client.getWorkloadAccessToken({ workloadName: "demo-workload" });
  assert.deepEqual(seen, [`${emu.url}/identities/GetWorkloadAccessToken`]);
});

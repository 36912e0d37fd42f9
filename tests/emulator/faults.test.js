// Fault injection switches, the admin API, the request log and CORS.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { admin, client, sdk, sdkError, signedFetch, start, UUID_RE, WORKLOAD } from "./helpers.js";

let emu;
let c;
before(async () => {
  emu = await start();
  c = client(emu);
});
after(async () => {
  c.destroy();
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.clearRequests();
});

const call = (cl = c) => cl.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }));

describe("fault switches", () => {
  test("throttleRate 1 -> ThrottlingException 429 through the SDK", async () => {
    const r = await admin(emu, "POST", "/__emulator/faults", { throttleRate: 1 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.faults, { throttleRate: 1 });
    const err = await sdkError(call());
    assert.equal(err.name, "ThrottlingException");
    assert.ok(err instanceof sdk.ThrottlingException);
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.match(err.$metadata.requestId, UUID_RE);
    assert.equal(emu.requests().at(-1).fault, "throttle");
  });

  test("errorRate 1 -> InternalServerException 500", async () => {
    emu.setFaults({ errorRate: 1 });
    const err = await sdkError(call());
    assert.equal(err.name, "InternalServerException");
    assert.ok(err instanceof sdk.InternalServerException);
    assert.equal(err.$metadata.httpStatusCode, 500);
  });

  test("errorStatus 503 with htmlBody -> an HTML proxy page without x-amzn-ErrorType", async () => {
    emu.setFaults({ errorRate: 1, errorStatus: 503, htmlBody: true });
    const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("x-amzn-errortype"), null);
    assert.equal(res.headers.get("content-type"), "text/html");
    assert.match(res.headers.get("x-amzn-requestid"), UUID_RE);
    assert.match(await res.text(), /<h1>503 Service Unavailable<\/h1>/);
    const err = await sdkError(call());
    assert.equal(err.$metadata.httpStatusCode, 503);
  });

  test("errorStatus 502 without htmlBody -> JSON error", async () => {
    emu.setFaults({ errorRate: 1, errorStatus: 502, errorCode: "BadGatewayException" });
    const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get("x-amzn-errortype"), "BadGatewayException");
    assert.equal(typeof (await res.json()).message, "string");
  });

  test("latencyMs delays the reply", async () => {
    emu.setFaults({ latencyMs: 250 });
    const t0 = performance.now();
    const out = await call();
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(performance.now() - t0 >= 240, "delayed");
    emu.clearFaults();
    const t1 = performance.now();
    await call();
    assert.ok(performance.now() - t1 < 200, "no delay after clearing");
  });

  test("resetRate 1 -> connection destroyed without reply", async () => {
    emu.setFaults({ resetRate: 1 });
    await assert.rejects(signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD }), TypeError);
    const err = await sdkError(call());
    assert.equal(err.$metadata?.httpStatusCode, undefined);
    assert.match(String(err.code || err.message), /ECONNRESET|socket hang up|reset/i);
    assert.equal(emu.requests().at(-1).status, "reset");
  });

  test("hangRate 1 -> no reply until the client gives up", async () => {
    emu.setFaults({ hangRate: 1 });
    const t0 = performance.now();
    await assert.rejects(
      signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD }, { signal: AbortSignal.timeout(300) }),
      (e) => e.name === "TimeoutError",
    );
    assert.ok(performance.now() - t0 >= 290);
    assert.equal(emu.requests().at(-1).status, "hang");
    const impatient = client(emu, { requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    const err = await sdkError(call(impatient));
    impatient.destroy();
    assert.equal(err.name, "TimeoutError");
    assert.equal(err.$metadata?.httpStatusCode, undefined);
  });

  test("truncateRate 1 -> 200 with half a JSON body", async () => {
    emu.setFaults({ truncateRate: 1 });
    const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.startsWith('{"workloadAccessToken":"'));
    assert.throws(() => JSON.parse(text), SyntaxError);
    const err = await sdkError(call());
    assert.ok(err instanceof Error);
    assert.equal(emu.requests().at(-1).fault, "truncate");
  });

  test("clockOffsetMs shifts the Date header and the skew check", async () => {
    emu.setFaults({ clockOffsetMs: 3600_000 });
    const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD });
    assert.equal(res.status, 403);
    const date = Date.parse(res.headers.get("date"));
    assert.ok(Math.abs(date - (Date.now() + 3600_000)) < 3000, "Date header is an hour ahead");
    assert.match((await res.json()).message, /^Signature expired: /);
    // A client whose clock agrees with the server's is accepted.
    const ahead = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD }, { signingDate: new Date(Date.now() + 3600_000) });
    assert.equal(ahead.status, 200);
    await ahead.text();
  });

  test("failNext: a queue of exact errors, then normal service", async () => {
    const r = await admin(emu, "POST", "/__emulator/faults", {
      failNext: [
        { status: 429, code: "ThrottlingException", message: "Slow down" },
        { status: 403, code: "AccessDeniedException", message: "Nope" },
        { status: 502, htmlBody: true },
      ],
    });
    assert.equal(r.status, 200);
    let err = await sdkError(call());
    assert.equal(err.name, "ThrottlingException");
    assert.equal(err.message, "Slow down");
    err = await sdkError(call());
    assert.equal(err.name, "AccessDeniedException");
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.equal(err.message, "Nope");
    assert.deepEqual((await admin(emu, "GET", "/__emulator/faults")).body.faults, { failNext: [{ status: 502, htmlBody: true }] });
    err = await sdkError(call());
    assert.equal(err.$metadata.httpStatusCode, 502);
    const ok = await call();
    assert.equal(ok.$metadata.httpStatusCode, 200);
  });

  test("failNext: a redirect status with a location, answered once, never followed by the SDK", async () => {
    const r = await admin(emu, "POST", "/__emulator/faults", { failNext: [{ status: 307, location: "http://127.0.0.2:9/identities/GetWorkloadAccessToken" }, { status: 308, location: "/elsewhere" }] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.faults.failNext[1], { status: 308, location: "/elsewhere" });
    const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get("location"), "http://127.0.0.2:9/identities/GetWorkloadAccessToken");
    await res.text();
    const err = await sdkError(call());
    assert.equal(err.name, "Unknown");
    assert.equal(err.$fault, "client");
    assert.equal(err.$metadata.httpStatusCode, 308);
    assert.equal(err.$metadata.attempts, 1);
    assert.equal(emu.requests().at(-1).fault, "failNext");
    assert.equal((await call()).$metadata.httpStatusCode, 200);
  });

  test("failNext redirects are checked: a redirect status needs a location, and a location an http(s) URL or a path", async () => {
    for (const entry of [{ status: 307 }, { status: 500, location: "/x" }, { status: 304, location: "/x" }, { status: 307, location: "javascript:alert(1)" }, { status: 307, location: "//evil.example/" }, { status: 302, location: "/a b" }]) {
      const r = await admin(emu, "POST", "/__emulator/faults", { failNext: [entry] });
      assert.equal(r.status, 400, JSON.stringify(entry));
      assert.match(r.body.message, /failNext\[0\]\.(status|location)/);
    }
    assert.deepEqual(emu.faults(), {});
  });

  test("seeded rates are deterministic and roughly proportional", async () => {
    const outcomes = async () => {
      emu.setFaults({ throttleRate: 0.5, seed: 7 });
      const seen = [];
      for (let i = 0; i < 40; i++) {
        seen.push(await call().then(() => 200, (e) => e.$metadata.httpStatusCode));
      }
      return seen;
    };
    const a = await outcomes();
    const b = await outcomes();
    assert.deepEqual(a, b);
    const throttled = a.filter((s) => s === 429).length;
    assert.ok(throttled > 8 && throttled < 32, `throttled ${throttled}/40`);
  });

  test("faults never touch the admin API or the consent page; DELETE clears them", async () => {
    emu.setFaults({ errorRate: 1, resetRate: 1 });
    const f = await admin(emu, "GET", "/__emulator/faults");
    assert.equal(f.status, 200);
    const page = await fetch(`${emu.url}/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Ax`);
    assert.equal(page.status, 404);
    await page.text();
    const d = await admin(emu, "DELETE", "/__emulator/faults");
    assert.deepEqual(d.body, { faults: {} });
    assert.equal((await call()).$metadata.httpStatusCode, 200);
  });

  test("invalid fault sets are refused", async () => {
    for (const bad of [{ throttleRate: 2 }, { nonsense: 1 }, { failNext: [{ code: "X" }] }, { latencyMs: -1 }]) {
      const r = await admin(emu, "POST", "/__emulator/faults", bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(typeof r.body.message, "string");
    }
    assert.deepEqual(emu.faults(), {});
  });
});

describe("request log", () => {
  test("GET /__emulator/requests shows wire requests; DELETE clears", async () => {
    await call();
    await signedFetch(emu, "/identities/GetWorkloadAccessToken", "{oops");
    const r = await admin(emu, "GET", "/__emulator/requests");
    assert.equal(r.status, 200);
    assert.equal(r.body.requests.length, 2);
    const [a, b] = r.body.requests;
    assert.equal(a.method, "POST");
    assert.equal(a.path, "/identities/GetWorkloadAccessToken");
    assert.equal(a.operation, "GetWorkloadAccessToken");
    assert.deepEqual(a.body, { workloadName: WORKLOAD });
    assert.equal(a.headers["content-type"], "application/json");
    assert.ok(Object.keys(a.headers).every((k) => k === k.toLowerCase()));
    assert.equal(a.signature.valid, true);
    assert.equal(a.status, 200);
    assert.equal(b.body, null);
    assert.equal(b.status, 400);
    assert.equal(b.errorCode, "ValidationException");
    assert.deepEqual((await admin(emu, "DELETE", "/__emulator/requests")).body, { cleared: 2 });
    assert.equal((await admin(emu, "GET", "/__emulator/requests")).body.requests.length, 0);
  });

  test("unknown admin endpoint -> 404", async () => {
    const r = await admin(emu, "GET", "/__emulator/nothing");
    assert.equal(r.status, 404);
  });
});

describe("CORS", () => {
  test("preflight from a loopback origin", async () => {
    const res = await fetch(`${emu.url}/identities/oauth2/token`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-amz-date,x-amz-content-sha256,x-amz-security-token",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.equal(res.headers.get("access-control-allow-methods"), "POST, GET, OPTIONS");
    assert.equal(res.headers.get("access-control-allow-headers"), "authorization,content-type,x-amz-date,x-amz-content-sha256,x-amz-security-token");
    assert.equal(res.headers.get("access-control-expose-headers"), "x-amzn-requestid, x-amzn-errortype, date");
    assert.equal(res.headers.get("access-control-max-age"), "600");
    assert.match(res.headers.get("vary"), /Origin/);
    assert.equal(emu.requests().length, 0, "preflights are not data-plane requests");
  });

  test("every reply carries Allow-Origin and Expose-Headers, errors too", async () => {
    const ok = await signedFetch(emu, "/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD }, { headers: { origin: "http://localhost:8787" } });
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://localhost:8787");
    assert.equal(ok.headers.get("access-control-expose-headers"), "x-amzn-requestid, x-amzn-errortype, date");
    await ok.text();
    const noOrigin = await fetch(`${emu.url}/identities/GetWorkloadAccessToken`, { method: "POST", body: "{}" });
    assert.equal(noOrigin.status, 403);
    assert.equal(noOrigin.headers.get("access-control-allow-origin"), "*");
    assert.equal(noOrigin.headers.get("access-control-expose-headers"), "x-amzn-requestid, x-amzn-errortype, date");
    await noOrigin.text();
  });
});

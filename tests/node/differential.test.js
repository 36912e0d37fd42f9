// Differential tests against the AWS SDK for JavaScript v3: the package (from its tarball) and
// `@aws-sdk/client-bedrock-agentcore` call the same scripted loopback server, and must agree on
// the outcome (success, or the error's name), on the number of attempts, and the package's retry
// delays must lie within the bounds of the SDK's standard retry strategy. The SDK runs with its
// defaults (real backoff), so it is the oracle as installed, not a transcription of it.
//
// Outcomes are compared by name, with two classes where the SDK has no stable name of its own:
// "network error" (no HTTP reply: the SDK's socket error, the package's NetworkError) and
// "unparseable HTTP n" (a reply whose body is not JSON: the SDK's deserialization error, the
// package's ResponseError).
//
// Each scenario is one test; a table of both sides is printed at the end and written to
// .cache/differential.md.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { root } from "../support/package.mjs";
import { recordingServer } from "../support/recording-server.mjs";
import { pkg } from "./helpers.js";
import { scriptedServer } from "./scripted-server.js";

const { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } = await import("@aws-sdk/client-bedrock-agentcore");
// The retry constants of the very copy of @smithy/core the SDK client loads.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@aws-sdk/client-bedrock-agentcore"));
const { Retry, MAXIMUM_RETRY_DELAY, isThrottlingError } = sdkRequire("@smithy/core/retry");

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const region = "us-east-1";
const input = { workloadIdentityToken: "differential-workload-token", resourceCredentialProviderName: "differential-provider", scopes: ["read"], oauth2Flow: "M2M" };
const MIN = 60_000;
const OK = { status: 200 };
const HTML_502 = { status: 502, headers: { "content-type": "text/html" }, body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>" };
const RESET = { reset: true };
const THROTTLED = { status: 429, code: "ThrottlingException", message: "Rate exceeded" };

// ------------------------------------------------------------------------------- scenarios
/**
 * name, script (replies in order, the last repeats), maxAttempts (default 3), calls (sequential
 * calls on one client, default 1), concurrent (parallel calls, for the retry quota), perCall
 * (concurrent calls with distinct inputs, each walking the script on its own: many samples of
 * the backoff, each checked against the SDK's bounds).
 */
const scenarios = [
  // Transient replies, then success.
  { name: "500 InternalServerException, then 200", script: [{ status: 500, code: "InternalServerException" }, OK] },
  { name: "502 without a code, then 200", script: [{ status: 502 }, OK] },
  { name: "503 ServiceUnavailableException, then 200", script: [{ status: 503, code: "ServiceUnavailableException" }, OK] },
  { name: "504 without a code, then 200", script: [{ status: 504 }, OK] },
  { name: "HTML 502 page, then 200", script: [HTML_502, OK] },
  { name: "HTML 502 page, always", script: [HTML_502] },
  { name: "connection reset, then 200", script: [RESET, OK] },
  { name: "connection reset, always", script: [RESET] },
  { name: "503 always, maxAttempts 3", script: [{ status: 503, code: "ServiceUnavailableException" }] },
  { name: "500 always, maxAttempts 1", script: [{ status: 500, code: "InternalServerException" }], maxAttempts: 1 },
  { name: "connection reset, maxAttempts 1", script: [RESET], maxAttempts: 1 },
  // A redirect ends the call, also after a retry (the location is a closed port: nothing follows).
  { name: "307 redirect", script: [{ status: 307, headers: { location: "http://127.0.0.1:9/identities/oauth2/token" } }] },
  { name: "503, then a 308 redirect", script: [{ status: 503, code: "ServiceUnavailableException" }, { status: 308, headers: { location: "/elsewhere" } }] },
  // Throttling.
  { name: "throttling storm (429 ThrottlingException), maxAttempts 3", script: [THROTTLED] },
  { name: "throttling storm (429 ThrottlingException), maxAttempts 1", script: [THROTTLED], maxAttempts: 1 },
  { name: "429 ThrottlingException twice, then 200", script: [THROTTLED, THROTTLED, OK] },
  { name: "429 without a code, then 200", script: [{ status: 429 }, OK] },
  // Each modeled error, as the service sends it (x-amzn-errortype), every time.
  { name: "AccessDeniedException 403", script: [{ status: 403, code: "AccessDeniedException" }] },
  { name: "ResourceNotFoundException 404", script: [{ status: 404, code: "ResourceNotFoundException" }] },
  { name: "ThrottlingException 429, maxAttempts 2", script: [THROTTLED], maxAttempts: 2 },
  { name: "UnauthorizedException 401", script: [{ status: 401, code: "UnauthorizedException" }] },
  { name: "ValidationException 400", script: [{ status: 400, code: "ValidationException" }] },
  { name: "InternalServerException 500", script: [{ status: 500, code: "InternalServerException" }] },
  // Where the error code comes from, and its decorations.
  { name: "code in body __type", script: [{ status: 404, code: "ResourceNotFoundException", codeIn: "__type" }] },
  { name: "code in body code", script: [{ status: 404, code: "ResourceNotFoundException", codeIn: "code" }] },
  { name: "code in body Code", script: [{ status: 404, code: "ResourceNotFoundException", codeIn: "Code" }] },
  { name: "header code with a URI suffix", script: [{ status: 400, code: "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/" }] },
  { name: "__type with a namespace (ns#Foo)", script: [{ status: 404, code: "com.amazonaws.bedrockagentcore#ResourceNotFoundException", codeIn: "__type" }] },
  { name: "header ns#Foo:http://... (unmodeled)", script: [{ status: 400, code: "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/" }] },
  { name: "header beats body __type", script: [{ status: 403, code: "AccessDeniedException", body: JSON.stringify({ __type: "ValidationException", message: "m" }), headers: { "content-type": "application/json" } }] },
  { name: "ThrottlingException on a 400 (retried by code), then 200", script: [{ status: 400, code: "ThrottlingException" }, OK] },
  { name: "duplicated header 'ThrottlingException, ThrottlingException' on a 400, then 200", script: [{ status: 400, code: ["ThrottlingException", "ThrottlingException"] }, OK] },
  { name: "numeric code in body code", script: [{ status: 400, code: 42, codeIn: "code" }] },
  { name: "400 without any code", script: [{ status: 400 }] },
  // retry-after hints.
  { name: "503 + retry-after: 1, maxAttempts 2", script: [{ status: 503, code: "ServiceUnavailableException", headers: { "retry-after": "1" } }, OK], maxAttempts: 2, hintMs: 1000 },
  { name: "429 + x-amz-retry-after: 1500, maxAttempts 2", script: [{ ...THROTTLED, headers: { "x-amz-retry-after": "1500" } }, OK], maxAttempts: 2, hintMs: 1500 },
  { name: "400 ValidationException + retry-after: 1 (not retryable)", script: [{ status: 400, code: "ValidationException", headers: { "retry-after": "1" } }] },
  // Clock skew.
  ...[10 * MIN, -10 * MIN].flatMap((skewMs) => {
    const s = `${skewMs > 0 ? "+" : "-"}10 min`;
    const codes = [
      [403, "AccessDeniedException"],
      [403, "InvalidSignatureException"],
      [403, "SignatureDoesNotMatch"],
      [400, "ValidationException"],
      [404, "ResourceNotFoundException"],
      [401, "UnauthorizedException"],
      [429, "ThrottlingException"],
      [500, "InternalServerException"],
    ];
    return [
      ...codes.map(([status, code]) => ({ name: `Date ${s}: ${status} ${code}, then 200`, script: [{ status, code, skewMs }, { ...OK, skewMs }] })),
      { name: `Date ${s} on a 200, then a second call`, script: [{ ...OK, skewMs }], calls: 2 },
    ];
  }),
  { name: "Date +10 min: 403 InvalidSignatureException, maxAttempts 1", script: [{ status: 403, code: "InvalidSignatureException", skewMs: 10 * MIN }, { ...OK, skewMs: 10 * MIN }], maxAttempts: 1 },
  { name: "Date +2 min: 403 InvalidSignatureException, then 200", script: [{ status: 403, code: "InvalidSignatureException", skewMs: 2 * MIN }, { ...OK, skewMs: 2 * MIN }] },
  // The client-wide retry quota.
  { name: "retry quota: 40 concurrent calls into a 503 storm", script: [{ status: 503, code: "ServiceUnavailableException" }], concurrent: 40 },
  { name: "retry quota: 60 concurrent calls into a 429 storm", script: [THROTTLED], concurrent: 60 },
  // The backoff's range, sampled: one sample says little, 30 say whether a bound is exceeded.
  { name: "backoff sampled: 30 calls, each 503 then 200", script: [{ status: 503, code: "ServiceUnavailableException" }, OK], concurrent: 30, perCall: true },
  { name: "backoff sampled: 30 calls, each reset then 200", script: [RESET, OK], concurrent: 30, perCall: true },
  { name: "backoff sampled: 30 calls, each 429 then 200", script: [THROTTLED, OK], concurrent: 30, perCall: true },
];

// ------------------------------------------------------------------------------- the SDK's bounds
/** The error code as the SDK reads it from one header value or body field. */
function sanitize(code) {
  let c = String(code);
  if (c.includes(",")) c = c.split(",")[0];
  if (c.includes(":")) c = c.split(":")[0];
  if (c.includes("#")) c = c.split("#")[1];
  return c.trim();
}

/** Is the reply of `step` throttling, for the SDK's backoff? */
function throttling(step) {
  if (step.reset) return false;
  const code = step.code === undefined ? "" : sanitize(Array.isArray(step.code) ? step.code.join(", ") : step.code);
  return isThrottlingError({ name: code, $metadata: { httpStatusCode: step.status } });
}

/**
 * The SDK's delay before retry `i` (0-based) after `step`: full jitter on
 * min(base * 2^i, MAXIMUM_RETRY_DELAY), base Retry.throttlingDelay() or Retry.delay(); a hint of
 * `hintMs` raises it to max(jitter, min(hint, jitter + 5000)).
 */
function delayBounds(step, i, hintMs) {
  const base = throttling(step) ? Retry.throttlingDelay() : Retry.delay();
  const cap = Math.min(base * 2 ** i, MAXIMUM_RETRY_DELAY);
  if (!hintMs) return { lo: 0, hi: cap };
  return { lo: Math.min(hintMs, 5000), hi: Math.max(cap, Math.min(hintMs, cap + 5000)) };
}

// ------------------------------------------------------------------------------- running a side
/** The outcome's class, comparable between the two sides (see the top of this file). */
function outcomeOf(err, side) {
  if (err === undefined) return "ok";
  if (side === "sdk") {
    if (err.$fault !== undefined) return err.name;
    if (err.$metadata?.httpStatusCode !== undefined) return `unparseable HTTP ${err.$metadata.httpStatusCode}`;
    return "network error";
  }
  if (err instanceof pkg.AgentCoreServiceException) return err.name;
  if (err instanceof pkg.ResponseError && err.$metadata?.httpStatusCode !== undefined) return `unparseable HTTP ${err.$metadata.httpStatusCode}`;
  if (err instanceof pkg.NetworkError) return "network error";
  return `${err.name} (unexpected)`;
}

/** The signing time of a recorded request minus its arrival time, in whole minutes. */
function signingOffsetMin(request) {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(request.headers["x-amz-date"] ?? "");
  if (!m) return NaN;
  const signed = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Math.round((signed - request.wall) / MIN);
}

/** The input of call `i`: distinct per call when each call walks the script on its own. */
const inputFor = (scenario, i) => (scenario.perCall ? { ...input, workloadIdentityToken: `${input.workloadIdentityToken}-${i}` } : input);

/** Runs `scenario` with one side; returns what the server saw and what the caller got. */
async function run(scenario, side) {
  const server = await scriptedServer(scenario.script, { perBody: scenario.perCall === true });
  try {
    const config = { region, endpoint: server.endpoint, credentials, maxAttempts: scenario.maxAttempts ?? 3 };
    const call =
      side === "sdk"
        ? ((client) => (i) => client.send(new GetResourceOauth2TokenCommand(inputFor(scenario, i))))(new BedrockAgentCoreClient(config))
        : ((client) => (i) => client.getResourceOauth2Token(inputFor(scenario, i)))(new pkg.AgentCoreIdentityClient(config));
    const settle = (p) => p.then((out) => ({ out }), (err) => ({ err }));
    const results = [];
    if (scenario.concurrent) {
      results.push(...(await Promise.all(Array.from({ length: scenario.concurrent }, (_, i) => settle(call(i))))));
    } else {
      for (let i = 0; i < (scenario.calls ?? 1); i++) results.push(await settle(call(i)));
    }
    const last = results.at(-1);
    const meta = last.out?.$metadata ?? last.err?.$metadata;
    return {
      outcome: outcomeOf(last.err, side),
      results,
      attempts: meta?.attempts,
      totalRetryDelay: meta?.totalRetryDelay,
      requests: server.requests,
      requestsTotal: server.requests.length,
      sumAttempts: results.reduce((n, r) => n + ((r.out ?? r.err)?.$metadata?.attempts ?? NaN), 0),
      gaps: server.requests.slice(1).map((r, i) => Math.round(r.at - server.requests[i].at)),
      offsets: server.requests.map(signingOffsetMin),
      message: last.err ? String(last.err.message).split("\n")[0].slice(0, 100) : "",
    };
  } finally {
    await server.close();
  }
}

/** The attempts of each call, in call order. */
const attemptsOf = (side) => side.results.map((r) => (r.out ?? r.err).$metadata?.attempts);

// ------------------------------------------------------------------------------- the table
const rows = new Map(scenarios.map((s) => [s.name, undefined]));
const cell = (r) => {
  if (!r) return "not run";
  const attempts = r.results.length > 1 ? `${r.requestsTotal} req in ${r.results.length} calls` : `${r.requestsTotal} req, attempts ${r.attempts ?? "?"}`;
  const delay = r.results.length === 1 && r.totalRetryDelay ? `, delay ${r.totalRetryDelay} ms` : "";
  return `${r.outcome}, ${attempts}${delay}`;
};
after(() => {
  const lines = [
    "| scenario | SDK outcome, attempts | package outcome, attempts | agree |",
    "|---|---|---|---|",
    ...[...rows].map(([name, r]) => `| ${name} | ${cell(r?.sdk)} | ${cell(r?.pkg)} | ${r ? (r.failures.length ? `no: ${r.failures.join("; ")}` : "yes") : "not run"} |`),
  ];
  const table = lines.join("\n");
  mkdirSync(join(root, ".cache"), { recursive: true });
  writeFileSync(join(root, ".cache", "differential.md"), `${table}\n`);
  console.log(`\n${table}\n`);
});

// ------------------------------------------------------------------------------- the tests
describe("the package agrees with the AWS SDK v3", { concurrency: 6 }, () => {
  for (const scenario of scenarios) {
    test(scenario.name, async (t) => {
      const [sdk, ours] = await Promise.all([run(scenario, "sdk"), run(scenario, "pkg")]);
      const failures = [];
      const check = (what, fn) => {
        try {
          fn();
        } catch (e) {
          failures.push(what);
          const offsets = what.startsWith("signing") ? ` (SDK ${JSON.stringify(sdk.offsets)}, package ${JSON.stringify(ours.offsets)})` : "";
          t.diagnostic(`${what}: ${e.message.split("\n")[0]}${offsets}`);
        }
      };
      rows.set(scenario.name, { sdk, pkg: ours, failures });
      t.diagnostic(`SDK: ${cell(sdk)}${sdk.message ? ` [${sdk.message}]` : ""} | package: ${cell(ours)}${ours.message ? ` [${ours.message}]` : ""}`);

      // Each side's own report matches what the server saw.
      assert.equal(sdk.sumAttempts, sdk.requestsTotal, "the SDK's $metadata.attempts add up to the requests served");
      // The SDK sets `$retryable` only from a model's @retryable trait, which these errors lack.
      for (const r of sdk.results) if (r.err) assert.equal(r.err.$retryable, undefined, "the SDK's errors carry no $retryable");
      check("$metadata.attempts vs requests served", () => assert.equal(ours.sumAttempts, ours.requestsTotal));
      check("outcome", () => assert.equal(ours.outcome, sdk.outcome));
      check("requests", () => assert.equal(ours.requestsTotal, sdk.requestsTotal));
      if (scenario.perCall) {
        // Every call: a delay within the SDK's bounds, and as many attempts as the SDK's call.
        const perCall = (side, label) =>
          side.results.forEach((r, i) => {
            const meta = (r.out ?? r.err).$metadata;
            const b = Array.from({ length: meta.attempts - 1 }, (_, k) => delayBounds(scenario.script[Math.min(k, scenario.script.length - 1)], k));
            const hi = b.reduce((n, x) => n + x.hi, 0);
            assert.ok(meta.totalRetryDelay >= 0 && meta.totalRetryDelay <= hi, `${label}: call ${i} waited ${meta.totalRetryDelay} ms, above ${hi}`);
          });
        perCall(sdk, "the SDK");
        check("every call's delay within the SDK's bounds", () => perCall(ours, "the package"));
        check("attempts per call", () => assert.deepEqual(attemptsOf(ours), attemptsOf(sdk)));
      }
      if (!scenario.concurrent) {
        check("$metadata.attempts", () => assert.equal(ours.attempts, sdk.attempts));
        // The delays: the SDK's own must fit the model (or the model is wrong), then the package's.
        // A retry's delay is bounded below by a sleep, so only lower bounds are checked on the
        // measured gaps; the reported totalRetryDelay is checked against both bounds.
        const bounds = (side) =>
          side.requests.slice(1).map((_, i) => delayBounds(scenario.script[Math.min(i, scenario.script.length - 1)], i, scenario.hintMs));
        const within = (side, label) => {
          if ((scenario.calls ?? 1) > 1) return;
          const b = bounds(side);
          const lo = b.reduce((n, x) => n + x.lo, 0);
          const hi = b.reduce((n, x) => n + x.hi, 0);
          // The SDK computes a hint's remaining time a few ms after reading it.
          const slack = scenario.hintMs ? 20 : 0;
          assert.ok(side.totalRetryDelay >= lo - slack && side.totalRetryDelay <= hi, `${label}: totalRetryDelay ${side.totalRetryDelay} outside [${lo}, ${hi}]`);
          side.gaps.forEach((g, i) => assert.ok(g >= b[i].lo - slack - 2, `${label}: retry ${i + 1} came after ${g} ms, below ${b[i].lo}`));
        };
        within(sdk, "the SDK");
        check("delays within the SDK's bounds", () => within(ours, "the package"));
        // Clock skew: every request is signed at the same offset from the server's arrival time.
        check("signing offsets (min)", () => assert.deepEqual(ours.offsets, sdk.offsets));
      }
      assert.deepEqual(failures, [], `the package differs from the SDK: ${failures.join(", ")}`);
    });
  }
});

// ------------------------------------------------------------------------------- replies, side by side
// A redirect, the request-id headers and an unknown union member: each reply sent to both sides,
// which must give the same result or error (name, $fault, $metadata).
const { GetResourcePaymentTokenCommand } = await import("@aws-sdk/client-bedrock-agentcore");

/** Both sides' settled call of `command` (the SDK's command class and the package's method). */
async function bothSides(endpoint, Command, method, callInput) {
  const config = { region, endpoint, credentials: { ...credentials, sessionToken: "differential-session-token" }, maxAttempts: 3 };
  const settle = (p) => p.then((out) => ({ out }), (err) => ({ err }));
  const sdk = await settle(new BedrockAgentCoreClient(config).send(new Command(callInput)));
  const ours = await settle(new pkg.AgentCoreIdentityClient(config)[method](callInput));
  return { sdk, ours };
}

/** A value as JSON has it: members set to undefined (the SDK's absent cfId) are no members. */
const plain = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** What a caller sees of an error: name, $fault, $metadata. */
const errorView = (e) => e && plain({ name: e.name, $fault: e.$fault, $metadata: e.$metadata });

describe("replies the package reads as the AWS SDK v3 does", { concurrency: 4 }, () => {
  for (const status of [301, 302, 303, 307, 308]) {
    for (const where of ["another origin", "another path on the same host"]) {
      test(`HTTP ${status} redirect to ${where}: Unknown, client, ${status}, one attempt on both sides`, async (t) => {
        const other = await recordingServer(() => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ accessToken: "other-host-token" }) }));
        t.after(() => other.close());
        const service = await recordingServer((req) =>
          req.url === "/elsewhere"
            ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ accessToken: "elsewhere-token" }) }
            : {
                status,
                headers: { location: where === "another origin" ? `${other.url}/identities/oauth2/token` : "/elsewhere", "content-type": "application/json", "x-amzn-requestid": `redirect-${status}` },
                body: JSON.stringify({ message: "moved" }),
              },
        );
        t.after(() => service.close());
        const { sdk, ours } = await bothSides(service.url, GetResourceOauth2TokenCommand, "getResourceOauth2Token", input);
        assert.ok(sdk.err && ours.err, "both sides fail");
        assert.deepEqual(errorView(ours.err), errorView(sdk.err));
        assert.deepEqual(errorView(ours.err), { name: "Unknown", $fault: "client", $metadata: { httpStatusCode: status, requestId: `redirect-${status}`, attempts: 1, totalRetryDelay: 0 } });
        assert.deepEqual(service.requests.map((r) => r.path), ["/identities/oauth2/token", "/identities/oauth2/token"], "one request per side, none to the location");
        assert.deepEqual(other.requests, []);
      });
    }
  }

  const idHeaders = [
    { "x-amzn-requestid": "a", "x-amzn-request-id": "b", "x-amz-request-id": "c" },
    { "x-amzn-request-id": "b", "x-amz-request-id": "c", "x-amz-id-2": "ext-2" },
    { "x-amz-request-id": "c", "x-amz-id-2": "ext-2", "x-amz-cf-id": "cf-3" },
  ];
  for (const headers of idHeaders) {
    for (const status of [200, 404]) {
      test(`$metadata from ${Object.keys(headers).join(", ")} on an HTTP ${status}`, async (t) => {
        const server = await recordingServer(() => ({
          status,
          headers: { "content-type": "application/json", ...headers, ...(status === 404 ? { "x-amzn-errortype": "ResourceNotFoundException" } : {}) },
          body: JSON.stringify(status === 200 ? { accessToken: "t" } : { message: "no such provider" }),
        }));
        t.after(() => server.close());
        const { sdk, ours } = await bothSides(server.url, GetResourceOauth2TokenCommand, "getResourceOauth2Token", input);
        assert.deepEqual(plain((ours.out ?? ours.err).$metadata), plain((sdk.out ?? sdk.err).$metadata));
        assert.equal((ours.out ?? ours.err).$metadata.requestId, headers["x-amzn-requestid"] ?? headers["x-amzn-request-id"] ?? headers["x-amz-request-id"]);
      });
    }
  }

  const paymentInput = {
    workloadIdentityToken: "differential-workload-token",
    resourceCredentialProviderName: "differential-provider",
    paymentTokenRequest: { coinbaseCdpTokenRequest: { requestMethod: "GET", requestHost: "api.cdp.coinbase.com", requestPath: "/platform/v1/x" } },
  };
  for (const [what, union] of [
    ["an unknown member", { newKindTokenResponse: { token: "x", n: [1, 2] } }],
    ["an unknown member beside a known one", { newKind: "x", coinbaseCdpTokenResponse: { bearerToken: "b" } }],
    ["two unknown members", { newKind: "x", otherKind: "y" }],
    ["a null known member and an unknown one", { coinbaseCdpTokenResponse: null, newKind: "x" }],
    ["an unknown member holding nulls", { newKind: { a: null, b: [null, 1] } }],
    ["an unknown member that is null", { newKind: null }],
  ]) {
    test(`a payment token reply with ${what}`, async (t) => {
      const server = await recordingServer(() => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ paymentTokenResponse: union }) }));
      t.after(() => server.close());
      const { sdk, ours } = await bothSides(server.url, GetResourcePaymentTokenCommand, "getResourcePaymentToken", paymentInput);
      assert.ok(sdk.out && ours.out, `both succeed: ${sdk.err ?? ours.err}`);
      assert.deepEqual(ours.out.paymentTokenResponse, sdk.out.paymentTokenResponse);
    });
  }
});

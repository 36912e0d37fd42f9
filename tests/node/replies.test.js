// Replies read as the AWS SDK reads them, and checked where the caller acts on them: $metadata's
// request ids, a union member the model does not know, the 1 MiB cap counted on the decoded body as
// it streams, the authorization URL and session URI, and a credentials provider bounded by
// requestTimeoutMs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pkg, rejection } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const oauth2Input = { workloadIdentityToken: "replies-workload-token", resourceCredentialProviderName: "replies-provider", scopes: ["read"], oauth2Flow: "M2M" };
const paymentInput = {
  workloadIdentityToken: "replies-workload-token",
  resourceCredentialProviderName: "replies-provider",
  paymentTokenRequest: { coinbaseCdpTokenRequest: { requestMethod: "GET", requestHost: "api.cdp.coinbase.com", requestPath: "/platform/v1/x" } },
};

/** A client whose `fetch` answers every request with `reply()`; `calls` counts them. */
function clientAnswering(/** @type {() => Response | Promise<Response>} */ reply, extra = {}) {
  const state = { calls: 0 };
  const client = new pkg.AgentCoreIdentityClient({
    region: "us-east-1",
    credentials,
    maxAttempts: 1,
    fetch: async () => {
      state.calls++;
      return reply();
    },
    ...extra,
  });
  return { client, state };
}

const json = (/** @type {unknown} */ body, /** @type {Record<string, string>} */ headers = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("$metadata", () => {
  test("requestId falls back to x-amzn-request-id, then x-amz-request-id; extendedRequestId and cfId when present", async () => {
    const cases = [
      [{ "x-amzn-requestid": "a", "x-amzn-request-id": "b", "x-amz-request-id": "c" }, { requestId: "a" }],
      [{ "x-amzn-request-id": "b", "x-amz-request-id": "c" }, { requestId: "b" }],
      [{ "x-amz-request-id": "c", "x-amz-id-2": "ext", "x-amz-cf-id": "cf" }, { requestId: "c", extendedRequestId: "ext", cfId: "cf" }],
      [{}, {}],
    ];
    for (const [headers, ids] of cases) {
      const { client } = clientAnswering(() => json({ accessToken: "t" }, headers));
      const out = await client.getResourceOauth2Token(oauth2Input);
      assert.deepEqual(out.$metadata, { httpStatusCode: 200, ...ids, attempts: 1, totalRetryDelay: 0 }, JSON.stringify(headers));
      // The same on an error reply.
      const failing = clientAnswering(() => json({ message: "no" }, { ...headers, "x-amzn-errortype": "ResourceNotFoundException" }, 404)).client;
      const err = await rejection(failing.getResourceOauth2Token(oauth2Input));
      assert.deepEqual(err.$metadata, { httpStatusCode: 404, ...ids, attempts: 1, totalRetryDelay: 0 });
    }
  });
});

describe("unions", () => {
  test("a union member unknown to the model comes back as { $unknown: [name, value] }", async () => {
    const { client } = clientAnswering(() => json({ paymentTokenResponse: { newKindTokenResponse: { token: "x", n: 1 } } }));
    const out = await client.getResourcePaymentToken(paymentInput);
    assert.deepEqual(out.paymentTokenResponse, { $unknown: ["newKindTokenResponse", { token: "x", n: 1 }] });
  });

  test("the unknown member's value is handed on as JSON.parse read it: nulls, and an own __proto__ key", async () => {
    const body = '{"paymentTokenResponse":{"newKind":{"a":null,"b":[null,1],"__proto__":{"polluted":true}}}}';
    const { client } = clientAnswering(() => new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
    const [name, value] = (await client.getResourcePaymentToken(paymentInput)).paymentTokenResponse.$unknown;
    assert.equal(name, "newKind");
    assert.deepEqual(value, JSON.parse(body).paymentTokenResponse.newKind);
    assert.equal(value.a, null);
    assert.deepEqual(value.b, [null, 1]);
    assert.ok(Object.hasOwn(value, "__proto__"), "an own __proto__ member");
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(/** @type {any} */ ({}).polluted, undefined);
    const nothing = clientAnswering(() => json({ paymentTokenResponse: { newKind: null } })).client;
    assert.deepEqual((await nothing.getResourcePaymentToken(paymentInput)).paymentTokenResponse, { $unknown: ["newKind", null] });
  });

  test("a known member, or two unknown ones: no $unknown, as the SDK reads them", async () => {
    const known = clientAnswering(() => json({ paymentTokenResponse: { newKind: 1, coinbaseCdpTokenResponse: { bearerToken: "b" } } })).client;
    assert.deepEqual((await known.getResourcePaymentToken(paymentInput)).paymentTokenResponse, { coinbaseCdpTokenResponse: { bearerToken: "b" } });
    const two = clientAnswering(() => json({ paymentTokenResponse: { a: 1, b: 2 } })).client;
    assert.deepEqual((await two.getResourcePaymentToken(paymentInput)).paymentTokenResponse, {});
  });
});

describe("the 1 MiB reply cap counts decoded bytes as they stream", () => {
  const MiB = 1024 * 1024;
  /** A 64 MiB body of JSON-ish text made as it is read; `pulled` counts the bytes handed out. */
  function endless() {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const state = { pulled: 0 };
    const stream = new ReadableStream({
      pull(controller) {
        if (state.pulled >= 64 * MiB) return controller.close();
        state.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return { stream, state };
  }
  for (const [what, headers] of [
    ["a content-length that lies (10)", { "content-length": "10" }],
    ["no content-length", {}],
    ["content-encoding: identity and a lying content-length", { "content-encoding": "identity", "content-length": "100" }],
  ]) {
    test(`${what}: a ResponseError, reading stops past 1 MiB`, async () => {
      const body = endless();
      const { client } = clientAnswering(() => new Response(body.stream, { status: 200, headers: { "content-type": "application/json", ...headers } }));
      const err = await rejection(client.getResourceOauth2Token(oauth2Input));
      assert.ok(err instanceof pkg.ResponseError, String(err));
      assert.match(err.message, /larger than 1048576 bytes/);
      assert.ok(body.state.pulled <= MiB + 2 * 64 * 1024, `read ${body.state.pulled} bytes`);
    });
  }

  test("a stream whose cancel never settles does not hold up the call at the cap", { timeout: 30_000 }, async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let cancelled = false;
    const stream = new ReadableStream({
      pull: (controller) => controller.enqueue(chunk),
      cancel: () => {
        cancelled = true;
        return new Promise(() => {});
      },
    });
    const { client } = clientAnswering(() => new Response(stream, { status: 200 }));
    const err = await rejection(client.getResourceOauth2Token(oauth2Input));
    assert.ok(err instanceof pkg.ResponseError, String(err));
    assert.match(err.message, /larger than 1048576 bytes/);
    assert.ok(cancelled, "the stream was cancelled");
  });

  test("a body within the cap with a content-length that understates it is read whole", async () => {
    const text = JSON.stringify({ accessToken: "a".repeat(200_000) });
    const { client } = clientAnswering(() => new Response(new Blob([text]).stream(), { status: 200, headers: { "content-length": "5" } }));
    const out = await client.getResourceOauth2Token(oauth2Input);
    assert.equal(out.accessToken.length, 200_000);
  });

  test("a multi-byte body is counted in bytes, not characters", async () => {
    // 600,000 three-byte characters: 1.8 MB decoded, 600,000 UTF-16 units.
    const text = JSON.stringify({ accessToken: "€".repeat(600_000) });
    const { client } = clientAnswering(() => new Response(new Blob([text]).stream(), { status: 200 }));
    const err = await rejection(client.getResourceOauth2Token(oauth2Input));
    assert.ok(err instanceof pkg.ResponseError, String(err));
    assert.match(err.message, /larger than 1048576 bytes/);
  });
});

describe("authorizationUrl and sessionUri are checked before anyone acts on them", () => {
  const session = "urn:ietf:params:oauth:request_uri:replies-session";
  for (const url of ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "http://signin.example.com/authorize", "https://aws.amazon.com@evil.example/", "//evil.example/x"]) {
    test(`authorizationUrl ${JSON.stringify(url.slice(0, 24))}: a ResponseError, onAuthorizationUrl never called, the URL in no message`, async () => {
      const { client } = clientAnswering(() => json({ authorizationUrl: url, sessionUri: session, sessionStatus: "IN_PROGRESS" }));
      const err = await rejection(client.getResourceOauth2Token(oauth2Input));
      assert.ok(err instanceof pkg.ResponseError, String(err));
      assert.equal(err.message, "reply member authorizationUrl is not an https URL (or http on a loopback host) without user info");
      assert.ok(!String(err.stack).includes(url));
      let called = 0;
      const flow = await rejection(client.getResourceOauth2TokenOrAuthorize(oauth2Input, { onAuthorizationUrl: () => void called++ }));
      assert.ok(flow instanceof pkg.ResponseError, String(flow));
      assert.equal(called, 0);
    });
  }

  test("an https URL, and http on a loopback host, are handed to onAuthorizationUrl", async () => {
    for (const url of ["https://signin.example.com/authorize?x=1", "http://127.0.0.1:8787/consent"]) {
      let n = 0;
      const { client } = clientAnswering(() => (n++ === 0 ? json({ authorizationUrl: url, sessionUri: session }) : json({ accessToken: "t" })));
      /** @type {string[]} */
      const seen = [];
      const out = await client.getResourceOauth2TokenOrAuthorize(oauth2Input, { onAuthorizationUrl: (u) => void seen.push(u), pollIntervalMs: 10 });
      assert.equal(out.accessToken, "t");
      assert.deepEqual(seen, [url]);
    }
  });

  for (const bad of ["https://evil.example/session", "urn:ietf:params:oauth:request_uri:a b", "urn:ietf:params:oauth:request_uri:"]) {
    test(`sessionUri ${JSON.stringify(bad)}: a ResponseError`, async () => {
      const { client } = clientAnswering(() => json({ authorizationUrl: "https://signin.example.com/a", sessionUri: bad }));
      const err = await rejection(client.getResourceOauth2Token(oauth2Input));
      assert.ok(err instanceof pkg.ResponseError, String(err));
      assert.match(err.message, /^reply member sessionUri is not a RequestUri/);
    });
  }
});

describe("a credentials provider that never answers", () => {
  test("is bounded by requestTimeoutMs: a CredentialsProviderError, no request sent", async () => {
    const { client, state } = clientAnswering(() => json({ accessToken: "t" }), { credentials: () => new Promise(() => {}), requestTimeoutMs: 50 });
    const err = await rejection(client.getResourceOauth2Token(oauth2Input));
    assert.ok(err instanceof pkg.CredentialsProviderError, String(err));
    assert.equal(err.message, "the credentials provider did not answer within requestTimeoutMs (50 ms)");
    assert.equal(state.calls, 0);
    // A later call asks the provider again, and is bounded the same way.
    const again = await rejection(client.getResourceOauth2Token(oauth2Input));
    assert.ok(again instanceof pkg.CredentialsProviderError, String(again));
  });

  test("an answer within requestTimeoutMs is used", async () => {
    const { client, state } = clientAnswering(() => json({ accessToken: "t" }), { credentials: async () => credentials, requestTimeoutMs: 5000 });
    assert.equal((await client.getResourceOauth2Token(oauth2Input)).accessToken, "t");
    assert.equal(state.calls, 1);
  });
});

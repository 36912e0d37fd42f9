// SigV4 verification: the AWS SDK's requests are accepted, tampered/unsigned/skewed ones are refused the AWS way.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { amzDate, client, sdk, sdkError, signedFetch, start, UUID_RE, WORKLOAD } from "./helpers.js";

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const PATH = "/identities/GetWorkloadAccessToken";
const BODY = { workloadName: WORKLOAD };

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

async function expectAuthError(res, status, code, message) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("x-amzn-errortype"), code);
  assert.match(res.headers.get("x-amzn-requestid"), UUID_RE);
  assert.ok(res.headers.get("date"), "Date header present");
  assert.equal(res.headers.get("content-type"), "application/json");
  const body = await res.json();
  if (message instanceof RegExp) assert.match(body.message, message);
  else assert.equal(body.message, message);
  return body;
}

describe("signature acceptance", () => {
  test("the AWS SDK's signed request is accepted and logged as valid", async () => {
    emu.clearRequests();
    const out = await c.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.$metadata.requestId, UUID_RE);
    assert.equal(typeof out.workloadAccessToken, "string");
    assert.ok(out.workloadAccessToken.length > 40);
    const [entry] = emu.requests();
    assert.equal(entry.operation, "GetWorkloadAccessToken");
    assert.equal(entry.requestId, out.$metadata.requestId);
    assert.deepEqual(entry.signature, { valid: true, accessKeyId: "AKIAEMULATOR00000001" });
    assert.match(entry.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000001\/\d{8}\/us-east-1\/bedrock-agentcore\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date/);
    assert.deepEqual(entry.body, BODY);
  });

  test("a raw request signed independently (smithy signer + sha256-js) is accepted, in any region", async () => {
    const res = await signedFetch(emu, PATH, BODY, { region: "eu-west-3" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.match(res.headers.get("x-amzn-requestid"), UUID_RE);
    assert.equal(res.headers.get("x-amzn-errortype"), null);
    const body = await res.json();
    assert.equal(typeof body.workloadAccessToken, "string");
  });

  test("signatures from 4 minutes in the past and future are still within the allowed skew", async () => {
    for (const delta of [-4 * 60_000, 4 * 60_000]) {
      const res = await signedFetch(emu, PATH, BODY, { signingDate: new Date(Date.now() + delta) });
      assert.equal(res.status, 200, `delta ${delta}`);
      await res.arrayBuffer();
    }
  });
});

describe("signature rejection", () => {
  test("body changed after signing -> InvalidSignatureException", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      tamper: ({ headers }) => {
        const { "x-amz-content-sha256": _drop, ...rest } = headers;
        void _drop;
        const auth = rest.authorization.replace("x-amz-content-sha256;", "");
        return { headers: { ...rest, authorization: auth }, body: JSON.stringify({ workloadName: "demo-workloae" }) };
      },
    });
    await expectAuthError(res, 403, "InvalidSignatureException", MISMATCH);
  });

  test("signed x-amz-content-sha256 that does not match the body is refused", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      tamper: ({ headers }) => ({ headers, body: JSON.stringify({ workloadName: "other-workload" }) }),
    });
    await expectAuthError(res, 403, "InvalidSignatureException", /x-amz-content-sha256/);
  });

  test("wrong secret key -> InvalidSignatureException; via the SDK too", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    await expectAuthError(res, 403, "InvalidSignatureException", MISMATCH);

    const bad = client(emu, { credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: "nope" } });
    const err = await sdkError(bad.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD })));
    bad.destroy();
    assert.equal(err.name, "InvalidSignatureException");
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.match(err.$metadata.requestId, UUID_RE);
    assert.equal(err.message, MISMATCH);
  });

  test("a header changed after signing -> InvalidSignatureException", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      headers: { "x-custom": "a" },
      tamper: ({ headers, body }) => ({ headers: { ...headers, "x-custom": "b" }, body }),
    });
    await expectAuthError(res, 403, "InvalidSignatureException", MISMATCH);
  });

  test("a signed header that is not sent -> InvalidSignatureException", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      headers: { "x-custom": "a" },
      tamper: ({ headers, body }) => {
        const { "x-custom": _x, ...rest } = headers;
        void _x;
        return { headers: rest, body };
      },
    });
    await expectAuthError(res, 403, "InvalidSignatureException", MISMATCH);
  });

  test("unknown access key -> UnrecognizedClientException", async () => {
    const res = await signedFetch(emu, PATH, BODY, {
      credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" },
    });
    await expectAuthError(res, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    const log = emu.requests().at(-1);
    assert.equal(log.signature.valid, false);
    assert.equal(log.signature.code, "UnrecognizedClientException");
  });

  test("missing Authorization -> MissingAuthenticationTokenException", async () => {
    const res = await fetch(new URL(PATH, emu.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(BODY),
    });
    await expectAuthError(res, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  });

  test("signed for another service -> InvalidSignatureException naming the right one", async () => {
    const res = await signedFetch(emu, PATH, BODY, { service: "bedrock" });
    await expectAuthError(res, 403, "InvalidSignatureException", /Credential should be scoped to correct service: 'bedrock-agentcore'/);
  });

  test("host not among the signed headers -> IncompleteSignatureException", async () => {
    const res = await signedFetch(emu, PATH, BODY, { signOptions: { unsignableHeaders: new Set(["host"]) } });
    await expectAuthError(res, 403, "IncompleteSignatureException", /'Host' or ':authority' must be a 'SignedHeader'/);
  });

  test("malformed Authorization header -> IncompleteSignatureException", async () => {
    const res = await fetch(new URL(PATH, emu.url), {
      method: "POST",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000001/20240101/us-east-1/bedrock-agentcore/aws4_request" },
      body: JSON.stringify(BODY),
    });
    await expectAuthError(res, 403, "IncompleteSignatureException", /requires 'Signature' parameter/);
  });

  test("signature from 10 minutes ago -> 'Signature expired' with the AWS wording and a Date header", async () => {
    const signingDate = new Date(Date.now() - 10 * 60_000);
    const res = await signedFetch(emu, PATH, BODY, { signingDate });
    const body = await expectAuthError(res, 403, "InvalidSignatureException", /^Signature expired: /);
    const m = /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$/.exec(body.message);
    assert.ok(m, body.message);
    assert.equal(m[1], amzDate(signingDate));
    const parse = (s) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
    assert.equal(parse(m[3]) - parse(m[2]), 5 * 60_000);
    const serverDate = Date.parse(res.headers.get("date"));
    assert.ok(Math.abs(parse(m[3]) - serverDate) <= 2000, "server time in the message matches the Date header");
  });

  test("signature from 10 minutes in the future -> 'Signature not yet current'", async () => {
    const signingDate = new Date(Date.now() + 10 * 60_000);
    const res = await signedFetch(emu, PATH, BODY, { signingDate });
    const body = await expectAuthError(res, 403, "InvalidSignatureException", /^Signature not yet current: /);
    const m = /^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 5 min\.\)$/.exec(body.message);
    assert.ok(m, body.message);
    assert.equal(m[1], amzDate(signingDate));
    assert.ok(m[2] > m[3]);
  });

  test("the SDK corrects its clock from the Date header after a skew error", async () => {
    const skewed = client(emu, { systemClockOffset: -20 * 60_000 });
    const err = await sdkError(skewed.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD })));
    assert.equal(err.name, "InvalidSignatureException");
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.match(err.message, /^Signature expired/);
    // The SDK read the Date header and fixed its offset: the next call goes through.
    assert.ok(Math.abs(skewed.config.systemClockOffset) < 60_000, `offset now ${skewed.config.systemClockOffset}`);
    const ok = await skewed.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    skewed.destroy();
  });
});

describe("routing and reply headers", () => {
  test("unknown path -> 404 UnknownOperationException; wrong method -> 405 JSON", async () => {
    const res = await signedFetch(emu, "/identities/NoSuchThing", BODY);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amzn-errortype"), "UnknownOperationException");
    assert.match(res.headers.get("x-amzn-requestid"), UUID_RE);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(typeof (await res.json()).message, "string");

    const get = await fetch(new URL(PATH, emu.url));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("x-amzn-errortype"), "MethodNotAllowedException");
    assert.match(get.headers.get("allow"), /POST/);
    assert.match((await get.json()).message, /use POST/);
  });

  test("a body over the size limit -> 413 before anything else", async () => {
    const small = await start({ config: { maxBodyBytes: 1024 } });
    try {
      const res = await signedFetch(small, PATH, { workloadName: WORKLOAD, pad: "x".repeat(2000) });
      assert.equal(res.status, 413);
      assert.equal(res.headers.get("x-amzn-errortype"), "RequestEntityTooLargeException");
      await res.text();
      const ok = await signedFetch(small, PATH, BODY);
      assert.equal(ok.status, 200);
      await ok.text();
    } finally {
      await small.close();
    }
  });

  test("every reply has a fresh request id", async () => {
    const a = await signedFetch(emu, PATH, BODY);
    const b = await signedFetch(emu, PATH, BODY);
    await a.arrayBuffer();
    await b.arrayBuffer();
    assert.notEqual(a.headers.get("x-amzn-requestid"), b.headers.get("x-amzn-requestid"));
  });
});

describe("credentials with a session token", () => {
  let temp;
  const creds = {
    accessKeyId: "ASIAEMULATOR00000002",
    secretAccessKey: "temporary-secret",
    sessionToken: "emulator-session-token-123",
  };
  before(async () => {
    temp = await start({ config: { credentials: [creds] } });
  });
  after(() => temp.close());

  test("the SDK with the session token is accepted; the token is redacted in the log", async () => {
    const tc = client(temp, { credentials: creds });
    const out = await tc.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }));
    tc.destroy();
    assert.equal(out.$metadata.httpStatusCode, 200);
    const entry = temp.requests().at(-1);
    assert.equal(entry.headers["x-amz-security-token"], "<redacted>");
    assert.match(entry.headers.authorization, /x-amz-security-token/);
  });

  test("missing or different session token -> UnrecognizedClientException", async () => {
    const noToken = await signedFetch(temp, PATH, BODY, {
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    });
    await expectAuthError(noToken, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    const wrong = await signedFetch(temp, PATH, BODY, { credentials: { ...creds, sessionToken: "other-token" } });
    await expectAuthError(wrong, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  });

  test("session token sent but not signed -> InvalidSignatureException", async () => {
    const res = await signedFetch(temp, PATH, BODY, {
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
      tamper: ({ headers, body }) => ({ headers: { ...headers, "x-amz-security-token": creds.sessionToken }, body }),
    });
    await expectAuthError(res, 403, "InvalidSignatureException", MISMATCH);
  });
});

// The client against the emulator: replies, errors, and requests identical to the AWS SDK's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
import { clientFor, dataPlane, emulator, m2mInput, pkg, rejection, RETURN_URL, workloadToken } from "./helpers.js";

test("M2M: a token, with $metadata", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const wit = await workloadToken(client, null);
  const out = await client.getResourceOauth2Token(m2mInput(wit));
  assert.match(out.accessToken, /^\S{16,}$/);
  assert.deepEqual(Object.keys(out).sort(), ["$metadata", "accessToken"]);
  const last = dataPlane(emu).at(-1);
  assert.deepEqual(out.$metadata, { httpStatusCode: 200, requestId: last.requestId, attempts: 1, totalRetryDelay: 0 });
  assert.deepEqual(last.signature, { valid: true, accessKeyId: emu.credentials.accessKeyId });
});

test("the one-call form", async (t) => {
  const emu = await emulator(t);
  const wit = await workloadToken(clientFor(emu), null);
  const out = await pkg.getResourceOauth2Token(m2mInput(wit), { region: "us-east-1", endpoint: emu.url, credentials: emu.credentials });
  assert.equal(typeof out.accessToken, "string");
});

test("USER_FEDERATION: an authorization URL and an IN_PROGRESS session", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const wit = await workloadToken(client, "alice");
  const out = await client.getResourceOauth2Token({
    workloadIdentityToken: wit,
    resourceCredentialProviderName: "demo-user-provider",
    scopes: ["profile"],
    oauth2Flow: "USER_FEDERATION",
    resourceOauth2ReturnUrl: RETURN_URL,
    customState: "opaque-state",
  });
  assert.equal(out.sessionStatus, "IN_PROGRESS");
  assert.match(out.sessionUri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9._~-]+$/);
  assert.ok(out.authorizationUrl.startsWith(`${emu.url}/`));
  assert.equal(out.accessToken, undefined);
});

test("the wire request equals the AWS SDK's for the same input", async (t) => {
  for (const sessionToken of [undefined, "FwoGZXIvYXdzEXAMPLE/+="]) {
    const credentials = { accessKeyId: "AKIAWIRECOMPARE00001", secretAccessKey: "wire-compare-secret", ...(sessionToken && { sessionToken }) };
    const emu = await emulator(t, { config: { credentials: [credentials] } });
    const ours = clientFor(emu);
    const wit = await workloadToken(ours, "alice");
    const input = {
      workloadIdentityToken: wit,
      resourceCredentialProviderName: "demo-user-provider",
      scopes: ["profile", "email"],
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: RETURN_URL,
      customParameters: { prompt: "consent", "login_hint.v2": "alice@example.com" },
      customState: "state-é-☃",
      forceAuthentication: true,
      resources: ["https://api.example.com/"],
      audiences: ["https://aud.example.com"],
    };
    emu.clearRequests();
    await ours.getResourceOauth2Token(input);
    const sdk = new BedrockAgentCoreClient({ region: "us-east-1", endpoint: emu.url, credentials, maxAttempts: 1 });
    await sdk.send(new GetResourceOauth2TokenCommand(input));
    const [a, b] = dataPlane(emu);
    assert.equal(a.method, b.method);
    assert.equal(a.path, b.path);
    assert.equal(a.path, "/identities/oauth2/token");
    assert.deepEqual(a.body, b.body, "same JSON body");
    assert.equal(a.bodyBytes, b.bodyBytes, "same body bytes");
    assert.equal(a.headers["content-type"], b.headers["content-type"]);
    assert.equal(a.headers.host, b.headers.host);
    assert.equal("x-amz-security-token" in a.headers, Boolean(sessionToken));
    assert.equal("x-amz-security-token" in b.headers, Boolean(sessionToken));
    for (const r of [a, b]) {
      assert.equal(r.status, 200, `${r.requestId} accepted`);
      assert.equal(r.signature.valid, true);
    }
    const signed = (r) => /SignedHeaders=([^,]+)/.exec(r.headers.authorization)?.[1].split(";");
    const expected = ["amz-sdk-invocation-id", "amz-sdk-request", "content-length", "content-type", "host", "x-amz-content-sha256", "x-amz-date"];
    assert.deepEqual(signed(a), [...expected, ...(sessionToken ? ["x-amz-security-token"] : []), "x-amz-user-agent"]);
    assert.deepEqual(signed(a), signed(b), "the SDK signs the same headers");
    assert.equal(a.headers["x-amz-content-sha256"], b.headers["x-amz-content-sha256"]);
    assert.match(a.headers["amz-sdk-invocation-id"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a.headers["amz-sdk-request"], "attempt=1; max=3");
    assert.equal(b.headers["amz-sdk-request"], "attempt=1; max=1");
    assert.match(a.headers["x-amz-user-agent"], /^agentcore-identity-edge\/\d+\.\d+\.\d+\S* ua\/2\.1 lang\/js md\/\S+$/);
  }
});

test("amz-sdk-invocation-id is one UUID per call, the same on every attempt of it", async () => {
  const seen = [];
  let n = 0;
  const fetch = async (_u, init) => {
    seen.push(init.headers);
    return ++n % 2 === 1 ? new Response('{"message":"busy"}', { status: 500 }) : new Response('{"accessToken":"t"}', { status: 200 });
  };
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 2, fetch });
  const input = { workloadIdentityToken: "w", resourceCredentialProviderName: "p", scopes: ["s"], oauth2Flow: "M2M" };
  await client.getResourceOauth2Token(input);
  await client.getResourceOauth2Token(input);
  const ids = seen.map((h) => h["amz-sdk-invocation-id"]);
  assert.deepEqual(seen.map((h) => h["amz-sdk-request"]), ["attempt=1; max=2", "attempt=2; max=2", "attempt=1; max=2", "attempt=2; max=2"]);
  assert.equal(ids[0], ids[1], "a retry keeps the call's id");
  assert.equal(ids[2], ids[3]);
  assert.notEqual(ids[0], ids[2], "each call has its own id");
});

test("bad input is refused before the network, naming every field", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  emu.clearRequests();
  const err = await rejection(
    client.getResourceOauth2Token({
      workloadIdentityTokne: "x",
      resourceCredentialProviderName: "bad name",
      scopes: ["ok", ""],
      oauth2Flow: "M2M",
      customParameters: { "bad key!": "v" },
    }),
  );
  assert.ok(err instanceof pkg.ParamValidationError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "ParamValidationError");
  assert.deepEqual(
    err.issues.map((i) => i.path),
    ["workloadIdentityTokne", "workloadIdentityToken", "resourceCredentialProviderName", "scopes[1]", 'customParameters["bad key!"]'],
  );
  for (const path of ["workloadIdentityTokne", "scopes[1]", 'customParameters["bad key!"]', "resourceCredentialProviderName"]) {
    assert.ok(err.message.includes(path), `message names ${path}`);
  }
  assert.match(err.message, /did you mean workloadIdentityToken\?/);
  assert.equal(dataPlane(emu).length, 0, "nothing was sent");
  for (const input of [undefined, null, "x", [1], { toJSON() { throw new Error("no"); } }]) {
    const e = await rejection(client.getResourceOauth2Token(/** @type {any} */ (input)));
    assert.ok(e instanceof pkg.ParamValidationError, String(input));
  }
  assert.equal(dataPlane(emu).length, 0);
});

test("every modeled error becomes its class, with the service's message and metadata", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu, { maxAttempts: 1 });
  const wit = await workloadToken(client, null);
  const cases = [
    [400, "ValidationException", pkg.ValidationException, "client"],
    [401, "UnauthorizedException", pkg.UnauthorizedException, "client"],
    [403, "AccessDeniedException", pkg.AccessDeniedException, "client"],
    [404, "ResourceNotFoundException", pkg.ResourceNotFoundException, "client"],
    [429, "ThrottlingException", pkg.ThrottlingException, "client"],
    [500, "InternalServerException", pkg.InternalServerException, "server"],
  ];
  for (const [status, code, Class, fault] of cases) {
    emu.setFaults({ failNext: [{ status, code, message: `injected ${code}` }] });
    const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
    assert.ok(err instanceof Class, code);
    assert.ok(err instanceof pkg.AgentCoreServiceException);
    assert.ok(err instanceof Error);
    assert.equal(err.name, code);
    assert.equal(err.message, `injected ${code}`);
    assert.equal(err.$fault, fault);
    assert.equal(err.$metadata.httpStatusCode, status);
    assert.equal(err.$metadata.requestId, dataPlane(emu).at(-1).requestId);
    assert.equal(err.$metadata.attempts, 1);
    assert.deepEqual(err.$retryable, status === 429 ? { throttling: true } : status === 500 ? { throttling: false } : undefined);
  }
});

test("ValidationException from the service keeps reason and fieldList", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu, { maxAttempts: 1 });
  const wit = await workloadToken(client, "alice");
  const err = await rejection(
    client.getResourceOauth2Token({
      workloadIdentityToken: wit,
      resourceCredentialProviderName: "demo-user-provider",
      scopes: ["profile"],
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: "https://evil.example.com/callback",
    }),
  );
  assert.ok(err instanceof pkg.ValidationException);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.match(err.message, /return URL|not registered|resourceOauth2ReturnUrl/i);
  assert.equal(typeof err.reason, "string");
});

test("real service errors: unknown provider, unmodeled codes, bad signature", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu, { maxAttempts: 1 });
  const wit = await workloadToken(client, null);
  const notFound = await rejection(client.getResourceOauth2Token({ ...m2mInput(wit), resourceCredentialProviderName: "no-such-provider" }));
  assert.ok(notFound instanceof pkg.ResourceNotFoundException);

  emu.setFaults({ failNext: [{ status: 403, code: "ExpiredTokenException", message: "The security token included in the request is expired" }] });
  const expired = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.equal(expired.name, "ExpiredTokenException");
  assert.equal(expired.constructor, pkg.AgentCoreServiceException);
  assert.equal(expired.message, "The security token included in the request is expired");

  const forged = clientFor(emu, { maxAttempts: 1, credentials: { ...emu.credentials, secretAccessKey: "not-the-secret" } });
  const bad = await rejection(forged.getResourceOauth2Token(m2mInput(wit)));
  assert.equal(bad.name, "InvalidSignatureException");
  assert.ok(bad instanceof pkg.AgentCoreServiceException);
  assert.equal(bad.$metadata.httpStatusCode, 403);
  assert.ok(!String(bad).includes("not-the-secret"));

  const unknownKey = clientFor(emu, { maxAttempts: 1, credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" } });
  assert.equal((await rejection(unknownKey.getResourceOauth2Token(m2mInput(wit)))).name, "UnrecognizedClientException");
});

test("an HTML 502 from a proxy gives a ResponseError with the status, as the SDK fails to parse it", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu, { maxAttempts: 1 });
  const wit = await workloadToken(client, null);
  emu.setFaults({ failNext: [{ status: 502, htmlBody: true }] });
  const err = await rejection(client.getResourceOauth2Token(m2mInput(wit)));
  assert.ok(err instanceof pkg.ResponseError);
  assert.equal(err.$metadata.httpStatusCode, 502);
  assert.match(err.message, /HTTP 502/);
  // A code-less JSON error is a service error named as the SDK names it.
  const fetch = async () => new Response("{}", { status: 500 });
  const unknown = await rejection(clientFor(emu, { maxAttempts: 1, fetch }).getResourceOauth2Token(m2mInput(wit)));
  assert.ok(unknown instanceof pkg.AgentCoreServiceException);
  assert.equal(unknown.name, "Unknown");
  assert.equal(unknown.$fault, "server");
});

test("connection refused: NetworkError with the host's error as cause, after every attempt", async (t) => {
  const emu = await emulator(t);
  const url = emu.url;
  await emu.close();
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: url, credentials: { accessKeyId: "AKID", secretAccessKey: "s" }, maxAttempts: 2 });
  const err = await rejection(client.getResourceOauth2Token(m2mInput("wit")));
  assert.ok(err instanceof pkg.NetworkError);
  assert.equal(err.name, "NetworkError");
  assert.ok(err.cause instanceof Error, "cause is the host's error");
  assert.equal(err.$metadata.attempts, 2);
  assert.ok(err.$metadata.totalRetryDelay >= 0);
});

test("configuration errors reject the first call", async () => {
  const cases = [
    [{ credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /Missing Region/],
    [{ region: "us-east-1", endpoint: "http://127.0.0.1:1", useFipsEndpoint: true, credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /FIPS and custom endpoint/],
    [{ region: "us-east-1", credentials: { accessKeyId: "a" } }, /secretAccessKey/],
    [{ region: "us-east-1", maxAttempts: 0, credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /maxAttempts/],
    [{ region: "us-east-1", maxAttempts: 101, credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /maxAttempts/],
    [{ region: "us-east-1", requestTimeoutMs: 0, credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /requestTimeoutMs/],
    [{ region: "us-east-1", requestTimeoutMs: 3_600_001, credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /requestTimeoutMs/],
    [{ region: "us-east-1", userAgentAppId: "a".repeat(51), credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /userAgentAppId/],
    [{ region: "us-east-1", credentials: { accessKeyId: "", secretAccessKey: "b" } }, /accessKeyId/],
    [{ region: "us-east-1", credentials: { accessKeyId: null, secretAccessKey: "b" } }, /accessKeyId/],
    [{ region: "us-east-1", endpoint: "ftp://x", credentials: { accessKeyId: "a", secretAccessKey: "b" } }, /endpoint/],
  ];
  for (const [config, re] of cases) {
    // Wrong types and endpoints are refused by the constructor, the rest by the first call.
    const err = await rejection((async () => new pkg.AgentCoreIdentityClient(/** @type {any} */ (config)).getResourceOauth2Token(m2mInput("w")))());
    assert.ok(err instanceof pkg.ConfigurationError, String(re));
    assert.match(err.message, re);
  }
  assert.throws(() => new pkg.AgentCoreIdentityClient(/** @type {any} */ (undefined)), pkg.ConfigurationError);
});

test("regional endpoints are resolved for the request URL", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push([url, init.headers.authorization]);
    return new Response('{"accessToken":"t"}', { status: 200, headers: { "x-amzn-requestid": "r" } });
  };
  const creds = { accessKeyId: "AKID", secretAccessKey: "s" };
  for (const [config, url] of [
    [{ region: "us-east-1" }, "https://bedrock-agentcore.us-east-1.amazonaws.com/identities/oauth2/token"],
    [{ region: "us-west-2", useFipsEndpoint: true }, "https://bedrock-agentcore-fips.us-west-2.amazonaws.com/identities/oauth2/token"],
    [{ region: "eu-west-1", useDualstackEndpoint: true }, "https://bedrock-agentcore.eu-west-1.api.aws/identities/oauth2/token"],
    [{ region: "cn-north-1" }, "https://bedrock-agentcore.cn-north-1.amazonaws.com.cn/identities/oauth2/token"],
  ]) {
    const out = await new pkg.AgentCoreIdentityClient({ ...config, credentials: creds, fetch }).getResourceOauth2Token(m2mInput("w"));
    assert.equal(out.accessToken, "t");
    assert.equal(seen.at(-1)[0], url);
    assert.match(seen.at(-1)[1], new RegExp(`/${config.region}/bedrock-agentcore/aws4_request`));
  }
});

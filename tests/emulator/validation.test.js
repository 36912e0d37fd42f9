// Generic model validation: AWS restJson1 ValidationException for every kind of constraint in the model.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { client, jwt, RETURN_URL, sdk, sdkError, signedFetch, start, WORKLOAD, workloadToken } from "./helpers.js";

let emu;
let c;
let wat;
before(async () => {
  emu = await start();
  c = client(emu);
  wat = await workloadToken(c, "alice");
});
after(async () => {
  c.destroy();
  await emu.close();
});

/** Expects an SDK ValidationException; returns it. */
async function invalid(command) {
  const err = await sdkError(c.send(command));
  assert.equal(err.name, "ValidationException", err.message);
  assert.ok(err instanceof sdk.ValidationException);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.reason, "FieldValidationFailed");
  return err;
}

/** Expects a raw 400 ValidationException; returns the body. */
async function invalidRaw(path, body) {
  const res = await signedFetch(emu, path, body);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("x-amzn-errortype"), "ValidationException");
  assert.equal(res.headers.get("content-type"), "application/json");
  return res.json();
}

const oauth = (extra = {}) =>
  new sdk.GetResourceOauth2TokenCommand({
    workloadIdentityToken: wat,
    resourceCredentialProviderName: "demo-user-provider",
    scopes: ["openid"],
    oauth2Flow: "USER_FEDERATION",
    resourceOauth2ReturnUrl: RETURN_URL,
    ...extra,
  });

describe("model constraints, sent through the AWS SDK", () => {
  test("required member missing", async () => {
    const err = await invalid(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD }));
    assert.deepEqual(err.fieldList, [{ name: "userId", message: "Member must not be null" }]);
    assert.equal(err.message, "1 validation error detected: Value at 'userId' failed to satisfy constraint: Member must not be null");
  });

  test("string shorter than min / longer than max", async () => {
    let err = await invalid(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "ab" }));
    assert.deepEqual(err.fieldList, [{ name: "workloadName", message: "Member must have length greater than or equal to 3" }]);
    assert.match(err.message, /Value 'ab' at 'workloadName'/);
    err = await invalid(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId: "u".repeat(129) }));
    assert.deepEqual(err.fieldList, [{ name: "userId", message: "Member must have length less than or equal to 128" }]);
  });

  test("lengths count Unicode code points, not UTF-16 units or bytes", async () => {
    // 128 emoji = 256 UTF-16 units = 512 bytes, but 128 code points: accepted (max 128).
    const ok = await c.send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId: "😀".repeat(128) }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    const err = await invalid(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId: "😀".repeat(129) }));
    assert.equal(err.fieldList[0].name, "userId");
  });

  test("patterns must match the whole value", async () => {
    let err = await invalid(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "bad name" }));
    assert.deepEqual(err.fieldList, [
      { name: "workloadName", message: "Member must satisfy regular expression pattern: [A-Za-z0-9_.-]+" },
    ]);
    // A prefix matches the pattern, the whole value does not.
    err = await invalid(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "demo-workload!" }));
    assert.equal(err.fieldList[0].name, "workloadName");
    err = await invalid(oauth({ resourceCredentialProviderName: "demo user provider" }));
    assert.equal(err.fieldList[0].name, "resourceCredentialProviderName");
  });

  test("sessionUri must be a request_uri URN", async () => {
    let err = await invalid(oauth({ sessionUri: "https://example.com/session/1" }));
    assert.deepEqual(err.fieldList, [
      { name: "sessionUri", message: "Member must satisfy regular expression pattern: urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+" },
    ]);
    err = await invalid(oauth({ sessionUri: "urn:ietf:params:oauth:request_uri:abc/def" }));
    assert.equal(err.fieldList[0].name, "sessionUri");
    err = await invalid(
      new sdk.CompleteResourceTokenAuthCommand({ sessionUri: "urn:ietf:params:oauth:request_uri:", userIdentifier: { userId: "alice" } }),
    );
    assert.equal(err.fieldList[0].name, "sessionUri");
  });

  test("return URL pattern", async () => {
    const err = await invalid(oauth({ resourceOauth2ReturnUrl: "not a url" }));
    assert.deepEqual(err.fieldList, [
      { name: "resourceOauth2ReturnUrl", message: "Member must satisfy regular expression pattern: \\w+:(\\/?\\/?)[^\\s]+" },
    ]);
  });

  test("enum", async () => {
    const err = await invalid(oauth({ oauth2Flow: "IMPLICIT" }));
    assert.deepEqual(err.fieldList, [
      { name: "oauth2Flow", message: "Member must satisfy enum value set: [USER_FEDERATION, M2M, ON_BEHALF_OF_TOKEN_EXCHANGE]" },
    ]);
  });

  test("list members are validated with their index", async () => {
    const err = await invalid(oauth({ scopes: ["openid", "", "x".repeat(129)] }));
    assert.deepEqual(err.fieldList, [
      { name: "scopes[1]", message: "Member must have length greater than or equal to 1" },
      { name: "scopes[2]", message: "Member must have length less than or equal to 128" },
    ]);
    assert.match(err.message, /^2 validation errors detected: /);
  });

  test("map keys and values are validated", async () => {
    let err = await invalid(oauth({ customParameters: { "bad key": "v" } }));
    assert.equal(err.fieldList.length, 1);
    assert.equal(err.fieldList[0].name, "customParameters");
    assert.match(err.fieldList[0].message, /^Map keys must satisfy constraint: \[Member must satisfy regular expression pattern/);
    err = await invalid(oauth({ customParameters: { prompt: "" } }));
    assert.deepEqual(err.fieldList, [{ name: 'customParameters["prompt"]', message: "Member must have length greater than or equal to 1" }]);
  });

  test("union: exactly one member", async () => {
    const uri = "urn:ietf:params:oauth:request_uri:abc";
    let err = await invalid(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: uri, userIdentifier: {} }));
    assert.equal(err.fieldList[0].name, "userIdentifier");
    assert.match(err.fieldList[0].message, /Exactly one member of the union must be set/);
    const body = await invalidRaw("/identities/CompleteResourceTokenAuth", {
      sessionUri: uri,
      userIdentifier: { userId: "alice", userToken: jwt({ sub: "alice" }) },
    });
    assert.equal(body.reason, "FieldValidationFailed");
    assert.deepEqual(body.fieldList.map((f) => f.name), ["userIdentifier"]);
    assert.match(body.fieldList[0].message, /but 2 were set/);
  });

  test("sensitive values are never echoed", async () => {
    const secret = "not a jwt SECRET VALUE";
    const err = await invalid(new sdk.GetWorkloadAccessTokenForJWTCommand({ workloadName: WORKLOAD, userToken: secret }));
    assert.equal(err.fieldList[0].name, "userToken");
    assert.ok(!err.message.includes(secret), err.message);
    assert.ok(!JSON.stringify(err.fieldList).includes(secret));
    const logged = JSON.stringify(emu.requests().at(-1));
    assert.ok(!logged.includes(secret), "request log redacts sensitive members");
    assert.match(emu.requests().at(-1).body.userToken, /^<redacted:\d+ chars>$/);
    // A non-sensitive value is quoted, like AWS does.
    const err2 = await invalid(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "x y" }));
    assert.match(err2.message, /Value 'x y' at 'workloadName'/);
  });
});

describe("documents the SDK cannot produce (independently signed raw requests)", () => {
  test("unknown member is rejected", async () => {
    const body = await invalidRaw("/identities/GetWorkloadAccessToken", { workloadName: WORKLOAD, extra: 1 });
    assert.deepEqual(body.fieldList, [{ name: "extra", message: "Member is not a known member of the structure" }]);
    const nested = await invalidRaw("/identities/CompleteResourceTokenAuth", {
      sessionUri: "urn:ietf:params:oauth:request_uri:abc",
      userIdentifier: { userId: "alice", email: "a@example.com" },
    });
    assert.deepEqual(nested.fieldList.map((f) => f.name), ["userIdentifier.email"]);
  });

  test("a __proto__ member is just an unknown member", async () => {
    const body = await invalidRaw("/identities/GetWorkloadAccessToken", '{"workloadName":"demo-workload","__proto__":{"polluted":1}}');
    assert.deepEqual(body.fieldList, [{ name: "__proto__", message: "Member is not a known member of the structure" }]);
    assert.equal({}.polluted, undefined);
    const logged = emu.requests().at(-1).body;
    assert.deepEqual(Object.keys(logged), ["workloadName", "__proto__"]);
    assert.equal(Object.getPrototypeOf(logged), Object.prototype);
  });

  test("wrong JSON types", async () => {
    const body = await invalidRaw("/identities/oauth2/token", {
      workloadIdentityToken: wat,
      resourceCredentialProviderName: "demo-m2m-provider",
      scopes: "read",
      oauth2Flow: "M2M",
      forceAuthentication: "yes",
    });
    assert.deepEqual(body.fieldList, [
      { name: "forceAuthentication", message: "Member must be a boolean" },
      { name: "scopes", message: "Member must be a list (JSON array)" },
    ]);
    const b2 = await invalidRaw("/identities/GetWorkloadAccessToken", { workloadName: 42 });
    assert.deepEqual(b2.fieldList, [{ name: "workloadName", message: "Member must be a string" }]);
    const b3 = await invalidRaw("/identities/oauth2/token", {
      workloadIdentityToken: wat,
      resourceCredentialProviderName: "demo-m2m-provider",
      scopes: ["read", null],
      oauth2Flow: "M2M",
    });
    assert.deepEqual(b3.fieldList, [{ name: "scopes[1]", message: "Member must not be null" }]);
  });

  test("a body that is not JSON -> CannotParse", async () => {
    for (const raw of ["{not json", "[1,2]", '"text"']) {
      const res = await signedFetch(emu, "/identities/GetWorkloadAccessToken", raw);
      assert.equal(res.status, 400, raw);
      assert.equal(res.headers.get("x-amzn-errortype"), "ValidationException");
      const body = await res.json();
      assert.equal(body.reason, "CannotParse", raw);
      assert.equal(typeof body.message, "string");
      assert.equal(body.fieldList, undefined);
    }
  });

  test("an empty body is an empty structure (required members reported)", async () => {
    const body = await invalidRaw("/identities/api-key", "");
    assert.deepEqual(body.fieldList.map((f) => f.name).sort(), ["resourceCredentialProviderName", "workloadIdentityToken"]);
  });
});

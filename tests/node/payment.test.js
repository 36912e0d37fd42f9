// GetResourcePaymentToken, the seventh Identity operation: a union input, a union output and a
// `long` member, validated and round-tripped by the package, side by side with the AWS SDK.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BedrockAgentCoreClient, GetResourcePaymentTokenCommand } from "@aws-sdk/client-bedrock-agentcore";
import { clientFor, emulator, pkg, rejection, workloadToken } from "./helpers.js";

const PROVIDER = "demo-payment-provider";

test("both union members round-trip, with the same result as the AWS SDK's", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const sdk = new BedrockAgentCoreClient({ region: "us-east-1", endpoint: emu.url, credentials: emu.credentials });
  const wit = await workloadToken(client, "alice");
  const requests = [
    { coinbaseCdpTokenRequest: { requestMethod: "POST", requestPath: "/platform/v2/evm/accounts", requestHost: "api.cdp.coinbase.com", includeWalletAuthToken: true } },
    { stripePrivyTokenRequest: { requestPath: "/v1/wallets", requestBody: '{"chain_type":"ethereum"}', includeAuthorizationSignature: true } },
  ];
  for (const paymentTokenRequest of requests) {
    const input = { workloadIdentityToken: wit, resourceCredentialProviderName: PROVIDER, paymentTokenRequest };
    const ours = await client.getResourcePaymentToken(input);
    const theirs = await sdk.send(new GetResourcePaymentTokenCommand(input));
    assert.deepEqual(Object.keys(ours.paymentTokenResponse), Object.keys(theirs.paymentTokenResponse));
    const [vendor] = Object.keys(ours.paymentTokenResponse);
    assert.deepEqual(Object.keys(ours.paymentTokenResponse[vendor]).sort(), Object.keys(theirs.paymentTokenResponse[vendor]).sort());
    assert.equal(ours.$metadata.httpStatusCode, 200);
  }
  // The `long` member comes back as a number.
  const privy = await client.getResourcePaymentToken({ workloadIdentityToken: wit, resourceCredentialProviderName: PROVIDER, paymentTokenRequest: requests[1] });
  const expiry = privy.paymentTokenResponse.stripePrivyTokenResponse.requestExpiry;
  assert.equal(typeof expiry, "number");
  assert.ok(Number.isSafeInteger(expiry) && expiry > Date.now());
  // The wire body is the SDK's for the same input (members, order, nesting), as the emulator logged it.
  const bodies = emu.requests().filter((r) => r.operation === "GetResourcePaymentToken").map((r) => JSON.stringify(r.body));
  assert.equal(bodies.length, 5);
  assert.equal(bodies[0], bodies[1]);
  assert.equal(bodies[2], bodies[3]);
  assert.ok(bodies[0].includes("coinbaseCdpTokenRequest") && bodies[2].includes("stripePrivyTokenRequest"));
});

test("the union and the model's constraints are checked before any request", async (t) => {
  const emu = await emulator(t);
  const client = clientFor(emu);
  const before = emu.requests().length;
  const base = { workloadIdentityToken: "w", resourceCredentialProviderName: PROVIDER };
  const cases = [
    [{ ...base }, "paymentTokenRequest", /required/],
    [{ ...base, paymentTokenRequest: {} }, "paymentTokenRequest", /exactly one of coinbaseCdpTokenRequest, stripePrivyTokenRequest/],
    [
      { ...base, paymentTokenRequest: { coinbaseCdpTokenRequest: { requestMethod: "GET", requestPath: "/a" }, stripePrivyTokenRequest: { requestPath: "/b", requestBody: "{}" } } },
      "paymentTokenRequest",
      /exactly one/,
    ],
    [{ ...base, paymentTokenRequest: { coinbaseCdpTokenRequest: { requestMethod: "FETCH", requestPath: "/a" } } }, "paymentTokenRequest.coinbaseCdpTokenRequest.requestMethod", /one of GET/],
    [{ ...base, paymentTokenRequest: { coinbaseCdpTokenRequest: { requestMethod: "GET", requestPath: "no-slash" } } }, "paymentTokenRequest.coinbaseCdpTokenRequest.requestPath", /pattern/],
    [{ ...base, paymentTokenRequest: { stripePrivyTokenRequest: { requestPath: "/b", requestBody: "\u0001" } } }, "paymentTokenRequest.stripePrivyTokenRequest.requestBody", /pattern/],
    [{ ...base, paymentTokenRequest: { stripePrivyTokenRequest: { requestPath: "/b" } } }, "paymentTokenRequest.stripePrivyTokenRequest.requestBody", /required/],
  ];
  for (const [input, path, message] of cases) {
    const e = await rejection(client.getResourcePaymentToken(input));
    assert.ok(e instanceof pkg.ParamValidationError, `${path}: ${e?.name} ${e?.message}`);
    const issue = e.issues.find((i) => i.path === path);
    assert.ok(issue, `${path}: ${JSON.stringify(e.issues)}`);
    assert.match(issue.message, message);
  }
  assert.equal(emu.requests().length, before, "nothing was sent");
});

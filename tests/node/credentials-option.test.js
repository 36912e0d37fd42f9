// The `credentials` option: missing or malformed credentials are refused with a message that names
// the option (never serde's "config: missing field"), and the AWS SDK's Node provider chain (what
// `fromNodeProviderChain()` of @aws-sdk/credential-providers runs) works as a provider.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientFor, emulator, pkg, WORKLOAD } from "./helpers.js";

/** The first error of a client made with `config`: from the constructor or the first call. */
async function firstError(config) {
  try {
    const client = new pkg.AgentCoreIdentityClient(config);
    await client.getWorkloadAccessToken({ workloadName: WORKLOAD });
  } catch (e) {
    return e;
  }
  return assert.fail("accepted");
}

test("missing or malformed credentials name the credentials option", async () => {
  const base = { region: "us-east-1", endpoint: "http://127.0.0.1:9" };
  const cases = [
    ["no credentials", {}],
    ["undefined", { credentials: undefined }],
    ["an empty object", { credentials: {} }],
    ["no secret", { credentials: { accessKeyId: "AKIDEXAMPLE" } }],
    ["no key id", { credentials: { secretAccessKey: "SECRET-VALUE-123" } }],
    ["an empty key id", { credentials: { accessKeyId: "", secretAccessKey: "SECRET-VALUE-123" } }],
    ["a number", { credentials: { accessKeyId: 42, secretAccessKey: "SECRET-VALUE-123" } }],
    ["a string", { credentials: "AKIDEXAMPLE:SECRET-VALUE-123" }],
  ];
  for (const [why, extra] of cases) {
    const e = await firstError({ ...base, ...extra });
    assert.equal(e.name, "ConfigurationError", `${why}: ${e.name} ${e.message}`);
    assert.match(e.message, /credentials/, why);
    assert.doesNotMatch(e.message, /missing field|^config:|Invalid Configuration: config/, why);
    assert.ok(!e.message.includes("SECRET-VALUE-123"), why);
  }
  // A provider whose answer lacks a key: CredentialsProviderError, naming credentials too.
  for (const answer of [{}, { accessKeyId: "AKIDEXAMPLE" }, null]) {
    const e = await firstError({ ...base, credentials: async () => answer });
    assert.equal(e.name, "CredentialsProviderError", `${e.name} ${e.message}`);
    assert.match(e.message, /credentials/);
    assert.doesNotMatch(e.message, /missing field/);
  }
});

test("the AWS SDK's Node provider chain works as the credentials option (env credentials, against the emulator)", async (t) => {
  const emu = await emulator(t);
  // The chain @aws-sdk/credential-providers' fromNodeProviderChain() runs; the environment comes first.
  const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
  process.env.AWS_ACCESS_KEY_ID = emu.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = emu.credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  try {
    const client = clientFor(emu, { credentials: defaultProvider() });
    const out = await client.getWorkloadAccessToken({ workloadName: WORKLOAD });
    assert.equal(typeof out.workloadAccessToken, "string");
    const last = emu.requests().at(-1);
    assert.deepEqual(last.signature, { valid: true, accessKeyId: emu.credentials.accessKeyId });
  } finally {
    for (const [name, value] of [["AWS_ACCESS_KEY_ID", saved.id], ["AWS_SECRET_ACCESS_KEY", saved.secret], ["AWS_SESSION_TOKEN", saved.token]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

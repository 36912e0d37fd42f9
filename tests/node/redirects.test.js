// Redirects are never followed. A 3xx reply ends the call as an error reply, as the AWS SDK for
// JavaScript v3 ends it: name "Unknown", $fault "client", $metadata.httpStatusCode the status,
// one attempt. The host the `location` names receives nothing: no signed body (with its
// workloadIdentityToken), no x-amz-security-token.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { importSubpath } from "../support/package.mjs";
import { recordingServer } from "../support/recording-server.mjs";
import { clientFor, dataPlane, emulator, pkg, rejection, WORKLOAD } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "redirect-session-token" };
const input = { workloadIdentityToken: "redirect-workload-token", resourceCredentialProviderName: "redirect-provider", scopes: ["read"], oauth2Flow: "M2M" };

/** What a token request to the other host gets if the redirect is followed. */
const stolen = () => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ accessToken: "token-from-the-other-host" }) });

describe("a redirect is never followed", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    for (const where of ["another origin", "another path on the same host"]) {
      test(`HTTP ${status} to ${where}: an Unknown client error after one request, nothing sent on`, async (t) => {
        // Another origin: another loopback address (127.0.0.2), so another host as well as port.
        const other = await recordingServer(stolen, { host: "127.0.0.2" });
        t.after(() => other.close());
        const service = await recordingServer((req) =>
          req.url === "/elsewhere"
            ? stolen()
            : {
                status,
                headers: {
                  location: where === "another origin" ? `${other.url}/identities/oauth2/token` : "/elsewhere",
                  "content-type": "application/json",
                  "x-amzn-requestid": "redirect-request-id",
                  // Not even a throttling code makes a redirect retried.
                  "x-amzn-errortype": "ThrottlingException",
                },
                body: JSON.stringify({ message: "moved" }),
              },
        );
        t.after(() => service.close());
        const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: service.url, credentials, maxAttempts: 3 });
        const err = await rejection(client.getResourceOauth2Token(input));
        assert.ok(err instanceof pkg.AgentCoreServiceException, String(err));
        assert.equal(err.name, "Unknown");
        assert.equal(err.$fault, "client");
        assert.equal(err.$retryable, undefined);
        assert.deepEqual(err.$metadata, { httpStatusCode: status, requestId: "redirect-request-id", attempts: 1, totalRetryDelay: 0 });
        assert.match(err.message, new RegExp(`HTTP ${status}: redirects are not followed`));
        assert.doesNotMatch(err.message, /127\.0\.0\.2|elsewhere|moved/);
        // One request, to the endpoint's path; nothing anywhere else.
        assert.deepEqual(service.requests.map((r) => r.path), ["/identities/oauth2/token"]);
        assert.equal(service.requests[0].headers["x-amz-security-token"], "redirect-session-token");
        assert.deepEqual(other.requests, []);
      });
    }
  }

  test("the emulator's injected redirect (failNext with a location) is an Unknown client error, then service resumes", async (t) => {
    const emu = await emulator(t);
    emu.setFaults({ failNext: [{ status: 307, location: "http://127.0.0.2:9/identities/GetWorkloadAccessToken" }] });
    const client = clientFor(emu);
    const err = await rejection(client.getWorkloadAccessToken({ workloadName: WORKLOAD }));
    assert.ok(err instanceof pkg.AgentCoreServiceException, String(err));
    assert.equal(err.name, "Unknown");
    assert.equal(err.$fault, "client");
    assert.equal(err.$metadata.httpStatusCode, 307);
    assert.equal(err.$metadata.attempts, 1);
    assert.equal(dataPlane(emu).length, 1);
    assert.equal(typeof (await client.getWorkloadAccessToken({ workloadName: WORKLOAD })).workloadAccessToken, "string");
  });

  test("the fetch init of every attempt says redirect: manual", async () => {
    /** @type {RequestInit[]} */
    const inits = [];
    const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials, maxAttempts: 1, fetch: recordingFetch(inits) });
    await client.getResourceOauth2Token(input);
    const timed = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials, maxAttempts: 1, requestTimeoutMs: 5000, fetch: recordingFetch(inits) });
    await timed.getResourceOauth2Token(input, { signal: new AbortController().signal });
    assert.equal(inits.length, 2);
    for (const init of inits) assert.equal(init.redirect, "manual");
  });

  test("a browser's opaque redirect (status 0, type opaqueredirect) is an Unknown client error", async () => {
    let calls = 0;
    const client = new pkg.AgentCoreIdentityClient({
      region: "us-east-1",
      credentials,
      maxAttempts: 3,
      fetch: async () => {
        calls++;
        // What a browser's fetch with redirect: "manual" resolves to on a redirect.
        const r = new Response(null, { status: 200 });
        Object.defineProperty(r, "status", { value: 0 });
        Object.defineProperty(r, "type", { value: "opaqueredirect" });
        return r;
      },
    });
    const err = await rejection(client.getResourceOauth2Token(input));
    assert.ok(err instanceof pkg.AgentCoreServiceException, String(err));
    assert.equal(err.name, "Unknown");
    assert.equal(err.$fault, "client");
    assert.deepEqual(err.$metadata, { httpStatusCode: 0, attempts: 1, totalRetryDelay: 0 });
    assert.equal(calls, 1);
  });

  test("DurableObjectStateStore asks its object with redirect: manual, and a redirect is a ResponseError", async () => {
    const mod = await importSubpath("cloudflare");
    /** @type {RequestInit[]} */
    const inits = [];
    const namespace = {
      idFromName: (/** @type {string} */ n) => n,
      get: () => ({
        fetch: async (/** @type {string} */ _url, /** @type {RequestInit} */ init) => {
          inits.push(init);
          return new Response("", { status: 307, headers: { location: "https://elsewhere.example/consume" } });
        },
      }),
    };
    const store = new mod.DurableObjectStateStore(namespace);
    const err = await rejection(store.consume("n".repeat(43), Date.now() + 60_000));
    assert.ok(err instanceof pkg.ResponseError, String(err));
    assert.equal(inits.length, 1);
    assert.equal(inits[0].redirect, "manual");
  });
});

/** A `fetch` that records its init and answers a token. @param {RequestInit[]} inits */
function recordingFetch(inits) {
  return async (/** @type {string} */ _url, /** @type {RequestInit} */ init) => {
    inits.push(init);
    return new Response(JSON.stringify({ accessToken: "t" }), { status: 200, headers: { "content-type": "application/json" } });
  };
}



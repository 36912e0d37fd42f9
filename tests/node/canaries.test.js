// Secret canaries: a recognisable value in every secret (secret key, session token, workload token,
// user JWT, customState, custom-parameter values, the reply's access token, the authorization URL, the state
// secret), then every error path; no canary may appear in message, String(err), stack,
// util.inspect(err), JSON.stringify(err), or anything written to the console.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { test } from "node:test";
import { emulator, m2mInput, pkg, rejection } from "./helpers.js";

const C = {
  secretKey: "CANARYSECRETKEY0123456789abcdefgh",
  sessionToken: "CANARYSESSIONTOKEN0123456789",
  workloadToken: "CANARYWORKLOADTOKEN0123456789",
  userJwt: "CANARYUSERJWT0123456789",
  customState: "CANARYCUSTOMSTATE0123456789",
  customParam: "CANARYCUSTOMPARAM0123456789",
  accessToken: "CANARYACCESSTOKEN0123456789",
  authorizationUrl: "CANARYAUTHURL0123456789",
  stateSecret: "CANARYSTATESECRET0123456789abcdefgh",
};
const canaries = Object.values(C);

/** Everything a user could see of an error. */
function surfaces(err) {
  const out = [String(err), inspect(err, { depth: 8, showHidden: true })];
  try {
    out.push(JSON.stringify(err));
  } catch {
    // a cause may not be serialisable; the other forms cover it
  }
  if (err instanceof Error) out.push(err.message, String(err.stack));
  return out.join("\n");
}

function assertClean(err, what) {
  const seen = surfaces(err);
  for (const c of canaries) assert.ok(!seen.includes(c), `${what}: ${c} leaked into:\n${seen}`);
}

/** Captures console output during `fn`. */
async function withConsole(fn) {
  const lines = [];
  const saved = {};
  for (const k of ["log", "info", "warn", "error", "debug", "trace"]) {
    saved[k] = console[k];
    console[k] = (...a) => lines.push(a.map((x) => (typeof x === "string" ? x : inspect(x, { depth: 8 }))).join(" "));
  }
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return lines.join("\n");
}

const canaryInput = (overrides = {}) => ({
  workloadIdentityToken: C.workloadToken,
  resourceCredentialProviderName: "demo-m2m-provider",
  scopes: ["read"],
  oauth2Flow: "M2M",
  customState: C.customState,
  customParameters: { hint: C.customParam },
  ...overrides,
});

test("no canary escapes any error path", async (t) => {
  const credentials = { accessKeyId: "AKIACANARYTEST000001", secretAccessKey: C.secretKey, sessionToken: C.sessionToken };
  const emu = await emulator(t, { config: { credentials: [credentials] } });
  const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: emu.url, credentials, maxAttempts: 2 });
  const errors = [];
  const take = async (what, promise) => {
    const e = await rejection(promise);
    errors.push([what, e]);
    return e;
  };

  const printed = await withConsole(async () => {
    // Validation, with canaries in values of every kind and in wrong types.
    await take("validation", client.getResourceOauth2Token(canaryInput({ scopes: [C.customParam, ""], oauth2Flow: C.customState, sessionUri: C.workloadToken })));
    await take("validation types", client.getResourceOauth2Token(canaryInput({ workloadIdentityToken: { nested: C.workloadToken }, customParameters: { [C.customParam.slice(0, 3)]: 5 } })));
    await take("validation union", client.completeResourceTokenAuth({ sessionUri: "urn:ietf:params:oauth:request_uri:x", userIdentifier: { userId: "u", userToken: C.userJwt } }));
    // A user JWT in every path of GetWorkloadAccessTokenForJWT: validation, a service error, a network failure.
    await take("jwt validation", client.getWorkloadAccessTokenForJWT({ workloadName: "not a workload name!", userToken: C.userJwt }));
    await take("jwt wrong type", client.getWorkloadAccessTokenForJWT({ workloadName: "demo-workload", userToken: [C.userJwt] }));
    emu.setFaults({ failNext: [{ status: 400, code: "ValidationException" }, { status: 400, code: "ValidationException" }] });
    await take("jwt service", client.getWorkloadAccessTokenForJWT({ workloadName: "demo-workload", userToken: C.userJwt }));
    emu.clearFaults();
    // Every service error, and the real ones (forged workload token, bad signature).
    for (const [status, code] of [[400, "ValidationException"], [401, "UnauthorizedException"], [403, "AccessDeniedException"], [404, "ResourceNotFoundException"], [429, "ThrottlingException"], [500, "InternalServerException"], [403, "ExpiredTokenException"], [502, undefined]]) {
      emu.setFaults({ failNext: [{ status, code, htmlBody: code === undefined }, { status, code, htmlBody: code === undefined }] });
      await take(`service ${code ?? status}`, client.getResourceOauth2Token(canaryInput()));
    }
    emu.clearFaults();
    await take("forged workload token", client.getResourceOauth2Token(canaryInput()));
    const wrongKey = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: emu.url, credentials: { ...credentials, secretAccessKey: `${C.secretKey}x` }, maxAttempts: 1 });
    await take("bad signature", wrongKey.getResourceOauth2Token(canaryInput()));
    // Faults: reset, truncation, timeout.
    emu.setFaults({ resetRate: 1 });
    await take("reset", client.getResourceOauth2Token(canaryInput()));
    emu.setFaults({ truncateRate: 1 });
    await take("truncated", client.getResourceOauth2Token(canaryInput()));
    emu.setFaults({ hangRate: 1 });
    const timed = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: emu.url, credentials, maxAttempts: 1, requestTimeoutMs: 50 });
    await take("timeout", timed.getResourceOauth2Token(canaryInput()));
    emu.clearFaults();
    // Network failure, with the credentials and token in flight.
    const closed = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials, maxAttempts: 1 });
    await take("connection refused", closed.getResourceOauth2Token(canaryInput()));
    await take("jwt connection refused", closed.getWorkloadAccessTokenForJWT({ workloadName: "demo-workload", userToken: C.userJwt }));
    // Abort (the reason is the caller's own; the error path must add nothing).
    await take("abort", client.getResourceOauth2Token(canaryInput(), { signal: AbortSignal.abort(new Error("stopped")) }));
    // Credentials providers that fail or return garbage.
    await take("provider", new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: emu.url, credentials: async () => ({ accessKeyId: 5, secretAccessKey: C.secretKey }) }).getResourceOauth2Token(m2mInput("w")));
    await take("config", (async () => new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: `http://x/?${C.secretKey}`, credentials }).getResourceOauth2Token(m2mInput("w")))());

    // A reply carrying the access token and the authorization URL, broken in each way.
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const kind = req.headers["x-amz-date"] ? (server.kind ?? "json") : "json";
        if (kind === "wrongtype") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accessToken: { token: C.accessToken }, authorizationUrl: [C.authorizationUrl] }));
        else if (kind === "truncated") res.writeHead(200, { "content-type": "application/json" }).end(`{"accessToken":"${C.accessToken}","authorizationUrl":"${C.authorizationUrl}`);
        else res.writeHead(503, { "content-type": "text/html" }).end(`<p>${C.accessToken} ${C.authorizationUrl}</p>`);
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
    const raw = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${server.address().port}`, credentials, maxAttempts: 1 });
    for (const kind of ["wrongtype", "truncated", "html503"]) {
      server.kind = kind;
      await take(`reply ${kind}`, raw.getResourceOauth2Token(canaryInput()));
    }

    // Every callback failure, with the state secret and the state as canaries.
    const state = await pkg.createCustomState({ secret: C.stateSecret, binding: "u" });
    const cb = (q) => `http://app.local/callback?${q}`;
    const opts = { stateSecret: C.stateSecret, binding: "u" };
    await take("cb duplicated", pkg.handleOauth2Callback(cb(`state=${state}&state=${state}`), opts));
    await take("cb expectation", pkg.handleOauth2Callback(cb(`state=${C.customState}`), {}));
    await take("cb missing", pkg.handleOauth2Callback(cb(`session_id=${C.customState}`), opts));
    await take("cb mismatch", pkg.handleOauth2Callback(cb(`state=${C.customState}`), opts));
    await take("cb foreign", pkg.handleOauth2Callback(cb(`state=${state}`), { ...opts, binding: "v" }));
    await take("cb expected", pkg.handleOauth2Callback(cb(`state=${C.customState}`), { expectedState: `${C.customState}x` }));
    await take("cb expired", pkg.handleOauth2Callback(cb(`state=${state}&session_id=urn:ietf:params:oauth:request_uri:x`), { ...opts, now: Date.now() + 3_600_000 }));
    await take("cb session missing", pkg.handleOauth2Callback(cb(`state=${state}`), opts));
    await take("cb replayed", pkg.handleOauth2Callback(cb(`state=${state}`), opts));
    const state2 = await pkg.createCustomState({ secret: C.stateSecret, binding: "u" });
    await take("cb denied", pkg.handleOauth2Callback(cb(`state=${state2}&error=access_denied&error_description=no`), opts));
    const state3 = await pkg.createCustomState({ secret: C.stateSecret, binding: "u" });
    await take("cb session invalid", pkg.handleOauth2Callback(cb(`state=${state3}&session_id=${C.authorizationUrl}`), opts));
    await take("weak secret", pkg.createCustomState({ secret: C.customState.slice(0, 10) }));
  });

  assert.ok(errors.length >= 35, `${errors.length} error paths`);
  for (const [what, e] of errors) {
    assert.ok(e instanceof Error, `${what}: not an Error`);
    assertClean(e, what);
  }
  for (const c of canaries) assert.ok(!printed.includes(c), `console output leaked ${c}`);
});

// The emulator as a package: its model copy, consent answered from code (emulator.approve/deny, the admin
// routes and the exported approve/deny helpers), the admin API's Host check (DNS rebinding), and the
// data plane's CORS (loopback origins by default, others through corsOrigins / --cors-origin).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { approve, deny, EmulatorError, startEmulator as startFromIndex } from "../../emulator/index.js";
import { client, firstLine, raw, RETURN_URL, sdk, start, WORKLOAD } from "./helpers.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

let emu;
let c;
before(async () => {
  emu = await start({ log: () => {} });
  c = client(emu);
});
after(async () => {
  c.destroy();
  await emu.close();
});

/** A pending USER_FEDERATION session: its authorization URL and session URI. */
async function pendingSession(customState = "state-from-the-app") {
  const { workloadAccessToken } = await c.send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId: "alice" }));
  const out = await c.send(
    new sdk.GetResourceOauth2TokenCommand({
      workloadIdentityToken: workloadAccessToken,
      resourceCredentialProviderName: "demo-user-provider",
      scopes: ["openid"],
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: RETURN_URL,
      customState,
      forceAuthentication: true,
    }),
  );
  assert.ok(out.authorizationUrl && out.sessionUri);
  return { authorizationUrl: out.authorizationUrl, sessionUri: out.sessionUri, workloadAccessToken };
}

test("the package's model is the repository's model, byte for byte", () => {
  for (const file of ["bedrock-agentcore-identity.json", "LICENSE.txt", "NOTICE"]) {
    const copy = readFileSync(here(`../../emulator/model/${file}`));
    const truth = readFileSync(here(`../fixtures/aws-model/${file}`));
    assert.ok(copy.equals(truth), `emulator/model/${file} differs from tests/fixtures/aws-model/${file}: copy it again`);
  }
  const manifest = JSON.parse(readFileSync(here("../../emulator/package.json"), "utf8"));
  assert.ok(manifest.files.includes("model/bedrock-agentcore-identity.json"));
  assert.deepEqual(Object.keys(manifest.dependencies), ["@smithy/signature-v4"]);
  assert.equal(manifest.bin["agentcore-identity-edge-emulator"], "cli.js");
});

describe("consent from code", () => {
  test("emulator.approve(authorizationUrl): the callback URL carries session_id and state; the session binds", async () => {
    const s = await pendingSession();
    const { callbackUrl } = emu.approve(s.authorizationUrl);
    const cb = new URL(callbackUrl);
    assert.equal(`${cb.origin}${cb.pathname}`, RETURN_URL);
    assert.equal(cb.searchParams.get("session_id"), s.sessionUri);
    assert.equal(cb.searchParams.get("state"), "state-from-the-app");
    assert.equal(cb.searchParams.get("error"), null);
    await c.send(new sdk.CompleteResourceTokenAuthCommand({ sessionUri: s.sessionUri, userIdentifier: { userId: "alice" } }));
    const done = await c.send(
      new sdk.GetResourceOauth2TokenCommand({
        workloadIdentityToken: s.workloadAccessToken,
        resourceCredentialProviderName: "demo-user-provider",
        scopes: ["openid"],
        oauth2Flow: "USER_FEDERATION",
        resourceOauth2ReturnUrl: RETURN_URL,
        sessionUri: s.sessionUri,
      }),
    );
    assert.match(done.accessToken, /^emu_at_/);
  });

  test("emulator.deny(sessionUri): error=access_denied, and the session cannot be decided twice", async () => {
    const s = await pendingSession();
    const { callbackUrl } = emu.deny(s.sessionUri);
    assert.equal(new URL(callbackUrl).searchParams.get("error"), "access_denied");
    assert.throws(() => emu.approve(s.sessionUri), (e) => e instanceof EmulatorError && e.code === "SESSION_DECIDED");
  });

  test("refusals are EmulatorErrors with a code and without the URL", async () => {
    const unknown = `${emu.url}/oauth2/authorize?request_uri=${encodeURIComponent("urn:ietf:params:oauth:request_uri:nope")}`;
    for (const [arg, code] of [
      [unknown, "UNKNOWN_SESSION"],
      ["", "INVALID_ARGUMENT"],
      [42, "INVALID_ARGUMENT"],
      [undefined, "INVALID_ARGUMENT"],
      [`${emu.url}/elsewhere?request_uri=x`, "INVALID_ARGUMENT"],
      [`${emu.url}/oauth2/authorize?request_uri=a&request_uri=b`, "INVALID_ARGUMENT"],
      // Another host's authorization URL.
      [`https://bedrock-agentcore.us-east-1.amazonaws.com/oauth2/authorize?request_uri=${encodeURIComponent("urn:ietf:params:oauth:request_uri:nope")}`, "INVALID_ARGUMENT"],
    ]) {
      assert.throws(
        () => emu.approve(arg),
        (e) => e instanceof EmulatorError && e.name === "EmulatorError" && e.code === code && !e.message.includes("request_uri"),
        String(arg),
      );
    }
    const s = await pendingSession();
    emu.expireSessions(s.sessionUri);
    assert.throws(() => emu.approve(s.authorizationUrl), (e) => e.code === "SESSION_EXPIRED");
  });

  test("exported approve()/deny() go through the admin API of the emulator that issued the URL", async () => {
    const s = await pendingSession("s2");
    const { callbackUrl } = await approve(s.authorizationUrl);
    assert.equal(new URL(callbackUrl).searchParams.get("session_id"), s.sessionUri);
    const again = await deny(s.authorizationUrl).then(
      () => assert.fail("a decided session was decided again"),
      (e) => e,
    );
    assert.ok(again instanceof EmulatorError);
    assert.equal(again.code, "SESSION_DECIDED");
    const elsewhere = new URL(s.authorizationUrl);
    elsewhere.hostname = "bedrock-agentcore.us-east-1.amazonaws.com";
    for (const bad of ["not a url", "javascript:alert(1)", `${emu.url}/`, 7, null, elsewhere.href, s.authorizationUrl.replace("127.0.0.1", "127.0.0.1.nip.io")]) {
      const e = await approve(/** @type {any} */ (bad)).then(
        () => assert.fail("accepted"),
        (x) => x,
      );
      assert.equal(e.code, "INVALID_ARGUMENT", String(bad));
    }
    const s2 = await pendingSession();
    const { callbackUrl: denied } = await deny(s2.authorizationUrl);
    assert.equal(new URL(denied).searchParams.get("error"), "access_denied");
  });

  test("the admin routes: POST /__emulator/sessions/approve and /deny", async () => {
    const s = await pendingSession();
    const post = (path, body) => raw(emu.port, "POST", path, { host: `127.0.0.1:${emu.port}`, "content-type": "application/json" }, JSON.stringify(body));
    const ok = await post("/__emulator/sessions/approve", { sessionUri: s.sessionUri });
    assert.equal(ok.status, 200);
    assert.equal(new URL(JSON.parse(ok.text).callbackUrl).searchParams.get("session_id"), s.sessionUri);
    const twice = await post("/__emulator/sessions/deny", { authorizationUrl: s.authorizationUrl });
    assert.equal(twice.status, 409);
    assert.equal(JSON.parse(twice.text).code, "SESSION_DECIDED");
    assert.equal((await post("/__emulator/sessions/approve", { sessionUri: "urn:nope" })).status, 404);
    assert.equal((await post("/__emulator/sessions/approve", [])).status, 400);
  });
});

describe("admin API: Host must be a loopback name at the emulator's port", () => {
  test("DNS rebinding: GET /__emulator/sessions with Host attacker.example is refused", async () => {
    await pendingSession();
    const r = await raw(emu.port, "GET", "/__emulator/sessions", { host: `attacker.example:${emu.port}` });
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.text, /urn:|sessionUri/);
    const ok = await raw(emu.port, "GET", "/__emulator/sessions", { host: `127.0.0.1:${emu.port}` });
    assert.equal(ok.status, 200);
    assert.ok(JSON.parse(ok.text).sessions.length > 0);
  });

  for (const host of ["attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io", "10.0.0.1", "[::2]", "0.0.0.0"]) {
    test(`Host ${host}:PORT: every admin route refuses and nothing changes`, async () => {
      emu.setFaults({ latencyMs: 1 });
      const h = { host: `${host}:${emu.port}`, "content-type": "application/json" };
      for (const [method, path, body] of [
        ["GET", "/__emulator/health"],
        ["GET", "/__emulator/requests"],
        ["DELETE", "/__emulator/faults"],
        ["POST", "/__emulator/faults", '{"throttleRate":1}'],
        ["POST", "/__emulator/sessions/expire", "{}"],
        ["POST", "/__emulator/sessions/approve", '{"sessionUri":"x"}'],
      ]) {
        const r = await raw(emu.port, method, path, h, body);
        assert.equal(r.status, 403, `${method} ${path}`);
      }
      assert.deepEqual(emu.faults(), { latencyMs: 1 });
      emu.clearFaults();
    });
  }

  test("loopback names at another port, or no Host at all, are refused too; localhost, [::1], 127.0.0.1 answered", async () => {
    const other = emu.port === 65535 ? 65534 : emu.port + 1;
    assert.equal((await raw(emu.port, "GET", "/__emulator/health", { host: `localhost:${other}` })).status, 403);
    assert.equal((await raw(emu.port, "GET", "/__emulator/health", { host: `localhost` })).status, 403);
    assert.equal((await raw(emu.port, "GET", "/__emulator/health", { host: `127.0.0.1:0${emu.port}` })).status, 403);
    for (const name of ["localhost", "LOCALHOST", "127.0.0.1", "[::1]"]) {
      assert.equal((await raw(emu.port, "GET", "/__emulator/health", { host: `${name}:${emu.port}` })).status, 200, name);
    }
    const noHost = await new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: emu.port, path: "/__emulator/health", setHost: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      });
      req.on("error", reject);
      req.end();
    });
    // Node's server answers a request without Host with 400 itself (HTTP/1.1 requires it); either way, no 200.
    assert.notEqual(noHost, 200);
  });

  test("the data plane does not look at Host (SigV4 signs it instead)", async () => {
    const r = await raw(emu.port, "POST", "/identities/GetWorkloadAccessToken", { host: `attacker.example:${emu.port}`, "content-type": "application/json" }, "{}");
    assert.equal(r.status, 403);
    assert.equal(r.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  });
});

describe("data-plane CORS", () => {
  const preflight = (port, origin) =>
    raw(port, "OPTIONS", "/identities/oauth2/token", { host: `127.0.0.1:${port}`, origin, "access-control-request-method": "POST" });
  const post = (port, origin) => raw(port, "POST", "/identities/GetWorkloadAccessToken", { host: `127.0.0.1:${port}`, origin }, "{}");

  test("by default only loopback origins are reflected", async () => {
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:8787", "http://[::1]:3000"]) {
      const pre = await preflight(emu.port, origin);
      assert.equal(pre.status, 204, origin);
      assert.equal(pre.headers["access-control-allow-origin"], origin);
      assert.equal((await post(emu.port, origin)).headers["access-control-allow-origin"], origin);
    }
    for (const origin of ["https://app.example.com", "http://localhost.evil.example", "null"]) {
      const pre = await preflight(emu.port, origin);
      assert.equal(pre.status, 403, origin);
      assert.equal(pre.headers["access-control-allow-origin"], undefined, origin);
      const r = await post(emu.port, origin);
      assert.equal(r.headers["access-control-allow-origin"], undefined, origin);
    }
  });

  test("corsOrigins adds exact origins, or any with \"*\"", async () => {
    const e = await startFromIndex({ port: 0, corsOrigins: ["https://app.example.com"] });
    try {
      assert.equal((await preflight(e.port, "https://app.example.com")).headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal((await post(e.port, "https://app.example.com")).headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal((await preflight(e.port, "https://other.example.com")).status, 403);
      assert.equal((await preflight(e.port, "http://localhost:1234")).headers["access-control-allow-origin"], "http://localhost:1234");
      // The admin API stays loopback-only whatever corsOrigins says.
      const adminRead = await raw(e.port, "GET", "/__emulator/faults", { host: `127.0.0.1:${e.port}`, origin: "https://app.example.com" });
      assert.equal(adminRead.status, 403);
    } finally {
      await e.close();
    }
    const any = await startFromIndex({ port: 0, corsOrigins: ["*"] });
    try {
      assert.equal((await preflight(any.port, "https://x.example")).headers["access-control-allow-origin"], "https://x.example");
    } finally {
      await any.close();
    }
  });

  test("corsOrigins is checked: origins only", async () => {
    for (const bad of ["https://app.example.com/", "app.example.com", "ftp://x.example", 7, "https://x.example/path"]) {
      await assert.rejects(startFromIndex({ port: 0, corsOrigins: /** @type {any} */ ([bad]) }), (e) => e instanceof EmulatorError && e.code === "INVALID_ARGUMENT", String(bad));
    }
    await assert.rejects(startFromIndex({ port: 0, corsOrigins: /** @type {any} */ ("*") }), (e) => e instanceof EmulatorError);
  });

  test("the CLI's --cors-origin flag (repeatable)", async () => {
    const child = spawn(process.execPath, [here("../../emulator/cli.js"), "--quiet", "--cors-origin", "https://a.example", "--cors-origin=https://b.example"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await firstLine(child);
      const port = Number(/:(\d+)$/.exec(line)?.[1]);
      assert.equal((await preflight(port, "https://a.example")).headers["access-control-allow-origin"], "https://a.example");
      assert.equal((await preflight(port, "https://b.example")).headers["access-control-allow-origin"], "https://b.example");
      assert.equal((await preflight(port, "https://c.example")).status, 403);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

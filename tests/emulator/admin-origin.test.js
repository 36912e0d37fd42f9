// The admin API (sessions, request log, faults) answers pages on this machine only: raw HTTP
// requests carrying a foreign Origin, as any web page a developer visits would send them.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { raw as rawRequest, start } from "./helpers.js";

let emu;
before(async () => {
  emu = await start({ log: () => {} });
});
after(() => emu?.close());

/** One request, headers and body exactly as given. */
const raw = (method, path, headers = {}, body) => rawRequest(new URL(emu.url).port, method, path, headers, body);

const FOREIGN = [
  "https://evil.example",
  "http://evil.example:8080",
  "null",
  "http://localhost.evil.example",
  "http://127.0.0.1.evil.example",
  "http://localhost:5173/",
  "http://10.0.0.1:8080",
  "http://[::2]:3000",
  "file://",
  "chrome-extension://abcdefghijklmnop",
  "",
];
const LOOPBACK = ["http://localhost:5173", "http://127.0.0.1:8787", "http://[::1]:3000", "http://127.0.0.2", "https://localhost:8443"];

const ADMIN = [
  ["GET", "/__emulator/health"],
  ["GET", "/__emulator/sessions"],
  ["GET", "/__emulator/requests"],
  ["GET", "/__emulator/faults"],
  ["POST", "/__emulator/faults", '{"throttleRate":1}'],
  ["PUT", "/__emulator/faults", '{"throttleRate":1}'],
  ["DELETE", "/__emulator/faults"],
  ["DELETE", "/__emulator/requests"],
  ["POST", "/__emulator/sessions/expire", "{}"],
];

describe("admin routes and a foreign Origin", () => {
  for (const origin of FOREIGN) {
    test(`Origin ${JSON.stringify(origin)}: every admin route refuses, nothing readable, nothing changed`, async () => {
      emu.setFaults({ latencyMs: 1 });
      const before = emu.faults();
      const logged = emu.requests().length;
      for (const [method, path, body] of ADMIN) {
        const headers = { origin, ...(body ? { "content-type": "application/json" } : {}) };
        const r = await raw(method, path, headers, body);
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.equal(r.headers["access-control-allow-origin"], undefined, `${method} ${path} allows ${r.headers["access-control-allow-origin"]}`);
        assert.doesNotMatch(r.text, /sessions|requests|faults"/);
      }
      assert.deepEqual(emu.faults(), before, "faults changed");
      assert.equal(emu.requests().length, logged, "the request log changed");
      emu.clearFaults();
    });
  }

  test("a form-like POST (text/plain, no preflight) cannot set faults", async () => {
    const r = await raw("POST", "/__emulator/faults", { origin: "https://evil.example", "content-type": "text/plain" }, '{"failNext":[{"status":500}]}');
    assert.equal(r.status, 403);
    assert.deepEqual(emu.faults(), {});
  });

  test("a private-network preflight from a foreign origin is refused, without Allow-Private-Network", async () => {
    for (const origin of FOREIGN) {
      for (const path of ["/__emulator/faults", "/__emulator/requests", "/__emulator/sessions"]) {
        const r = await raw("OPTIONS", path, {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
          "access-control-request-private-network": "true",
        });
        assert.ok(r.status >= 400, `${origin} ${path}: ${r.status}`);
        assert.equal(r.headers["access-control-allow-origin"], undefined);
        assert.equal(r.headers["access-control-allow-private-network"], undefined);
        assert.equal(r.headers["access-control-allow-methods"], undefined);
      }
    }
  });

  test("data plane: a foreign origin's preflight is refused by default; Allow-Private-Network to loopback origins only", async () => {
    const ask = (origin) =>
      raw("OPTIONS", "/identities/oauth2/token", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-amz-date",
        "access-control-request-private-network": "true",
      });
    const foreign = await ask("https://evil.example");
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers["access-control-allow-origin"], undefined);
    assert.equal(foreign.headers["access-control-allow-private-network"], undefined);
    const local = await ask("http://localhost:5173");
    assert.equal(local.status, 204);
    assert.equal(local.headers["access-control-allow-private-network"], "true");
  });
});

describe("admin routes and a loopback Origin", () => {
  for (const origin of LOOPBACK) {
    test(`Origin ${origin}: answered, with Allow-Origin and (when asked) Allow-Private-Network`, async () => {
      const r = await raw("GET", "/__emulator/faults", { origin });
      assert.equal(r.status, 200);
      assert.equal(r.headers["access-control-allow-origin"], origin);
      assert.match(r.headers.vary, /Origin/);
      const pre = await raw("OPTIONS", "/__emulator/faults", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-private-network": "true",
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers["access-control-allow-origin"], origin);
      assert.equal(pre.headers["access-control-allow-private-network"], "true");
      assert.equal(pre.headers["access-control-allow-methods"], "POST, GET, OPTIONS, DELETE");
      const set = await raw("POST", "/__emulator/faults", { origin, "content-type": "application/json" }, '{"throttleRate":0.5}');
      assert.equal(set.status, 200);
      assert.equal(emu.faults().throttleRate, 0.5);
      emu.clearFaults();
    });
  }

  test("no Origin (curl, scripts, tests): answered, and never with a wildcard Allow-Origin", async () => {
    const r = await raw("GET", "/__emulator/health");
    assert.equal(r.status, 200);
    assert.equal(r.headers["access-control-allow-origin"], undefined);
    assert.equal(JSON.parse(r.text).ok, true);
  });
});

// Cloudflare workerd, through `wrangler dev`: the example Worker's whole flow, and a plain import.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bin, consent, emulator, freePort, project, root, serve, SMOKE, smokeConfig, verifySmoke } from "./support.js";

const STATE_SECRET = "worker-test-state-secret-0123456789abcdef";
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };


test("the example Worker: /login -> /connect -> consent -> /callback -> token, with its Durable Object, under wrangler dev", { timeout: 120_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("worker-example", {
    "wrangler.toml": readFileSync(join(root, "www", "worker", "wrangler.toml"), "utf8"),
    "worker.js": readFileSync(join(root, "www", "worker", "worker.js"), "utf8"),
    ".dev.vars": `AWS_ACCESS_KEY_ID=${emu.credentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${emu.credentials.secretAccessKey}\nSTATE_SECRET=${STATE_SECRET}\n`,
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await serve(t, bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(port), "--var", `AGENTCORE_ENDPOINT:${emu.url}`, "--log-level", "warn"], {
    cwd: dir,
    env: WRANGLER_ENV,
    url: origin,
  });

  // The demo login gives a signed session cookie; the user comes from it alone.
  const login = async () => {
    const res = await fetch(`${origin}/login`, { method: "POST", redirect: "manual" });
    assert.equal(res.status, 303, await res.clone().text());
    return /** @type {string} */ (res.headers.get("set-cookie")).split(";")[0];
  };
  const cookie = await login();
  const connect = await fetch(`${origin}/connect`, { method: "POST", headers: { cookie }, redirect: "manual" });
  assert.equal(connect.status, 303, await connect.clone().text());
  const authorizationUrl = /** @type {string} */ (connect.headers.get("location"));
  assert.ok(authorizationUrl.startsWith(emu.url));

  const callback = await consent(authorizationUrl, "allow");
  assert.equal(callback.origin, origin);
  assert.equal(callback.pathname, "/callback");
  const done = await fetch(callback, { headers: { cookie } });
  const text = await done.text();
  assert.equal(done.status, 200, text);
  assert.match(text, /Connected: a token of \d+ characters is in the vault for user-[0-9a-f-]{36}\./);

  // The Worker's calls were signed and accepted; the session was bound before the token call.
  const ops = emu.requests().filter((r) => r.operation).map((r) => `${r.operation} ${r.status}`);
  assert.deepEqual(ops.slice(-3), ["CompleteResourceTokenAuth 200", "GetWorkloadAccessTokenForUserId 200", "GetResourceOauth2Token 200"]);
  assert.ok(emu.requests().every((r) => !r.operation || r.signature?.valid));

  // Replaying the callback (the Durable Object remembers it), or arriving as another user, is refused.
  assert.match(await (await fetch(callback, { headers: { cookie } })).text(), /Refused: state_replayed/);
  const other = await login();
  const second = await fetch(`${origin}/connect`, { method: "POST", headers: { cookie: other }, redirect: "manual" });
  const otherCallback = await consent(/** @type {string} */ (second.headers.get("location")), "allow");
  const crossed = await fetch(otherCallback, { headers: { cookie } });
  assert.equal(crossed.status, 400);
  assert.match(await crossed.text(), /Refused: state_mismatch/);
});

test("a plain import works in a Worker with no special configuration", { timeout: 120_000 }, async (t) => {
  const emu = await emulator(t);
  const worker = `${SMOKE}\nexport default { async fetch(request, env) { return Response.json(await smoke(JSON.parse(env.CONFIG))); } };\n`;
  const dir = project("worker-plain", {
    "wrangler.toml": 'name = "plain-import"\nmain = "index.js"\ncompatibility_date = "2025-09-01"\n',
    "index.js": worker,
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const vars = ["--var", `CONFIG:${JSON.stringify(smokeConfig(emu))}`];
  await serve(t, bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(port), ...vars, "--log-level", "warn"], { cwd: dir, env: WRANGLER_ENV, url: origin });
  const res = await fetch(origin);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  verifySmoke(emu, body);
});

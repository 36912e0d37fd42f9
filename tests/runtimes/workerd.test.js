// Cloudflare workerd, through `wrangler dev`: the example Worker's whole flow, and a plain import.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bin, consent, emulator, freePort, project, root, serve, SMOKE, smokeConfig, verifySmoke } from "./support.js";

const STATE_SECRET = "worker-test-state-secret-0123456789abcdef";
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };


test("the example Worker: /connect -> consent -> /callback -> token, under wrangler dev", { timeout: 120_000 }, async (t) => {
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

  const connect = await fetch(`${origin}/connect?user=alice`, { redirect: "manual" });
  assert.equal(connect.status, 302, await connect.clone().text());
  const cookie = /** @type {string} */ (connect.headers.get("set-cookie")).split(";")[0];
  const authorizationUrl = /** @type {string} */ (connect.headers.get("location"));
  assert.ok(authorizationUrl.startsWith(emu.url));

  const callback = await consent(authorizationUrl, "allow");
  assert.equal(callback.origin, origin);
  assert.equal(callback.pathname, "/callback");
  const done = await fetch(callback, { headers: { cookie } });
  const text = await done.text();
  assert.equal(done.status, 200, text);
  assert.match(text, /Connected: a token of \d+ characters is in the vault for alice/);

  // The Worker's calls were signed and accepted; the session was bound before the token call.
  const ops = emu.requests().filter((r) => r.operation).map((r) => `${r.operation} ${r.status}`);
  assert.deepEqual(ops.slice(-3), ["CompleteResourceTokenAuth 200", "GetWorkloadAccessTokenForUserId 200", "GetResourceOauth2Token 200"]);
  assert.ok(emu.requests().every((r) => !r.operation || r.signature?.valid));

  // Replaying the callback, or arriving as another user, is refused.
  assert.match(await (await fetch(callback, { headers: { cookie } })).text(), /Refused: state_replayed/);
  const second = await fetch(`${origin}/connect?user=bob`, { redirect: "manual" });
  const bobCallback = await consent(/** @type {string} */ (second.headers.get("location")), "allow");
  const asAlice = await fetch(bobCallback, { headers: { cookie } });
  assert.equal(asAlice.status, 400);
  assert.match(await asAlice.text(), /Refused: state_mismatch/);
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

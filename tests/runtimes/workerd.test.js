// Cloudflare workerd, through `wrangler dev`: the example Worker (sign-in, connect routes, the
// console's files) over HTTP, and a plain import.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exampleWorker, login, post, WRANGLER_ENV } from "./example-worker.js";
import { bin, consent, emulator, freePort, project, serve, SMOKE, smokeConfig, verifySmoke } from "./support.js";


test("the example Worker: sign-in, connect routes with its Durable Object, the console's files, under wrangler dev", { timeout: 150_000 }, async (t) => {
  const emu = await emulator(t);
  const { origin } = await exampleWorker(t, emu);

  // The demo sign-in: only from the app's own pages (Origin), a plain `session` cookie without
  // Secure on http loopback (over https it is __Host-session with Secure: example-worker.test.js).
  assert.equal((await fetch(`${origin}/login`, { method: "POST" })).status, 403, "no Origin");
  assert.equal((await fetch(`${origin}/login`, { method: "POST", headers: { origin: "https://evil.example" } })).status, 403, "a foreign Origin");
  assert.equal((await fetch(`${origin}/login`, { method: "POST", headers: { origin: "null" } })).status, 403, "Origin: null");
  assert.equal((await fetch(`${origin}/login`)).status, 405);
  const a = await login(origin);
  assert.match(a.setCookie, /^session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/);
  assert.deepEqual(await (await fetch(`${origin}/session`, { headers: { cookie: a.cookie } })).json(), { userId: a.userId });
  assert.equal((await fetch(`${origin}/session`)).status, 401);

  // The connect routes: not connected, connect, consent, callback, connected.
  const connections = async (cookie) => (await (await fetch(`${origin}/agentcore/connections`, { headers: { cookie } })).json()).connections;
  assert.deepEqual(await connections(a.cookie), [{ provider: "demo", connected: false }]);
  const started = await post(origin, "/agentcore/connect/demo", a.cookie);
  const body = await started.json();
  assert.equal(started.status, 200, JSON.stringify(body));
  assert.equal(body.status, "authorization_required");
  assert.ok(body.authorizationUrl.startsWith(emu.url));
  const callback = await consent(body.authorizationUrl, "allow");
  assert.equal(callback.origin, origin);
  assert.equal(callback.pathname, "/agentcore/callback");
  const done = await fetch(callback, { headers: { cookie: a.cookie } });
  const page = await done.text();
  assert.equal(done.status, 200, page);
  assert.match(done.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(done.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  assert.deepEqual(await connections(a.cookie), [{ provider: "demo", connected: true }]);
  const again = await post(origin, "/agentcore/connect/demo", a.cookie);
  assert.deepEqual(await again.json(), { provider: "demo", status: "connected" });
  // The token route is off by default.
  assert.equal((await post(origin, "/agentcore/token/demo", a.cookie)).status, 404);

  // The Worker's calls were signed and accepted, and the session was bound to the user.
  const ops = emu.requests().filter((r) => r.operation).map((r) => `${r.operation} ${r.status}`);
  assert.ok(ops.includes("CompleteResourceTokenAuth 200"), ops.join("\n"));
  assert.ok(emu.requests().every((r) => !r.operation || r.signature?.valid));

  // Replaying the callback (the Durable Object remembers it) is refused; so is no session.
  const replay = await fetch(callback, { headers: { cookie: a.cookie } });
  assert.ok(replay.status >= 400 && replay.status < 500, `replay: ${replay.status}`);
  assert.match(await replay.text(), /state_replayed/);
  assert.equal((await fetch(`${origin}/agentcore/connections`)).status, 401);

  // The console's files, with the console's CSP (the import map by its hash) and the browser helper.
  const home = await fetch(`${origin}/`);
  assert.equal(home.status, 200);
  assert.match(await home.text(), /AgentCore Identity agent console/);
  assert.match(home.headers.get("content-security-policy") ?? "", /^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'$/);
  for (const path of ["/console.js", "/pkg/connect-browser.js", "/pkg/errors.js", "/pkg/guard.js"]) {
    const res = await fetch(`${origin}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /javascript/, path);
  }
  assert.equal((await fetch(`${origin}/pkg/core.js`)).status, 404, "no client or wasm is served");
  assert.equal((await fetch(`${origin}/`, { method: "POST", headers: { origin } })).status, 405);
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

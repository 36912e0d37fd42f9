// agentcore-identity-edge/connect mounted in a Hono app, as the README shows it: a middleware on
// the routes' basePath, before the app's own routes, the app served through `app.fetch` (no
// listening socket; the routes call the emulator on loopback). The routes answer under basePath,
// every other path reaches the app's own route (its body unread), and the Origin and CORS rules hold.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Hono } from "hono";
import { allow, docsRoutes, emulator, packages, pageMessage, recordingClient } from "./connect-helpers.js";

const { pkg, connect } = await packages();
const ORIGIN = "http://localhost:8787";
const CONSOLE = "https://console.example";
const FOREIGN = "https://evil.example";
const ALICE = "test_user=alice";

/**
 * The routes and a Hono app with them mounted at `pattern`, then the app's own routes.
 * @param {import("node:test").TestContext} t @param {string} pattern
 */
async function setup(t, pattern) {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  const routes = docsRoutes(pkg, connect, client, [CONSOLE]);
  const app = new Hono();
  app.use(pattern, async (c, next) => (await routes.handle(c.req.raw)) ?? next());
  app.get("/", (c) => c.text("app home"));
  app.get("/agentcorex/page", (c) => c.text("app page"));
  app.post("/api/echo", async (c) => c.json({ echoed: await c.req.json() }));
  /** @param {string} path @param {RequestInit & { cookie?: string }} [init] */
  const call = async (path, init = {}) => {
    const { cookie, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (cookie) headers.set("cookie", cookie);
    return app.fetch(new Request(new URL(path, ORIGIN), { ...rest, headers }));
  };
  /** A POST with the page's Origin and a JSON body; `headers` override. */
  const post = (path, cookie = ALICE, headers = {}) => call(path, { method: "POST", cookie, body: "{}", headers: { origin: ORIGIN, "content-type": "application/json", ...headers } });
  return { call, post };
}

for (const pattern of ["/agentcore/*", "*"]) {
  test(`Hono, mounted at app.use("${pattern}"): the routes answer under basePath, the flow completes, other paths reach the app's routes`, async (t) => {
    const { call, post } = await setup(t, pattern);
    const list = await call("/agentcore/connections", { cookie: ALICE });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get("cache-control"), "no-store");
    assert.deepEqual(await list.json(), { connections: [{ provider: "docs", connected: false }] });
    assert.equal((await call("/agentcore/connections")).status, 401);
    const missing = await call("/agentcore/nope", { cookie: ALICE });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "not_found");

    // The whole flow through the Hono app: connect, consent, callback page, connected.
    const started = await post("/agentcore/connect/docs");
    assert.equal(started.status, 200);
    const { status, authorizationUrl } = await started.json();
    assert.equal(status, "authorization_required");
    const location = await allow(authorizationUrl);
    assert.equal(location.origin, ORIGIN);
    const page = await call(location.pathname + location.search, { cookie: ALICE });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy"), /default-src 'none'/);
    assert.deepEqual(pageMessage(await page.text()).message, { type: "agentcore-identity-edge:connect", status: "connected", provider: "docs" });
    assert.deepEqual(await (await call("/agentcore/connections", { cookie: ALICE })).json(), { connections: [{ provider: "docs", connected: true }] });

    // Other paths are the app's: its routes answer, a POST body reaches them unread.
    const home = await call("/");
    assert.equal(home.status, 200);
    assert.equal(await home.text(), "app home");
    assert.equal(await (await call("/agentcorex/page")).text(), "app page");
    const echo = await call("/api/echo", { method: "POST", body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json" } });
    assert.equal(echo.status, 200);
    assert.deepEqual(await echo.json(), { echoed: { a: 1 } });
    const unknown = await call("/elsewhere");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get("cache-control"), null, "Hono's own 404, not the routes'");
  });
}

test("Hono: the Origin rule holds (a foreign Origin, Origin: null, no Origin are 403), the CORS grant goes to allowedOrigins only", async (t) => {
  const { call, post } = await setup(t, "/agentcore/*");
  const code = async (r) => [r.status, (await r.json()).error.code];
  assert.deepEqual(await code(await post("/agentcore/connect/docs", ALICE, { origin: FOREIGN })), [403, "origin_refused"]);
  assert.deepEqual(await code(await post("/agentcore/connect/docs", ALICE, { origin: "null" })), [403, "origin_refused"]);
  assert.deepEqual(await code(await call("/agentcore/connect/docs", { method: "POST", cookie: ALICE, body: "{}", headers: { "content-type": "application/json" } })), [403, "origin_refused"]);
  assert.deepEqual(await code(await post("/agentcore/connect/docs", ALICE, { "content-type": "text/plain" })), [415, "unsupported_media_type"]);
  const fromConsole = await post("/agentcore/connect/docs", ALICE, { origin: CONSOLE });
  assert.equal(fromConsole.status, 200);
  assert.equal(fromConsole.headers.get("access-control-allow-origin"), CONSOLE);
  assert.equal(fromConsole.headers.get("access-control-allow-credentials"), "true");
  const foreign = await call("/agentcore/connections", { cookie: ALICE, headers: { origin: FOREIGN } });
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  const preflight = (origin) => call("/agentcore/connect/docs", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
  assert.equal((await preflight(CONSOLE)).status, 204);
  const refused = await preflight(FOREIGN);
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get("access-control-allow-origin"), null);
});

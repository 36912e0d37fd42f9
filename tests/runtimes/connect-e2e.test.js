// The connect feature end to end: the example Worker (createConnectRoutes, its Durable Object, its
// demo sign-in) under workerd through `wrangler dev`, the agent console in headless Chromium
// (connectProvider), and the emulator behind a recording proxy (which keeps every workload token
// and customState the Worker exchanged, to look for them in what the browser received).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { exampleWorker, login, post } from "./example-worker.js";
import { consent, emulator, launch, root } from "./support.js";

/**
 * A loopback proxy in front of the emulator that records the secrets of each exchange: the
 * workload tokens it answered, the customStates and workload tokens it was sent. It forwards the
 * Host header unchanged, so SigV4 signatures still verify.
 */
async function recordingProxy(t, emu) {
  const secrets = { workloadTokens: new Set(), customStates: new Set() };
  const target = new URL(emu.url);
  /** @param {string} text @param {boolean} isReply */
  const collect = (text, isReply) => {
    let v;
    try {
      v = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof v?.workloadAccessToken === "string" && isReply) secrets.workloadTokens.add(v.workloadAccessToken);
    if (typeof v?.workloadIdentityToken === "string") secrets.workloadTokens.add(v.workloadIdentityToken);
    if (typeof v?.customState === "string") secrets.customStates.add(v.customState);
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      collect(body.toString("utf8"), false);
      const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (reply) => {
        const parts = [];
        reply.on("data", (c) => parts.push(c));
        reply.on("end", () => {
          const text = Buffer.concat(parts);
          collect(text.toString("utf8"), true);
          res.writeHead(/** @type {number} */ (reply.statusCode), reply.headers);
          res.end(text);
        });
      });
      out.on("error", () => res.destroy());
      out.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => {
    server.close(() => resolve(undefined));
    server.closeAllConnections();
  }));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, secrets };
}

/** A page on another origin (same site: 127.0.0.1, another port), for the cross-origin attempts. */
async function foreignSite(t, html) {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => {
    server.close(() => resolve(undefined));
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
}

/** Records every response a browser context receives: URL, status, headers and body. */
function recordResponses(context) {
  const pending = [];
  context.on("response", (response) => {
    pending.push(
      (async () => {
        // A body the browser already dropped (a redirect, a closed popup's page) cannot be read:
        // bounded, and marked, so the test can tell which were scanned.
        const bounded = (p, fallback) => Promise.race([p.catch(() => fallback), new Promise((r) => setTimeout(() => r(fallback), 5000))]);
        const headers = await bounded(response.allHeaders(), {});
        const body = await bounded(response.body().then((b) => b.toString("utf8")), null);
        return { url: response.url(), status: response.status(), headers, body };
      })(),
    );
  });
  return () => Promise.all(pending);
}

test("connect end to end: console in Chromium, example Worker in workerd, emulator; refusals; no secret reaches the browser", { timeout: 400_000 }, async (t) => {
  const emu = await emulator(t);
  const proxy = await recordingProxy(t, emu);
  const { origin } = await exampleWorker(t, { url: proxy.url, credentials: emu.credentials }, { name: "connect-e2e", vars: { EXPOSE_ACCESS_TOKENS: "true" } });
  const browser = await launch(t);

  // ---- User A: sign in, Connect, Allow in the popup, connected.
  const a = await browser.newContext();
  const responsesA = recordResponses(a);
  const problems = [];
  // On the console's pages: no script error and no CSP violation (an expected 401 is not one).
  a.on("console", (m) => {
    const mine = (m.location().url ?? "").startsWith(origin);
    if (mine && (m.type() === "error" || /Content Security Policy/i.test(m.text())) && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  a.on("weberror", (e) => problems.push(e.error().message));
  const callbacks = [];
  a.on("request", (r) => new URL(r.url()).pathname === "/agentcore/callback" && callbacks.push(r.url()));

  // The popup's callback page is closed at once (by itself, and by connectProvider on its message),
  // before the browser can give its body to the response event: its close is delayed by five
  // seconds here, so that it is scanned with the rest.
  await a.addInitScript(() => {
    if (location.pathname !== "/agentcore/callback") return;
    const close = window.close.bind(window);
    window.close = () => void setTimeout(close, 5000);
  });

  const page = await a.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${origin}/`);
  await page.click("#login");
  await page.waitForFunction(() => /^Signed in as user-/.test(document.getElementById("who")?.textContent ?? ""));
  await page.waitForSelector("li[data-provider=demo] .status.not-connected");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("li[data-provider=demo] button")]);
  await popup.waitForURL((u) => u.pathname === "/oauth2/authorize", { timeout: 60_000 });
  const popupClosed = popup.waitForEvent("close", { timeout: 60_000 });
  await popup.click("button[value=allow]");
  await popupClosed; // the callback page told the console and closed itself
  await page.waitForSelector("li[data-provider=demo] .status.connected").catch(async (e) => {
    const shown = await page.$$eval("#steps li, #result", (els) => els.map((el) => el.textContent ?? ""));
    throw new Error(`the console did not show the provider connected:\n${shown.join("\n")}`, { cause: e });
  });
  assert.match((await page.textContent("#result")) ?? "", /^demo: connected\./);
  const steps = await page.$$eval("#steps li", (lis) => lis.map((li) => li.textContent ?? ""));
  assert.ok(steps.some((s) => /Callback verified by the backend/.test(s)), steps.join("\n"));
  assert.equal(callbacks.length, 1);
  mkdirSync(join(root, "tests", "artifacts"), { recursive: true });
  await page.screenshot({ path: join(root, "tests", "artifacts", "agent-console-connected.png"), fullPage: true });

  // The connections and token routes, from the console's page (same origin, its cookie).
  const routes = await page.evaluate(async () => {
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
    const connections = await (await fetch("/agentcore/connections")).json();
    const token = await fetch("/agentcore/token/demo", init);
    const unknown = await fetch("/agentcore/token/nope", init);
    return { connections, token: { status: token.status, body: await token.json() }, unknown: unknown.status };
  });
  assert.deepEqual(routes.connections, { connections: [{ provider: "demo", connected: true }] });
  assert.equal(routes.token.status, 200);
  assert.equal(routes.token.body.provider, "demo");
  assert.ok(typeof routes.token.body.accessToken === "string" && routes.token.body.accessToken.length > 10);
  assert.equal(routes.unknown, 404);
  const completed = emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth");
  assert.deepEqual(completed.map((r) => r.status), [200]);
  assert.ok(emu.requests().every((r) => !r.operation || r.signature?.valid), "every call the Worker made was signed");

  // ---- Refused: the callback replayed in the same browser.
  const replay = await page.context().newPage();
  const replayed = await replay.goto(callbacks[0]);
  assert.equal(replayed?.status(), 409);
  assert.match((await replay.textContent("body")) ?? "", /already used|state_replayed/);
  await replay.close();

  // ---- Refused: user B's callback URL opened in user A's browser; B stays not connected.
  const b = await login(origin);
  const started = await post(origin, "/agentcore/connect/demo", b.cookie);
  const { authorizationUrl } = await started.json();
  const callbackB = await consent(authorizationUrl, "allow");
  const crossed = await a.newPage();
  const crossedRes = await crossed.goto(callbackB.href);
  assert.equal(crossedRes?.status(), 400);
  assert.match((await crossed.textContent("body")) ?? "", /state_mismatch|refused/);
  await crossed.close();
  const connectionsB = await (await fetch(`${origin}/agentcore/connections`, { headers: { cookie: b.cookie } })).json();
  assert.deepEqual(connectionsB, { connections: [{ provider: "demo", connected: false }] });
  // ... and A's own connection is unchanged.
  assert.equal(completed.length, emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth").length, "no session was bound by the crossed callback");

  // ---- Refused: no session (a fresh browser), in the page and over HTTP.
  const anonymous = await browser.newContext();
  const responsesAnon = recordResponses(anonymous);
  const fresh = await anonymous.newPage();
  await fresh.goto(`${origin}/`);
  await fresh.waitForSelector("#login:not([hidden])");
  const noSession = await fresh.evaluate(async () => {
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
    const r = await fetch("/agentcore/connect/demo", init);
    return { connect: r.status, body: await r.json(), connections: (await fetch("/agentcore/connections")).status };
  });
  assert.deepEqual(noSession, { connect: 401, body: { error: { code: "unauthenticated", message: noSession.body.error.message } }, connections: 401 });
  const noSessionCallback = await fresh.goto(callbackB.href);
  assert.equal(noSessionCallback?.status(), 401);

  // ---- Refused over HTTP: a foreign Origin, Origin: null, no Origin, a form post; no CORS grant.
  const foreign = "https://evil.example";
  const refusals = {
    foreign: await post(origin, "/agentcore/connect/demo", b.cookie, { headers: { origin: foreign } }),
    null: await post(origin, "/agentcore/connect/demo", b.cookie, { headers: { origin: "null" } }),
    none: await fetch(`${origin}/agentcore/connect/demo`, { method: "POST", headers: { cookie: b.cookie, "content-type": "application/json" }, body: "{}" }),
    form: await post(origin, "/agentcore/connect/demo", b.cookie, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" }),
    textPlain: await post(origin, "/agentcore/connect/demo", b.cookie, { headers: { "content-type": "text/plain" }, body: "{}" }),
  };
  for (const [what, res] of Object.entries(refusals)) {
    const expected = what === "form" || what === "textPlain" ? 415 : 403;
    assert.equal(res.status, expected, `${what}: ${await res.clone().text()}`);
    assert.equal(res.headers.get("access-control-allow-origin"), null, what);
    assert.ok(typeof (await res.json()).error.code === "string", what);
  }
  const preflight = await fetch(`${origin}/agentcore/connect/demo`, {
    method: "OPTIONS",
    headers: { origin: foreign, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  assert.equal(preflight.headers.get("access-control-allow-credentials"), null);
  const foreignGet = await fetch(`${origin}/agentcore/connections`, { headers: { origin: foreign, cookie: b.cookie } });
  assert.equal(foreignGet.headers.get("access-control-allow-origin"), null);

  // ---- Refused in the browser: a page of another origin (same site, so A's Lax cookie is sent).
  // (A GET of connections is a read the browser does not let that page see; a flow starts only
  // with a customState, which the proxy would have seen.)
  const before = proxy.secrets.customStates.size;
  const attacker = await foreignSite(
    t,
    `<!doctype html><title>other origin</title><form id="f" method="post" action="${origin}/agentcore/connect/demo" enctype="text/plain"><input name="{}" value=""></form>`,
  );
  const evil = await a.newPage();
  await evil.goto(`${attacker}/`);
  const crossOrigin = await evil.evaluate(async (target) => {
    const init = { method: "POST", credentials: /** @type {const} */ ("include"), headers: { "content-type": "application/json" }, body: "{}" };
    const cors = await fetch(`${target}/agentcore/connect/demo`, init).then((r) => `read ${r.status}`, (e) => e.name);
    const read = await fetch(`${target}/agentcore/connections`, { credentials: "include" }).then((r) => `read ${r.status}`, (e) => e.name);
    // A "simple" request, sent without a preflight: the routes must refuse it themselves.
    await fetch(`${target}/agentcore/connect/demo`, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: "{}" });
    return { cors, read };
  }, origin);
  assert.deepEqual(crossOrigin, { cors: "TypeError", read: "TypeError" }, "a foreign page read a route's reply");
  const [formReply] = await Promise.all([evil.waitForResponse((r) => r.url().endsWith("/agentcore/connect/demo") && r.request().method() === "POST"), evil.evaluate(() => /** @type {HTMLFormElement} */ (document.getElementById("f")).submit())]);
  assert.equal(formReply.status(), 403, "a cross-origin form post");
  assert.equal(proxy.secrets.customStates.size, before, "no cross-origin request started a flow");

  // ---- Every response a browser received: no AWS secret key, no workload token, no customState.
  assert.ok(proxy.secrets.workloadTokens.size >= 2 && proxy.secrets.customStates.size >= 2, "the proxy saw the exchanges");
  const received = [...(await responsesA()), ...(await responsesAnon())];
  assert.ok(received.some((r) => r.status === 200 && new URL(r.url).pathname === "/agentcore/callback" && /Account connected/.test(r.body ?? "")), "the popup's callback page was read");
  const unread = received.filter((r) => r.body === null && !(r.status >= 300 && r.status < 400));
  t.diagnostic(`${received.length} responses scanned (${received.length - unread.length} with their bodies); bodies not readable: ${unread.map((r) => new URL(r.url).pathname).join(", ") || "none"}`);
  assert.ok(received.length > 10);
  // Each route that answers with data was scanned with its body at least once.
  for (const path of ["/agentcore/connections", "/agentcore/connect/demo", "/agentcore/token/demo", "/agentcore/callback"]) {
    assert.ok(received.some((r) => new URL(r.url).pathname === path && r.status === 200 && r.body !== null), `no 200 reply of ${path} was scanned with its body`);
  }
  const emulatorOrigin = new URL(emu.url).origin;
  for (const r of received) {
    const fromEmulator = new URL(r.url).origin === emulatorOrigin;
    const headers = Object.entries(r.headers)
      // The consent service's redirect to the callback carries the customState as `state`, as
      // OAuth 2.0 does (RFC 6749 section 4.1.2): the one place it is meant to travel.
      .filter(([name]) => !(fromEmulator && name === "location"))
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n");
    const text = `${headers}\n${r.body ?? ""}`;
    assert.ok(!text.includes(emu.credentials.secretAccessKey), `the AWS secret key in ${r.url}`);
    for (const token of proxy.secrets.workloadTokens) assert.ok(!text.includes(token), `a workload token in ${r.url}`);
    for (const state of proxy.secrets.customStates) assert.ok(!text.includes(state), `a customState in ${r.url}`);
  }
  assert.deepEqual(problems, []);
});

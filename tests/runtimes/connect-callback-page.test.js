// The connect routes' callback page in Debian's Chromium: under its strict CSP its one script runs,
// posts the outcome to an opener at a trusted origin (the routes' own, or one of allowedOrigins)
// and closes the popup; an opener at any other origin receives nothing; without an opener the page
// stays and says the outcome in plain words. The routes run in Node behind the node:http adapter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allow, docsRoutes, emulator, packages, recordingClient, serve } from "../node/connect-helpers.js";
import { launch } from "./support.js";

const { pkg, connect } = await packages();

/** A blank page for an opener to live on. @param {Request} r */
const blank = async (r) => (new URL(r.url).pathname === "/" ? new Response("<!doctype html><title>console</title>", { headers: { "content-type": "text/html" } }) : null);

/**
 * Opens `callback` in a popup from the page, waits until the popup has closed itself, then
 * returns the messages the page received (a message the popup posted before closing is delivered
 * before the page's own message to itself, which ends the wait).
 */
function openAndCollect(page, callback) {
  return page.evaluate(
    (url) =>
      new Promise((resolve) => {
        const received = [];
        const popup = window.open(url, `cb-${Math.random()}`);
        window.addEventListener("message", (e) => {
          if (e.data === "end") resolve({ received, closed: popup.closed });
          else received.push({ origin: e.origin, fromPopup: e.source === popup, data: e.data });
        });
        // With an opener, the page always closes itself (a bound on the loop: the test's timeout).
        const poll = setInterval(() => {
          if (popup.closed) {
            clearInterval(poll);
            window.postMessage("end", "*");
          }
        }, 50);
      }),
    callback,
  );
}

test("the callback page posts to a trusted opener and closes; a foreign opener gets nothing; without an opener it says the outcome", { timeout: 120_000 }, async (t) => {
  const emu = await emulator(t);
  const { client } = recordingClient(pkg, emu);
  // The console lives on http://localhost:PORT (allowed), the routes on http://127.0.0.1:PORT.
  const consoleServer = await serve(t, [blank]);
  const consoleOrigin = consoleServer.origin.replace("127.0.0.1", "localhost");
  const foreignServer = await serve(t, [blank]);
  const foreignOrigin = foreignServer.origin.replace("127.0.0.1", "localhost");
  const routes = docsRoutes(pkg, connect, client, [consoleOrigin]);
  const { origin } = await serve(t, [(r) => routes.handle(r), blank]);
  const browser = await launch(t);
  const context = await browser.newContext();
  const violations = [];
  context.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const page = await context.newPage();

  /** A callback URL for a new user, signed in in the browser, from startConnect and the consent. */
  let users = 0;
  const callbackUrl = async () => {
    const userId = `user${++users}`;
    await context.addCookies([{ name: "test_user", value: userId, url: origin }]);
    const started = await routes.startConnect({ user: { userId }, provider: "docs", origin });
    assert.equal(started.status, "authorization_required");
    const location = await allow(started.authorizationUrl);
    return location.href;
  };

  // The routes' own origin.
  await page.goto(`${origin}/`);
  const own = await openAndCollect(page, await callbackUrl());
  assert.deepEqual(own.received, [{ origin, fromPopup: true, data: { type: "agentcore-identity-edge:connect", status: "connected", provider: "docs" } }]);
  assert.equal(own.closed, true);

  // An allowed console origin: the same message; the replayed callback reports its refusal.
  await page.goto(`${consoleOrigin}/`);
  const allowed = await openAndCollect(page, await callbackUrl());
  assert.equal(allowed.received.length, 1);
  assert.equal(allowed.received[0].origin, origin);
  assert.equal(allowed.received[0].data.status, "connected");
  assert.equal(allowed.closed, true);

  // A foreign origin: the page posts only to trusted origins, so nothing arrives.
  await page.goto(`${foreignOrigin}/`);
  const foreign = await openAndCollect(page, await callbackUrl());
  assert.deepEqual(foreign.received, []);

  // No opener: the page stays and says it in plain words; a replay says why not.
  const direct = await context.newPage();
  const url = await callbackUrl();
  const response = await direct.goto(url);
  assert.equal(response.status(), 200);
  assert.match(await direct.textContent("main"), /Your docs account is connected/);
  assert.equal(direct.isClosed(), false);
  const replay = await direct.goto(url);
  assert.equal(replay.status(), 409);
  assert.match(await direct.textContent("main"), /was not connected: this callback was already used \(state_replayed\)/);
  assert.deepEqual(violations, []);
});

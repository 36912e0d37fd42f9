// The example Worker over real TLS: `wrangler dev --local-protocol https` serves it with wrangler's
// self-signed certificate, and headless Chromium (told to accept that certificate) signs in and
// connects the demo provider. Chromium itself enforces the `__Host-` prefix (Secure, Path=/, no
// Domain): a cookie that broke it would be dropped, and the console would stay signed out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exampleWorker } from "./example-worker.js";
import { emulator, launch } from "./support.js";

// This file's own HTTP client (the readiness probe of `wrangler dev`) accepts the self-signed
// certificate; each test file runs in its own process.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

test("the example Worker over TLS: Chromium keeps its __Host-session cookie (Secure, HttpOnly, Path=/, host-only), the console connects, and its sign-out and sign-in report a failure", { timeout: 300_000 }, async (t) => {
  // The workload accepts only https return URLs: the Worker must derive its callback from the TLS
  // request it was given.
  const emu = await emulator(t, { config: { workloads: [{ name: "demo-workload", allowedResourceOauth2ReturnUrls: ["https://127.0.0.1:*"] }] } });
  const { origin } = await exampleWorker(t, emu, { name: "connect-tls", protocol: "https" });
  assert.match(origin, /^https:\/\/127\.0\.0\.1:\d+$/);
  const browser = await launch(t);
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${origin}/`);
  await page.click("#login");
  await page.waitForFunction(() => /^Signed in as user-/.test(document.getElementById("who")?.textContent ?? ""));

  const cookies = await context.cookies(origin);
  assert.deepEqual(cookies.map((c) => c.name), ["__Host-session"]);
  const [session] = cookies;
  assert.equal(session.secure, true);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Lax");
  assert.equal(session.path, "/");
  assert.equal(session.domain, "127.0.0.1", "host-only: no Domain attribute");
  assert.equal(await page.evaluate(() => document.cookie), "", "the page's scripts cannot read the session");

  // The cookie carries the session: the console lists the provider, then connects it in a popup.
  await page.waitForSelector("li[data-provider=demo] .status.not-connected");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("li[data-provider=demo] button")]);
  await popup.waitForURL((u) => u.pathname === "/oauth2/authorize", { timeout: 60_000 });
  const popupClosed = popup.waitForEvent("close", { timeout: 60_000 });
  await popup.click("button[value=allow]");
  await popupClosed;
  await page.waitForSelector("li[data-provider=demo] .status.connected");
  assert.deepEqual(
    emu.requests().filter((r) => r.operation === "CompleteResourceTokenAuth").map((r) => r.status),
    [200],
  );

  // The console's Sign out: a refused sign-out leaves the page signed in and says so...
  await page.route("**/logout", (route) => route.fulfill({ status: 500, contentType: "application/json", body: "{}" }));
  await page.click("#logout");
  await page.waitForSelector("#steps li.error");
  assert.match((await page.textContent("#steps")) ?? "", /POST \/logout answered HTTP 500/);
  assert.match((await page.textContent("#who")) ?? "", /^Signed in as user-/);
  await page.unroute("**/logout");
  // ... and a sign-out the Worker answers removes the cookie from the browser.
  await page.click("#logout");
  await page.waitForFunction(() => /^Not signed in/.test(document.getElementById("who")?.textContent ?? ""));
  assert.deepEqual(await context.cookies(origin), []);
  // A sign-in that cannot reach the Worker is shown as an error, not left unanswered.
  await page.route("**/login", (route) => route.abort());
  await page.click("#login");
  await page.waitForSelector("#steps li.error");
  assert.match((await page.textContent("#who")) ?? "", /^Not signed in/);
});

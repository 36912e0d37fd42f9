// Headless Chromium (Debian's, driven by playwright-core): the agent console, loading the package
// from the installed tarball through an import map, completes M2M and the popup user-federation flow.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { serveConsole } from "../../scripts/console-server.mjs";
import { emulator, launch, project, root } from "./support.js";

const artifacts = join(root, "tests", "artifacts");

/** The console, served with the installed package and pointed at a fresh emulator, open in Chromium. */
async function openConsole(t) {
  const emu = await emulator(t);
  const dir = project("browser");
  const site = await serveConsole({ packageRoot: join(dir, "node_modules", "agentcore-identity-edge"), demoConfig: { endpoint: emu.url, ...emu.credentials } });
  t.after(() => site.close());
  const browser = await launch(t);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  // Every page of the context (the popup and the callback page too): no Content-Security-Policy violation.
  context.on("console", (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
  await page.goto(site.url);
  await page.waitForFunction(() => /** @type {HTMLInputElement} */ (document.getElementById("endpoint")).value !== "");
  return { emu, site, page, problems };
}

test("the console page completes M2M and USER_FEDERATION (popup) against the emulator", { timeout: 90_000 }, async (t) => {
  const { emu, page, problems } = await openConsole(t);

  // Every form control has a label.
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll("input")].filter((i) => i.labels === null || i.labels.length === 0).map((i) => i.id || i.name),
  );
  assert.deepEqual(unlabeled, []);

  // M2M, started from the keyboard.
  await page.focus("#run");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("result")?.textContent?.startsWith("Access token"));
  const m2m = await page.textContent("#result");
  assert.match(m2m ?? "", /Access token: •••• \(\d+ characters, redacted\) · request id [0-9a-f-]{36} · 1 attempt/);

  // USER_FEDERATION through the popup.
  await page.check("input[value=USER_FEDERATION]");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#run")]);
  await popup.waitForURL((u) => u.pathname === "/oauth2/authorize");
  await popup.click("button[value=allow]");
  await page.waitForFunction(() => /^(Access token|.*Error)/.test(document.getElementById("result")?.textContent ?? ""), null, { timeout: 30_000 });
  const steps = await page.$$eval("#steps li", (lis) => lis.map((li) => li.textContent));
  const text = await page.textContent("#result");
  assert.match(text ?? "", /^Access token: •••• \(\d+ characters, redacted\)/, steps.join("\n"));
  for (const expected of [/request sent/, /Authorization URL received/, /Callback verified/, /Session bound to demo-user/, /Token received/]) {
    assert.ok(steps.some((s) => expected.test(s ?? "")), `step ${expected}`);
  }
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "console-user-federation.png"), fullPage: true });

  const ops = emu.requests().filter((r) => r.operation);
  assert.ok(ops.some((r) => r.operation === "CompleteResourceTokenAuth" && r.status === 200));
  assert.ok(ops.every((r) => r.signature?.valid), "every browser request passed SigV4 verification");
  assert.deepEqual(problems, []);
});

test("an error shows its AWS name, request id and retries", { timeout: 60_000 }, async (t) => {
  const { emu, page, problems } = await openConsole(t);
  await page.fill("#provider", "no-such-provider");
  await page.click("#run");
  await page.waitForFunction(() => document.getElementById("result")?.classList.contains("error"));
  assert.match((await page.textContent("#result")) ?? "", /^ResourceNotFoundException: .+ · request id [0-9a-f-]{36} · HTTP 404 · 1 attempt \(0 retries\)$/);
  emu.setFaults({ throttleRate: 1 });
  await page.click("#run");
  await page.waitForFunction(() => /Throttling/.test(document.getElementById("result")?.textContent ?? ""), null, { timeout: 20_000 });
  assert.match((await page.textContent("#result")) ?? "", /^ThrottlingException: .+ · request id [0-9a-f-]{36} · HTTP 429 · 3 attempts \(2 retries\)$/);
  assert.deepEqual(problems, []);
});

test("the console runs under its Content-Security-Policy: an injected inline script does not run", { timeout: 60_000 }, async (t) => {
  const { page } = await openConsole(t);
  const reported = page.waitForEvent("console", { predicate: (m) => /Content Security Policy/.test(m.text()), timeout: 10_000 });
  reported.catch(() => {}); // awaited below; not unhandled if an assertion fails first
  const outcome = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.violations.push(e.effectiveDirective));
    const script = document.createElement("script");
    script.textContent = "window.injected = true";
    document.head.append(script);
    const img = document.createElement("img");
    img.src = "https://attacker.example/pixel.png";
    document.body.append(img);
    const base = document.createElement("base");
    base.href = "https://attacker.example/";
    document.head.prepend(base);
    // An allowed inline script runs as it is inserted: no waiting needed to see that it did not.
    return { injected: w.injected === true, base: document.baseURI.startsWith("https://attacker.example") };
  });
  assert.equal(outcome.injected, false, "an inline script ran");
  assert.equal(outcome.base, false);
  // Violation events are queued: wait for the three (bounded), then check them.
  await page
    .waitForFunction(() => ["script-src-elem", "img-src", "base-uri"].every((d) => /** @type {any} */ (window).violations.includes(d)), null, { timeout: 10_000 })
    .catch(() => {});
  const violations = await page.evaluate(() => /** @type {any} */ (window).violations);
  for (const d of ["script-src-elem", "img-src", "base-uri"]) assert.ok(violations.includes(d), `${d}: ${JSON.stringify(violations)}`);
  assert.match((await reported).text(), /Content Security Policy/, "the browser reported the violations");
});

test("authorizeInPopup in Chromium: a javascript: authorization URL is refused and never runs", { timeout: 60_000 }, async (t) => {
  const { page, problems } = await openConsole(t);
  const outcome = await page.evaluate(async () => {
    const { authorizeInPopup } = await import("./pkg/www/index.js");
    const realOpen = window.open;
    let opens = 0;
    window.open = (...args) => {
      opens++;
      return realOpen.apply(window, args);
    };
    const url = "javascript:opener.document.title='pwned';void 0";
    /** @param {Promise<unknown>} p */
    const settle = (p) => p.then(() => "resolved", (e) => `${e?.name}:${e?.code}`);
    const opened = window.open("", "app-opened", "popup");
    const results = [
      await settle(authorizeInPopup(url, { callbackOrigin: location.origin, timeoutMs: 2000 })),
      await settle(authorizeInPopup(url, { callbackOrigin: location.origin, timeoutMs: 2000, popup: opened ?? undefined })),
      await settle(authorizeInPopup("data:text/html,<script>opener.document.title='pwned'</script>", { callbackOrigin: location.origin, timeoutMs: 2000 })),
    ];
    await new Promise((r) => setTimeout(r, 200));
    const href = opened?.location.href;
    opened?.close();
    return { results, title: document.title, href, opens };
  });
  assert.deepEqual(outcome.results, ["PopupError:url_refused", "PopupError:url_refused", "PopupError:url_refused"]);
  assert.notEqual(outcome.title, "pwned");
  assert.equal(outcome.href, "about:blank", "the app's popup was navigated");
  assert.equal(outcome.opens, 1, "only the app's own window was opened");
  assert.deepEqual(problems, []);
});

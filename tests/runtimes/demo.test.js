// `npm run demo` as a developer runs it: on a terminal (a pseudo-terminal from util-linux
// `script`), consent given in a browser, then the agent console served by the example Worker,
// used in headless Chromium to connect an account in a popup, then Ctrl-C; and without a terminal,
// where it connects an account through the Worker's routes by itself and exits 0.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { launch, root } from "./support.js";

const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;

/** `npm run demo` on a pseudo-terminal; `waitFor(re)` resolves with the first match in its output. */
function demoOnTerminal(t) {
  // -q quiet, -f flush, -e exit with the demo's status, -c the command; the transcript goes nowhere.
  const child = spawn("script", ["-qfec", "npm run demo", "/dev/null"], {
    cwd: root,
    env: { ...process.env, TERM: "dumb", NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const waiters = new Set();
  const onData = (d) => {
    output += d;
    for (const w of waiters) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        // script's group; script hangs up the terminal, which ends the demo's session.
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  /** @param {RegExp} re @param {number} timeoutMs */
  function waitFor(re, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(output);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${re} within ${timeoutMs} ms; the demo printed:\n${output}`));
      }, timeoutMs);
      const quit = () => {
        done();
        reject(new Error(`the demo exited before printing ${re}:\n${output}`));
      };
      function done() {
        clearTimeout(timer);
        waiters.delete(check);
        child.off("exit", quit);
      }
      waiters.add(check);
      child.once("exit", quit);
      check();
    });
  }
  return { child, waitFor, exited, output: () => output };
}

/** Resolves with `promise`, or rejects after `ms`. */
function within(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

test("npm run demo on a terminal: the console's URL first, consent in a browser, then the console connects an account (Worker under workerd), then Ctrl-C", { timeout: 180_000, skip: !hasScript && "util-linux script is not installed" }, async (t) => {
  const demo = demoOnTerminal(t);
  const browser = await launch(t);
  const context = await browser.newContext();
  const problems = [];
  context.on("console", (m) => (m.type() === "error" || /Content Security Policy/i.test(m.text())) && !/Failed to load resource/.test(m.text()) && problems.push(`${m.text()} (${m.location().url})`));
  context.on("weberror", (e) => problems.push(e.error().message));

  // 1. The console's line, printed as soon as the Worker answers, before the terminal flows.
  //    (The demo rebuilds the wasm package when src/ is newer: `npm test` has just built it.)
  const [, consoleUrl] = await demo.waitFor(/^Agent console: (http:\/\/127\.0\.0\.1:\d+\/)\r?$/m, 120_000);
  assert.doesNotMatch(demo.output().slice(0, demo.output().indexOf("Agent console:")), /M2M/);

  // 2. The terminal flows: M2M, then USER_FEDERATION waiting for a consent given in a browser.
  const [, authorize] = await demo.waitFor(/open (http:\/\/127\.0\.0\.1:\d+\/authorize) in a browser/, 60_000);
  const consent = await context.newPage();
  await consent.goto(authorize);
  assert.equal(new URL(consent.url()).pathname, "/oauth2/authorize");
  await Promise.all([consent.waitForURL((u) => u.pathname === "/callback", { timeout: 15_000 }), consent.click("button[value=allow]")]);
  assert.match((await consent.textContent("body")) ?? "", /Authorized/);
  await consent.close();
  await demo.waitFor(/The agent console is at http:\/\/127\.0\.0\.1:\d+\/: sign in/, 30_000);
  assert.match(demo.output(), /demo complete: both flows reached a token/);
  assert.doesNotMatch(demo.output(), /demo failed/);

  // 3. The console, served by the example Worker: sign in, Connect, Allow in the popup, connected.
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const response = await page.goto(consoleUrl);
  assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self' 'sha256-/);
  await page.click("#login");
  await page.waitForFunction(() => /^Signed in as user-/.test(document.getElementById("who")?.textContent ?? ""));
  await page.waitForSelector("li[data-provider=demo] .status.not-connected");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("li[data-provider=demo] button")]);
  await popup.waitForURL((u) => u.pathname === "/oauth2/authorize");
  await popup.click("button[value=allow]");
  await page.waitForSelector("li[data-provider=demo] .status.connected");
  const steps = await page.$$eval("#steps li", (lis) => lis.map((li) => li.textContent ?? ""));
  assert.ok(steps.some((s) => /Callback verified by the backend/.test(s)), steps.join("\n"));
  // No field of the console takes a credential.
  assert.equal(await page.locator("input").count(), 0);
  assert.deepEqual(problems, []);

  // 4. Ctrl-C on the terminal stops the demo, its Worker and the emulator.
  demo.child.stdin.write("\x03");
  const { code } = await within(demo.exited, 30_000, "the demo stopping on Ctrl-C");
  // The demo ends cleanly (0); npm, interrupted by the same Ctrl-C, may report 130 (128 + SIGINT).
  assert.ok(code === 0 || code === 130, `exit ${code}:\n${demo.output()}`);
  assert.doesNotMatch(demo.output(), /demo failed/);
  await assert.rejects(fetch(consoleUrl, { signal: AbortSignal.timeout(5000) }), "the console still answers");
});

test("npm run demo on a terminal: a consent refused in the terminal's flow ends that flow only; the console is served until Ctrl-C", { timeout: 180_000, skip: !hasScript && "util-linux script is not installed" }, async (t) => {
  const demo = demoOnTerminal(t);
  const [, consoleUrl] = await demo.waitFor(/^Agent console: (http:\/\/127\.0\.0\.1:\d+\/)\r?$/m, 120_000);
  const [, authorize] = await demo.waitFor(/open (http:\/\/127\.0\.0\.1:\d+\/authorize) in a browser/, 60_000);
  // The person refuses the terminal's consent (the emulator's Deny, as its form posts it).
  const consentPage = await fetch(authorize);
  const requestUri = /name="request_uri" value="([^"]+)"/.exec(await consentPage.text())?.[1].replaceAll("&amp;", "&");
  assert.ok(requestUri, "the consent form");
  const denied = await fetch(new URL("/oauth2/authorize", consentPage.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_uri: requestUri, decision: "deny" }),
    redirect: "manual",
  });
  const callback = /** @type {string} */ (denied.headers.get("location"));
  assert.equal((await fetch(callback)).status, 400);
  await demo.waitFor(/demo failed: CallbackError/, 30_000);
  await demo.waitFor(/the agent console is still served[^]*The agent console is at http:\/\/127\.0\.0\.1:\d+\/: sign in/, 30_000);
  // Still served: the console's page, and its sign-in.
  assert.equal((await fetch(consoleUrl)).status, 200);
  const origin = consoleUrl.slice(0, -1);
  const login = await fetch(`${origin}/login`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: "{}" });
  assert.equal(login.status, 200);
  demo.child.stdin.write("\x03");
  const { code } = await within(demo.exited, 30_000, "the demo stopping on Ctrl-C");
  assert.notEqual(code, 0, "the refused flow is the demo's outcome");
  await assert.rejects(fetch(consoleUrl, { signal: AbortSignal.timeout(5000) }), "the console still answers");
});

test("npm run demo: Ctrl-C while it waits for a consent stops the Worker and removes its scratch folder (the Worker's credentials)", { timeout: 180_000, skip: !hasScript && "util-linux script is not installed" }, async (t) => {
  const scratch = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith("agentcore-demo-")));
  const before = scratch();
  const demo = demoOnTerminal(t);
  const [, consoleUrl] = await demo.waitFor(/^Agent console: (http:\/\/127\.0\.0\.1:\d+\/)\r?$/m, 120_000);
  const mine = [...scratch()].filter((f) => !before.has(f));
  assert.equal(mine.length, 1, "the demo's scratch folder");
  assert.ok(existsSync(join(tmpdir(), mine[0], "worker.env")));
  await demo.waitFor(/open http:\/\/127\.0\.0\.1:\d+\/authorize in a browser/, 60_000);
  demo.child.stdin.write("\x03");
  await within(demo.exited, 30_000, "the demo stopping on Ctrl-C");
  assert.equal(existsSync(join(tmpdir(), mine[0])), false, "the scratch folder with the Worker's credentials is left behind");
  // wrangler runs in a process group of its own, which the terminal's Ctrl-C does not reach.
  await assert.rejects(fetch(consoleUrl, { signal: AbortSignal.timeout(5000) }), "the Worker still answers");
});

test("npm run demo without a terminal: the terminal flows, then a connect through the Worker's routes, exit 0", { timeout: 180_000 }, async () => {
  const child = spawn(process.execPath, ["scripts/demo.mjs"], { cwd: root, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await within(new Promise((resolve) => child.once("exit", resolve)), 170_000, "the demo").finally(() => child.exitCode === null && child.kill("SIGKILL"));
  assert.equal(code, 0, output);
  assert.match(output, /^Agent console: http:\/\/127\.0\.0\.1:\d+\/$/m);
  assert.match(output, /demo complete: both flows reached a token/);
  assert.match(output, /GET \/agentcore\/connections -> demo not connected/);
  assert.match(output, /GET \/agentcore\/callback -> 200/);
  assert.match(output, /GET \/agentcore\/connections -> demo connected/);
  assert.match(output, /connect through the Worker complete/);
  // Tokens and states are printed as their length only (request and user ids are UUIDs).
  assert.doesNotMatch(output.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>"), /[A-Za-z0-9_.~+/=-]{40,}/);
});

// `npm run demo` as a developer runs it: on a terminal (a pseudo-terminal from util-linux
// `script`), consent given in a browser, then the agent console it serves, used in headless
// Chromium for M2M and the USER_FEDERATION popup flow, then Ctrl-C.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
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

test("npm run demo on a terminal: consent in a browser, then the console gets tokens (M2M, USER_FEDERATION popup)", { timeout: 110_000, skip: !hasScript && "util-linux script is not installed" }, async (t) => {
  const demo = demoOnTerminal(t);
  const browser = await launch(t);
  const context = await browser.newContext();
  const problems = [];
  context.on("console", (m) => (m.type() === "error" || /Content Security Policy/i.test(m.text())) && problems.push(`${m.text()} (${m.location().url})`));
  context.on("weberror", (e) => problems.push(e.error().message));

  // 1. The terminal flows: M2M, then USER_FEDERATION waiting for a consent given in a browser.
  //    (The demo rebuilds the wasm package when src/ is newer: `npm test` has just built it.)
  const [, authorize] = await demo.waitFor(/open (http:\/\/127\.0\.0\.1:\d+\/authorize) in a browser/, 60_000);
  const consent = await context.newPage();
  await consent.goto(authorize);
  assert.equal(new URL(consent.url()).pathname, "/oauth2/authorize");
  await Promise.all([consent.waitForURL((u) => u.pathname === "/callback", { timeout: 15_000 }), consent.click("button[value=allow]")]);
  assert.match((await consent.textContent("body")) ?? "", /Authorized/);
  await consent.close();

  // 2. The console URL, printed once both terminal flows reached a token.
  const [, consoleUrl] = await demo.waitFor(/The agent console is at (http:\/\/127\.0\.0\.1:\d+\/) /, 30_000);
  assert.match(demo.output(), /demo complete: both flows reached a token/);
  assert.doesNotMatch(demo.output(), /demo failed/);

  // 3. The console, from the demo's own server: the package loads from /pkg/, the emulator is filled in.
  const page = await context.newPage();
  const response = await page.goto(consoleUrl);
  await page.waitForFunction(() => /** @type {HTMLInputElement} */ (document.getElementById("endpoint")).value !== "", null, { timeout: 15_000 });
  assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/);

  const result = () => page.waitForFunction(() => /^(Access token|.*Error)/.test(document.getElementById("result")?.textContent ?? ""), null, { timeout: 30_000 });
  const redacted = /^Access token: •••• \(\d+ characters, redacted\) · request id [0-9a-f-]{36} · 1 attempt\(s\)$/;

  // M2M first.
  await page.click("#run");
  await result();
  assert.match((await page.textContent("#result")) ?? "", redacted);

  // USER_FEDERATION through the popup; consent on the emulator's page.
  await page.check("input[value=USER_FEDERATION]");
  const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: 15_000 }), page.click("#run")]);
  await popup.waitForURL((u) => u.pathname === "/oauth2/authorize", { timeout: 15_000 });
  await popup.click("button[value=allow]");
  await result();
  const steps = await page.$$eval("#steps li", (lis) => lis.map((li) => li.textContent ?? ""));
  assert.match((await page.textContent("#result")) ?? "", redacted, steps.join("\n"));
  assert.ok(steps.some((s) => /Callback verified/.test(s)), steps.join("\n"));
  assert.ok(steps.some((s) => /Session bound to demo-user/.test(s)), steps.join("\n"));
  // Nothing on the page looks like a token: every one is shown as its length only.
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /[A-Za-z0-9_.~+/=-]{40,}/);
  assert.deepEqual(problems, []);

  // 4. Ctrl-C on the terminal stops the demo and its servers.
  demo.child.stdin.write("\x03");
  const { code } = await within(demo.exited, 20_000, "the demo stopping on Ctrl-C");
  // The demo ends cleanly (0); npm, interrupted by the same Ctrl-C, may report 130 (128 + SIGINT).
  assert.ok(code === 0 || code === 130, `exit ${code}:\n${demo.output()}`);
  assert.doesNotMatch(demo.output(), /demo failed/);
  await assert.rejects(fetch(consoleUrl, { signal: AbortSignal.timeout(5000) }), "the console server still answers");
});

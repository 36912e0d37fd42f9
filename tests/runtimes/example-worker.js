// The example Worker (www/worker/) and its console (www/console/), copied as an app would have them
// into a scratch project with the packed package installed, and run by `wrangler dev` against an
// emulator. Shared by workerd.test.js and connect-e2e.test.js.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bin, freePort, project, root, serve } from "./support.js";

export const STATE_SECRET = "worker-test-state-secret-0123456789abcdef";
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

/** The Worker's modules and build files, and the console's files, at the paths build.mjs expects (worker/, console/). */
export function exampleFiles() {
  /** @type {Record<string, string>} */
  const files = {};
  for (const f of readdirSync(join(root, "www", "worker")).filter((f) => /\.(?:js|mjs|toml)$/.test(f))) files[`worker/${f}`] = readFileSync(join(root, "www", "worker", f), "utf8");
  for (const f of readdirSync(join(root, "www", "console"))) files[`console/${f}`] = readFileSync(join(root, "www", "console", f), "utf8");
  return files;
}

/**
 * `wrangler dev` of the example Worker on a free loopback port, against `emu`; `vars` override
 * wrangler.toml's [vars]. With `protocol: "https"`, wrangler serves it over TLS with its own
 * self-signed certificate (the caller's HTTP clients must accept it). Stopped when the test ends.
 */
export async function exampleWorker(t, emu, { name = "worker-example", vars = {}, protocol = "http" } = {}) {
  const dir = project(name, {
    ...exampleFiles(),
    "worker/.dev.vars": `AWS_ACCESS_KEY_ID=${emu.credentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${emu.credentials.secretAccessKey}\nSTATE_SECRET=${STATE_SECRET}\n`,
  });
  const port = await freePort();
  const origin = `${protocol}://127.0.0.1:${port}`;
  const varArgs = Object.entries({ AGENTCORE_ENDPOINT: emu.url, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const server = await serve(t, bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(port), "--local-protocol", protocol, ...varArgs, "--log-level", "warn"], {
    cwd: join(dir, "worker"),
    env: WRANGLER_ENV,
    url: origin,
    timeoutMs: 90_000,
  });
  // wrangler may outlive a SIGTERM once the test's pipes are gone: its whole group is killed
  // outright if it has not exited within five seconds.
  t.after(async () => {
    const { child } = server;
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([new Promise((resolve) => child.once("exit", resolve)), new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  });
  return { origin, dir, server };
}

/** The demo sign-in over HTTP, from the app's own origin: the session cookie ("name=value"). */
export async function login(origin) {
  const res = await fetch(`${origin}/login`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: "{}" });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const setCookie = /** @type {string} */ (res.headers.get("set-cookie"));
  return { cookie: setCookie.split(";")[0], setCookie, userId: JSON.parse(text).userId };
}

/** POST `path` as the console does: JSON, with the app's Origin and the session cookie. */
export function post(origin, path, cookie, { headers = {}, body = "{}" } = {}) {
  return fetch(`${origin}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { origin, "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
    body,
  });
}

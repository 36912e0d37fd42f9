// The example Worker's own code (www/worker/worker.js) in Node, from a scratch project with the
// packed package installed: its session cookie over https (__Host-, Secure) and over http
// (loopback only), the Origin check on /login and /logout, and its refusal to run unconfigured.
// The whole flow under workerd is in workerd.test.js and connect-e2e.test.js.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { exampleFiles, STATE_SECRET } from "./example-worker.js";
import { project } from "./support.js";

const APP = "https://app.example.com";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const HTML = `<!doctype html><title>console</title><script type="importmap">{ "imports": {} }</script>`;

let worker;
before(async () => {
  const dir = project("worker-node", exampleFiles());
  worker = (await import(pathToFileURL(join(dir, "worker", "worker.js")).href)).default;
});

/** A complete env; `more` overrides. No request here reaches AgentCore. */
function env(more = {}) {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AGENTCORE_ENDPOINT: "http://127.0.0.1:9",
    WORKLOAD_NAME: "demo-workload",
    PROVIDERS: { demo: { resourceCredentialProviderName: "demo-user-provider", scopes: ["profile"] } },
    STATE_SECRET,
    AGENTCORE_STATE: { idFromName: () => ({}), get: () => ({ fetch: async () => new Response(null, { status: 500 }) }) },
    ASSETS: { fetch: async () => new Response(HTML, { headers: { "content-type": "text/html; charset=utf-8" } }) },
    ...more,
  };
}
const ENV = env();

/** @param {string} url @param {Record<string, string>} [headers] */
const signIn = (url, headers = {}) => worker.fetch(new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" }), ENV);

describe("the example Worker's session cookie", () => {
  test("over https: __Host-session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain; read back under that name only", async () => {
    const res = await signIn(`${APP}/login`, { origin: APP });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get("set-cookie");
    assert.match(setCookie, /^__Host-session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax; Secure$/);
    const { userId } = await res.json();
    const value = setCookie.split(";")[0].slice("__Host-session=".length);
    const session = (cookie, url = `${APP}/session`) => worker.fetch(new Request(url, { headers: { cookie } }), ENV);
    assert.deepEqual(await (await session(`__Host-session=${value}`)).json(), { userId });
    // The same value under the plain name, over https, is not a session; nor is a forged MAC.
    assert.equal((await session(`session=${value}`)).status, 401);
    assert.equal((await session(`__Host-session=${value.slice(0, -4)}AAAA`)).status, 401);
    // Over http on a loopback host the name is `session`, without Secure.
    const local = await signIn("http://127.0.0.1:8787/login", { origin: "http://127.0.0.1:8787" });
    assert.match(local.headers.get("set-cookie"), /^session=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/);
    const localhost = await signIn("http://localhost:8787/login", { origin: "http://localhost:8787" });
    assert.match(localhost.headers.get("set-cookie"), /^session=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/);
  });

  test("over plain http on a host that is not loopback, no session is given or read", async () => {
    const res = await signIn("http://app.example.com/login", { origin: "http://app.example.com" });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, "insecure_transport");
    assert.equal(res.headers.get("set-cookie"), null);
    const https = await signIn(`${APP}/login`, { origin: APP });
    const value = https.headers.get("set-cookie").split(";")[0].split("=")[1];
    for (const cookie of [`session=${value}`, `__Host-session=${value}`]) {
      assert.equal((await worker.fetch(new Request("http://app.example.com/session", { headers: { cookie } }), ENV)).status, 401);
    }
  });

  test("/login and /logout need the app's own Origin: none, foreign, null, another scheme or port are 403 without a cookie", async () => {
    for (const path of ["/login", "/logout"]) {
      for (const headers of [{}, { origin: "https://evil.example" }, { origin: "null" }, { origin: "http://app.example.com" }, { origin: "https://app.example.com:8443" }, { origin: `${APP}.evil.example` }]) {
        const res = await signIn(`${APP}${path}`, headers);
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}`);
        assert.equal((await res.json()).error.code, "origin_refused");
        assert.equal(res.headers.get("set-cookie"), null);
      }
      const get = await worker.fetch(new Request(`${APP}${path}`), ENV);
      assert.equal(get.status, 405);
    }
    const out = await signIn(`${APP}/logout`, { origin: APP });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie"), /^__Host-session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$/);
  });

  test("the connect routes see the user from this cookie only: no cookie is 401, a foreign Origin 403, before any call to AgentCore", async () => {
    const connect = (headers) => worker.fetch(new Request(`${APP}/agentcore/connect/demo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" }), ENV);
    assert.equal((await connect({ origin: APP })).status, 401);
    const signed = (await signIn(`${APP}/login`, { origin: APP })).headers.get("set-cookie").split(";")[0];
    assert.equal((await connect({ origin: "https://evil.example", cookie: signed })).status, 403);
    assert.equal((await worker.fetch(new Request(`${APP}/agentcore/connections`), ENV)).status, 401);
  });
});

describe("the example Worker's pages and settings", () => {
  test("a call to AgentCore that never answers is a 503 after its requestTimeoutMs and two attempts, not a request held open", async (t) => {
    const http = await import("node:http");
    let attempts = 0;
    const silent = http.createServer(() => attempts++);
    await new Promise((r) => silent.listen(0, "127.0.0.1", r));
    t.after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const hanging = env({ AGENTCORE_ENDPOINT: `http://127.0.0.1:${silent.address().port}` });
    const signed = (await signIn(`${APP}/login`, { origin: APP })).headers.get("set-cookie").split(";")[0];
    const res = await worker.fetch(new Request(`${APP}/agentcore/connect/demo`, { method: "POST", headers: { "content-type": "application/json", origin: APP, cookie: signed }, body: "{}" }), hanging);
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error.code, "service_unavailable");
    assert.equal(attempts, 2);
  });

  test("HTML from [assets] gets the console's CSP with the import map's hash, nosniff and no-referrer", async () => {
    const res = await worker.fetch(new Request(`${APP}/`), ENV);
    const csp = res.headers.get("content-security-policy");
    // sha256 of the import map's text, as the browser computes it.
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update('{ "imports": {} }').digest("base64");
    assert.equal(csp, `default-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  });

  test("unconfigured, every request is a 500 and the log names the missing settings, never a value", async () => {
    const logged = [];
    const original = console.error;
    console.error = (...args) => logged.push(args.join(" "));
    after(() => (console.error = original));
    for (const more of [{ STATE_SECRET: "short" }, { AWS_ACCESS_KEY_ID: "" }, { PROVIDERS: undefined }, { ASSETS: undefined }]) {
      const res = await worker.fetch(new Request(`${APP}/login`, { method: "POST", headers: { origin: APP } }), env(more));
      assert.equal(res.status, 500);
      assert.equal(res.headers.get("set-cookie"), null);
      assert.deepEqual(await res.json(), { error: { code: "not_configured", message: "this Worker is not configured" } });
    }
    console.error = original;
    assert.equal(logged.length, 4);
    assert.match(logged.join("\n"), /STATE_SECRET \(32 bytes or more\)/);
    assert.doesNotMatch(logged.join("\n"), new RegExp(`${SECRET_KEY}|short|AKIDEXAMPLE`));
  });
});

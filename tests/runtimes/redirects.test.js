// Redirects are never followed, in every runtime: workerd (wrangler dev), Chromium, Deno, Bun and
// Vercel's Edge Runtime.
// A service on loopback answers 307 to another origin and 308 to another path on its own host;
// the package ends each call as an Unknown client error after one request, and neither the other
// origin nor the other path receives anything (no signed body with its workloadIdentityToken, no
// x-amz-security-token). Chromium's `fetch` with redirect: "manual" reports an opaque redirect
// (status 0, type "opaqueredirect"); the other runtimes report the 3xx status itself.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { test } from "node:test";
import { WRANGLER_ENV } from "./example-worker.js";
import { recordingServer } from "../support/recording-server.mjs";
import { bin, edgeRuntime, freePort, launch, project, runIn, serve } from "./support.js";

const token = () => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ accessToken: "token-from-where-the-redirect-points" }) });

/**
 * The services of one run: `cross` answers 307 to `other` (another origin), `same` answers 308
 * to /elsewhere on its own host. Closed when the test ends.
 */
async function services(t) {
  const other = await recordingServer(token, { cors: true });
  const cross = await recordingServer(() => ({ status: 307, headers: { location: `${other.url}/identities/oauth2/token`, "content-type": "application/json" }, body: '{"message":"moved"}' }), { cors: true });
  const same = await recordingServer((req) => (req.url === "/elsewhere" ? token() : { status: 308, headers: { location: "/elsewhere", "content-type": "application/json" }, body: '{"message":"moved"}' }), { cors: true });
  t.after(() => Promise.all([other.close(), cross.close(), same.close()]));
  return { other, cross, same, config: { endpoints: [cross.url, same.url] } };
}

/** The module every runtime runs: one call per endpoint, reduced to what the test compares. */
const REDIRECTS = `
import { AgentCoreIdentityClient } from "agentcore-identity-edge";
export async function redirects({ endpoints }) {
  const out = [];
  for (const endpoint of endpoints) {
    const client = new AgentCoreIdentityClient({ region: "us-east-1", endpoint, maxAttempts: 3, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "redirect-session-token" } });
    try {
      const r = await client.getResourceOauth2Token({ workloadIdentityToken: "redirect-workload-token", resourceCredentialProviderName: "redirect-provider", scopes: ["read"], oauth2Flow: "M2M" });
      out.push({ resolved: r.accessToken });
    } catch (e) {
      out.push({ name: e.name, fault: e.$fault, status: e.$metadata?.httpStatusCode, attempts: e.$metadata?.attempts });
    }
  }
  return out;
}
`;

/**
 * Checks a runtime's results: each call an Unknown client error after one attempt (`statuses`, as
 * the runtime's fetch reports them), one POST to each service, nothing anywhere else.
 */
function verify(s, results, statuses) {
  assert.deepEqual(results, statuses.map((status) => ({ name: "Unknown", fault: "client", status, attempts: 1 })));
  for (const svc of [s.cross, s.same]) {
    const posts = svc.requests.filter((r) => r.method === "POST");
    assert.deepEqual(posts.map((r) => r.path), ["/identities/oauth2/token"]);
    assert.equal(posts[0].headers["x-amz-security-token"], "redirect-session-token");
  }
  assert.deepEqual(s.other.requests, [], "the other origin received a request");
  assert.ok(!s.same.requests.some((r) => r.path === "/elsewhere"), "the other path received a request");
}

test("Deno: a redirect is not followed", { timeout: 90_000 }, async (t) => {
  const s = await services(t);
  verify(s, await runIn("deno", "redirects-deno", REDIRECTS, "redirects", s.config), [307, 308]);
});

test("Bun: a redirect is not followed", { timeout: 90_000 }, async (t) => {
  const s = await services(t);
  verify(s, await runIn("bun", "redirects-bun", REDIRECTS, "redirects", s.config), [307, 308]);
});

test("Vercel Edge Runtime: a redirect is not followed", { timeout: 90_000 }, async (t) => {
  const s = await services(t);
  const dir = project("redirects-edge-runtime", {
    "redirects.mjs": REDIRECTS,
    "entry.mjs": 'import { redirects } from "./redirects.mjs";\nglobalThis.__redirects = redirects;\n',
  });
  const runtime = await edgeRuntime(dir, "entry.mjs");
  const results = await runtime.evaluate(`__redirects(${JSON.stringify(s.config)})`);
  verify(s, JSON.parse(JSON.stringify(results)), [307, 308]);
});

test("workerd (wrangler dev): a redirect is not followed", { timeout: 150_000 }, async (t) => {
  const s = await services(t);
  const dir = project("redirects-worker", {
    "wrangler.toml": 'name = "redirects"\nmain = "index.js"\ncompatibility_date = "2025-09-01"\n',
    "redirects.mjs": REDIRECTS,
    // The calls run on /run only: the readiness probe of `serve` reaches the Worker too.
    "index.js":
      'import { redirects } from "./redirects.mjs";\nexport default { async fetch(request, env) { if (new URL(request.url).pathname !== "/run") return new Response("ready"); return Response.json(await redirects(JSON.parse(env.CONFIG))); } };\n',
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await serve(t, bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(port), "--var", `CONFIG:${JSON.stringify(s.config)}`, "--log-level", "warn"], { cwd: dir, env: WRANGLER_ENV, url: origin });
  const res = await fetch(`${origin}/run`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  verify(s, body, [307, 308]);
});

const MIME = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json" };

test("Chromium: an opaque redirect is not followed", { timeout: 90_000 }, async (t) => {
  const s = await services(t);
  const dir = project("redirects-browser");
  const pkgRoot = join(dir, "node_modules", "agentcore-identity-edge");
  // The page and the package, from their own origin (the services are other origins).
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end('<!doctype html><script type="importmap">{"imports":{"agentcore-identity-edge":"/pkg/www/index.js"}}</script><title>redirects</title>');
    }
    const file = normalize(join(pkgRoot, path.replace(/^\/pkg\//, "")));
    if (!path.startsWith("/pkg/") || !file.startsWith(pkgRoot) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": MIME[/** @type {keyof MIME} */ (extname(file))] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", () => resolve(undefined)));
  t.after(() => new Promise((resolve) => (site.closeAllConnections(), site.close(() => resolve(undefined)))));
  const siteUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (site.address()).port}/`;
  const browser = await launch(t);
  const page = await browser.newPage();
  await page.goto(siteUrl);
  const results = await page.evaluate(async ({ source, config }) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const { redirects } = await import(url);
    return redirects(config);
  }, { source: REDIRECTS.replace('from "agentcore-identity-edge"', `from "${siteUrl}pkg/www/index.js"`), config: s.config });
  verify(s, results, [0, 0]);
});

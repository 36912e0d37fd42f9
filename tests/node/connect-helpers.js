// The connect routes under Node 20: a small node:http adapter (Request in, Response out), an app
// that chains the routes before its own answer, a test sign-in read from a cookie, the emulator,
// and a log of every response the "browser" received, for the secret scan.
import assert from "node:assert/strict";
import http from "node:http";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { submitConsent } from "../../emulator/consent.js";
import { importSubpath, nodeEntry } from "../support/package.mjs";
import { emulator, WORKLOAD } from "./helpers.js";

export { emulator, WORKLOAD };

export const STATE_SECRET = "connect-test-state-secret-0123456789abcdef";

/** The package's main entry and its `/connect` subpath, both as installed from the tarball. */
export async function packages() {
  return { pkg: await import(pathToFileURL(nodeEntry()).href), connect: await importSubpath("connect") };
}

/**
 * A client that records every workload access token it is given (to look for them in responses).
 * @param {any} pkg @param {any} emu
 */
export function recordingClient(pkg, emu) {
  const workloadTokens = new Set();
  class RecordingClient extends pkg.AgentCoreIdentityClient {
    async getWorkloadAccessTokenForUserId(input, options) {
      const out = await super.getWorkloadAccessTokenForUserId(input, options);
      workloadTokens.add(out.workloadAccessToken);
      return out;
    }
    async getWorkloadAccessTokenForJWT(input, options) {
      const out = await super.getWorkloadAccessTokenForJWT(input, options);
      workloadTokens.add(out.workloadAccessToken);
      return out;
    }
  }
  const client = new RecordingClient({ region: "us-east-1", endpoint: emu.url, credentials: emu.credentials });
  return { client, workloadTokens };
}

/**
 * The test sign-in: cookie `test_user=<id>` is `{ userId }`, `test_jwt=<jwt>` is `{ userToken }`.
 * @param {Request} request
 */
export function authenticate(request) {
  const cookie = request.headers.get("cookie") ?? "";
  const user = /(?:^|;\s*)test_user=([A-Za-z0-9_-]{1,64})(?:;|$)/.exec(cookie);
  if (user) return { userId: user[1] };
  const jwt = /(?:^|;\s*)test_jwt=([A-Za-z0-9_.-]{1,4096})(?:;|$)/.exec(cookie);
  if (jwt) return { userToken: jwt[1] };
  return null;
}

/**
 * The connect routes with one provider, `docs` (the emulator's user-federation provider), the test
 * sign-in, and the pages of `allowedOrigins` allowed.
 * @param {any} pkg @param {any} connect @param {any} client @param {string[]} allowedOrigins
 */
export function docsRoutes(pkg, connect, client, allowedOrigins) {
  return connect.createConnectRoutes({
    client,
    workloadName: WORKLOAD,
    providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] } },
    stateSecret: STATE_SECRET,
    stateStore: new pkg.InMemoryStateStore(),
    authenticate,
    allowedOrigins,
  });
}

/** A JWT with `sub` (the emulator reads its payload; the signature part is junk). @param {string} sub */
export function jwt(sub, extra = {}) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ sub, iss: "https://idp.example", exp: Math.floor(Date.now() / 1000) + 3600, ...extra })}.c2lnbmF0dXJl`;
}

/**
 * Serves `handlers` (each `(Request) => Promise<Response | null>`, tried in order) on a loopback
 * port through node:http, as an app would; a path none answers gets the app's own 200 "app".
 * @param {import("node:test").TestContext} t
 * @param {((request: Request) => Promise<Response | null>)[]} handlers
 */
export async function serve(t, handlers) {
  const server = http.createServer(async (req, res) => {
    try {
      const url = `http://${req.headers.host}${req.url}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, { method: req.method, headers, body: hasBody ? /** @type {any} */ (Readable.toWeb(req)) : undefined, duplex: "half" });
      let response = null;
      for (const h of handlers) {
        response = await h(request);
        if (response) break;
      }
      response ??= new Response("app", { status: 200, headers: { "content-type": "text/plain" } });
      res.statusCode = response.status;
      response.headers.forEach((v, k) => res.setHeader(k, v));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      // The routes never throw: a failure here is the adapter's, and fails the test that sees it.
      res.statusCode = 599;
      res.end(`adapter: ${e?.name}`);
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => server.close(r)));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin };
}

/**
 * A "browser" for `origin`: every request and response is logged (for the scan); `cookie` is the
 * signed-in user's cookie.
 * @param {string} origin
 */
export function browser(origin) {
  /** @type {{ url: string, status: number, headers: [string, string][], body: string }[]} */
  const seen = [];
  /**
   * @param {string} path @param {RequestInit & { cookie?: string }} [init]
   */
  async function call(path, init = {}) {
    const { cookie, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (cookie) headers.set("cookie", cookie);
    const res = await fetch(new URL(path, origin), { ...rest, headers, redirect: "manual" });
    const body = await res.text();
    const entry = { url: String(new URL(path, origin)), status: res.status, headers: [...res.headers], body };
    seen.push(entry);
    return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body) };
  }
  /** A POST with the page's own Origin and a JSON body, as the console sends it. */
  const post = (path, cookie, more = {}) => call(path, { method: "POST", cookie, body: "{}", ...more, headers: { origin, "content-type": "application/json", ...more.headers } });
  return { call, post, seen };
}

/**
 * Allows the emulator's consent page; returns the callback URL it redirects to (path and query).
 * @param {string} authorizationUrl
 */
export async function allow(authorizationUrl, decision = "allow") {
  const { status, location } = await submitConsent(authorizationUrl, decision);
  assert.equal(status, 302);
  assert.ok(location);
  return location;
}

/** The message the callback page posts to its opener, read from its script. @param {string} html */
export function pageMessage(html) {
  const m = /var m=(\{.*?\}),o=(\[.*?\]);/.exec(html);
  assert.ok(m, "the callback page has its message");
  return { message: JSON.parse(m[1]), origins: JSON.parse(m[2]) };
}

/**
 * Asserts that no response in `seen` holds any of `secrets` (in a header or the body).
 * @param {{ url: string, headers: [string, string][], body: string }[]} seen @param {Iterable<string>} secrets
 */
export function assertNoSecrets(seen, secrets) {
  const list = [...secrets].filter((s) => typeof s === "string" && s.length >= 8);
  assert.ok(list.length > 0, "there are secrets to look for");
  for (const r of seen) {
    const text = `${r.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${r.body}`;
    for (const s of list) {
      assert.ok(!text.includes(s) && !text.includes(encodeURIComponent(s)), `a secret (${s.slice(0, 6)}...) is in the response to ${new URL(r.url).pathname}`);
    }
  }
}

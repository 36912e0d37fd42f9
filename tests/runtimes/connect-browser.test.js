// connectProvider (agentcore-identity-edge/connect/browser) against a scripted window and a scripted
// fetch, in Node, from the installed package: the request it sends, the popup it opens and
// navigates, the messages it accepts, every refusal, and every wrong argument.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { nodeEntry } from "../support/package.mjs";

// The installed package's module, found from the entry the suites import (a scratch project).
const www = dirname(createRequire(nodeEntry()).resolve("agentcore-identity-edge/connect/browser"));
const browser = await import(pathToFileURL(join(www, "connect-browser.js")).href);
const { connectProvider, ConnectError } = browser;
const errors = await import(pathToFileURL(join(www, "errors.js")).href);
const { ConfigurationError, PopupError } = errors;

const APP = "https://app.example.com";
const TYPE = "agentcore-identity-edge:connect";
const CONSENT = "https://auth.example.com/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc";
const GLOBALS = ["open", "addEventListener", "removeEventListener", "location", "fetch"];

/** A scripted browser window on globalThis: `open` calls, message listeners, fetch calls and replies. */
let win;
let saved;
beforeEach(() => {
  saved = Object.fromEntries(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  win = { opened: [], listeners: new Set(), requests: [], reply: () => json({ provider: "github", status: "authorization_required", authorizationUrl: CONSENT }), open: null };
  const define = (k, value) => Object.defineProperty(globalThis, k, { value, configurable: true, writable: true });
  define("open", (url, name, features) => {
    if (win.open) return win.open();
    const popup = { closed: false, location: { href: url }, close() { this.closed = true; } };
    win.opened.push({ url, name, features, popup });
    return popup;
  });
  define("addEventListener", (type, fn) => type === "message" && win.listeners.add(fn));
  define("removeEventListener", (type, fn) => type === "message" && win.listeners.delete(fn));
  define("location", { origin: APP });
  define("fetch", async (url, init) => {
    win.requests.push({ url, init });
    return win.reply(url, init);
  });
});
afterEach(() => {
  for (const [k, d] of Object.entries(saved)) {
    if (d) Object.defineProperty(globalThis, k, d);
    else delete globalThis[k];
  }
});

/** @param {unknown} body @param {number} [status] */
function json(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Delivers a message to every listener, as the browser would. */
function deliver(source, data, origin = APP) {
  for (const fn of [...win.listeners]) fn({ origin, source, data });
}

/** Waits (event-loop turns, bounded by count) until `check()` holds. */
async function until(check, what) {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never: ${what}`);
}

const navigated = () => until(() => win.opened[0]?.popup.location.href === CONSENT, "the popup went to the consent page");

/** Whether the promise is still pending after a few turns of the event loop. */
async function pending(promise) {
  const PENDING = Symbol("pending");
  let r = PENDING;
  promise.then(() => (r = "resolved"), () => (r = "rejected"));
  for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
  return r === PENDING;
}

test("PopupError and ConfigurationError from connect/browser are the main entry's classes", async () => {
  const main = await import(nodeEntry());
  assert.equal(browser.PopupError, main.PopupError);
  assert.equal(browser.ConfigurationError, main.ConfigurationError);
  assert.equal(browser.PopupError, PopupError);
});

describe("connectProvider: the flow", () => {
  test("opens about:blank at once in a fresh window, POSTs the connect route as JSON with the page's cookies, navigates, resolves on the callback's message", async () => {
    const p = connectProvider("github");
    // Synchronously, before any await: popup blockers allow only a window opened inside the click.
    assert.equal(win.opened.length, 1);
    const [{ url, name, features, popup }] = win.opened;
    assert.equal(url, "about:blank");
    assert.match(name, /^agentcore-connect-[0-9a-f]{32}$/);
    assert.equal(features, "popup,width=520,height=720");
    await navigated();
    assert.equal(win.requests.length, 1);
    const [{ url: target, init }] = win.requests;
    assert.equal(target, `${APP}/agentcore/connect/github`);
    assert.equal(init.method, "POST");
    assert.equal(init.credentials, "include");
    assert.equal(init.redirect, "manual");
    assert.equal(init.headers["content-type"], "application/json");
    assert.equal(init.body, "{}");
    assert.ok(init.signal instanceof AbortSignal);

    // Ignored: another origin, another window, another type, another provider, a malformed message.
    deliver(popup, { type: TYPE, status: "connected", provider: "github" }, "https://evil.example");
    deliver({}, { type: TYPE, status: "connected", provider: "github" });
    deliver(popup, { type: "agentcore-identity-edge:oauth2-callback", status: "connected", provider: "github" });
    deliver(popup, { type: TYPE, status: "connected", provider: "gitlab" });
    deliver(popup, { type: TYPE, status: "error", provider: "gitlab", code: "state_replayed", message: "x" });
    deliver(popup, "connected");
    deliver(popup, null);
    deliver(popup, Object.assign(Object.create({ type: TYPE, status: "connected", provider: "github" })));
    assert.ok(await pending(p), "a message that is not the callback's settled the promise");

    deliver(popup, { type: TYPE, status: "connected", provider: "github" });
    assert.deepEqual(await p, { provider: "github", status: "connected" });
    assert.equal(popup.closed, true);
    assert.equal(win.listeners.size, 0);
    assert.equal(init.signal.aborted, true, "the request's controller is released");
  });

  test("with Object.prototype.status = 'connected', a message or a reply without its own status is not taken as connected", async () => {
    Object.defineProperty(Object.prototype, "status", { value: "connected", configurable: true, writable: true, enumerable: false });
    try {
      const p = connectProvider("github");
      await navigated();
      const popup = win.opened[0].popup;
      deliver(popup, { type: TYPE, provider: "github" });
      assert.ok(await pending(p), "a message without its own status settled the promise");
      deliver(popup, { type: TYPE, status: "error", provider: "github", code: "state_replayed", message: "replayed" });
      assert.equal((await p.then(() => assert.fail("resolved"), (e) => e)).code, "state_replayed");

      win.reply = () => json({ provider: "github" });
      const e = await connectProvider("github").then(() => assert.fail("resolved"), (e) => e);
      assert.ok(e instanceof ConnectError, String(e));
      assert.equal(e.code, "response_invalid");
    } finally {
      delete Object.prototype.status;
    }
  });

  test("a provider already connected resolves without navigating, and closes the popup", async () => {
    win.reply = () => json({ provider: "github", status: "connected" });
    assert.deepEqual(await connectProvider("github"), { provider: "github", status: "connected" });
    assert.equal(win.opened[0].popup.location.href, "about:blank");
    assert.equal(win.opened[0].popup.closed, true);
  });

  test("basePath, origin and features are used as given; the provider is one path segment", async () => {
    win.reply = () => json({ provider: "my_provider-1", status: "connected" });
    await connectProvider("my_provider-1", { basePath: "/api/connect", origin: "http://127.0.0.1:8787", features: "popup,width=600" });
    assert.equal(win.requests[0].url, "http://127.0.0.1:8787/api/connect/connect/my_provider-1");
    assert.equal(win.opened[0].features, "popup,width=600");
  });

  test("the callback page's error is a ConnectError with its code and a plain message", async () => {
    const p = connectProvider("github");
    await navigated();
    deliver(win.opened[0].popup, { type: TYPE, status: "error", provider: "github", code: "state_replayed", message: "this authorization was\nalready used" });
    const e = await p.then(() => assert.fail("resolved"), (e) => e);
    assert.ok(e instanceof ConnectError);
    assert.equal(e.name, "ConnectError");
    assert.equal(e.code, "state_replayed");
    assert.equal(e.message, "this authorization was already used");
    assert.equal(e.provider, "github");
    assert.equal(win.opened[0].popup.closed, true);
  });

  test("an error code of an unknown shape is callback_refused", async () => {
    const p = connectProvider("github");
    await navigated();
    deliver(win.opened[0].popup, { type: TYPE, status: "error", code: "<script>", message: 42 });
    const e = await p.then(() => assert.fail("resolved"), (e) => e);
    assert.equal(e.code, "callback_refused");
    assert.equal(e.message, "the callback was refused");
  });
});

describe("connectProvider: refusals reject with typed errors and close the popup", () => {
  /** @param {() => Response | Promise<Response>} reply */
  async function refusedWith(reply) {
    win.reply = reply;
    const e = await connectProvider("github").then(() => assert.fail("resolved"), (e) => e);
    assert.equal(win.opened[0].popup.closed, true, "the popup is closed");
    assert.equal(win.opened[0].popup.location.href, "about:blank", "the popup was not navigated");
    assert.equal(win.listeners.size, 0);
    return e;
  }

  for (const [status, code] of [[401, "unauthenticated"], [403, "origin_refused"], [404, "provider_unknown"], [415, "content_type_refused"], [502, "service_error"], [503, "state_store_unavailable"]]) {
    test(`HTTP ${status} { error: { code: ${code} } } is a ConnectError with that code and status`, async () => {
      const e = await refusedWith(() => json({ error: { code, message: `refused: ${code}` } }, status));
      assert.ok(e instanceof ConnectError);
      assert.deepEqual([e.code, e.status, e.message, e.provider], [code, status, `refused: ${code}`, "github"]);
    });
  }

  test("a refusal that is not the routes' JSON is response_invalid, with the status", async () => {
    const e = await refusedWith(() => new Response("<h1>Bad gateway</h1>", { status: 502 }));
    assert.deepEqual([e.name, e.code, e.status], ["ConnectError", "response_invalid", 502]);
    assert.doesNotMatch(e.message, /<h1>/);
  });

  test("a redirect (manual: opaqueredirect, or a visible 3xx) is never followed: response_invalid", async () => {
    const opaque = Object.defineProperty(new Response(null, { status: 200 }), "type", { value: "opaqueredirect" });
    for (const reply of [() => opaque, () => new Response(null, { status: 307, headers: { location: "https://evil.example/" } })]) {
      win.opened.length = 0;
      const e = await refusedWith(reply);
      assert.deepEqual([e.name, e.code], ["ConnectError", "response_invalid"]);
    }
  });

  test("a network failure is network_error, with the host's error as cause", async () => {
    const cause = new TypeError("Failed to fetch");
    const e = await refusedWith(() => Promise.reject(cause));
    assert.deepEqual([e.name, e.code, e.status], ["ConnectError", "network_error", undefined]);
    assert.equal(e.cause, cause);
  });

  test("a 200 for another provider, without a status, or not JSON is response_invalid", async () => {
    for (const body of [{ provider: "gitlab", status: "connected" }, { provider: "github" }, { provider: "github", status: "authorization_required" }, "text"]) {
      win.opened.length = 0;
      const e = await refusedWith(() => (typeof body === "string" ? new Response(body) : json(body)));
      assert.deepEqual([e.name, e.code], ["ConnectError", "response_invalid"], JSON.stringify(body));
    }
  });

  test("an authorization URL other than https (or http on loopback) is refused: url_refused, the popup never goes there", async () => {
    for (const authorizationUrl of ["javascript:alert(1)", "data:text/html,x", "http://auth.example.com/authorize", "https://user:pw@auth.example.com/", "/relative", 42]) {
      win.opened.length = 0;
      const e = await refusedWith(() => json({ provider: "github", status: "authorization_required", authorizationUrl }));
      assert.ok(e instanceof PopupError, String(authorizationUrl));
      assert.equal(e.code, "url_refused");
      assert.doesNotMatch(e.message, /alert|auth\.example|pw/);
    }
  });

  test("http on a loopback host is followed (the local emulator)", async () => {
    const local = "http://127.0.0.1:8790/oauth2/authorize?request_uri=x";
    win.reply = () => json({ provider: "github", status: "authorization_required", authorizationUrl: local });
    const p = connectProvider("github");
    await until(() => win.opened[0].popup.location.href === local, "navigated to the emulator");
    deliver(win.opened[0].popup, { type: TYPE, status: "connected", provider: "github" });
    assert.equal((await p).status, "connected");
  });

  test("a blocked popup (null, or open throws) is popup_blocked, and nothing is sent", async () => {
    for (const open of [() => null, () => { throw new DOMException("blocked", "SecurityError"); }]) {
      win.open = open;
      const e = await connectProvider("github").then(() => assert.fail("resolved"), (e) => e);
      assert.ok(e instanceof PopupError);
      assert.equal(e.code, "popup_blocked");
    }
    assert.equal(win.requests.length, 0);
  });

  test("a popup closed by the user is popup_closed", async () => {
    const p = connectProvider("github");
    await navigated();
    win.opened[0].popup.closed = true;
    const e = await p.then(() => assert.fail("resolved"), (e) => e);
    assert.ok(e instanceof PopupError);
    assert.equal(e.code, "popup_closed");
    assert.equal(win.listeners.size, 0);
  });

  test("a success posted by the callback page just before it closes itself is not lost to the closed-poll (popup_closed)", async () => {
    const p = connectProvider("github");
    await navigated();
    const popup = win.opened[0].popup;
    // The page has closed itself; its message is still on its way when the poll first sees it closed.
    let reads = 0;
    let closed = true;
    Object.defineProperty(popup, "closed", { configurable: true, get: () => (reads++, closed), set: (v) => (closed = v) });
    while (reads === 0) await new Promise((r) => setTimeout(r, 20));
    deliver(popup, { type: TYPE, status: "connected", provider: "github" });
    assert.deepEqual(await p, { provider: "github", status: "connected" });
    assert.equal(win.listeners.size, 0);
  });

  test("no callback within timeoutMs is a PopupError timeout, and closes the popup", async () => {
    const e = await connectProvider("github", { timeoutMs: 1 }).then(() => assert.fail("resolved"), (e) => e);
    assert.ok(e instanceof PopupError);
    assert.equal(e.code, "timeout");
    assert.equal(win.opened[0].popup.closed, true);
  });

  test("an abort rejects with the signal's reason, closes the popup and cancels the request; an aborted signal opens nothing", async () => {
    const controller = new AbortController();
    win.reply = (_url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    const p = connectProvider("github", { signal: controller.signal });
    await until(() => win.requests.length === 1, "the request was sent");
    const reason = new Error("the user navigated away");
    controller.abort(reason);
    assert.equal(await p.then(() => assert.fail("resolved"), (e) => e), reason);
    assert.equal(win.opened[0].popup.closed, true);
    assert.equal(win.requests[0].init.signal.aborted, true);

    win.opened.length = 0;
    const already = AbortSignal.abort(reason);
    assert.equal(await connectProvider("github", { signal: already }).then(() => assert.fail("resolved"), (e) => e), reason);
    assert.equal(win.opened.length, 0);
  });
});

describe("connectProvider: wrong arguments are ConfigurationErrors, before any window or request", () => {
  const WRONG_PROVIDERS = ["", null, undefined, NaN, 42, {}, [], Symbol("p"), "a/b", "..", ".hidden", "a b", "a?b", "a#b", "x".repeat(65), "a.b", "é", new String("github")];
  const WRONG_OPTIONS = [
    null,
    [],
    "options",
    42,
    Symbol("o"),
    { basePath: "" },
    { basePath: "agentcore" },
    { basePath: "/agentcore/" },
    { basePath: "//evil.example" },
    { basePath: "/a/../b" },
    { basePath: "/a?x=1" },
    { basePath: null },
    { basePath: NaN },
    { origin: "" },
    { origin: null },
    { origin: "https://app.example.com/" },
    { origin: "https://app.example.com/path" },
    { origin: "javascript:alert(1)" },
    { origin: "null" },
    { origin: {} },
    { timeoutMs: 0 },
    { timeoutMs: -1 },
    { timeoutMs: NaN },
    { timeoutMs: 1.5 },
    { timeoutMs: "1000" },
    { timeoutMs: 2 ** 31 },
    { features: 1 },
    { features: null },
    { features: "popup,noopener" },
    { features: "noreferrer" },
    { signal: {} },
    { signal: null },
    { signal: "abort" },
  ];

  async function configRefusal(promise, what) {
    const e = await promise.then(() => assert.fail(`resolved for ${what}`), (e) => e);
    assert.ok(e instanceof ConfigurationError, `${what}: ${e?.name}: ${e?.message}`);
    return e;
  }

  test("provider", async () => {
    for (const p of WRONG_PROVIDERS) await configRefusal(connectProvider(p), String(typeof p === "symbol" ? "symbol" : JSON.stringify(p)));
    assert.equal(win.opened.length, 0);
    assert.equal(win.requests.length, 0);
  });

  test("options", async () => {
    for (const o of WRONG_OPTIONS) await configRefusal(connectProvider("github", o), typeof o === "symbol" ? "symbol" : JSON.stringify(o, (_k, v) => (Number.isNaN(v) ? "NaN" : v)));
    assert.equal(win.opened.length, 0);
    assert.equal(win.requests.length, 0);
  });

  test("a getter that throws, or a revoked proxy, is a ConfigurationError", async () => {
    const getter = Object.defineProperty({}, "basePath", { enumerable: true, get() { throw new Error("boom"); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    await configRefusal(connectProvider("github", getter), "throwing getter");
    await configRefusal(connectProvider("github", proxy), "revoked proxy");
    assert.equal(win.opened.length, 0);
    // Each option is read once: a getter cannot give one value to the check and another to the use.
    /** @type {Record<string, number>} */
    const reads = {};
    const counted = {};
    for (const [key, value] of Object.entries({ basePath: "/agentcore", timeoutMs: 5000, features: "popup" })) {
      Object.defineProperty(counted, key, { enumerable: true, get: () => ((reads[key] = (reads[key] ?? 0) + 1), value) });
    }
    win.reply = () => json({ provider: "github", status: "connected" });
    await connectProvider("github", counted);
    assert.deepEqual(reads, { basePath: 1, timeoutMs: 1, features: 1 });
  });

  test("a given origin must be https, or http on a loopback host; the page's own origin is taken as it is", async () => {
    for (const origin of ["http://app.example.com", "http://console.example.com:8080", "http://localhost.example"]) {
      const e = await configRefusal(connectProvider("github", { origin }), origin);
      assert.match(e.message, /origin/);
    }
    assert.equal(win.opened.length, 0);
    win.reply = () => json({ provider: "github", status: "connected" });
    for (const origin of ["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787", "https://app.example.com"]) {
      assert.deepEqual(await connectProvider("github", { origin }), { provider: "github", status: "connected" });
    }
    globalThis.location = { origin: "http://intranet.example" };
    assert.deepEqual(await connectProvider("github"), { provider: "github", status: "connected" });
    assert.deepEqual(win.requests.map((r) => new URL(r.url).origin), ["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787", "https://app.example.com", "http://intranet.example"]);
  });

  test("without a location, the origin must be given", async () => {
    delete globalThis.location;
    await configRefusal(connectProvider("github"), "no location");
  });

  test("outside a browser window (no window.open), it refuses", async () => {
    delete globalThis.open;
    await configRefusal(connectProvider("github", { origin: APP }), "no window.open");
  });

  test("options are read as own properties only: inherited ones, and a polluted Object.prototype, are ignored", async () => {
    win.reply = () => json({ provider: "github", status: "connected" });
    await connectProvider("github", Object.create({ basePath: "/evil", origin: "https://evil.example" }));
    assert.equal(win.requests.at(-1).url, `${APP}/agentcore/connect/github`);
    Object.prototype.origin = "https://evil.example";
    Object.prototype.basePath = "/evil";
    try {
      await connectProvider("github", {});
      await connectProvider("github");
    } finally {
      delete Object.prototype.origin;
      delete Object.prototype.basePath;
    }
    assert.deepEqual(win.requests.slice(-2).map((r) => r.url), [`${APP}/agentcore/connect/github`, `${APP}/agentcore/connect/github`]);
  });
});

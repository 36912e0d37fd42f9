// authorizeInPopup and postCallbackToOpener against a scripted window (the installed package, in
// Node): which URLs may be opened, argument checks, window names, the callback message.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { nodeEntry } from "../support/package.mjs";

const pkg = await import(nodeEntry());
const { authorizeInPopup, postCallbackToOpener, ConfigurationError, PopupError } = pkg;

const APP = "https://app.example.com";
const MESSAGE_TYPE = "agentcore-identity-edge:oauth2-callback";
const GLOBALS = ["open", "addEventListener", "removeEventListener", "location", "opener", "close"];

/** A scripted browser window on globalThis: records `open` calls, message listeners, posts. */
let win;
let saved;
beforeEach(() => {
  saved = Object.fromEntries(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  win = { opened: [], listeners: new Set(), posted: [], closed: false };
  const define = (k, value) => Object.defineProperty(globalThis, k, { value, configurable: true, writable: true });
  define("open", (url, name, features) => {
    const popup = fakePopup();
    popup.location.href = url;
    win.opened.push({ url, name, features, popup });
    return popup;
  });
  define("addEventListener", (type, fn) => type === "message" && win.listeners.add(fn));
  define("removeEventListener", (type, fn) => type === "message" && win.listeners.delete(fn));
  define("location", { origin: APP, search: "?session_id=s&state=x" });
  define("opener", null);
  define("close", () => (win.closed = true));
});
afterEach(() => {
  for (const [k, d] of Object.entries(saved)) {
    if (d) Object.defineProperty(globalThis, k, d);
    else delete globalThis[k];
  }
});

function fakePopup() {
  return { closed: false, location: { href: "about:blank" }, close() { this.closed = true; } };
}

/** Delivers a callback message from `source` to every listener, as the browser would. */
function deliver(source, search = "?session_id=urn%3Ax&state=abc", origin = APP) {
  for (const fn of [...win.listeners]) fn({ origin, source, data: { type: MESSAGE_TYPE, search } });
}

/**
 * What the promise settled to after the pending jobs and one turn of the event loop: a refusal
 * happens before anything asynchronous, so a promise still pending then would hang.
 */
async function settled(promise) {
  const PENDING = Symbol("pending");
  const outcome = promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  const r = await Promise.race([outcome, new Promise((resolve) => setImmediate(() => resolve(PENDING)))]);
  assert.notEqual(r, PENDING, "the promise did not settle");
  return r;
}

async function refusal(promise) {
  const r = await settled(promise);
  assert.ok("error" in r, `expected a rejection, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const REFUSED_URLS = [
  "javascript:alert(document.domain)",
  "JavaScript:alert(1)",
  " \tjavascript:alert(1)",
  "java\nscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "blob:https://app.example.com/0b7f3b5e-1111-4e4e-9999-000000000000",
  "file:///etc/passwd",
  "vbscript:msgbox(1)",
  "ftp://auth.example.com/authorize",
  "http://auth.example.com/authorize",
  "http://127.0.0.1.evil.example/authorize",
  "http://localhost.evil.example/authorize",
  "http://app.localhost/authorize",
  "http://10.0.0.1/authorize",
  "http://[::2]/authorize",
  "https://user:password@auth.example.com/authorize",
  "//auth.example.com/authorize",
  "/oauth2/authorize",
  "not a url",
];

const ACCEPTED_URLS = [
  ["https://auth.example.com/authorize?request_uri=x", "https://auth.example.com/authorize?request_uri=x"],
  ["HTTPS://Auth.Example.com/a", "https://auth.example.com/a"],
  ["http://localhost:9000/oauth2/authorize", "http://localhost:9000/oauth2/authorize"],
  ["http://LOCALHOST/x", "http://localhost/x"],
  ["http://127.0.0.1:4566/x", "http://127.0.0.1:4566/x"],
  ["http://127.1.2.3/x", "http://127.1.2.3/x"],
  ["http://[::1]:8080/x", "http://[::1]:8080/x"],
];

describe("authorizeInPopup: the authorization URL", () => {
  test("a javascript: URL is refused before any window is opened or navigated", async () => {
    const e = await refusal(authorizeInPopup("javascript:opener.document.title='pwned'", { callbackOrigin: APP }));
    assert.ok(e instanceof PopupError, String(e));
    assert.equal(e.code, "url_refused");
    assert.equal(win.opened.length, 0, "window.open was called");

    const popup = fakePopup();
    const e2 = await refusal(authorizeInPopup("javascript:opener.document.title='pwned'", { callbackOrigin: APP, popup }));
    assert.equal(e2.code, "url_refused");
    assert.equal(popup.location.href, "about:blank", "the app's popup was navigated");
    assert.equal(win.listeners.size, 0);
  });

  for (const url of REFUSED_URLS) {
    test(`refused: ${JSON.stringify(url)}`, async () => {
      const popup = fakePopup();
      for (const options of [{ callbackOrigin: APP }, { callbackOrigin: APP, popup }]) {
        const e = await refusal(authorizeInPopup(url, options));
        assert.ok(e instanceof PopupError, String(e));
        assert.equal(e.code, "url_refused");
        assert.ok(!e.message.includes(url.trim()) || url.length < 8, "the message quotes the URL");
      }
      assert.equal(win.opened.length, 0);
      assert.equal(popup.location.href, "about:blank");
    });
  }

  for (const [url, href] of ACCEPTED_URLS) {
    test(`opened: ${url}`, async () => {
      const pending = authorizeInPopup(url, { callbackOrigin: APP });
      assert.equal(win.opened.length, 1);
      assert.equal(win.opened[0].url, href);
      deliver(win.opened[0].popup);
      const r = await settled(pending);
      assert.equal(r.value.get("state"), "abc");

      const popup = fakePopup();
      const pending2 = authorizeInPopup(url, { callbackOrigin: APP, popup });
      assert.equal(popup.location.href, href);
      assert.equal(win.opened.length, 1, "the app's popup is navigated, no new window");
      deliver(popup);
      assert.equal((await settled(pending2)).value.get("session_id"), "urn:x");
      assert.equal(win.listeners.size, 0);
    });
  }
});

describe("authorizeInPopup: arguments", () => {
  const URL_OK = "https://auth.example.com/authorize";
  const bad = ["", null, undefined, NaN, 0, 42, {}, [], Symbol("x"), () => {}, true];

  test("a non-string or empty authorization URL -> ConfigurationError", async () => {
    for (const url of bad) {
      const e = await refusal(authorizeInPopup(/** @type {any} */ (url), { callbackOrigin: APP }));
      assert.ok(e instanceof ConfigurationError, `${String(url?.toString?.() ?? url)}: ${e}`);
    }
    assert.equal(win.opened.length, 0);
  });

  test("options that are not an object -> ConfigurationError", async () => {
    for (const options of [undefined, null, "", 42, NaN, Symbol("x"), "https://app.example.com", []]) {
      const e = await refusal(authorizeInPopup(URL_OK, /** @type {any} */ (options)));
      assert.ok(e instanceof ConfigurationError, String(e));
    }
    assert.equal(win.opened.length, 0);
  });

  const cases = {
    callbackOrigin: [...bad, "*", "null", "app.example.com", "https://app.example.com/", "https://app.example.com/callback", "javascript:x", "file:///x", "HTTPS://APP.EXAMPLE.COM"],
    timeoutMs: ["", null, NaN, 0, -1, 1.5, Infinity, -Infinity, 2 ** 31, {}, Symbol("x"), "1000", true],
    features: [null, 42, NaN, {}, Symbol("x"), "popup,noopener", "noreferrer", "popup, NoOpener=yes"],
    signal: [null, "", 42, NaN, {}, Symbol("x"), { aborted: false }, { aborted: false, addEventListener() {}, removeEventListener() {} }, Object.create(AbortSignal.prototype)],
    popup: [null, "", 42, NaN, {}, Symbol("x"), { closed: false }],
  };
  for (const [name, values] of Object.entries(cases)) {
    test(`${name}: wrong type or range -> ConfigurationError naming it, before any window`, async () => {
      for (const value of values) {
        const options = { callbackOrigin: APP, [name]: value };
        const e = await refusal(authorizeInPopup(URL_OK, options));
        assert.ok(e instanceof ConfigurationError, `${name}=${typeof value === "symbol" ? "Symbol" : JSON.stringify(value)}: ${e}`);
        assert.match(e.message, new RegExp(name));
      }
      assert.equal(win.opened.length, 0);
    });
  }

  test("a blocked popup, a closed popup, an aborted signal: typed, settled", async () => {
    globalThis.open = () => null;
    const blocked = await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP }));
    assert.equal(blocked.code, "popup_blocked");
    globalThis.open = () => {
      throw new DOMException("refused", "SecurityError");
    };
    const threw = await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP }));
    assert.ok(threw instanceof PopupError);
    assert.equal(threw.code, "popup_blocked");
    const closed = fakePopup();
    closed.closed = true;
    assert.equal((await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP, popup: closed }))).code, "popup_closed");
    const reason = new Error("stop");
    assert.equal(await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP, signal: AbortSignal.abort(reason) })), reason);
  });

  test("an abort during the flow closes the popup and rejects with the reason", async () => {
    const ac = new AbortController();
    const popup = fakePopup();
    const pending = authorizeInPopup(URL_OK, { callbackOrigin: APP, popup, signal: ac.signal });
    const reason = new Error("cancelled");
    ac.abort(reason);
    assert.equal(await refusal(pending), reason);
    assert.equal(popup.closed, true);
    assert.equal(win.listeners.size, 0);
  });

  test("a popup the user closes during the flow, or whose closed cannot be read, rejects as popup_closed", async () => {
    const closing = fakePopup();
    const flow = authorizeInPopup(URL_OK, { callbackOrigin: APP, popup: closing }).then(
      () => assert.fail("resolved"),
      (e) => e,
    );
    setTimeout(() => (closing.closed = true), 50);
    const closedByUser = await flow;
    // No callback within timeoutMs: a PopupError "timeout", and the popup is closed.
    const slow = fakePopup();
    const late = await authorizeInPopup(URL_OK, { callbackOrigin: APP, popup: slow, timeoutMs: 50 }).then(
      () => assert.fail("resolved"),
      (e) => e,
    );
    assert.ok(late instanceof PopupError && late.code === "timeout", `${late?.name} ${late?.code}`);
    assert.equal(slow.closed, true);
    assert.ok(closedByUser instanceof PopupError, closedByUser?.name);
    assert.equal(closedByUser.code, "popup_closed");
    assert.equal(win.listeners.size, 0);
    // `closed` is read once at the check, then throws: never a raw error, never an uncaught one.
    let reads = 0;
    const hostile = { ...fakePopup(), get closed() { if (reads++ > 0) throw new Error("closed getter"); return false; } };
    const e = await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP, popup: hostile }));
    assert.ok(e instanceof PopupError, e?.name);
    assert.equal(e.code, "popup_closed");
  });

  test("a callback posted by the page just before it closes itself is not lost to the closed-poll (popup_closed)", async () => {
    const popup = fakePopup();
    const pending = authorizeInPopup(URL_OK, { callbackOrigin: APP, popup });
    // postCallbackToOpener posts, then closes the popup at once: the message is still on its way
    // when the poll first sees the popup closed.
    let reads = 0;
    let closed = true;
    Object.defineProperty(popup, "closed", { configurable: true, get: () => (reads++, closed), set: (v) => (closed = v) });
    while (reads === 0) await new Promise((r) => setTimeout(r, 20));
    deliver(popup, "?session_id=urn%3Ax&state=late");
    assert.equal((await pending).get("state"), "late");
    assert.equal(win.listeners.size, 0);
  });

  test("a message without its own type and search (a polluted Object.prototype) is ignored", async () => {
    const popup = fakePopup();
    const pending = authorizeInPopup(URL_OK, { callbackOrigin: APP, popup });
    const pollute = { type: MESSAGE_TYPE, search: "?state=evil" };
    for (const [k, value] of Object.entries(pollute)) Object.defineProperty(Object.prototype, k, { value, configurable: true, writable: true, enumerable: false });
    try {
      for (const fn of [...win.listeners]) fn({ origin: APP, source: popup, data: {} });
    } finally {
      for (const k of Object.keys(pollute)) delete Object.prototype[k];
    }
    deliver(popup, "?state=good");
    assert.equal((await settled(pending)).value.get("state"), "good");
  });

  test("the popup option's closed, close and location are its own or its prototype's, never a polluted Object.prototype's", async () => {
    const pollute = { closed: false, close() {}, location: { href: "about:blank" } };
    for (const [k, value] of Object.entries(pollute)) Object.defineProperty(Object.prototype, k, { value, configurable: true, writable: true, enumerable: false });
    try {
      const e = await refusal(authorizeInPopup(URL_OK, { callbackOrigin: APP, popup: {} }));
      assert.ok(e instanceof ConfigurationError, String(e));
      assert.match(e.message, /popup/);
    } finally {
      for (const k of Object.keys(pollute)) delete Object.prototype[k];
    }
    // A window class: its members on its prototype.
    class Win {
      closed = false;
      location = { href: "about:blank" };
      close() {
        this.closed = true;
      }
    }
    const popup = new Win();
    const pending = authorizeInPopup(URL_OK, { callbackOrigin: APP, popup });
    deliver(popup);
    assert.equal((await settled(pending)).value.get("state"), "abc");
  });

  test("a given callbackOrigin on http is refused unless its host is loopback", async () => {
    for (const callbackOrigin of ["http://app.example.com", "http://10.0.0.1:8080", "http://app.localhost"]) {
      const e = await refusal(authorizeInPopup(URL_OK, { callbackOrigin }));
      assert.ok(e instanceof ConfigurationError, `${callbackOrigin}: ${e}`);
      assert.match(e.message, /callbackOrigin/);
    }
    assert.equal(win.opened.length, 0);
    for (const callbackOrigin of ["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787"]) {
      const pending = authorizeInPopup(URL_OK, { callbackOrigin });
      deliver(win.opened.at(-1).popup, "?state=local", callbackOrigin);
      assert.equal((await settled(pending)).value.get("state"), "local");
    }
  });

  test("messages from another origin or another window are ignored", async () => {
    const ac = new AbortController();
    const pending = authorizeInPopup(URL_OK, { callbackOrigin: APP, signal: ac.signal });
    const popup = win.opened[0].popup;
    deliver(popup, "?state=evil", "https://evil.example");
    deliver(fakePopup(), "?state=evil");
    deliver(popup, "?state=good");
    assert.equal((await settled(pending)).value.get("state"), "good");
  });

  test("each flow opens a window with its own random name", async () => {
    const ac = new AbortController();
    const names = [];
    for (let i = 0; i < 3; i++) {
      authorizeInPopup(URL_OK, { callbackOrigin: APP, signal: ac.signal }).catch(() => {});
      names.push(win.opened.at(-1).name);
    }
    ac.abort();
    for (const n of names) assert.match(n, /^agentcore-identity-[0-9a-f]{32}$/);
    assert.equal(new Set(names).size, 3, names.join(", "));
  });
});

describe("postCallbackToOpener", () => {
  function withOpener() {
    const opener = { posted: [], postMessage(message, origin) { this.posted.push({ message, origin }); } };
    globalThis.opener = opener;
    return opener;
  }

  test("posts the query to this page's origin by default and closes the popup", () => {
    const opener = withOpener();
    assert.equal(postCallbackToOpener(), true);
    assert.deepEqual(opener.posted, [{ message: { type: MESSAGE_TYPE, search: "?session_id=s&state=x" }, origin: APP }]);
    assert.equal(win.closed, true);
  });

  test("an explicit origin; close: false keeps the window", () => {
    const opener = withOpener();
    assert.equal(postCallbackToOpener({ targetOrigin: "http://localhost:8787", close: false }), true);
    assert.equal(opener.posted[0].origin, "http://localhost:8787");
    assert.equal(win.closed, false);
  });

  test("a given targetOrigin on http is refused unless its host is loopback; the page's own origin is taken as it is", () => {
    const opener = withOpener();
    for (const targetOrigin of ["http://app.example.com", "http://10.0.0.1:8080"]) {
      assert.throws(() => postCallbackToOpener({ targetOrigin }), (e) => e instanceof ConfigurationError && /targetOrigin/.test(e.message), targetOrigin);
    }
    assert.deepEqual(opener.posted, []);
    globalThis.location = { origin: "http://app.example.com", search: "?state=x" };
    assert.equal(postCallbackToOpener({ close: false }), true);
    assert.equal(opener.posted[0].origin, "http://app.example.com");
  });

  test("no opener -> false, nothing posted", () => {
    assert.equal(postCallbackToOpener(), false);
  });

  test("targetOrigin '*' and other non-origins -> ConfigurationError, nothing posted", () => {
    const opener = withOpener();
    for (const targetOrigin of ["*", "/", "", null, NaN, 42, {}, Symbol("x"), "null", "https://app.example.com/callback", "javascript:x"]) {
      assert.throws(() => postCallbackToOpener({ targetOrigin }), (e) => e instanceof ConfigurationError && /targetOrigin/.test(e.message), String(targetOrigin?.toString?.() ?? targetOrigin));
    }
    for (const close of ["", null, NaN, 1, "true", {}, Symbol("x")]) {
      assert.throws(() => postCallbackToOpener({ close }), (e) => e instanceof ConfigurationError && /close/.test(e.message));
    }
    for (const options of [null, "", 42, Symbol("x"), [], ["https://app.example.com"]]) {
      assert.throws(() => postCallbackToOpener(options), ConfigurationError);
    }
    assert.deepEqual(opener.posted, []);
    assert.equal(win.closed, false);
  });

  test("an opaque origin (sandboxed page) -> ConfigurationError, not the browser's SyntaxError", () => {
    withOpener();
    globalThis.location = { origin: "null", search: "?state=x" };
    assert.throws(() => postCallbackToOpener(), ConfigurationError);
  });
});

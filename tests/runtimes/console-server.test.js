// The browser tests' file server (scripts/console-server.mjs), over raw HTTP: the package under
// /pkg/, no way out of the served folders, and the test app's pages' Content-Security-Policy.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { serveConsole } from "../../scripts/console-server.mjs";
import { root } from "./support.js";

/** The browser test app: a page that runs the client itself against the emulator (browser.test.js). */
const APP = join(root, "tests", "runtimes", "browser-app");

/** GET with the request target sent exactly as written (fetch would normalize it). */
function rawGet(base, target) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const packageJson = readFileSync(join(root, "package.json"), "utf8");

describe("files under /pkg/", () => {
  test("the default package root (this repository, its URL ending in a slash) serves /pkg/www/", async (t) => {
    const site = await serveConsole();
    t.after(() => site.close());
    const r = await rawGet(site.url, "/pkg/www/index.js");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(r.body, readFileSync(join(root, "www", "index.js"), "utf8"));
    const wasm = await rawGet(site.url, "/pkg/www/wasm/agentcore_identity_edge_bg.wasm");
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers["content-type"], "application/wasm");
  });

  test("a package root with or without a trailing slash serves the same files", async (t) => {
    for (const packageRoot of [root, `${root}/`, `${root}//`]) {
      const site = await serveConsole({ packageRoot });
      t.after(() => site.close());
      assert.equal((await rawGet(site.url, "/pkg/www/core.js")).status, 200, packageRoot);
    }
  });
});

describe("the test pages' style sheet and icon", () => {
  test("are the agent console's (www/console/), with the console files' headers", async (t) => {
    const site = await serveConsole();
    t.after(() => site.close());
    for (const [file, type] of [["console.css", "text/css; charset=utf-8"], ["favicon.svg", "image/svg+xml"]]) {
      const r = await rawGet(site.url, `/${file}`);
      assert.equal(r.status, 200, file);
      assert.equal(r.headers["content-type"], type);
      assert.equal(r.headers["x-content-type-options"], "nosniff");
      assert.equal(r.body, readFileSync(join(root, "www", "console", file), "utf8"));
    }
    for (const page of ["index.html", "callback.html"]) {
      const html = readFileSync(join(APP, page), "utf8");
      assert.match(html, /<link rel="stylesheet" href="\.\/console\.css">/, page);
      assert.match(html, /<link rel="icon" href="\.\/favicon\.svg"/, page);
    }
  });
});

describe("no way out of the served folders", () => {
  let site;
  let staticSite;
  let staticRoot;
  before(async () => {
    staticRoot = join(root, ".cache", "console-server-test", "site");
    mkdirSync(staticRoot, { recursive: true });
    writeFileSync(join(staticRoot, "index.html"), "<!doctype html><title>site</title>");
    writeFileSync(join(staticRoot, "..", "secret.txt"), "outside the static root");
    site = await serveConsole({ packageRoot: root });
    staticSite = await serveConsole({ staticRoot });
  });
  after(async () => {
    await site?.close();
    await staticSite?.close();
  });

  // Each would name a file outside www/ (package.json, Cargo.toml, src/, /etc/passwd).
  const ATTEMPTS = [
    "/pkg/www/..%2Fpackage.json",
    "/pkg/www/..%2fpackage.json",
    "/pkg/www/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/pkg/www/%2e%2e%2fpackage.json",
    "/pkg/www/%2E%2E%2Fsrc%2Flib.rs",
    "/pkg/www/..%5Cpackage.json",
    "/pkg/www/..%5c..%5cpackage.json",
    "/pkg/www/..\\package.json",
    "/pkg/www/../package.json",
    "/pkg/www/%2e%2e/package.json",
    "/pkg/www/.%2e/.%2e/package.json",
    "/pkg/www/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/pkg/www/../../../../../../etc/passwd",
    "/pkg/www//etc/passwd",
    "/pkg/www/%2Fetc%2Fpasswd",
    "//etc/passwd",
    "/pkg/www/index.js%00.png",
    "/pkg/www/%00",
    "/pkg/www/%E0%A4%A",
    "/pkg/package.json",
    "/pkg/Cargo.toml",
    "/package.json",
    "/../package.json",
    "/www/index.html",
    "/pkg/www/worker/wrangler.toml/..%2F..%2F..%2Fpackage.json",
    "http://127.0.0.1/pkg/www/..%2F..%2Fpackage.json",
    "http://[::1/pkg/www/index.js",
  ];
  for (const target of ATTEMPTS) {
    test(`refused: ${target}`, async () => {
      const r = await rawGet(site.url, target);
      assert.ok(r.status === 400 || r.status === 404, `${target} -> ${r.status}`);
      assert.ok(!r.body.includes('"name": "agentcore-identity-edge"') && !r.body.includes("root:"), `${target} served a file`);
      assert.notEqual(r.body, packageJson);
    });
  }

  for (const target of ["/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/..%5Csecret.txt", "/../secret.txt", "/%2e%2e/secret.txt", "//..%2Fsecret.txt", "/index.html%00"]) {
    test(`static root, refused: ${target}`, async () => {
      const r = await rawGet(staticSite.url, target);
      assert.ok(r.status === 400 || r.status === 404, `${target} -> ${r.status}`);
      assert.ok(!r.body.includes("outside"), `${target} served a file outside the static root`);
    });
  }

  test("what is there is still served", async () => {
    assert.equal((await rawGet(staticSite.url, "/index.html")).status, 200);
    assert.equal((await rawGet(site.url, "/pkg/www/errors.js")).status, 200);
    assert.equal((await rawGet(site.url, "/pkg/www/./errors.js")).status, 200);
    assert.equal((await rawGet(site.url, "/pkg/www/wasm/../errors.js")).status, 200);
    assert.equal((await rawGet(site.url, "/")).status, 200);
    assert.equal((await rawGet(site.url, "/callback.html")).status, 200);
  });
});

/** Directive name -> source list. */
function parseCsp(text) {
  const out = new Map();
  for (const part of text.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

const metaCsp = (html) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
const importMaps = (html) => [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const hashOf = (text) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("Content-Security-Policy of the console pages", () => {
  for (const page of ["index.html", "callback.html"]) {
    test(`${page}: a strict policy in a meta tag, before any script or style, and no inline script or handler`, () => {
      const html = readFileSync(join(APP, page), "utf8");
      const meta = metaCsp(html);
      assert.ok(meta, "no CSP meta tag");
      assert.ok(html.indexOf("Content-Security-Policy") < html.search(/<script|<link/), "the policy must come first");
      const csp = parseCsp(meta);
      assert.deepEqual(csp.get("default-src"), ["'none'"]);
      assert.deepEqual(csp.get("object-src"), ["'none'"]);
      assert.deepEqual(csp.get("base-uri"), ["'none'"]);
      assert.deepEqual(csp.get("form-action"), ["'none'"]);
      assert.deepEqual(csp.get("style-src"), ["'self'"]);
      // The only inline script: the import map, allowed by its hash.
      const maps = importMaps(html);
      assert.equal(maps.length, 1);
      const expected = ["'self'", ...(page === "index.html" ? ["'wasm-unsafe-eval'"] : []), hashOf(maps[0])];
      assert.deepEqual(csp.get("script-src"), expected);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      for (const [, attrs, body] of scripts) {
        if (/type="importmap"/.test(attrs)) continue;
        assert.match(attrs, /\bsrc="\.\/[\w-]+\.js"/, `inline script: ${body.slice(0, 60)}`);
        assert.equal(body.trim(), "");
      }
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "inline event handler");
      assert.doesNotMatch(html, /\sstyle\s*=/i, "inline style attribute");
      assert.doesNotMatch(html, /javascript:/i);
      // frame-ancestors is ignored in a meta tag (and the browser complains): it is in the header.
      assert.equal(csp.has("frame-ancestors"), false);
    });
  }

  test("index.html may connect to itself, loopback (the emulator) and AWS only", () => {
    const csp = parseCsp(metaCsp(readFileSync(join(APP, "index.html"), "utf8")));
    assert.deepEqual(csp.get("connect-src"), ["'self'", "http://127.0.0.1:*", "http://localhost:*", "https://*.amazonaws.com", "https://*.amazonaws.com.cn", "https://*.amazonaws.eu"]);
    const callback = parseCsp(metaCsp(readFileSync(join(APP, "callback.html"), "utf8")));
    assert.deepEqual(callback.get("connect-src"), ["'none'"]);
  });

  test("the server sends the policy as a header too, with frame-ancestors and the demo's emulator origin", async (t) => {
    const site = await serveConsole({ demoConfig: { endpoint: "http://127.0.0.1:4566", accessKeyId: "a", secretAccessKey: "b" } });
    t.after(() => site.close());
    for (const [path, file] of [["/", "index.html"], ["/index.html", "index.html"], ["/callback.html", "callback.html"]]) {
      const r = await rawGet(site.url, path);
      assert.equal(r.status, 200);
      const header = parseCsp(r.headers["content-security-policy"] ?? "");
      const meta = parseCsp(metaCsp(r.body));
      assert.deepEqual(header.get("frame-ancestors"), ["'none'"], path);
      for (const [name, values] of meta) {
        if (name === "connect-src") continue;
        assert.deepEqual(header.get(name), values, `${path} ${name}`);
      }
      assert.deepEqual(header.get("script-src"), meta.get("script-src"));
      assert.equal(r.headers["x-content-type-options"], "nosniff");
      assert.equal(r.headers["referrer-policy"], "no-referrer");
      if (file === "index.html") {
        assert.deepEqual(header.get("connect-src"), ["'self'", "http://127.0.0.1:4566", "https://*.amazonaws.com", "https://*.amazonaws.com.cn", "https://*.amazonaws.eu"]);
      } else {
        assert.deepEqual(header.get("connect-src"), ["'none'"]);
      }
    }
    const plain = await serveConsole();
    t.after(() => plain.close());
    const r = await rawGet(plain.url, "/");
    assert.deepEqual(parseCsp(r.headers["content-security-policy"]).get("connect-src"), ["'self'", "http://127.0.0.1:*", "http://localhost:*", "https://*.amazonaws.com", "https://*.amazonaws.com.cn", "https://*.amazonaws.eu"]);
  });
});

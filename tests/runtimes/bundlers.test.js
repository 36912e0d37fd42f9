// Bundlers: esbuild (browser and worker platforms) and Vite build the smoke test, which imports the
// package by name; each built app then runs (in Chromium, or in workerd through Miniflare).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { serveConsole } from "../../scripts/console-server.mjs";
import { bin, emulator, launch, project, root, SMOKE, smokeConfig, verifySmoke as verify } from "./support.js";

/** Serves `dist` and runs `window.run(config)` in Chromium. */
async function runInChromium(t, emu, dist, pagePath) {
  const site = await serveConsole({ staticRoot: dist });
  t.after(() => site.close());
  const browser = await launch(t);
  const page = await browser.newPage();
  await page.goto(`${site.url}/${pagePath}`);
  await page.waitForFunction(() => typeof (/** @type {any} */ (window).run) === "function");
  return page.evaluate((cfg) => /** @type {any} */ (window).run(cfg), smokeConfig(emu));
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bundled</title><script type="module" src="./app.js"></script>`;

test("esbuild, browser platform: the bundle runs in Chromium", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("esbuild-browser", { "src/app.js": `${SMOKE}\nwindow.run = smoke;\n`, "dist/index.html": PAGE });
  execFileSync(bin("esbuild"), ["src/app.js", "--bundle", "--format=esm", "--platform=browser", "--outfile=dist/app.js"], { cwd: dir, stdio: "pipe" });
  // esbuild keeps `new URL("./wasm/...", import.meta.url)` as written: the module goes next to the bundle.
  cpSync(join(dir, "node_modules/agentcore-identity-edge/www/wasm"), join(dir, "dist/wasm"), { recursive: true });
  verify(emu, await runInChromium(t, emu, join(dir, "dist"), "index.html"));
});

test("esbuild, worker platform: the bundle runs in workerd", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const worker = `${SMOKE}\nexport default { async fetch(request, env) { return Response.json(await smoke(JSON.parse(env.CONFIG))); } };\n`;
  const dir = project("esbuild-worker", { "src/worker.js": worker });
  execFileSync(
    bin("esbuild"),
    ["src/worker.js", "--bundle", "--format=esm", "--platform=neutral", "--conditions=workerd,worker", "--external:*.wasm", "--outfile=dist/worker.js"],
    { cwd: dir, stdio: "pipe" },
  );
  mkdirSync(join(dir, "dist/wasm"), { recursive: true });
  cpSync(join(dir, "node_modules/agentcore-identity-edge/www/wasm/agentcore_identity_edge_bg.wasm"), join(dir, "dist/wasm/agentcore_identity_edge_bg.wasm"));
  const mf = new Miniflare({
    scriptPath: join(dir, "dist/worker.js"),
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    bindings: { CONFIG: JSON.stringify(smokeConfig(emu)) },
  });
  t.after(() => mf.dispose());
  const res = await mf.dispatchFetch("http://worker.local/");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  verify(emu, body);
});

test("Vite: the production build runs in Chromium", { timeout: 120_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("vite", {
    "index.html": `<!doctype html><meta charset="utf-8"><title>vite</title><script type="module" src="./main.js"></script>`,
    "main.js": `${SMOKE}\nwindow.run = smoke;\n`,
  });
  execFileSync(process.execPath, [join(bin("vite"), "..", "..", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { cwd: dir, stdio: "pipe" });
  const assets = readdirSync(join(dir, "dist/assets"));
  assert.ok(assets.some((f) => f.endsWith(".wasm")), `Vite emitted the module: ${assets}`);
  verify(emu, await runInChromium(t, emu, join(dir, "dist"), "index.html"));
});

test("esbuild: connectProvider alone ships no client and no wasm, and stays under its gzip ceiling", { timeout: 90_000 }, async (t) => {
  const dir = project("esbuild-connect-browser", {
    "src/app.js": `import { connectProvider } from "agentcore-identity-edge/connect/browser";\nwindow.connectProvider = connectProvider;\n`,
  });
  execFileSync(bin("esbuild"), ["src/app.js", "--bundle", "--minify", "--format=esm", "--platform=browser", "--metafile=dist/meta.json", "--outfile=dist/app.js"], { cwd: dir, stdio: "pipe" });
  const inputs = Object.keys(JSON.parse(readFileSync(join(dir, "dist/meta.json"), "utf8")).inputs).map((p) => p.replace(/^.*node_modules\/agentcore-identity-edge\//, ""));
  assert.deepEqual(inputs.filter((p) => p.startsWith("www/")).sort(), ["www/connect-browser.js", "www/errors.js", "www/guard.js", "www/popup.js"], `the bundle's inputs: ${inputs}`);
  assert.ok(!inputs.some((p) => /\.wasm$|\/wasm\//.test(p)), `no wasm or wasm glue: ${inputs}`);
  const bundle = readFileSync(join(dir, "dist/app.js"));
  assert.doesNotMatch(bundle.toString("utf8"), /WebAssembly|agentcore_identity_edge_bg|AgentCoreIdentityClient/);
  const gzip = gzipSync(bundle, { level: 9 }).length;
  const { ceilingGzipBytes } = JSON.parse(readFileSync(join(root, "benches", "size-budget.json"), "utf8")).connectBrowser;
  t.diagnostic(`connectProvider bundle: ${bundle.length} B minified, ${gzip} B gzip -9 (ceiling ${ceilingGzipBytes} B)`);
  assert.ok(gzip <= ceilingGzipBytes, `${gzip} B gzip is above the ceiling of ${ceilingGzipBytes} B`);
});

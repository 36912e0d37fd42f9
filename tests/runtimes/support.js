// Shared helpers for the runtime tests: the packed tarball, scratch projects, child processes that
// serve HTTP, free ports, a user's type check.
import { execFile, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { EdgeRuntime } from "edge-runtime";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { submitConsent } from "../../emulator/consent.js";
import { startEmulator } from "../../emulator/server.js";
import { pack, root, scratchProject } from "../support/package.mjs";

export { root };

/** The tarball `npm test` packed, or a fresh one. */
export function tarball() {
  return process.env.AGENTCORE_PACKAGE_TARBALL ?? pack().tarball;
}

/** A scratch project with the tarball installed and `files` written. */
export function project(name, files = {}) {
  return scratchProject(name, tarball(), files);
}

export const bin = (name) => join(root, "node_modules", ".bin", name);

/**
 * Type-checks `files` in `dir` as a user's strict project does (tsc --strict, checkJs, nodenext
 * resolution, Node's types), writing its tsconfig.json first; tsc's result.
 * @param {string} dir @param {{ files: string[], lib: string[], skipLibCheck: boolean }} options
 */
export function typeCheck(dir, { files, lib, skipLibCheck }) {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib,
        allowJs: true,
        checkJs: true,
        strict: true,
        noEmit: true,
        skipLibCheck,
        typeRoots: [join(root, "node_modules", "@types")],
        types: ["node"],
      },
      files,
    }),
  );
  return spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a command and waits until `url` answers (any status). Killed when the test ends.
 * Returns the child and a function giving what it printed.
 */
export async function serve(t, cmd, args, { cwd, env = {}, url, timeoutMs = 60_000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  t.after(stop);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${cmd} did not answer at ${url} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { child, output: () => output, stop };
}

/** Submits the emulator's consent form; returns the redirect's Location. */
export async function consent(authorizationUrl, decision = "allow") {
  const { status, location } = await submitConsent(authorizationUrl, decision);
  assert.equal(status, 302);
  return /** @type {URL} */ (location);
}

/** Flags for Debian's Chromium on a machine with no network but loopback. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** Debian's Chromium (never a downloaded browser), closed when the test ends. */
export async function launch(t) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  return browser;
}

/** An emulator on a free port (with `options` such as `config`), closed when the test ends. */
export async function emulator(t, options = {}) {
  const emu = await startEmulator({ port: 0, log: () => {}, ...options });
  t.after(() => emu.close());
  return emu;
}

/**
 * The smoke test every runtime runs, as a module exporting `smoke(config)`: one signed call that the
 * emulator verifies, one callback verification, and a refused replay of it.
 */
export const SMOKE = `
import { AgentCoreIdentityClient, createCustomState, handleOauth2Callback } from "agentcore-identity-edge";
export async function smoke({ endpoint, accessKeyId, secretAccessKey }) {
  const client = new AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: { accessKeyId, secretAccessKey } });
  const { workloadAccessToken } = await client.getWorkloadAccessToken({ workloadName: "demo-workload" });
  const out = await client.getResourceOauth2Token({ workloadIdentityToken: workloadAccessToken, resourceCredentialProviderName: "demo-m2m-provider", scopes: ["read"], oauth2Flow: "M2M" });
  const secret = "smoke-test-secret-0123456789abcdef";
  const state = await createCustomState({ secret, binding: "u" });
  const callback = "http://app.local/cb?session_id=urn:ietf:params:oauth:request_uri:s&state=" + state;
  const cb = await handleOauth2Callback(new URL(callback), { stateSecret: secret, binding: "u" });
  let replayed = "";
  try { await handleOauth2Callback(callback, { stateSecret: secret, binding: "u" }); } catch (e) { replayed = e.code; }
  return { tokenLength: out.accessToken.length, requestId: out.$metadata.requestId, session: cb.sessionUri, replayed };
}
`;

/** The smoke test's configuration for `emu`. */
export const smokeConfig = (emu) => ({ endpoint: emu.url, ...emu.credentials });

/** Checks a smoke result against the emulator's log. */
export function verifySmoke(emu, result) {
  assert.ok(result.tokenLength > 10, JSON.stringify(result));
  assert.equal(result.session, "urn:ietf:params:oauth:request_uri:s");
  assert.equal(result.replayed, "state_replayed");
  const last = emu.requests().filter((r) => r.operation).at(-1);
  assert.equal(last.requestId, result.requestId);
  assert.equal(last.signature.valid, true);
}

/**
 * Vercel's Edge Runtime with `entry` (a module in the scratch project `dir`) bundled as Vercel's
 * bundler does for edge functions: the worker entry, and the .wasm import bound to a
 * WebAssembly.Module the platform compiled (edge code may not compile wasm from bytes).
 * @param {string} dir @param {string} entry
 */
export async function edgeRuntime(dir, entry) {
  const built = await esbuild.build({
    entryPoints: [join(dir, entry)],
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser"],
    plugins: [
      {
        name: "wasm-module-binding",
        setup(b) {
          b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: a.path, namespace: "wasm-binding" }));
          b.onLoad({ filter: /.*/, namespace: "wasm-binding" }, () => ({ contents: "export default globalThis.__wasmModule;", loader: "js" }));
        },
      },
    ],
  });
  const wasmBytes = readFileSync(join(dir, "node_modules/agentcore-identity-edge/www/wasm/agentcore_identity_edge_bg.wasm"));
  const runtime = new EdgeRuntime();
  runtime.context.__wasmModule = await runtime.evaluate("WebAssembly").compile(wasmBytes);
  runtime.evaluate(built.outputFiles[0].text);
  return runtime;
}

/**
 * Runs `fn(config)`, exported by the module `source`, under Deno or Bun in a scratch project named
 * `name` (the package installed from the tarball); its JSON result. Deno may reach only loopback.
 * @param {"deno" | "bun"} runtime @param {string} name @param {string} source @param {string} fn @param {unknown} config
 */
export async function runIn(runtime, name, source, fn, config) {
  const argv = runtime === "deno" ? "Deno.args[0]" : "process.argv[2]";
  const dir = project(name, { "module.mjs": source, "main.mjs": `import { ${fn} } from "./module.mjs";\nconsole.log(JSON.stringify(await ${fn}(JSON.parse(${argv}))));\n` });
  const args = runtime === "deno" ? ["run", "--allow-net=127.0.0.1", "--allow-read", "--no-prompt", "main.mjs"] : ["main.mjs"];
  const env = { ...process.env, NO_COLOR: "1", ...(runtime === "deno" ? { DENO_NO_UPDATE_CHECK: "1" } : {}) };
  const { stdout } = await promisify(execFile)(bin(runtime), [...args, JSON.stringify(config)], { cwd: dir, env });
  return JSON.parse(stdout);
}

// npm run soak -- [--calls N] [--concurrent N]: N sequential calls (default 100,000) in one
// process against the emulator (in its own process, verifying every signature), with RSS and wasm
// linear memory sampled along the way; then N concurrent calls (default 1,000) in one isolate, in
// Node and in workerd. Prints the numbers; exits non-zero if a call fails or memory keeps growing.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { ensurePackage } from "../tests/support/package.mjs";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, fallback) => Number(args[args.indexOf(name) + 1] ?? fallback) || fallback;
const calls = args.includes("--calls") ? opt("--calls", 100_000) : 100_000;
const concurrent = args.includes("--concurrent") ? opt("--concurrent", 1000) : 1000;

// The wasm in www/ is rebuilt only if the Rust sources changed since it was built (under the test
// suite's lock: a rebuild never rewrites www/wasm/ while another suite reads it).
ensurePackage({ log: (m) => console.log(m) });

const emu = spawn(process.execPath, [join(root, "emulator", "cli.js"), "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
const endpoint = await new Promise((resolve) => emu.stdout.once("data", (d) => resolve(/http:\/\/127\.0\.0\.1:\d+/.exec(String(d))[0])));
const credentials = { accessKeyId: "AKIAEMULATOR00000001", secretAccessKey: "emulator-secret-key-do-not-use-in-production" };

const pkg = await import("../www/node.js");
const { init } = await import("../www/init.js");
// The module's linear memory (its exports have short names: scripts/build.mjs).
const memory = /** @type {WebAssembly.Memory} */ (Object.values(/** @type {object} */ (await init())).find((v) => v instanceof WebAssembly.Memory));
const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials });
const { workloadAccessToken } = await client.getWorkloadAccessToken({ workloadName: "demo-workload" });
const input = { workloadIdentityToken: workloadAccessToken, resourceCredentialProviderName: "demo-m2m-provider", scopes: ["read"], oauth2Flow: "M2M" };

let failed = false;
const mib = (b) => (b / 1048576).toFixed(1);
const sample = (n) => {
  globalThis.gc?.();
  return { n, rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, wasm: memory.buffer.byteLength };
};

// Sequential.
for (let i = 0; i < 1000; i++) await client.getResourceOauth2Token(input);
const samples = [sample(0)];
const t0 = performance.now();
for (let i = 1; i <= calls; i++) {
  const out = await client.getResourceOauth2Token(input);
  if (typeof out.accessToken !== "string") {
    console.error(`call ${i}: no token`);
    failed = true;
    break;
  }
  if (i % (calls / 10) === 0) samples.push(sample(i));
}
const secs = (performance.now() - t0) / 1000;
console.log(`\n${calls.toLocaleString("en")} sequential calls in ${secs.toFixed(1)} s (${(calls / secs).toFixed(0)}/s)`);
console.log("| calls | RSS MiB | JS heap MiB | wasm linear memory KiB |\n|---|---|---|---|");
for (const s of samples) console.log(`| ${s.n.toLocaleString("en")} | ${mib(s.rss)} | ${mib(s.heap)} | ${(s.wasm / 1024).toFixed(0)} |`);
const half = samples[Math.floor(samples.length / 2)];
const last = samples.at(-1);
if (last.wasm !== half.wasm) {
  console.error("wasm linear memory grew in the second half");
  failed = true;
}
if (last.rss > half.rss * 1.25 + 16 * 1048576) {
  console.error("RSS grew by more than 25% in the second half");
  failed = true;
}

// Concurrent, in Node.
{
  const outs = await Promise.allSettled(Array.from({ length: concurrent }, () => client.getResourceOauth2Token(input)));
  const ok = outs.filter((o) => o.status === "fulfilled" && typeof o.value.accessToken === "string").length;
  console.log(`\nNode: ${ok}/${concurrent} concurrent calls succeeded`);
  if (ok !== concurrent) failed = true;
}

// Concurrent, in workerd.
{
  const built = await esbuild.build({
    stdin: {
      contents: `import { AgentCoreIdentityClient } from "agentcore-identity-edge";
export default { async fetch(req, env) {
  const client = new AgentCoreIdentityClient({ region: "us-east-1", endpoint: env.ENDPOINT, credentials: JSON.parse(env.CREDS) });
  const input = JSON.parse(env.INPUT);
  const outs = await Promise.allSettled(Array.from({ length: Number(env.N) }, () => client.getResourceOauth2Token(input)));
  return Response.json({ ok: outs.filter((o) => o.status === "fulfilled" && typeof o.value.accessToken === "string").length, errors: [...new Set(outs.filter((o) => o.status === "rejected").map((o) => o.reason.name))] });
} };`,
      resolveDir: root,
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    alias: { "agentcore-identity-edge": join(root, "www", "workerd.js") },
    external: ["*.wasm"],
    write: false,
    outdir: join(root, "www"),
    logLevel: "silent",
  });
  const mf = new Miniflare({
    modules: [
      { type: "ESModule", path: join(root, "www", "soak-worker.js"), contents: built.outputFiles[0].text },
      { type: "CompiledWasm", path: join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm"), contents: readFileSync(join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm")) },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { ENDPOINT: endpoint, CREDS: JSON.stringify(credentials), INPUT: JSON.stringify(input), N: String(concurrent) },
  });
  const res = await (await mf.dispatchFetch("http://worker.local/")).json();
  await mf.dispose();
  console.log(`workerd: ${res.ok}/${concurrent} concurrent calls succeeded${res.errors.length ? ` (errors: ${res.errors.join(", ")})` : ""}`);
  if (res.ok !== concurrent) failed = true;
}

emu.kill();
process.exit(failed ? 1 : 0);

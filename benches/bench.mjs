// npm run bench: payload, per-call latency (Node and workerd), signing throughput, cold start and
// memory, for this package against a bare fetch, the AWS SDK for JavaScript v3 and aws4fetch, all
// in one run and one table.
//
// The floor of a call is a bare `fetch` of the very request the package sends: the package signs
// one request, its URL, headers (authorization and x-amz-date included) and body bytes are kept,
// and the floor sends exactly those each time. Per-call figures are the median over interleaved
// rounds of each round's mean, with the ratio to the floor measured in the same rounds.
// `--quick` shortens the run.
import { execFileSync, fork, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { ensurePackage } from "../tests/support/package.mjs";

const root = new URL("..", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const work = join(root, ".cache", "bench");
mkdirSync(work, { recursive: true });
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const benchStarted = performance.now();

// The wasm in www/ is rebuilt if the Rust sources changed since it was built.
ensurePackage({ log: (m) => console.log(m) });

const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN" };
const input = {
  workloadIdentityToken: "bench-workload-token-".repeat(8),
  resourceCredentialProviderName: "bench-provider",
  scopes: ["read", "write"],
  oauth2Flow: "M2M",
};
const region = "us-east-1";
const rows = [];
const row = (section, subject, metric, value, ratio = "") => rows.push({ section, subject, metric, value, ratio });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const times = (x, base, what) => `${(x / base).toFixed(2)}× ${what}`;
const WASM = join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm");
const PKG_NAME = "agentcore-identity-edge";
const SDK_NAME = "AWS SDK v3";
const FLOOR = "floor: bare fetch, same signed request";

// ---------------------------------------------------------------- payload
// What a bundler ships: esbuild, minified, for the browser; gzip -9 (and brotli 11).
const PAYLOAD_ENTRIES = {
  [PKG_NAME]: `import { AgentCoreIdentityClient, handleOauth2Callback, createCustomState } from "agentcore-identity-edge";
export const call = (cfg, input) => new AgentCoreIdentityClient(cfg).getResourceOauth2Token(input);
export { handleOauth2Callback, createCustomState };`,
  [SDK_NAME]: `import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
export const call = (cfg, input) => new BedrockAgentCoreClient(cfg).send(new GetResourceOauth2TokenCommand(input));`,
  aws4fetch: `import { AwsClient } from "aws4fetch";
export async function call(cfg, input) {
  const c = new AwsClient({ ...cfg.credentials, region: cfg.region, service: "bedrock-agentcore" });
  const r = await c.fetch(cfg.endpoint + "/identities/oauth2/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  return r.json();
}`,
};
/**
 * `source` bundled as a user's bundler would: esbuild, minified, ESM for the browser; `options` adds
 * the alias and the runtime's conditions.
 * @param {string} source
 * @param {import("esbuild").BuildOptions} options
 */
function bundle(source, options) {
  return esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    write: false,
    format: "esm",
    platform: "browser",
    logLevel: "silent",
    ...options,
  });
}
const sizes = (buf) => ({ raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
{
  const payload = {};
  for (const [name, source] of Object.entries(PAYLOAD_ENTRIES)) {
    const built = await bundle(source, { alias: { [PKG_NAME]: join(root, "www", "index.js") } });
    const js = sizes(Buffer.from(built.outputFiles[0].contents));
    const total = { ...js };
    if (name === PKG_NAME) {
      const wasm = sizes(readFileSync(WASM));
      for (const k of Object.keys(total)) total[k] += wasm[k];
      row("payload", `${name}: JS (client + handleOauth2Callback + createCustomState)`, "raw / gzip -9 / brotli B", `${js.raw} / ${js.gzip} / ${js.brotli}`);
      row("payload", `${name}: .wasm`, "raw / gzip -9 / brotli B", `${wasm.raw} / ${wasm.gzip} / ${wasm.brotli}`);
    }
    payload[name] = total;
  }
  for (const [name, t] of Object.entries(payload)) {
    const what = name === SDK_NAME ? "one call" : name === PKG_NAME ? "JS + .wasm" : "one call, signing only";
    row("payload", `${name} (${what})`, "raw / gzip -9 / brotli B", `${t.raw} / ${t.gzip} / ${t.brotli}`, name === SDK_NAME ? "" : `gzip ${times(t.gzip, payload[SDK_NAME].gzip, "SDK")}`);
  }
}

// ---------------------------------------------------------------- loopback server
const server = fork(join(root, "benches", "server.mjs"), { stdio: "ignore" });
const port = await new Promise((resolve) => server.once("message", (m) => resolve(m.port)));
const endpoint = `http://127.0.0.1:${port}`;
const url = `${endpoint}/identities/oauth2/token`;

const pkg = await import("../www/node.js");
const { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } = await import("@aws-sdk/client-bedrock-agentcore");
const { AwsClient, AwsV4Signer } = await import("aws4fetch");

const ours = new pkg.AgentCoreIdentityClient({ region, endpoint, credentials });
const sdk = new BedrockAgentCoreClient({ region, endpoint, credentials });
const a4f = new AwsClient({ ...credentials, region, service: "bedrock-agentcore" });

/**
 * The request the package sends for `input`, captured from its `fetch` option: the floor sends
 * these bytes, unchanged, every time.
 */
async function capturedRequest() {
  /** @type {{ url: string, init: RequestInit } | undefined} */
  let seen;
  const capture = new pkg.AgentCoreIdentityClient({
    region,
    endpoint,
    credentials,
    fetch: (u, init) => {
      seen = { url: u, init };
      return fetch(u, init);
    },
  });
  await capture.getResourceOauth2Token(input);
  if (!seen) throw new Error("the package sent nothing");
  const headers = { ...(/** @type {Record<string, string>} */ (seen.init.headers)) };
  if (!headers.authorization || !headers["x-amz-date"]) throw new Error("the captured request is not signed");
  const body = new TextEncoder().encode(String(seen.init.body));
  return { url: seen.url, init: { method: "POST", headers, body } };
}
const signed = await capturedRequest();

// The least a signed call can cost (benches/reference-signer.mjs): it must reproduce the package's
// signature of the captured request, so that it does the same signing work.
const REFERENCE = "reference: least signed call (node:crypto, no checks)";
const { referenceSigner } = await import("./reference-signer.mjs");
const { createHash, createHmac } = await import("node:crypto");
const reference = referenceSigner({ createHash, createHmac, credentials, region, url: signed.url, headers: signed.init.headers, input, fetch });
if (reference.sign(JSON.stringify(input), signed.init.headers["x-amz-date"]).authorization !== signed.init.headers.authorization) {
  throw new Error("the reference signer does not reproduce the package's signature");
}

// The shipped module has no signOnly (validate + serialise + sign, no request): a variant built with
// `--features bench` has, for the signing rows and the per-call row of the package's signing alone.
const signOnlyCore = await (async () => {
  const benchDir = join(root, "target", "bench-pkg");
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--bench", benchDir], { stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) throw new Error("the bench variant of the module did not build");
  const glue = await import(pathToFileURL(join(benchDir, "agentcore_identity_edge.js")).href);
  const { makeError } = await import("../www/errors.js");
  const hostFns = await import("../www/host.js");
  const { readFile } = await import("node:fs/promises");
  await glue.default({ module_or_path: await readFile(join(benchDir, "agentcore_identity_edge_bg.wasm")) });
  return new glue.WasmClient({ region, endpoint, credentials }, { fetch, init: hostFns.init, read: hostFns.read, makeError });
})();
const SIGN_THEN_FLOOR = "reference: the package's validate + serialise + sign, then the floor";

const contenders = {
  [FLOOR]: async () => JSON.parse(await (await fetch(signed.url, signed.init)).text()),
  [REFERENCE]: reference.call,
  [SIGN_THEN_FLOOR]: async () => {
    signOnlyCore.signOnly("GetResourceOauth2Token", input);
    return JSON.parse(await (await fetch(signed.url, signed.init)).text());
  },
  [PKG_NAME]: () => ours.getResourceOauth2Token(input),
  [SDK_NAME]: () => sdk.send(new GetResourceOauth2TokenCommand(input)),
  aws4fetch: async () => (await a4f.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })).json(),
};

/** The median of each round's mean µs per call, the p99 of single calls and the process CPU µs per call. */
function summarise(perRound, samples, cpu) {
  return { median: median(perRound), p99: pct(samples, 0.99), cpu: cpu.reduce((a, b) => a + b, 0) / samples.length };
}

// ---------------------------------------------------------------- per call, Node
{
  // Many short rounds: the median of their means shrugs off bursts of load on a shared machine.
  const rounds = quick ? 10 : 40;
  const perRound = 100;
  const names = Object.keys(contenders);
  const perRoundMeans = Object.fromEntries(names.map((k) => [k, []]));
  const samples = Object.fromEntries(names.map((k) => [k, []]));
  const cpu = Object.fromEntries(names.map((k) => [k, []]));
  for (const f of Object.values(contenders)) for (let i = 0; i < 300; i++) await f();
  for (let r = 0; r < rounds; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const f = contenders[name];
      const c0 = process.cpuUsage();
      const r0 = performance.now();
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await f();
        samples[name].push((performance.now() - t0) * 1000);
      }
      perRoundMeans[name].push(((performance.now() - r0) * 1000) / perRound);
      const c = process.cpuUsage(c0);
      cpu[name].push(c.user + c.system);
    }
  }
  const s = Object.fromEntries(names.map((n) => [n, summarise(perRoundMeans[n], samples[n], cpu[n])]));
  for (const name of names) {
    row("per call (Node)", name, "median / p99 µs; CPU µs", `${s[name].median.toFixed(0)} / ${s[name].p99.toFixed(0)}; ${s[name].cpu.toFixed(0)}`, `${times(s[name].median, s[FLOOR].median, "floor")}; CPU ${times(s[name].cpu, s[FLOOR].cpu, "floor")}`);
  }
}

// ---------------------------------------------------------------- sign only
{
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { Hash } = await import("@smithy/hash-node");
  const smithy = new SignatureV4({ credentials, region, service: "bedrock-agentcore", sha256: Hash.bind(null, "sha256") });
  const host = `127.0.0.1:${port}`;
  const OURS = `${PKG_NAME} (validate + serialise + sign)`;
  const SMITHY = "@smithy/signature-v4 (sign)";
  const signers = {
    [OURS]: () => signOnlyCore.signOnly("GetResourceOauth2Token", input),
    [SMITHY]: () =>
      smithy.sign({ method: "POST", protocol: "http:", hostname: "127.0.0.1", port, path: "/identities/oauth2/token", query: {}, headers: { host, "content-type": "application/json" }, body: JSON.stringify(input) }),
    "aws4fetch (sign)": () => new AwsV4Signer({ ...credentials, url, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input), region, service: "bedrock-agentcore" }).sign(),
  };
  const rates = Object.fromEntries(Object.keys(signers).map((k) => [k, []]));
  const rounds = quick ? 3 : 7;
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(signers)) {
      for (let i = 0; i < 200; i++) await f();
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 250) {
        await f();
        n++;
      }
      rates[name].push(n / ((performance.now() - t0) / 1000));
    }
  }
  const base = median(rates[SMITHY]);
  for (const [name, xs] of Object.entries(rates)) row("sign only (Node)", name, "signatures/s", median(xs).toFixed(0), times(median(xs), base, "smithy"));
}

// ---------------------------------------------------------------- workerd
/**
 * Bundles `source` for workerd, the .wasm kept as a CompiledWasm module beside it; `extra` adds more
 * CompiledWasm modules (path and bytes).
 * @param {string} name
 * @param {string} source
 * @param {{ path: string, contents: Buffer }[]} [extra]
 */
async function workerModules(name, source, extra = []) {
  const built = await bundle(source, {
    conditions: ["workerd", "worker"],
    alias: { [PKG_NAME]: join(root, "www", "workerd.js") },
    external: ["*.wasm", "node:crypto"],
    outdir: join(root, "www"),
  });
  return [
    { type: "ESModule", path: join(root, "www", `${name}.js`), contents: built.outputFiles[0].text },
    { type: "CompiledWasm", path: WASM, contents: readFileSync(WASM) },
    ...extra.map((m) => ({ type: "CompiledWasm", ...m })),
  ];
}

/** The workerd process Miniflare started (a child of this process), or undefined. */
function workerdPid() {
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const [comm, rest] = [stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), stat.slice(stat.lastIndexOf(")") + 2).split(" ")];
      if (comm.includes("workerd") && Number(rest[1]) === process.pid) return Number(d);
    }
  } catch {
    // No /proc: no CPU figure.
  }
  return undefined;
}
/** user + system CPU of `pid` in µs, from /proc (clock ticks of 10 ms). */
function cpuOf(pid) {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const hz = 100;
  return ((Number(f[11]) + Number(f[12])) / hz) * 1e6;
}

{
  // One Worker loops each contender `n` times per request and times every call with
  // performance.now(): around the whole call, and around the parts outside the host's fetch (the
  // time to the fetch call, and from its reply to the result), through a wrapper of
  // globalThis.fetch that is on only in the `split` rounds. Miniflare reports no CPU time for a
  // request (its tail events carry cpuTime 0), so CPU is read from the workerd process in /proc.
  const modules = await workerModules(
    "bench-worker",
    `import { AgentCoreIdentityClient } from "agentcore-identity-edge";
import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
import { AwsClient } from "aws4fetch";
import { createHash, createHmac } from "node:crypto";
import { referenceSigner } from "./benches/reference-signer.mjs";
import * as benchGlue from "./target/bench-pkg/agentcore_identity_edge.js";
import benchWasm from "./wasm/bench-variant_bg.wasm";
import { init as attemptInit, read } from "./www/host.js";
import { makeError } from "./www/errors.js";
const hostFetch = globalThis.fetch;
let split = null;
globalThis.fetch = function (input, init) {
  if (!split) return hostFetch(input, init);
  const mark = split;
  mark.sent = performance.now();
  return hostFetch(input, init).then((r) => ((mark.replied = performance.now()), r));
};
let state;
async function setup(env) {
  const credentials = JSON.parse(env.CREDS), input = JSON.parse(env.INPUT), region = "us-east-1", endpoint = env.ENDPOINT;
  let seen;
  await new AgentCoreIdentityClient({ region, endpoint, credentials, fetch: (u, init) => ((seen = { url: u, init }), hostFetch(u, init)) }).getResourceOauth2Token(input);
  const floor = { url: seen.url, init: { method: "POST", headers: { ...seen.init.headers }, body: new TextEncoder().encode(String(seen.init.body)) } };
  const ours = new AgentCoreIdentityClient({ region, endpoint, credentials });
  const sdk = new BedrockAgentCoreClient({ region, endpoint, credentials });
  const a4f = new AwsClient({ ...credentials, region, service: "bedrock-agentcore" });
  const reference = referenceSigner({ createHash, createHmac, credentials, region, url: seen.url, headers: seen.init.headers, input, fetch: (u, init) => globalThis.fetch(u, init) });
  if (reference.sign(JSON.stringify(input), seen.init.headers["x-amz-date"]).authorization !== seen.init.headers.authorization) throw new Error("the reference signer does not reproduce the package's signature");
  benchGlue.initSync({ module: benchWasm });
  const signOnlyCore = new benchGlue.WasmClient({ region, endpoint, credentials }, { fetch: hostFetch, init: attemptInit, read, makeError });
  return {
    floor: async () => JSON.parse(await (await globalThis.fetch(floor.url, floor.init)).text()),
    reference: reference.call,
    signThenFloor: async () => {
      signOnlyCore.signOnly("GetResourceOauth2Token", input);
      return JSON.parse(await (await globalThis.fetch(floor.url, floor.init)).text());
    },
    pkg: () => ours.getResourceOauth2Token(input),
    sdk: () => sdk.send(new GetResourceOauth2TokenCommand(input)),
    aws4fetch: async () => (await a4f.fetch(endpoint + "/identities/oauth2/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })).json(),
  };
}
export default {
  async fetch(req, env) {
    state ??= await setup(env);
    const q = new URL(req.url).searchParams;
    const f = state[q.get("who")], n = Number(q.get("n")), splitting = q.get("split") === "1";
    const calls = [], outside = [];
    for (let i = 0; i < n; i++) {
      if (splitting) split = {};
      const t0 = performance.now();
      await f();
      const t1 = performance.now();
      if (splitting) outside.push(split.sent - t0 + (t1 - split.replied));
      calls.push(t1 - t0);
    }
    split = null;
    return Response.json({ calls, outside });
  },
};`,
    [{ path: join(root, "www", "wasm", "bench-variant_bg.wasm"), contents: readFileSync(join(root, "target", "bench-pkg", "agentcore_identity_edge_bg.wasm")) }],
  );
  const mf = new Miniflare({
    modules,
    compatibilityDate: "2025-09-01",
    compatibilityFlags: ["nodejs_compat"],
    bindings: { ENDPOINT: endpoint, CREDS: JSON.stringify(credentials), INPUT: JSON.stringify(input) },
  });
  const who = { floor: FLOOR, reference: REFERENCE, signThenFloor: SIGN_THEN_FLOOR, pkg: PKG_NAME, sdk: SDK_NAME, aws4fetch: "aws4fetch" };
  const keys = Object.keys(who);
  const go = async (k, n, split = false) => (await mf.dispatchFetch(`http://bench.local/?who=${k}&n=${n}&split=${split ? 1 : 0}`)).json();
  for (const k of keys) await go(k, 300);
  const pid = workerdPid();
  const rounds = quick ? 8 : 30;
  const perRound = 100;
  const means = Object.fromEntries(keys.map((k) => [k, []]));
  const samples = Object.fromEntries(keys.map((k) => [k, []]));
  const cpu = Object.fromEntries(keys.map((k) => [k, []]));
  const outside = Object.fromEntries(keys.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of keys.map((_, i) => keys[(i + r) % keys.length])) {
      const c0 = cpuOf(pid);
      const out = await go(k, perRound);
      cpu[k].push(cpuOf(pid) - c0);
      means[k].push((out.calls.reduce((a, b) => a + b, 0) * 1000) / perRound);
      samples[k].push(...out.calls.map((ms) => ms * 1000));
    }
    // A shorter round with the fetch wrapper on, for the time spent outside the fetch.
    for (const k of keys) outside[k].push(...(await go(k, 50, true)).outside.map((ms) => ms * 1000));
  }
  await mf.dispose();
  const s = Object.fromEntries(keys.map((k) => [k, summarise(means[k], samples[k], cpu[k])]));
  for (const k of keys) {
    // performance.now() in workerd ticks in whole milliseconds: a single short span reads 0 or 1,
    // but the mean over many spans at random phases estimates the true mean.
    const o = outside[k].reduce((a, b) => a + b, 0) / outside[k].length;
    row(
      "per call (workerd)",
      who[k],
      "median / p99 µs; workerd CPU µs; JS outside fetch µs",
      `${s[k].median.toFixed(0)} / ${s[k].p99.toFixed(0)}; ${Number.isNaN(s[k].cpu) ? "n/a" : s[k].cpu.toFixed(0)}; ${o.toFixed(0)}`,
      `${times(s[k].median, s.floor.median, "floor")}; CPU ${Number.isNaN(s[k].cpu) ? "n/a" : times(s[k].cpu, s.floor.cpu, "floor")}`,
    );
  }
}

// ---------------------------------------------------------------- cold start, Node
{
  const scripts = {
    [PKG_NAME]: `const t0 = performance.now(); const { AgentCoreIdentityClient } = await import(${JSON.stringify(join(root, "www", "node.js"))});
await new AgentCoreIdentityClient({ region: "us-east-1", endpoint: process.argv[1], credentials: JSON.parse(process.argv[2]) }).getResourceOauth2Token(JSON.parse(process.argv[3]));
console.log(performance.now() - t0);`,
    [SDK_NAME]: `const t0 = performance.now(); const { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } = await import("@aws-sdk/client-bedrock-agentcore");
await new BedrockAgentCoreClient({ region: "us-east-1", endpoint: process.argv[1], credentials: JSON.parse(process.argv[2]) }).send(new GetResourceOauth2TokenCommand(JSON.parse(process.argv[3])));
console.log(performance.now() - t0);`,
  };
  const coldTimes = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    for (const [name, code] of Object.entries(scripts)) {
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", code, endpoint, JSON.stringify(credentials), JSON.stringify(input)], { cwd: root, encoding: "utf8", env: { ...process.env } });
      coldTimes[name].push(Number(out.trim()));
    }
  }
  const sdkCold = median(coldTimes[SDK_NAME]);
  for (const [name, xs] of Object.entries(coldTimes)) row("cold start (Node)", name, "import to first reply, ms", median(xs).toFixed(1), times(median(xs), sdkCold, "SDK"));
}

// ---------------------------------------------------------------- cold start, workerd
{
  const worker = {
    empty: `export default { fetch() { return new Response("{}"); } };`,
    [PKG_NAME]: `import { AgentCoreIdentityClient } from "agentcore-identity-edge";
export default { async fetch(req, env) { const out = await new AgentCoreIdentityClient({ region: "us-east-1", endpoint: env.ENDPOINT, credentials: JSON.parse(env.CREDS) }).getResourceOauth2Token(JSON.parse(env.INPUT)); return Response.json(out); } };`,
    [SDK_NAME]: `import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
export default { async fetch(req, env) { const out = await new BedrockAgentCoreClient({ region: "us-east-1", endpoint: env.ENDPOINT, credentials: JSON.parse(env.CREDS) }).send(new GetResourceOauth2TokenCommand(JSON.parse(env.INPUT))); return Response.json(out); } };`,
  };
  const modules = {};
  for (const [name, source] of Object.entries(worker)) modules[name] = await workerModules(`cold-${name.replace(/\W+/g, "-")}`, source);
  const coldTimes = Object.fromEntries(Object.keys(worker).map((k) => [k, []]));
  for (let r = 0; r < (quick ? 2 : 6); r++) {
    for (const [name, mods] of Object.entries(modules)) {
      const t0 = performance.now();
      const mf = new Miniflare({
        modules: mods,
        compatibilityDate: "2025-09-01",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { ENDPOINT: endpoint, CREDS: JSON.stringify(credentials), INPUT: JSON.stringify(input) },
      });
      await (await mf.dispatchFetch("http://worker.local/")).text();
      coldTimes[name].push(performance.now() - t0);
      await mf.dispose();
    }
  }
  const base = median(coldTimes.empty);
  const sdkCold = median(coldTimes[SDK_NAME]) - base;
  for (const name of [PKG_NAME, SDK_NAME]) {
    const m = median(coldTimes[name]) - base;
    row("cold start (workerd)", name, "first reply, ms over an empty Worker", m.toFixed(1), times(m, sdkCold, "SDK"));
  }
}

// ---------------------------------------------------------------- memory
{
  const { init } = await import("../www/init.js");
  // The module's linear memory (its exports have short names: scripts/build.mjs).
  const memory = /** @type {WebAssembly.Memory} */ (Object.values(/** @type {object} */ (await init())).find((v) => v instanceof WebAssembly.Memory));
  const calls = quick ? 10_000 : 50_000;
  const marks = [];
  const mark = (n) => {
    globalThis.gc?.();
    marks.push({ n, rss: process.memoryUsage().rss, wasm: memory.buffer.byteLength });
  };
  for (let i = 0; i < 1000; i++) await ours.getResourceOauth2Token(input);
  mark(0);
  for (let i = 1; i <= calls; i++) {
    await ours.getResourceOauth2Token(input);
    if (i % (calls / 4) === 0) mark(i);
  }
  const mb = (b) => (b / 1048576).toFixed(1);
  row("memory (Node)", `${PKG_NAME}, ${calls.toLocaleString("en")} calls`, "RSS MiB at 0 / 25 / 50 / 75 / 100%", marks.map((m) => mb(m.rss)).join(" / "));
  row("memory (Node)", `${PKG_NAME}, ${calls.toLocaleString("en")} calls`, "wasm linear memory KiB", marks.map((m) => (m.wasm / 1024).toFixed(0)).join(" / "), marks.at(-1).wasm === marks[0].wasm ? "stable" : "grew");
}

server.kill();

// ---------------------------------------------------------------- report
const machine = `${cpus()[0].model.trim()}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ", --quick" : ""}`;
const columns = ["section", "subject", "metric", "value", "ratio"];
const widths = columns.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
const table = [line(columns), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line(columns.map((k) => r[k])))].join("\n");
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const notes = [
  `load average at the end: ${load} (the machine is shared).`,
  `floor: a bare fetch of the request the package signed, sent unchanged (same URL, headers incl. authorization and x-amz-date, same body bytes); median of ${quick ? "quick" : "interleaved"} rounds' means.`,
  "reference rows: the least a signed call can cost (benches/reference-signer.mjs: the same request signed afresh per call by node:crypto, the signing key kept per day, nothing checked, the reply only parsed), and the package's own validate + serialise + sign (signOnly, benchmarks' build) followed by the floor's fetch. Their distance from the floor is what signing per call costs.",
  "CPU (Node): process.cpuUsage() of this process per call (the loopback server is another process). CPU (workerd): utime + stime of the workerd process from /proc, 10 ms ticks, per call; Miniflare reports cpuTime 0.",
  "JS outside fetch (workerd): performance.now() in the Worker from the call to its fetch, plus from the fetch's reply to the result, mean over calls (workerd's clock ticks in whole ms, so single spans and p99 are ms-grained); the floor's is reading and parsing the body.",
];
const report = `Machine: ${machine}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join("\n")}\n\nrun time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s\n`;
console.log(`\n${report}`);
writeFileSync(join(work, "latest.md"), report);
process.exit(0);

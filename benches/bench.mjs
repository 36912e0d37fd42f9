// npm run bench: payload, per-call latency, signing throughput, cold start and memory, for this
// package against a bare fetch, the AWS SDK for JavaScript v3 and aws4fetch, all in one run.
// Every latency figure is a median over interleaved rounds, with its ratio to the bare fetch
// measured in the same run. `--quick` shortens the run (fewer rounds, 10k calls for memory).
import { execFileSync, fork, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";

const root = new URL("..", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const work = join(root, ".cache", "bench");
mkdirSync(work, { recursive: true });
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

if (spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" }).status !== 0) process.exit(1);

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
const ratio = (x, base) => `${(x / base).toFixed(2)}×`;

// ---------------------------------------------------------------- payload
const PAYLOAD_ENTRIES = {
  "agentcore-identity-edge": `import { AgentCoreIdentityClient } from "agentcore-identity-edge";
export const call = (cfg, input) => new AgentCoreIdentityClient(cfg).getResourceOauth2Token(input);`,
  "AWS SDK v3": `import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
export const call = (cfg, input) => new BedrockAgentCoreClient(cfg).send(new GetResourceOauth2TokenCommand(input));`,
  aws4fetch: `import { AwsClient } from "aws4fetch";
export async function call(cfg, input) {
  const c = new AwsClient({ ...cfg.credentials, region: cfg.region, service: "bedrock-agentcore" });
  const r = await c.fetch(cfg.endpoint + "/identities/oauth2/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  return r.json();
}`,
};
const sizes = (buf) => ({ raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
const payload = {};
for (const [name, source] of Object.entries(PAYLOAD_ENTRIES)) {
  const built = await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    write: false,
    format: "esm",
    platform: "browser",
    alias: { "agentcore-identity-edge": join(root, "www", "index.js") },
    logLevel: "silent",
  });
  const js = sizes(Buffer.from(built.outputFiles[0].contents));
  const total = { ...js };
  if (name === "agentcore-identity-edge") {
    const wasm = sizes(readFileSync(join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm")));
    for (const k of Object.keys(total)) total[k] += wasm[k];
    row("payload", `${name}: JS (wrapper + glue)`, "raw / gzip / brotli B", `${js.raw} / ${js.gzip} / ${js.brotli}`);
    row("payload", `${name}: .wasm`, "raw / gzip / brotli B", `${wasm.raw} / ${wasm.gzip} / ${wasm.brotli}`);
  }
  payload[name] = total;
}
for (const [name, t] of Object.entries(payload)) {
  row("payload", name, "raw / gzip / brotli B", `${t.raw} / ${t.gzip} / ${t.brotli}`, name === "AWS SDK v3" ? "" : `gzip ${ratio(t.gzip, payload["AWS SDK v3"].gzip)} the SDK`);
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
const body = JSON.stringify(input);
const bareHeaders = { "content-type": "application/json", "x-amz-date": "20260101T000000Z", "x-amz-security-token": credentials.sessionToken, authorization: "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=content-type;host;x-amz-date, Signature=0" };

const contenders = {
  "bare fetch": async () => JSON.parse(await (await fetch(url, { method: "POST", headers: bareHeaders, body })).text()),
  "agentcore-identity-edge": () => ours.getResourceOauth2Token(input),
  "AWS SDK v3": () => sdk.send(new GetResourceOauth2TokenCommand(input)),
  aws4fetch: async () => (await a4f.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })).json(),
};

// ---------------------------------------------------------------- per call
{
  const rounds = quick ? 8 : 30;
  const perRound = quick ? 100 : 200;
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const f of Object.values(contenders)) for (let i = 0; i < 300; i++) await f();
  const names = Object.keys(contenders);
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const f = contenders[name];
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await f();
        samples[name].push((performance.now() - t0) * 1000);
      }
    }
  }
  const base = median(samples["bare fetch"]);
  for (const name of names) {
    const m = median(samples[name]);
    row("per call (Node)", name, "median / p99 µs", `${m.toFixed(0)} / ${pct(samples[name], 0.99).toFixed(0)}`, ratio(m, base));
  }
}

// ---------------------------------------------------------------- sign only
{
  const { setWasmSource, init } = await import("../www/init.js");
  const { WasmClient } = await import("../www/wasm/agentcore_identity_edge.js");
  const { makeError } = await import("../www/errors.js");
  const { readFile } = await import("node:fs/promises");
  setWasmSource(() => readFile(join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm")));
  await init();
  const core = new WasmClient({ region, endpoint, credentials }, { send: fetch, sleep: () => Promise.resolve(), makeError });
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { Hash } = await import("@smithy/hash-node");
  const smithy = new SignatureV4({ credentials, region, service: "bedrock-agentcore", sha256: Hash.bind(null, "sha256") });
  const host = `127.0.0.1:${port}`;
  const signers = {
    "agentcore-identity-edge (validate + sign)": () => core.signOnly("GetResourceOauth2Token", input),
    "@smithy/signature-v4": () =>
      smithy.sign({ method: "POST", protocol: "http:", hostname: "127.0.0.1", port, path: "/identities/oauth2/token", query: {}, headers: { host, "content-type": "application/json" }, body: JSON.stringify(input) }),
    aws4fetch: () => new AwsV4Signer({ ...credentials, url, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input), region, service: "bedrock-agentcore" }).sign(),
  };
  const rates = Object.fromEntries(Object.keys(signers).map((k) => [k, []]));
  const rounds = quick ? 3 : 7;
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(signers)) {
      for (let i = 0; i < 200; i++) await f();
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 300) {
        await f();
        n++;
      }
      rates[name].push(n / ((performance.now() - t0) / 1000));
    }
  }
  const ourRate = median(rates["agentcore-identity-edge (validate + sign)"]);
  for (const [name, xs] of Object.entries(rates)) row("sign only", name, "signatures/s", median(xs).toFixed(0), ratio(median(xs), ourRate) + " ours");
}

// ---------------------------------------------------------------- cold start, Node
{
  const scripts = {
    "agentcore-identity-edge": `const t0 = performance.now(); const { AgentCoreIdentityClient } = await import(${JSON.stringify(join(root, "www", "node.js"))});
await new AgentCoreIdentityClient({ region: "us-east-1", endpoint: process.argv[1], credentials: JSON.parse(process.argv[2]) }).getResourceOauth2Token(JSON.parse(process.argv[3]));
console.log(performance.now() - t0);`,
    "AWS SDK v3": `const t0 = performance.now(); const { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } = await import("@aws-sdk/client-bedrock-agentcore");
await new BedrockAgentCoreClient({ region: "us-east-1", endpoint: process.argv[1], credentials: JSON.parse(process.argv[2]) }).send(new GetResourceOauth2TokenCommand(JSON.parse(process.argv[3])));
console.log(performance.now() - t0);`,
  };
  const times = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  for (let r = 0; r < (quick ? 3 : 9); r++) {
    for (const [name, code] of Object.entries(scripts)) {
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", code, endpoint, JSON.stringify(credentials), JSON.stringify(input)], { cwd: root, encoding: "utf8", env: { ...process.env } });
      times[name].push(Number(out.trim()));
    }
  }
  const sdkCold = median(times["AWS SDK v3"]);
  for (const [name, xs] of Object.entries(times)) row("cold start (Node)", name, "import to first reply, ms", median(xs).toFixed(1), ratio(median(xs), sdkCold) + " SDK");
}

// ---------------------------------------------------------------- cold start, workerd
{
  const worker = {
    empty: `export default { fetch() { return new Response("{}"); } };`,
    "agentcore-identity-edge": `import { AgentCoreIdentityClient } from "agentcore-identity-edge";
export default { async fetch(req, env) { const out = await new AgentCoreIdentityClient({ region: "us-east-1", endpoint: env.ENDPOINT, credentials: JSON.parse(env.CREDS) }).getResourceOauth2Token(JSON.parse(env.INPUT)); return Response.json(out); } };`,
    "AWS SDK v3": `import { BedrockAgentCoreClient, GetResourceOauth2TokenCommand } from "@aws-sdk/client-bedrock-agentcore";
export default { async fetch(req, env) { const out = await new BedrockAgentCoreClient({ region: "us-east-1", endpoint: env.ENDPOINT, credentials: JSON.parse(env.CREDS) }).send(new GetResourceOauth2TokenCommand(JSON.parse(env.INPUT))); return Response.json(out); } };`,
  };
  const dir = join(work, "workerd");
  mkdirSync(join(dir, "wasm"), { recursive: true });
  writeFileSync(join(dir, "wasm", "agentcore_identity_edge_bg.wasm"), readFileSync(join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm")));
  const files = {};
  for (const [name, source] of Object.entries(worker)) {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.js`);
    await esbuild.build({
      stdin: { contents: source, resolveDir: root, loader: "js" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker"],
      alias: { "agentcore-identity-edge": join(root, "www", "workerd.js") },
      external: ["*.wasm"],
      outfile: file,
      logLevel: "silent",
    });
    // The bundle keeps `import "./wasm/agentcore_identity_edge_bg.wasm"`: the copy beside it.
    files[name] = file;
  }
  const times = Object.fromEntries(Object.keys(worker).map((k) => [k, []]));
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    for (const [name, file] of Object.entries(files)) {
      const t0 = performance.now();
      const mf = new Miniflare({
        scriptPath: file,
        modules: true,
        modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
        compatibilityDate: "2025-09-01",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { ENDPOINT: endpoint, CREDS: JSON.stringify(credentials), INPUT: JSON.stringify(input) },
      });
      const res = await mf.dispatchFetch("http://worker.local/");
      await res.text();
      times[name].push(performance.now() - t0);
      await mf.dispose();
    }
  }
  const base = median(times.empty);
  const sdkCold = median(times["AWS SDK v3"]) - base;
  for (const name of ["agentcore-identity-edge", "AWS SDK v3"]) {
    const m = median(times[name]) - base;
    row("cold start (workerd)", name, "first reply, ms over an empty Worker", m.toFixed(1), ratio(m, sdkCold) + " SDK");
  }
}

// ---------------------------------------------------------------- memory
{
  const { init } = await import("../www/init.js");
  const exports = /** @type {any} */ (await init());
  const calls = quick ? 10_000 : 100_000;
  const marks = [];
  const mark = (n) => {
    globalThis.gc?.();
    marks.push({ n, rss: process.memoryUsage().rss, wasm: exports.memory.buffer.byteLength });
  };
  for (let i = 0; i < 1000; i++) await ours.getResourceOauth2Token(input);
  mark(0);
  for (let i = 1; i <= calls; i++) {
    await ours.getResourceOauth2Token(input);
    if (i % (calls / 4) === 0) mark(i);
  }
  const mb = (b) => (b / 1048576).toFixed(1);
  row("memory", `after ${calls.toLocaleString("en")} calls`, "RSS MiB at 0 / 25 / 50 / 75 / 100%", marks.map((m) => mb(m.rss)).join(" / "));
  row("memory", `after ${calls.toLocaleString("en")} calls`, "wasm linear memory KiB", marks.map((m) => (m.wasm / 1024).toFixed(0)).join(" / "), marks.at(-1).wasm === marks[0].wasm ? "stable" : "grew");
}

server.kill();

// ---------------------------------------------------------------- report
const machine = `${cpus()[0].model.trim()}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ", --quick" : ""}`;
const widths = ["section", "subject", "metric", "value", "ratio"].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
const table = [line(["section", "subject", "metric", "value", "ratio"]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line([r.section, r.subject, r.metric, r.value, r.ratio]))].join("\n");
console.log(`\nMachine: ${machine}\n\n${table}\n`);
writeFileSync(join(work, "latest.md"), `Machine: ${machine}\n\n${table}\n`);
process.exit(0);

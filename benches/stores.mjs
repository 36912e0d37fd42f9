// node benches/stores.mjs [--runs N]: the latency a single-use store adds to one callback.
// For each store: the median of `handleOauth2Callback` (state MAC, expiry, single use, callback
// checks) over N sequential callbacks, each with a fresh state, less the same median with a store
// that answers at once; and the median of `consume` alone.
//   - in-memory: InMemoryStateStore, in Node;
//   - Redis: RedisStateStore through node-redis to Debian's redis-server on loopback;
//   - Durable Object: DurableObjectStateStore and StateStoreDurableObject, both in workerd
//     (Miniflare), measured inside the Worker (workerd's clock moves at I/O, in whole ms).
// A measurement, not a test: it prints a table and asserts nothing.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { createClient } from "redis";
import { createCustomState, handleOauth2Callback, InMemoryStateStore, RedisStateStore } from "../www/node.js";

const root = new URL("..", import.meta.url).pathname;
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 500;
const SECRET = "bench-state-secret-0123456789abcdef-0123";
const SESSION = "urn:ietf:params:oauth:request_uri:bench";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const randomNonce = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
const instant = { consume: async () => true };

/** Medians (ms) of N callbacks with `store`, and of N consumes alone. */
async function measure(store) {
  const states = await Promise.all(Array.from({ length: RUNS }, () => createCustomState({ secret: SECRET, binding: "u" })));
  const callback = [];
  for (const state of states) {
    const url = `https://app.example/callback?session_id=${SESSION}&state=${state}`;
    const t0 = performance.now();
    await handleOauth2Callback(url, { stateSecret: SECRET, binding: "u", stateStore: store });
    callback.push(performance.now() - t0);
  }
  const consume = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await store.consume(randomNonce(), Date.now() + 600_000);
    consume.push(performance.now() - t0);
  }
  return { callback: median(callback), consume: median(consume) };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

const rows = [];
const base = await measure(instant);
rows.push(["no store (answers at once)", base.callback, 0, base.consume]);
await measure(new InMemoryStateStore()); // warm-up
const memory = await measure(new InMemoryStateStore());
rows.push(["in-memory (Node)", memory.callback, memory.callback - base.callback, memory.consume]);

// Redis on loopback.
{
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "agentcore-bench-redis-"));
  const server = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const exited = new Promise((r) => server.once("exit", r));
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: (n) => (n > 50 ? false : 100) } });
  client.on("error", () => {});
  try {
    await client.connect();
    const store = new RedisStateStore({ sendCommand: (args) => client.sendCommand(args) });
    await measure(store); // warm-up
    const redis = await measure(store);
    rows.push(["Redis (node-redis, loopback)", redis.callback, redis.callback - base.callback, redis.consume]);
  } finally {
    client.destroy();
    server.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// Durable Object in workerd: the loop runs inside the Worker.
{
  const source = `
import { createCustomState, handleOauth2Callback } from "agentcore-identity-edge";
import { DurableObjectStateStore } from "agentcore-identity-edge/cloudflare";
export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nonce = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
async function measure(store, runs, secret) {
  const callback = [], consume = [];
  let t = Date.now();
  for (let i = 0; i < runs; i++) {
    const state = await createCustomState({ secret, binding: "u" });
    const t0 = Date.now();
    await handleOauth2Callback("https://app.example/callback?session_id=${SESSION}&state=" + state, { stateSecret: secret, binding: "u", stateStore: store });
    callback.push(Date.now() - t0);
  }
  const tc = Date.now();
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    await store.consume(nonce(), Date.now() + 600000);
    consume.push(Date.now() - t0);
  }
  return { callback: median(callback), consume: median(consume), consumeMean: (Date.now() - tc) / runs };
}
export default {
  async fetch(request, env) {
    const runs = Number(env.RUNS);
    const store = new DurableObjectStateStore(env.AGENTCORE_STATE);
    await measure(store, Math.min(runs, 50), env.SECRET);
    // The same store with every nonce sent to one object: what creating an object per nonce costs.
    const ns = env.AGENTCORE_STATE;
    const one = new DurableObjectStateStore({ idFromName: () => ns.idFromName("one"), get: (id) => ns.get(id) });
    return Response.json({
      instant: await measure({ consume: async () => true }, runs, env.SECRET),
      durable: await measure(store, runs, env.SECRET),
      oneObject: await measure(one, runs, env.SECRET),
    });
  },
};
`;
  // Under the project: workerd resolves module paths relative to the working folder.
  const dir = join(root, ".cache", "bench-stores");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    alias: { "agentcore-identity-edge/cloudflare": join(root, "www", "cloudflare.js"), "agentcore-identity-edge": join(root, "www", "workerd.js") },
    external: ["*.wasm"],
    outfile: join(dir, "worker.js"),
    logLevel: "silent",
  });
  mkdirSync(join(dir, "wasm"));
  cpSync(join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm"), join(dir, "wasm", "agentcore_identity_edge_bg.wasm"));
  const mf = new Miniflare({
    scriptPath: join(dir, "worker.js"),
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    bindings: { RUNS: String(RUNS), SECRET },
    durableObjects: { AGENTCORE_STATE: { className: "StateStoreDurableObject", useSQLite: true } },
  });
  try {
    const res = await mf.dispatchFetch("http://bench.local/");
    const { instant: i, durable: d, oneObject: o } = await res.json();
    rows.push(["no store, in workerd", i.callback, 0, i.consume]);
    rows.push([`Durable Object per nonce (workerd; consume mean ${d.consumeMean.toFixed(2)} ms)`, d.callback, d.callback - i.callback, d.consume]);
    rows.push([`same, all nonces in one object (consume mean ${o.consumeMean.toFixed(2)} ms)`, o.callback, o.callback - i.callback, o.consume]);
  } finally {
    await mf.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`single-use stores: medians over ${RUNS} sequential callbacks (each a fresh state), ms`);
console.table(rows.map(([store, callback, added, consume]) => ({ store, "callback (median)": callback.toFixed(3), "added by the store": added.toFixed(3), "consume (median)": consume.toFixed(3) })));

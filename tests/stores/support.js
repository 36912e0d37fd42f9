// Shared pieces of the store tests: the packed package (main entry and the `/cloudflare` subpath),
// a real redis-server on a free loopback port, and the Durable Object in workerd (Miniflare).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { importSubpath, nodeEntry } from "../support/package.mjs";
import { freePort } from "../runtimes/support.js";

export { freePort };

/** The package's main entry, as installed from the tarball. */
export const pkg = () => import(pathToFileURL(nodeEntry()).href);

/** The package's `agentcore-identity-edge/cloudflare` subpath, resolved through its exports map. */
export function cloudflarePkg() {
  return importSubpath("cloudflare");
}

/**
 * Runs `fn` with this process's `Date.now()` `offsetMs` away from the real clock (an instance
 * whose clock is ahead or behind), restored afterwards.
 */
export async function withClock(offsetMs, fn) {
  const real = Date.now;
  Date.now = () => real.call(Date) + offsetMs;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

/** Resolves when `ms` have passed. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` every 100 ms until it returns true; fails after `deadlineMs` (a bound on the
 * loop, not a timing assertion).
 */
export async function eventually(check, what, deadlineMs = 30_000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`${what}: not so after ${deadlineMs} ms`);
    await sleep(100);
  }
}

/** Sends one inline command to a Redis on `port` and resolves with the raw reply (or rejects). */
function ping(port) {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    s.setTimeout(1000, () => s.destroy(new Error("timeout")));
    s.once("error", reject);
    s.once("data", (d) => {
      s.end();
      resolve(String(d));
    });
    s.write("PING\r\n");
  });
}

/** Servers still running: stopped if this process exits or is terminated before their test ends. */
const running = new Set();
const stopAll = () => {
  for (const child of running) child.kill("SIGTERM");
};
process.once("exit", stopAll);
process.once("SIGTERM", () => {
  stopAll();
  process.exit(143);
});

/**
 * Debian's redis-server on a free loopback port, nothing persisted; stopped when the test ends.
 * `stop()` stops it earlier (to test a store that is down). `args`: more settings, as
 * `["--maxmemory-policy", "volatile-lru"]`.
 */
export async function startRedis(t, args = []) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "agentcore-redis-"));
  const child = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  running.add(child);
  const exited = new Promise((r) => child.once("exit", r));
  child.once("exit", () => running.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(stop);
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
    const reply = await ping(port).catch(() => "");
    if (reply.startsWith("+PONG")) break;
    if (Date.now() > end) throw new Error(`redis-server did not answer on port ${port}:\n${output}`);
    await sleep(100);
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

/** A connected node-redis client, closed when the test ends. */
export async function redisClient(t, url, options = {}) {
  const { createClient } = await import("redis");
  const client = createClient({ url, ...options });
  client.on("error", () => {}); // reconnection attempts after a test stops the server
  await client.connect();
  t.after(() => {
    if (client.isOpen) client.destroy();
  });
  return client;
}

/**
 * workerd (Miniflare) running a Worker that only re-exports the package's StateStoreDurableObject,
 * bound as AGENTCORE_STATE (SQLite-backed, as wrangler's `new_sqlite_classes` makes it). Returns
 * the Miniflare and the namespace, usable from Node. Disposed when the test ends.
 */
export async function durableObjectWorker(t) {
  const built = await esbuild.build({
    stdin: {
      contents: 'export { StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";\nexport default { fetch() { return new Response("state store"); } };\n',
      resolveDir: dirname(nodeEntry()),
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "worker.js", contents: built.outputFiles[0].text }],
    compatibilityDate: "2025-09-01",
    durableObjects: { AGENTCORE_STATE: { className: "StateStoreDurableObject", useSQLite: true } },
  });
  let disposed = false;
  const dispose = async () => {
    if (!disposed) {
      disposed = true;
      await mf.dispose();
    }
  };
  t.after(dispose);
  const namespace = await mf.getDurableObjectNamespace("AGENTCORE_STATE");
  return { mf, namespace, dispose };
}

/** The nonce inside a state made by createCustomState (bytes 1..17 of the decoded state). */
export const nonceOf = (state) => Buffer.from(state, "base64url").subarray(1, 17).toString("base64url");

/** A fresh random nonce, as the package makes them (16 bytes, 22 base64url characters). */
export const randomNonce = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");

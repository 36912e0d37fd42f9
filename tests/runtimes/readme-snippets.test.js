// The README's code runs as written. Every ```js and ```ts block of README.md (and of the emulator's
// README.md, which ships in its package), whatever blocks it has when this runs, is type-checked by tsc --strict (checkJs for js blocks) against the packed packages'
// types, in a scratch project outside the repository (the system's temporary folder) with the two
// tarballs installed offline from an empty npm cache, and two libraries the examples use linked from
// the repository's node_modules (redis, hono). Names a block uses without declaring (the `env` of a
// Worker, the app's `userId`) are declared once, with their types, in GLOBALS below; a block that
// uses a name declared nowhere fails with that name. The Node quick start is also run, against the
// emulator, with the emulator's URL and credentials in its environment.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { packEmulator } from "../../scripts/pack-emulator.mjs";
import { startEmulator } from "../../emulator/index.js";
import { cacheDir, ensurePackage, root } from "../support/package.mjs";
import { typeCheck } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "readme-snippets-"));
const dir = join(scratch, "project");
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The free names README blocks may use, with their types (TypeScript declarations, global scope). */
const GLOBALS = `
type Client = import("agentcore-identity-edge").AgentCoreIdentityClient;
/** A Worker's bindings, as \`wrangler types\` declares them. */
interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN?: string;
  WORKLOAD_NAME: string;
  PROVIDER_NAME: string;
  STATE_SECRET: string;
  AGENTCORE_STATE: import("agentcore-identity-edge/cloudflare").DurableObjectNamespaceLike;
}
declare const env: Env;
declare const request: Request;
declare const userId: string;
declare const client: Client;
declare const stateSecret: string;
declare const signal: AbortSignal;
declare const input: import("agentcore-identity-edge").GetResourceOauth2TokenInput;
declare const routes: import("agentcore-identity-edge/connect").ConnectRoutes;
declare const chat: { say(text: string): Promise<void> };
declare const authorizationUrl: string;
declare function authenticatedUser(request: Request): Promise<string>;
declare function userFromSessionCookie(request: Request, env: Env): Promise<string | null>;
declare function serveTheConsole(request: Request, env: Env): Response | Promise<Response>;
declare function sendToUser(url: string): void;
declare function show(text: string): void;
`;

/** Modules the blocks import that are neither package: the test frameworks shown, Deno's npm: form. */
const STUBS = `
declare module "vitest" {
  export function test(name: string, fn: () => unknown): void;
  export function beforeAll(fn: () => unknown): void;
  export function afterAll(fn: () => unknown): void;
  export function expect(value: unknown): { toBeTruthy(): void; toBe(expected: unknown): void; toEqual(expected: unknown): void };
}
declare module "npm:agentcore-identity-edge" {
  export * from "agentcore-identity-edge";
}
`;

/** The js/ts blocks of a README (README.md unless said), with the line each starts on. */
function readmeBlocks(readme = "README.md") {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const blocks = [];
  let open = null;
  for (const [i, line] of lines.entries()) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(line);
    if (!fence) {
      if (open) open.body.push(line.slice(open.indent));
      continue;
    }
    if (!open) {
      open = { lang: fence[2], indent: fence[1].length, start: i + 2, body: [] };
    } else {
      if (["js", "ts", "javascript", "typescript"].includes(open.lang)) blocks.push({ ...open, code: open.body.join("\n") });
      open = null;
    }
  }
  assert.equal(open, null, `${readme} has an unclosed code fence`);
  return blocks;
}

before(() => {
  const mainTarball = process.env.AGENTCORE_PACKAGE_TARBALL || ensurePackage().tarball;
  const { tarball: emulatorTarball } = packEmulator(join(cacheDir, "pack-emulator"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "readme-snippets", private: true, type: "module" }, null, 2));
  const cache = join(scratch, "npm-cache");
  mkdirSync(cache);
  execFileSync("npm", ["install", "--offline", "--cache", cache, "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", mainTarball, emulatorTarball], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The Redis example's client library, as the repository has it (its types only).
  symlinkSync(join(root, "node_modules", "redis"), join(dir, "node_modules", "redis"), "dir");
  // Hono, for the connect routes' mounting example (a dev dependency of the repository).
  symlinkSync(join(root, "node_modules", "hono"), join(dir, "node_modules", "hono"), "dir");
});

/**
 * Type-checks every js/ts block of `readme` (at least `min` of them) in the scratch project; each
 * error reported at its README line.
 * @param {string} readme @param {number} min
 */
function typeCheckBlocks(readme, min) {
  const blocks = readmeBlocks(readme);
  assert.ok(blocks.length >= min, `${readme} has ${blocks.length} js/ts blocks`);
  const prefix = readme.replace(/\W+/g, "-");
  const files = [];
  /** @type {Map<string, { start: number }>} */
  const where = new Map();
  for (const [n, b] of blocks.entries()) {
    const ts = b.lang === "ts" || b.lang === "typescript";
    const file = `${prefix}-block-${String(n + 1).padStart(2, "0")}.${ts ? "ts" : "js"}`;
    // `export {}` makes each block a module of its own (top-level await, no shared names); it is one line.
    writeFileSync(join(dir, file), `export {};\n${b.code}\n`);
    files.push(file);
    where.set(file, { start: b.start - 1 });
  }
  writeFileSync(join(dir, "globals.d.ts"), GLOBALS);
  writeFileSync(join(dir, "stubs.d.ts"), STUBS);
  const r = typeCheck(dir, { files: ["globals.d.ts", "stubs.d.ts", ...files], lib: ["es2022", "dom", "dom.iterable"], skipLibCheck: true });
  // Each error at its README line: "README.md:61: error TS2322: ...".
  const report = `${r.stdout}${r.stderr}`.replace(/^([\w-]+-block-\d+\.[jt]s)\((\d+),(\d+)\)/gm, (_, file, line) => `${readme}:${Number(line) + /** @type {{start: number}} */ (where.get(file)).start} (${file})`);
  assert.equal(r.status, 0, `${readme} blocks that do not type-check:\n${report}`);
}

test("every js/ts block of README.md type-checks with tsc --strict against the packed package", () => {
  typeCheckBlocks("README.md", 10);
});

test("every js/ts block of emulator/README.md type-checks against the packed emulator, imported by its package name", () => {
  typeCheckBlocks("emulator/README.md", 2);
});

test("the Node quick start runs against the emulator with its names and credentials", async () => {
  const quick = readmeBlocks().find((b) => b.code.includes("new AgentCoreIdentityClient(") && b.code.includes("process.env.AGENTCORE_ENDPOINT"));
  assert.ok(quick, "the Node quick start reads the endpoint from AGENTCORE_ENDPOINT");
  writeFileSync(join(dir, "quick-start.mjs"), quick.code);
  const emulator = await startEmulator({ port: 0 });
  try {
    const env = {
      ...process.env,
      AGENTCORE_ENDPOINT: emulator.url,
      AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    };
    delete env.AWS_SESSION_TOKEN;
    const out = await new Promise((resolve) => {
      const child = spawn(process.execPath, ["quick-start.mjs"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d) => (text += d));
      child.stderr.on("data", (d) => (text += d));
      child.on("exit", (code) => resolve({ code, text }));
    });
    assert.equal(out.code, 0, out.text);
    const calls = emulator.requests().map((e) => `${e.operation} ${e.status}`);
    assert.deepEqual(calls, ["GetWorkloadAccessToken 200", "GetResourceOauth2Token 200"]);
    assert.match(out.text, /^M2M token received/m, out.text);
  } finally {
    await emulator.close();
  }
});

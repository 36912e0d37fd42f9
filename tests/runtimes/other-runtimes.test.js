// The same smoke test under Deno, Bun and Vercel's Edge Runtime: one signed call that the emulator
// verifies, and one callback verification, with the package imported by name from the tarball.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { EdgeRuntime } from "edge-runtime";
import * as esbuild from "esbuild";
import { bin, emulator, project, SMOKE, smokeConfig, verifySmoke as verify } from "./support.js";

const run = promisify(execFile);

const config = (emu) => JSON.stringify(smokeConfig(emu));

test("Deno", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("deno", {
    "smoke.mjs": SMOKE,
    "main.mjs": 'import { smoke } from "./smoke.mjs";\nconsole.log(JSON.stringify(await smoke(JSON.parse(Deno.args[0]))));\n',
  });
  const { stdout } = await run(bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--no-prompt", "main.mjs", config(emu)], {
    cwd: dir,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  verify(emu, JSON.parse(stdout));
});

test("Bun", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("bun", {
    "smoke.mjs": SMOKE,
    "main.mjs": 'import { smoke } from "./smoke.mjs";\nconsole.log(JSON.stringify(await smoke(JSON.parse(process.argv[2]))));\n',
  });
  const { stdout } = await run(bin("bun"), ["main.mjs", config(emu)], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  verify(emu, JSON.parse(stdout));
});

test("Vercel Edge Runtime", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("edge-runtime", {
    "smoke.mjs": SMOKE,
    "entry.mjs": 'import { smoke } from "./smoke.mjs";\nglobalThis.__smoke = smoke;\n',
  });
  // As Vercel's bundler does for edge functions: the worker entry, and the .wasm import bound to a
  // WebAssembly.Module the platform compiled (edge code may not compile wasm from bytes).
  const built = await esbuild.build({
    entryPoints: [join(dir, "entry.mjs")],
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
  const result = await runtime.evaluate(`__smoke(${config(emu)})`);
  verify(emu, JSON.parse(JSON.stringify(result)));
});

// The same smoke test under Deno, Bun and Vercel's Edge Runtime: one signed call that the emulator
// verifies, and one callback verification, with the package imported by name from the tarball.
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { bin, edgeRuntime, emulator, project, SMOKE, smokeConfig, verifySmoke as verify } from "./support.js";

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
  const runtime = await edgeRuntime(dir, "entry.mjs");
  const result = await runtime.evaluate(`__smoke(${config(emu)})`);
  verify(emu, JSON.parse(JSON.stringify(result)));
});

// The same smoke test under Deno, Bun and Vercel's Edge Runtime: one signed call that the emulator
// verifies, and one callback verification, with the package imported by name from the tarball.
import { test } from "node:test";
import { edgeRuntime, emulator, project, runIn, SMOKE, smokeConfig, verifySmoke as verify } from "./support.js";

const config = (emu) => JSON.stringify(smokeConfig(emu));

test("Deno", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  verify(emu, await runIn("deno", "deno", SMOKE, "smoke", smokeConfig(emu)));
});

test("Bun", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  verify(emu, await runIn("bun", "bun", SMOKE, "smoke", smokeConfig(emu)));
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

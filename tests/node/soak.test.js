// A scaled-down `npm run soak`: sequential calls with memory sampled, then concurrent calls in Node
// and in workerd, all verified by the emulator. The full run (100,000 / 1,000) is `npm run soak`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { root } from "../support/package.mjs";

test("soak, scaled down: 1,500 sequential calls with stable memory, 200 concurrent in Node and workerd", { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, ["--expose-gc", join(root, "scripts", "soak.mjs"), "--calls", "1500", "--concurrent", "200"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Node: 200\/200 concurrent calls succeeded/);
  assert.match(r.stdout, /workerd: 200\/200 concurrent calls succeeded/);
});

// The README's "Defaults" block of the emulator is its default configuration, as emulator/config.js has it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { DEFAULT_CONFIG } from "../../emulator/config.js";

test("the README's emulator defaults equal DEFAULT_CONFIG", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const m = /^Defaults \(replace any top-level key with `--config FILE`\):\n\n```json\n([\s\S]*?)^```$/m.exec(readme);
  assert.ok(m, "README.md has the emulator's Defaults block");
  assert.deepEqual(JSON.parse(m[1]), DEFAULT_CONFIG);
});

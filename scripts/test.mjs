// npm test: first installs what this machine lacks (scripts/setup.mjs: npm ci when node_modules is
// missing, the Rust target and components, the wasm-bindgen CLI, Debian's chromium and redis-server),
// then every check, in the order a failure is cheapest to find. Node tests run last, against
// the packed tarball installed into a scratch project; the wasm is rebuilt and the package repacked
// only when their sources changed (tests/support/package.mjs compares content hashes).
//
// npm run test:quick (--quick): the Rust tests and the Node suites against the emulator
// (tests/emulator, tests/node), on the same freshly checked package; no lints, browsers, bundlers,
// other runtimes or type checks.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensurePackage, root } from "../tests/support/package.mjs";
import { setup } from "./setup.mjs";

const quick = process.argv.includes("--quick");
const started = Date.now();
await setup({ quick });
function step(title, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title}: failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`-- ${title}: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (!quick) {
  step("rustfmt", "cargo", ["fmt", "--check"]);
  step("clippy (native)", "cargo", ["clippy", "--all-targets", "--", "-D", "warnings"]);
  step("clippy (wasm32)", "cargo", ["clippy", "--target", "wasm32-unknown-unknown", "--lib", "--", "-D", "warnings"]);
}
step("cargo test", "cargo", ["test", "--quiet"]);

/** Builds the wasm and packs the package if their sources changed; the env the Node suites need. */
function freshPackage() {
  const t0 = Date.now();
  console.log("\n== build the wasm and pack the package, if their sources changed");
  const packed = ensurePackage({ log: (m) => console.log(m) });
  const what = [packed.rebuilt ? "wasm rebuilt" : "wasm up to date", packed.repacked ? "repacked" : "package up to date"].join(", ");
  console.log(`-- ${packed.tarball}: ${statSync(packed.tarball).size} bytes (${what}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { AGENTCORE_PACKAGE_ENTRY: packed.entry, AGENTCORE_PACKAGE_TARBALL: packed.tarball };
}
const env = freshPackage();

if (!quick) {
  step("tsc", process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
  // Rendered (into .cache), as npm run docs renders: code highlighting warns only while rendering.
  step("typedoc (warnings are errors)", process.execPath, [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--out", join(root, ".cache", "docs")]);
}

const suites = (quick ? ["emulator", "node"] : ["emulator", "node", "runtimes", "stores"]).flatMap((dir) =>
  readdirSync(join(root, "tests", dir))
    .filter((f) => f.endsWith(".test.js"))
    .map((f) => join("tests", dir, f)),
);
step("node --test", process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=120000", ...suites], env);
console.log(`\nall ${quick ? "quick " : ""}checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);

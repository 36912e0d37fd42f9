// npm test: every check, in the order a failure is cheapest to find. Node tests run last, against
// the packed tarball installed into a scratch project.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { nodeEntry, pack, root, scratchProject } from "../tests/support/package.mjs";

const started = Date.now();
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

step("rustfmt", "cargo", ["fmt", "--check"]);
step("clippy (native)", "cargo", ["clippy", "--all-targets", "--", "-D", "warnings"]);
step("clippy (wasm32)", "cargo", ["clippy", "--target", "wasm32-unknown-unknown", "--lib", "--", "-D", "warnings"]);
step("cargo test", "cargo", ["test", "--quiet"]);
step("build", process.execPath, [join(root, "scripts", "build.mjs")]);
step("tsc", process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
step("typedoc (warnings are errors)", process.execPath, [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--emit", "none"]);

console.log("\n== npm pack, install into a scratch project");
const packed = pack();
console.log(`${packed.tarball}: ${packed.files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
scratchProject("node", packed.tarball, { "pkg.mjs": 'export * from "agentcore-identity-edge";\n' });
const env = { AGENTCORE_PACKAGE_ENTRY: nodeEntry(), AGENTCORE_PACKAGE_TARBALL: packed.tarball };

const suites = ["emulator", "node", "runtimes", "stores"].flatMap((dir) =>
  readdirSync(join(root, "tests", dir))
    .filter((f) => f.endsWith(".test.js"))
    .map((f) => join("tests", dir, f)),
);
step("node --test", process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=120000", ...suites], env);
console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);

// npm run fuzz -- [--seconds N] [--target NAME]: runs every libFuzzer target (cargo fuzz) for N
// seconds (default 60), starting from the seed corpora in fuzz/seeds/, and prints executions and
// crashes per target. cargo-fuzz is installed on first use. cargo fuzz needs nightly flags; the
// stable toolchain accepts them with RUSTC_BOOTSTRAP=1.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(opt("--seconds", "60"));
const only = opt("--target", null);
const targets = readdirSync(join(root, "fuzz", "fuzz_targets"))
  .map((f) => f.replace(/\.rs$/, ""))
  .filter((t) => !only || t === only)
  .sort();

if (spawnSync("cargo", ["fuzz", "--version"], { stdio: "ignore" }).status !== 0) {
  console.log("installing cargo-fuzz (once) ...");
  if (spawnSync("cargo", ["install", "cargo-fuzz"], { stdio: "inherit" }).status !== 0) process.exit(1);
}

const env = { ...process.env, RUSTC_BOOTSTRAP: "1" };
const results = [];
let failed = false;
for (const target of targets) {
  const corpus = join(root, "fuzz", "corpus", target);
  mkdirSync(corpus, { recursive: true });
  const seeds = join(root, "fuzz", "seeds", target);
  if (existsSync(seeds)) cpSync(seeds, corpus, { recursive: true });
  console.log(`\n== ${target}: ${seconds} s`);
  const r = spawnSync("cargo", ["fuzz", "run", target, corpus, "--", `-max_total_time=${seconds}`, "-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048"], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "inherit", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const stderr = r.stderr ?? "";
  const execs = /stat::number_of_executed_units:\s*(\d+)/.exec(stderr)?.[1] ?? "?";
  const crashed = r.status !== 0;
  if (crashed) {
    failed = true;
    console.error(stderr.split("\n").slice(-40).join("\n"));
  }
  results.push({ target, seconds, execs, crashes: crashed ? 1 : 0, corpus: readdirSync(corpus).length });
}
console.log("\n| target | seconds | executions | crashes | corpus files |\n|---|---|---|---|---|");
for (const r of results) console.log(`| ${r.target} | ${r.seconds} | ${r.execs} | ${r.crashes} | ${r.corpus} |`);
process.exit(failed ? 1 : 0);

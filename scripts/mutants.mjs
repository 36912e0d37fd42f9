// npm run mutants: mutation testing of the core's security decisions. cargo-mutants changes the
// code of the files below one small edit at a time (a `&&` made `||`, a `<` made `<=`, a function
// body replaced by a default value) and runs the native Rust tests (`cargo test`) against each
// change: a change that no test notices is a gap, unless it is equivalent (it cannot change what
// the code does). tests/mutants-equivalent.md names each equivalent survivor and why.
//
//   node scripts/mutants.mjs                   the nine files, one after the other, most important first
//   node scripts/mutants.mjs src/state.rs ...  only these files (of the nine, or any other)
//   --head                                     the committed tree (git HEAD) instead of the working tree
//   --list                                     list the mutants, run nothing
//
// cargo-mutants is installed once into a per-version cache folder, as toolchain.mjs installs the
// wasm-bindgen CLI. Everything is built in a scratch copy of the tree, never in ./target (others may
// be building there): one cargo-mutants job at the lowest priority. Results go to
// $MUTANTS_OUT (default <tmp>/agentcore-identity-edge-mutants), one folder per file, and a score
// per file is printed at the end: caught, missed, unviable, timeout. It exits with 2 if a mutant
// survives that tests/mutants-equivalent.md does not name.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureCargoTool, root, run } from "./toolchain.mjs";

const VERSION = "27.1.0";

/** The files whose decisions the native tests must pin, most important first. */
export const FILES = [
  "src/state.rs",
  "src/callback/mod.rs",
  "src/sign.rs",
  "src/callback/form.rs",
  "src/retry/classify.rs",
  "src/endpoint.rs",
  "src/response.rs",
  "src/call.rs",
  "src/text.rs",
];

/** Builds without debug info: each mutant relinks every test binary, and nothing here is debugged. */
const BUILD_ENV = { CARGO_PROFILE_DEV_DEBUG: "0", CARGO_PROFILE_TEST_DEBUG: "0", CARGO_TERM_COLOR: "never" };

/** The path of a cargo-mutants binary at exactly VERSION (`cargo-mutants mutants --version` prints `cargo-mutants 27.1.0`). */
export function ensureCargoMutants() {
  return ensureCargoTool({ crate: "cargo-mutants", bin: "cargo-mutants", version: VERSION, versionArgs: ["mutants", "--version"], installArgs: ["--locked"], nice: true });
}

/** A scratch copy of the tree to mutate: git HEAD, or the working tree without ignored files. */
function scratchTree(out, head) {
  const tree = join(out, "tree");
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  if (head) {
    const archive = spawnSync("git", ["archive", "--format=tar", "HEAD"], { cwd: root, maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new Error(`git archive failed: ${archive.stderr}`);
    run("tar", ["-x", "-C", tree], { input: archive.stdout, stdio: ["pipe", "inherit", "inherit"] });
  } else {
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
    for (const file of listed.stdout.split("\0").filter(Boolean)) {
      if (!existsSync(join(root, file))) continue;
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      cpSync(join(root, file), join(tree, file));
    }
  }
  return tree;
}

/** Lines of one of cargo-mutants' result lists. */
function listed(dir, name) {
  const file = join(dir, "mutants.out", `${name}.txt`);
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

function main() {
  const args = process.argv.slice(2);
  const head = args.includes("--head");
  const list = args.includes("--list");
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--head" && a !== "--list");
  if (unknown.length) throw new Error(`unknown option ${unknown.join(" ")}`);
  const chosen = args.filter((a) => !a.startsWith("--"));
  const files = chosen.length ? chosen : FILES;
  const bin = ensureCargoMutants();
  const nice = (cmdArgs) => ["-n", "19", bin, "mutants", ...cmdArgs];

  if (list) {
    run("nice", nice([...files.flatMap((f) => ["--file", f]), "--list"]), { cwd: root });
    return;
  }

  const out = process.env.MUTANTS_OUT || join(tmpdir(), "agentcore-identity-edge-mutants");
  mkdirSync(out, { recursive: true });
  const tree = scratchTree(out, head);
  const env = { ...process.env, ...BUILD_ENV };
  // One build of the copy; each file's run copies its target folder instead of starting over.
  console.log(`\n== building the scratch tree ${tree}`);
  run("nice", ["-n", "19", "cargo", "test", "--no-run", "--quiet"], { cwd: tree, env });

  const scores = [];
  for (const file of files) {
    const dir = join(out, file.replace(/[/.]/g, "_"));
    rmSync(dir, { recursive: true, force: true });
    console.log(`\n== cargo mutants --file ${file}`);
    const t0 = Date.now();
    // Exit codes: 0 all caught, 2 some missed, 3 some timed out; anything else is a failure to run.
    const r = spawnSync(
      "nice",
      nice(["--dir", tree, "--file", file, "--jobs", "1", "--copy-target=true", "--output", dir, "--no-times", "--"]),
      { stdio: "inherit", env },
    );
    if (![0, 2, 3].includes(r.status ?? -1)) throw new Error(`cargo mutants --file ${file} failed with ${r.status ?? r.signal}`);
    const [caught, missed, unviable, timeout] = ["caught", "missed", "unviable", "timeout"].map((n) => listed(dir, n));
    scores.push({ file, caught: caught.length, missed, unviable: unviable.length, timeout, minutes: (Date.now() - t0) / 60_000 });
  }

  // A timeout is a mutant that made a test hang (a loop that no longer ends): noticed, not missed.
  console.log("\n== scores (caught / viable; unviable mutants do not build)");
  // A survivor is accepted when tests/mutants-equivalent.md names it (by its description, without
  // the line and column, which move as the code changes); any other one is a gap in the tests.
  const equivalent = readFileSync(join(root, "tests", "mutants-equivalent.md"), "utf8");
  const listedAsEquivalent = (m) => equivalent.includes(m.replace(/^[^:]+:\d+:\d+: /, ""));
  let failed = false;
  for (const s of scores) {
    const viable = s.caught + s.missed.length + s.timeout.length;
    console.log(`${s.file}: caught ${s.caught}, missed ${s.missed.length}, unviable ${s.unviable}, timeout ${s.timeout.length} (${s.caught}/${viable}, ${s.minutes.toFixed(1)} min)`);
    for (const m of s.missed) {
      const known = listedAsEquivalent(m);
      console.log(`  missed: ${m} (${known ? "equivalent, listed" : "NOT listed as equivalent: a gap in the tests"})`);
      failed ||= !known;
    }
    for (const m of s.timeout) console.log(`  timeout: ${m}`);
  }
  console.log(`\nresults in ${out}`);
  if (failed) process.exitCode = 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

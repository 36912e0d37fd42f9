// npm run build: Rust -> wasm32 -> wasm-bindgen (--target web) -> wasm-opt -Oz -> short import and
// export names (in the module and the glue), into www/wasm/.
// `node scripts/build.mjs --bench DIR` builds the benchmarks' variant (with `signOnly`) into DIR.
// How the module is compiled (the standard library rebuilt, panics that abort without formatting):
// `compileWasm` in scripts/toolchain.mjs.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileWasm, ensureWasmBindgen, root, run, wasmOpt } from "./toolchain.mjs";

const benchAt = process.argv.indexOf("--bench");
const bench = benchAt >= 0;
const outDir = bench ? process.argv[benchAt + 1] : join(root, "www", "wasm");
const wasmOut = join(outDir, "agentcore_identity_edge_bg.wasm");

const wasmBindgen = ensureWasmBindgen();
const wasmIn = bench ? compileWasm({ features: ["bench"], targetDir: join(root, "target", "wasm-bench") }) : compileWasm();
mkdirSync(outDir, { recursive: true });
run(wasmBindgen, [wasmIn, "--out-dir", outDir, "--target", "web", "--omit-default-module-path"]);
run(wasmOpt(), ["-Oz", "--strip-debug", "--strip-producers", wasmOut, "-o", wasmOut]);
shortenNames();
console.log(`built ${wasmOut} (${statSync(wasmOut).size} bytes)`);

/**
 * Gives the module's imports, exports and import module short names (binaryen's
 * `--minify-imports-and-exports-and-modules`) and renames them to match in wasm-bindgen's glue:
 * wasm-bindgen's names carry a 16-digit hash each, about 2.2 KB gzip across the module and the glue.
 */
function shortenNames() {
  const r = spawnSync(wasmOpt(), ["--minify-imports-and-exports-and-modules", "--strip-target-features", wasmOut, "-o", wasmOut], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wasm-opt --minify-imports-and-exports-and-modules failed: ${r.stderr}`);
  /** @type {{ imports: [string, string, string][], exports: [string, string][] }} */
  const map = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  const gluePath = join(outDir, "agentcore_identity_edge.js");
  let glue = readFileSync(gluePath, "utf8");
  /** Replaces every match of `pattern`; with `required`, there must be one. */
  const rename = (/** @type {RegExp} */ pattern, /** @type {string} */ to, required = true) => {
    const before = glue;
    glue = glue.replace(pattern, to);
    if (required && glue === before) throw new Error(`the glue does not match ${pattern}: wasm-bindgen's output changed`);
  };
  const modules = new Set(map.imports.map(([module]) => module));
  const shortModules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmOut))).map((i) => i.module));
  if (modules.size !== 1 || shortModules.size !== 1) throw new Error(`expected one import module, found ${[...modules].join(", ")}`);
  const [[moduleName]] = map.imports;
  const [shortModule] = shortModules;
  rename(new RegExp(`"${escape(moduleName)}": import0`, "g"), `${JSON.stringify(shortModule)}: import0`);
  for (const [, from, to] of map.imports) rename(new RegExp(`(?<=^ {8})${escape(from)}(?=: function)`, "gm"), to);
  // Exports the glue does not use (the abort handler's) are renamed in the module only.
  for (const [from, to] of map.exports) rename(new RegExp(`(?<=\\bwasm\\.)${escape(from)}\\b`, "g"), to, false);
  writeFileSync(gluePath, glue);
}

/** @param {string} s */
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

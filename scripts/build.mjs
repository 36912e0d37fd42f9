// npm run build: Rust -> wasm32 -> wasm-bindgen (--target web) -> wasm-opt -Oz -> short import and
// export names (in the module and the glue) -> wasm-opt -Oz again, into www/wasm/.
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
// `--low-memory-unused`: binaryen folds added constants into the loads' and stores' offsets: 2.1 KB
// smaller, 0.5 KB gzip. The stack does occupy the lowest memory (stack first, data from 1 MiB); the
// flag changes only an access whose pointer plus constant wraps past 2^32 (a wild pointer or an
// overflowed stack): it now traps, where it wrote the bottom of the stack. Rust's pointers stay
// inside their allocations, so no other access changes.
run(wasmOpt(), ["-Oz", "--low-memory-unused", "--strip-debug", "--strip-producers", wasmOut, "-o", wasmOut]);
mergeDuplicateImports();
shortenNames();
// A second -Oz round over the finished module finds a little more (27 B gzip); the target features
// section, which the optimiser reads, leaves last.
run(wasmOpt(), ["-Oz", "--low-memory-unused", "--strip-target-features", wasmOut, "-o", wasmOut]);
console.log(`built ${wasmOut} (${statSync(wasmOut).size} bytes)`);

/**
 * Gives the module's imports, exports and import module short names (binaryen's
 * `--minify-imports-and-exports-and-modules`) and renames them to match in wasm-bindgen's glue:
 * wasm-bindgen's names carry a 16-digit hash each, about 2.2 KB gzip across the module and the glue.
 */
function shortenNames() {
  const r = spawnSync(wasmOpt(), ["--minify-imports-and-exports-and-modules", wasmOut, "-o", wasmOut], { encoding: "utf8" });
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

/**
 * Merges the imports whose glue functions are the same code with the same wasm type: crates bind
 * the same JavaScript (`Reflect.get`, `.length`, `array[i]`) each under their own name. The
 * duplicates are renamed to the first in the module, binaryen's `--duplicate-import-elimination`
 * merges them (and the shims around them that are then the same), and their functions leave the
 * glue.
 */
function mergeDuplicateImports() {
  const gluePath = join(outDir, "agentcore_identity_edge.js");
  let glue = readFileSync(gluePath, "utf8");
  const start = glue.indexOf("const import0 = {");
  const end = glue.indexOf("\n    };\n", start);
  if (start < 0 || end < 0) throw new Error("the glue's import object was not found: wasm-bindgen's output changed");
  // Entries are `        name: function(...) {...},` at 8 spaces, bodies indented deeper.
  const entries = [...glue.slice(start, end).matchAll(/^ {8}([\w$]+): (function[^]*?^ {8}\}[^\n]*)$/gm)];
  const wasm = readFileSync(wasmOut);
  const { types, rename } = importSection(wasm);
  /** @type {Map<string, string>} */
  const first = new Map();
  /** @type {Map<string, string>} */
  const renames = new Map();
  for (const [, name, body] of entries) {
    const type = types.get(name);
    if (type === undefined) continue;
    const key = `${type}\n${body}`;
    const kept = first.get(key);
    if (kept === undefined) first.set(key, name);
    else renames.set(name, kept);
  }
  if (renames.size === 0) return;
  writeFileSync(wasmOut, rename(renames));
  run(wasmOpt(), ["--duplicate-import-elimination", "--duplicate-function-elimination", wasmOut, "-o", wasmOut]);
  const left = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmOut))).map((i) => i.name));
  for (const [name] of renames) {
    if (left.has(name)) throw new Error(`the import ${name} was not merged`);
    const entry = new RegExp(`^ {8}${escape(name)}: function[^]*?^ {8}\\}[^\\n]*\\n`, "m");
    const before = glue;
    glue = glue.replace(entry, "");
    if (glue === before) throw new Error(`the glue's import ${name} was not found`);
  }
  writeFileSync(gluePath, glue);
}

/**
 * The function imports' type indexes by name, and a function that renames imports (a copy of the
 * module): the import section read and rewritten as the binary format defines it.
 * @param {Buffer} wasm
 */
function importSection(wasm) {
  let pos = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[pos++];
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
  };
  const leb = (/** @type {number} */ n) => {
    const out = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out.push(byte);
    } while (n !== 0);
    return Buffer.from(out);
  };
  const name = () => {
    const len = u32();
    const s = wasm.subarray(pos, pos + len).toString("utf8");
    pos += len;
    return s;
  };
  while (pos < wasm.length) {
    const id = wasm[pos++];
    const size = u32();
    const bodyStart = pos;
    if (id !== 2) {
      pos += size;
      continue;
    }
    /** @type {{ module: string, name: string, from: number, to: number }[]} */
    const items = [];
    /** @type {Map<string, number>} */
    const types = new Map();
    const count = u32();
    for (let i = 0; i < count; i++) {
      const itemStart = pos;
      const module = name();
      const field = name();
      const kind = wasm[pos++];
      const descStart = pos;
      if (kind === 0) types.set(field, u32());
      else if (kind === 1 || kind === 2 || kind === 3) {
        // Only function imports are merged; others are copied as they are.
        if (kind === 1) pos++;
        if (kind === 3) pos += 2;
        else {
          const flags = wasm[pos++];
          u32();
          if (flags & 1) u32();
        }
      } else throw new Error(`import kind ${kind} is not read here`);
      items.push({ module, name: field, from: itemStart, to: descStart - 1 });
    }
    if (pos !== bodyStart + size) throw new Error("the import section was not read to its end");
    const rename = (/** @type {Map<string, string>} */ renames) => {
      const parts = [leb(count)];
      for (const [i, item] of items.entries()) {
        const to = renames.get(item.name) ?? item.name;
        const module = Buffer.from(item.module);
        const field = Buffer.from(to);
        const next = i + 1 < items.length ? items[i + 1].from : bodyStart + size;
        parts.push(leb(module.length), module, leb(field.length), field, wasm.subarray(item.to, next));
      }
      const body = Buffer.concat(parts);
      const sectionStart = bodyStart - leb(size).length - 1;
      return Buffer.concat([wasm.subarray(0, sectionStart), Buffer.from([2]), leb(body.length), body, wasm.subarray(bodyStart + size)]);
    };
    return { types, rename };
  }
  throw new Error("the module has no import section");
}

/** @param {string} s */
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Where the wasm's bytes go: compiles the module as it ships (scripts/toolchain.mjs compileWasm),
// keeps function names through wasm-bindgen and wasm-opt, then prints `twiggy top` (twiggy from
// crates.io: `cargo install twiggy`).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compileWasm, ensureWasmBindgen, root, run, wasmOpt } from "./toolchain.mjs";

const out = join(root, "target", "size-profile");
mkdirSync(out, { recursive: true });
run(ensureWasmBindgen(), [compileWasm(), "--out-dir", out, "--target", "web", "--keep-debug"]);
const named = join(out, "named.wasm");
run(wasmOpt(), ["-Oz", "--low-memory-unused", "-g", join(out, "agentcore_identity_edge_bg.wasm"), "-o", named]);
const top = process.argv[2] ?? "40";
const r = spawnSync("twiggy", ["top", "-n", top, named], { stdio: "inherit" });
if (r.error) console.error("twiggy is not installed: cargo install twiggy");

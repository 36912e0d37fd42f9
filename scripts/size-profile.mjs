// Where the wasm's bytes go: builds once with function names kept through wasm-bindgen and
// wasm-opt, then prints `twiggy top` (twiggy from crates.io: `cargo install twiggy`).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureWasmBindgen, root, run, wasmOpt } from "./toolchain.mjs";

const out = join(root, "target", "size-profile");
mkdirSync(out, { recursive: true });
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib"], { cwd: root });
run(ensureWasmBindgen(), [join(root, "target/wasm32-unknown-unknown/release/agentcore_identity_edge.wasm"), "--out-dir", out, "--target", "web", "--keep-debug"]);
const named = join(out, "named.wasm");
run(wasmOpt(), ["-Oz", "-g", join(out, "agentcore_identity_edge_bg.wasm"), "-o", named]);
const top = process.argv[2] ?? "40";
const r = spawnSync("twiggy", ["top", "-n", top, named], { stdio: "inherit" });
if (r.error) console.error("twiggy is not installed: cargo install twiggy");

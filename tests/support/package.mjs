// Packs the package with `npm pack` and installs the tarball into a scratch project, the way a
// user gets it. Tests import the package through that project (`entry`), so they exercise the
// shipped files and the `exports` map, not the source tree.
//
// The packed package is reused only while it is what the sources give: `ensurePackage()` rebuilds
// the wasm (scripts/build.mjs) when a Rust input changed or www/wasm is not what the last build
// wrote, and repacks when any packed file changed. Both decisions compare content hashes kept in
// .cache; a lock folder keeps concurrent test processes from packing over each other.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { filesUnder, withLock } from "../../scripts/pack-emulator.mjs";

export const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const cacheDir = join(root, ".cache");

const ENTRY_SOURCE = 'export * from "agentcore-identity-edge";\n';

function npm(args, cwd) {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

/** Runs `npm pack` into .cache/pack and returns the tarball's path. */
export function pack() {
  const dest = join(cacheDir, "pack");
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const out = JSON.parse(npm(["pack", "--json", "--pack-destination", dest], root));
  return { tarball: join(dest, out[0].filename), files: out[0].files, size: out[0].size, unpackedSize: out[0].unpackedSize };
}

/**
 * A scratch project named `name` with the tarball installed; `extra` writes more files into it.
 * Returns its folder.
 */
export function scratchProject(name, tarball, extra = {}) {
  const dir = join(cacheDir, "scratch", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `scratch-${name}`, private: true, type: "module" }, null, 2));
  npm(["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball], dir);
  for (const [file, text] of Object.entries(extra)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

// ------------------------------------------------------------------------------- content hashes
/** sha256 over the paths and contents of `files`, and over `extra` strings. */
function hashOf(files, extra = []) {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(`${relative(root, f)}\0`);
    h.update(existsSync(f) ? readFileSync(f) : "(missing)");
    h.update("\0");
  }
  for (const x of extra) h.update(`${x}\0`);
  return h.digest("hex");
}

const toolVersion = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim() ?? "";

/** What the wasm build reads: the crate, the lock file, the build scripts and the tools. */
export function rustInputsHash() {
  const files = ["Cargo.toml", "Cargo.lock", "src", "scripts/build.mjs", "scripts/toolchain.mjs", "node_modules/binaryen/package.json"].flatMap((p) => filesUnder(join(root, p)));
  return hashOf(files, [toolVersion("rustc", ["--version"]), process.env.RUSTFLAGS ?? "", process.env.CARGO_ENCODED_RUSTFLAGS ?? ""]);
}

const WASM_OUT = join(root, "www", "wasm");
const wasmOutputHash = () => hashOf(filesUnder(WASM_OUT));

/** What `npm pack` puts in the tarball: package.json's `files`, plus the files npm always adds. */
export function packedInputsHash() {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const entries = Array.isArray(manifest.files) ? manifest.files : [];
  // A glob cannot be resolved without npm itself: then the package is always repacked.
  if (entries.some((e) => /[*?{[!]/.test(e))) return `unhashable-${Date.now()}-${Math.random()}`;
  const files = ["package.json", "README.md", "LICENSE", ...entries].flatMap((p) => filesUnder(join(root, p)));
  return hashOf(files);
}

// ------------------------------------------------------------------------------- freshness
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
};

/**
 * Makes the wasm build and the packed, installed package match the sources, doing only what
 * changed. Returns the tarball, the entry module of the scratch project "node", and what was
 * redone.
 */
export function ensurePackage({ log = () => {} } = {}) {
  return withLock(join(cacheDir, "package.lock"), () => {
    const wasmStamp = join(cacheDir, "wasm.stamp.json");
    const packStamp = join(cacheDir, "pack.stamp.json");
    const rust = rustInputsHash();
    const built = readJson(wasmStamp);
    let rebuilt = false;
    if (built?.rust !== rust || built?.output !== wasmOutputHash()) {
      log("the Rust sources changed (or www/wasm is not their build): rebuilding the wasm");
      const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
      if (r.status !== 0) throw new Error(`scripts/build.mjs failed (${r.status ?? r.signal})`);
      writeFileSync(wasmStamp, JSON.stringify({ rust, output: wasmOutputHash() }));
      rebuilt = true;
    }
    const packed = packedInputsHash();
    const entry = join(cacheDir, "scratch", "node", "pkg.mjs");
    const last = readJson(packStamp);
    let repacked = false;
    if (last?.packed !== packed || !last.tarball || !existsSync(last.tarball) || !existsSync(entry)) {
      log("packing the package and installing it into a scratch project");
      const { tarball } = pack();
      scratchProject("node", tarball, { "pkg.mjs": ENTRY_SOURCE });
      writeFileSync(packStamp, JSON.stringify({ packed, tarball }));
      repacked = true;
    }
    return { tarball: /** @type {string} */ (readJson(packStamp).tarball), entry, rebuilt, repacked };
  });
}

/** The module tests import: it re-exports the package as a user's code would import it. */
export function nodeEntry() {
  return process.env.AGENTCORE_PACKAGE_ENTRY || ensurePackage().entry;
}

/**
 * A subpath of the package (`"connect"`, `"cloudflare"`), imported by name from the scratch
 * project, as a user's module imports it.
 * @param {string} subpath
 */
export async function importSubpath(subpath) {
  const file = join(dirname(nodeEntry()), `${subpath.replace(/\W/g, "-")}-${process.pid}.mjs`);
  writeFileSync(file, `export * from "agentcore-identity-edge/${subpath}";\n`);
  return import(pathToFileURL(file).href);
}

// Packs the emulator package (emulator/, an npm workspace) with its npm dependencies inside the tarball
// (bundleDependencies), so that installing it needs no registry. npm leaves a workspace's bundled
// dependencies out when they are hoisted to the repository's node_modules, so the package is staged in
// .cache/emulator-stage first: its files, plus the dependency closure that package-lock.json names,
// copied from node_modules. Concurrent callers (test files running in parallel) take turns through a
// lock folder, and a tarball whose inputs have not changed since it was packed is reused.
//
//   node scripts/pack-emulator.mjs [DEST]    prints the tarball's path (DEST defaults to .cache/pack-emulator)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** The lock paths (node_modules/...) of every package the workspace `emulator` needs at run time. */
export function dependencyClosure() {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
  if (!lock?.emulator) throw new Error("package-lock.json has no emulator workspace: run npm install");
  /** Node's lookup: from/node_modules/name, then each parent's node_modules. */
  const lookup = (from, name) => {
    let dir = from;
    for (;;) {
      const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (lock[candidate]) return candidate;
      if (!dir) return null;
      const i = dir.lastIndexOf("/node_modules/");
      dir = i < 0 ? "" : dir.slice(0, i);
    }
  };
  const seen = new Set();
  const walk = (path) => {
    for (const name of Object.keys(lock[path].dependencies ?? {})) {
      const found = lookup(path, name);
      if (!found) throw new Error(`${path} needs ${name}, which package-lock.json does not have`);
      if (!seen.has(found)) {
        seen.add(found);
        walk(found);
      }
    }
  };
  walk("emulator");
  return [...seen];
}

/** Every file under `path` (or `path` itself), sorted. @param {string} path @returns {string[]} */
export function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => filesUnder(join(path, e.name)));
}

/** sha256 over what the tarball is made of: the emulator's files and the locked dependency closure. */
function inputsHash() {
  const h = createHash("sha256");
  for (const f of filesUnder(join(root, "emulator")).filter((f) => !f.includes("/node_modules/"))) {
    h.update(`${f}\0`);
    h.update(readFileSync(f));
  }
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
  for (const path of dependencyClosure()) h.update(`${path}@${lock[path].version}\0`);
  return h.digest("hex");
}

const sleepSync = (/** @type {number} */ ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding the lock folder `lock` (made with `mkdir`, which one caller at a time wins; the
 * others wait); a lock older than 10 minutes is taken as abandoned. tests/support/package.mjs
 * packs the package under its own lock with it.
 * @template T
 * @param {string} lock
 * @param {() => T} fn
 * @returns {T}
 */
export function withLock(lock, fn) {
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      sleepSync(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Stages and packs the emulator (or reuses the tarball packed from the same inputs); returns the
 * tarball's path and what npm reported of it.
 * @param {string} [dest]
 */
export function packEmulator(dest = join(root, ".cache", "pack-emulator")) {
  return withLock(join(root, ".cache", "pack-emulator.lock"), () => {
    const stamp = join(resolve(dest), "stamp.json");
    const hash = inputsHash();
    try {
      const last = JSON.parse(readFileSync(stamp, "utf8"));
      if (last.hash === hash && existsSync(last.packed.tarball)) return last.packed;
    } catch {
      // No usable stamp: pack.
    }
    const packed = stageAndPack(dest);
    writeFileSync(stamp, JSON.stringify({ hash, packed }));
    return packed;
  });
}

/** @param {string} dest */
function stageAndPack(dest) {
  const manifest = JSON.parse(readFileSync(join(root, "emulator", "package.json"), "utf8"));
  const stage = join(root, ".cache", "emulator-stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const file of ["package.json", "README.md", "LICENSE", ...manifest.files]) {
    cpSync(join(root, "emulator", file), join(stage, file), { recursive: true });
  }
  for (const path of dependencyClosure()) {
    // Hoisted paths (node_modules/x) and nested ones (node_modules/a/node_modules/x) keep their place.
    const from = join(root, path);
    if (!existsSync(from)) throw new Error(`${path} is not installed: run npm ci`);
    cpSync(from, join(stage, path), { recursive: true, dereference: true });
  }
  mkdirSync(dest, { recursive: true });
  const out = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", resolve(dest)], { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }),
  );
  const info = out[0];
  const missing = (manifest.bundleDependencies ?? []).filter((/** @type {string} */ d) => !info.bundled.includes(d));
  if (missing.length) throw new Error(`the emulator's tarball lacks its bundled dependencies ${missing.join(", ")}`);
  return { tarball: join(resolve(dest), info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.length, bundled: info.bundled };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packed = packEmulator(process.argv[2]);
  console.log(packed.tarball);
  console.error(`${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files} files, bundled: ${packed.bundled.join(", ")}`);
}

// Packs the package with `npm pack` and installs the tarball into a scratch project, the way a
// user gets it. Tests import the package through that project (`entry`), so they exercise the
// shipped files and the `exports` map, not the source tree.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const cacheDir = join(root, ".cache");

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

/** The module tests import: it re-exports the package as a user's code would import it. */
export function nodeEntry() {
  const fromEnv = process.env.AGENTCORE_PACKAGE_ENTRY;
  if (fromEnv) return fromEnv;
  const dir = join(cacheDir, "scratch", "node");
  const entry = join(dir, "pkg.mjs");
  if (!existsSync(entry)) {
    if (!existsSync(join(root, "www", "wasm")) || readdirSync(join(root, "www", "wasm")).length === 0) {
      throw new Error("the package is not built: run `npm test` (or `npm run build` first)");
    }
    const { tarball } = pack();
    scratchProject("node", tarball, { "pkg.mjs": 'export * from "agentcore-identity-edge";\n' });
  }
  return entry;
}

// Builds ./public, the files the Worker serves ([assets] in wrangler.toml): the agent console
// (../console/) and, under pkg/, the package's browser helper that the console's import map names
// (agentcore-identity-edge/connect/browser and the three modules it imports). wrangler runs it before
// `wrangler dev` and `wrangler deploy`.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "public");
const helper = fileURLToPath(import.meta.resolve("agentcore-identity-edge/connect/browser"));

rmSync(out, { recursive: true, force: true });
cpSync(join(here, "..", "console"), out, { recursive: true });
mkdirSync(join(out, "pkg"));
for (const file of ["connect-browser.js", "errors.js", "guard.js", "popup.js"]) cpSync(join(dirname(helper), file), join(out, "pkg", file));

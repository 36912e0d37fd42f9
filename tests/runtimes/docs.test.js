// The API documentation (typedoc over the shipped .d.ts files, as `npm run docs` renders it): the
// entry points a user starts from each carry an example.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { root } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "docs-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the client, handleOauth2Callback and the connect exports each document an example", () => {
  const out = join(scratch, "docs.json");
  const r = spawnSync(process.execPath, [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--json", out], { cwd: root, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  /** @type {Map<string, string[]>} a module-level declaration's name: its block tags */
  const tags = new Map();
  const walk = (/** @type {any} */ node, depth = 0) => {
    // Depth 2: a declaration in one of the package's modules (project > module > declaration).
    if (depth === 2) {
      const own = [...(node.comment?.blockTags ?? []), ...(node.signatures ?? []).flatMap((/** @type {any} */ s) => s.comment?.blockTags ?? [])];
      tags.set(node.name, own.map((/** @type {any} */ t) => t.tag));
    }
    for (const child of node.children ?? []) walk(child, depth + 1);
  };
  walk(JSON.parse(readFileSync(out, "utf8")));
  for (const name of ["AgentCoreIdentityClient", "handleOauth2Callback", "createCustomState", "createConnectRoutes", "startConnect", "connectProvider", "ConnectError"]) {
    assert.ok(tags.has(name), `${name} is not documented`);
    assert.ok(tags.get(name)?.includes("@example"), `${name} has no @example`);
  }
});

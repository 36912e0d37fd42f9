// The connect routes under Deno and Bun, and mounted in a Hono app inside workerd (wrangler dev),
// imported by name from the tarball: the same handler, given each runtime's own Request, runs the
// flow against the emulator (connections, connect, the consent answered as a browser would, the
// callback page, the replay refused, connected), and a path outside the routes is the app's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { WRANGLER_ENV } from "./example-worker.js";
import { bin, emulator, freePort, project, root, runIn, serve, smokeConfig } from "./support.js";

/**
 * The flow, as a module run by each runtime; its argument is the emulator's URL and credentials.
 * With `hono`, the routes are mounted in a Hono app as the README shows, and every request goes
 * through `app.fetch`. `consent` is where the emulator's consent helper is imported from.
 * @param {{ hono?: boolean, consent?: string }} [options]
 */
const flowModule = ({ hono = false, consent = pathToFileURL(`${root}/emulator/consent.js`).href } = {}) => `
import { AgentCoreIdentityClient, InMemoryStateStore } from "agentcore-identity-edge";
import { createConnectRoutes } from "agentcore-identity-edge/connect";
import { submitConsent } from ${JSON.stringify(consent)};
${hono ? 'import { Hono } from "hono";' : ""}

export async function flow({ endpoint, accessKeyId, secretAccessKey }) {
  const routes = createConnectRoutes({
    client: new AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: { accessKeyId, secretAccessKey } }),
    workloadName: "demo-workload",
    providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] } },
    stateSecret: "runtime-test-state-secret-0123456789abcdef",
    stateStore: new InMemoryStateStore(),
    authenticate: (request) => ((request.headers.get("cookie") ?? "") === "user=alice" ? { userId: "alice" } : null),
  });
  ${
    hono
      ? `const app = new Hono();
  app.use("/agentcore/*", async (c, next) => (await routes.handle(c.req.raw)) ?? next());
  app.get("/elsewhere", (c) => c.text("the app's own route"));
  const handle = async (request) => app.fetch(request);
  const outsideOf = async (response) => response.text();`
      : `const handle = (request) => routes.handle(request);
  const outsideOf = async (response) => response;`
  }
  const origin = "http://127.0.0.1:8787";
  const get = (path) => handle(new Request(origin + path, { headers: { cookie: "user=alice" } }));
  const before = await (await get("/agentcore/connections")).json();
  const started = await handle(new Request(origin + "/agentcore/connect/docs", {
    method: "POST", body: "{}", headers: { cookie: "user=alice", origin, "content-type": "application/json" },
  }));
  const { authorizationUrl } = await started.json();
  const { location } = await submitConsent(authorizationUrl, "allow");
  const page = await get(location.pathname + location.search);
  const replay = await get(location.pathname + location.search);
  const after = await (await get("/agentcore/connections")).json();
  const outside = await outsideOf(await handle(new Request(origin + "/elsewhere")));
  return {
    before, startStatus: started.status, pageStatus: page.status, csp: page.headers.get("content-security-policy"),
    connected: (await page.text()).includes("Your docs account is connected"), replayStatus: replay.status, after, outside,
  };
}
`;

/** @param {any} result @param {unknown} [outside] what a path outside the routes answers */
function verify(result, outside = null) {
  assert.deepEqual(result.before, { connections: [{ provider: "docs", connected: false }] });
  assert.equal(result.startStatus, 200);
  assert.equal(result.pageStatus, 200);
  assert.match(result.csp, /default-src 'none'/);
  assert.equal(result.connected, true);
  assert.equal(result.replayStatus, 409);
  assert.deepEqual(result.after, { connections: [{ provider: "docs", connected: true }] });
  assert.equal(result.outside, outside);
}

test("connect routes under Deno", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  verify(await runIn("deno", "connect-deno", flowModule(), "flow", smokeConfig(emu)));
});

test("connect routes under Bun", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  verify(await runIn("bun", "connect-bun", flowModule(), "flow", smokeConfig(emu)));
});

test("connect routes in a Hono app under workerd (wrangler dev)", { timeout: 150_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("connect-hono-worker", {
    "wrangler.toml": 'name = "connect-hono"\nmain = "index.js"\ncompatibility_date = "2025-09-01"\n',
    // wrangler bundles the module, the package and Hono (from the repository's node_modules).
    "flow.mjs": flowModule({ hono: true, consent: join(root, "emulator", "consent.js") }),
    // The flow runs on /run only: the readiness probe of `serve` reaches the Worker too.
    "index.js":
      'import { flow } from "./flow.mjs";\nexport default { async fetch(request, env) { if (new URL(request.url).pathname !== "/run") return new Response("ready"); return Response.json(await flow(JSON.parse(env.CONFIG))); } };\n',
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await serve(t, bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(port), "--var", `CONFIG:${JSON.stringify(smokeConfig(emu))}`, "--log-level", "warn"], { cwd: dir, env: WRANGLER_ENV, url: origin });
  const res = await fetch(`${origin}/run`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  verify(body, "the app's own route");
});

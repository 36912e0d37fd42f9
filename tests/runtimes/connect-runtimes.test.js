// The connect routes under Deno and Bun, imported by name from the tarball: the same handler, given
// each runtime's own Request, runs the flow against the emulator (connections, connect, the consent
// answered as a browser would, the callback page, the replay refused, connected).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { bin, emulator, project, root } from "./support.js";

const run = promisify(execFile);

/** The flow, as a module run by each runtime: argv[0] is the emulator's URL and credentials. */
const FLOW = `
import { AgentCoreIdentityClient, InMemoryStateStore } from "agentcore-identity-edge";
import { createConnectRoutes } from "agentcore-identity-edge/connect";
import { submitConsent } from ${JSON.stringify(pathToFileURL(`${root}/emulator/consent.js`).href)};

export async function flow({ endpoint, accessKeyId, secretAccessKey }) {
  const routes = createConnectRoutes({
    client: new AgentCoreIdentityClient({ region: "us-east-1", endpoint, credentials: { accessKeyId, secretAccessKey } }),
    workloadName: "demo-workload",
    providers: { docs: { resourceCredentialProviderName: "demo-user-provider", scopes: ["docs.read"] } },
    stateSecret: "runtime-test-state-secret-0123456789abcdef",
    stateStore: new InMemoryStateStore(),
    authenticate: (request) => ((request.headers.get("cookie") ?? "") === "user=alice" ? { userId: "alice" } : null),
  });
  const origin = "http://127.0.0.1:8787";
  const get = (path) => routes.handle(new Request(origin + path, { headers: { cookie: "user=alice" } }));
  const before = await (await get("/agentcore/connections")).json();
  const started = await routes.handle(new Request(origin + "/agentcore/connect/docs", {
    method: "POST", body: "{}", headers: { cookie: "user=alice", origin, "content-type": "application/json" },
  }));
  const { authorizationUrl } = await started.json();
  const { location } = await submitConsent(authorizationUrl, "allow");
  const page = await get(location.pathname + location.search);
  const replay = await get(location.pathname + location.search);
  const after = await (await get("/agentcore/connections")).json();
  const outside = await routes.handle(new Request(origin + "/elsewhere"));
  return {
    before, startStatus: started.status, pageStatus: page.status, csp: page.headers.get("content-security-policy"),
    connected: (await page.text()).includes("Your docs account is connected"), replayStatus: replay.status, after, outside,
  };
}
`;

/** @param {{ url: string, credentials: { accessKeyId: string, secretAccessKey: string } }} emu */
const config = (emu) => JSON.stringify({ endpoint: emu.url, ...emu.credentials });

/** @param {any} result */
function verify(result) {
  assert.deepEqual(result.before, { connections: [{ provider: "docs", connected: false }] });
  assert.equal(result.startStatus, 200);
  assert.equal(result.pageStatus, 200);
  assert.match(result.csp, /default-src 'none'/);
  assert.equal(result.connected, true);
  assert.equal(result.replayStatus, 409);
  assert.deepEqual(result.after, { connections: [{ provider: "docs", connected: true }] });
  assert.equal(result.outside, null);
}

test("connect routes under Deno", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("connect-deno", {
    "flow.mjs": FLOW,
    "main.mjs": 'import { flow } from "./flow.mjs";\nconsole.log(JSON.stringify(await flow(JSON.parse(Deno.args[0]))));\n',
  });
  const { stdout } = await run(bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--no-prompt", "main.mjs", config(emu)], {
    cwd: dir,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  verify(JSON.parse(stdout));
});

test("connect routes under Bun", { timeout: 90_000 }, async (t) => {
  const emu = await emulator(t);
  const dir = project("connect-bun", {
    "flow.mjs": FLOW,
    "main.mjs": 'import { flow } from "./flow.mjs";\nconsole.log(JSON.stringify(await flow(JSON.parse(process.argv[2]))));\n',
  });
  const { stdout } = await run(bin("bun"), ["main.mjs", config(emu)], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  verify(JSON.parse(stdout));
});

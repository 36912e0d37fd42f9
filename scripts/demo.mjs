// npm run demo: the package end to end on this machine. Installs and builds what is missing, starts
// the local AgentCore Identity emulator (or, with --aws, uses AWS and the credentials in the
// environment) and the example Worker (www/worker/, the agent console's backend) under workerd
// with `wrangler dev`, prints the console's URL, then runs the M2M flow and the whole
// USER_FEDERATION flow in the terminal: authorization URL, consent, callback with a verified
// customState, session binding, token. Without a terminal it then connects an account through the
// Worker's routes over HTTP and exits; on a terminal it serves the console until Ctrl-C, even when
// the terminal's flow stops (a refused or missed consent). Tokens are printed redacted.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const useAws = args.includes("--aws");
const interactive = process.stdin.isTTY && process.stdout.isTTY && !args.includes("--auto-consent");

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newest(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// 1. What a fresh clone lacks, installed as npm test installs it (scripts/setup.mjs: npm packages,
//    a C compiler, the Rust target, the wasm-bindgen CLI), then the wasm build.
const { setup } = await import("./setup.mjs");
await setup({ quick: true, then: "npm run demo" });
const wasm = join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm");
if (!existsSync(wasm) || statSync(wasm).mtimeMs < Math.max(newest(join(root, "src")), statSync(join(root, "Cargo.toml")).mtimeMs)) {
  console.log("building the wasm package (npm run build) ...");
  run(process.execPath, [join(root, "scripts", "build.mjs")]);
}

const pkg = await import("../www/node.js");
const { startEmulator } = await import("../emulator/server.js");
const { submitConsent } = await import("../emulator/consent.js");

const redact = (s) => (typeof s === "string" ? `<redacted, ${s.length} chars>` : String(s));
const step = (n, text) => console.log(`  ${n}. ${text}`);
const STATE_SECRET = crypto.getRandomValues(new Uint8Array(32));
const b64 = (bytes) => Buffer.from(bytes).toString("base64");

// 2. The service: the emulator, or AWS.
let emulator;
let config;
let names;
if (useAws) {
  const env = process.env;
  for (const v of ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AGENTCORE_WORKLOAD_NAME", "AGENTCORE_M2M_PROVIDER", "AGENTCORE_USER_PROVIDER"]) {
    if (!env[v]) {
      console.error(`--aws needs ${v} in the environment (see README, "The demo against AWS")`);
      process.exit(2);
    }
  }
  config = {
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined },
  };
  names = {
    workload: env.AGENTCORE_WORKLOAD_NAME,
    m2m: env.AGENTCORE_M2M_PROVIDER,
    user: env.AGENTCORE_USER_PROVIDER,
    scopes: (env.AGENTCORE_SCOPES || "openid").split(","),
    m2mScopes: (env.AGENTCORE_M2M_SCOPES || env.AGENTCORE_SCOPES || "openid").split(","),
    callbackPort: Number(env.AGENTCORE_CALLBACK_PORT || 8787),
  };
  console.log(`AgentCore Identity in ${config.region} (real AWS)`);
} else {
  emulator = await startEmulator({ port: 0, log: () => {} });
  config = { region: "us-east-1", endpoint: emulator.url, credentials: emulator.credentials };
  names = { workload: "demo-workload", m2m: "demo-m2m-provider", user: "demo-user-provider", scopes: ["profile"], m2mScopes: ["read"], callbackPort: 0 };
  console.log(`AgentCore Identity emulator on ${emulator.url} (no AWS account needed)`);
}
const client = new pkg.AgentCoreIdentityClient(config);
const userId = "demo-user";

// 3. The agent console and its backend: the example Worker under workerd (wrangler dev), with the
//    service's credentials as its variables. Its Durable Object state goes to a scratch folder.
const workerState = mkdtempSync(join(tmpdir(), "agentcore-demo-"));
// Ctrl-C (or a SIGTERM) at any step: the scratch folder, which holds the Worker's credentials, is
// removed, and the exit handler stops wrangler's whole process group. While the console is served,
// Ctrl-C is the way out and the flow below shuts down in order instead.
let servingConsole = false;
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, () => {
    if (servingConsole && signal === "SIGINT") return;
    rmSync(workerState, { recursive: true, force: true });
    process.exit(130);
  });
}
const worker = await startWorker().catch(async (e) => {
  console.error(`\ndemo failed: ${e.message}`);
  rmSync(workerState, { recursive: true, force: true });
  await emulator?.close();
  process.exit(1);
});
console.log(`Agent console: ${worker.url}/`);

// 4. The terminal flow's callback route, as a server would have it (the console's flows go through
//    the Worker instead).
let onCallback;
let pendingAuthorization;
const app = await listen(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/callback") {
    try {
      const result = await pkg.handleOauth2Callback(url, { stateSecret: STATE_SECRET, binding: userId, client, userIdentifier: { userId } });
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" })
        .end("<!doctype html><title>Authorized</title><p>Authorized. You can close this window and return to the terminal.</p>");
      onCallback?.(null, result);
    } catch (e) {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }).end(`${e.name}: ${e.message}`);
      onCallback?.(e);
    }
  } else if (url.pathname === "/authorize" && pendingAuthorization) {
    res.writeHead(302, { location: pendingAuthorization }).end();
  } else {
    res.writeHead(404).end();
  }
}, names.callbackPort);
const appUrl = app.url;

let failed = false;
try {
  // M2M.
  console.log("\nM2M (client credentials)");
  const m2mWorkload = await client.getWorkloadAccessToken({ workloadName: names.workload });
  step(1, `GetWorkloadAccessToken(${names.workload}) -> workload token ${redact(m2mWorkload.workloadAccessToken)}`);
  const m2m = await client.getResourceOauth2Token({
    workloadIdentityToken: m2mWorkload.workloadAccessToken,
    resourceCredentialProviderName: names.m2m,
    scopes: names.m2mScopes,
    oauth2Flow: "M2M",
  });
  step(2, `GetResourceOauth2Token(M2M, ${names.m2m}) -> access token ${redact(m2m.accessToken)} (request ${m2m.$metadata.requestId}, ${m2m.$metadata.attempts} attempt)`);

  // USER_FEDERATION.
  console.log("\nUSER_FEDERATION (authorization code, for a user)");
  const userWorkload = await client.getWorkloadAccessTokenForUserId({ workloadName: names.workload, userId });
  step(1, `GetWorkloadAccessTokenForUserId(${userId}) -> workload token ${redact(userWorkload.workloadAccessToken)}`);
  const customState = await pkg.createCustomState({ secret: STATE_SECRET, binding: userId });
  step(2, `createCustomState(binding ${userId}) -> ${redact(customState)}`);
  const CONSENT_WAIT_MS = 600_000;
  let consentTimer;
  const callbackDone = new Promise((resolve, reject) => {
    onCallback = (err, result) => (err ? reject(err) : resolve(result));
    consentTimer = setTimeout(() => reject(new Error(`no authorization within ${CONSENT_WAIT_MS / 60_000} minutes`)), CONSENT_WAIT_MS);
  }).finally(() => clearTimeout(consentTimer));
  // Awaited only once an authorization URL comes: a flow that fails before then must not leave
  // this promise to reject unhandled later (on a terminal the console is still served).
  callbackDone.catch(() => {});
  const token = await client.getResourceOauth2TokenOrAuthorize(
    {
      workloadIdentityToken: userWorkload.workloadAccessToken,
      resourceCredentialProviderName: names.user,
      scopes: names.scopes,
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: `${appUrl}/callback`,
      customState,
      forceAuthentication: true,
    },
    {
      pollIntervalMs: 500,
      async onAuthorizationUrl(authorizationUrl, { sessionUri }) {
        step(3, `GetResourceOauth2Token(USER_FEDERATION) -> authorization URL ${redact(authorizationUrl)}, session ${sessionUri.slice(0, 40)}...`);
        pendingAuthorization = authorizationUrl;
        if (interactive) {
          step(4, `open ${appUrl}/authorize in a browser and choose Allow (waiting up to 10 minutes)`);
        } else {
          const { location } = await submitConsent(authorizationUrl, "allow").catch((e) => {
            throw new Error(`${e.message} (with --aws, run the demo on a terminal)`);
          });
          if (!location) throw new Error("the consent page did not redirect");
          step(4, `consent approved automatically (not on a terminal) -> redirect to ${location.pathname}`);
          await fetch(location);
        }
        const result = await callbackDone;
        step(5, `callback: customState verified (MAC, expiry, binding, single use), session bound to ${userId} (CompleteResourceTokenAuth: ${result.completed})`);
      },
    },
  );
  step(6, `GetResourceOauth2Token(sessionUri) -> access token ${redact(token.accessToken)} after ${token.$metadata.attempts} attempt`);
  const again = await client.getResourceOauth2Token({
    workloadIdentityToken: userWorkload.workloadAccessToken,
    resourceCredentialProviderName: names.user,
    scopes: names.scopes,
    oauth2Flow: "USER_FEDERATION",
    resourceOauth2ReturnUrl: `${appUrl}/callback`,
  });
  step(7, `next call: ${again.accessToken ? `token from the vault ${redact(again.accessToken)}, no new consent` : "no token"}`);
  console.log("\ndemo complete: both flows reached a token");
  if (!interactive && emulator) await connectThroughWorker();
} catch (e) {
  failed = true;
  console.error(`\ndemo failed: ${e.name}: ${e.message}${e.$metadata ? ` (request ${e.$metadata.requestId}, HTTP ${e.$metadata.httpStatusCode})` : ""}`);
}
try {
  // On a terminal the console is served until Ctrl-C, whatever became of the terminal's flows (a
  // consent refused, or not given in time, ends only those).
  if (interactive) {
    if (failed) console.log("\nThe terminal's flow stopped (above); the agent console is still served.");
    console.log(`\nThe agent console is at ${worker.url}/: sign in, then connect the demo account in a popup. Press Ctrl-C to stop.`);
    servingConsole = true;
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} finally {
  await worker.stop();
  rmSync(workerState, { recursive: true, force: true });
  await app.close();
  await emulator?.close();
}
process.exit(failed ? 1 : 0);

/**
 * What the agent console does, over HTTP: the Worker's demo sign-in, its connect routes, the
 * emulator's consent page, the callback (with the session cookie), and the connections after.
 */
async function connectThroughWorker() {
  console.log("\nConnect through the example Worker's routes (what the agent console does, without a browser)");
  const origin = worker.url;
  const post = (path, cookie) =>
    fetch(`${origin}${path}`, { method: "POST", redirect: "manual", headers: { origin, "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: "{}" });
  const login = await post("/login");
  if (login.status !== 200) throw new Error(`POST /login answered HTTP ${login.status}`);
  const cookie = /** @type {string} */ (login.headers.get("set-cookie")).split(";")[0];
  step(1, `POST /login -> signed in as ${(await login.json()).userId} (HttpOnly session cookie)`);
  const connections = async () => (await (await fetch(`${origin}/agentcore/connections`, { headers: { cookie } })).json()).connections;
  const show = (list) => list.map((c) => `${c.provider} ${c.connected ? "connected" : "not connected"}`).join(", ");
  step(2, `GET /agentcore/connections -> ${show(await connections())}`);
  const started = await post("/agentcore/connect/demo", cookie);
  const body = await started.json();
  if (started.status !== 200 || body.status !== "authorization_required") throw new Error(`POST /agentcore/connect/demo answered HTTP ${started.status} ${body.status ?? body.error?.code}`);
  step(3, `POST /agentcore/connect/demo -> authorization_required, authorization URL ${redact(body.authorizationUrl)}`);
  const { location } = await submitConsent(body.authorizationUrl, "allow");
  if (!location) throw new Error("the consent page did not redirect");
  step(4, `consent approved automatically (not on a terminal) -> redirect to ${location.pathname}`);
  const callback = await fetch(location, { headers: { cookie } });
  await callback.body?.cancel();
  if (callback.status !== 200) throw new Error(`GET ${location.pathname} answered HTTP ${callback.status}`);
  step(5, `GET ${location.pathname} -> ${callback.status}: callback verified by the Worker, session bound to the user`);
  const after = await connections();
  step(6, `GET /agentcore/connections -> ${show(after)}`);
  if (!after.some((c) => c.provider === "demo" && c.connected)) throw new Error("the account is not connected");
  console.log("\nconnect through the Worker complete: the demo account is connected");
}

/**
 * The example Worker under `wrangler dev` on a free loopback port, its variables and secrets in a
 * file only this user can read (never on a command line). Resolves once it answers.
 */
async function startWorker() {
  const fixed = process.env.AGENTCORE_CONSOLE_PORT;
  const port = fixed ? Number(fixed) : await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const vars = {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    ...(config.credentials.sessionToken ? { AWS_SESSION_TOKEN: config.credentials.sessionToken } : {}),
    ...(config.endpoint ? { AGENTCORE_ENDPOINT: config.endpoint } : {}),
    WORKLOAD_NAME: names.workload,
    PROVIDERS: JSON.stringify({ demo: { resourceCredentialProviderName: names.user, scopes: names.scopes } }),
    STATE_SECRET: b64(crypto.getRandomValues(new Uint8Array(32))),
  };
  const envFile = join(workerState, "worker.env");
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}='${v}'\n`).join(""), { mode: 0o600 });
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--persist-to", join(workerState, "state"), "--log-level", "error"];
  const child = spawn(wrangler, args, {
    cwd: join(root, "www", "worker"),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // SIGTERM, then the whole group outright if wrangler has not exited within five seconds.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    kill("SIGTERM");
    await Promise.race([new Promise((resolve) => child.once("exit", resolve)), new Promise((resolve) => setTimeout(resolve, 5000))]);
    kill("SIGKILL");
  };
  process.once("exit", () => kill("SIGKILL"));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${url}/session`, { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the example Worker did not answer within 2 minutes:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { url, stop };
}

/** A loopback HTTP server for `handler` on `port` (0: any free port). */
async function listen(handler, port) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

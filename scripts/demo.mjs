// npm run demo: the package end to end on this machine. Installs and builds what is missing, starts
// the local AgentCore Identity emulator (or, with --aws, uses AWS and the credentials in the
// environment), then runs the M2M flow and the whole USER_FEDERATION flow: authorization URL,
// consent, callback with a verified customState, session binding, token. Tokens are printed
// redacted.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
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

// 1. What a fresh clone lacks: npm packages, then the wasm build.
if (!existsSync(join(root, "node_modules", "@smithy", "signature-v4"))) {
  console.log("installing npm packages (npm ci) ...");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}
const wasm = join(root, "www", "wasm", "agentcore_identity_edge_bg.wasm");
if (!existsSync(wasm) || statSync(wasm).mtimeMs < Math.max(newest(join(root, "src")), statSync(join(root, "Cargo.toml")).mtimeMs)) {
  console.log("building the wasm package (npm run build) ...");
  run(process.execPath, [join(root, "scripts", "build.mjs")]);
}

const pkg = await import("../www/node.js");
const { startEmulator } = await import("../emulator/server.js");
const { serveConsole } = await import("./console-server.mjs");
const { submitConsent } = await import("../emulator/consent.js");

const redact = (s) => (typeof s === "string" ? `<redacted, ${s.length} chars>` : String(s));
const step = (n, text) => console.log(`  ${n}. ${text}`);
const STATE_SECRET = crypto.getRandomValues(new Uint8Array(32));

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

// 3. The app's callback route, as a Worker or a server would have it, beside the agent console.
let onCallback;
let pendingAuthorization;
const app = await serveConsole({
  port: names.callbackPort,
  demoConfig: emulator && { endpoint: emulator.url, ...emulator.credentials },
  routes: {
    async "/callback"(_req, res, url) {
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
    },
    "/authorize"(_req, res) {
      if (pendingAuthorization) res.writeHead(302, { location: pendingAuthorization }).end();
      else res.writeHead(404).end();
    },
  },
});
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
  if (interactive && emulator) {
    console.log(`\nThe agent console is at ${appUrl}/ (M2M, and USER_FEDERATION in a popup). Press Ctrl-C to stop.`);
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} catch (e) {
  failed = true;
  console.error(`\ndemo failed: ${e.name}: ${e.message}${e.$metadata ? ` (request ${e.$metadata.requestId}, HTTP ${e.$metadata.httpStatusCode})` : ""}`);
} finally {
  await app.close();
  await emulator?.close();
}
process.exit(failed ? 1 : 0);

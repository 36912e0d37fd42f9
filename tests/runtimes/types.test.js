// The shipped types resolve from the installed tarball under moduleResolution "bundler" and "node16",
// and they catch mistakes (a test that only compiled would prove nothing).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { project, root } from "./support.js";

const GOOD = `
import { AgentCoreIdentityClient, ValidationException, CallbackError, createCustomState, handleOauth2Callback, type GetResourceOauth2TokenOutput } from "agentcore-identity-edge";
const client = new AgentCoreIdentityClient({ region: "us-east-1", credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }) });
export async function f(): Promise<string | undefined> {
  const out: GetResourceOauth2TokenOutput = await client.getResourceOauth2Token({ workloadIdentityToken: "w", resourceCredentialProviderName: "p", scopes: ["s"], oauth2Flow: "ON_BEHALF_OF_TOKEN_EXCHANGE", audiences: ["a"] });
  const n: number = out.$metadata.attempts;
  const state = await createCustomState({ secret: "x".repeat(32), binding: "u" });
  const r = await handleOauth2Callback(new URL("http://x/?state=" + state), { stateSecret: "x".repeat(32), client, userIdentifier: { userId: "u" } });
  try { await client.completeResourceTokenAuth({ sessionUri: r.sessionUri, userIdentifier: { userToken: "a.b.c" } }); }
  catch (e) { if (e instanceof ValidationException) return e.reason; if (e instanceof CallbackError) return e.code; }
  return out.accessToken ?? String(n);
}
import { RedisStateStore, type StateStore } from "agentcore-identity-edge";
import { DurableObjectStateStore, StateStoreDurableObject } from "agentcore-identity-edge/cloudflare";
export const stores: StateStore[] = [
  new RedisStateStore({ sendCommand: async (args: string[]) => (args.length ? "OK" : null), keyPrefix: "app:" }),
  new DurableObjectStateStore({ idFromName: (name: string) => name, get: (_id: unknown) => ({ fetch: (input: string, init: RequestInit) => fetch(input, init) }) }, { timeoutMs: 1000 }),
];
export { StateStoreDurableObject };
import { createConnectRoutes, startConnect, type ConnectRoutesOptions, type StartConnectResult } from "agentcore-identity-edge/connect";
import { InMemoryStateStore } from "agentcore-identity-edge";
const connectOptions: ConnectRoutesOptions = {
  client, workloadName: "w", stateSecret: "x".repeat(32), stateStore: new InMemoryStateStore(),
  providers: { github: { resourceCredentialProviderName: "gh", scopes: ["repo"], customParameters: { prompt: "consent" } } },
  authenticate: async (request: Request) => (request.headers.get("cookie") ? { userId: "u" } : null),
  allowedOrigins: ["https://console.example"], exposeAccessTokens: false, basePath: "/agentcore", origin: "https://app.example",
};
export async function connectRoute(request: Request): Promise<Response> {
  const routes = createConnectRoutes(connectOptions);
  const started: StartConnectResult = await routes.startConnect({ user: { userToken: "a.b.c" }, provider: "github" });
  if (started.status === "authorization_required") void started.authorizationUrl.length;
  void (await startConnect(connectOptions, { user: { userId: "u" }, provider: "github" })).provider;
  return (await routes.handle(request)) ?? new Response("app");
}
import { connectProvider, ConnectError } from "agentcore-identity-edge/connect/browser";
export async function connectClick(): Promise<string> {
  try {
    return (await connectProvider("github", { basePath: "/agentcore", timeoutMs: 1000 })).status;
  } catch (e) {
    if (e instanceof ConnectError) return e.code;
    throw e;
  }
}
`;
const BAD = `
import { AgentCoreIdentityClient } from "agentcore-identity-edge";
const client = new AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
client.getResourceOauth2Token({ workloadIdentityToken: "w", resourceCredentialProviderName: "p", scopes: ["s"], oauth2Flow: "CLIENT_CREDENTIALS" });
client.completeResourceTokenAuth({ sessionUri: "s", userIdentifier: { userId: "u", userToken: "t" } });
import { RedisStateStore } from "agentcore-identity-edge";
new RedisStateStore({ keyPrefix: "app:" });
import { createConnectRoutes } from "agentcore-identity-edge/connect";
createConnectRoutes({ client, workloadName: "w", stateSecret: "s", stateStore: { consume: async () => true }, providers: { gh: { resourceCredentialProviderName: "gh" } }, authenticate: () => ({ userId: "u", userToken: "t" }) });
`;

const TSC = join(root, "node_modules", "typescript", "bin", "tsc");

function tsc(dir, file, module, moduleResolution) {
  return spawnSync(process.execPath, [TSC, "--noEmit", "--strict", "--skipLibCheck", "false", "--target", "es2022", "--lib", "es2022,dom", "--module", module, "--moduleResolution", moduleResolution, file], { cwd: dir, encoding: "utf8" });
}

let dir;
for (const [module, resolution] of [["esnext", "bundler"], ["node16", "node16"], ["nodenext", "nodenext"]]) {
  test(`types under moduleResolution ${resolution}`, async () => {
    dir ??= project("types", { "good.mts": GOOD, "bad.mts": BAD });
    const good = tsc(dir, "good.mts", module, resolution);
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const bad = tsc(dir, "bad.mts", module, resolution);
    assert.notEqual(bad.status, 0, "the mistakes compile");
    assert.match(bad.stdout, /"CLIENT_CREDENTIALS"/);
    assert.match(bad.stdout, /userToken/);
    assert.match(bad.stdout, /sendCommand/);
    assert.match(bad.stdout, /Property 'scopes' is missing/);
    assert.match(bad.stdout, /not assignable to type 'ConnectUser/);
  });
}

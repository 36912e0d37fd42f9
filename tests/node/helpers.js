// Shared set-up for the package's Node tests: the package as installed from its tarball, and the
// local AgentCore Identity emulator (which verifies every signature with @smithy/signature-v4).
import { nodeEntry } from "../support/package.mjs";
import { startEmulator } from "../../emulator/server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** The installed package, imported by name from a scratch project. */
export const pkg = await import(nodeEntry());

export const WORKLOAD = "demo-workload";
export const RETURN_URL = "http://localhost:8787/callback";

/** Starts an emulator on a free loopback port; closed after the test file. */
export async function emulator(t, options = {}) {
  const emu = await startEmulator({ port: 0, log: () => {}, ...options });
  t.after(() => emu.close());
  return emu;
}

/** A client of the package pointed at the emulator. */
export function clientFor(emu, extra = {}) {
  return new pkg.AgentCoreIdentityClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: emu.credentials,
    ...extra,
  });
}

/** A workload access token for `userId` (or for the workload alone when `userId` is null). */
export async function workloadToken(client, userId = "alice") {
  const out =
    userId === null
      ? await client.getWorkloadAccessToken({ workloadName: WORKLOAD })
      : await client.getWorkloadAccessTokenForUserId({ workloadName: WORKLOAD, userId });
  return out.workloadAccessToken;
}

/** Input for an M2M token. */
export function m2mInput(workloadIdentityToken) {
  return {
    workloadIdentityToken,
    resourceCredentialProviderName: "demo-m2m-provider",
    scopes: ["read"],
    oauth2Flow: "M2M",
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** Data-plane requests the emulator received. */
export function dataPlane(emu) {
  return emu.requests().filter((r) => r.operation);
}

/** Runs `body` with `Object.prototype[name] = value` (not enumerable), removed afterwards whatever happens. */
export async function polluted(entries, body) {
  for (const [name, value] of Object.entries(entries)) {
    Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true, enumerable: false });
  }
  try {
    return await body();
  } finally {
    for (const name of Object.keys(entries)) delete Object.prototype[name];
  }
}

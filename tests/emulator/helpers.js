// Shared helpers for the emulator tests: AWS SDK clients, independently signed raw requests, JWTs, admin calls,
// unsigned raw requests, the first line of a started emulator process.
import { request } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { startEmulator } from "../../emulator/server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const sdk = await import("@aws-sdk/client-bedrock-agentcore");
export { sdk };

export const WORKLOAD = "demo-workload";
export const RETURN_URL = "http://localhost:5173/callback";

export async function start(options = {}) {
  return startEmulator({ port: 0, ...options });
}

/** An AWS SDK client for the emulator (single attempt, so errors surface as they are). */
export function client(emu, extra = {}) {
  return new sdk.BedrockAgentCoreClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: emu.credentials,
    maxAttempts: 1,
    ...extra,
  });
}

/** Runs `promise`, expecting an SDK error; returns it. */
export async function sdkError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

/** Base64url JWT with the given payload (signature part is junk: the emulator does not verify it). */
export function jwt(payload, header = { alg: "RS256", typ: "JWT" }) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc(header)}.${enc(payload)}.c2lnbmF0dXJl`;
}

/**
 * A raw request signed with @smithy/signature-v4 + @aws-crypto/sha256-js (not the SDK's pipeline), sent with fetch.
 * `tamper({headers, body})` may change what is sent after signing.
 */
export async function signedFetch(emu, path, body, opts = {}) {
  const {
    credentials = emu.credentials,
    region = "us-east-1",
    service = "bedrock-agentcore",
    signingDate = new Date(),
    headers = {},
    method = "POST",
    tamper,
    signOptions = {},
    signal,
  } = opts;
  const url = new URL(path, emu.url);
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method,
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, "content-type": "application/json", ...headers },
      body: payload,
    },
    { signingDate, ...signOptions },
  );
  let out = { headers: { ...signed.headers }, body: payload };
  if (tamper) out = tamper(out);
  const { host, ...sendHeaders } = out.headers;
  void host; // fetch derives Host from the URL (same value that was signed)
  return fetch(url, { method, headers: sendHeaders, body: method === "GET" ? undefined : out.body, signal, redirect: "manual" });
}

export async function admin(emu, method, path, body) {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Workload access token bound to `userId` (or no user when userId is null). */
export async function workloadToken(c, userId = "alice") {
  const out =
    userId === null
      ? await c.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: WORKLOAD }))
      : await c.send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: WORKLOAD, userId }));
  return out.workloadAccessToken;
}

export function amzDate(d) {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * One request to 127.0.0.1:`port` over node:http, with exactly these headers (Host included) and body.
 * @param {number | string} port @param {string} method @param {string} path
 * @param {Record<string, string>} [headers] @param {string} [body]
 * @returns {Promise<{ status: number | undefined, headers: import("node:http").IncomingHttpHeaders, text: string }>}
 */
export function raw(port, method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The first line a started emulator process (the CLI, `npm run emulator`, `npx`) writes to stdout:
 * the URL it listens on. Rejects if the process exits first, with what it wrote to stderr.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<string>}
 */
export function firstLine(child) {
  let out = "";
  let err = "";
  child.stderr?.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", (code, signal) => reject(new Error(`exited (${code ?? signal}) before its first line: ${err}`)));
  });
}

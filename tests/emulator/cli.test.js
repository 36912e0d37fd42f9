// The command line: first stdout line carries the URL, flags set credentials/config/faults, SIGTERM stops cleanly.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { admin, client, firstLine, sdk, sdkError } from "./helpers.js";

const CLI = fileURLToPath(new URL("../../emulator/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the CLI; resolves once the first stdout line arrived. */
function runCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out, err })));
  return { child, firstLine: firstLine(child), exited, output: () => out };
}

test("flags: credentials, config file, faults; URL on the first line; SIGTERM exits 0", async () => {
  const cfgFile = join(dir, "cfg.json");
  writeFileSync(cfgFile, JSON.stringify({ workloads: [{ name: "cli-workload" }] }));
  const creds = { accessKeyId: "AKIACLITEST000000001", secretAccessKey: "cli-secret" };
  const p = runCli(["--port", "0", "--config", cfgFile, "--access-key-id", creds.accessKeyId, "--secret-access-key", creds.secretAccessKey, "--throttle-rate", "1", "--quiet"]);
  const line = await p.firstLine;
  const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  assert.ok(m, line);
  assert.match(line, /^AgentCore Identity emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
  const url = `http://127.0.0.1:${m[1]}`;
  const emu = { url, credentials: creds };
  const c = client(emu);
  const err = await sdkError(c.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "cli-workload" })));
  assert.equal(err.name, "ThrottlingException");
  await admin(emu, "DELETE", "/__emulator/faults");
  const ok = await c.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "cli-workload" }));
  assert.equal(ok.$metadata.httpStatusCode, 200);
  const gone = await sdkError(c.send(new sdk.GetWorkloadAccessTokenCommand({ workloadName: "demo-workload" })));
  assert.equal(gone.name, "ResourceNotFoundException", "the config file replaced the workloads");
  c.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const out = p.output();
  assert.match(out, /AWS_ACCESS_KEY_ID=AKIACLITEST000000001/);
  assert.match(out, /AWS_SECRET_ACCESS_KEY=cli-secret/);
  assert.match(out, /cli-workload/);
  assert.match(out, /demo-m2m-provider/);
  p.child.kill("SIGTERM");
  const { code } = await p.exited;
  assert.equal(code, 0);
});

test("default credentials and request log lines without secrets; SIGINT exits 0", async () => {
  const p = runCli([]);
  const line = await p.firstLine;
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)[0];
  const emu = {
    url,
    credentials: { accessKeyId: "AKIAEMULATOR00000001", secretAccessKey: "emulator-secret-key-do-not-use-in-production" },
  };
  const c = client(emu);
  const { workloadAccessToken } = await c.send(new sdk.GetWorkloadAccessTokenForUserIdCommand({ workloadName: "demo-workload", userId: "zed" }));
  const s = await c.send(
    new sdk.GetResourceOauth2TokenCommand({
      workloadIdentityToken: workloadAccessToken,
      resourceCredentialProviderName: "demo-user-provider",
      scopes: ["openid"],
      oauth2Flow: "USER_FEDERATION",
      resourceOauth2ReturnUrl: "http://localhost:3000/cb",
      customState: "very-secret-state",
    }),
  );
  const page = await fetch(s.authorizationUrl);
  await page.text();
  c.destroy();
  await new Promise((r) => setTimeout(r, 50));
  p.child.kill("SIGINT");
  const { code, out } = await p.exited;
  assert.equal(code, 0);
  assert.match(out, /POST \/identities\/oauth2\/token GetResourceOauth2Token -> 200/);
  const logPart = out.slice(out.indexOf("Ctrl-C"));
  for (const secret of [workloadAccessToken, "very-secret-state", s.authorizationUrl, s.sessionUri, "emulator-secret-key-do-not-use-in-production"]) {
    assert.ok(!logPart.includes(secret), `log must not contain ${secret.slice(0, 20)}...`);
  }
});

test("bad flags exit 2 with usage", async () => {
  const p = spawn(process.execPath, [CLI, "--access-key-id", "AKIAONLY000000000000"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  p.stderr.on("data", (d) => (err += d));
  const code = await new Promise((r) => p.on("exit", r));
  assert.equal(code, 2);
  assert.match(err, /--access-key-id and --secret-access-key go together/);
  assert.match(err, /Usage:/);
  // A value the emulator would refuse later is refused here, with the same exit status.
  const q = spawn(process.execPath, [CLI, "--cors-origin", "app.example.com"], { stdio: ["ignore", "pipe", "pipe"] });
  let qerr = "";
  q.stderr.on("data", (d) => (qerr += d));
  assert.equal(await new Promise((r) => q.on("exit", r)), 2);
  assert.match(qerr, /--cors-origin: each entry must be an origin/);
  assert.match(qerr, /Usage:/);
});

test("npm run emulator (in the repository): the same first line, the flags passed through", async () => {
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  // --silent: without npm's own header lines, the emulator's first line is the first line.
  const child = spawn("npm", ["run", "--silent", "emulator", "--", "--port", "0", "--quiet"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const first = await firstLine(child);
    assert.match(first, /^AgentCore Identity emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
    } catch {
      // Already gone.
    }
    await exited;
  }
});

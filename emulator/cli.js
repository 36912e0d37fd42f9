#!/usr/bin/env node
// Command line entry point: node emulator/cli.js [--port N] [--host H] [--config FILE] [...], installed as
// the package's bin (npx agentcore-identity-edge-emulator).
import { readFileSync } from "node:fs";
import { corsOriginList, startEmulator } from "./server.js";

const USAGE = `Usage: agentcore-identity-edge-emulator [options]   (in the repository: npm run emulator)

  --port N                 port to listen on (default 0: a free port)
  --host HOST              address to bind (default 127.0.0.1)
  --config FILE            JSON configuration (top-level keys replace the defaults)
  --access-key-id ID       replace the configured credentials (needs --secret-access-key)
  --secret-access-key KEY
  --session-token TOKEN    optional session token for those credentials
  --region REGION          only accept signatures scoped to this region
  --throttle-rate R        initial faults: fraction 0..1 of requests answered 429 ThrottlingException
  --error-rate R           fraction 0..1 answered 500 InternalServerException
  --latency-ms MS          delay before every data-plane reply
  --clock-offset-ms MS     server clock offset (signature skew checks, Date header, expiries)
  --cors-origin ORIGIN     also answer this origin's CORS requests on the data plane (repeatable;
                           "*" for any); loopback origins are always answered
  --quiet                  no per-request log lines
  -h, --help               this text
`;

function parseArgs(argv) {
  const opts = { faults: {}, corsOrigins: [] };
  const needValue = (i, flag) => {
    if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  const num = (v, flag, { integer = false, min = -Infinity, max = Infinity } = {}) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new Error(`${flag}: invalid value ${JSON.stringify(v)}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let inline;
    if (flag.startsWith("--") && flag.includes("=")) {
      inline = flag.slice(flag.indexOf("=") + 1);
      flag = flag.slice(0, flag.indexOf("="));
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const v = needValue(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        opts.help = true;
        break;
      case "--port":
        opts.port = num(value(), flag, { integer: true, min: 0, max: 65535 });
        break;
      case "--host":
        opts.host = value();
        break;
      case "--config":
        opts.configFile = value();
        break;
      case "--access-key-id":
        opts.accessKeyId = value();
        break;
      case "--secret-access-key":
        opts.secretAccessKey = value();
        break;
      case "--session-token":
        opts.sessionToken = value();
        break;
      case "--region":
        opts.region = value();
        break;
      case "--throttle-rate":
        opts.faults.throttleRate = num(value(), flag, { min: 0, max: 1 });
        break;
      case "--error-rate":
        opts.faults.errorRate = num(value(), flag, { min: 0, max: 1 });
        break;
      case "--latency-ms":
        opts.faults.latencyMs = num(value(), flag, { integer: true, min: 0 });
        break;
      case "--clock-offset-ms":
        opts.faults.clockOffsetMs = num(value(), flag, { integer: true });
        break;
      case "--cors-origin":
        opts.corsOrigins.push(value());
        break;
      case "--quiet":
        opts.quiet = true;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if ((opts.accessKeyId === undefined) !== (opts.secretAccessKey === undefined)) {
    throw new Error("--access-key-id and --secret-access-key go together");
  }
  if (opts.sessionToken !== undefined && opts.accessKeyId === undefined) {
    throw new Error("--session-token needs --access-key-id and --secret-access-key");
  }
  try {
    corsOriginList(opts.corsOrigins);
  } catch (e) {
    throw new Error(`--cors-origin: ${e.message.replace(/^corsOrigins: /, "")}`);
  }
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  let config = {};
  if (opts.configFile) {
    try {
      config = JSON.parse(readFileSync(opts.configFile, "utf8"));
    } catch (e) {
      process.stderr.write(`error: cannot read config ${opts.configFile}: ${e.message}\n`);
      process.exit(2);
    }
  }
  if (opts.accessKeyId !== undefined) {
    config = {
      ...config,
      credentials: [
        {
          accessKeyId: opts.accessKeyId,
          secretAccessKey: opts.secretAccessKey,
          ...(opts.sessionToken !== undefined ? { sessionToken: opts.sessionToken } : {}),
        },
      ],
    };
  }
  if (opts.region !== undefined) config = { ...config, region: opts.region };

  let emulator;
  try {
    emulator = await startEmulator({
      port: opts.port ?? 0,
      host: opts.host ?? "127.0.0.1",
      config,
      faults: opts.faults,
      corsOrigins: opts.corsOrigins,
      log: opts.quiet ? undefined : (line) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  }

  const cfg = emulator.config;
  const lines = [`AgentCore Identity emulator listening on ${emulator.url}`, "", "Credentials (local emulator only; sign with service bedrock-agentcore, any region):"];
  for (const c of cfg.credentials) {
    lines.push(`  AWS_ACCESS_KEY_ID=${c.accessKeyId}`, `  AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`);
    if (c.sessionToken) lines.push(`  AWS_SESSION_TOKEN=${c.sessionToken}`);
  }
  if (cfg.region) lines.push(`  region: ${cfg.region}`);
  lines.push("", "Workload identities:");
  for (const w of cfg.workloads) {
    lines.push(`  ${w.name}  (return URLs: ${w.allowedResourceOauth2ReturnUrls.join(", ") || "none"})`);
  }
  lines.push("", "Credential providers:");
  for (const p of cfg.providers) {
    lines.push(
      p.type === "apikey" || p.type === "payment"
        ? `  ${p.name}  ${p.type}`
        : `  ${p.name}  oauth2 ${p.grant ?? ""} flows=${p.flows.join(",")}${p.scopes ? ` scopes=${p.scopes.join(",")}` : ""}`,
    );
  }
  const f = emulator.faults();
  if (Object.keys(f).length) lines.push("", `Faults: ${JSON.stringify(f)}`);
  lines.push("", `Admin API: ${emulator.url}/__emulator/ (faults, requests, sessions). Ctrl-C stops.`, "");
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    if (!opts.quiet) process.stdout.write(`received ${signal}, shutting down\n`);
    await emulator.close();
    process.exit(0);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main();

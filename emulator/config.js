// Emulator configuration: defaults, merging of a user config, validation.

export const DEFAULT_CONFIG = Object.freeze({
  credentials: [
    { accessKeyId: "AKIAEMULATOR00000001", secretAccessKey: "emulator-secret-key-do-not-use-in-production" },
  ],
  workloads: [{ name: "demo-workload", allowedResourceOauth2ReturnUrls: ["http://localhost:*", "http://127.0.0.1:*"] }],
  providers: [
    { name: "demo-m2m-provider", type: "oauth2", grant: "client_credentials", scopes: ["read", "write"] },
    { name: "demo-user-provider", type: "oauth2", grant: "authorization_code" },
    { name: "demo-apikey-provider", type: "apikey", apiKey: "emulator-api-key-do-not-use-in-production" },
    { name: "demo-payment-provider", type: "payment" },
  ],
  sessionTtlSeconds: 600,
  tokenTtlSeconds: 3600,
});

/** OAuth2 flows a provider serves, by grant (a provider may list `flows` explicitly instead). */
export const FLOWS_BY_GRANT = {
  client_credentials: ["M2M"],
  authorization_code: ["USER_FEDERATION", "ON_BEHALF_OF_TOKEN_EXCHANGE"],
  token_exchange: ["ON_BEHALF_OF_TOKEN_EXCHANGE"],
};

const KNOWN_KEYS = new Set([
  "credentials",
  "workloads",
  "providers",
  "sessionTtlSeconds",
  "tokenTtlSeconds",
  "region",
  "maxBodyBytes",
  "maxLoggedRequests",
]);

/**
 * Merges `user` over the defaults (top-level keys replace the default's) and validates the result.
 * @returns a fresh, deep-copied configuration object
 */
export function resolveConfig(user = {}) {
  if (user === null || typeof user !== "object" || Array.isArray(user)) throw new Error("config must be a JSON object");
  for (const k of Object.keys(user)) {
    if (!KNOWN_KEYS.has(k)) throw new Error(`config: unknown key "${k}"`);
  }
  const cfg = structuredClone({ maxBodyBytes: 1024 * 1024, maxLoggedRequests: 1000, ...DEFAULT_CONFIG, ...user });
  const err = (m) => {
    throw new Error(`config: ${m}`);
  };
  if (!Array.isArray(cfg.credentials) || cfg.credentials.length === 0) err("credentials must be a non-empty array");
  const akids = new Set();
  for (const [i, c] of cfg.credentials.entries()) {
    if (!c || typeof c.accessKeyId !== "string" || !/^[A-Za-z0-9]{1,128}$/.test(c.accessKeyId)) {
      err(`credentials[${i}].accessKeyId must be 1-128 letters/digits`);
    }
    if (typeof c.secretAccessKey !== "string" || c.secretAccessKey.length === 0) {
      err(`credentials[${i}].secretAccessKey must be a non-empty string`);
    }
    if (c.sessionToken !== undefined && (typeof c.sessionToken !== "string" || !c.sessionToken)) {
      err(`credentials[${i}].sessionToken must be a non-empty string when given`);
    }
    if (akids.has(c.accessKeyId)) err(`credentials[${i}]: duplicate accessKeyId`);
    akids.add(c.accessKeyId);
  }
  if (!Array.isArray(cfg.workloads)) err("workloads must be an array");
  const wnames = new Set();
  for (const [i, w] of cfg.workloads.entries()) {
    if (!w || typeof w.name !== "string" || !w.name) err(`workloads[${i}].name must be a non-empty string`);
    if (wnames.has(w.name)) err(`workloads[${i}]: duplicate name ${w.name}`);
    wnames.add(w.name);
    w.allowedResourceOauth2ReturnUrls ??= [];
    if (!Array.isArray(w.allowedResourceOauth2ReturnUrls) || w.allowedResourceOauth2ReturnUrls.some((u) => typeof u !== "string")) {
      err(`workloads[${i}].allowedResourceOauth2ReturnUrls must be an array of strings`);
    }
  }
  if (!Array.isArray(cfg.providers)) err("providers must be an array");
  const pnames = new Set();
  for (const [i, p] of cfg.providers.entries()) {
    if (!p || typeof p.name !== "string" || !p.name) err(`providers[${i}].name must be a non-empty string`);
    if (pnames.has(p.name)) err(`providers[${i}]: duplicate name ${p.name}`);
    pnames.add(p.name);
    if (p.type === "apikey") {
      if (typeof p.apiKey !== "string" || !p.apiKey) err(`providers[${i}].apiKey must be a non-empty string`);
    } else if (p.type === "oauth2") {
      if (p.flows === undefined) {
        if (!FLOWS_BY_GRANT[p.grant]) {
          err(`providers[${i}].grant must be one of ${Object.keys(FLOWS_BY_GRANT).join(", ")} (or give "flows")`);
        }
        p.flows = [...FLOWS_BY_GRANT[p.grant]];
      } else if (!Array.isArray(p.flows) || p.flows.some((f) => !["M2M", "USER_FEDERATION", "ON_BEHALF_OF_TOKEN_EXCHANGE"].includes(f))) {
        err(`providers[${i}].flows must list M2M, USER_FEDERATION and/or ON_BEHALF_OF_TOKEN_EXCHANGE`);
      }
      if (p.scopes !== undefined && (!Array.isArray(p.scopes) || p.scopes.some((s) => typeof s !== "string"))) {
        err(`providers[${i}].scopes must be an array of strings`);
      }
    } else if (p.type !== "payment") {
      err(`providers[${i}].type must be "oauth2", "apikey" or "payment"`);
    }
  }
  for (const k of ["sessionTtlSeconds", "tokenTtlSeconds"]) {
    if (typeof cfg[k] !== "number" || !(cfg[k] > 0)) err(`${k} must be a positive number`);
  }
  for (const k of ["maxBodyBytes", "maxLoggedRequests"]) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) err(`${k} must be a positive integer`);
  }
  if (cfg.region !== undefined && (typeof cfg.region !== "string" || !/^[a-z0-9-]+$/.test(cfg.region))) {
    err("region must be an AWS region name");
  }
  return cfg;
}

/** `*` in an allowed return URL matches any run of characters (port, path, query...). */
export function globToRegExp(glob) {
  const escaped = glob.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** Whether `url` is acceptable as a return URL for `workload` (no credentials in the URL; glob match). */
export function returnUrlAllowed(workload, url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return workload.allowedResourceOauth2ReturnUrls.some((g) => globToRegExp(g).test(url));
}

/**
 * A local emulator of the Amazon Bedrock AgentCore Identity data plane, for tests and offline development:
 * SigV4-verified, every flow (M2M, user federation, API keys, payment tokens), consent answerable from
 * code, fault injection.
 *
 * @example
 * ```ts
 * import { startEmulator } from "agentcore-identity-edge-emulator";
 *
 * const emulator = await startEmulator({ port: 0 });
 * console.log(emulator.url, emulator.credentials.accessKeyId);
 * await emulator.close();
 * ```
 * @packageDocumentation
 */

/** AWS credentials the emulator accepts. */
export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A workload identity and the return URLs (globs, `*` matches any run of characters) it accepts. */
export interface EmulatorWorkload {
  name: string;
  allowedResourceOauth2ReturnUrls?: string[];
}

/** A credential provider the emulator serves. */
export type EmulatorProvider =
  | {
      name: string;
      type: "oauth2";
      grant?: "client_credentials" | "authorization_code" | "token_exchange";
      flows?: ("M2M" | "USER_FEDERATION" | "ON_BEHALF_OF_TOKEN_EXCHANGE")[];
      scopes?: string[];
    }
  | { name: string; type: "apikey"; apiKey: string }
  | { name: string; type: "payment" };

/** Configuration: each top-level key given replaces the default's (see {@link DEFAULT_CONFIG}). */
export interface EmulatorConfig {
  credentials?: EmulatorCredentials[];
  workloads?: EmulatorWorkload[];
  providers?: EmulatorProvider[];
  sessionTtlSeconds?: number;
  tokenTtlSeconds?: number;
  /** Accept only signatures scoped to this region (default: any region). */
  region?: string;
  maxBodyBytes?: number;
  maxLoggedRequests?: number;
}

/** Injected faults on data-plane operations (see the emulator's README for each key). */
export interface EmulatorFaults {
  throttleRate?: number;
  errorRate?: number;
  resetRate?: number;
  hangRate?: number;
  truncateRate?: number;
  errorStatus?: number;
  errorCode?: string;
  htmlBody?: boolean;
  latencyMs?: number;
  clockOffsetMs?: number;
  seed?: number;
  failNext?: {
    status: number;
    code?: string;
    message?: string;
    htmlBody?: boolean;
    retryAfter?: string;
    amzRetryAfter?: string;
    /** With a 301, 302, 303, 307 or 308 status only: the `Location` header (an absolute http(s) URL or a path). */
    location?: string;
  }[];
  [key: string]: unknown;
}

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind (default `127.0.0.1`). */
  host?: string;
  config?: EmulatorConfig;
  /** Initial faults. */
  faults?: EmulatorFaults;
  /** Receives one line per request (never a secret). Default: no log. */
  log?: (line: string) => void;
  /** Another botocore model file (default: the one in this package). */
  modelPath?: string;
  /**
   * Origins besides loopback ones (localhost, 127.0.0.0/8, [::1]) that the data plane's CORS answers:
   * exact origins such as `https://app.example.com`, or `"*"` for any. Default: none. The admin API
   * answers loopback origins only, whatever this says.
   */
  corsOrigins?: string[];
}

/** One logged data-plane request (secrets redacted). */
export interface EmulatorRequest {
  requestId: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  operation: string | null;
  headers: Record<string, string>;
  body: unknown;
  bodyBytes: number | null;
  signature: { valid: boolean; accessKeyId?: string | null; code?: string; message?: string } | null;
  status: number | string | null;
  errorCode: string | null;
  fault: string | null;
}

/** What an approved or denied session sends the browser back to. */
export interface ConsentDecision {
  /** The workload's return URL with `session_id` (and `state`, or `error=access_denied` when denied). */
  callbackUrl: string;
}

/** A running emulator. */
export interface Emulator {
  /** Its base URL, e.g. `http://127.0.0.1:43117`: the client's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** The resolved configuration (defaults merged with the given one). */
  readonly config: Required<Pick<EmulatorConfig, "credentials" | "workloads" | "providers">> & EmulatorConfig;
  /** The first configured credentials: the client's `credentials`. */
  readonly credentials: EmulatorCredentials;
  /**
   * Approves a pending authorization session, as the user choosing "Allow" on the consent page would.
   * Takes the `authorizationUrl` (or the `sessionUri`) a call returned; returns the callback URL to hand
   * to `handleOauth2Callback`. Throws an {@link EmulatorError} (`UNKNOWN_SESSION`, `SESSION_EXPIRED`,
   * `SESSION_DECIDED`, `INVALID_ARGUMENT`) otherwise.
   */
  approve(authorizationUrlOrSessionUri: string): ConsentDecision;
  /** Denies a pending authorization session; the callback URL carries `error=access_denied`. */
  deny(authorizationUrlOrSessionUri: string): ConsentDecision;
  /** Replaces the injected faults; returns them as now set. */
  setFaults(faults: EmulatorFaults): EmulatorFaults;
  clearFaults(): void;
  faults(): EmulatorFaults;
  /** The data-plane request log (most recent `maxLoggedRequests`). */
  requests(): EmulatorRequest[];
  clearRequests(): void;
  /** Expires every open session, or only `sessionUri`; returns how many. */
  expireSessions(sessionUri?: string): number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts an emulator.
 *
 * @example
 * ```ts
 * import { startEmulator } from "agentcore-identity-edge-emulator";
 *
 * const emulator = await startEmulator({ port: 0, log: console.log });
 * // emulator.url: the client's endpoint; emulator.credentials: its credentials.
 * await emulator.close();
 * ```
 */
export function startEmulator(options?: StartEmulatorOptions): Promise<Emulator>;

/**
 * Approves the pending session of an `authorizationUrl` through the admin API of the emulator that issued
 * it (in this process or another, e.g. started with `npx agentcore-identity-edge-emulator`). Only a URL
 * on this machine (localhost, 127.0.0.0/8, [::1]) is sent anywhere; any other is an
 * {@link EmulatorError} `INVALID_ARGUMENT`.
 */
export function approve(authorizationUrl: string): Promise<ConsentDecision>;

/** Denies the pending session of an `authorizationUrl`, as {@link approve} approves it. */
export function deny(authorizationUrl: string): Promise<ConsentDecision>;

/** The default configuration: workload `demo-workload`, providers `demo-m2m-provider`, `demo-user-provider`, `demo-apikey-provider`, `demo-payment-provider`. */
export const DEFAULT_CONFIG: Readonly<Required<Pick<EmulatorConfig, "credentials" | "workloads" | "providers" | "sessionTtlSeconds" | "tokenTtlSeconds">>>;

/** A refused call of the emulator's API; `code` is stable and the message carries no secret. */
export class EmulatorError extends Error {
  constructor(code: string, message: string, options?: { cause?: unknown });
  readonly name: "EmulatorError";
  readonly code: string;
}

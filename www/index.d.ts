/**
 * Amazon Bedrock AgentCore Identity token-vault client for the edge: Rust compiled to WebAssembly,
 * SigV4-signed, sent through the host's `fetch`. Works in Cloudflare Workers (workerd), browsers,
 * Node.js 20+, Deno and Bun.
 *
 * @packageDocumentation
 */

/** AWS credentials. Use temporary credentials (with `sessionToken`) wherever you can. */
export interface AwsCredentialIdentity {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. Never logged or put in an error. */
  secretAccessKey: string;
  /** The session token of temporary credentials. Signed as `x-amz-security-token`. */
  sessionToken?: string;
  /** When temporary credentials expire. A provider is called again 5 minutes before this. */
  expiration?: Date | number | string;
}

/**
 * Fixed credentials, or an async provider. A provider is awaited before signing and its result is
 * reused until 5 minutes before its `expiration` (for ever if it has none); concurrent calls share
 * one provider call.
 */
export type CredentialsInput =
  | AwsCredentialIdentity
  | (() => AwsCredentialIdentity | Promise<AwsCredentialIdentity>);

/** Client configuration. */
export interface ClientConfig {
  /** The AWS region, such as `us-east-1`. Required, also with an `endpoint` override (it signs). */
  region: string;
  /** The credentials to sign with. */
  credentials: CredentialsInput;
  /**
   * An endpoint override, such as `http://127.0.0.1:8787` for the local emulator. May carry a
   * base path, written as `fetch` sends it (no `.` or `..` segments, nothing to percent-encode).
   * `http:` only for loopback hosts, unless `allowInsecureEndpoint`. Cannot be combined with
   * `useFipsEndpoint` or `useDualstackEndpoint`.
   */
  endpoint?: string;
  /** Use the FIPS endpoint (`bedrock-agentcore-fips.{region}...`). Default `false`. */
  useFipsEndpoint?: boolean;
  /** Use the dual-stack endpoint (`...{region}.api.aws`). Default `false`. */
  useDualstackEndpoint?: boolean;
  /** The `fetch` to send with. Default: `globalThis.fetch`, looked up at call time. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * Attempts per call, including the first: a whole number from 1 to 100 (the AWS SDK's standard
   * retry mode, as `@smithy/core` 3.41.1 runs it). Default 3; 1 disables retries. Throttling,
   * HTTP 500/502/503/504, network errors, timeouts and clock-skew-corrected errors are retried
   * with full-jitter exponential backoff (base 50 ms, 1 s when throttled, cap 20 s before the
   * jitter), within a client-wide retry quota.
   */
  maxAttempts?: number;
  /**
   * Per-attempt timeout in milliseconds: a whole number from 1 to 3600000. Default: none. It also
   * bounds the wait for a credentials provider (a `CredentialsProviderError` after it).
   */
  requestTimeoutMs?: number;
  /** Your application's id, sent in `x-amz-user-agent` as the AWS SDKs' `appId`: at most 50 characters. */
  userAgentAppId?: string;
  /** Allow an `http:` endpoint override for a host that is not loopback (credentials travel in clear text). Default `false`. */
  allowInsecureEndpoint?: boolean;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, including a backoff sleep; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Metadata of a reply, as the AWS SDKs report it. */
export interface ResponseMetadata {
  /** The HTTP status of the last attempt (absent if there was no reply). */
  httpStatusCode?: number;
  /** The last reply's `x-amzn-RequestId`, else its `x-amzn-request-id`, else its `x-amz-request-id`. */
  requestId?: string;
  /** The last reply's `x-amz-id-2`, when it has one. */
  extendedRequestId?: string;
  /** The last reply's `x-amz-cf-id`, when it has one. */
  cfId?: string;
  /** Attempts made, including the first. */
  attempts: number;
  /** Milliseconds spent in backoff sleeps. */
  totalRetryDelay: number;
}

/** The OAuth 2.0 flow of `GetResourceOauth2Token`. */
export type Oauth2FlowType = "USER_FEDERATION" | "M2M" | "ON_BEHALF_OF_TOKEN_EXCHANGE";

/**
 * Input of
 * [GetResourceOauth2Token](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetResourceOauth2Token.html).
 */
export interface GetResourceOauth2TokenInput {
  /** The workload access token (1 to 131072 characters). */
  workloadIdentityToken: string;
  /** The credential provider's name (1 to 128 of `[a-zA-Z0-9\-_]`). */
  resourceCredentialProviderName: string;
  /** The OAuth 2.0 scopes to request (each 1 to 128 characters). */
  scopes: string[];
  /** The flow to run. */
  oauth2Flow: Oauth2FlowType;
  /** The session of a user-federation flow in progress (`urn:ietf:params:oauth:request_uri:...`). */
  sessionUri?: string;
  /** Where the authorization server sends the user back; must be registered for the workload. */
  resourceOauth2ReturnUrl?: string;
  /** Start a new user authorization even if a token is in the vault. */
  forceAuthentication?: boolean;
  /** Extra authorization-request parameters (keys `[a-zA-Z0-9\-_\.]+`, values 1 to 2048 characters). */
  customParameters?: Record<string, string>;
  /** Opaque value returned to the callback as `state`: your CSRF protection (1 to 4096 characters). */
  customState?: string;
  /** Target resources (RFC 8707), each 1 to 2048 characters. */
  resources?: string[];
  /** Audiences of the token, each 1 to 2048 characters. */
  audiences?: string[];
}

/** Output of `GetResourceOauth2Token`: a token, or an authorization URL for the user. */
export interface GetResourceOauth2TokenOutput {
  /** The OAuth 2.0 access token, when one is available. */
  accessToken?: string;
  /** Where to send the user to authorize, in a user-federation flow. */
  authorizationUrl?: string;
  /** The session of the user-federation flow. */
  sessionUri?: string;
  /** The session's status. */
  sessionStatus?: "IN_PROGRESS" | "FAILED" | (string & {});
  /** Reply metadata. */
  $metadata: ResponseMetadata;
}

/** The user a session is bound to: exactly one of `userId` or `userToken` (a union in the model). */
export type UserIdentifier = UserIdentifierById | UserIdentifierByToken;

/** A user named by the id the workload token was issued for. */
export interface UserIdentifierById {
  /** The user id given to `GetWorkloadAccessTokenForUserId` (1 to 128 characters). */
  userId: string;
  /** Not with `userId`. */
  userToken?: never;
}

/** A user named by the JWT the workload token was issued for. */
export interface UserIdentifierByToken {
  /** The JWT given to `GetWorkloadAccessTokenForJWT`. */
  userToken: string;
  /** Not with `userToken`. */
  userId?: never;
}

/** Set on retryable errors, as in the AWS SDKs. */
export interface RetryableTrait {
  /** True for throttling errors (retried with the longer backoff). */
  throttling: boolean;
}

/** One entry of `ValidationException.fieldList`. */
export interface ValidationExceptionField {
  /** The field's name, as the service reports it. */
  name: string;
  /** Why the service refused it. */
  message: string;
}

/** Input of `CompleteResourceTokenAuth`. */
export interface CompleteResourceTokenAuthInput {
  /** The session to complete. */
  sessionUri: string;
  /** The user who started the session (the same one the workload token was issued for). */
  userIdentifier: UserIdentifier;
}

/** Input of `GetWorkloadAccessToken`. */
export interface GetWorkloadAccessTokenInput {
  /** The workload identity's name (3 to 255 of `[A-Za-z0-9_.-]`). */
  workloadName: string;
}

/** Input of `GetWorkloadAccessTokenForJWT`. */
export interface GetWorkloadAccessTokenForJWTInput {
  /** The workload identity's name. */
  workloadName: string;
  /** The user's JWT from their identity provider. */
  userToken: string;
}

/** Input of `GetWorkloadAccessTokenForUserId`. */
export interface GetWorkloadAccessTokenForUserIdInput {
  /** The workload identity's name. */
  workloadName: string;
  /** The user's id (1 to 128 characters). */
  userId: string;
}

/** Output of the three `GetWorkloadAccessToken*` operations. */
export interface GetWorkloadAccessTokenOutput {
  /** The workload access token. */
  workloadAccessToken: string;
  /** Reply metadata. */
  $metadata: ResponseMetadata;
}

/** Input of `GetResourceApiKey`. */
export interface GetResourceApiKeyInput {
  /** The workload access token. */
  workloadIdentityToken: string;
  /** The API-key credential provider's name. */
  resourceCredentialProviderName: string;
}

/** Output of `GetResourceApiKey`. */
export interface GetResourceApiKeyOutput {
  /** The API key. */
  apiKey: string;
  /** Reply metadata. */
  $metadata: ResponseMetadata;
}

/** The HTTP method of a payment-provider request. */
export type PaymentHttpMethodType = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/** A Coinbase CDP token request. */
export interface CoinbaseCdpTokenRequestInput {
  /** The method of the request the token is for. */
  requestMethod: PaymentHttpMethodType;
  /** Its path (1 to 2048 of `/[a-zA-Z0-9/_\-.~%?=&]+`). */
  requestPath: string;
  /** Its host (1 to 256 of `[a-zA-Z0-9\-.]+`). */
  requestHost?: string;
  /** Its body (JSON text, 1 to 16384 printable ASCII characters, tab, LF, CR). */
  requestBody?: string;
  /** Also make a wallet auth token (wallet write operations). */
  includeWalletAuthToken?: boolean;
}

/** A Stripe Privy token request. */
export interface StripePrivyTokenRequestInput {
  /** The path of the Privy API call. */
  requestPath: string;
  /** Its body (JSON text). */
  requestBody: string;
  /** Its host. */
  requestHost?: string;
  /** Also make the `privy-authorization-signature`. */
  includeAuthorizationSignature?: boolean;
}

/** A Coinbase CDP request, as the union's one member. */
export interface CoinbaseCdpPaymentTokenRequest {
  /** The Coinbase CDP token request. */
  coinbaseCdpTokenRequest: CoinbaseCdpTokenRequestInput;
  /** Not with a Coinbase CDP request. */
  stripePrivyTokenRequest?: never;
}

/** A Stripe Privy request, as the union's one member. */
export interface StripePrivyPaymentTokenRequest {
  /** The Stripe Privy token request. */
  stripePrivyTokenRequest: StripePrivyTokenRequestInput;
  /** Not with a Stripe Privy request. */
  coinbaseCdpTokenRequest?: never;
}

/** Exactly one vendor's request (a union). */
export type PaymentTokenRequestInput = CoinbaseCdpPaymentTokenRequest | StripePrivyPaymentTokenRequest;

/**
 * Input of
 * [GetResourcePaymentToken](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetResourcePaymentToken.html).
 */
export interface GetResourcePaymentTokenInput {
  /** The workload access token. */
  workloadIdentityToken: string;
  /** The payment credential provider's name. */
  resourceCredentialProviderName: string;
  /** The vendor's request. */
  paymentTokenRequest: PaymentTokenRequestInput;
}

/** A Coinbase CDP token. */
export interface CoinbaseCdpTokenResponseOutput {
  /** For the `Authorization` header. */
  bearerToken: string;
  /** For the `X-Wallet-Auth` header. */
  walletAuthToken?: string;
}

/** A Stripe Privy token. */
export interface StripePrivyTokenResponseOutput {
  /** For the `privy-app-id` header. */
  appId: string;
  /** The basic auth token. */
  basicAuthToken: string;
  /** The base64 ECDSA P-256 authorization signature, when asked for. */
  authorizationSignature?: string;
  /** When the request expires (a `long`: a safe integer here). */
  requestExpiry?: number;
}

/**
 * Exactly one vendor's token (a union). A member the model does not know yet comes back as the
 * AWS SDK gives it: `{ $unknown: [name, value] }`.
 */
export interface PaymentTokenResponseOutput {
  /** The Coinbase CDP token. */
  coinbaseCdpTokenResponse?: CoinbaseCdpTokenResponseOutput;
  /** The Stripe Privy token. */
  stripePrivyTokenResponse?: StripePrivyTokenResponseOutput;
  /** A member this version of the model does not know: its name and its value as received. */
  $unknown?: [string, unknown];
}

/** Output of `GetResourcePaymentToken`. */
export interface GetResourcePaymentTokenOutput {
  /** The vendor's token. */
  paymentTokenResponse: PaymentTokenResponseOutput;
  /** Reply metadata. */
  $metadata: ResponseMetadata;
}

/** Output of `CompleteResourceTokenAuth`. */
export interface CompleteResourceTokenAuthOutput {
  /** Reply metadata. */
  $metadata: ResponseMetadata;
}

/**
 * Client for the AgentCore Identity data plane. The wasm module is loaded on the first call, once
 * per process or isolate; the constructor does no I/O. A wrong type in the configuration (and an
 * endpoint `fetch` would not send as written) throws a {@link ConfigurationError} from the
 * constructor; what the core checks when the module is loaded (the region, the endpoint rules, the
 * ranges of `maxAttempts`, `requestTimeoutMs` and `userAgentAppId`, and that the credentials have a
 * non-empty `accessKeyId` and `secretAccessKey`) rejects the first call with one.
 *
 * @example An M2M token (against the emulator, add `endpoint: emulator.url` and its `credentials`)
 * ```ts
 * import { AgentCoreIdentityClient } from "agentcore-identity-edge";
 *
 * const client = new AgentCoreIdentityClient({
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "AKIA...", secretAccessKey: "..." },
 * });
 * const { workloadAccessToken } = await client.getWorkloadAccessToken({ workloadName: "demo-workload" });
 * const { accessToken } = await client.getResourceOauth2Token({
 *   workloadIdentityToken: workloadAccessToken,
 *   resourceCredentialProviderName: "demo-m2m-provider",
 *   scopes: ["read"],
 *   oauth2Flow: "M2M",
 * });
 * ```
 */
export declare class AgentCoreIdentityClient {
  constructor(config: ClientConfig);
  /**
   * [GetResourceOauth2Token](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetResourceOauth2Token.html):
   * an OAuth 2.0 access token from the token vault, or an authorization URL for the user (RFC 6749
   * §4.1 authorization code; §4.4 client credentials for `M2M`).
   */
  getResourceOauth2Token(
    input: GetResourceOauth2TokenInput,
    options?: CallOptions,
  ): Promise<GetResourceOauth2TokenOutput>;
  /**
   * [CompleteResourceTokenAuth](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_CompleteResourceTokenAuth.html):
   * binds an authorized user-federation session to the user who started it.
   */
  completeResourceTokenAuth(
    input: CompleteResourceTokenAuthInput,
    options?: CallOptions,
  ): Promise<CompleteResourceTokenAuthOutput>;
  /** [GetWorkloadAccessToken](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetWorkloadAccessToken.html): a token for the workload alone. */
  getWorkloadAccessToken(
    input: GetWorkloadAccessTokenInput,
    options?: CallOptions,
  ): Promise<GetWorkloadAccessTokenOutput>;
  /** [GetWorkloadAccessTokenForJWT](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetWorkloadAccessTokenForJWT.html): a token for the workload acting for the JWT's user. */
  getWorkloadAccessTokenForJWT(
    input: GetWorkloadAccessTokenForJWTInput,
    options?: CallOptions,
  ): Promise<GetWorkloadAccessTokenOutput>;
  /** [GetWorkloadAccessTokenForUserId](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetWorkloadAccessTokenForUserId.html): a token for the workload acting for a user id. */
  getWorkloadAccessTokenForUserId(
    input: GetWorkloadAccessTokenForUserIdInput,
    options?: CallOptions,
  ): Promise<GetWorkloadAccessTokenOutput>;
  /**
   * Gets a token, running the user authorization (RFC 6749 §4.1) if the vault has none: on an
   * authorization URL it calls `onAuthorizationUrl`, then polls `GetResourceOauth2Token` with the
   * same input plus `sessionUri` (without `forceAuthentication`) every `pollIntervalMs`, backing off
   * when throttled. Rejects with {@link AuthorizationFlowError} at once when the session is
   * `FAILED` or the time is up, and with the signal's reason on abort.
   *
   * The session completes only when your callback route binds it: the user's consent alone is not
   * enough. The route must run {@link handleOauth2Callback} with `client` and `userIdentifier` (or
   * call {@link AgentCoreIdentityClient.completeResourceTokenAuth}); until it does, the polls get no
   * token and the flow ends with the `timeout` error.
   */
  getResourceOauth2TokenOrAuthorize(
    input: GetResourceOauth2TokenInput,
    options?: AuthorizeOptions,
  ): Promise<GetResourceOauth2TokenOutput>;
  /** [GetResourceApiKey](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetResourceApiKey.html): an API key from the token vault. */
  getResourceApiKey(input: GetResourceApiKeyInput, options?: CallOptions): Promise<GetResourceApiKeyOutput>;
  /**
   * [GetResourcePaymentToken](https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_GetResourcePaymentToken.html):
   * a payment provider's token (Coinbase CDP or Stripe Privy) from the token vault.
   */
  getResourcePaymentToken(input: GetResourcePaymentTokenInput, options?: CallOptions): Promise<GetResourcePaymentTokenOutput>;
}

/** `GetResourceOauth2Token` with a one-off client: `config` is a {@link ClientConfig} plus a `signal`. */
export declare function getResourceOauth2Token(
  input: GetResourceOauth2TokenInput,
  config: ClientConfig & CallOptions,
): Promise<GetResourceOauth2TokenOutput>;

/** One violated model constraint. */
export interface ValidationIssue {
  /** The field: `scopes[1]`, `customParameters["bad key!"]`, `userIdentifier.userId`, or `""`. */
  path: string;
  /** What is wrong; never the value. */
  message: string;
}

/** Input refused before any network call; `message` names every bad field. */
export declare class ParamValidationError extends Error {
  constructor(props: { message: string; issues: ValidationIssue[] });
  /** Always `"ParamValidationError"`. */
  readonly name: "ParamValidationError";
  /** Every violation, in model order. */
  issues: ValidationIssue[];
}

/** Properties of a service error (the wasm core fills them from the reply). */
export interface ServiceErrorProps {
  /** The service's error code. */
  name: string;
  /** The service's message. */
  message: string;
  /** Reply metadata. */
  $metadata: ResponseMetadata;
  /** Whose fault. */
  $fault: "client" | "server";
  /** Set when retryable. */
  $retryable?: RetryableTrait;
  /** `ValidationException.reason`. */
  reason?: string;
  /** `ValidationException.fieldList`. */
  fieldList?: ValidationExceptionField[];
}

/**
 * An error reply from the service. `name` is the service's error code exactly, also for codes the
 * model does not declare (such as `ExpiredTokenException`), which use this base class.
 */
export declare class AgentCoreServiceException extends Error {
  constructor(props: ServiceErrorProps);
  /** Whose fault: the model's for declared errors, else `server` for 5xx. */
  $fault: "client" | "server";
  /** Reply metadata. */
  $metadata: ResponseMetadata;
  /** Set when the error is retryable; `throttling` for throttling errors. */
  $retryable?: RetryableTrait;
}

/** `ValidationException` (HTTP 400). */
export declare class ValidationException extends AgentCoreServiceException {
  /** `CannotParse`, `FieldValidationFailed`, ... */
  reason?: string;
  /** The fields the service refused. */
  fieldList?: ValidationExceptionField[];
}
/** `AccessDeniedException` (HTTP 403). */
export declare class AccessDeniedException extends AgentCoreServiceException {}
/** `ResourceNotFoundException` (HTTP 404). */
export declare class ResourceNotFoundException extends AgentCoreServiceException {}
/** `ThrottlingException` (HTTP 429). */
export declare class ThrottlingException extends AgentCoreServiceException {}
/** `UnauthorizedException` (HTTP 401). */
export declare class UnauthorizedException extends AgentCoreServiceException {}
/** `InternalServerException` (HTTP 500). */
export declare class InternalServerException extends AgentCoreServiceException {}

/** Properties of the package's local errors. */
export interface LocalErrorProps {
  /** What happened, without secrets. */
  message: string;
  /** Reply metadata, when there were attempts. */
  $metadata?: ResponseMetadata;
  /** The underlying error (the host's `fetch` error, the provider's error). */
  cause?: unknown;
}

/** No reply (connection refused, DNS, reset), on every attempt. `cause` is the host's error. */
export declare class NetworkError extends Error {
  constructor(props: LocalErrorProps);
  /** Always `"NetworkError"`. */
  readonly name: "NetworkError";
  /** Metadata of the last attempt. */
  $metadata?: ResponseMetadata;
}
/** No reply within `requestTimeoutMs`, on every attempt. */
export declare class RequestTimeoutError extends Error {
  constructor(props: LocalErrorProps);
  /** Always `"RequestTimeoutError"`. */
  readonly name: "RequestTimeoutError";
  /** Metadata of the last attempt. */
  $metadata?: ResponseMetadata;
}
/** A 2xx reply whose body is not what the model says (HTML, truncated JSON, over 1 MiB). */
export declare class ResponseError extends Error {
  constructor(props: LocalErrorProps);
  /** Always `"ResponseError"`. */
  readonly name: "ResponseError";
  /** Metadata of the reply. */
  $metadata?: ResponseMetadata;
}
/** An unusable client configuration. */
export declare class ConfigurationError extends Error {
  constructor(props: LocalErrorProps);
  /** Always `"ConfigurationError"`. */
  readonly name: "ConfigurationError";
}
/**
 * The credentials provider threw, rejected or returned something unusable (`cause` says what), or
 * did not answer within the client's `requestTimeoutMs`.
 */
export declare class CredentialsProviderError extends Error {
  constructor(props: LocalErrorProps);
  /** Always `"CredentialsProviderError"`. */
  readonly name: "CredentialsProviderError";
}

/** Options of {@link AgentCoreIdentityClient.getResourceOauth2TokenOrAuthorize}. */
export interface AuthorizeOptions extends CallOptions {
  /** Sends the user to `url` (a redirect, a link, a popup). Required when authorization is needed. */
  onAuthorizationUrl?: (url: string, info: { sessionUri: string }) => void | Promise<void>;
  /** Time between polls: a whole number of ms from 10 to 600000. Default 5000 ms; doubled after throttling, up to 60 s (or this interval, when longer). */
  pollIntervalMs?: number;
  /**
   * Give up after this long, with `AuthorizationFlowError` `timeout`: a whole number of ms from 1 to 86400000. Default
   * 600000 ms (the service's session lifetime). Every wait ends at it, the credentials provider's and each request's
   * included, whatever the client's `requestTimeoutMs`: the request's `fetch` sees its signal abort.
   */
  timeoutMs?: number;
}

/** Why a user-federation flow stopped. */
export type AuthorizationFlowErrorCode = "session_failed" | "timeout" | "no_session" | "no_handler";

/** A user-federation flow that cannot complete: the session `FAILED`, or the wait timed out. */
export declare class AuthorizationFlowError extends Error {
  constructor(props: { code: AuthorizationFlowErrorCode; message: string; sessionUri?: string });
  /** Always `"AuthorizationFlowError"`. */
  readonly name: "AuthorizationFlowError";
  /** Why the flow stopped. */
  code: AuthorizationFlowErrorCode;
  /** The session concerned. */
  sessionUri?: string;
}

/** Options of {@link createCustomState}. */
export interface CreateCustomStateOptions {
  /** The app's state secret: at least 32 bytes (a string counts its UTF-8 bytes), kept server-side (a Worker secret). */
  secret: string | Uint8Array | ArrayBuffer;
  /** Lifetime: a whole number of seconds from 1 to one year. Default 600 s, the service's session lifetime. */
  ttlSeconds?: number;
  /**
   * What the state is bound to, e.g. the user id or the browser session id; not readable from the
   * state. A well-formed, non-empty string (its UTF-8 bytes) or bytes; anything else, "" too, is refused. Default: none.
   */
  binding?: string | Uint8Array | ArrayBuffer;
  /** The current time in ms since the epoch (for tests): a positive, finite number. Default `Date.now()`. */
  now?: number;
}

/**
 * Makes a `customState` (RFC 6749 §10.12 CSRF protection, RFC 9700 §4.7) that a stateless worker can
 * verify: a random nonce, an expiry and an HMAC-SHA256 over them and the binding, 76 characters of
 * `[A-Za-z0-9_-]`.
 *
 * @example
 * ```js
 * // Bound to the signed-in user; handleOauth2Callback checks it with the same secret and binding.
 * const customState = await createCustomState({ secret: env.STATE_SECRET, binding: userId });
 * const out = await client.getResourceOauth2Token({ ...input, resourceOauth2ReturnUrl, customState });
 * ```
 */
export declare function createCustomState(options: CreateCustomStateOptions): Promise<string>;

/**
 * A single-use store for callback states. Only a `true` answer accepts a callback: a rejection, a
 * throw or any non-boolean answer refuses it with {@link CallbackError} `state_store_unavailable`.
 */
export interface StateStore {
  /**
   * Records `nonce` until `expiresAtMs`; resolves true the first time, false if seen before. The
   * package's stores keep it 5 minutes past `expiresAtMs` (the clock-skew allowance), so that an
   * instance whose clock is behind, and so still takes the state as unexpired, finds it used; yours
   * should too.
   */
  consume(nonce: string, expiresAtMs: number): boolean | Promise<boolean>;
}

/** The default single-use store: this isolate's memory, with expiry. Not shared between instances. */
export declare class InMemoryStateStore implements StateStore {
  consume(nonce: string, expiresAtMs: number): Promise<boolean>;
}

export { RedisStateStore, type RedisStateStoreOptions } from "./redis.js";

/**
 * Options of {@link handleOauth2Callback}. `stateSecret`, `expectedState`, or both, are required;
 * when both are given, both are checked.
 */
export interface HandleOauth2CallbackOptions {
  /** Verify a state made by {@link createCustomState} with this secret (at least 32 bytes). */
  stateSecret?: string | Uint8Array | ArrayBuffer;
  /**
   * The binding the state was made with (as in {@link CreateCustomStateOptions.binding}). Default:
   * none. Only with `stateSecret`: a stored `expectedState` carries no binding, so a `binding`
   * given with `expectedState` alone is refused (`ConfigurationError`).
   */
  binding?: string | Uint8Array | ArrayBuffer;
  /** The exact state the app stored, compared in constant time: at least 22 characters (128 bits in base64url). */
  expectedState?: string;
  /**
   * When the stored `expectedState` was issued (ms since the epoch). Required with `expectedState`
   * alone: the state is accepted until `expectedStateIssuedAt + ttlSeconds`, and its single-use
   * entry lives until then.
   */
  expectedStateIssuedAt?: number;
  /** Lifetime of a stored state, in whole seconds. Default 600. */
  ttlSeconds?: number;
  /** Single-use store. Default: an {@link InMemoryStateStore} shared by the isolate. */
  stateStore?: StateStore;
  /**
   * How long the store may take to answer `consume`, in milliseconds (an integer from 1 to
   * 600000); after it the callback is refused (`state_store_unavailable`). Default 30000.
   */
  stateStoreTimeoutMs?: number;
  /**
   * With `userIdentifier` (both or neither): completes the session (`CompleteResourceTokenAuth`)
   * before returning.
   */
  client?: AgentCoreIdentityClient;
  /** The user who started the flow, to bind the session to (with `client`). */
  userIdentifier?: UserIdentifier;
  /** The current time in ms since the epoch (for tests): a positive, finite number. Default `Date.now()`. */
  now?: number;
  /** Aborts the session binding. */
  signal?: AbortSignal;
}

/** What a verified callback gives. */
export interface Oauth2CallbackResult {
  /** The session (`urn:ietf:params:oauth:request_uri:...`). */
  sessionUri: string;
  /** The verified state. */
  customState: string;
  /** Whether `CompleteResourceTokenAuth` was called and succeeded. */
  completed: boolean;
}

/**
 * Verifies the redirect callback of a user-federation flow, in a fixed order (as oauth4webapi's
 * `validateAuthResponse`): size (16 KiB, 16 parameters) and duplicated parameters, the
 * expectation, `state` present, `state` valid (MAC, expiry, binding, and/or constant-time equality
 * with the stored state) and unused, only then `error`, then `session_id`; then binds the session
 * to the user if a client is given. Rejects with {@link CallbackError}, or
 * {@link ConfigurationError} for a wrong option (checked before anything is consumed).
 *
 * @example The callback route of a Worker (the state made by {@link createCustomState} with the same secret and binding)
 * ```ts
 * import { CallbackError, handleOauth2Callback } from "agentcore-identity-edge";
 *
 * try {
 *   const { sessionUri } = await handleOauth2Callback(request, {
 *     stateSecret: env.STATE_SECRET,
 *     binding: userId,
 *     client,
 *     userIdentifier: { userId },
 *   });
 *   // The session is bound to the user: ask for the token again with this sessionUri.
 * } catch (e) {
 *   if (e instanceof CallbackError) return new Response(`refused: ${e.code}`, { status: 400 });
 *   throw e;
 * }
 * ```
 */
export declare function handleOauth2Callback(
  input: URL | Request | URLSearchParams | string,
  options: HandleOauth2CallbackOptions,
): Promise<Oauth2CallbackResult>;

/** Why a callback was refused. */
export type CallbackErrorCode =
  | "query_too_large"
  | "parameter_duplicated"
  | "expectation_missing"
  | "state_missing"
  | "state_mismatch"
  | "state_expired"
  | "state_replayed"
  | "session_id_missing"
  | "session_id_invalid"
  | "state_store_unavailable"
  | "authorization_denied";

/** A refused callback. The message never contains the state, the secret or the session. */
export declare class CallbackError extends Error {
  constructor(props: { code: CallbackErrorCode; message: string; cause?: unknown; error?: string; errorDescription?: string });
  /** Always `"CallbackError"`. */
  readonly name: "CallbackError";
  /** Why the callback was refused. */
  code: CallbackErrorCode;
  /** The authorization server's `error`, for `authorization_denied`. */
  error?: string;
  /** Its `error_description`. */
  errorDescription?: string;
}

/** Options of {@link authorizeInPopup}. */
export interface AuthorizeInPopupOptions {
  /** The origin of the callback page (`https://app.example.com`: no path, no trailing slash; `http:` on a loopback host only); messages from any other origin are ignored. */
  callbackOrigin: string;
  /** Give up after this long: an integer from 1 to 2147483647. Default 600000 ms. */
  timeoutMs?: number;
  /** Closes the popup and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** `window.open` features, without `noopener` or `noreferrer`. Default `popup,width=520,height=720`. */
  features?: string;
  /**
   * A window the app opened itself in the click handler (`window.open("", ...)`), navigated to the
   * authorization URL: popup blockers allow it even when the URL arrives after an await.
   */
  popup?: Window;
}

/**
 * Browser only: opens the consent page in a popup (a window with a fresh random name per flow);
 * resolves with the callback's query parameters, posted back by the callback page with
 * {@link postCallbackToOpener}. The authorization URL must be `https:` (or `http:` on localhost,
 * 127.0.0.0/8 or [::1]) without credentials; anything else rejects with {@link PopupError}
 * `url_refused` before any window is opened or navigated. Rejects with {@link PopupError} if the
 * popup is blocked, closed or times out, and with {@link ConfigurationError} for a wrong option.
 */
export declare function authorizeInPopup(authorizationUrl: string, options: AuthorizeInPopupOptions): Promise<URLSearchParams>;

/**
 * Browser only, on the callback page: posts the page's query to `window.opener` (only to
 * `targetOrigin`, an https origin or `http:` on a loopback host, default the page's origin as it
 * is; `"*"` is refused) and closes the
 * popup. False when there is no opener. Throws {@link ConfigurationError} for a wrong option.
 */
export declare function postCallbackToOpener(options?: { targetOrigin?: string; close?: boolean }): boolean;

/** Why the popup flow failed. */
export type PopupErrorCode = "popup_blocked" | "popup_closed" | "timeout" | "url_refused";

/** The consent popup was blocked, closed, or timed out, or its URL was refused. */
export declare class PopupError extends Error {
  constructor(props: { code: PopupErrorCode; message: string });
  /** Always `"PopupError"`. */
  readonly name: "PopupError";
  /** Why the popup flow failed. */
  code: PopupErrorCode;
}

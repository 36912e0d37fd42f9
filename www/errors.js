// The package's error classes. The wasm core decides what went wrong and calls `makeError`; these
// classes make the result a real `Error` with a stable `name`, so `instanceof`, `stack` and `cause`
// work as users expect. No message ever carries a secret or a token.

/**
 * Input that breaks the service model, refused before any network call.
 * `issues` lists every violation with its path (`scopes[1]`, `customParameters["bad key!"]`).
 */
export class ParamValidationError extends Error {
  /** @param {{ message: string, issues: { path: string, message: string }[] }} props */
  constructor(props) {
    super(props.message);
    this.name = "ParamValidationError";
    /** @type {{ path: string, message: string }[]} */
    this.issues = props.issues;
  }
}

/**
 * @typedef {object} ResponseMetadata
 * @property {number | undefined} httpStatusCode
 * @property {string | undefined} requestId
 * @property {number} attempts
 * @property {number} totalRetryDelay
 */

/**
 * @typedef {object} ServiceErrorProps
 * @property {string} name
 * @property {string} message
 * @property {ResponseMetadata} $metadata
 * @property {"client" | "server"} $fault
 * @property {{ throttling: boolean } | undefined} [$retryable]
 * @property {string} [reason]
 * @property {{ name: string, message: string }[]} [fieldList]
 */

/** An error reply from the service. `name` is the service's error code, even when not modeled. */
export class AgentCoreServiceException extends Error {
  /** @param {ServiceErrorProps} props */
  constructor(props) {
    super(props.message);
    this.name = props.name;
    /** @type {"client" | "server"} */
    this.$fault = props.$fault;
    /** @type {ResponseMetadata} */
    this.$metadata = props.$metadata;
    /** @type {{ throttling: boolean } | undefined} */
    this.$retryable = props.$retryable;
  }
}

/** `ValidationException` (HTTP 400): the service refused the input. */
export class ValidationException extends AgentCoreServiceException {
  /** @param {ServiceErrorProps} props */
  constructor(props) {
    super(props);
    /** @type {string | undefined} */
    this.reason = props.reason;
    /** @type {{ name: string, message: string }[] | undefined} */
    this.fieldList = props.fieldList;
  }
}

/** `AccessDeniedException` (HTTP 403). */
export class AccessDeniedException extends AgentCoreServiceException {}
/** `ResourceNotFoundException` (HTTP 404). */
export class ResourceNotFoundException extends AgentCoreServiceException {}
/** `ThrottlingException` (HTTP 429). */
export class ThrottlingException extends AgentCoreServiceException {}
/** `UnauthorizedException` (HTTP 401). */
export class UnauthorizedException extends AgentCoreServiceException {}
/** `InternalServerException` (HTTP 500). */
export class InternalServerException extends AgentCoreServiceException {}

/** @typedef {{ message: string, $metadata?: ResponseMetadata, cause?: unknown }} LocalErrorProps */

class LocalError extends Error {
  /** @param {string} name @param {LocalErrorProps} props */
  constructor(name, props) {
    super(props.message, props.cause === undefined ? undefined : { cause: props.cause });
    this.name = name;
    if (props.$metadata) {
      /** @type {ResponseMetadata | undefined} */
      this.$metadata = props.$metadata;
    }
  }
}

/** The request never got a reply (connection refused, DNS, reset). `cause` is the host's error. */
export class NetworkError extends LocalError {
  /** @param {LocalErrorProps} props */
  constructor(props) {
    super("NetworkError", props);
  }
}

/** No reply within `requestTimeoutMs`, on every attempt. */
export class RequestTimeoutError extends LocalError {
  /** @param {LocalErrorProps} props */
  constructor(props) {
    super("RequestTimeoutError", props);
  }
}

/** A 2xx reply whose body is not what the model says (HTML, truncated JSON, too large). */
export class ResponseError extends LocalError {
  /** @param {LocalErrorProps} props */
  constructor(props) {
    super("ResponseError", props);
  }
}

/** The client configuration is unusable (missing region, FIPS with a custom endpoint, ...). */
export class ConfigurationError extends LocalError {
  /** @param {LocalErrorProps} props */
  constructor(props) {
    super("ConfigurationError", props);
  }
}

/** The credentials provider threw, rejected or returned something unusable. */
export class CredentialsProviderError extends LocalError {
  /** @param {LocalErrorProps} props */
  constructor(props) {
    super("CredentialsProviderError", props);
  }
}

const SERVICE_CLASSES = {
  ValidationException,
  AccessDeniedException,
  ResourceNotFoundException,
  ThrottlingException,
  UnauthorizedException,
  InternalServerException,
};

/**
 * Called by the wasm core to build a public error.
 * @param {string} kind
 * @param {any} props
 * @returns {Error}
 */
export function makeError(kind, props) {
  if (kind === "service") {
    const Class = Object.hasOwn(SERVICE_CLASSES, props.name)
      ? SERVICE_CLASSES[/** @type {keyof typeof SERVICE_CLASSES} */ (props.name)]
      : AgentCoreServiceException;
    return new Class(props);
  }
  const Class = Object.hasOwn(LOCAL_CLASSES, kind)
    ? LOCAL_CLASSES[/** @type {keyof typeof LOCAL_CLASSES} */ (kind)]
    : ResponseError;
  return new Class(props);
}

/**
 * @typedef {"query_too_large" | "parameter_duplicated" | "expectation_missing" | "state_missing" | "state_mismatch"
 *   | "state_expired" | "state_replayed" | "session_id_missing" | "session_id_invalid"
 *   | "state_store_unavailable" | "authorization_denied"} CallbackErrorCode
 */

/**
 * An error with a stable `code`.
 * @template {string} Code
 */
class CodedError extends Error {
  /** @param {string} name @param {{ code: Code, message: string, cause?: unknown }} props */
  constructor(name, props) {
    super(props.message, props.cause === undefined ? undefined : { cause: props.cause });
    this.name = name;
    /** @type {Code} */
    this.code = props.code;
  }
}

/**
 * A refused OAuth 2.0 redirect callback. `code` says why; the message never holds the state.
 * @extends {CodedError<CallbackErrorCode>}
 */
export class CallbackError extends CodedError {
  /** @param {{ code: CallbackErrorCode, message: string, cause?: unknown, error?: string, errorDescription?: string }} props */
  constructor(props) {
    super("CallbackError", props);
    if (props.error !== undefined) {
      /** @type {string | undefined} The authorization server's `error` (for `authorization_denied`). */
      this.error = props.error;
      /** @type {string | undefined} Its `error_description`. */
      this.errorDescription = props.errorDescription;
    }
  }
}

/** @typedef {"session_failed" | "timeout" | "no_session" | "no_handler"} AuthorizationFlowErrorCode */

/**
 * A user-federation flow that cannot complete: the session FAILED, or the wait timed out.
 * @extends {CodedError<AuthorizationFlowErrorCode>}
 */
export class AuthorizationFlowError extends CodedError {
  /** @param {{ code: AuthorizationFlowErrorCode, message: string, sessionUri?: string }} props */
  constructor(props) {
    super("AuthorizationFlowError", props);
    /** @type {string | undefined} */
    this.sessionUri = props.sessionUri;
  }
}

/** @typedef {"popup_blocked" | "popup_closed" | "timeout" | "url_refused"} PopupErrorCode */

/**
 * The consent popup could not be opened, was closed, or timed out, or its URL was refused.
 * @extends {CodedError<PopupErrorCode>}
 */
export class PopupError extends CodedError {
  /** @param {{ code: PopupErrorCode, message: string }} props */
  constructor(props) {
    super("PopupError", props);
  }
}

/**
 * Whether `e` is one of this package's errors (as opposed to a raw exception from a getter, a proxy
 * or the host).
 * @param {unknown} e
 */
export function isPackageError(e) {
  return e instanceof ParamValidationError || e instanceof AgentCoreServiceException || e instanceof LocalError || e instanceof CodedError;
}

/** The other kinds' classes (read by makeError when it runs, after every class is defined). */
const LOCAL_CLASSES = {
  network: NetworkError,
  timeout: RequestTimeoutError,
  response: ResponseError,
  configuration: ConfigurationError,
  credentials: CredentialsProviderError,
  validation: ParamValidationError,
  callback: CallbackError,
  flow: AuthorizationFlowError,
  popup: PopupError,
};

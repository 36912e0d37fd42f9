//! Which failures the standard strategy retries: the SDK's error classes and code lists
//! (`service-error-classification/`), applied to a service error reply or a host failure.

use serde::Deserialize;

use super::{BASE_DELAY_MS, RETRY_COST, THROTTLING_BASE_DELAY_MS, THROTTLING_RETRY_COST};

/// `THROTTLING_ERROR_CODES` (`service-error-classification/constants.js`).
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "LimitExceededException",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "TransactionInProgressException",
];

/// `TRANSIENT_ERROR_CODES`.
pub const TRANSIENT_ERROR_CODES: &[&str] =
    &["TimeoutError", "RequestTimeout", "RequestTimeoutException"];

/// `TRANSIENT_ERROR_STATUS_CODES`.
pub const TRANSIENT_ERROR_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// `NODEJS_TIMEOUT_ERROR_CODES` and `NODEJS_NETWORK_ERROR_CODES`: an error `code` anywhere in the
/// cause chain that makes it transient.
pub const NODEJS_TRANSIENT_ERROR_CODES: &[&str] = &[
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
];

/// The same failures as [`NODEJS_TRANSIENT_ERROR_CODES`], as `fetch` reports them where the SDK's
/// Node handler sees raw socket errors: undici (Node's `fetch`) wraps a reset or refused socket in
/// a `TypeError("fetch failed")` whose `cause` carries these codes. Not in the SDK, whose Node
/// handler does not use `fetch`; read here so that a reset is retried as the SDK retries it.
pub const FETCH_TRANSIENT_ERROR_CODES: &[&str] = &[
    "UND_ERR_SOCKET",
    "UND_ERR_CLOSED",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
];

/// `fetch`'s network-failure messages outside browsers: workerd's lost connection. Not in the
/// SDK (see [`FETCH_TRANSIENT_ERROR_CODES`]).
pub const FETCH_NETWORK_ERROR_MESSAGES: &[&str] = &["Network connection lost."];

/// The messages of the `TypeError`s that browsers' `fetch` rejects with on a network failure
/// (`isBrowserNetworkError`).
pub const BROWSER_NETWORK_ERROR_MESSAGES: &[&str] = &[
    "Failed to fetch",
    "NetworkError when attempting to fetch resource",
    "The Internet connection appears to be offline",
    "Load failed",
    "Network request failed",
];

/// The SDK's `RetryErrorType` of a failed attempt (`getRetryErrorType` in
/// `middleware-retry/retryMiddleware.js`), checked in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// `THROTTLING`: HTTP 429, a throttling code, or `$retryable.throttling`. Retried.
    Throttling,
    /// `TRANSIENT`: HTTP 500/502/503/504, a transient code, a network error, a timeout, an expired
    /// signature, or an error reply that corrected the clock. Retried.
    Transient,
    /// `SERVER_ERROR`: any other 5xx. Not retried.
    ServerError,
    /// `CLIENT_ERROR`: everything else. Not retried.
    ClientError,
}

impl ErrorClass {
    /// Whether the standard strategy retries this class (`isRetryableError`).
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorClass::Throttling | ErrorClass::Transient)
    }

    /// The quota cost of retrying it (`getCapacityCost`).
    pub fn retry_cost(self) -> u32 {
        if self == ErrorClass::Throttling {
            THROTTLING_RETRY_COST
        } else {
            RETRY_COST
        }
    }

    /// The backoff base (`setDelayBase`).
    pub fn base_delay_ms(self) -> u64 {
        if self == ErrorClass::Throttling {
            THROTTLING_BASE_DELAY_MS
        } else {
            BASE_DELAY_MS
        }
    }
}

/// What the classification reads from a service error: the error's `name` (its code), its
/// `$metadata.httpStatusCode`, its `message`, `$metadata.clockSkewCorrected` and `$retryable`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceErrorFacts<'a> {
    /// The error code (`name`), as `crate::error_code` finds it.
    pub code: &'a str,
    /// The HTTP status.
    pub status: u16,
    /// The error's message.
    pub message: &'a str,
    /// The reply corrected the clock ([`is_clock_skew_corrected`](super::is_clock_skew_corrected)).
    pub clock_skew_corrected: bool,
    /// The modeled error's `$retryable` trait: `Some(throttling)` when it has one. No error of the
    /// Identity operations has it.
    pub retryable_trait: Option<bool>,
}

/// Classifies an error reply by code and status alone (no clock correction, no message).
pub fn classify(code: &str, status: u16) -> ErrorClass {
    classify_service_error(&ServiceErrorFacts {
        code,
        status,
        ..ServiceErrorFacts::default()
    })
}

/// Classifies an error reply as `getRetryErrorType` does.
///
/// `isThrottlingError`: status 429, a throttling code, or `$retryable.throttling`. Then
/// `isTransientError`: never for the name `AbortError`; else a `$retryable` trait, a
/// clock-skew-corrected reply, `InvalidSignatureException` whose message contains
/// `Signature expired`, a transient code, or status 500/502/503/504. Then `isServerError`: any
/// other 5xx.
pub fn classify_service_error(e: &ServiceErrorFacts<'_>) -> ErrorClass {
    if e.status == 429
        || THROTTLING_ERROR_CODES.contains(&e.code)
        || e.retryable_trait == Some(true)
    {
        return ErrorClass::Throttling;
    }
    let transient = e.code != "AbortError"
        && (e.retryable_trait.is_some()
            || e.clock_skew_corrected
            || (e.code == "InvalidSignatureException"
                && crate::text::contains(e.message, "Signature expired"))
            || TRANSIENT_ERROR_CODES.contains(&e.code)
            || TRANSIENT_ERROR_STATUS_CODES.contains(&e.status));
    if transient {
        ErrorClass::Transient
    } else if (500..=599).contains(&e.status) {
        ErrorClass::ServerError
    } else {
        ErrorClass::ClientError
    }
}

/// One error of a host failure's `cause` chain (a rejected `fetch`, a timeout, ...), as the host
/// read it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostError {
    /// The error's `name` (`TypeError`, `TimeoutError`, `AbortError`, ...).
    #[serde(default)]
    pub name: String,
    /// The error's `message`.
    #[serde(default)]
    pub message: String,
    /// The error's `code` property, if a string (Node's `ECONNRESET`, ...).
    #[serde(default)]
    pub code: Option<String>,
    /// `error instanceof TypeError`.
    #[serde(default)]
    pub is_type_error: bool,
}

/// How deep `isTransientError` follows `cause` (`depth <= 10`: the error and 11 causes).
const MAX_CAUSE_DEPTH: usize = 11;

/// Classifies a failure without a reply: `chain[0]` is the error, `chain[1]` its `cause`, and so
/// on. A per-attempt timeout is the SDK handler's `TimeoutError`; a caller's abort is an
/// `AbortError` and is never retried.
pub fn classify_host_error(chain: &[HostError]) -> ErrorClass {
    let Some(top) = chain.first() else {
        return ErrorClass::ClientError;
    };
    if THROTTLING_ERROR_CODES.contains(&top.name.as_str()) {
        return ErrorClass::Throttling;
    }
    let transient_here = |e: &HostError| {
        let (name, message, code) = (e.name.as_str(), e.message.as_str(), e.code.as_deref());
        TRANSIENT_ERROR_CODES.contains(&name)
            || code.is_some_and(|c| {
                NODEJS_TRANSIENT_ERROR_CODES.contains(&c)
                    || FETCH_TRANSIENT_ERROR_CODES.contains(&c)
            })
            || (e.is_type_error
                && (BROWSER_NETWORK_ERROR_MESSAGES.contains(&message)
                    || FETCH_NETWORK_ERROR_MESSAGES.contains(&message)))
            || (code == Some("ERR_HTTP2_STREAM_ERROR")
                && crate::text::contains(message, "NGHTTP2_REFUSED_STREAM"))
    };
    for e in chain.iter().take(MAX_CAUSE_DEPTH) {
        if e.name == "AbortError" {
            break;
        }
        if transient_here(e) {
            return ErrorClass::Transient;
        }
    }
    ErrorClass::ClientError
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::tests::{facts, sdk_vectors};

    #[test]
    fn classification_agrees_with_the_sdk() {
        let v = sdk_vectors();
        for c in v["classification"].as_array().unwrap() {
            let e = ServiceErrorFacts {
                code: c["name"].as_str().unwrap(),
                status: c["status"].as_u64().unwrap() as u16,
                message: c["message"].as_str().unwrap(),
                clock_skew_corrected: c["clockSkewCorrected"].as_bool().unwrap(),
                retryable_trait: None,
            };
            let want = match c["type"].as_str().unwrap() {
                "THROTTLING" => ErrorClass::Throttling,
                "TRANSIENT" => ErrorClass::Transient,
                "SERVER_ERROR" => ErrorClass::ServerError,
                _ => ErrorClass::ClientError,
            };
            assert_eq!(classify_service_error(&e), want, "{c}");
        }
    }

    #[test]
    fn classifies_like_get_retry_error_type() {
        use ErrorClass::*;
        assert_eq!(classify("ThrottlingException", 429), Throttling);
        assert_eq!(classify("Unknown", 429), Throttling);
        assert_eq!(classify("SlowDown", 503), Throttling);
        assert_eq!(classify("InternalServerException", 500), Transient);
        assert_eq!(classify("Unknown", 502), Transient);
        assert_eq!(classify("Unknown", 504), Transient);
        assert_eq!(classify("RequestTimeoutException", 400), Transient);
        // No longer transient codes in this version: only their status makes them so.
        assert_eq!(classify("InternalError", 400), ClientError);
        assert_eq!(classify("ServiceUnavailable", 400), ClientError);
        assert_eq!(classify("Unknown", 501), ServerError);
        assert_eq!(classify("Unknown", 599), ServerError);
        assert_eq!(classify("ValidationException", 400), ClientError);
        assert_eq!(classify("AccessDeniedException", 403), ClientError);
        // Clock-skew codes are not retried for their code.
        assert_eq!(classify("InvalidSignatureException", 403), ClientError);
        assert_eq!(classify("RequestTimeTooSkewed", 403), ClientError);
        // An AbortError name is never transient, whatever the status.
        assert_eq!(classify("AbortError", 503), ServerError);
    }

    #[test]
    fn signature_expired_and_clock_correction_are_transient() {
        let mut e = facts("InvalidSignatureException", 403);
        e.message = "Signature expired: 20150830T123600Z is now earlier than ...";
        assert_eq!(classify_service_error(&e), ErrorClass::Transient);
        e.message = "signature expired";
        assert_eq!(classify_service_error(&e), ErrorClass::ClientError);
        let mut e = facts("ValidationException", 400);
        e.clock_skew_corrected = true;
        assert_eq!(classify_service_error(&e), ErrorClass::Transient);
        let mut e = facts("ValidationException", 400);
        e.retryable_trait = Some(false);
        assert_eq!(classify_service_error(&e), ErrorClass::Transient);
        e.retryable_trait = Some(true);
        assert_eq!(classify_service_error(&e), ErrorClass::Throttling);
    }

    #[test]
    fn classifies_host_failures() {
        let error = |name: &str, message: &str, code: Option<&str>, is_type_error| HostError {
            name: name.into(),
            message: message.into(),
            code: code.map(Into::into),
            is_type_error,
        };
        let fetch = |message| error("TypeError", message, None, true);
        assert_eq!(
            classify_host_error(&[fetch("Failed to fetch")]),
            ErrorClass::Transient
        );
        assert_eq!(
            classify_host_error(&[fetch("Load failed")]),
            ErrorClass::Transient
        );
        assert_eq!(
            classify_host_error(&[fetch("fetch failed")]),
            ErrorClass::ClientError
        );
        // Node's fetch: the code is on the cause.
        let cause = error(
            "Error",
            "connect ECONNREFUSED 127.0.0.1:1",
            Some("ECONNREFUSED"),
            false,
        );
        assert_eq!(
            classify_host_error(&[fetch("fetch failed"), cause.clone()]),
            ErrorClass::Transient
        );
        let timeout = error("TimeoutError", "", None, false);
        assert_eq!(
            classify_host_error(std::slice::from_ref(&timeout)),
            ErrorClass::Transient
        );
        let abort = error("AbortError", "", None, false);
        assert_eq!(
            classify_host_error(&[abort, timeout]),
            ErrorClass::ClientError
        );
        assert_eq!(classify_host_error(&[]), ErrorClass::ClientError);
        // Causes are followed to depth 10 only.
        let mut chain = vec![HostError::default(); 11];
        chain.push(cause);
        assert_eq!(classify_host_error(&chain), ErrorClass::ClientError);
        chain.remove(0);
        assert_eq!(classify_host_error(&chain), ErrorClass::Transient);
    }
}

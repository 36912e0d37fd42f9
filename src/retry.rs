//! The AWS SDK for JavaScript v3's "standard" retry mode, without a clock or a random source:
//! both are passed in.
//!
//! It follows `@smithy/core` 3.41.1, the version `@aws-sdk/client-bedrock-agentcore` 3.1141.0
//! resolves to, which uses the 2026 retry settings (`Retry.v2026`):
//!
//! - `submodules/retry/util-retry/StandardRetryStrategy.js`: a retry needs a retryable error
//!   (`THROTTLING` or `TRANSIENT`), `retries + 1 < maxAttempts`, and quota capacity for its cost.
//! - `submodules/retry/util-retry/retries-2026-config.js`: base delay 50 ms (1 000 ms for a
//!   throttling error); a retry costs 14 tokens (5 for a throttling error).
//! - `submodules/retry/util-retry/DefaultRetryBackoffStrategy.js`: the delay before retry `i`
//!   (0 for the first) is `floor(random * min(base * 2^i, 20 000))`: the cap comes before the
//!   jitter.
//! - `submodules/retry/util-retry/constants.js`: the quota starts at 500 tokens; a success gives
//!   back the cost of the call's last retry, or 1 when the call was not retried, up to 500.
//! - `submodules/retry/middleware-retry/parseRetryAfterHeader.js`: a `retry-after` (seconds or an
//!   HTTP date) or `x-amz-retry-after` (milliseconds) reply header can lengthen the delay, by at
//!   most 5 s over the computed backoff, never shorten it.
//! - `submodules/retry/service-error-classification/`: which errors are throttling or transient.
//! - `@aws-sdk/core` 3.981.1 `submodules/httpAuthSchemes/aws_sdk/AwsSdkSigV4Signer.js` and
//!   `utils/getUpdatedSystemClockOffset.js`: the clock offset follows the `Date` of every reply, and
//!   an error reply that moved it to 4 minutes or more is a transient error (retried as any other,
//!   within `maxAttempts` and the quota).

/// `DEFAULT_MAX_ATTEMPTS` (`util-retry/config.js`).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// `Retry.delay()` (`util-retry/retries-2026-config.js`): the backoff base of a transient error.
pub const BASE_DELAY_MS: u64 = 50;
/// `Retry.throttlingDelay()`: the backoff base of a throttling error.
pub const THROTTLING_BASE_DELAY_MS: u64 = 1_000;
/// `MAXIMUM_RETRY_DELAY` (`util-retry/constants.js`): the backoff ceiling, applied before jitter.
pub const MAX_BACKOFF_MS: u64 = 20_000;
/// How far a retry-after header can push the delay past the computed backoff
/// (`StandardRetryStrategy.refreshRetryTokenForRetry`).
pub const MAX_RETRY_AFTER_EXTENSION_MS: u64 = 5_000;
/// `INITIAL_RETRY_TOKENS` (`util-retry/constants.js`): the quota's capacity.
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// `Retry.cost()`: the quota cost of retrying any retryable error but a throttling one.
pub const RETRY_COST: u32 = 14;
/// `Retry.throttlingCost()`: the quota cost of retrying a throttling error.
pub const THROTTLING_RETRY_COST: u32 = 5;
/// `NO_RETRY_INCREMENT` (`util-retry/constants.js`): what a success without retry gives back.
pub const NO_RETRY_INCREMENT: u32 = 1;
/// The skew at or beyond which an error reply counts as clock-skew corrected
/// (`AwsSdkSigV4Signer.errorHandler`: `Math.abs(newOffset) >= 240_000`).
pub const CLOCK_SKEW_THRESHOLD_MS: i64 = 240_000;
/// A reply that arrives more than this long after its request was signed does not move the clock
/// offset (`getUpdatedSystemClockOffset`: `timeResponseReceived - timeRequestSent > 900_000`).
pub const MAX_CLOCK_SAMPLE_ROUND_TRIP_MS: i64 = 900_000;
/// The `amz-sdk-invocation-id` header (`INVOCATION_ID_HEADER`).
pub const INVOCATION_ID_HEADER: &str = "amz-sdk-invocation-id";
/// The `amz-sdk-request` header (`REQUEST_HEADER`).
pub const REQUEST_HEADER: &str = "amz-sdk-request";

/// The `amz-sdk-invocation-id` value: a UUID v4 made of 16 random bytes the caller draws, written
/// as `crypto.randomUUID()` writes it (`v4` of `@smithy/core/serde`, `submodules/serde/uuid/`):
/// lower-case hex, version nibble 4, variant bits `10`. One per call, the same on every attempt.
pub fn invocation_id(random: [u8; 16]) -> String {
    let mut b = random;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

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

/// `CLOCK_SKEW_ERROR_CODES`. The standard strategy no longer retries on these codes (only the
/// deprecated pre-SRA strategy did); kept for reference and diagnostics.
pub const CLOCK_SKEW_ERROR_CODES: &[&str] = &[
    "AccessDeniedException",
    "AuthFailure",
    "InvalidSignatureException",
    "RequestExpired",
    "RequestInTheFuture",
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
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
    /// The reply corrected the clock ([`is_clock_skew_corrected`]).
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
            || (e.code == "InvalidSignatureException" && e.message.contains("Signature expired"))
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

/// One error of a host failure's `cause` chain (a rejected `fetch`, a timeout, ...).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostErrorFacts<'a> {
    /// The error's `name` (`TypeError`, `TimeoutError`, `AbortError`, ...).
    pub name: &'a str,
    /// The error's `message`.
    pub message: &'a str,
    /// The error's `code` property, if a string (Node's `ECONNRESET`, ...).
    pub code: Option<&'a str>,
    /// `error instanceof TypeError`.
    pub is_type_error: bool,
}

/// How deep `isTransientError` follows `cause` (`depth <= 10`: the error and 11 causes).
const MAX_CAUSE_DEPTH: usize = 11;

/// Classifies a failure without a reply: `chain[0]` is the error, `chain[1]` its `cause`, and so
/// on. A per-attempt timeout is the SDK handler's `TimeoutError`; a caller's abort is an
/// `AbortError` and is never retried.
pub fn classify_host_error(chain: &[HostErrorFacts<'_>]) -> ErrorClass {
    let Some(top) = chain.first() else {
        return ErrorClass::ClientError;
    };
    if THROTTLING_ERROR_CODES.contains(&top.name) {
        return ErrorClass::Throttling;
    }
    let transient_here = |e: &HostErrorFacts<'_>| {
        TRANSIENT_ERROR_CODES.contains(&e.name)
            || e.code.is_some_and(|c| {
                NODEJS_TRANSIENT_ERROR_CODES.contains(&c)
                    || FETCH_TRANSIENT_ERROR_CODES.contains(&c)
            })
            || (e.is_type_error
                && (BROWSER_NETWORK_ERROR_MESSAGES.contains(&e.message)
                    || FETCH_NETWORK_ERROR_MESSAGES.contains(&e.message)))
            || (e.code == Some("ERR_HTTP2_STREAM_ERROR")
                && e.message.contains("NGHTTP2_REFUSED_STREAM"))
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

/// The `Date` header's effect on the client's clock offset (`getUpdatedSystemClockOffset`), on
/// every reply, success or error: the new offset is `server - received_at_ms`, whatever its size,
/// unless the reply has an `Age` header, its `Date` does not parse (`server_date_ms` is `None`),
/// or it came more than 15 minutes after the request was signed. Times are the local clock,
/// without offset: `sent_at_ms` when signing, `received_at_ms` when the reply arrived.
pub fn updated_clock_offset(
    server_date_ms: Option<i64>,
    has_age_header: bool,
    sent_at_ms: i64,
    received_at_ms: i64,
    current_offset_ms: i64,
) -> i64 {
    match server_date_ms {
        Some(server)
            if !has_age_header
                && received_at_ms.saturating_sub(sent_at_ms) <= MAX_CLOCK_SAMPLE_ROUND_TRIP_MS =>
        {
            server.saturating_sub(received_at_ms)
        }
        _ => current_offset_ms,
    }
}

/// Whether an error reply counts as clock-skew corrected (`AwsSdkSigV4Signer.errorHandler`): the
/// offset after the reply is 4 minutes or more away from zero, and differs from the offset the
/// request was signed with. Such an error is [`ErrorClass::Transient`], whatever its code.
pub fn is_clock_skew_corrected(new_offset_ms: i64, pre_request_offset_ms: i64) -> bool {
    new_offset_ms.saturating_abs() >= CLOCK_SKEW_THRESHOLD_MS
        && new_offset_ms != pre_request_offset_ms
}

/// The largest time value a JavaScript `Date` holds (`TimeClip`).
const MAX_JS_TIME_MS: f64 = 8.64e15;

/// `new Date(t).getTime()`: truncated toward zero, `None` for an invalid date.
fn time_clip(t: f64) -> Option<i64> {
    (t.is_finite() && t.abs() <= MAX_JS_TIME_MS).then(|| t.trunc() as i64)
}

/// Whether `s` is `\d+` or `\d+\.\d+` (ASCII digits).
fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// The retry-after hint of an error reply, as milliseconds from `now_ms` (0 if already past), the
/// way `parseRetryAfterHeader` reads it (`middleware-retry/parseRetryAfterHeader.js`).
///
/// The SDK looks at the reply's headers in the order its fetch handler stores them, which is the
/// `Headers` iteration order, sorted by name: `retry-after` wins over `x-amz-retry-after` whenever
/// present, even when it does not parse.
/// - `retry-after` ending in `GMT`: an RFC 7231 date ([`crate::date::parse_rfc7231_date`]);
///   `<anything> GMT, <seconds>` (two joined headers): the seconds; `\d+` or `\d+\.\d+`: seconds;
///   otherwise a date `Date.parse` reads, only if in the future. Of that last form this reads the
///   ISO 8601 forms with a `Z` or numeric offset, and date-only forms
///   ([`crate::date::parse_iso_date`]); the other forms V8's legacy parser accepts are no hint.
/// - `x-amz-retry-after`: milliseconds, as JavaScript's `Number()` reads a string.
///
/// `None` when there is no hint. A hint beyond the range of a JavaScript `Date` is no hint here;
/// the SDK then computes a `NaN` delay and retries at once.
pub fn retry_after_ms(
    retry_after: Option<&str>,
    x_amz_retry_after: Option<&str>,
    now_ms: i64,
) -> Option<u64> {
    let now = now_ms as f64;
    let hint = if let Some(v) = retry_after {
        let seconds = if v.ends_with("GMT") {
            let date = crate::date::parse_rfc7231_date(v, now_ms)?;
            (date as f64 - now) / 1000.0
        } else if let Some(tail) = v
            .rsplit_once(" GMT, ")
            .map(|(_, t)| t)
            .filter(|t| is_decimal(t))
        {
            parse_decimal(tail)?
        } else if is_decimal(v) {
            parse_decimal(v)?
        } else {
            let date = crate::date::parse_iso_date(v)?;
            if date < now_ms {
                return None;
            }
            (date as f64 - now) / 1000.0
        };
        time_clip(now + seconds * 1000.0)?
    } else {
        let ms = js_number(x_amz_retry_after?)?;
        time_clip(now + ms)?
    };
    Some(u64::try_from(hint.saturating_sub(now_ms)).unwrap_or(0))
}

/// JavaScript's `Number(string)`: trimmed of white space; empty is 0; decimal literals with an
/// optional sign and exponent, `Infinity`, and `0x`/`0o`/`0b` integers. `None` for `NaN`.
pub fn js_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return Some(0.0);
    }
    let radix = |prefix: [&str; 2], radix: u32| {
        prefix
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(radix)))
            .map(|d| {
                d.chars().fold(0f64, |acc, c| {
                    acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
                })
            })
    };
    if let Some(v) = radix(["0x", "0X"], 16)
        .or_else(|| radix(["0o", "0O"], 8))
        .or_else(|| radix(["0b", "0B"], 2))
    {
        return Some(v);
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return Some(sign * f64::INFINITY);
    }
    // StrUnsignedDecimalLiteral: digits [. digits] [e sign digits], or . digits [exponent].
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(int) && all_digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    parse_decimal(body).map(|v| sign * v)
}

/// Exact powers of ten as doubles.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A decimal literal (`[+-]digits[.digits][(e|E)[+-]digits]`, or `.digits`, or `digits.`) as the
/// nearest double, the way a correctly rounding parser (JavaScript's `Number`, Rust's `f64`
/// `FromStr`) reads it, for the literals where one IEEE operation on exact values gives that
/// result (Clinger's fast path): significant digits, trailing zeros aside, at most 2^53, and a
/// power of ten within reach of ±22. `None` for other literals and for malformed text.
///
/// Rust's own `f64` parser would add 20 KB of tables to the WebAssembly module; the values this
/// package reads (retry-after seconds and milliseconds, fractions of a second, `long` members) are
/// all within the fast path.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !all_digits(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let mut exp: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (sign, digits) = match e.as_bytes().first()? {
                b'-' => (-1, &e[1..]),
                b'+' => (1, &e[1..]),
                _ => (1, e),
            };
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            // A huge exponent is out of the fast path (unless the digits are all zeros).
            let digits = digits.trim_start_matches('0');
            if digits.len() > 6 {
                sign * 1_000_000
            } else {
                sign * digits.parse::<i64>().unwrap_or(0)
            }
        }
    };
    exp -= frac.len() as i64;
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let trimmed = digits.trim_end_matches('0');
    exp += (digits.len() - trimmed.len()) as i64;
    let value = if trimmed.is_empty() {
        0.0
    } else {
        if trimmed.len() > 16 {
            return None;
        }
        let m: u64 = trimmed.parse().ok()?;
        if m > 1 << 53 {
            return None;
        }
        let m = m as f64;
        match exp {
            0..=22 => m * POW10[exp as usize],
            23..=37 => {
                // m * 10^(exp - 22) may still be an exact integer below 2^53.
                let scaled = m * POW10[(exp - 22) as usize];
                if scaled > (1u64 << 53) as f64 {
                    return None;
                }
                scaled * POW10[22]
            }
            -22..=-1 => m / POW10[(-exp) as usize],
            _ => return None,
        }
    };
    Some(if negative { -value } else { value })
}

/// The client-wide retry quota (`StandardRetryStrategy.capacity`).
#[derive(Debug, Clone)]
pub struct RetryQuota {
    capacity: u32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            capacity: INITIAL_RETRY_TOKENS,
        }
    }
}

impl RetryQuota {
    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.capacity
    }

    /// Records a successful call (`recordSuccess`): gives back the cost of the call's last retry,
    /// or 1 if it was not retried, up to the initial 500.
    pub fn record_success(&mut self, state: &RetryState) {
        let refund = state.last_cost.unwrap_or(NO_RETRY_INCREMENT);
        self.capacity = (self.capacity + refund).min(INITIAL_RETRY_TOKENS);
    }
}

/// The decision after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then send the next attempt.
    Retry {
        /// The delay, in milliseconds (at most 25 s: 20 s of backoff, plus 5 s of retry-after).
        delay_ms: u64,
        /// Tokens taken from the quota.
        cost: u32,
    },
    /// Give up: the last error is the call's error.
    Stop(StopReason),
}

/// Why no retry follows (`refusal` in `StandardRetryStrategy.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The error is not retryable.
    NotRetryable,
    /// `maxAttempts` attempts were made.
    MaxAttempts,
    /// The quota cannot pay for the retry.
    Quota,
}

/// Per-call retry state (the SDK's retry token plus the middleware's counters).
#[derive(Debug, Clone)]
pub struct RetryState {
    max_attempts: u32,
    retries: u32,
    last_cost: Option<u32>,
    total_delay_ms: u64,
}

impl RetryState {
    /// A call allowed `max_attempts` attempts. `0` and `1` both mean one attempt and no retry.
    pub fn new(max_attempts: u32) -> Self {
        RetryState {
            max_attempts,
            retries: 0,
            last_cost: None,
            total_delay_ms: 0,
        }
    }

    /// The attempt about to be sent or last sent, from 1.
    pub fn attempt(&self) -> u32 {
        self.retries + 1
    }

    /// `maxAttempts`, as configured.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The sum of the retry delays so far (`$metadata.totalRetryDelay`).
    pub fn total_delay_ms(&self) -> u64 {
        self.total_delay_ms
    }

    /// The quota cost of the last retry, refunded by a success.
    pub fn last_cost(&self) -> Option<u32> {
        self.last_cost
    }

    /// The `amz-sdk-request` header value of the current attempt: `attempt=N; max=M`.
    pub fn request_header(&self) -> String {
        format!("attempt={}; max={}", self.attempt(), self.max_attempts)
    }

    /// Decides what follows a failed attempt of class `class` (`refreshRetryTokenForRetry`).
    /// `retry_after_ms` is [`retry_after_ms`] of the reply; `random` is in `[0, 1)`.
    pub fn after_failure(
        &mut self,
        class: ErrorClass,
        retry_after_ms: Option<u64>,
        quota: &mut RetryQuota,
        random: f64,
    ) -> Decision {
        let cost = class.retry_cost();
        if !class.is_retryable() {
            return Decision::Stop(StopReason::NotRetryable);
        }
        if self.attempt() >= self.max_attempts {
            return Decision::Stop(StopReason::MaxAttempts);
        }
        if quota.capacity < cost {
            return Decision::Stop(StopReason::Quota);
        }
        let backoff = backoff_ms(self.retries, class, random);
        let delay_ms = match retry_after_ms {
            Some(hint) => backoff.max(hint.min(backoff + MAX_RETRY_AFTER_EXTENSION_MS)),
            None => backoff,
        };
        quota.capacity -= cost;
        self.retries += 1;
        self.last_cost = Some(cost);
        self.total_delay_ms += delay_ms;
        Decision::Retry { delay_ms, cost }
    }
}

/// The backoff before retry number `retry` (0 for the first), `random` in `[0, 1)`:
/// `floor(random * min(base * 2^retry, 20 000))` (`DefaultRetryBackoffStrategy`).
pub fn backoff_ms(retry: u32, class: ErrorClass, random: f64) -> u64 {
    let ceiling =
        (class.base_delay_ms() as f64 * 2f64.powi(retry.min(64) as i32)).min(MAX_BACKOFF_MS as f64);
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (random * ceiling).floor() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(code: &str, status: u16) -> ServiceErrorFacts<'_> {
        ServiceErrorFacts {
            code,
            status,
            ..ServiceErrorFacts::default()
        }
    }

    /// The SDK's own answers, from `tests/fixtures/sdk-vectors.mjs`.
    fn sdk_vectors() -> serde_json::Value {
        serde_json::from_str(include_str!("../tests/fixtures/sdk-vectors.json")).unwrap()
    }

    const VECTOR_NOW_MS: i64 = 1_440_938_160_000;

    #[test]
    fn retry_after_agrees_with_get_retry_after_hint() {
        let v = sdk_vectors();
        let cases = v["retryAfter"].as_array().unwrap();
        assert!(cases.len() >= 20);
        for c in cases {
            let (ra, xra) = (c["retryAfter"].as_str(), c["xAmzRetryAfter"].as_str());
            assert_eq!(
                retry_after_ms(ra, xra, VECTOR_NOW_MS),
                c["ms"].as_u64(),
                "retry-after {ra:?}, x-amz-retry-after {xra:?}"
            );
        }
    }

    #[test]
    fn decisions_agree_with_standard_retry_strategy() {
        let v = sdk_vectors();
        for seq in v["sequences"].as_array().unwrap() {
            let max = seq["maxAttempts"].as_u64().unwrap() as u32;
            let random = seq["random"].as_f64().unwrap();
            let mut quota = RetryQuota::default();
            let mut state = RetryState::new(max);
            for step in seq["steps"].as_array().unwrap() {
                let class = match step["errorType"].as_str().unwrap() {
                    "THROTTLING" => ErrorClass::Throttling,
                    "TRANSIENT" => ErrorClass::Transient,
                    "SERVER_ERROR" => ErrorClass::ServerError,
                    _ => ErrorClass::ClientError,
                };
                let d = state.after_failure(class, step["hintMs"].as_u64(), &mut quota, random);
                if step["stop"].as_bool() == Some(true) {
                    assert!(matches!(d, Decision::Stop(_)), "{seq}: {d:?}");
                } else {
                    assert_eq!(
                        d,
                        Decision::Retry {
                            delay_ms: step["delay"].as_u64().unwrap(),
                            cost: step["cost"].as_u64().unwrap() as u32,
                        },
                        "{seq}"
                    );
                }
                assert_eq!(
                    u64::from(quota.available()),
                    step["capacity"].as_u64().unwrap(),
                    "{seq}"
                );
            }
            quota.record_success(&state);
            assert_eq!(
                u64::from(quota.available()),
                seq["capacityAfterSuccess"].as_u64().unwrap(),
                "{seq}"
            );
        }
    }

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
    fn invocation_ids_are_uuid_v4() {
        assert_eq!(
            invocation_id([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            invocation_id([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        let id = invocation_id(*b"0123456789abcdef");
        assert_eq!(id, "30313233-3435-4637-b839-616263646566");
        let re = regex::Regex::new(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        )
        .unwrap();
        assert!(re.is_match(&id));
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
        let fetch = |message| HostErrorFacts {
            name: "TypeError",
            message,
            code: None,
            is_type_error: true,
        };
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
        let cause = HostErrorFacts {
            name: "Error",
            message: "connect ECONNREFUSED 127.0.0.1:1",
            code: Some("ECONNREFUSED"),
            is_type_error: false,
        };
        assert_eq!(
            classify_host_error(&[fetch("fetch failed"), cause]),
            ErrorClass::Transient
        );
        let timeout = HostErrorFacts {
            name: "TimeoutError",
            ..HostErrorFacts::default()
        };
        assert_eq!(classify_host_error(&[timeout]), ErrorClass::Transient);
        let abort = HostErrorFacts {
            name: "AbortError",
            ..HostErrorFacts::default()
        };
        assert_eq!(
            classify_host_error(&[abort, timeout]),
            ErrorClass::ClientError
        );
        assert_eq!(classify_host_error(&[]), ErrorClass::ClientError);
        // Causes are followed to depth 10 only.
        let plain = HostErrorFacts::default();
        let mut chain = vec![plain; 11];
        chain.push(cause);
        assert_eq!(classify_host_error(&chain), ErrorClass::ClientError);
        chain.remove(0);
        assert_eq!(classify_host_error(&chain), ErrorClass::Transient);
    }

    #[test]
    fn backoff_caps_before_jitter() {
        use ErrorClass::*;
        assert_eq!(backoff_ms(0, Transient, 0.0), 0);
        assert_eq!(backoff_ms(0, Transient, 0.999), 49);
        assert_eq!(backoff_ms(2, Transient, 0.5), 100);
        assert_eq!(backoff_ms(0, Throttling, 0.5), 500);
        assert_eq!(backoff_ms(3, Throttling, 0.999), 7992);
        // 1000 * 2^5 = 32 000 is capped to 20 000 first, then jittered.
        assert_eq!(backoff_ms(5, Throttling, 0.5), 10_000);
        assert_eq!(backoff_ms(u32::MAX, Transient, 0.999_999), 19_999);
        assert_eq!(backoff_ms(1, Transient, f64::NAN), 0);
    }

    #[test]
    fn max_attempts_bounds_every_retry() {
        let mut quota = RetryQuota::default();
        let mut s = RetryState::new(3);
        assert_eq!(s.request_header(), "attempt=1; max=3");
        assert_eq!(
            s.after_failure(ErrorClass::Throttling, None, &mut quota, 0.5),
            Decision::Retry {
                delay_ms: 500,
                cost: 5
            }
        );
        assert_eq!(s.request_header(), "attempt=2; max=3");
        assert_eq!(
            s.after_failure(ErrorClass::Transient, None, &mut quota, 0.5),
            Decision::Retry {
                delay_ms: 50,
                cost: 14
            }
        );
        assert_eq!(
            s.after_failure(ErrorClass::Transient, None, &mut quota, 0.5),
            Decision::Stop(StopReason::MaxAttempts)
        );
        assert_eq!(s.total_delay_ms(), 550);
        assert_eq!(s.attempt(), 3);
        assert_eq!(quota.available(), 481);
        quota.record_success(&s);
        assert_eq!(quota.available(), 495);

        for max in [0, 1] {
            let mut s = RetryState::new(max);
            assert_eq!(
                s.after_failure(ErrorClass::Throttling, None, &mut quota, 0.5),
                Decision::Stop(StopReason::MaxAttempts)
            );
        }
    }

    #[test]
    fn never_retries_other_classes() {
        let mut quota = RetryQuota::default();
        for class in [ErrorClass::ClientError, ErrorClass::ServerError] {
            let mut s = RetryState::new(5);
            assert_eq!(
                s.after_failure(class, Some(10), &mut quota, 0.5),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn quota_drains_and_refills() {
        let mut quota = RetryQuota::default();
        let mut retries = 0;
        loop {
            let mut s = RetryState::new(2);
            match s.after_failure(ErrorClass::Transient, None, &mut quota, 0.0) {
                Decision::Retry { .. } => retries += 1,
                Decision::Stop(reason) => {
                    assert_eq!(reason, StopReason::Quota);
                    break;
                }
            }
        }
        assert_eq!(retries, 35); // 500 / 14
        assert_eq!(quota.available(), 10);
        // A throttling retry still fits (5 tokens).
        let mut s = RetryState::new(2);
        assert!(matches!(
            s.after_failure(ErrorClass::Throttling, None, &mut quota, 0.0),
            Decision::Retry { cost: 5, .. }
        ));
        quota.record_success(&s);
        assert_eq!(quota.available(), 10);
        quota.record_success(&RetryState::new(3));
        assert_eq!(quota.available(), 11);
        let mut full = RetryQuota::default();
        full.record_success(&RetryState::new(3));
        assert_eq!(full.available(), 500);
    }

    #[test]
    fn retry_after_lengthens_by_at_most_five_seconds() {
        let mut quota = RetryQuota::default();
        let delay = |hint| {
            let mut s = RetryState::new(3);
            match s.after_failure(ErrorClass::Transient, hint, &mut RetryQuota::default(), 0.5) {
                Decision::Retry { delay_ms, .. } => delay_ms,
                d => panic!("{d:?}"),
            }
        };
        assert_eq!(delay(None), 25);
        assert_eq!(delay(Some(0)), 25);
        assert_eq!(delay(Some(10)), 25);
        assert_eq!(delay(Some(2_000)), 2_000);
        assert_eq!(delay(Some(60_000)), 5_025);
        let mut s = RetryState::new(3);
        s.after_failure(ErrorClass::Transient, Some(60_000), &mut quota, 0.5);
        assert_eq!(s.total_delay_ms(), 5_025);
    }

    #[test]
    fn reads_retry_after_headers_like_the_sdk() {
        let now = 1_440_938_160_000; // Sun, 30 Aug 2015 12:36:00 GMT
        assert_eq!(retry_after_ms(Some("3"), None, now), Some(3_000));
        assert_eq!(retry_after_ms(Some("1.5"), None, now), Some(1_500));
        assert_eq!(retry_after_ms(Some("0.0004"), None, now), Some(0));
        assert_eq!(retry_after_ms(Some("-3"), None, now), None);
        assert_eq!(retry_after_ms(Some(" 3"), None, now), None);
        assert_eq!(retry_after_ms(Some("abc"), None, now), None);
        assert_eq!(
            retry_after_ms(Some("Sun, 30 Aug 2015 12:36:10 GMT"), None, now),
            Some(10_000)
        );
        // A past date is no wait.
        assert_eq!(
            retry_after_ms(Some("Sun, 30 Aug 2015 12:35:00 GMT"), None, now),
            Some(0)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 30 Foo 2015 12:36:10 GMT"), None, now),
            None
        );
        // Two joined headers: the number after the date.
        assert_eq!(
            retry_after_ms(Some("Sun, 30 Aug 2015 12:36:10 GMT, 7"), None, now),
            Some(7_000)
        );
        assert_eq!(
            retry_after_ms(Some("2015-08-30T12:36:04Z"), None, now),
            Some(4_000)
        );
        assert_eq!(
            retry_after_ms(Some("2015-08-30T12:35:04Z"), None, now),
            None
        );
        // retry-after wins even when it does not parse.
        assert_eq!(retry_after_ms(Some("soon"), Some("2000"), now), None);
        assert_eq!(retry_after_ms(None, Some("2000"), now), Some(2_000));
        assert_eq!(retry_after_ms(None, Some(" 2e3 "), now), Some(2_000));
        assert_eq!(retry_after_ms(None, Some("0x10"), now), Some(16));
        assert_eq!(retry_after_ms(None, Some(""), now), Some(0));
        assert_eq!(retry_after_ms(None, Some("-50"), now), Some(0));
        assert_eq!(retry_after_ms(None, Some("2000ms"), now), None);
        assert_eq!(retry_after_ms(None, Some("Infinity"), now), None);
        assert_eq!(retry_after_ms(None, Some("1e300"), now), None);
        assert_eq!(retry_after_ms(None, None, now), None);
    }

    #[test]
    fn parse_decimal_agrees_with_a_correctly_rounding_parser() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let digits = (next() % 18) as usize + 1;
            let mut s: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            if next() % 2 == 0 {
                let at = (next() as usize) % (s.len() + 1);
                s.insert(at, '.');
            }
            if next() % 3 == 0 {
                s = format!("{s}e{}", (next() % 70) as i64 - 35);
            }
            if next() % 4 == 0 {
                s = format!("-{s}");
            }
            let want: Option<f64> = s.parse().ok();
            match parse_decimal(&s) {
                Some(v) => {
                    assert_eq!(Some(v), want, "{s}");
                    checked += 1;
                }
                None => assert!(
                    want.is_none() || s.trim_start_matches('-').len() > 15 || s.contains('e'),
                    "{s} refused"
                ),
            }
        }
        assert!(checked > 100_000, "{checked}");
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", " 1", "1 ", "--1",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        assert_eq!(parse_decimal("9007199254740993"), None);
        assert_eq!(parse_decimal("1e300"), None);
        assert_eq!(parse_decimal("12e30"), Some(12e30));
        assert_eq!(parse_decimal("0e999999999"), Some(0.0));
        assert_eq!(parse_decimal("-0").map(f64::is_sign_negative), Some(true));
    }

    #[test]
    fn js_number_reads_like_number() {
        assert_eq!(js_number("12"), Some(12.0));
        assert_eq!(js_number("  -1.5e2\n"), Some(-150.0));
        assert_eq!(js_number(".5"), Some(0.5));
        assert_eq!(js_number("5."), Some(5.0));
        assert_eq!(js_number("0b101"), Some(5.0));
        assert_eq!(js_number("0o17"), Some(15.0));
        assert_eq!(js_number("-0x10"), None);
        assert_eq!(js_number("."), None);
        assert_eq!(js_number("1e"), None);
        assert_eq!(js_number("inf"), None);
        assert_eq!(js_number("NaN"), None);
        assert_eq!(js_number("-Infinity"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn clock_offset_follows_every_date() {
        let t = 1_000_000_000;
        // Any skew moves the offset, however small.
        assert_eq!(
            updated_clock_offset(Some(t + 1_000), false, t - 50, t, 0),
            1_000
        );
        assert_eq!(
            updated_clock_offset(Some(t - 900_000), false, t - 50, t, 7),
            -900_000
        );
        // No date, an Age header, or a reply after more than 15 minutes: unchanged.
        assert_eq!(updated_clock_offset(None, false, t - 50, t, 7), 7);
        assert_eq!(updated_clock_offset(Some(t), true, t - 50, t, 7), 7);
        assert_eq!(updated_clock_offset(Some(t), false, t - 900_001, t, 7), 7);
        assert_eq!(updated_clock_offset(Some(t), false, t - 900_000, t, 7), 0);
    }

    #[test]
    fn clock_skew_correction_needs_four_minutes_and_a_change() {
        assert!(is_clock_skew_corrected(240_000, 0));
        assert!(is_clock_skew_corrected(-240_000, 0));
        assert!(!is_clock_skew_corrected(239_999, 0));
        assert!(!is_clock_skew_corrected(300_000, 300_000));
        assert!(is_clock_skew_corrected(300_001, 300_000));
    }

    #[test]
    fn clock_skew_retry_is_bounded_by_max_attempts() {
        let mut quota = RetryQuota::default();
        let mut e = facts("InvalidSignatureException", 403);
        e.clock_skew_corrected = is_clock_skew_corrected(600_000, 0);
        let class = classify_service_error(&e);
        let mut once = RetryState::new(1);
        assert_eq!(
            once.after_failure(class, None, &mut quota, 0.5),
            Decision::Stop(StopReason::MaxAttempts)
        );
        let mut twice = RetryState::new(2);
        assert_eq!(
            twice.after_failure(class, None, &mut quota, 0.5),
            Decision::Retry {
                delay_ms: 25,
                cost: 14
            }
        );
    }
}

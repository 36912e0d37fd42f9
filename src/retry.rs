//! The AWS "standard" retry mode, as the SDKs implement it, without a clock or a random source:
//! both are passed in.
//!
//! - Retry throttling errors (HTTP 429 and the throttling codes), transient errors (HTTP 500, 502,
//!   503, 504), network errors and timeouts; never any other 4xx.
//! - Full-jitter exponential backoff: `random * 2^retry * base`, base 100 ms (500 ms when
//!   throttled), capped at 20 s.
//! - A retry quota shared by every call of a client: 500 tokens, a retry costs 5 (10 after a
//!   timeout), a success refunds the cost of its last retry, or adds 1.
//! - Clock-skew errors are corrected from the reply's `Date` header and retried once.

/// How a failed attempt is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// 429 or a throttling code.
    Throttling,
    /// 500/502/503/504, a network error or a broken reply body.
    Transient,
    /// The attempt timed out.
    Timeout,
    /// The signature was refused because of the clock.
    ClockSkew,
    /// Not retried.
    Fatal,
}

const THROTTLING_CODES: &[&str] = &[
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

const TRANSIENT_CODES: &[&str] = &[
    "InternalError",
    "InternalServerException",
    "RequestTimeout",
    "RequestTimeoutException",
    "ServiceUnavailable",
    "TimeoutError",
];

const CLOCK_SKEW_CODES: &[&str] = &[
    "AuthFailure",
    "InvalidSignatureException",
    "RequestExpired",
    "RequestInTheFuture",
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
];

/// Skew beyond which the service refuses a signature, and we correct the clock.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// Classifies an error reply.
pub fn classify(code: &str, status: u16) -> ErrorClass {
    if status == 429 || THROTTLING_CODES.contains(&code) {
        ErrorClass::Throttling
    } else if CLOCK_SKEW_CODES.contains(&code) {
        ErrorClass::ClockSkew
    } else if matches!(status, 500 | 502 | 503 | 504) || TRANSIENT_CODES.contains(&code) {
        ErrorClass::Transient
    } else {
        ErrorClass::Fatal
    }
}

/// The clock offset to use after a clock-skew error, if the server's `Date` shows that our clock
/// (`local_ms`, already including `offset_ms`) is more than five minutes off.
pub fn corrected_offset(server_ms: i64, local_ms: i64, offset_ms: i64) -> Option<i64> {
    let skew = server_ms - local_ms;
    (skew.abs() >= MAX_SKEW_MS).then_some(offset_ms + skew)
}

/// Backoff before retry number `retry` (0 for the first retry), `random` in `[0, 1)`.
pub fn backoff_ms(retry: u32, class: ErrorClass, random: f64) -> u32 {
    let base = if class == ErrorClass::Throttling {
        500.0
    } else {
        100.0
    };
    let ceiling = base * 2f64.powi(retry.min(30) as i32);
    (random.clamp(0.0, 1.0) * ceiling).min(20_000.0) as u32
}

/// The client-wide retry quota.
#[derive(Debug, Clone)]
pub struct RetryQuota {
    available: u32,
}

const INITIAL_RETRY_TOKENS: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            available: INITIAL_RETRY_TOKENS,
        }
    }
}

impl RetryQuota {
    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.available
    }

    /// Takes the cost of a retry after `class`; `None` if the quota is spent (no retry).
    pub fn acquire(&mut self, class: ErrorClass) -> Option<u32> {
        let cost = if class == ErrorClass::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        (self.available >= cost).then(|| {
            self.available -= cost;
            cost
        })
    }

    /// Records a success: refunds `last_cost` (the cost of the retry that succeeded) or adds 1.
    pub fn release(&mut self, last_cost: Option<u32>) {
        let refund = last_cost.unwrap_or(NO_RETRY_INCREMENT);
        self.available = (self.available + refund).min(INITIAL_RETRY_TOKENS);
    }
}

/// The decision after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Retry after this many milliseconds; the quota cost is recorded.
    Retry {
        /// Backoff.
        delay_ms: u32,
        /// Tokens taken from the quota.
        cost: u32,
    },
    /// Retry at once with the corrected clock (free, once per call).
    RetrySkewCorrected,
    /// Give up.
    Stop,
}

/// Per-call retry state.
#[derive(Debug, Clone)]
pub struct RetryState {
    max_attempts: u32,
    /// Attempts made so far.
    pub attempts: u32,
    /// Sum of the backoff delays slept.
    pub total_delay_ms: u64,
    /// Cost of the last retry taken, refunded on success.
    pub last_cost: Option<u32>,
    skew_corrected: bool,
}

impl RetryState {
    /// A call allowed `max_attempts` attempts (at least 1).
    pub fn new(max_attempts: u32) -> Self {
        RetryState {
            max_attempts: max_attempts.max(1),
            attempts: 0,
            total_delay_ms: 0,
            last_cost: None,
            skew_corrected: false,
        }
    }

    /// Decides what follows a failed attempt of class `class`. `skew_fixed` says whether a
    /// clock-skew error came with a `Date` that corrected the offset.
    pub fn after_failure(
        &mut self,
        class: ErrorClass,
        skew_fixed: bool,
        quota: &mut RetryQuota,
        random: f64,
    ) -> Decision {
        if class == ErrorClass::ClockSkew {
            if skew_fixed && !self.skew_corrected {
                self.skew_corrected = true;
                return Decision::RetrySkewCorrected;
            }
            return Decision::Stop;
        }
        if class == ErrorClass::Fatal || self.attempts >= self.max_attempts {
            return Decision::Stop;
        }
        let Some(cost) = quota.acquire(class) else {
            return Decision::Stop;
        };
        let retry = self.attempts.saturating_sub(1);
        let delay_ms = backoff_ms(retry, class, random);
        self.total_delay_ms += u64::from(delay_ms);
        self.last_cost = Some(cost);
        Decision::Retry { delay_ms, cost }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_like_the_sdks() {
        assert_eq!(classify("ThrottlingException", 429), ErrorClass::Throttling);
        assert_eq!(classify("UnknownError", 429), ErrorClass::Throttling);
        assert_eq!(classify("SlowDown", 503), ErrorClass::Throttling);
        assert_eq!(
            classify("InternalServerException", 500),
            ErrorClass::Transient
        );
        assert_eq!(classify("UnknownError", 502), ErrorClass::Transient);
        assert_eq!(classify("UnknownError", 504), ErrorClass::Transient);
        assert_eq!(classify("UnknownError", 501), ErrorClass::Fatal);
        assert_eq!(classify("ValidationException", 400), ErrorClass::Fatal);
        assert_eq!(classify("AccessDeniedException", 403), ErrorClass::Fatal);
        assert_eq!(
            classify("InvalidSignatureException", 403),
            ErrorClass::ClockSkew
        );
        assert_eq!(classify("RequestTimeTooSkewed", 403), ErrorClass::ClockSkew);
    }

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        assert_eq!(backoff_ms(0, ErrorClass::Transient, 0.0), 0);
        assert_eq!(backoff_ms(0, ErrorClass::Transient, 0.999), 99);
        assert_eq!(backoff_ms(2, ErrorClass::Transient, 0.5), 200);
        assert_eq!(backoff_ms(0, ErrorClass::Throttling, 0.5), 250);
        assert_eq!(backoff_ms(3, ErrorClass::Throttling, 0.999), 3996);
        assert_eq!(backoff_ms(12, ErrorClass::Throttling, 0.999), 20_000);
        assert_eq!(backoff_ms(u32::MAX, ErrorClass::Transient, 1.0), 20_000);
    }

    #[test]
    fn stops_at_max_attempts() {
        let mut quota = RetryQuota::default();
        let mut s = RetryState::new(3);
        s.attempts = 1;
        assert!(matches!(
            s.after_failure(ErrorClass::Throttling, false, &mut quota, 0.5),
            Decision::Retry {
                delay_ms: 250,
                cost: 5
            }
        ));
        s.attempts = 2;
        assert!(matches!(
            s.after_failure(ErrorClass::Transient, false, &mut quota, 0.5),
            Decision::Retry {
                delay_ms: 100,
                cost: 5
            }
        ));
        s.attempts = 3;
        assert_eq!(
            s.after_failure(ErrorClass::Transient, false, &mut quota, 0.5),
            Decision::Stop
        );
        assert_eq!(s.total_delay_ms, 350);
        assert_eq!(quota.available(), 490);
    }

    #[test]
    fn never_retries_fatal_errors() {
        let mut quota = RetryQuota::default();
        let mut s = RetryState::new(5);
        s.attempts = 1;
        assert_eq!(
            s.after_failure(ErrorClass::Fatal, false, &mut quota, 0.5),
            Decision::Stop
        );
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn quota_stops_retry_storms_and_refills_on_success() {
        let mut quota = RetryQuota::default();
        let mut taken = 0;
        while quota.acquire(ErrorClass::Transient).is_some() {
            taken += 1;
        }
        assert_eq!(taken, 100);
        let mut s = RetryState::new(3);
        s.attempts = 1;
        assert_eq!(
            s.after_failure(ErrorClass::Transient, false, &mut quota, 0.1),
            Decision::Stop
        );
        quota.release(Some(5));
        assert_eq!(quota.available(), 5);
        quota.release(None);
        assert_eq!(quota.available(), 6);
        let mut full = RetryQuota::default();
        full.release(None);
        assert_eq!(full.available(), 500);
        assert_eq!(full.acquire(ErrorClass::Timeout), Some(10));
    }

    #[test]
    fn clock_skew_retries_once_and_only_when_corrected() {
        let mut quota = RetryQuota::default();
        let mut s = RetryState::new(1);
        s.attempts = 1;
        assert_eq!(
            s.after_failure(ErrorClass::ClockSkew, false, &mut quota, 0.5),
            Decision::Stop
        );
        assert_eq!(
            s.after_failure(ErrorClass::ClockSkew, true, &mut quota, 0.5),
            Decision::RetrySkewCorrected
        );
        s.attempts = 2;
        assert_eq!(
            s.after_failure(ErrorClass::ClockSkew, true, &mut quota, 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn offset_correction_needs_five_minutes() {
        assert_eq!(corrected_offset(1_000_000, 1_000_000, 0), None);
        assert_eq!(corrected_offset(1_000_000 + 299_999, 1_000_000, 0), None);
        assert_eq!(
            corrected_offset(1_000_000 + 900_000, 1_000_000, 0),
            Some(900_000)
        );
        assert_eq!(corrected_offset(1_000_000, 1_900_000, 100), Some(-899_900));
    }
}

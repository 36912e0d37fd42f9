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

mod classify;
mod clock;
mod retry_after;

pub use classify::*;
pub use clock::*;
pub use retry_after::*;

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
    let mut digits = [0u8; 32];
    if hex::encode_to_slice(b, &mut digits).is_err() {
        return String::new();
    }
    let digits = std::str::from_utf8(&digits).unwrap_or_default();
    format!(
        "{}-{}-{}-{}-{}",
        &digits[..8],
        &digits[8..12],
        &digits[12..16],
        &digits[16..20],
        &digits[20..]
    )
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

    /// The sum of the retry delays so far (`$metadata.totalRetryDelay`).
    pub fn total_delay_ms(&self) -> u64 {
        self.total_delay_ms
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

    pub(super) fn facts(code: &str, status: u16) -> ServiceErrorFacts<'_> {
        ServiceErrorFacts {
            code,
            status,
            ..ServiceErrorFacts::default()
        }
    }

    /// The SDK's own answers, from `tests/fixtures/sdk-vectors.mjs`.
    pub(super) fn sdk_vectors() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/fixtures/sdk-vectors.json")).unwrap()
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

//! The client's clock offset, which follows the `Date` of every reply, and the clock-skew
//! correction that makes an error reply transient (`getUpdatedSystemClockOffset`,
//! `AwsSdkSigV4Signer.errorHandler`).

/// The skew at or beyond which an error reply counts as clock-skew corrected
/// (`AwsSdkSigV4Signer.errorHandler`: `Math.abs(newOffset) >= 240_000`).
pub const CLOCK_SKEW_THRESHOLD_MS: i64 = 240_000;
/// A reply that arrives more than this long after its request was signed does not move the clock
/// offset (`getUpdatedSystemClockOffset`: `timeResponseReceived - timeRequestSent > 900_000`).
pub const MAX_CLOCK_SAMPLE_ROUND_TRIP_MS: i64 = 900_000;

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
/// request was signed with. Such an error is
/// [`ErrorClass::Transient`](super::ErrorClass::Transient), whatever its code.
pub fn is_clock_skew_corrected(new_offset_ms: i64, pre_request_offset_ms: i64) -> bool {
    new_offset_ms.saturating_abs() >= CLOCK_SKEW_THRESHOLD_MS
        && new_offset_ms != pre_request_offset_ms
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! The retry-after hint of an error reply (`parseRetryAfterHeader`), and the number reading it
//! needs: JavaScript's `Number()` and an exact decimal parser small enough for WebAssembly.

/// The largest time value a JavaScript `Date` holds (`TimeClip`).
pub const MAX_JS_TIME_MS: f64 = 8.64e15;

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
        } else if let Some(tail) = crate::text::rsplit_once(v, " GMT, ")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::tests::sdk_vectors;

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
}

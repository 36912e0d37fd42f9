//! Calendar arithmetic for SigV4 timestamps and HTTP `Date` headers. Times are milliseconds since
//! the Unix epoch, passed in by the caller: the core never reads a clock.

/// Days since 1970-01-01 to a civil (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A civil date to days since 1970-01-01 (`days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYYMMDDTHHMMSSZ`, the `x-amz-date` form.
pub fn amz_date(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP `Date` header for the clock offset, the way the SDK's `Date.parse` reads the
/// forms AWS sends: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7; read as
/// [`parse_rfc7231_date`] reads it) or an ISO 8601 date-time ([`parse_iso_date`]). Returns
/// milliseconds since the epoch.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim();
    s.strip_suffix(" GMT")
        .and_then(parse_imf_fixdate)
        .or_else(|| parse_iso_date(s))
}

/// The IMF-fixdate form of `parseRfc7231DateTime`, without its ` GMT`: a weekday name, then
/// `DD Mon YYYY HH:MM:SS[.fff]` (one-digit hours allowed).
fn parse_imf_fixdate(rest: &str) -> Option<i64> {
    const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (weekday, rest) = crate::text::split_once(rest, ", ")?;
    let mut parts = rest.split(' ');
    let (day, month, year, time) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if !SHORT_DAYS.contains(&weekday) || parts.next().is_some() {
        return None;
    }
    let day = digits(day, 2, 2)?;
    let month = month_of(month)?;
    build(i64::from(digits(year, 4, 4)?), month, day, time)
}

fn month_of(m: &str) -> Option<u32> {
    MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1)
}

/// `buildDate`: the day checked against the month, then the time; `Date.UTC` reads the years 0 to
/// 99 as 1900 to 1999.
fn build(year: i64, month: u32, day: u32, time: &str) -> Option<i64> {
    let (h, m, sec, ms) = parse_time(time)?;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let year = if (0..100).contains(&year) {
        year + 1900
    } else {
        year
    };
    Some(utc_ms(year, month, day, h, m, sec, ms))
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: u32) -> u32 {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if month == 2 && leap {
        29
    } else {
        DAYS[(month - 1) as usize]
    }
}

/// Milliseconds since the epoch of a UTC date and time.
fn utc_ms(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32, ms: i64) -> i64 {
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(h) * 3600
        + i64::from(m) * 60
        + i64::from(s);
    secs * 1000 + ms
}

/// `parseFloat("0." + fraction) * 1000`: the fraction's milliseconds, truncated as `Date.UTC`
/// truncates (fractions beyond 16 digits are refused).
fn fraction_ms(fraction: Option<&str>) -> Option<i64> {
    match fraction {
        None => Some(0),
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let v = crate::retry::parse_decimal(&format!("0.{f}"))?;
            Some((v * 1000.0).trunc() as i64)
        }
        Some(_) => None,
    }
}

/// Splits `HH:MM:SS[.fff]` as the SDK's `(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?` with the
/// ranges `buildDate` checks (hours 0-23, minutes 0-59, seconds 0-60).
fn parse_time(s: &str) -> Option<(u32, u32, u32, i64)> {
    let (hms, fraction) = match s.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let mut it = hms.split(':');
    let h = digits(it.next()?, 1, 2)?;
    let m = digits(it.next()?, 2, 2)?;
    let sec = digits(it.next()?, 2, 2)?;
    if it.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some((h, m, sec, fraction_ms(fraction)?))
}

/// Parses an RFC 7231 date the way `@smithy/core` 3.41.1 `parseRfc7231DateTime`
/// (`submodules/serde/date-utils.js`) does, for the `retry-after` header: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, with an optional fraction of a second and a one-digit hour
/// allowed), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`: the two-digit year is the next one at or
/// after this year ending in them, less a century if that is more than 50 years ahead, hence
/// `now_ms`) or asctime (`Sun Nov  6 08:49:37 1994`). The weekday is not checked against the date.
pub fn parse_rfc7231_date(s: &str, now_ms: i64) -> Option<i64> {
    const LONG_DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    if let Some(rest) = s.strip_suffix(" GMT") {
        if let Some(t) = parse_imf_fixdate(rest) {
            return Some(t);
        }
        // RFC 850.
        let (weekday, rest) = crate::text::split_once(rest, ", ")?;
        let (dmy, time) = rest.split_once(' ')?;
        if !LONG_DAYS.contains(&weekday) || time.contains(' ') {
            return None;
        }
        let mut dmy = dmy.split('-');
        let day = digits(dmy.next()?, 2, 2)?;
        let month = month_of(dmy.next()?)?;
        let yy = i64::from(digits(dmy.next()?, 2, 2)?);
        if dmy.next().is_some() {
            return None;
        }
        let (this_year, _, _) = civil_from_days(now_ms.div_euclid(86_400_000));
        let mut year = this_year.div_euclid(100) * 100 + yy;
        if year < this_year {
            year += 100;
        }
        let t = build(year, month, day, time)?;
        const FIFTY_YEARS_MS: i64 = 50 * 365 * 24 * 60 * 60 * 1000;
        if t - now_ms > FIFTY_YEARS_MS {
            return build(year - 100, month, day, time);
        }
        return Some(t);
    }
    // asctime: `Sun Nov  6 08:49:37 1994`.
    const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let weekday = s.get(..4)?.strip_suffix(' ')?;
    let month = month_of(s.get(4..7)?)?;
    let rest = s.get(7..)?.strip_prefix(' ')?;
    let (day, rest) = match rest.strip_prefix(' ') {
        Some(r) => (digits(r.get(..1)?, 1, 1).filter(|d| *d >= 1)?, r.get(1..)?),
        None => (digits(rest.get(..2)?, 2, 2)?, rest.get(2..)?),
    };
    let (time, year) = rest.strip_prefix(' ')?.split_once(' ')?;
    if !SHORT_DAYS.contains(&weekday) {
        return None;
    }
    build(i64::from(digits(year, 4, 4)?), month, day, time)
}

/// Parses the ECMAScript date-time string format (`Date.parse`'s one standard form): `YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD` (UTC), optionally followed by `THH:mm`, `THH:mm:ss` or
/// `THH:mm:ss.sss` and then `Z` or `±HH:mm`. A date-time without a zone is local time in
/// JavaScript; the core has no time zone, so it reads none.
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut ymd = date.split('-');
    let year = i64::from(digits(ymd.next()?, 4, 4)?);
    let month = ymd.next().map_or(Some(1), |m| digits(m, 2, 2))?;
    let day = ymd.next().map_or(Some(1), |d| digits(d, 2, 2))?;
    if ymd.next().is_some()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let Some(time) = time else {
        return Some(utc_ms(year, month, day, 0, 0, 0, 0));
    };
    let (clock, offset_min) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else {
        let i = time.rfind(['+', '-'])?;
        let (c, z) = time.split_at(i);
        let (zh, zm) = z[1..].split_once(':')?;
        let (zh, zm) = (digits(zh, 2, 2)?, digits(zm, 2, 2)?);
        if zh > 23 || zm > 59 {
            return None;
        }
        let sign = if z.starts_with('-') { -1 } else { 1 };
        (c, sign * i64::from(zh * 60 + zm))
    };
    let (hms, ms) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(digits(f, 3, 3)?)),
        None => (clock, None),
    };
    let mut it = hms.split(':');
    let h = digits(it.next()?, 2, 2)?;
    let m = digits(it.next()?, 2, 2)?;
    let sec = it.next().map_or(Some(0), |x| digits(x, 2, 2))?;
    if it.next().is_some() || (ms.is_some() && hms.matches(':').count() != 2) {
        return None;
    }
    let end_of_day = h == 24 && m == 0 && sec == 0 && ms.unwrap_or(0) == 0;
    if (h > 23 && !end_of_day) || m > 59 || sec > 59 {
        return None;
    }
    let t = utc_ms(year, month, day, h, m, sec, i64::from(ms.unwrap_or(0)));
    Some(t - offset_min * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_amz_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_440_938_160_000), "20150830T123600Z");
        assert_eq!(amz_date(951_782_400_999), "20000229T000000Z");
        assert_eq!(amz_date(4_102_444_799_000), "20991231T235959Z");
    }

    #[test]
    fn parses_imf_fixdate() {
        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            Some(1_440_938_160_000)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"),
            Some(951_782_400_000)
        );
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 12:36:00 UTC"), None);
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT"), None);
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 25:36:00 GMT"), None);
    }

    #[test]
    fn parses_rfc7231_like_the_sdk() {
        let now = 1_440_938_160_000; // 2015-08-30T12:36:00Z
        let want = Some(1_440_938_170_000);
        assert_eq!(
            parse_rfc7231_date("Sun, 30 Aug 2015 12:36:10 GMT", now),
            want
        );
        // The weekday is not checked; a one-digit hour and a fraction are allowed.
        assert_eq!(
            parse_rfc7231_date("Mon, 30 Aug 2015 12:36:10 GMT", now),
            want
        );
        assert_eq!(
            parse_rfc7231_date("Sun, 30 Aug 2015 2:36:10.5 GMT", now),
            Some(1_440_902_170_500)
        );
        assert_eq!(
            parse_rfc7231_date("Sunday, 30-Aug-15 12:36:10 GMT", now),
            want
        );
        assert_eq!(parse_rfc7231_date("Sun Aug 30 12:36:10 2015", now), want);
        assert_eq!(
            parse_rfc7231_date("Sun Aug  3 12:36:10 2015", now),
            Some(1_438_605_370_000)
        );
        // Two-digit years: this century or the next, but not more than 50 years ahead.
        assert_eq!(
            parse_rfc7231_date("Sunday, 01-Jan-14 00:00:00 GMT", now),
            parse_iso_date("2014-01-01")
        );
        assert_eq!(
            parse_rfc7231_date("Sunday, 01-Jan-60 00:00:00 GMT", now),
            parse_iso_date("2060-01-01")
        );
        for bad in [
            "Sun, 31 Sep 2015 12:36:10 GMT",
            "Sun, 30 Aug 2015 24:36:10 GMT",
            "Sun, 3 Aug 2015 12:36:10 GMT",
            "Sun, 30 Aug 2015 12:36:10 UTC",
            "Sun, 30 Aug 2015 12:36 GMT",
            "Sun, 29 Feb 2015 12:36:10 GMT",
        ] {
            assert_eq!(parse_rfc7231_date(bad, now), None, "{bad}");
        }
        assert!(parse_rfc7231_date("Tue, 29 Feb 2000 00:00:00 GMT", now).is_some());
    }

    #[test]
    fn parses_iso_dates() {
        assert_eq!(
            parse_iso_date("2015-08-30T12:36:00Z"),
            Some(1_440_938_160_000)
        );
        assert_eq!(
            parse_iso_date("2015-08-30T12:36:00.250Z"),
            Some(1_440_938_160_250)
        );
        assert_eq!(
            parse_iso_date("2015-08-30T14:36+02:00"),
            Some(1_440_938_160_000)
        );
        assert_eq!(parse_iso_date("2015-08-30"), Some(1_440_892_800_000));
        assert_eq!(parse_iso_date("2015"), Some(1_420_070_400_000));
        assert_eq!(parse_iso_date("2015-08-30T12:36:00"), None);
        assert_eq!(parse_iso_date("2015-02-29"), None);
        assert_eq!(parse_iso_date("2015-08-30T25:00Z"), None);
        assert_eq!(
            parse_http_date("2015-08-30T12:36:00Z"),
            Some(1_440_938_160_000)
        );
    }

    #[test]
    fn days_round_trip() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}

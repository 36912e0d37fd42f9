//! JavaScript's `String(n)` and the SDK's `jsonReviver`, as a reference for the error-code reader:
//! the module writes whole numbers only (`value::integer_text`), and these check that they agree.

use agentcore_identity_edge::error;
use agentcore_identity_edge::value::{integer_text, Value};

/// JavaScript's `Number.prototype.toString()` (radix 10) of a finite or infinite double.
fn js_number_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return "0".into();
    }
    // Rust's `{:e}` writes the shortest digits that round-trip, as ECMAScript requires.
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    let sign = if v < 0.0 { "-" } else { "" };
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        match digits.len() {
            1 => format!("{digits}e{e}"),
            _ => format!("{}.{}e{e}", &digits[..1], &digits[1..]),
        }
    };
    format!("{sign}{body}")
}

/// A JSON number member as the SDK reads it in an error body: its `String(n)` when `jsonReviver`
/// keeps it a number (within ±(2^53 - 1) and exactly the number its source text writes), `None`
/// when it becomes a `BigInt` or `NumericValue` (on hosts whose `JSON.parse` gives revivers the
/// source text: Node 21+, current browsers). `source` is the number's JSON text.
fn json_number_code(source: &str) -> Option<String> {
    let value: f64 = source.parse().ok()?;
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !(-MAX_SAFE..=MAX_SAFE).contains(&value) {
        return None;
    }
    let canonical = js_number_to_string(value);
    let representable = source == canonical
        || (value == 0.0 && value.is_sign_negative())
        || if source.contains(['e', 'E']) {
            expand_to_decimal(source) == expand_to_decimal(&canonical)
        } else {
            let normalized = strip_fraction_zeros(source);
            normalized == canonical
                || (canonical.contains('e') && normalized == expand_to_decimal(&canonical))
        };
    representable.then_some(canonical)
}

/// `s.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "")`.
fn strip_fraction_zeros(s: &str) -> String {
    let mut out = s.to_owned();
    if let Some(dot) = out.find('.') {
        if out[dot + 1..].bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = out.trim_end_matches('0').len().max(dot + 1);
            out.truncate(trimmed);
        }
    }
    if out.ends_with('.') {
        out.pop();
    }
    out
}

/// `expandToDecimal` of `jsonReviver.js`: a number's text without exponent.
fn expand_to_decimal(s: &str) -> String {
    let (negative, abs) = match s.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, s),
    };
    let mut result = match abs.find(['e', 'E']) {
        None => abs.to_owned(),
        Some(i) => {
            let exp: i64 = abs[i + 1..].parse().unwrap_or(0);
            let mantissa = &abs[..i];
            let (digits, int_len) = match mantissa.find('.') {
                None => (mantissa.to_owned(), mantissa.len() as i64),
                Some(d) => (
                    format!("{}{}", &mantissa[..d], &mantissa[d + 1..]),
                    d as i64,
                ),
            };
            let trimmed = digits.trim_end_matches('0');
            let digits = if trimmed.is_empty() { "0" } else { trimmed };
            let dot = int_len + exp;
            let len = digits.len() as i64;
            if digits == "0" {
                "0".to_owned()
            } else if dot <= 0 {
                format!("0.{}{digits}", "0".repeat((-dot) as usize))
            } else if dot >= len {
                format!("{digits}{}", "0".repeat((dot - len) as usize))
            } else {
                format!("{}.{}", &digits[..dot as usize], &digits[dot as usize..])
            }
        }
    };
    if result.contains('.') {
        result = strip_fraction_zeros(&result);
    }
    if negative {
        format!("-{result}")
    } else {
        result
    }
}

#[test]
fn formats_numbers_as_javascript() {
    for (v, s) in [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-12.5, "-12.5"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (0.1 + 0.2, "0.30000000000000004"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (f64::INFINITY, "Infinity"),
        (f64::NAN, "NaN"),
    ] {
        assert_eq!(js_number_to_string(v), s, "{v:e}");
    }
}

#[test]
fn revives_numbers_as_the_sdk() {
    assert_eq!(json_number_code("12").as_deref(), Some("12"));
    assert_eq!(json_number_code("1.0").as_deref(), Some("1"));
    assert_eq!(json_number_code("1.50").as_deref(), Some("1.5"));
    assert_eq!(json_number_code("1e2").as_deref(), Some("100"));
    assert_eq!(json_number_code("1.5E-7").as_deref(), Some("1.5e-7"));
    assert_eq!(json_number_code("-0").as_deref(), Some("0"));
    assert_eq!(
        json_number_code("9007199254740991").as_deref(),
        Some("9007199254740991")
    );
    // Beyond the safe range: a BigInt. Not exactly a double: a NumericValue.
    assert_eq!(json_number_code("9007199254740993"), None);
    assert_eq!(json_number_code("12345678901234567890"), None);
    assert_eq!(json_number_code("0.30000000000000001"), None);
}

#[test]
fn whole_numbers_are_written_as_javascript_writes_them() {
    for n in [
        0.0,
        1.0,
        -1.0,
        42.0,
        1e15,
        9_007_199_254_740_991.0,
        -9_007_199_254_740_991.0,
    ] {
        assert_eq!(
            integer_text(n).as_deref(),
            Some(js_number_to_string(n).as_str()),
            "{n}"
        );
    }
    // Not whole: no code, where the SDK would write `String(n)`.
    assert_eq!(integer_text(12.5), None);
    let parsed: Value = serde_json::from_str(r#"{"code":12.5,"message":"m"}"#).unwrap();
    assert_eq!(
        error::parse_service_error(400, None, Some(&parsed)).code,
        "Unknown"
    );
    let parsed: Value = serde_json::from_str(r#"{"code":42,"message":"m"}"#).unwrap();
    assert_eq!(
        error::parse_service_error(400, None, Some(&parsed)).code,
        "42"
    );
}

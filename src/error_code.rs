//! The error code of an error reply, found as the AWS SDK for JavaScript v3 finds it.
//!
//! `@smithy/core` 3.41.1 `submodules/protocols/json/parseJsonBody.js` (`loadRestJsonErrorCode`,
//! `sanitizeErrorCode`), called by `@aws-sdk/core` 3.981.1
//! `submodules/protocols/json/AwsRestJsonProtocol.js` (`handleError`) with the reply's headers and
//! the reply body parsed by `JSON.parse` (with `jsonReviver`, `protocols/json/jsonReviver.js`):
//!
//! 1. the `x-amzn-errortype` header, if present (even empty);
//! 2. else the body's first top-level key that is `code` in any case (`Object.keys` order: the
//!    order of first appearance; a duplicated key keeps its last value);
//! 3. else the body's `__type`;
//!
//! then `sanitizeErrorCode`: a number becomes its JavaScript string; the part before the first `,`
//! (two joined headers), then before the first `:` (`Code:http://...`), then after the first `#`
//! (`namespace#Code`, up to a second `#`).
//!
//! With no code at all the SDK names the error [`UNKNOWN_ERROR_NAME`] (`"Unknown"`), and an error
//! without `message`/`Message` in its body gets the message [`UNKNOWN_ERROR_MESSAGE`]
//! (`ProtocolLib.getErrorSchemaOrThrowBaseException`, `decorateServiceException`). An unmodeled
//! code keeps its own name, with `$fault` `client` below status 500 and `server` from 500.
//!
//! Where the SDK fails with a `TypeError` (a `code` or `__type` member that is `null`, a boolean, an
//! object, or a number `jsonReviver` turns into a `BigInt` or `NumericValue`), this finds no code.

/// The `name` the SDK gives an error reply without a code (`AwsRestJsonProtocol.handleError`:
/// `loadRestJsonErrorCode(...) ?? "Unknown"`).
pub const UNKNOWN_ERROR_NAME: &str = "Unknown";

/// The `message` of an error reply whose body has neither `message` nor `Message`.
pub const UNKNOWN_ERROR_MESSAGE: &str = "UnknownError";

/// `sanitizeErrorCode` for a string.
pub fn sanitize_error_code(raw: &str) -> &str {
    let v = raw.split(',').next().unwrap_or(raw);
    let v = v.split(':').next().unwrap_or(v);
    match v.split_once('#') {
        Some((_, rest)) => rest.split('#').next().unwrap_or(rest),
        None => v,
    }
}

/// `loadRestJsonErrorCode` + `sanitizeErrorCode`.
///
/// `header` is the `x-amzn-errortype` header as the host's `Headers.get` returns it (duplicates
/// joined with `, `). `body_members` are the top-level members of the body, if it is a JSON object,
/// in document order, duplicates included; each value is `Some` when it is a string, or a number
/// written as JavaScript's `String(n)` would ([`json_number_code`]), and `None` otherwise.
pub fn rest_json_error_code<K, V>(
    header: Option<&str>,
    body_members: &[(K, Option<V>)],
) -> Option<String>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    if let Some(h) = header {
        return Some(sanitize_error_code(h).to_owned());
    }
    // `JSON.parse` keeps a duplicated key at its first position, with its last value.
    let last_value = |name: &str| {
        body_members
            .iter()
            .rev()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref().map(AsRef::as_ref))
    };
    // `k.toLowerCase() === "code"`: no non-ASCII character lowercases to these ASCII letters.
    if let Some((key, _)) = body_members
        .iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case("code"))
    {
        return last_value(key.as_ref())
            .flatten()
            .map(|v| sanitize_error_code(v).to_owned());
    }
    last_value("__type")
        .flatten()
        .map(|v| sanitize_error_code(v).to_owned())
}

/// JavaScript's `Number.prototype.toString()` (radix 10) of a finite or infinite double.
pub fn js_number_to_string(v: f64) -> String {
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
pub fn json_number_code(source: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn code(header: Option<&str>, body: &[(&str, Option<&str>)]) -> Option<String> {
        rest_json_error_code(header, body)
    }

    #[test]
    fn agrees_with_load_rest_json_error_code() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/sdk-vectors.json")).unwrap();
        let cases = v["errorCode"].as_array().unwrap();
        assert!(cases.len() >= 15);
        for c in cases {
            let members: Vec<(&str, Option<&str>)> = c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| (m[0].as_str().unwrap(), m[1].as_str()))
                .collect();
            assert_eq!(
                rest_json_error_code(c["header"].as_str(), &members).as_deref(),
                c["code"].as_str(),
                "{c}"
            );
        }
    }

    #[test]
    fn header_first() {
        let body = [("code", Some("BodyCode")), ("__type", Some("TypeCode"))];
        assert_eq!(
            code(Some("ThrottlingException"), &body).as_deref(),
            Some("ThrottlingException")
        );
        assert_eq!(
            code(
                Some("ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
                &[]
            )
            .as_deref(),
            Some("ValidationException")
        );
        assert_eq!(
            code(
                Some("aws.protocoltests#FooError, aws.protocoltests#BarError"),
                &[]
            )
            .as_deref(),
            Some("FooError")
        );
        // Present but empty: an empty code, not the body's.
        assert_eq!(code(Some(""), &body).as_deref(), Some(""));
        assert_eq!(code(Some("a#b#c"), &[]).as_deref(), Some("b"));
        assert_eq!(code(Some("ns#"), &[]).as_deref(), Some(""));
    }

    #[test]
    fn then_the_first_code_key_in_any_case() {
        let body = [
            ("message", Some("m")),
            ("Code", Some("First")),
            ("code", Some("Second")),
            ("__type", Some("ns#Type")),
        ];
        assert_eq!(code(None, &body).as_deref(), Some("First"));
        // A duplicated key keeps its first place and its last value.
        let body = [
            ("CODE", Some("A")),
            ("code", Some("B")),
            ("CODE", Some("C")),
        ];
        assert_eq!(code(None, &body).as_deref(), Some("C"));
        // A number, as JavaScript writes it.
        let n = json_number_code("12.50");
        assert_eq!(
            code(None, &[("code", n.as_deref())]).as_deref(),
            Some("12.5")
        );
        // A code that is not a string or a number: the SDK throws; no code.
        assert_eq!(code(None, &[("code", None), ("__type", Some("T"))]), None);
    }

    #[test]
    fn then_type() {
        let body = [("__type", Some("com.amazon#ResourceNotFoundException:x"))];
        assert_eq!(
            code(None, &body).as_deref(),
            Some("ResourceNotFoundException")
        );
        assert_eq!(code(None, &[("__TYPE", Some("T"))]), None);
        assert_eq!(code(None, &[("__type", None)]), None);
        assert_eq!(code(None, &[] as &[(&str, Option<&str>)]), None);
        // Owned values work too.
        let owned = vec![("__type", Some(String::from("X")))];
        assert_eq!(rest_json_error_code(None, &owned).as_deref(), Some("X"));
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
}

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
//! without `message`/`Message` in its body gets the message `UnknownError`
//! (`ProtocolLib.getErrorSchemaOrThrowBaseException`, `decorateServiceException`); this package
//! writes a message that names the status instead (`crate::error`). An unmodeled
//! code keeps its own name, with `$fault` `client` below status 500 and `server` from 500.
//!
//! A number that is not whole (`{"code": 12.5}`) is no code here, where the SDK would write
//! `"12.5"`: writing doubles as JavaScript does costs the module 1.1 KB (gzip) for a code no
//! service sends (`tests/js_numbers.rs` holds the reference and checks the whole numbers agree).
//!
//! Where the SDK fails with a `TypeError` (a `code` or `__type` member that is `null`, a boolean, an
//! object, or a number `jsonReviver` turns into a `BigInt` or `NumericValue`), this finds no code.

/// The `name` the SDK gives an error reply without a code (`AwsRestJsonProtocol.handleError`:
/// `loadRestJsonErrorCode(...) ?? "Unknown"`).
pub const UNKNOWN_ERROR_NAME: &str = "Unknown";

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
/// in document order, duplicates included; each value is `Some` when it is a string, or the text of a
/// number (`crate::value::integer_text`: whole numbers only), and `None` otherwise.
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
        // A number, as JavaScript writes it (whole numbers: `tests/js_numbers.rs`).
        let n = crate::value::integer_text(12.0);
        assert_eq!(code(None, &[("code", n.as_deref())]).as_deref(), Some("12"));
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
}

//! Success replies: the modeled members only, type-checked, handed back to JavaScript through serde
//! with `$metadata`. A union member the model does not know comes back as the AWS SDK gives it,
//! `{ $unknown: [name, value] }`. The two members a caller acts on are checked beyond their type:
//! `sessionUri` against the model's pattern, and `authorizationUrl` as a URL a browser may be sent
//! to (https, or http on a loopback host; no user info).

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::endpoint::is_loopback_authority;
use crate::shapes::{Shape, StringShape, StructShape, AUTHORIZATION_URL, REQUEST_URI};
use crate::validate::Body;
use crate::value::{is_safe_integer, Value};

/// Why a 2xx reply could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The body is not JSON (an HTML page, a truncated body).
    NotJson,
    /// The body is JSON but not an object.
    NotAnObject(&'static str),
    /// A modeled member has the wrong JSON type.
    WrongType {
        /// The member's path.
        member: String,
        /// The JSON type the model calls for.
        expected: &'static str,
        /// The JSON type received.
        got: &'static str,
    },
    /// A modeled member has the right type but a value the package refuses to hand on.
    BadValue {
        /// The member's path.
        member: String,
        /// What it must be.
        expected: &'static str,
    },
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::NotJson => f.write_str("the reply body is not valid JSON"),
            ResponseError::NotAnObject(got) => {
                write!(f, "the reply body is a JSON {got}, not an object")
            }
            ResponseError::WrongType {
                member,
                expected,
                got,
            } => write!(f, "reply member {member} is a {got}, expected a {expected}"),
            ResponseError::BadValue { member, expected } => {
                write!(f, "reply member {member} is not {expected}")
            }
        }
    }
}

impl std::error::Error for ResponseError {}

fn json_type(shape: Shape) -> &'static str {
    match shape {
        Shape::String(_) | Shape::Enum(_) => "string",
        Shape::Boolean => "boolean",
        Shape::Long => "number",
        Shape::List(_) => "list",
        Shape::Map(_) | Shape::Structure(_) => "object",
    }
}

/// The `$metadata` of a result or an error, as the AWS SDKs report it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The HTTP status, when a reply came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<u16>,
    /// `x-amzn-RequestId`, else `x-amzn-request-id`, else `x-amz-request-id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `x-amz-id-2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_request_id: Option<String>,
    /// `x-amz-cf-id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cf_id: Option<String>,
    /// Attempts made.
    pub attempts: u32,
    /// Milliseconds slept between attempts.
    pub total_retry_delay: u64,
}

/// A checked result: the modeled members of the reply, then `$metadata`.
#[derive(Debug, Clone)]
pub struct Output {
    shape: &'static StructShape,
    body: Value,
    /// The result's `$metadata`.
    pub metadata: Metadata,
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let body = Body {
            shape: self.shape,
            value: &self.body,
        };
        let mut out = s.serialize_struct("Output", body.len() + 1)?;
        body.write_members(&mut out)?;
        out.serialize_field("$metadata", &self.metadata)?;
        out.end()
    }
}

impl Output {
    /// Where the result holds a union member the model does not know: the path of member names
    /// to the union, and the unknown member's name. serde writes its value with `null` as
    /// `undefined` and an own `__proto__` key as a prototype, so the wasm executor puts the value
    /// there as the host's `JSON.parse` read it, as the AWS SDK hands it on.
    pub fn unknown_members(&self) -> Vec<(Vec<&'static str>, String)> {
        fn walk(
            shape: &'static StructShape,
            value: &Value,
            path: &mut Vec<&'static str>,
            out: &mut Vec<(Vec<&'static str>, String)>,
        ) {
            let body = Body { shape, value };
            if let Some((name, _)) = body.unknown() {
                out.push((path.clone(), name.to_owned()));
                return;
            }
            for (m, v) in body.members() {
                if let Shape::Structure(inner) = m.shape {
                    path.push(m.name);
                    walk(inner, v, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        walk(self.shape, &self.body, &mut Vec::new(), &mut out);
        out
    }
}

/// Whether `url` may be handed to a caller who opens it: an absolute `https` URL, or `http` on a
/// loopback host (a local emulator); with a host, without user info (`https://aws@evil`), white
/// space, control characters or backslashes. A `javascript:` or `data:` URL is none of these.
pub fn is_safe_authorization_url(url: &str) -> bool {
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return false;
    }
    let Some((scheme, rest)) = crate::text::split_once(url, "://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    if scheme.eq_ignore_ascii_case("https") {
        return true;
    }
    scheme.eq_ignore_ascii_case("http") && is_loopback_authority(&authority.to_ascii_lowercase())
}

/// Checks a string member's value beyond its type, where the package or its caller acts on it.
fn check_string(shape: &'static StringShape, s: &str) -> Result<(), &'static str> {
    if std::ptr::eq(shape, &REQUEST_URI) && !shape.admits(s) {
        return Err(
            "a RequestUri (urn:ietf:params:oauth:request_uri:..., at most 1024 characters)",
        );
    }
    if std::ptr::eq(shape, &AUTHORIZATION_URL) && !is_safe_authorization_url(s) {
        return Err("an https URL (or http on a loopback host) without user info");
    }
    Ok(())
}

fn check_members(
    shape: &'static StructShape,
    doc: &Value,
    path: &str,
) -> Result<(), ResponseError> {
    for m in shape.members {
        let Some(v) = doc.get(m.name).filter(|v| !v.is_null()) else {
            continue;
        };
        let member = if path.is_empty() {
            m.name.to_owned()
        } else {
            format!("{path}.{}", m.name)
        };
        let expected = json_type(m.shape);
        let got = v.type_name();
        let whole =
            !matches!(m.shape, Shape::Long) || matches!(v, Value::Number(n) if is_safe_integer(*n));
        if expected != got || !whole {
            return Err(ResponseError::WrongType {
                member,
                expected,
                got,
            });
        }
        if let (Shape::String(string), Value::String(text)) = (m.shape, v) {
            check_string(string, text)
                .map_err(|expected| ResponseError::BadValue { member, expected })?;
        } else if let Shape::Structure(inner) = m.shape {
            check_members(inner, v, &member)?;
        }
    }
    Ok(())
}

/// Checks a 2xx body for `output`: `parsed` is the body as the host's `JSON.parse` read it, `None`
/// when it was not JSON; `empty` says the body was empty (an empty result).
pub fn parse_output(
    output: &'static StructShape,
    parsed: Option<Value>,
    empty: bool,
    metadata: Metadata,
) -> Result<Output, ResponseError> {
    let body = match parsed {
        Some(v) => v,
        None if empty => Value::Object(Vec::new()),
        None => return Err(ResponseError::NotJson),
    };
    if !matches!(body, Value::Object(_)) {
        return Err(ResponseError::NotAnObject(body.type_name()));
    }
    check_members(output, &body, "")?;
    Ok(Output {
        shape: output,
        body,
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::{
        GET_RESOURCE_API_KEY_RESPONSE, GET_RESOURCE_OAUTH2_TOKEN_RESPONSE,
        GET_RESOURCE_PAYMENT_TOKEN_RESPONSE,
    };

    fn meta() -> Metadata {
        Metadata {
            http_status_code: Some(200),
            request_id: Some("req-1".into()),
            extended_request_id: None,
            cf_id: None,
            attempts: 2,
            total_retry_delay: 37,
        }
    }

    fn json(text: &str) -> Option<Value> {
        serde_json::from_str(text).ok()
    }

    #[test]
    fn keeps_modeled_members_and_appends_metadata() {
        let out = parse_output(
            &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE,
            json(r#"{"sessionUri":"urn:ietf:params:oauth:request_uri:x","extra":1,"sessionStatus":"SOMETHING_NEW","accessToken":null}"#),
            false,
            meta(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"sessionUri":"urn:ietf:params:oauth:request_uri:x","sessionStatus":"SOMETHING_NEW","$metadata":{"httpStatusCode":200,"requestId":"req-1","attempts":2,"totalRetryDelay":37}}"#
        );
    }

    #[test]
    fn empty_body_is_an_empty_result() {
        let m = Metadata {
            request_id: None,
            ..meta()
        };
        let out = parse_output(&GET_RESOURCE_API_KEY_RESPONSE, None, true, m).unwrap();
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"$metadata":{"httpStatusCode":200,"attempts":2,"totalRetryDelay":37}}"#
        );
    }

    #[test]
    fn refuses_what_is_not_the_model() {
        let op = &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE;
        let err = |r: Result<Output, ResponseError>| r.err();
        assert_eq!(
            err(parse_output(op, None, false, meta())),
            Some(ResponseError::NotJson)
        );
        assert_eq!(
            err(parse_output(op, json("[1]"), false, meta())),
            Some(ResponseError::NotAnObject("list"))
        );
        assert_eq!(
            err(parse_output(
                op,
                json(r#"{"accessToken":5}"#),
                false,
                meta()
            )),
            Some(ResponseError::WrongType {
                member: "accessToken".into(),
                expected: "string",
                got: "number"
            })
        );
        let e = parse_output(
            op,
            json(r#"{"accessToken":{"secret":"TOKEN-CANARY"}}"#),
            false,
            meta(),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("TOKEN-CANARY"));
    }

    /// The result of a payment token reply, without `$metadata`.
    fn payment(body: &str) -> String {
        let out = parse_output(
            &GET_RESOURCE_PAYMENT_TOKEN_RESPONSE,
            json(body),
            false,
            meta(),
        )
        .unwrap();
        let text = serde_json::to_string(&out).unwrap();
        text[..text.find(r#","$metadata""#).unwrap()].to_owned() + "}"
    }

    #[test]
    fn an_unknown_union_member_comes_back_as_the_sdk_gives_it() {
        assert_eq!(
            payment(r#"{"paymentTokenResponse":{"newKind":{"a":1,"b":["x"]}}}"#),
            r#"{"paymentTokenResponse":{"$unknown":["newKind",{"a":1,"b":["x"]}]}}"#
        );
        // A known member set next to it, or two unknown ones: no $unknown (as UnionSerde).
        assert_eq!(
            payment(
                r#"{"paymentTokenResponse":{"newKind":1,"coinbaseCdpTokenResponse":{"bearerToken":"b"}}}"#
            ),
            r#"{"paymentTokenResponse":{"coinbaseCdpTokenResponse":{"bearerToken":"b"}}}"#
        );
        assert_eq!(
            payment(r#"{"paymentTokenResponse":{"newKind":1,"otherKind":2}}"#),
            r#"{"paymentTokenResponse":{}}"#
        );
        // A known member that is null does not count; __type is not a member.
        assert_eq!(
            payment(
                r#"{"paymentTokenResponse":{"__type":"t","coinbaseCdpTokenResponse":null,"newKind":"v"}}"#
            ),
            r#"{"paymentTokenResponse":{"$unknown":["newKind","v"]}}"#
        );
        // A structure that is not a union keeps its modeled members only.
        assert_eq!(
            payment(
                r#"{"paymentTokenResponse":{"coinbaseCdpTokenResponse":{"bearerToken":"b","newField":1}}}"#
            ),
            r#"{"paymentTokenResponse":{"coinbaseCdpTokenResponse":{"bearerToken":"b"}}}"#
        );
    }

    #[test]
    fn unknown_members_are_found_by_path() {
        let out = |body: &str| {
            parse_output(
                &GET_RESOURCE_PAYMENT_TOKEN_RESPONSE,
                json(body),
                false,
                meta(),
            )
            .unwrap()
            .unknown_members()
        };
        assert_eq!(
            out(r#"{"paymentTokenResponse":{"newKind":null}}"#),
            vec![(vec!["paymentTokenResponse"], "newKind".to_owned())]
        );
        assert_eq!(
            out(r#"{"paymentTokenResponse":{"coinbaseCdpTokenResponse":{"bearerToken":"b"}}}"#),
            Vec::<(Vec<&str>, String)>::new()
        );
        assert!(out(r#"{"paymentTokenResponse":{"a":1,"b":2}}"#).is_empty());
    }

    #[test]
    fn authorization_urls_are_https_or_loopback_http_without_user_info() {
        for ok in [
            "https://signin.example.com/authorize?client_id=x&state=y",
            "HTTPS://signin.example.com",
            "http://localhost:8080/consent",
            "http://127.0.0.1:4566/authorize",
            "http://[::1]/x",
        ] {
            assert!(is_safe_authorization_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "http://signin.example.com/authorize",
            "http://localhost.evil.example/",
            "http://127.0.0.1.evil.example/",
            "https://aws.amazon.com@evil.example/",
            "https://user:pass@signin.example.com/",
            "https:///path-only",
            "https://",
            "https://signin.example.com/a b",
            "https://signin.example.com/\n",
            "https:\\\\evil.example",
            // A browser reads `\` as `/`: the host would be evil.example.
            "https://evil.example\\.signin.example.com/authorize",
            "https://signin.example.com/a\\b",
            "//evil.example/",
            "/relative",
            "",
        ] {
            assert!(!is_safe_authorization_url(bad), "{bad}");
        }
    }

    #[test]
    fn replies_with_an_unsafe_authorization_url_or_a_malformed_session_are_refused() {
        let op = &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE;
        let err = |body: &str| parse_output(op, json(body), false, meta()).err();
        let e = err(
            r#"{"authorizationUrl":"javascript:alert('TOKEN-CANARY')","sessionUri":"urn:ietf:params:oauth:request_uri:s"}"#,
        )
        .unwrap();
        assert_eq!(
            e.to_string(),
            "reply member authorizationUrl is not an https URL (or http on a loopback host) without user info"
        );
        for session in [
            "urn:ietf:params:oauth:request_uri:",
            "urn:ietf:params:oauth:request_uri:a b",
            "https://evil.example/",
            &format!("urn:ietf:params:oauth:request_uri:{}", "a".repeat(1024)),
        ] {
            let body = format!(r#"{{"sessionUri":"{session}"}}"#);
            let e = err(&body).unwrap();
            assert!(
                e.to_string()
                    .starts_with("reply member sessionUri is not a RequestUri"),
                "{e}"
            );
        }
        let fine = format!(
            r#"{{"authorizationUrl":"https://signin.example.com/a","sessionUri":"urn:ietf:params:oauth:request_uri:{}"}}"#,
            "a".repeat(1024 - 34)
        );
        assert!(err(&fine).is_none());
    }
}

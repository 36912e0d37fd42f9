//! Success replies: the modeled members only, type-checked, written back as compact JSON.

use std::fmt;

use crate::json::{self, ParseError, Value};
use crate::shapes::{Shape, StructShape};

/// Why a 2xx reply could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The body is not JSON (an HTML page, a truncated body).
    NotJson(ParseError),
    /// The body is JSON but not an object.
    NotAnObject(&'static str),
    /// A modeled member has the wrong JSON type.
    WrongType {
        /// The member.
        member: &'static str,
        /// The JSON type the model calls for.
        expected: &'static str,
        /// The JSON type received.
        got: &'static str,
    },
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::NotJson(e) => write!(f, "the reply body is not valid JSON ({e})"),
            ResponseError::NotAnObject(got) => {
                write!(f, "the reply body is a JSON {got}, not an object")
            }
            ResponseError::WrongType {
                member,
                expected,
                got,
            } => write!(f, "reply member {member} is a {got}, expected a {expected}"),
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

/// The `$metadata` of a result, as the AWS SDKs report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata<'a> {
    /// The HTTP status.
    pub status: u16,
    /// `x-amzn-RequestId`.
    pub request_id: Option<&'a str>,
    /// Attempts made.
    pub attempts: u32,
    /// Milliseconds slept between attempts.
    pub total_retry_delay_ms: u64,
}

impl Metadata<'_> {
    fn write_json(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{{\"httpStatusCode\":{}", self.status);
        if let Some(id) = self.request_id {
            out.push_str(",\"requestId\":");
            json::write_str(out, id);
        }
        let _ = write!(
            out,
            ",\"attempts\":{},\"totalRetryDelay\":{}}}",
            self.attempts, self.total_retry_delay_ms
        );
    }
}

/// Parses a 2xx body for `output` and returns the result as compact JSON: the modeled members
/// (unknown ones dropped; an empty body counts as `{}`), then `$metadata`.
pub fn parse_output(
    output: &'static StructShape,
    body: &str,
    metadata: &Metadata<'_>,
) -> Result<String, ResponseError> {
    let empty = Value::Object(Vec::new());
    let parsed;
    let doc = if body.trim().is_empty() {
        &empty
    } else {
        parsed = json::parse(body).map_err(ResponseError::NotJson)?;
        &parsed
    };
    if !matches!(doc, Value::Object(_)) {
        return Err(ResponseError::NotAnObject(doc.type_name()));
    }
    let mut out = String::with_capacity(body.len() + 128);
    out.push('{');
    for m in output.members {
        let Some(v) = doc.get(m.name).filter(|v| **v != Value::Null) else {
            continue;
        };
        let expected = json_type(m.shape);
        let got = v.type_name();
        if expected != got {
            return Err(ResponseError::WrongType {
                member: m.name,
                expected,
                got,
            });
        }
        if out.len() > 1 {
            out.push(',');
        }
        json::write_str(&mut out, m.name);
        out.push(':');
        json::write_value(&mut out, v);
    }
    if out.len() > 1 {
        out.push(',');
    }
    out.push_str("\"$metadata\":");
    metadata.write_json(&mut out);
    out.push('}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::{GET_RESOURCE_API_KEY_RESPONSE, GET_RESOURCE_OAUTH2_TOKEN_RESPONSE};

    const META: Metadata<'static> = Metadata {
        status: 200,
        request_id: Some("req-1"),
        attempts: 2,
        total_retry_delay_ms: 37,
    };

    #[test]
    fn keeps_modeled_members_and_appends_metadata() {
        let out = parse_output(
            &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE,
            r#"{"sessionUri":"urn:ietf:params:oauth:request_uri:x","extra":1,"sessionStatus":"SOMETHING_NEW","accessToken":null}"#,
            &META,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"sessionUri":"urn:ietf:params:oauth:request_uri:x","sessionStatus":"SOMETHING_NEW","$metadata":{"httpStatusCode":200,"requestId":"req-1","attempts":2,"totalRetryDelay":37}}"#
        );
    }

    #[test]
    fn empty_body_is_an_empty_result() {
        let meta = Metadata {
            request_id: None,
            ..META
        };
        assert_eq!(
            parse_output(&GET_RESOURCE_API_KEY_RESPONSE, " ", &meta).unwrap(),
            r#"{"$metadata":{"httpStatusCode":200,"attempts":2,"totalRetryDelay":37}}"#
        );
    }

    #[test]
    fn refuses_what_is_not_the_model() {
        let op = &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE;
        assert!(matches!(
            parse_output(op, "<html>", &META),
            Err(ResponseError::NotJson(_))
        ));
        assert!(matches!(
            parse_output(op, r#"{"accessToken":"abc"#, &META),
            Err(ResponseError::NotJson(_))
        ));
        assert_eq!(
            parse_output(op, "[1]", &META),
            Err(ResponseError::NotAnObject("list"))
        );
        assert_eq!(
            parse_output(op, r#"{"accessToken":5}"#, &META),
            Err(ResponseError::WrongType {
                member: "accessToken",
                expected: "string",
                got: "number"
            })
        );
        let e =
            parse_output(op, r#"{"accessToken":{"secret":"TOKEN-CANARY"}}"#, &META).unwrap_err();
        assert!(!e.to_string().contains("TOKEN-CANARY"));
    }
}

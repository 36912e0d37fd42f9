//! Success replies: the modeled members only, type-checked, handed back to JavaScript through serde
//! with `$metadata`.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::shapes::{Shape, StructShape};
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
        if let Shape::Structure(inner) = m.shape {
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
    use crate::shapes::{GET_RESOURCE_API_KEY_RESPONSE, GET_RESOURCE_OAUTH2_TOKEN_RESPONSE};

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
}

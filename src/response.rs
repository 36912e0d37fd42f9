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
        Shape::List(_) => "list",
        Shape::Map(_) | Shape::Structure(_) => "object",
    }
}

/// Parses a 2xx body for `output` and returns the modeled members as compact JSON. Unknown
/// members are dropped; an empty body counts as `{}`.
pub fn parse_output(output: &'static StructShape, body: &str) -> Result<String, ResponseError> {
    if body.trim().is_empty() {
        return Ok("{}".to_owned());
    }
    let doc = json::parse(body).map_err(ResponseError::NotJson)?;
    if !matches!(doc, Value::Object(_)) {
        return Err(ResponseError::NotAnObject(doc.type_name()));
    }
    let mut out = String::with_capacity(body.len());
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
    out.push('}');
    Ok(out)
}

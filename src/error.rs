//! Service error replies, parsed the way botocore and the AWS SDK for JavaScript parse restJson1.
//!
//! The code comes from the `x-amzn-errortype` header, else the body's `code`, else its `__type`;
//! anything after a `:` and before a `#` is dropped (`aws.protocoltests#FooError:http://...` is
//! `FooError`). The message is the body's `message` or `Message`. A reply that is not JSON (an
//! HTML page from a proxy) still yields an error carrying its status. The body arrives parsed (by
//! the host's `JSON.parse`, read through serde), or `None` when it was not JSON.

use serde::Serialize;

use crate::shapes::{modeled_error, Fault};
use crate::value::Value;

/// The `name` given to an error reply that carries no error code.
pub const UNKNOWN_ERROR: &str = "UnknownError";

/// A parsed error reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The error code (the JS error's `name`).
    pub code: String,
    /// The service's message.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
    /// Whose fault: the model's for modeled errors, else by status.
    pub fault: Fault,
    /// `ValidationException.reason`.
    pub reason: Option<String>,
    /// `ValidationException.fieldList`, as (name, message) pairs.
    pub field_list: Option<Vec<FieldError>>,
}

/// One entry of `ValidationException.fieldList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name.
    pub name: String,
    /// Why it failed.
    pub message: String,
}

/// Reduces a raw error type to its code, as the SDK's `sanitizeErrorCode`: the first of
/// comma-joined values (a header `fetch` joined from two), then drops `:...` suffixes and `...#`
/// namespaces.
pub fn sanitize_code(raw: &str) -> &str {
    let code = raw.split(',').next().unwrap_or(raw);
    let code = code.split(':').next().unwrap_or(code);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim()
}

/// The body's code, as the SDK's `loadRestJsonErrorCode`: the first member whose name is `code` in
/// any case, else `__type`; a whole number counts as its decimal text.
fn body_code(doc: &Value) -> Option<String> {
    let Value::Object(members) = doc else {
        return None;
    };
    let as_code = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => crate::value::integer_text(*n),
        _ => None,
    };
    let by_name = members
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("code"));
    match by_name {
        Some((_, v)) if !v.is_null() => as_code(v),
        _ => doc.get("__type").and_then(as_code),
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Parses an error reply from its status, `x-amzn-errortype` header and parsed body.
pub fn parse_service_error(
    status: u16,
    error_type: Option<&str>,
    body: Option<&Value>,
) -> ServiceError {
    let doc = body.filter(|v| matches!(v, Value::Object(_)));
    let text = |key: &str| doc.and_then(|d| d.get(key)).and_then(Value::as_str);

    let raw_code = error_type
        .filter(|h| !h.trim().is_empty())
        .map(str::to_owned)
        .or_else(|| doc.and_then(body_code));
    let code = raw_code
        .as_deref()
        .map(sanitize_code)
        .filter(|c| !c.is_empty())
        .unwrap_or(UNKNOWN_ERROR)
        .to_owned();

    // An empty or blank message is no message: fall back to one that names the error.
    let given = text("message")
        .or_else(|| text("Message"))
        .filter(|m| !m.trim().is_empty());
    let message = match given {
        Some(m) => m.to_owned(),
        None if code == UNKNOWN_ERROR => format!(
            "HTTP {status} {} with no AWS error code in the reply",
            reason_phrase(status)
        )
        .replace("  ", " "),
        None => format!("{code} (HTTP {status})"),
    };

    let fault = match modeled_error(&code) {
        Some(e) => e.fault,
        None if status >= 500 => Fault::Server,
        None => Fault::Client,
    };

    let (reason, field_list) = if code == "ValidationException" {
        let fields = doc.and_then(|d| d.get("fieldList")).and_then(|v| match v {
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|f| {
                        Some(FieldError {
                            name: f.get("name")?.as_str()?.to_owned(),
                            message: f.get("message")?.as_str()?.to_owned(),
                        })
                    })
                    .collect(),
            ),
            _ => None,
        });
        (text("reason").map(str::to_owned), fields)
    } else {
        (None, None)
    };

    ServiceError {
        code,
        message,
        status,
        fault,
        reason,
        field_list,
    }
}

//! Service error replies, parsed the way botocore and the AWS SDK for JavaScript parse restJson1.
//!
//! The code is found as the SDK's `loadRestJsonErrorCode` finds it ([`crate::error_code`]): the
//! `x-amzn-errortype` header, else the body's first member named `code` in any case, else its
//! `__type`; the first of comma-joined values, without `:...` suffixes or `...#` namespaces. The
//! message is the body's `message` or `Message`. A reply that is not JSON (an HTML page from a
//! proxy) still yields an error carrying its status. The body arrives parsed (by the host's
//! `JSON.parse`, read through serde), or `None` when it was not JSON.

use serde::Serialize;

use crate::error_code::{rest_json_error_code, UNKNOWN_ERROR_NAME};
use crate::shapes::{modeled_error, Fault};
use crate::value::{integer_text, Value};

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

    let members: Vec<(&str, Option<String>)> = match doc {
        Some(Value::Object(members)) => members
            .iter()
            .map(|(k, v)| {
                let code = match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => integer_text(*n),
                    _ => None,
                };
                (k.as_str(), code)
            })
            .collect(),
        _ => Vec::new(),
    };
    // A blank header is no header: the body may still name the error.
    let header = error_type.filter(|h| !h.trim().is_empty());
    let code = rest_json_error_code(header, &members)
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| UNKNOWN_ERROR_NAME.to_owned());

    // An empty or blank message is no message: fall back to one that names the error.
    let given = text("message")
        .or_else(|| text("Message"))
        .filter(|m| !m.trim().is_empty());
    let message = match given {
        Some(m) => m.to_owned(),
        None if code == UNKNOWN_ERROR_NAME => {
            let phrase = reason_phrase(status);
            let space = if phrase.is_empty() { "" } else { " " };
            format!("HTTP {status}{space}{phrase} with no AWS error code in the reply")
        }
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

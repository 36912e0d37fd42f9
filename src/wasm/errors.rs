//! Public errors: the core's failures written as props (by serde) and built into the wrapper's
//! `Error` subclasses by its `makeError(kind, props)`.

use js_sys::Function;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::boundary::{to_js, Refusal};
use crate::call::CallError;
use crate::callback::CallbackError;
use crate::error::FieldError;
use crate::response::Metadata;
use crate::retry::{classify, ErrorClass};
use crate::shapes::Fault;
use crate::validate::Issue;

/// The error kinds `makeError` knows.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Configuration,
    Credentials,
    Validation,
    Service,
    Network,
    Timeout,
    Response,
    Callback,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Configuration => "configuration",
            Kind::Credentials => "credentials",
            Kind::Validation => "validation",
            Kind::Service => "service",
            Kind::Network => "network",
            Kind::Timeout => "timeout",
            Kind::Response => "response",
            Kind::Callback => "callback",
        }
    }
}

/// Builds public errors with the wrapper's factory.
#[derive(Clone)]
pub(crate) struct ErrorFactory {
    /// The wrapper's `makeError(kind, props)`; without one, plain `Error`s with the message.
    make_error: Option<Function>,
}

#[derive(Serialize)]
struct Simple<'a> {
    message: &'a str,
    #[serde(
        with = "serde_wasm_bindgen::preserve",
        skip_serializing_if = "JsValue::is_undefined"
    )]
    cause: JsValue,
    #[serde(rename = "$metadata", skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Metadata>,
}

#[derive(Serialize)]
struct Validation<'a> {
    message: String,
    issues: &'a [Issue],
}

#[derive(Serialize)]
struct Retryable {
    throttling: bool,
}

#[derive(Serialize)]
struct Service<'a> {
    name: &'a str,
    message: &'a str,
    #[serde(rename = "$metadata")]
    metadata: &'a Metadata,
    #[serde(rename = "$fault")]
    fault: &'static str,
    #[serde(rename = "$retryable", skip_serializing_if = "Option::is_none")]
    retryable: Option<Retryable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(rename = "fieldList", skip_serializing_if = "Option::is_none")]
    field_list: Option<&'a [FieldError]>,
}

#[derive(Serialize)]
struct Callback<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(rename = "errorDescription", skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
}

impl ErrorFactory {
    pub(crate) fn new(make_error: Option<Function>) -> Self {
        ErrorFactory { make_error }
    }

    fn build(&self, kind: Kind, props: JsValue) -> JsValue {
        match &self.make_error {
            Some(f) => match f.call2(&JsValue::NULL, &JsValue::from_str(kind.as_str()), &props) {
                Ok(e) | Err(e) => e,
            },
            None => {
                let message = js_sys::Reflect::get(&props, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_default();
                js_sys::Error::new(&message).into()
            }
        }
    }

    /// An error of `kind` with a message and an optional cause.
    pub(crate) fn simple(&self, kind: Kind, message: &str, cause: Option<&JsValue>) -> JsValue {
        let props = Simple {
            message,
            cause: cause.cloned().unwrap_or(JsValue::UNDEFINED),
            metadata: None,
        };
        self.build(kind, to_js(&props))
    }

    /// A refused value of `what` (`credentials`, `config`, ...), as an error of `kind`.
    pub(crate) fn refusal(&self, kind: Kind, what: &str, r: &Refusal) -> JsValue {
        self.simple(kind, &r.describe(what), None)
    }

    /// Input that breaks the model: every issue, with its path.
    pub(crate) fn validation(&self, issues: &[Issue]) -> JsValue {
        let summary: Vec<String> = issues.iter().map(ToString::to_string).collect();
        let noun = if issues.len() == 1 { "error" } else { "errors" };
        let props = Validation {
            message: format!(
                "{} validation {noun}: {}",
                issues.len(),
                crate::text::join(&summary, "; ")
            ),
            issues,
        };
        self.build(Kind::Validation, to_js(&props))
    }

    /// A refused callback.
    pub(crate) fn callback(&self, e: &CallbackError) -> JsValue {
        let props = Callback {
            code: e.code.as_str(),
            message: e.to_string(),
            error: e.error.as_deref(),
            error_description: e.error_description.as_deref(),
        };
        self.build(Kind::Callback, to_js(&props))
    }

    /// A failed call; `cause` is the host's error of the last attempt, if any.
    pub(crate) fn call(
        &self,
        e: &CallError,
        cause: &JsValue,
        endpoint: &str,
        timeout_ms: Option<u32>,
    ) -> JsValue {
        let (kind, message, metadata) = match e {
            CallError::Service(err, metadata) => return self.service(err, metadata),
            CallError::Timeout(m) => (
                Kind::Timeout,
                format!(
                    "no reply within requestTimeoutMs ({} ms), after {} attempt(s)",
                    timeout_ms.unwrap_or_default(),
                    m.attempts
                ),
                m,
            ),
            CallError::Network(m) => (
                Kind::Network,
                format!(
                    "the request to {endpoint} failed before a reply, after {} attempt(s)",
                    m.attempts
                ),
                m,
            ),
            CallError::Response(message, m) => (Kind::Response, message.clone(), m),
        };
        let props = Simple {
            message: &message,
            cause: cause.clone(),
            metadata: Some(metadata),
        };
        self.build(kind, to_js(&props))
    }

    fn service(&self, err: &crate::error::ServiceError, metadata: &Metadata) -> JsValue {
        let retryable = match classify(&err.code, err.status) {
            ErrorClass::Throttling => Some(Retryable { throttling: true }),
            ErrorClass::Transient => Some(Retryable { throttling: false }),
            ErrorClass::ServerError | ErrorClass::ClientError => None,
        };
        let props = Service {
            name: &err.code,
            message: &err.message,
            metadata,
            fault: match err.fault {
                Fault::Client => "client",
                Fault::Server => "server",
            },
            retryable,
            reason: err.reason.as_deref(),
            field_list: err.field_list.as_deref(),
        };
        self.build(Kind::Service, to_js(&props))
    }
}

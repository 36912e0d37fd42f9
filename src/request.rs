//! Building and signing a request: the caller's input in, `{url, headers, body}` out. No I/O.

use std::fmt;

use crate::endpoint::Endpoint;
use crate::shapes::Operation;
use crate::sign::{self, Credentials, SdkHeaders, SignableRequest, Signed, SigningKeyCache};
use crate::validate::{validate_input, Body, Issue};
use crate::value::Value;

/// A validated request, ready to be signed (again, on each attempt). `Debug` shows the body's
/// length only: it holds the caller's tokens.
#[derive(Clone)]
pub struct PreparedRequest {
    /// The operation.
    pub operation: &'static Operation,
    /// The full URL.
    pub url: String,
    /// The path as sent (base path of an endpoint override, then the operation's path).
    pub path: String,
    /// The `host` header value.
    pub authority: String,
    /// The JSON body, serialised once; the same bytes are signed and sent.
    pub body: String,
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("operation", &self.operation.name)
            .field("url", &self.url)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Validates `input` for `operation` and lays out the request for `endpoint`; `write` writes the
/// body (the input's modeled members in model order) as JSON text.
pub fn prepare(
    operation: &'static Operation,
    endpoint: &Endpoint,
    input: &Value,
    write: impl FnOnce(&Body<'_>) -> Option<String>,
) -> Result<PreparedRequest, Vec<Issue>> {
    let body = write(&validate_input(operation.input, input)?).ok_or_else(|| {
        vec![Issue {
            path: String::new(),
            message: "input cannot be written as JSON".into(),
        }]
    })?;
    Ok(PreparedRequest {
        operation,
        url: endpoint.url(operation.path),
        path: format!("{}{}", endpoint.base_path, operation.path),
        authority: endpoint.authority.clone(),
        body,
    })
}

impl PreparedRequest {
    /// Signs one attempt at `epoch_ms` with the SDK's telemetry and user-agent headers
    /// (`crate::sign::sign_with`).
    pub fn sign_attempt(
        &self,
        sdk: &SdkHeaders<'_>,
        creds: &Credentials,
        region: &str,
        epoch_ms: i64,
        cache: &mut SigningKeyCache,
    ) -> Signed {
        sign::sign_with(
            SignableRequest {
                authority: &self.authority,
                path: &self.path,
                body: &self.body,
            },
            Some(sdk),
            creds,
            region,
            epoch_ms,
            cache,
        )
    }
}

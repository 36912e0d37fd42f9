//! One operation call as a sans-I/O state machine: the executor (the wasm transport, or a test)
//! asks for the signed request of the next attempt, performs it, reports the [`Outcome`], and is
//! told what to do next: send again after a delay, or finish with a result or an error.
//!
//! Every decision (retry or not, how long to wait, whether the clock is skewed, what the error is)
//! is made here, from the reply and the values passed in (the clock, a random number); nothing here
//! reads a clock, a random source or the network.

use serde::Deserialize;

use crate::date::parse_http_date;
use crate::endpoint::Endpoint;
use crate::error::{parse_service_error, ServiceError};
use crate::request::{prepare, PreparedRequest};
use crate::response::{parse_output, Metadata, Output, ResponseError};
use crate::retry::{classify, corrected_offset, Decision, ErrorClass, RetryQuota, RetryState};
use crate::shapes::Operation;
use crate::sign::{Credentials, Signed, SigningKeyCache};
use crate::validate::{Body, Issue};
use crate::value::Value;

/// Largest reply body read; larger ones are refused (the host stops reading at this size).
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// A reply as the host read it: status, the headers the core needs, and the body as parsed by the
/// host's `JSON.parse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `x-amzn-requestid`.
    #[serde(default)]
    pub request_id: Option<String>,
    /// `x-amzn-errortype`.
    #[serde(default)]
    pub error_type: Option<String>,
    /// `date`.
    #[serde(default)]
    pub date: Option<String>,
    /// `retry-after`.
    #[serde(default)]
    pub retry_after: Option<String>,
    /// `x-amz-retry-after`.
    #[serde(default)]
    pub amz_retry_after: Option<String>,
    /// The body, parsed; `None` when it was empty or not JSON.
    #[serde(default)]
    pub parsed: Option<Value>,
    /// The body was empty (or only white space).
    #[serde(default)]
    pub empty: bool,
    /// The body passed [`MAX_REPLY_BYTES`]; reading stopped there.
    #[serde(default)]
    pub too_large: bool,
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A reply came.
    Reply(Reply),
    /// The per-attempt timeout fired.
    TimedOut,
    /// `fetch` or the body read failed before a reply (the executor keeps the host's error).
    Network,
}

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// An error reply from the service.
    Service(ServiceError, Metadata),
    /// No reply within the timeout, on the last attempt.
    Timeout(Metadata),
    /// No reply at all, on the last attempt.
    Network(Metadata),
    /// A 2xx reply that is not what the model says, or too large.
    Response(String, Metadata),
}

/// What the executor does next.
#[derive(Debug)]
pub enum Next {
    /// Sleep this long, then sign and send again.
    Retry {
        /// Backoff in milliseconds (0: at once).
        delay_ms: u32,
    },
    /// The call is over.
    Done(Result<Output, CallError>),
}

/// State shared by the calls of one client: the retry quota and the clock offset.
#[derive(Debug, Default)]
pub struct ClientState {
    /// The retry quota.
    pub quota: RetryQuota,
    /// Milliseconds to add to the local clock (learnt from the service's `Date`).
    pub clock_offset_ms: i64,
    /// The last derived signing key.
    pub keys: SigningKeyCache,
}

/// One call in progress.
#[derive(Debug)]
pub struct Call {
    request: PreparedRequest,
    retry: RetryState,
}

impl Call {
    /// Validates `input` and prepares the call; the issues list every violation. `write` writes
    /// the body as JSON text (the host's `JSON.stringify` in wasm, serde_json natively).
    pub fn new(
        operation: &'static Operation,
        endpoint: &Endpoint,
        input: &Value,
        max_attempts: u32,
        write: impl FnOnce(&Body<'_>) -> Option<String>,
    ) -> Result<Call, Vec<Issue>> {
        Ok(Call {
            request: prepare(operation, endpoint, input, write)?,
            retry: RetryState::new(max_attempts),
        })
    }

    /// The prepared request (URL and body are the same on every attempt).
    pub fn request(&self) -> &PreparedRequest {
        &self.request
    }

    /// Signs the next attempt at `local_now_ms` (the local clock; the learnt offset is added).
    pub fn sign(
        &mut self,
        creds: &Credentials,
        region: &str,
        local_now_ms: i64,
        state: &mut ClientState,
    ) -> Signed {
        self.retry.attempts += 1;
        self.request.sign(
            creds,
            region,
            local_now_ms + state.clock_offset_ms,
            &mut state.keys,
        )
    }

    fn metadata(&self, status: Option<u16>, request_id: Option<String>) -> Metadata {
        Metadata {
            http_status_code: status,
            request_id,
            attempts: self.retry.attempts,
            total_retry_delay: self.retry.total_delay_ms,
        }
    }

    /// Decides what follows the attempt that ended with `outcome`, at `local_now_ms`, with
    /// `random` in `[0, 1)` for the backoff jitter.
    pub fn on_outcome(
        &mut self,
        outcome: Outcome,
        local_now_ms: i64,
        state: &mut ClientState,
        random: f64,
    ) -> Next {
        let (class, skew_fixed, failure) = match outcome {
            Outcome::Reply(reply) => {
                let skew_fixed = reply
                    .date
                    .as_deref()
                    .and_then(parse_http_date)
                    .and_then(|server| {
                        corrected_offset(
                            server,
                            local_now_ms + state.clock_offset_ms,
                            state.clock_offset_ms,
                        )
                    })
                    .map(|offset| state.clock_offset_ms = offset)
                    .is_some();
                if (200..300).contains(&reply.status) {
                    return Next::Done(self.success(reply, state));
                }
                if reply.too_large {
                    let meta = self.metadata(Some(reply.status), reply.request_id);
                    return Next::Done(Err(too_large(meta)));
                }
                let err = parse_service_error(
                    reply.status,
                    reply.error_type.as_deref(),
                    reply.parsed.as_ref(),
                );
                let class = classify(&err.code, err.status);
                let meta = self.metadata(Some(reply.status), reply.request_id);
                (class, skew_fixed, CallError::Service(err, meta))
            }
            Outcome::TimedOut => (
                ErrorClass::Timeout,
                false,
                CallError::Timeout(self.metadata(None, None)),
            ),
            Outcome::Network => (
                ErrorClass::Transient,
                false,
                CallError::Network(self.metadata(None, None)),
            ),
        };
        match self
            .retry
            .after_failure(class, skew_fixed, &mut state.quota, random)
        {
            Decision::Retry { delay_ms, .. } => Next::Retry { delay_ms },
            Decision::RetrySkewCorrected => Next::Retry { delay_ms: 0 },
            Decision::Stop => Next::Done(Err(failure)),
        }
    }

    fn success(&mut self, reply: Reply, state: &mut ClientState) -> Result<Output, CallError> {
        let meta = self.metadata(Some(reply.status), reply.request_id);
        if reply.too_large {
            return Err(too_large(meta));
        }
        let out = parse_output(
            self.request.operation.output,
            reply.parsed,
            reply.empty,
            meta.clone(),
        )
        .map_err(|e: ResponseError| CallError::Response(e.to_string(), meta))?;
        state.quota.release(self.retry.last_cost);
        Ok(out)
    }
}

fn too_large(meta: Metadata) -> CallError {
    CallError::Response(
        format!("the reply body is larger than {MAX_REPLY_BYTES} bytes"),
        meta,
    )
}

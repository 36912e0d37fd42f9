//! One operation call as a sans-I/O state machine: the executor (the wasm transport, or a test)
//! asks for the signed request of the next attempt, performs it, reports the [`Outcome`], and is
//! told what to do next: send again after a delay, or finish with a result or an error.
//!
//! Every decision (retry or not, how long to wait, whether the clock is skewed, what the error is)
//! is made here, from the reply and the values passed in (the clock, a random number); nothing here
//! reads a clock, a random source or the network.

use crate::date::parse_http_date;
use crate::endpoint::Endpoint;
use crate::error::{parse_service_error, ServiceError};
use crate::request::{prepare, PreparedRequest};
use crate::response::{parse_output, Metadata, Output, ResponseError};
/// One error of a failed `fetch`'s `cause` chain, as the host read it.
pub use crate::retry::HostError;
use crate::retry::{
    classify_host_error, classify_service_error, is_clock_skew_corrected, retry_after_ms,
    updated_clock_offset, Decision, ErrorClass, RetryQuota, RetryState, ServiceErrorFacts,
};
use crate::shapes::Operation;
use crate::sign::{Credentials, SdkHeaders, Signed, SigningKeyCache};
use crate::validate::{Body, Issue};
use crate::value::Value;

/// Largest reply body read; larger ones are refused (the host stops reading at this size).
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// A reply as the host read it: status, the headers the core needs, and the body as parsed by the
/// host's `JSON.parse`.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The HTTP status (0 for a browser's opaque redirect).
    pub status: u16,
    /// The `Response`'s `type` (`"basic"`, `"cors"`, `"opaqueredirect"`, ...), when the host has
    /// one.
    pub response_type: Option<String>,
    /// `x-amzn-requestid`.
    pub amzn_requestid: Option<String>,
    /// `x-amzn-request-id`: the request id when `x-amzn-requestid` is absent.
    pub amzn_request_id: Option<String>,
    /// `x-amz-request-id`: the request id when neither of the above is present.
    pub amz_request_id: Option<String>,
    /// `x-amz-id-2`.
    pub extended_request_id: Option<String>,
    /// `x-amz-cf-id`.
    pub cf_id: Option<String>,
    /// `x-amzn-errortype`.
    pub error_type: Option<String>,
    /// `date`.
    pub date: Option<String>,
    /// `retry-after`.
    pub retry_after: Option<String>,
    /// `x-amz-retry-after`.
    pub amz_retry_after: Option<String>,
    /// The reply has an `age` header (a cached reply: its `Date` says nothing of the clock).
    pub has_age: bool,
    /// The body, parsed; `None` when it was empty or not JSON.
    pub parsed: Option<Value>,
    /// The body was empty (zero length; white space is not JSON, as the SDK reads it).
    pub empty: bool,
    /// The body passed [`MAX_REPLY_BYTES`]; reading stopped there.
    pub too_large: bool,
}

impl Reply {
    /// Whether the reply is a redirect: a 3xx status, or a browser's opaque redirect (a `fetch`
    /// with `redirect: "manual"` sees status 0 and type `opaqueredirect`). A redirect is never
    /// followed: it ends the call as an error reply, as the AWS SDK's does, and is never retried.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
            || (self.status == 0 && self.response_type.as_deref() == Some("opaqueredirect"))
    }

    /// `$metadata.requestId` as the AWS SDK reads it: `x-amzn-requestid`, else
    /// `x-amzn-request-id`, else `x-amz-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.amzn_requestid
            .as_deref()
            .or(self.amzn_request_id.as_deref())
            .or(self.amz_request_id.as_deref())
    }
}

/// How one attempt ended.
// One `Outcome` per attempt, built once and moved into `Call::on_outcome`: boxing the reply would
// only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A reply came.
    Reply(Reply),
    /// The per-attempt timeout fired.
    TimedOut,
    /// `fetch` or the body read failed before a reply: the error and its causes (the executor
    /// keeps the host's error itself).
    Network(Vec<HostError>),
}

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// An error reply from the service.
    Service(Box<ServiceError>, Metadata),
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
    invocation_id: String,
    /// The local clock when the current attempt was signed.
    sent_at_ms: i64,
    /// The clock offset the current attempt was signed with.
    signed_offset_ms: i64,
}

impl Call {
    /// Validates `input` and prepares the call; the issues list every violation. `write` writes
    /// the body as JSON text (the host's `JSON.stringify` in wasm, serde_json natively);
    /// `invocation_id` is the call's `amz-sdk-invocation-id` (`crate::retry::invocation_id`).
    pub fn new(
        operation: &'static Operation,
        endpoint: &Endpoint,
        input: &Value,
        max_attempts: u32,
        invocation_id: String,
        write: impl FnOnce(&Body<'_>) -> Option<String>,
    ) -> Result<Call, Vec<Issue>> {
        Ok(Call {
            request: prepare(operation, endpoint, input, write)?,
            retry: RetryState::new(max_attempts),
            invocation_id,
            sent_at_ms: 0,
            signed_offset_ms: 0,
        })
    }

    /// The prepared request (URL and body are the same on every attempt).
    pub fn request(&self) -> &PreparedRequest {
        &self.request
    }

    /// Signs the next attempt at `local_now_ms` (the local clock; the learnt offset is added),
    /// with the SDK's telemetry headers and `user_agent`.
    pub fn sign(
        &mut self,
        creds: &Credentials,
        region: &str,
        user_agent: &str,
        local_now_ms: i64,
        state: &mut ClientState,
    ) -> Signed {
        self.sent_at_ms = local_now_ms;
        self.signed_offset_ms = state.clock_offset_ms;
        let telemetry = self.retry.request_header();
        let sdk = SdkHeaders {
            invocation_id: &self.invocation_id,
            request: &telemetry,
            user_agent,
        };
        self.request.sign_attempt(
            &sdk,
            creds,
            region,
            local_now_ms + state.clock_offset_ms,
            &mut state.keys,
        )
    }

    /// The `$metadata` of the current attempt, from its reply if one came.
    fn metadata(&self, reply: Option<&Reply>) -> Metadata {
        Metadata {
            http_status_code: reply.map(|r| r.status),
            request_id: reply.and_then(Reply::request_id).map(str::to_owned),
            extended_request_id: reply.and_then(|r| r.extended_request_id.clone()),
            cf_id: reply.and_then(|r| r.cf_id.clone()),
            attempts: self.retry.attempt(),
            total_retry_delay: self.retry.total_delay_ms(),
        }
    }

    /// Decides what follows the attempt that ended with `outcome`, at `local_now_ms`, with
    /// `random` in `[0, 1)` for the backoff jitter. Every reply's `Date` moves the clock offset, as
    /// the SDK's signer does; an error reply that moved it by 4 minutes or more is retried.
    pub fn on_outcome(
        &mut self,
        outcome: Outcome,
        local_now_ms: i64,
        state: &mut ClientState,
        random: f64,
    ) -> Next {
        let (class, retry_after, failure) = match outcome {
            // Checked before anything is learnt from the reply: a redirect may come from a proxy
            // or another host, and its `Date` and body say nothing of the service.
            Outcome::Reply(reply) if reply.is_redirect() => {
                return Next::Done(Err(self.redirect(&reply)))
            }
            Outcome::Reply(reply) => {
                state.clock_offset_ms = updated_clock_offset(
                    reply.date.as_deref().and_then(parse_http_date),
                    reply.has_age,
                    self.sent_at_ms,
                    local_now_ms,
                    state.clock_offset_ms,
                );
                let skew_corrected =
                    is_clock_skew_corrected(state.clock_offset_ms, self.signed_offset_ms);
                if (200..300).contains(&reply.status) {
                    match self.success(reply, state) {
                        // An unusable 2xx that corrected the clock is retried, as the SDK's
                        // signer marks any error after such a reply (`clockSkewCorrected`).
                        Err(e @ CallError::Response(..)) if skew_corrected => {
                            (ErrorClass::Transient, None, e)
                        }
                        done => return Next::Done(done),
                    }
                } else {
                    self.error_reply(reply, skew_corrected, local_now_ms)
                }
            }
            Outcome::TimedOut => (
                ErrorClass::Transient,
                None,
                CallError::Timeout(self.metadata(None)),
            ),
            Outcome::Network(chain) => (
                classify_host_error(&chain),
                None,
                CallError::Network(self.metadata(None)),
            ),
        };
        match self
            .retry
            .after_failure(class, retry_after, &mut state.quota, random)
        {
            Decision::Retry { delay_ms, .. } => Next::Retry {
                delay_ms: u32::try_from(delay_ms).unwrap_or(u32::MAX),
            },
            Decision::Stop(_) => Next::Done(Err(failure)),
        }
    }

    /// A redirect, as the AWS SDK ends on one: an error reply without a code (`Unknown`, the
    /// caller's fault) after this attempt. Only its `$metadata` is read, not its body or error
    /// code: not even a throttling code may make it retried.
    fn redirect(&self, reply: &Reply) -> CallError {
        let status = if reply.status == 0 {
            "an opaque redirect (HTTP 0)".to_owned()
        } else {
            format!("HTTP {}", reply.status)
        };
        // No header and no body: `Unknown`, and (a 3xx or 0 status) the caller's fault.
        let err = ServiceError {
            message: format!("the reply is {status}: redirects are not followed"),
            ..parse_service_error(reply.status, None, None)
        };
        CallError::Service(Box::new(err), self.metadata(Some(reply)))
    }

    /// An error reply: its class, its retry-after hint and the error it ends as.
    fn error_reply(
        &self,
        reply: Reply,
        skew_corrected: bool,
        local_now_ms: i64,
    ) -> (ErrorClass, Option<u64>, CallError) {
        let meta = self.metadata(Some(&reply));
        let err = parse_service_error(
            reply.status,
            reply.error_type.as_deref(),
            reply.parsed.as_ref(),
        );
        let class = classify_service_error(&ServiceErrorFacts {
            code: &err.code,
            status: err.status,
            message: &err.message,
            clock_skew_corrected: skew_corrected,
            retryable_trait: None,
        });
        let hint = retry_after_ms(
            reply.retry_after.as_deref(),
            reply.amz_retry_after.as_deref(),
            local_now_ms,
        );
        // A body that is not JSON (a proxy's HTML page) or too large to read is retried by its
        // status, and ends as a reply that could not be read, as the SDK's parser fails on it.
        let failure = if reply.too_large {
            too_large(meta)
        } else if reply.parsed.is_none() && !reply.empty {
            CallError::Response(
                format!("the HTTP {} error reply is not JSON", reply.status),
                meta,
            )
        } else {
            CallError::Service(Box::new(err), meta)
        };
        (class, hint, failure)
    }

    fn success(&mut self, reply: Reply, state: &mut ClientState) -> Result<Output, CallError> {
        let meta = self.metadata(Some(&reply));
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
        state.quota.record_success(&self.retry);
        Ok(out)
    }
}

fn too_large(meta: Metadata) -> CallError {
    CallError::Response(
        format!("the reply body is larger than {MAX_REPLY_BYTES} bytes"),
        meta,
    )
}

//! The I/O edge (wasm only): issues prepared requests through the host's `fetch`, reads the
//! clock, resolves credentials and drives retries, backoff sleeps, timeouts and abort.
//!
//! `fetch` is called with a plain init object whose `headers` is a plain object: building
//! `Request` and `Headers` objects costs more than the rest of the call. The reply is read with
//! `text()`, parsed once in Rust, and handed back as one JSON string.

use std::cell::{Cell, RefCell};

use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use crate::endpoint::Endpoint;
use crate::error::{parse_service_error, ServiceError};
use crate::request::{prepare, PreparedRequest};
use crate::response::{parse_output, Metadata};
use crate::retry::{
    classify, classify_host_error, classify_service_error, invocation_id, is_clock_skew_corrected,
    retry_after_ms, updated_clock_offset, Decision, ErrorClass, HostErrorFacts, RetryQuota,
    RetryState, ServiceErrorFacts,
};
use crate::shapes::{Fault, Operation};
use crate::sign::{Credentials, SdkHeaders, SigningKeyCache};
use crate::validate::Issue;

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Largest reply body read; larger ones are refused.
pub(crate) const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// The host functions the wrapper injects.
pub(crate) struct Host {
    /// `send(url, body, headerLines, signal)`: the wrapper's call of `fetch(url, init)`, with
    /// `headerLines` as `name\nvalue\n...`.
    pub(crate) send: Function,
    /// `sleep(ms, signal)`: resolves after `ms`, rejects promptly on abort.
    pub(crate) sleep: Function,
    /// `makeError(kind, props)`: builds the public `Error` subclass instance.
    pub(crate) make_error: Function,
}

/// Where credentials come from.
pub(crate) enum CredentialSource {
    /// Fixed credentials.
    Static(Credentials),
    /// An async provider, awaited before signing and cached until near expiry.
    Provider(Function),
}

struct CachedCredentials {
    creds: Credentials,
    expires_at_ms: Option<f64>,
}

/// A client's state, shared by its calls.
pub(crate) struct Inner {
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) max_attempts: u32,
    pub(crate) request_timeout_ms: Option<u32>,
    /// The `x-amz-user-agent` value (`crate::user_agent::user_agent`).
    pub(crate) user_agent: String,
    pub(crate) host: Host,
    pub(crate) credentials: CredentialSource,
    cached: RefCell<Option<CachedCredentials>>,
    pending: RefCell<Option<Promise>>,
    keys: RefCell<SigningKeyCache>,
    quota: RefCell<RetryQuota>,
    clock_offset_ms: Cell<f64>,
}

/// How one attempt ended, short of a reply.
enum AttemptFailure {
    /// The caller's signal fired: reject with its reason.
    Aborted(JsValue),
    /// The per-attempt timeout fired.
    TimedOut,
    /// `fetch` or the body read failed; the host's error is kept as the cause.
    Network(JsValue),
    /// The reply was larger than `MAX_REPLY_BYTES`.
    TooLarge(u16, Option<String>),
}

struct Reply {
    status: u16,
    request_id: Option<String>,
    error_type: Option<String>,
    date: Option<String>,
    has_age: bool,
    retry_after: Option<String>,
    x_amz_retry_after: Option<String>,
    body: String,
}

/// Sets `obj[key]`. Setting a property on a fresh plain object cannot fail.
pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Builds a public error with the wrapper's `makeError(kind, props)`.
pub(crate) fn build_error(make_error: &Function, kind: &str, props: &Object) -> JsValue {
    match make_error.call2(&JsValue::NULL, &JsValue::from_str(kind), props) {
        Ok(e) | Err(e) => e,
    }
}

/// A public error of `kind` with just a message.
pub(crate) fn message_error(make_error: &Function, kind: &str, message: &str) -> JsValue {
    let props = Object::new();
    set(&props, "message", &JsValue::from_str(message));
    build_error(make_error, kind, &props)
}

fn opt_str(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

impl Inner {
    pub(crate) fn new(
        region: String,
        endpoint: Endpoint,
        max_attempts: u32,
        request_timeout_ms: Option<u32>,
        host: Host,
        credentials: CredentialSource,
    ) -> Self {
        Inner {
            region,
            endpoint,
            max_attempts,
            request_timeout_ms,
            user_agent: crate::user_agent::user_agent(
                "agentcore-identity-edge",
                env!("CARGO_PKG_VERSION"),
                "js",
                None,
            ),
            host,
            credentials,
            cached: RefCell::new(None),
            pending: RefCell::new(None),
            keys: RefCell::new(SigningKeyCache::default()),
            quota: RefCell::new(RetryQuota::default()),
            clock_offset_ms: Cell::new(0.0),
        }
    }

    /// Builds a public error through the wrapper's factory.
    pub(crate) fn error(&self, kind: &str, props: &Object) -> JsValue {
        build_error(&self.host.make_error, kind, props)
    }

    pub(crate) fn simple_error(
        &self,
        kind: &str,
        message: &str,
        cause: Option<&JsValue>,
    ) -> JsValue {
        let props = Object::new();
        set(&props, "message", &JsValue::from_str(message));
        if let Some(cause) = cause {
            set(&props, "cause", cause);
        }
        self.error(kind, &props)
    }

    fn param_error(&self, issues: &[Issue]) -> JsValue {
        let list = Array::new();
        for i in issues {
            let o = Object::new();
            set(&o, "path", &JsValue::from_str(&i.path));
            set(&o, "message", &JsValue::from_str(&i.message));
            list.push(&o);
        }
        let summary: Vec<String> = issues.iter().map(ToString::to_string).collect();
        let noun = if issues.len() == 1 { "error" } else { "errors" };
        let props = Object::new();
        set(
            &props,
            "message",
            &JsValue::from_str(&format!(
                "{} validation {noun}: {}",
                issues.len(),
                summary.join("; ")
            )),
        );
        set(&props, "issues", &list);
        self.error("validation", &props)
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset_ms.get()
    }

    /// The credentials to sign with: the fixed ones, or the provider's, cached until five minutes
    /// before they expire; concurrent calls share one provider call.
    async fn credentials(&self) -> Result<Credentials, JsValue> {
        let provider = match &self.credentials {
            CredentialSource::Static(c) => return Ok(c.clone()),
            CredentialSource::Provider(f) => f,
        };
        if let Some(c) = self.cached.borrow().as_ref() {
            let fresh = c
                .expires_at_ms
                .is_none_or(|exp| exp - js_sys::Date::now() > REFRESH_BEFORE_EXPIRY_MS);
            if fresh {
                return Ok(c.creds.clone());
            }
        }
        let existing = self.pending.borrow().clone();
        let promise = match existing {
            Some(p) => p,
            None => {
                let called = provider.call0(&JsValue::NULL).map_err(|e| {
                    self.simple_error("credentials", "the credentials provider threw", Some(&e))
                })?;
                let p = Promise::resolve(&called);
                *self.pending.borrow_mut() = Some(p.clone());
                p
            }
        };
        let result = JsFuture::from(promise).await;
        self.pending.borrow_mut().take();
        let value = result.map_err(|e| {
            self.simple_error("credentials", "the credentials provider rejected", Some(&e))
        })?;
        let (creds, expires_at_ms) =
            credentials_from_js(&value).map_err(|m| self.simple_error("credentials", m, None))?;
        *self.cached.borrow_mut() = Some(CachedCredentials {
            creds: creds.clone(),
            expires_at_ms,
        });
        Ok(creds)
    }

    /// Serialises and validates the caller's input once.
    fn prepare(
        &self,
        operation: &'static Operation,
        input: &JsValue,
    ) -> Result<PreparedRequest, JsValue> {
        let input_json = JSON::stringify(input)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                self.param_error(&[Issue {
                    path: String::new(),
                    message: format!(
                        "input must be a JSON-serialisable object ({})",
                        operation.input.name
                    ),
                }])
            })?;
        prepare(operation, &self.endpoint, &input_json).map_err(|issues| self.param_error(&issues))
    }

    /// Validates and signs without sending, with fixed credentials; returns the signature.
    /// For benchmarks of the signing path.
    pub(crate) fn sign_only(
        &self,
        operation: &'static Operation,
        input: &JsValue,
    ) -> Result<String, JsValue> {
        let CredentialSource::Static(creds) = &self.credentials else {
            return Err(self.simple_error(
                "configuration",
                "signing without sending needs fixed credentials",
                None,
            ));
        };
        let request = self.prepare(operation, input)?;
        let signed = request.sign(
            creds,
            &self.region,
            self.now_ms() as i64,
            &mut self.keys.borrow_mut(),
        );
        Ok(signed.signature)
    }

    /// Runs one operation to completion: validate, then sign, send and retry as needed.
    pub(crate) async fn send(
        &self,
        operation: &'static Operation,
        input: JsValue,
        signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        check_abort(signal.as_ref())?;
        let request = self.prepare(operation, &input)?;

        let mut state = RetryState::new(self.max_attempts);
        let mut random = [0u8; 16];
        let _ = getrandom::fill(&mut random);
        let invocation_id = invocation_id(random);
        loop {
            let creds = self.credentials().await?;
            check_abort(signal.as_ref())?;
            let pre_offset = self.clock_offset_ms.get();
            let sent_at = js_sys::Date::now();
            let telemetry = state.request_header();
            let sdk = SdkHeaders {
                invocation_id: &invocation_id,
                request: &telemetry,
                user_agent: &self.user_agent,
            };
            let outcome = self
                .attempt(
                    &request,
                    &sdk,
                    &creds,
                    sent_at + pre_offset,
                    signal.as_ref(),
                )
                .await;
            let (class, failure, retry_after) = match outcome {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    self.update_clock(&reply, sent_at, pre_offset);
                    return self.success(&request, reply, &state);
                }
                Ok(reply) => {
                    let corrected = self.update_clock(&reply, sent_at, pre_offset);
                    let err =
                        parse_service_error(reply.status, reply.error_type.as_deref(), &reply.body);
                    let class = classify_service_error(&ServiceErrorFacts {
                        code: &err.code,
                        status: err.status,
                        message: &err.message,
                        clock_skew_corrected: corrected,
                        retryable_trait: None,
                    });
                    let retry_after = retry_after_ms(
                        reply.retry_after.as_deref(),
                        reply.x_amz_retry_after.as_deref(),
                        js_sys::Date::now() as i64,
                    );
                    (class, Failure::Service(err, reply.request_id), retry_after)
                }
                Err(AttemptFailure::Aborted(reason)) => return Err(reason),
                Err(AttemptFailure::TimedOut) => (ErrorClass::Transient, Failure::Timeout, None),
                Err(AttemptFailure::Network(cause)) => {
                    (host_error_class(&cause), Failure::Network(cause), None)
                }
                Err(AttemptFailure::TooLarge(status, request_id)) => {
                    let props = self.metadata_props(Some(status), request_id.as_deref(), &state);
                    set(
                        &props,
                        "message",
                        &JsValue::from_str(&format!(
                            "the reply body is larger than {MAX_REPLY_BYTES} bytes"
                        )),
                    );
                    return Err(self.error("response", &props));
                }
            };
            let decision = state.after_failure(
                class,
                retry_after,
                &mut self.quota.borrow_mut(),
                js_sys::Math::random(),
            );
            match decision {
                Decision::Retry { delay_ms, .. } => {
                    let ms = u32::try_from(delay_ms).unwrap_or(u32::MAX);
                    self.sleep(ms, signal.as_ref()).await?
                }
                Decision::Stop(_) => return Err(self.failure_error(failure, &state)),
            }
        }
    }

    /// Moves the clock offset to the reply's `Date` (`crate::retry::updated_clock_offset`);
    /// whether the reply counts as clock-skew corrected.
    fn update_clock(&self, reply: &Reply, sent_at: f64, pre_offset: f64) -> bool {
        let server = reply.date.as_deref().and_then(crate::date::parse_http_date);
        let current = self.clock_offset_ms.get() as i64;
        let new = updated_clock_offset(
            server,
            reply.has_age,
            sent_at as i64,
            js_sys::Date::now() as i64,
            current,
        );
        self.clock_offset_ms.set(new as f64);
        is_clock_skew_corrected(new, pre_offset as i64)
    }

    async fn attempt(
        &self,
        request: &PreparedRequest,
        sdk: &SdkHeaders<'_>,
        creds: &Credentials,
        signed_at: f64,
        signal: Option<&AbortSignal>,
    ) -> Result<Reply, AttemptFailure> {
        let signed = request.sign_attempt(
            sdk,
            creds,
            &self.region,
            signed_at as i64,
            &mut self.keys.borrow_mut(),
        );
        // One string for all headers: a single crossing; the wrapper's `send` makes the plain
        // `{ method, headers, body, signal }` init for `fetch`.
        let mut header_lines = String::with_capacity(512);
        for (i, (name, value)) in signed.headers.iter().enumerate() {
            if i > 0 {
                header_lines.push('\n');
            }
            header_lines.push_str(name);
            header_lines.push('\n');
            header_lines.push_str(value);
        }

        let timeout = self.request_timeout_ms.map(AbortSignal::timeout_with_u32);
        let attempt_signal = match (signal, &timeout) {
            (Some(s), Some(t)) => {
                let both = Array::of2(s, t);
                Some(AbortSignal::any(&both))
            }
            (Some(s), None) => Some(s.clone()),
            (None, Some(t)) => Some(t.clone()),
            (None, None) => None,
        };
        let classify_failure = |cause: JsValue| {
            if let Some(s) = signal.filter(|s| s.aborted()) {
                AttemptFailure::Aborted(s.reason())
            } else if timeout.as_ref().is_some_and(|t| t.aborted()) {
                AttemptFailure::TimedOut
            } else {
                AttemptFailure::Network(cause)
            }
        };

        let pending = self
            .host
            .send
            .call4(
                &JsValue::UNDEFINED,
                &JsValue::from_str(&request.url),
                &JsValue::from_str(&request.body),
                &JsValue::from_str(&header_lines),
                &attempt_signal.map_or(JsValue::UNDEFINED, JsValue::from),
            )
            .map_err(classify_failure)?;
        let response = JsFuture::from(Promise::from(pending))
            .await
            .map_err(classify_failure)?;
        if !response.is_object() {
            return Err(AttemptFailure::Network(response));
        }
        let response: Response = response.unchecked_into();

        let status = response.status();
        let reply_headers = response.headers();
        let header = |name: &'static str| reply_headers.get(name).ok().flatten();
        let request_id = header("x-amzn-requestid");
        let too_large = header("content-length")
            .and_then(|l| l.trim().parse::<usize>().ok())
            .is_some_and(|l| l > MAX_REPLY_BYTES);
        if too_large {
            if let Some(body) = response.body() {
                let _ = body.cancel();
            }
            return Err(AttemptFailure::TooLarge(status, request_id));
        }
        let text = response.text().map_err(classify_failure)?;
        let body = JsFuture::from(text)
            .await
            .map_err(classify_failure)?
            .as_string()
            .unwrap_or_default();
        if body.len() > MAX_REPLY_BYTES {
            return Err(AttemptFailure::TooLarge(status, request_id));
        }
        let ok = (200..300).contains(&status);
        Ok(Reply {
            status,
            error_type: if ok { None } else { header("x-amzn-errortype") },
            date: header("date"),
            has_age: header("age").is_some(),
            retry_after: header("retry-after"),
            x_amz_retry_after: header("x-amz-retry-after"),
            request_id,
            body,
        })
    }

    fn success(
        &self,
        request: &PreparedRequest,
        reply: Reply,
        state: &RetryState,
    ) -> Result<JsValue, JsValue> {
        let metadata = Metadata {
            status: reply.status,
            request_id: reply.request_id.as_deref(),
            attempts: state.attempt(),
            total_retry_delay_ms: state.total_delay_ms(),
        };
        let out = parse_output(request.operation.output, &reply.body, &metadata).map_err(|e| {
            let p = self.metadata_props(Some(reply.status), reply.request_id.as_deref(), state);
            set(&p, "message", &JsValue::from_str(&e.to_string()));
            self.error("response", &p)
        })?;
        self.quota.borrow_mut().record_success(state);
        // One parse gives the whole result, `$metadata` included.
        JSON::parse(&out)
    }

    /// `{ $metadata: { httpStatusCode, requestId, attempts, totalRetryDelay } }`
    fn metadata_props(
        &self,
        status: Option<u16>,
        request_id: Option<&str>,
        state: &RetryState,
    ) -> Object {
        let meta = Object::new();
        set(
            &meta,
            "httpStatusCode",
            &status.map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(&meta, "requestId", &opt_str(request_id));
        set(&meta, "attempts", &JsValue::from(state.attempt()));
        set(
            &meta,
            "totalRetryDelay",
            &JsValue::from(state.total_delay_ms() as f64),
        );
        let props = Object::new();
        set(&props, "$metadata", &meta);
        props
    }

    fn failure_error(&self, failure: Failure, state: &RetryState) -> JsValue {
        match failure {
            Failure::Service(err, request_id) => {
                self.service_error(&err, request_id.as_deref(), state)
            }
            Failure::Timeout => {
                let props = self.metadata_props(None, None, state);
                let ms = self.request_timeout_ms.unwrap_or_default();
                set(
                    &props,
                    "message",
                    &JsValue::from_str(&format!(
                        "no reply within requestTimeoutMs ({ms} ms), after {} attempt(s)",
                        state.attempt()
                    )),
                );
                self.error("timeout", &props)
            }
            Failure::Network(cause) => {
                let props = self.metadata_props(None, None, state);
                set(
                    &props,
                    "message",
                    &JsValue::from_str(&format!(
                        "the request to {} failed before a reply, after {} attempt(s)",
                        self.endpoint.authority,
                        state.attempt()
                    )),
                );
                set(&props, "cause", &cause);
                self.error("network", &props)
            }
        }
    }

    fn service_error(
        &self,
        err: &ServiceError,
        request_id: Option<&str>,
        state: &RetryState,
    ) -> JsValue {
        let props = self.metadata_props(Some(err.status), request_id, state);
        set(&props, "name", &JsValue::from_str(&err.code));
        set(&props, "message", &JsValue::from_str(&err.message));
        let fault = match err.fault {
            Fault::Client => "client",
            Fault::Server => "server",
        };
        set(&props, "$fault", &JsValue::from_str(fault));
        let retryable = match classify(&err.code, err.status) {
            ErrorClass::Throttling => Some(true),
            ErrorClass::Transient => Some(false),
            ErrorClass::ServerError | ErrorClass::ClientError => None,
        };
        if let Some(throttling) = retryable {
            let r = Object::new();
            set(&r, "throttling", &JsValue::from(throttling));
            set(&props, "$retryable", &r);
        }
        if let Some(reason) = &err.reason {
            set(&props, "reason", &JsValue::from_str(reason));
        }
        if let Some(fields) = &err.field_list {
            let list = Array::new();
            for f in fields {
                let o = Object::new();
                set(&o, "name", &JsValue::from_str(&f.name));
                set(&o, "message", &JsValue::from_str(&f.message));
                list.push(&o);
            }
            set(&props, "fieldList", &list);
        }
        self.error("service", &props)
    }

    async fn sleep(&self, ms: u32, signal: Option<&AbortSignal>) -> Result<(), JsValue> {
        let signal_value = signal.map_or(JsValue::UNDEFINED, |s| s.clone().into());
        let pending =
            self.host
                .sleep
                .call2(&JsValue::UNDEFINED, &JsValue::from(ms), &signal_value)?;
        match JsFuture::from(Promise::resolve(&pending)).await {
            Ok(_) => Ok(()),
            Err(e) => Err(signal
                .filter(|s| s.aborted())
                .map_or(e, AbortSignal::reason)),
        }
    }
}

/// What a final failure reports.
enum Failure {
    Service(ServiceError, Option<String>),
    Timeout,
    Network(JsValue),
}

/// Classifies a rejected `fetch` (or body read) by its `cause` chain, as the SDK does
/// (`crate::retry::classify_host_error`): a browser's network `TypeError`, a Node error `code`
/// (`ECONNREFUSED`, ...) anywhere in the chain, or a `TimeoutError`, is transient; anything else
/// is not retried.
fn host_error_class(error: &JsValue) -> ErrorClass {
    struct Owned {
        name: String,
        message: String,
        code: Option<String>,
        is_type_error: bool,
    }
    let get = |v: &JsValue, k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let mut chain = Vec::new();
    let mut current = error.clone();
    while chain.len() < 12 && current.is_object() {
        let text = |k: &str| {
            get(&current, k)
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        chain.push(Owned {
            name: text("name"),
            message: text("message"),
            code: get(&current, "code").and_then(|v| v.as_string()),
            is_type_error: current.is_instance_of::<js_sys::TypeError>(),
        });
        current = get(&current, "cause").unwrap_or(JsValue::UNDEFINED);
    }
    let facts: Vec<HostErrorFacts<'_>> = chain
        .iter()
        .map(|e| HostErrorFacts {
            name: &e.name,
            message: &e.message,
            code: e.code.as_deref(),
            is_type_error: e.is_type_error,
        })
        .collect();
    classify_host_error(&facts)
}

fn check_abort(signal: Option<&AbortSignal>) -> Result<(), JsValue> {
    match signal {
        Some(s) if s.aborted() => Err(s.reason()),
        _ => Ok(()),
    }
}

/// Reads `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`.
pub(crate) fn credentials_from_js(v: &JsValue) -> Result<(Credentials, Option<f64>), &'static str> {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    if !v.is_object() {
        return Err("credentials must be an object with accessKeyId and secretAccessKey");
    }
    let access_key_id = get("accessKeyId")
        .as_string()
        .filter(|s| !s.is_empty())
        .ok_or("credentials.accessKeyId must be a non-empty string")?;
    let secret_access_key = get("secretAccessKey")
        .as_string()
        .filter(|s| !s.is_empty())
        .ok_or("credentials.secretAccessKey must be a non-empty string")?;
    let token = get("sessionToken");
    let session_token = if token.is_undefined() || token.is_null() {
        None
    } else {
        Some(
            token
                .as_string()
                .ok_or("credentials.sessionToken must be a string")?,
        )
    };
    let exp = get("expiration");
    let expires_at_ms = if exp.is_undefined() || exp.is_null() {
        None
    } else {
        let ms = js_sys::Date::new(&exp).get_time();
        if ms.is_nan() {
            return Err("credentials.expiration must be a Date, a timestamp or an ISO 8601 string");
        }
        Some(ms)
    };
    Ok((
        Credentials {
            access_key_id,
            secret_access_key,
            session_token,
        },
        expires_at_ms,
    ))
}

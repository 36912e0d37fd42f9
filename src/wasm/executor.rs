//! The thin executor: runs a [`Call`] by signing each attempt, calling the host's `fetch`, handing
//! the pending reply to the wrapper's reader (one await, one crossing per reply) and sleeping when
//! told. Every decision is the core's.

use std::cell::RefCell;

use js_sys::{Function, Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::boundary::{from_js, to_js, to_json_text};
use super::credentials::CredentialStore;
use super::errors::{ErrorFactory, Kind};
use crate::call::{Call, ClientState, HostError, Next, Outcome, Reply, MAX_REPLY_BYTES};
use crate::endpoint::Endpoint;
use crate::shapes::Operation;
use crate::value::Value;

/// The host functions the wrapper injects.
pub(crate) struct Host {
    /// `fetch(url, init)`: the user's `fetch`, or one that looks up `globalThis.fetch` per call.
    pub(crate) fetch: Function,
    /// `init(headerLines, body, signal, timeoutMs)`: the `fetch` init of one attempt (headers
    /// given as one `name\nvalue\n...` string: one crossing).
    pub(crate) init: Function,
    /// `read(pending, init, maxBytes)`: settles the fetch and reads the reply; resolves to a
    /// [`Settled`] and never rejects.
    pub(crate) read: Function,
    /// `sleep(ms, signal)`: resolves after `ms`, rejects with the signal's reason on abort.
    pub(crate) sleep: Function,
    /// `untilAbort(promise, signal)`: the promise, or the signal's reason as soon as it aborts.
    pub(crate) until_abort: Function,
}

/// A client's configuration and state, shared by its calls.
pub(crate) struct Client {
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
    /// The `x-amz-user-agent` value.
    pub(crate) user_agent: String,
    pub(crate) max_attempts: u32,
    pub(crate) request_timeout_ms: Option<u32>,
    pub(crate) host: Host,
    pub(crate) errors: ErrorFactory,
    pub(crate) credentials: CredentialStore,
    pub(crate) state: RefCell<ClientState>,
}

/// How the wrapper's reader settled one attempt.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settled {
    outcome: SettledKind,
    #[serde(default)]
    reply: Option<Reply>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    cause: JsValue,
    /// For a network failure: the error and its `cause` chain, as the reader saw them.
    #[serde(default)]
    chain: Vec<HostError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SettledKind {
    Reply,
    Aborted,
    Timeout,
    Network,
}

/// The signed headers as `name\nvalue\n...`: one string for the host's `init`.
fn header_lines(headers: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(512);
    for (name, value) in headers {
        out.push_str(name);
        out.push('\n');
        out.push_str(value);
        out.push('\n');
    }
    out
}

/// Random bytes for invocation ids, drawn from the host 1 KiB at a time: one
/// `crypto.getRandomValues` per 64 calls instead of one per call.
struct RandomPool {
    bytes: [u8; 1024],
    used: usize,
}

thread_local! {
    static POOL: RefCell<RandomPool> = const {
        RefCell::new(RandomPool { bytes: [0; 1024], used: 1024 })
    };
}

/// A fresh `amz-sdk-invocation-id` (a UUID v4). Without a random source the id is all zeros: it is
/// telemetry, not a secret.
fn new_invocation_id() -> String {
    let random = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.used + 16 > pool.bytes.len() {
            if getrandom::fill(&mut pool.bytes).is_err() {
                pool.bytes = [0; 1024];
            }
            pool.used = 0;
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&pool.bytes[pool.used..pool.used + 16]);
        pool.used += 16;
        out
    });
    crate::retry::invocation_id(random)
}

/// The reason of an aborted signal. `undefined` is checked first: a caught JavaScript exception
/// (`Reflect.get` on `undefined`) costs the glue an externref slot it never gives back.
fn aborted(signal: &JsValue) -> Option<JsValue> {
    if !signal.is_object() {
        return None;
    }
    let is = Reflect::get(signal, &"aborted".into()).ok()?.as_bool()?;
    is.then(|| Reflect::get(signal, &"reason".into()).unwrap_or(JsValue::UNDEFINED))
}

impl Client {
    fn local_now(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    /// Reads `input` through serde and validates it: the call, or a `ParamValidationError`.
    fn prepare(
        &self,
        operation: &'static Operation,
        input: JsValue,
        max_attempts: u32,
    ) -> Result<Call, JsValue> {
        let input: Value = from_js(input).map_err(|r| {
            self.errors.validation(&[crate::validate::Issue {
                path: String::new(),
                message: r.message,
            }])
        })?;
        Call::new(
            operation,
            &self.endpoint,
            &input,
            max_attempts,
            new_invocation_id(),
            |body| to_json_text(body),
        )
        .map_err(|issues| self.errors.validation(&issues))
    }

    /// Runs `operation` with `input` to completion.
    pub(crate) async fn send(
        &self,
        operation: &'static Operation,
        input: JsValue,
        signal: JsValue,
    ) -> Result<JsValue, JsValue> {
        if let Some(reason) = aborted(&signal) {
            return Err(reason);
        }
        let mut call = self.prepare(operation, input, self.max_attempts)?;
        let url = JsValue::from_str(&call.request().url);
        let body = JsValue::from_str(&call.request().body);
        let timeout = self
            .request_timeout_ms
            .map_or(JsValue::UNDEFINED, JsValue::from);
        loop {
            let creds = self
                .credentials
                .get(
                    js_sys::Date::now(),
                    &self.errors,
                    &self.host.until_abort,
                    &signal,
                )
                .await?;
            if let Some(reason) = aborted(&signal) {
                return Err(reason);
            }
            let signed = {
                let mut state = self.state.borrow_mut();
                call.sign(
                    &creds,
                    &self.region,
                    &self.user_agent,
                    self.local_now(),
                    &mut state,
                )
            };
            let init = self
                .host
                .init
                .call4(
                    &JsValue::UNDEFINED,
                    &JsValue::from_str(&header_lines(&signed.headers)),
                    &body,
                    &signal,
                    &timeout,
                )
                .map_err(|e| {
                    self.errors
                        .simple(Kind::Network, "the request could not be made", Some(&e))
                })?;
            // A `fetch` that throws instead of rejecting is settled by the reader all the same.
            let pending = match self.host.fetch.call2(&JsValue::UNDEFINED, &url, &init) {
                Ok(p) => p,
                Err(e) => Promise::reject(&e).into(),
            };
            let read = self
                .host
                .read
                .call3(
                    &JsValue::UNDEFINED,
                    &pending,
                    &init,
                    &JsValue::from(MAX_REPLY_BYTES as u32),
                )
                .map_err(|e| {
                    self.errors
                        .simple(Kind::Network, "the reply could not be read", Some(&e))
                })?;
            let settled = JsFuture::from(Promise::resolve(&read)).await?;
            let settled: Settled =
                from_js(settled).map_err(|r| self.errors.refusal(Kind::Response, "reply", &r))?;
            let cause = settled.cause;
            let outcome = match (settled.outcome, settled.reply) {
                (SettledKind::Reply, Some(reply)) => Outcome::Reply(reply),
                (SettledKind::Aborted, _) => return Err(cause),
                (SettledKind::Timeout, _) => Outcome::TimedOut,
                _ => Outcome::Network(settled.chain),
            };
            let next = {
                let mut state = self.state.borrow_mut();
                call.on_outcome(
                    outcome,
                    self.local_now(),
                    &mut state,
                    js_sys::Math::random(),
                )
            };
            match next {
                Next::Retry { delay_ms } => {
                    if delay_ms > 0 {
                        self.sleep(delay_ms, &signal).await?;
                    }
                }
                Next::Done(Ok(out)) => return Ok(to_js(&out)),
                Next::Done(Err(e)) => {
                    return Err(self.errors.call(
                        &e,
                        &cause,
                        &self.endpoint.authority,
                        self.request_timeout_ms,
                    ))
                }
            }
        }
    }

    /// Validates, serialises and signs `input` without sending; returns the signature. Benchmarks
    /// only (`--features bench`).
    #[cfg(feature = "bench")]
    pub(crate) fn sign_only(
        &self,
        operation: &'static Operation,
        input: JsValue,
    ) -> Result<String, JsValue> {
        let creds = self.credentials.fixed().ok_or_else(|| {
            self.errors.simple(
                Kind::Configuration,
                "signOnly needs fixed credentials",
                None,
            )
        })?;
        let mut call = self.prepare(operation, input, 1)?;
        let mut state = self.state.borrow_mut();
        Ok(call
            .sign(
                creds,
                &self.region,
                &self.user_agent,
                self.local_now(),
                &mut state,
            )
            .signature)
    }

    async fn sleep(&self, ms: u32, signal: &JsValue) -> Result<(), JsValue> {
        let pending = self
            .host
            .sleep
            .call2(&JsValue::UNDEFINED, &JsValue::from(ms), signal)?;
        JsFuture::from(Promise::resolve(&pending)).await.map(drop)
    }
}

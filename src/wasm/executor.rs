//! The thin executor: runs a [`Call`] by signing each attempt, calling the host's `fetch`, handing
//! the pending reply to the wrapper's reader (one await, one crossing per reply) and sleeping when
//! told. Every decision is the core's.

use std::cell::RefCell;

use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::boundary::{from_js, to_js, to_json_text};
use super::credentials::CredentialStore;
use super::errors::{ErrorFactory, Kind};
use crate::call::{Call, ClientState, Next, Outcome, Reply, MAX_REPLY_BYTES};
use crate::endpoint::Endpoint;
use crate::shapes::Operation;
use crate::value::Value;

/// The host functions the wrapper injects.
pub(crate) struct Host {
    /// `fetch(url, init)`: the user's `fetch`, or one that looks up `globalThis.fetch` per call.
    pub(crate) fetch: Function,
    /// `read(pending, signals, maxBytes)`: settles the fetch and reads the reply; resolves to a
    /// [`Settled`] and never rejects.
    pub(crate) read: Function,
    /// `signals(signal, timeoutMs)`: `{ signal, timeout }` for one attempt, or `undefined`.
    pub(crate) signals: Function,
    /// `sleep(ms, signal)`: resolves after `ms`, rejects with the signal's reason on abort.
    pub(crate) sleep: Function,
}

/// A client's configuration and state, shared by its calls.
pub(crate) struct Client {
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
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
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SettledKind {
    Reply,
    Aborted,
    Timeout,
    Network,
}

/// The `fetch` init: the signal is added after.
#[derive(Serialize)]
struct Init<'a> {
    method: &'static str,
    headers: Headers<'a>,
    body: &'a str,
}

struct Headers<'a>(&'a [(&'static str, String)]);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
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
        let input: Value = from_js(input).map_err(|r| {
            self.errors.validation(&[crate::validate::Issue {
                path: String::new(),
                message: r.message,
            }])
        })?;
        let mut call = Call::new(
            operation,
            &self.endpoint,
            &input,
            self.max_attempts,
            |body| to_json_text(body),
        )
        .map_err(|issues| self.errors.validation(&issues))?;
        drop(input);
        let url = JsValue::from_str(&call.request().url);
        let body = call.request().body.clone();
        loop {
            let creds = self
                .credentials
                .get(js_sys::Date::now(), &self.errors)
                .await?;
            if let Some(reason) = aborted(&signal) {
                return Err(reason);
            }
            let signed = {
                let mut state = self.state.borrow_mut();
                call.sign(&creds, &self.region, self.local_now(), &mut state)
            };
            let init = to_js(&Init {
                method: "POST",
                headers: Headers(&signed.headers),
                body: &body,
            });
            let timeout = self
                .request_timeout_ms
                .map_or(JsValue::UNDEFINED, JsValue::from);
            let signals = self
                .host
                .signals
                .call2(&JsValue::UNDEFINED, &signal, &timeout)
                .unwrap_or(JsValue::UNDEFINED);
            if !signals.is_undefined() {
                let s = Reflect::get(&signals, &"signal".into()).unwrap_or(JsValue::UNDEFINED);
                let _ = Reflect::set(&init, &"signal".into(), &s);
            }
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
                    &signals,
                    &JsValue::from(MAX_REPLY_BYTES as u32),
                )
                .map_err(|e| self.errors.simple(Kind::Network, "the reply could not be read", Some(&e)))?;
            let settled = JsFuture::from(Promise::resolve(&read)).await?;
            let settled: Settled = from_js(settled)
                .map_err(|r| self.errors.refusal(Kind::Response, "reply", &r))?;
            let cause = settled.cause;
            let outcome = match (settled.outcome, settled.reply) {
                (SettledKind::Reply, Some(reply)) => Outcome::Reply(reply),
                (SettledKind::Aborted, _) => return Err(cause),
                (SettledKind::Timeout, _) => Outcome::TimedOut,
                _ => Outcome::Network,
            };
            let next = {
                let mut state = self.state.borrow_mut();
                call.on_outcome(outcome, self.local_now(), &mut state, js_sys::Math::random())
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

    async fn sleep(&self, ms: u32, signal: &JsValue) -> Result<(), JsValue> {
        let pending = self
            .host
            .sleep
            .call2(&JsValue::UNDEFINED, &JsValue::from(ms), signal)?;
        JsFuture::from(Promise::resolve(&pending)).await.map(drop)
    }
}

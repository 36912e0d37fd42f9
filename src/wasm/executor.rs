//! The thin executor, in synchronous steps the wrapper drives: [`Client::begin`] validates and
//! prepares a [`Call`]; [`Client::attempt`] signs an attempt, calls the host's `fetch` and hands the
//! pending reply to the wrapper's reader, whose promise the wrapper awaits (one await per attempt);
//! [`Client::settle`] reads the settled attempt in one crossing and says what follows (a delay
//! before the next attempt, the result or the error). Every decision is the core's; no Rust future
//! and no closure is made per call.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use super::boundary::{from_js, to_js, to_json_text};
use super::credentials::CredentialStore;
use super::errors::{ErrorFactory, Kind};
use super::host::get;
use super::random::new_invocation_id;
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
    pub(crate) calls: RefCell<Calls>,
}

/// How the wrapper's reader settled one attempt.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settled {
    outcome: SettledKind,
    #[serde(default)]
    reply: Option<ReplyIn>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    cause: JsValue,
    /// For a network failure: the error and its `cause` chain, as the reader saw them.
    #[serde(default)]
    chain: Vec<HostError>,
}

/// A reply as the wrapper's reader gives it: its strings in one list rather than a field each
/// (400 B less code).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplyIn {
    status: u16,
    /// Eleven strings, each `null` when absent, in the order [`ReplyIn::into_reply`] names.
    strings: Vec<Option<String>>,
    #[serde(default)]
    parsed: Option<Value>,
    #[serde(default)]
    empty: bool,
    #[serde(default)]
    too_large: bool,
}

impl ReplyIn {
    /// The core's [`Reply`]; `None` unless the list holds exactly eleven strings.
    fn into_reply(self) -> Option<Reply> {
        let strings: [Option<String>; 11] = self.strings.try_into().ok()?;
        // The order `www/host.js` writes them in: the `Response`'s `type`, then the headers
        // `x-amzn-requestid`, `x-amzn-request-id`, `x-amz-request-id`, `x-amz-id-2`, `x-amz-cf-id`,
        // `x-amzn-errortype`, `date`, `retry-after`, `x-amz-retry-after` and `age`.
        let [response_type, amzn_requestid, amzn_request_id, amz_request_id, extended_request_id, cf_id, error_type, date, retry_after, amz_retry_after, age] =
            strings;
        Some(Reply {
            status: self.status,
            response_type,
            amzn_requestid,
            amzn_request_id,
            amz_request_id,
            extended_request_id,
            cf_id,
            error_type,
            date,
            retry_after,
            amz_retry_after,
            has_age: age.is_some(),
            parsed: self.parsed,
            empty: self.empty,
            too_large: self.too_large,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SettledKind {
    Reply,
    Aborted,
    Timeout,
    Network,
}

/// Puts into the `$unknown: [name, value]` at `path` of the result `out` the member's value as
/// `JSON.parse` read it into `parsed` (its `null`s, an own `__proto__` key), as the AWS SDK
/// hands it on; serde's copy stays where that cannot be read.
fn restore_unknown(out: &JsValue, parsed: &JsValue, path: &[&str], name: &str) {
    let (mut union, mut raw) = (out.clone(), parsed.clone());
    for key in path {
        union = get(&union, key);
        raw = get(&raw, key);
    }
    let pair = get(&union, "$unknown");
    if raw.is_object() && js_sys::Array::is_array(&pair) {
        pair.unchecked_ref::<js_sys::Array>()
            .set(1, get(&raw, name));
    }
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

/// A call in progress: the core's state machine and the values every attempt sends again.
struct InFlight {
    call: Call,
    url: JsValue,
    body: JsValue,
}

/// The calls in progress of one client, by slot; a slot is reused after [`Client::end`].
#[derive(Default)]
pub(crate) struct Calls {
    slots: Vec<Option<InFlight>>,
    free: Vec<u32>,
}

/// The reason of an aborted signal, read through `web_sys::AbortSignal`. The wrapper passes a
/// branded `AbortSignal` or `undefined`; `undefined` is checked first, since a caught JavaScript
/// exception costs the glue an externref slot it never gives back.
fn aborted(signal: &JsValue) -> Option<JsValue> {
    if !signal.is_object() {
        return None;
    }
    let signal = signal.unchecked_ref::<AbortSignal>();
    signal.aborted().then(|| signal.reason())
}

impl Client {
    fn local_now(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    /// Reads `input` through serde and validates it: the call and its body as a JavaScript string
    /// (the host's `JSON.stringify` wrote it: it is sent as it is, and copied once into Rust to be
    /// signed), or a `ParamValidationError`.
    fn prepare(
        &self,
        operation: &'static Operation,
        input: JsValue,
        max_attempts: u32,
    ) -> Result<(Call, JsValue), JsValue> {
        let input: Value = from_js(input).map_err(|r| {
            self.errors.validation(&[crate::validate::Issue {
                path: String::new(),
                message: r.message,
            }])
        })?;
        let mut body_js = JsValue::UNDEFINED;
        let call = Call::new(
            operation,
            &self.endpoint,
            &input,
            max_attempts,
            new_invocation_id(),
            |body| {
                body_js = to_json_text(body)?;
                body_js.as_string()
            },
        )
        .map_err(|issues| self.errors.validation(&issues))?;
        Ok((call, body_js))
    }

    /// Starts a call of `operation` with `input` (plain data): its slot for [`Client::attempt`],
    /// [`Client::settle`] and [`Client::end`], or a `ParamValidationError`.
    pub(crate) fn begin(
        &self,
        operation: &'static Operation,
        input: JsValue,
    ) -> Result<u32, JsValue> {
        let (call, body) = self.prepare(operation, input, self.max_attempts)?;
        let url = JsValue::from_str(&call.request().url);
        let slot = Some(InFlight { call, url, body });
        let mut calls = self.calls.borrow_mut();
        Ok(match calls.free.pop() {
            Some(id) => {
                calls.slots[id as usize] = slot;
                id
            }
            None => {
                calls.slots.push(slot);
                (calls.slots.len() - 1) as u32
            }
        })
    }

    /// Ends call `id` and frees its slot. Ending a call twice does nothing.
    pub(crate) fn end(&self, id: u32) {
        let mut calls = self.calls.borrow_mut();
        if let Some(slot) = calls.slots.get_mut(id as usize) {
            if slot.take().is_some() {
                calls.free.push(id);
            }
        }
    }

    /// The error for a call id that is not in progress.
    pub(crate) fn unknown_call(&self) -> JsValue {
        self.errors
            .simple(Kind::Configuration, "no such call in progress", None)
    }

    /// Signs the next attempt of call `id` and issues it through the host's `fetch`; returns the
    /// host reader's promise of the settled attempt (it never rejects). `signal` is the caller's
    /// `AbortSignal` or `undefined`.
    pub(crate) fn attempt(&self, id: u32, signal: &JsValue) -> Result<JsValue, JsValue> {
        if let Some(reason) = aborted(signal) {
            return Err(reason);
        }
        // The clock is read before any borrow: a host hook that runs JavaScript (and calls the
        // client again) never finds the call's state borrowed.
        let now = self.local_now();
        let creds = self.credentials.current(&self.errors)?;
        let parts = {
            let mut calls = self.calls.borrow_mut();
            match calls.slots.get_mut(id as usize) {
                Some(Some(flight)) => {
                    let mut state = self.state.borrow_mut();
                    let signed =
                        flight
                            .call
                            .sign(&creds, &self.region, &self.user_agent, now, &mut state);
                    Some((signed, flight.url.clone(), flight.body.clone()))
                }
                _ => None,
            }
        };
        // The host functions run user code (`fetch`): no borrow is held across them.
        let Some((signed, url, body)) = parts else {
            return Err(self.unknown_call());
        };
        let timeout = self
            .request_timeout_ms
            .map_or(JsValue::UNDEFINED, JsValue::from);
        let init = self
            .host
            .init
            .call4(
                &JsValue::UNDEFINED,
                &JsValue::from_str(&header_lines(&signed.headers)),
                &body,
                signal,
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
        self.host
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
            })
    }

    /// Hands the settled attempt of call `id` to the core: a number is the delay in milliseconds
    /// before the next attempt; anything else is the call's result. Errors are the call's.
    pub(crate) fn settle(&self, id: u32, settled: JsValue) -> Result<JsValue, JsValue> {
        // Kept to read the body as the host's `JSON.parse` read it, for unknown union members.
        let raw = settled.clone();
        let settled: Settled =
            from_js(settled).map_err(|r| self.errors.refusal(Kind::Response, "reply", &r))?;
        let cause = settled.cause;
        let outcome = match (settled.outcome, settled.reply) {
            (SettledKind::Reply, None) => {
                return Err(self.errors.simple(Kind::Response, "reply: missing", None))
            }
            (SettledKind::Reply, Some(reply)) => match reply.into_reply() {
                Some(reply) => Outcome::Reply(reply),
                None => {
                    let message = "reply: strings: expected 11 strings or nulls";
                    return Err(self.errors.simple(Kind::Response, message, None));
                }
            },
            (SettledKind::Aborted, _) => return Err(cause),
            (SettledKind::Timeout, _) => Outcome::TimedOut,
            (SettledKind::Network, _) => Outcome::Network(settled.chain),
        };
        let (now, random) = (self.local_now(), js_sys::Math::random());
        let next = {
            let mut calls = self.calls.borrow_mut();
            match calls.slots.get_mut(id as usize) {
                Some(Some(flight)) => {
                    let mut state = self.state.borrow_mut();
                    Some(flight.call.on_outcome(outcome, now, &mut state, random))
                }
                _ => None,
            }
        };
        let Some(next) = next else {
            return Err(self.unknown_call());
        };
        match next {
            Next::Retry { delay_ms } => Ok(JsValue::from(delay_ms)),
            Next::Done(Ok(out)) => {
                let js = to_js(&out);
                let unknown = out.unknown_members();
                if !unknown.is_empty() {
                    // The reader's own plain object: the values of unknown union members are
                    // handed on from it.
                    let parsed = get(&get(&raw, "reply"), "parsed");
                    for (path, name) in unknown {
                        restore_unknown(&js, &parsed, &path, &name);
                    }
                }
                Ok(js)
            }
            Next::Done(Err(e)) => Err(self.errors.call(
                &e,
                &cause,
                &self.endpoint.authority,
                self.request_timeout_ms,
            )),
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
        let creds = self.credentials.current(&self.errors)?;
        let (mut call, _) = self.prepare(operation, input, 1)?;
        let now = self.local_now();
        let mut state = self.state.borrow_mut();
        Ok(call
            .sign(&creds, &self.region, &self.user_agent, now, &mut state)
            .signature)
    }
}

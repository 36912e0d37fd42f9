//! The wasm-bindgen surface: one client class whose methods return promises and never throw a
//! string or panic. The JavaScript wrapper (`www/core.js`) is the public API.

use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::callback::{CallbackError, CallbackParams, Expectation};
use crate::endpoint::{resolve, EndpointParams};
use crate::shapes::operation;
use crate::state::{self, CreateError};
use crate::transport::{
    build_error, credentials_from_js, message_error, set, CredentialSource, Host, Inner,
};

/// Reads an optional member of the user's configuration object, type-checked.
struct ConfigReader<'a> {
    config: &'a JsValue,
}

impl ConfigReader<'_> {
    fn get(&self, key: &str) -> Option<JsValue> {
        Reflect::get(self.config, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|v| v.as_string().ok_or(format!("{key} must be a string")))
            .transpose()
    }

    fn boolean(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or(format!("{key} must be a boolean")),
        }
    }

    /// A whole number from 1 to `max`.
    fn count(&self, key: &str, max: u32) -> Result<Option<u32>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.fract() == 0.0 && (1.0..=f64::from(max)).contains(&n) => {
                    Ok(Some(n as u32))
                }
                _ => Err(format!("{key} must be a whole number from 1 to {max}")),
            },
        }
    }
}

fn function(obj: &JsValue, key: &str) -> Option<Function> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// A configured client. Created by the wrapper's `AgentCoreIdentityClient`.
#[wasm_bindgen]
pub struct WasmClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl WasmClient {
    /// `config`: the user's client configuration. `host`: `{ send, sleep, makeError }`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, host: JsValue) -> Result<WasmClient, JsValue> {
        let make_error = function(&host, "makeError")
            .ok_or_else(|| js_sys::Error::new("host.makeError must be a function"))?;
        let config_error = |message: String| message_error(&make_error, "configuration", &message);
        let send = function(&host, "send")
            .ok_or_else(|| config_error("host.send must be a function".into()))?;
        let sleep = function(&host, "sleep")
            .ok_or_else(|| config_error("host.sleep must be a function".into()))?;

        let read = ConfigReader { config: &config };
        let invalid = |m: String| config_error(format!("Invalid Configuration: {m}"));
        let region = read
            .string("region")
            .map_err(invalid)?
            .filter(|r| !r.is_empty())
            .ok_or_else(|| config_error("Invalid Configuration: Missing Region".into()))?;
        let endpoint = resolve(&EndpointParams {
            region: Some(&region),
            use_fips: read.boolean("useFipsEndpoint").map_err(invalid)?,
            use_dual_stack: read.boolean("useDualstackEndpoint").map_err(invalid)?,
            endpoint: read.string("endpoint").map_err(invalid)?.as_deref(),
        })
        .map_err(|e| config_error(e.to_string()))?;
        let max_attempts = read
            .count("maxAttempts", 100)
            .map_err(invalid)?
            .unwrap_or(3);
        let request_timeout_ms = read.count("requestTimeoutMs", 3_600_000).map_err(invalid)?;

        let creds_value =
            Reflect::get(&config, &"credentials".into()).unwrap_or(JsValue::UNDEFINED);
        let credentials = match creds_value.dyn_ref::<Function>() {
            Some(f) => CredentialSource::Provider(f.clone()),
            None => {
                let (creds, _) = credentials_from_js(&creds_value)
                    .map_err(|m| config_error(format!("Invalid Configuration: {m}")))?;
                CredentialSource::Static(creds)
            }
        };

        Ok(WasmClient {
            inner: Rc::new(Inner::new(
                region,
                endpoint,
                max_attempts,
                request_timeout_ms,
                Host {
                    send,
                    sleep,
                    make_error,
                },
                credentials,
            )),
        })
    }

    /// The resolved endpoint URL (scheme, authority and base path).
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.url("")
    }

    /// Validates and signs `input` for `operation` without sending it; returns the signature.
    /// Used by the benchmarks to time the signing path alone.
    #[wasm_bindgen(js_name = signOnly)]
    pub fn sign_only(&self, operation_name: &str, input: JsValue) -> Result<String, JsValue> {
        match operation(operation_name) {
            Some(op) => self.inner.sign_only(op, &input),
            None => Err(self
                .inner
                .simple_error("configuration", "unknown operation", None)),
        }
    }

    /// Sends `operation` with `input`; `signal` is an optional `AbortSignal`.
    pub fn send(&self, operation_name: &str, input: JsValue, signal: JsValue) -> Promise {
        let inner = Rc::clone(&self.inner);
        let op = operation(operation_name);
        let signal = (!signal.is_undefined() && !signal.is_null())
            .then(|| signal.unchecked_into::<AbortSignal>());
        future_to_promise(async move {
            match op {
                Some(op) => inner.send(op, input, signal).await,
                None => Err(inner.simple_error("configuration", "unknown operation", None)),
            }
        })
    }
}

fn callback_error(make_error: &Function, e: &CallbackError) -> JsValue {
    let props = js_sys::Object::new();
    set(&props, "code", &e.code.as_str().into());
    set(&props, "message", &e.to_string().into());
    if let Some(err) = &e.error {
        set(&props, "error", &err.into());
    }
    if let Some(d) = &e.error_description {
        set(&props, "errorDescription", &d.into());
    }
    build_error(make_error, "callback", &props)
}

fn now_ms(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// Makes a `customState`: `secret` (at least 32 bytes), `binding` (e.g. the user id, may be
/// empty), `now` and `ttl_seconds`.
#[wasm_bindgen(js_name = createCustomState)]
pub fn create_custom_state(
    secret: &[u8],
    binding: &str,
    now: f64,
    ttl_seconds: f64,
    make_error: &Function,
) -> Result<String, JsValue> {
    let config_error = |message: &str| message_error(make_error, "configuration", message);
    if !(1.0..=86_400.0 * 365.0).contains(&ttl_seconds) {
        return Err(config_error(
            "ttlSeconds must be a number of seconds from 1 to one year",
        ));
    }
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce)
        .map_err(|_| config_error("no secure random source (crypto.getRandomValues)"))?;
    state::create(
        secret,
        binding.as_bytes(),
        nonce,
        now_ms(now),
        (ttl_seconds * 1000.0) as u64,
    )
    .map_err(|e| match e {
        CreateError::WeakSecret => config_error("the state secret must be at least 32 bytes"),
        CreateError::BadTtl => config_error("ttlSeconds is out of range"),
    })
}

/// Callback steps 1 to 4 (before the single-use check). `secret` is empty when `expected` is
/// given instead. Returns `{ state, nonce, expiresAt }`.
#[wasm_bindgen(js_name = checkCallbackState)]
pub fn check_callback_state(
    query: &str,
    secret: Option<Box<[u8]>>,
    binding: &str,
    expected: Option<String>,
    now: f64,
    make_error: &Function,
) -> Result<JsValue, JsValue> {
    let params = CallbackParams::parse(query);
    let expectation = match (&secret, &expected) {
        (Some(secret), _) => Some(Expectation::Signed {
            secret,
            binding: binding.as_bytes(),
        }),
        (None, Some(expected)) => Some(Expectation::Stored(expected)),
        (None, None) => None,
    };
    let checked = params
        .check_state(expectation, now_ms(now))
        .map_err(|e| callback_error(make_error, &e))?;
    let out = js_sys::Object::new();
    set(&out, "state", &checked.state.into());
    set(&out, "nonce", &checked.nonce.into());
    set(&out, "expiresAt", &(checked.expires_at_ms as f64).into());
    Ok(out.into())
}

/// The rest of step 4 and steps 5 and 6: `consumed` is the single-use store's answer; then
/// `error`, then `session_id`. Returns the session URI.
#[wasm_bindgen(js_name = checkCallbackResult)]
pub fn check_callback_result(
    query: &str,
    consumed: bool,
    make_error: &Function,
) -> Result<String, JsValue> {
    CallbackParams::parse(query)
        .check_result(consumed)
        .map_err(|e| callback_error(make_error, &e))
}

//! The customState and callback exports: `createCustomState`, `checkCallbackState` and
//! `checkCallbackResult`. Every argument is a `JsValue` read through serde (the glue never converts
//! an untrusted value), and every export returns `Result`.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::boundary::{from_js, whole_in};
use super::errors::Kind;
use super::host::factory;
use crate::callback::{CallbackParams, Expectation, Signed, Stored};
use crate::retry::MAX_JS_TIME_MS;
use crate::state::{self, CreateError, MIN_SECRET_LEN};

/// The refusal of a secret shorter than [`MIN_SECRET_LEN`] bytes.
const WEAK_SECRET: &str = "the state secret must be at least 32 bytes";

/// Bytes from a `Uint8Array`.
struct Bytes(Vec<u8>);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// A time in epoch milliseconds: finite and positive (the wrapper turns `undefined` into the
/// real clock).
fn epoch_ms(now: f64) -> Option<u64> {
    (now.is_finite() && now > 0.0 && now <= MAX_JS_TIME_MS).then_some(now as u64)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateOptions {
    secret: Bytes,
    binding: Bytes,
    now: f64,
    ttl_seconds: f64,
}

/// Makes a `customState` from the wrapper's checked options `{ secret, binding, now, ttlSeconds }`.
#[wasm_bindgen(js_name = createCustomState)]
pub fn create_custom_state(options: JsValue, make_error: JsValue) -> Result<String, JsValue> {
    let errors = factory(&make_error);
    let config_error = |m: &str| errors.simple(Kind::Configuration, m, None);
    let o: CreateOptions =
        from_js(options).map_err(|r| config_error(&r.describe("createCustomState options")))?;
    let now =
        epoch_ms(o.now).ok_or_else(|| config_error("now must be a time in epoch milliseconds"))?;
    if whole_in(o.ttl_seconds, 1.0, 86_400.0 * 365.0).is_none() {
        return Err(config_error(
            "ttlSeconds must be a whole number of seconds from 1 to one year",
        ));
    }
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce)
        .map_err(|_| config_error("no secure random source (crypto.getRandomValues)"))?;
    state::create(
        &o.secret.0,
        &o.binding.0,
        nonce,
        now,
        o.ttl_seconds as u64 * 1000,
    )
    .map_err(|e| match e {
        CreateError::WeakSecret => config_error(WEAK_SECRET),
        CreateError::BadTtl => config_error("ttlSeconds is out of range"),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CheckOptions {
    #[serde(default)]
    secret: Option<Bytes>,
    binding: Bytes,
    #[serde(default)]
    expected_state: Option<String>,
    #[serde(default)]
    expected_state_expires_at: Option<f64>,
    now: f64,
}

/// Callback steps 1 to 4 (before the single-use check), from the wrapper's checked options
/// `{ secret?, binding, expectedState?, expectedStateExpiresAt?, now }`. Returns
/// `{ state, nonce, expiresAt }`.
#[wasm_bindgen(js_name = checkCallbackState)]
pub fn check_callback_state(
    query: JsValue,
    options: JsValue,
    make_error: JsValue,
) -> Result<JsValue, JsValue> {
    let errors = factory(&make_error);
    let config_error = |m: &str| errors.simple(Kind::Configuration, m, None);
    let query: String =
        from_js(query).map_err(|_| config_error("the callback query must be a string"))?;
    let o: CheckOptions =
        from_js(options).map_err(|r| config_error(&r.describe("handleOauth2Callback options")))?;
    let now =
        epoch_ms(o.now).ok_or_else(|| config_error("now must be a time in epoch milliseconds"))?;
    if o.secret
        .as_ref()
        .is_some_and(|s| s.0.len() < MIN_SECRET_LEN)
    {
        return Err(config_error(WEAK_SECRET));
    }
    let stored = match (&o.expected_state, o.expected_state_expires_at) {
        (None, None) => None,
        (Some(state), Some(exp)) => Some(Stored {
            state,
            expires_at_ms: epoch_ms(exp).ok_or_else(|| {
                config_error("the expected state's expiry must be a time in epoch milliseconds")
            })?,
        }),
        (Some(state), None) if o.secret.is_some() => Some(Stored {
            state,
            expires_at_ms: u64::MAX,
        }),
        (Some(_), None) => {
            return Err(config_error(
                "expectedState needs its issue time (expectedStateIssuedAt)",
            ))
        }
        (None, Some(_)) => {
            return Err(config_error(
                "an expected state's expiry goes with expectedState",
            ))
        }
    };
    let expectation = Expectation {
        signed: o.secret.as_ref().map(|s| Signed {
            secret: &s.0,
            binding: &o.binding.0,
        }),
        stored,
    };
    let checked = CallbackParams::parse(&query)
        .check_state(expectation, now)
        .map_err(|e| errors.callback(&e))?;
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        state: String,
        nonce: String,
        expires_at: f64,
    }
    Ok(super::boundary::to_js(&Out {
        state: checked.state,
        nonce: checked.nonce,
        expires_at: checked.expires_at_ms as f64,
    }))
}

/// The rest of step 4 and steps 5 and 6: `consumed` is the single-use store's answer (only `true`
/// accepts); then `error`, then `session_id`. Returns the session URI.
#[wasm_bindgen(js_name = checkCallbackResult)]
pub fn check_callback_result(
    query: JsValue,
    consumed: JsValue,
    make_error: JsValue,
) -> Result<String, JsValue> {
    let errors = factory(&make_error);
    let query: String = from_js(query).map_err(|_| {
        errors.simple(
            Kind::Configuration,
            "the callback query must be a string",
            None,
        )
    })?;
    CallbackParams::parse(&query)
        .check_result(consumed.as_bool() == Some(true))
        .map_err(|e| errors.callback(&e))
}

//! The typed boundary: every value from JavaScript becomes a Rust value through serde-wasm-bindgen
//! (or a refusal that says what was expected), and every value to JavaScript is written by serde.
//!
//! The wrapper hands over plain data only (its own snapshots and copies, www/guard.js): no getter,
//! proxy trap or `toJSON` runs while Rust reads. serde's own messages quote the offending value
//! (`invalid type: string "AKIA…"`); [`Refusal`] keeps the expectation and drops the
//! value, since values are often secrets.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A value from JavaScript that does not have the expected type or range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// What was expected, without the value.
    pub(crate) message: String,
}

impl Refusal {
    /// `"what: message"`.
    pub(crate) fn describe(&self, what: &str) -> String {
        format!("{what}: {}", self.message)
    }
}

/// Reads `value` as a `T`. serde names the field in `missing field` and `unknown field`
/// messages; the wrapper checks each field's type by name before the value gets here, so a
/// refusal from serde is a second line of defence.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, Refusal> {
    serde_wasm_bindgen::from_value(value).map_err(|e| Refusal {
        message: crate::boundary_text::without_values(&e.to_string()),
    })
}

/// Writes `value` as JSON text with the host's `JSON.stringify`: the request body, as a JavaScript
/// string.
pub(crate) fn to_json_text<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    js_sys::JSON::stringify(&to_js(value))
        .ok()
        .map(JsValue::from)
}

/// Writes `value` for JavaScript: maps as plain objects, `None` as `undefined`.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    // Our own types only hold strings, numbers, booleans, maps, lists and preserved JS values:
    // writing them cannot fail.
    value.serialize(&ser).unwrap_or(JsValue::UNDEFINED)
}

/// `n` if it is a whole number from `min` to `max`: the range check of every count, id and
/// lifetime the wrapper hands over.
pub(crate) fn whole_in(n: f64, min: f64, max: f64) -> Option<f64> {
    (n.fract() == 0.0 && (min..=max).contains(&n)).then_some(n)
}

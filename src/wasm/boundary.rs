//! The typed boundary: every value from JavaScript becomes a Rust value through serde-wasm-bindgen
//! (or a refusal naming its path), and every value to JavaScript is written by serde.
//!
//! The wrapper hands over plain data only (its own snapshots, `structuredClone`d input): no getter,
//! proxy trap or `toJSON` runs while Rust reads. serde's own messages quote the offending value
//! (`invalid type: string "AKIA…"`); [`refusal`] keeps the path and the expectation and drops the
//! value, since values are often secrets.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A value from JavaScript that does not have the expected type or range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// Where: `credentials.accessKeyId`, or `""` for the value itself.
    pub(crate) path: String,
    /// What was expected, without the value.
    pub(crate) message: String,
}

impl Refusal {
    /// `"path: message"`, or the message alone for the value itself.
    pub(crate) fn describe(&self, what: &str) -> String {
        if self.path.is_empty() || self.path == "." {
            format!("{what}: {}", self.message)
        } else {
            format!("{what}.{}: {}", self.path, self.message)
        }
    }
}

/// Reads `value` as a `T`.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, Refusal> {
    let de = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize(de).map_err(|e| Refusal {
        path: e.path().to_string(),
        message: crate::boundary_text::without_values(&e.inner().to_string()),
    })
}

/// Writes `value` for JavaScript: maps as plain objects, `None` as `undefined`.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    // Our own types only hold strings, numbers, booleans, maps, lists and preserved JS values:
    // writing them cannot fail.
    value.serialize(&ser).unwrap_or(JsValue::UNDEFINED)
}

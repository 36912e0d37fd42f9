//! The values the JavaScript host passes in: its functions, and the error factory every export
//! builds its errors with.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::ErrorFactory;

/// `obj[key]`, or `undefined` when that throws (`obj` is not an object, or a getter throws).
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The function at `obj[key]`, if it is one.
pub(crate) fn function(obj: &JsValue, key: &str) -> Option<Function> {
    get(obj, key).dyn_into::<Function>().ok()
}

/// The factory from `makeError`, or one that builds plain `Error`s if the wrapper passed none (no
/// `new Function`: hosts that forbid `eval`, workerd among them, refuse it).
pub(crate) fn factory(make_error: &JsValue) -> ErrorFactory {
    ErrorFactory::new(make_error.dyn_ref::<Function>().cloned())
}

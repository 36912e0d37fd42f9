//! The values the JavaScript host passes in: its functions, and the error factory every export
//! builds its errors with.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::ErrorFactory;

/// The function at `obj[key]`, if it is one.
pub(crate) fn function(obj: &JsValue, key: &str) -> Option<Function> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// The factory from `makeError`, or one that builds plain `Error`s if the wrapper passed none.
pub(crate) fn factory(make_error: &JsValue) -> ErrorFactory {
    let f = make_error
        .dyn_ref::<Function>()
        .cloned()
        .unwrap_or_else(|| Function::new_with_args("k, p", "return new Error(p.message)"));
    ErrorFactory::new(f)
}

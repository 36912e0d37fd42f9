//! Amazon Bedrock AgentCore Identity for WebAssembly hosts.
//!
//! The core (every module but `transport` and `bindings`) is free of I/O, clocks and globals: it
//! validates input against the service model, resolves the endpoint, builds and signs requests
//! with SigV4 and parses replies. It builds and is tested natively. On `wasm32`, `transport`
//! issues the requests through the host's `fetch` and drives retries, and `bindings` is the
//! wasm-bindgen surface the JavaScript wrapper calls.
#![warn(missing_docs, unreachable_pub)]

pub mod callback;
pub mod date;
pub mod endpoint;
pub mod error;
pub mod error_code;
#[doc(hidden)]
pub mod fuzzing;
pub mod json;
pub mod pattern;
pub mod request;
pub mod response;
pub mod retry;
pub mod shapes;
pub mod sign;
pub mod state;
pub mod user_agent;
pub mod validate;

/// Talc instead of dlmalloc: a third of the code, and faster (the module is single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
mod transport;

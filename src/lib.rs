//! Amazon Bedrock AgentCore Identity for WebAssembly hosts.
//!
//! The core (every module but `wasm`) is free of I/O, clocks and globals: it validates input
//! against the service model, resolves the endpoint, builds and signs requests with SigV4, decides
//! retries ([`call`], a sans-I/O state machine) and parses replies. It builds and is tested
//! natively. On `wasm32`, `wasm` reads every value from JavaScript through serde-wasm-bindgen,
//! issues the requests through the host's `fetch` as the state machine says, and is the
//! wasm-bindgen surface the JavaScript wrapper calls.
#![warn(missing_docs, unreachable_pub)]

#[cfg_attr(target_arch = "wasm32", allow(unreachable_pub))]
#[doc(hidden)]
pub mod boundary_text;
pub mod call;
pub mod callback;
pub mod date;
pub mod endpoint;
pub mod error;
pub mod error_code;
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod pattern;
pub mod request;
pub mod response;
pub mod retry;
pub mod shapes;
pub mod sign;
pub mod state;
mod text;
pub mod user_agent;
pub mod validate;
pub mod value;

/// Talc instead of dlmalloc: a third of the code, and faster (the module is single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

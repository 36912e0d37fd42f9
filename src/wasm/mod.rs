//! The wasm side (`wasm32` only): the typed JS boundary, the public errors, credentials, the thin
//! executor that issues requests through the host's `fetch`, and the exports: the `WasmClient`
//! class and the customState and callback functions.

mod boundary;
pub mod client;
mod credentials;
mod errors;
mod executor;
mod host;
mod random;
pub mod state_exports;

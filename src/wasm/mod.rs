//! The wasm side (`wasm32` only): the typed JS boundary, the public errors, credentials, the thin
//! executor that issues requests through the host's `fetch`, and the exports.

mod boundary;
mod credentials;
mod errors;
mod executor;
pub mod exports;

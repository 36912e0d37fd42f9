#![no_main]
//! libFuzzer target: `agentcore_identity_edge::fuzzing::callback_query`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| agentcore_identity_edge::fuzzing::callback_query(data));

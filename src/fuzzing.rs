//! Harnesses for hostile input, shared by the fuzz targets (`fuzz/`, libFuzzer) and the property
//! tests (`tests/properties.rs`, run by `cargo test`). Each takes arbitrary bytes and checks what
//! must hold for any input: no panic, and the stated invariants. Values go through the same serde
//! `Deserialize` implementation ([`Value`]) that reads JavaScript values in wasm; here serde_json
//! feeds it. Native only: none of this is in the shipped module.

use crate::callback::{CallbackParams, Expectation, Signed, Stored};
use crate::error::parse_service_error;
use crate::response::{parse_output, Metadata};
use crate::shapes::OPERATIONS;
use crate::state;
use crate::validate::validate_input;
use crate::value::Value;

const SECRET: &[u8] = b"fuzzing-state-secret-0123456789abcdef";
const NOW: u64 = 1_780_000_000_000;

fn meta() -> Metadata {
    Metadata {
        http_status_code: Some(200),
        request_id: Some("fuzz".into()),
        extended_request_id: None,
        cf_id: None,
        attempts: 1,
        total_retry_delay: 0,
    }
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// JSON text through serde into [`Value`]; `None` when it is not JSON (or nests too deep).
fn parsed(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// A 2xx reply body: whatever the parser accepts comes back as a JSON object with `$metadata`.
pub fn success_reply(data: &[u8]) {
    let body = parsed(data);
    let empty = text(data).trim().is_empty();
    for op in OPERATIONS {
        if let Ok(out) = parse_output(op.output, body.clone(), empty, meta()) {
            let v: Value = serde_json::from_str(&serde_json::to_string(&out).expect("writes"))
                .expect("an output writes valid JSON");
            assert!(v.get("$metadata").is_some());
        }
    }
}

/// An error reply: status (2 bytes), a header (length byte, then bytes), then the body. The code
/// is never empty and carries no namespace or suffix.
pub fn error_reply(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    let header_len = usize::from(data[2]).min(data.len() - 3);
    let header = text(&data[3..3 + header_len]);
    let body = parsed(&data[3 + header_len..]);
    let header = (!header.is_empty()).then_some(header.as_ref());
    let e = parse_service_error(status, header, body.as_ref());
    assert!(!e.code.is_empty());
    assert!(!e.code.contains([':', '#', ',']), "code not sanitised");
    assert!(!e.message.is_empty());
}

/// A callback query string, checked both ways (signed state, stored state).
pub fn callback_query(data: &[u8]) {
    let query = text(data);
    let params = CallbackParams::parse(&query);
    let signed = Some(Signed {
        secret: SECRET,
        binding: b"user",
    });
    let stored = Some(Stored {
        state: "stored-state",
        expires_at_ms: NOW + 1,
    });
    let forged = params.check_state(
        Expectation {
            signed,
            stored: None,
        },
        NOW,
    );
    assert!(forged.is_err(), "a state the fuzzer made verified");
    let both = params.check_state(Expectation { signed, stored }, NOW);
    assert!(both.is_err(), "a state the fuzzer made verified");
    let _ = params.check_state(
        Expectation {
            signed: None,
            stored,
        },
        NOW,
    );
    let _ = params.check_state(Expectation::default(), NOW);
    let _ = params.check_result(true);
    let _ = params.check_result(false);
}

/// A state to verify: never accepted unless made with the secret; and a state made from the
/// input (nonce and binding) always verifies, and fails with any other binding.
pub fn state_verify(data: &[u8]) {
    assert!(state::verify(&text(data), SECRET, b"user", NOW).is_err());
    let mut nonce = [0u8; 16];
    for (n, b) in nonce.iter_mut().zip(data) {
        *n = *b;
    }
    let binding = data.get(16..).unwrap_or_default();
    let made = state::create(SECRET, binding, nonce, NOW, 60_000).expect("valid parameters");
    assert_eq!(made.len(), state::STATE_LEN);
    assert!(state::verify(&made, SECRET, binding, NOW + 1).is_ok());
    let mut other = binding.to_vec();
    other.push(0);
    assert!(state::verify(&made, SECRET, &other, NOW + 1).is_err());
}

/// Input for every operation: whatever validates produces a body that validates to itself; any
/// value read writes back to the same value.
pub fn input_validation(data: &[u8]) {
    let Some(input) = parsed(data) else {
        return;
    };
    for op in OPERATIONS {
        if let Ok(body) = validate_input(op.input, &input) {
            let text = serde_json::to_string(&body).expect("a body writes");
            let again: Value = serde_json::from_str(&text).expect("a body is JSON");
            let body_again = validate_input(op.input, &again).expect("a body validates");
            assert_eq!(serde_json::to_string(&body_again).expect("writes"), text);
        }
    }
    let once = serde_json::to_string(&input).expect("a value writes");
    let again: Value = serde_json::from_str(&once).expect("written JSON parses");
    assert_eq!(serde_json::to_string(&again).expect("writes"), once);
}

/// A harness: arbitrary bytes in, a panic if an invariant breaks.
pub type Harness = fn(&[u8]);

/// Every harness, by name (for the seed-corpus test).
pub const HARNESSES: &[(&str, Harness)] = &[
    ("success_reply", success_reply),
    ("error_reply", error_reply),
    ("callback_query", callback_query),
    ("state_verify", state_verify),
    ("input_validation", input_validation),
];

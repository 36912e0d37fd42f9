//! The callback checks' order, natively.

use agentcore_identity_edge::callback::{
    CallbackErrorCode as C, CallbackParams, Expectation, Signed, Stored,
};
use agentcore_identity_edge::state;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const NOW: u64 = 1_780_000_000_000;
const SESSION: &str = "urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc";

fn signed(binding: &[u8]) -> Expectation<'_> {
    Expectation {
        signed: Some(Signed {
            secret: SECRET,
            binding,
        }),
        stored: None,
    }
}

fn stored(state: &str, expires_at_ms: u64) -> Expectation<'_> {
    Expectation {
        signed: None,
        stored: Some(Stored {
            state,
            expires_at_ms,
        }),
    }
}

fn run(query: &str, expectation: Expectation<'_>, consumed: bool) -> Result<String, C> {
    let p = CallbackParams::parse(query);
    p.check_state(expectation, NOW).map_err(|e| e.code)?;
    p.check_result(consumed).map_err(|e| e.code)
}

#[test]
fn order_of_checks() {
    let s = state::create(SECRET, b"u", [1; 16], NOW - 1000, 600_000).unwrap();
    let ok = format!("session_id={SESSION}&state={s}");
    assert_eq!(
        run(&ok, signed(b"u"), true).unwrap(),
        "urn:ietf:params:oauth:request_uri:abc"
    );
    // 1 before 2: duplicates first, even without an expectation.
    assert_eq!(
        run(&format!("{ok}&state={s}"), Expectation::default(), true),
        Err(C::ParameterDuplicated)
    );
    assert_eq!(
        run(&ok, Expectation::default(), true),
        Err(C::ExpectationMissing)
    );
    assert_eq!(
        run(&format!("session_id={SESSION}"), signed(b"u"), true),
        Err(C::StateMissing)
    );
    // 4 before 5: a bad state with an error is a state problem.
    assert_eq!(
        run("error=access_denied&state=x", signed(b"u"), true),
        Err(C::StateMismatch)
    );
    assert_eq!(
        run(
            &format!("error=access_denied&state={s}"),
            signed(b"u"),
            false
        ),
        Err(C::StateReplayed)
    );
    assert_eq!(
        run(
            &format!("error=access_denied&state={s}"),
            signed(b"u"),
            true
        ),
        Err(C::AuthorizationDenied)
    );
    assert_eq!(
        run(&format!("state={s}"), signed(b"u"), true),
        Err(C::SessionIdMissing)
    );
    assert_eq!(
        run(&format!("state={s}&session_id=urn%3Ax"), signed(b"u"), true),
        Err(C::SessionIdInvalid)
    );
    let long = format!(
        "state={s}&session_id=urn:ietf:params:oauth:request_uri:{}",
        "a".repeat(1000)
    );
    assert_eq!(run(&long, signed(b"u"), true), Err(C::SessionIdInvalid));
    let old = state::create(SECRET, b"u", [1; 16], NOW - 700_000, 600_000).unwrap();
    assert_eq!(
        run(
            &format!("state={old}&session_id={SESSION}"),
            signed(b"u"),
            true
        ),
        Err(C::StateExpired)
    );
    assert_eq!(
        run(&ok, stored("other", NOW + 1), true),
        Err(C::StateMismatch)
    );
    assert_eq!(run(&ok, stored("", NOW + 1), true), Err(C::StateMismatch));
    assert!(run(&ok, stored(&s, NOW + 1), true).is_ok());
    // A stored state stops being accepted at the end of its lifetime.
    assert_eq!(run(&ok, stored(&s, NOW), true), Err(C::StateExpired));
    // Both given: both are checked; another authentic state is a mismatch.
    let other = state::create(SECRET, b"u", [2; 16], NOW - 1000, 600_000).unwrap();
    let both = Expectation {
        stored: Some(Stored {
            state: &other,
            expires_at_ms: u64::MAX,
        }),
        ..signed(b"u")
    };
    assert_eq!(run(&ok, both, true), Err(C::StateMismatch));
}

#[test]
fn denial_details_are_kept_but_bounded() {
    let s = state::create(SECRET, b"", [1; 16], NOW, 600_000).unwrap();
    let p = CallbackParams::parse(&format!(
        "state={s}&error=access_denied&error_description={}%0Aline",
        "x".repeat(1000)
    ));
    p.check_state(signed(b""), NOW).unwrap();
    let e = p.check_result(true).unwrap_err();
    assert_eq!(e.error.as_deref(), Some("access_denied"));
    let d = e.error_description.clone().unwrap();
    assert_eq!(d.chars().count(), 256);
    assert!(!d.contains('\n'));
    // The description stays out of the message.
    assert_eq!(e.to_string(), "authorization was denied: access_denied");
}

#[test]
fn messages_and_debug_never_show_the_state() {
    let s = state::create(SECRET, b"", [9; 16], NOW, 600_000).unwrap();
    let p = CallbackParams::parse(&format!("state={s}&session_id=bad"));
    let checked = p.check_state(signed(b""), NOW).unwrap();
    let e = p.check_result(true).unwrap_err();
    for shown in [format!("{e} {e:?}"), format!("{p:?} {checked:?}")] {
        assert!(!shown.contains(&s) && !shown.contains("bad"), "{shown}");
    }
}

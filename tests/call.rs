//! The call state machine (`agentcore_identity_edge::call`) driven natively, the way an executor
//! drives it: a frozen clock and fixed random values are passed in, replies are built by hand, and
//! every decision (retry or not, the delay, the headers of each attempt, the final result or error)
//! is checked exactly.

use agentcore_identity_edge::call::{
    Call, CallError, ClientState, HostError, Next, Outcome, Reply,
};
use agentcore_identity_edge::date::amz_date;
use agentcore_identity_edge::endpoint::{resolve, Endpoint, EndpointParams};
use agentcore_identity_edge::response::{Metadata, Output};
use agentcore_identity_edge::shapes::{self, Operation};
use agentcore_identity_edge::sign::{Credentials, Signed};
use agentcore_identity_edge::validate::Issue;
use agentcore_identity_edge::value::Value;

/// The frozen local clock: Sun, 30 Aug 2015 12:36:00 GMT.
const NOW: i64 = 1_440_938_160_000;
/// `NOW` as an HTTP date.
const NOW_HTTP: &str = "Sun, 30 Aug 2015 12:36:00 GMT";
/// Ten minutes after `NOW`.
const PLUS_10_MIN_HTTP: &str = "Sun, 30 Aug 2015 12:46:00 GMT";
/// Five minutes before `NOW`.
const MINUS_5_MIN_HTTP: &str = "Sun, 30 Aug 2015 12:31:00 GMT";
const TEN_MIN_MS: i64 = 600_000;

const INVOCATION_ID: &str = "30313233-3435-4637-b839-616263646566";
const USER_AGENT: &str = "aws-sdk-js/3.1141.0 ua/2.1 os/other lang/js md/rust#test";
const REGION: &str = "us-east-1";

const INPUT: &str = r#"{"oauth2Flow":"M2M","scopes":["read"],"sessionUri":null,"resourceCredentialProviderName":"demo-m2m-provider","workloadIdentityToken":"wit"}"#;

fn operation() -> &'static Operation {
    shapes::operation("GetResourceOauth2Token").unwrap()
}

fn endpoint() -> Endpoint {
    resolve(&EndpointParams {
        region: Some(REGION),
        endpoint: Some("http://127.0.0.1:8787"),
        ..Default::default()
    })
    .unwrap()
}

fn value(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap()
}

fn try_call(input: &str, max_attempts: u32) -> Result<Call, Vec<Issue>> {
    Call::new(
        operation(),
        &endpoint(),
        &value(input),
        max_attempts,
        INVOCATION_ID.to_owned(),
        |body| serde_json::to_string(body).ok(),
    )
}

fn call(max_attempts: u32) -> Call {
    try_call(INPUT, max_attempts).unwrap()
}

fn creds() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    }
}

fn sign_at(call: &mut Call, local_now_ms: i64, state: &mut ClientState) -> Signed {
    call.sign(&creds(), REGION, USER_AGENT, local_now_ms, state)
}

fn header<'a>(signed: &'a Signed, name: &str) -> Option<&'a str> {
    signed
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

/// A reply with `status`, a request id, and `body` as the host's `JSON.parse` reads it (`None`:
/// not JSON).
fn reply(status: u16, body: Option<&str>) -> Reply {
    Reply {
        status,
        amzn_requestid: Some(format!("req-{status}")),
        parsed: body.map(value),
        ..Reply::default()
    }
}

/// An error reply naming its error in `x-amzn-errortype`.
fn error_reply(status: u16, code: &str) -> Reply {
    Reply {
        error_type: Some(code.to_owned()),
        ..reply(status, Some(r#"{"message":"it failed"}"#))
    }
}

fn expect_retry(next: Next) -> u32 {
    match next {
        Next::Retry { delay_ms } => delay_ms,
        Next::Done(r) => panic!("expected a retry, got {r:?}"),
    }
}

fn expect_output(next: Next) -> Output {
    match next {
        Next::Done(Ok(out)) => out,
        other => panic!("expected a result, got {other:?}"),
    }
}

fn expect_error(next: Next) -> CallError {
    match next {
        Next::Done(Err(e)) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// The service error's (code, status, message) and `$metadata`.
fn expect_service(next: Next) -> (String, u16, String, Metadata) {
    match expect_error(next) {
        CallError::Service(e, meta) => (e.code.clone(), e.status, e.message.clone(), meta),
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn meta(status: Option<u16>, attempts: u32, total_retry_delay: u64) -> Metadata {
    Metadata {
        http_status_code: status,
        request_id: status.map(|s| format!("req-{s}")),
        extended_request_id: None,
        cf_id: None,
        attempts,
        total_retry_delay,
    }
}

/// Runs attempts at the frozen clock, each answered by `outcome(attempt)` and decided with
/// `random`, until the call is done; returns the delays asked for and the final result.
fn run(
    call: &mut Call,
    state: &mut ClientState,
    random: f64,
    mut outcome: impl FnMut(u32) -> Outcome,
) -> (Vec<u32>, Next) {
    let mut delays = Vec::new();
    for attempt in 1..=20 {
        sign_at(call, NOW, state);
        match call.on_outcome(outcome(attempt), NOW, state, random) {
            Next::Retry { delay_ms } => delays.push(delay_ms),
            done => return (delays, done),
        }
    }
    panic!("no end after 20 attempts");
}

#[test]
fn succeeds_on_the_first_attempt_with_modeled_members_only() {
    let mut state = ClientState::default();
    // A previous call of the same client spent 14 tokens on a retry and failed.
    let mut earlier = call(2);
    let (delays, done) = run(&mut earlier, &mut state, 0.5, |_| {
        Outcome::Reply(error_reply(500, "InternalServerException"))
    });
    assert_eq!(delays, [25]);
    expect_service(done);
    assert_eq!(state.quota.available(), 486);

    let mut c = call(3);
    assert_eq!(
        c.request().url,
        "http://127.0.0.1:8787/identities/oauth2/token"
    );
    assert_eq!(c.request().path, "/identities/oauth2/token");
    assert_eq!(c.request().authority, "127.0.0.1:8787");
    // Modeled members in model order, nulls dropped.
    assert_eq!(
        c.request().body,
        r#"{"workloadIdentityToken":"wit","resourceCredentialProviderName":"demo-m2m-provider","scopes":["read"],"oauth2Flow":"M2M"}"#
    );
    sign_at(&mut c, NOW, &mut state);
    let ok = Reply {
        date: Some(NOW_HTTP.into()),
        ..reply(
            200,
            Some(
                r#"{"extra":{"nested":1},"sessionStatus":null,"accessToken":"tok","sessionUri":"urn:ietf:params:oauth:request_uri:abc"}"#,
            ),
        )
    };
    let out = expect_output(c.on_outcome(Outcome::Reply(ok), NOW, &mut state, 0.5));
    assert_eq!(out.metadata, meta(Some(200), 1, 0));
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"accessToken":"tok","sessionUri":"urn:ietf:params:oauth:request_uri:abc","$metadata":{"httpStatusCode":200,"requestId":"req-200","attempts":1,"totalRetryDelay":0}}"#
    );
    // A success without retry gives back one token.
    assert_eq!(state.quota.available(), 487);
    assert_eq!(state.clock_offset_ms, 0);
}

#[test]
fn a_success_after_retries_refunds_the_last_retry_cost_and_reports_them() {
    let mut state = ClientState::default();
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.999, |attempt| match attempt {
        1 => Outcome::Reply(error_reply(429, "ThrottlingException")),
        2 => Outcome::Reply(error_reply(503, "ServiceUnavailableException")),
        _ => Outcome::Reply(reply(200, Some(r#"{"accessToken":"tok"}"#))),
    });
    // Throttling first (base 1000 ms, retry 0), then transient (base 50 ms, retry 1).
    assert_eq!(delays, [999, 99]);
    let out = expect_output(done);
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"accessToken":"tok","$metadata":{"httpStatusCode":200,"requestId":"req-200","attempts":3,"totalRetryDelay":1098}}"#
    );
    // 500 - 5 - 14, then the last retry's 14 back.
    assert_eq!(state.quota.available(), 495);
}

#[test]
fn each_attempt_is_signed_with_its_telemetry_and_the_learnt_offset() {
    let mut state = ClientState {
        clock_offset_ms: 90_000,
        ..ClientState::default()
    };
    let mut c = call(3);
    let mut seen = Vec::new();
    for (i, local) in [NOW, NOW + 1_000, NOW + 62_000].into_iter().enumerate() {
        let signed = sign_at(&mut c, local, &mut state);
        let h = |n| header(&signed, n).map(str::to_owned);
        seen.push((
            h("amz-sdk-request"),
            h("amz-sdk-invocation-id"),
            h("x-amz-user-agent"),
            h("x-amz-date"),
        ));
        let names: Vec<&str> = signed.headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "amz-sdk-invocation-id",
                "amz-sdk-request",
                "content-type",
                "x-amz-content-sha256",
                "x-amz-date",
                "x-amz-user-agent",
                "authorization"
            ]
        );
        let auth = header(&signed, "authorization").unwrap();
        assert!(
            auth.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-user-agent, Signature="
            ),
            "{auth}"
        );
        assert!(!format!("{signed:?}").contains("wJalrXUtnFEMI"));
        // No Date header: the offset stays as learnt.
        let next = c.on_outcome(
            Outcome::Reply(error_reply(503, "ServiceUnavailableException")),
            local + 40,
            &mut state,
            0.0,
        );
        if i < 2 {
            assert_eq!(expect_retry(next), 0);
        } else {
            let (code, status, _, m) = expect_service(next);
            assert_eq!(
                (code.as_str(), status),
                ("ServiceUnavailableException", 503)
            );
            assert_eq!(m, meta(Some(503), 3, 0));
        }
    }
    let want = |n: u32, date: &str| {
        (
            Some(format!("attempt={n}; max=3")),
            Some(INVOCATION_ID.to_owned()),
            Some(USER_AGENT.to_owned()),
            Some(date.to_owned()),
        )
    };
    assert_eq!(
        seen,
        [
            want(1, "20150830T123730Z"),
            want(2, "20150830T123731Z"),
            want(3, "20150830T123832Z"),
        ]
    );
    assert_eq!(amz_date(NOW + 90_000), "20150830T123730Z");
    assert_eq!(state.clock_offset_ms, 90_000);
    assert_eq!(state.quota.available(), 500 - 28);
}

#[test]
fn transient_statuses_are_retried_with_jittered_exponential_backoff() {
    for (status, code) in [
        (500, "InternalServerException"),
        (502, "BadGateway"),
        (503, "ServiceUnavailableException"),
        (504, "GatewayTimeout"),
    ] {
        for (random, want_delays) in [(0.0, vec![0, 0, 0, 0]), (0.999, vec![49, 99, 199, 399])] {
            let mut state = ClientState::default();
            let mut c = call(5);
            let (delays, done) = run(&mut c, &mut state, random, |_| {
                Outcome::Reply(error_reply(status, code))
            });
            assert_eq!(delays, want_delays, "{status} {random}");
            let (got_code, got_status, message, m) = expect_service(done);
            assert_eq!((got_code.as_str(), got_status), (code, status));
            assert_eq!(message, "it failed");
            let total: u64 = want_delays.iter().map(|&d| u64::from(d)).sum();
            assert_eq!(m, meta(Some(status), 5, total), "{status} {random}");
            assert_eq!(state.quota.available(), 500 - 4 * 14);
        }
    }
}

#[test]
fn throttling_is_retried_from_a_one_second_base_capped_at_twenty_seconds() {
    for (code, status) in [
        ("ThrottlingException", 429),
        ("Unknown", 429),
        ("TooManyRequestsException", 400),
    ] {
        let mut state = ClientState::default();
        let mut c = call(9);
        let (delays, done) = run(&mut c, &mut state, 0.999, |_| {
            let mut r = error_reply(status, code);
            if code == "Unknown" {
                r.error_type = None;
                r.parsed = Some(value("{}"));
            }
            Outcome::Reply(r)
        });
        // 1 000 * 2^i, capped at 20 000 before the jitter.
        assert_eq!(
            delays,
            [999, 1_998, 3_996, 7_992, 15_984, 19_980, 19_980, 19_980],
            "{code}"
        );
        let (got_code, got_status, _, m) = expect_service(done);
        assert_eq!((got_code.as_str(), got_status), (code, status));
        assert_eq!(m, meta(Some(status), 9, 90_909));
        assert_eq!(state.quota.available(), 500 - 8 * 5);
    }
    // The smallest draw waits not at all.
    let mut state = ClientState::default();
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.0, |_| {
        Outcome::Reply(error_reply(429, "ThrottlingException"))
    });
    assert_eq!(delays, [0, 0]);
    assert_eq!(expect_service(done).3, meta(Some(429), 3, 0));
}

#[test]
fn one_attempt_allowed_means_no_retry() {
    for outcome in [
        Outcome::Reply(error_reply(503, "ServiceUnavailableException")),
        Outcome::Reply(error_reply(429, "ThrottlingException")),
        Outcome::Reply(Reply {
            date: Some(PLUS_10_MIN_HTTP.into()),
            ..error_reply(403, "InvalidSignatureException")
        }),
    ] {
        let mut state = ClientState::default();
        let mut c = call(1);
        let signed = sign_at(&mut c, NOW, &mut state);
        assert_eq!(header(&signed, "amz-sdk-request"), Some("attempt=1; max=1"));
        let (_, status, _, m) = expect_service(c.on_outcome(outcome, NOW, &mut state, 0.5));
        assert_eq!(m, meta(Some(status), 1, 0));
        assert_eq!(state.quota.available(), 500);
    }
    // A timeout and a network failure likewise.
    let mut state = ClientState::default();
    let mut c = call(1);
    sign_at(&mut c, NOW, &mut state);
    match expect_error(c.on_outcome(Outcome::TimedOut, NOW, &mut state, 0.5)) {
        CallError::Timeout(m) => assert_eq!(m, meta(None, 1, 0)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_clock_offset_is_learnt_even_when_no_retry_is_left() {
    let mut state = ClientState::default();
    let mut c = call(1);
    sign_at(&mut c, NOW, &mut state);
    let skewed = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        ..error_reply(403, "InvalidSignatureException")
    };
    let (code, ..) = expect_service(c.on_outcome(Outcome::Reply(skewed), NOW, &mut state, 0.5));
    assert_eq!(code, "InvalidSignatureException");
    assert_eq!(state.clock_offset_ms, TEN_MIN_MS);
    // The next call signs with it.
    let mut next = call(1);
    let signed = sign_at(&mut next, NOW, &mut state);
    assert_eq!(header(&signed, "x-amz-date"), Some("20150830T124600Z"));
}

#[test]
fn client_errors_are_not_retried() {
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let validation = Reply {
        error_type: Some("ValidationException:http://internal.amazon.com/coral/".into()),
        date: Some(NOW_HTTP.into()),
        ..reply(
            400,
            Some(
                r#"{"message":"bad scopes","reason":"FieldValidationFailed","fieldList":[{"name":"scopes","message":"too many"}]}"#,
            ),
        )
    };
    match expect_error(c.on_outcome(Outcome::Reply(validation), NOW, &mut state, 0.5)) {
        CallError::Service(e, m) => {
            assert_eq!(e.code, "ValidationException");
            assert_eq!(e.status, 400);
            assert_eq!(e.message, "bad scopes");
            assert_eq!(e.reason.as_deref(), Some("FieldValidationFailed"));
            let fields = serde_json::to_string(&e.field_list).unwrap();
            assert_eq!(fields, r#"[{"name":"scopes","message":"too many"}]"#);
            assert_eq!(m, meta(Some(400), 1, 0));
        }
        other => panic!("{other:?}"),
    }

    // Access denied with a Date that agrees with the clock: no skew, no retry.
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let denied = Reply {
        date: Some(NOW_HTTP.into()),
        ..error_reply(403, "AccessDeniedException")
    };
    let (code, status, _, m) =
        expect_service(c.on_outcome(Outcome::Reply(denied), NOW + 30, &mut state, 0.5));
    assert_eq!((code.as_str(), status), ("AccessDeniedException", 403));
    assert_eq!(m, meta(Some(403), 1, 0));
    assert_eq!(state.clock_offset_ms, -30);

    // Another 5xx than 500/502/503/504 is a server error, not retried.
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let (code, _, _, m) = expect_service(c.on_outcome(
        Outcome::Reply(error_reply(501, "NotImplemented")),
        NOW,
        &mut state,
        0.5,
    ));
    assert_eq!(code, "NotImplemented");
    assert_eq!(m, meta(Some(501), 1, 0));
    assert_eq!(state.quota.available(), 500);
}

#[test]
fn a_clock_skew_error_is_retried_at_once_with_the_corrected_clock() {
    let mut state = ClientState::default();
    let mut c = call(3);
    let first = sign_at(&mut c, NOW, &mut state);
    assert_eq!(header(&first, "x-amz-date"), Some("20150830T123600Z"));
    let skewed = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        ..error_reply(403, "InvalidSignatureException")
    };
    assert_eq!(
        expect_retry(c.on_outcome(Outcome::Reply(skewed.clone()), NOW, &mut state, 0.0)),
        0
    );
    assert_eq!(state.clock_offset_ms, TEN_MIN_MS);
    let second = sign_at(&mut c, NOW, &mut state);
    assert_eq!(header(&second, "x-amz-date"), Some("20150830T124600Z"));
    assert_eq!(header(&second, "amz-sdk-request"), Some("attempt=2; max=3"));
    assert_eq!(
        header(&second, "amz-sdk-invocation-id"),
        header(&first, "amz-sdk-invocation-id")
    );
    assert_ne!(first.signature, second.signature);
    // The same Date again corrects nothing: the error stands.
    let (code, status, _, m) =
        expect_service(c.on_outcome(Outcome::Reply(skewed), NOW, &mut state, 0.0));
    assert_eq!((code.as_str(), status), ("InvalidSignatureException", 403));
    assert_eq!(m, meta(Some(403), 2, 0));
    assert_eq!(state.clock_offset_ms, TEN_MIN_MS);
    assert_eq!(state.quota.available(), 500 - 14);

    // A corrected clock then a success.
    let mut state = ClientState::default();
    let mut c = call(2);
    let (delays, done) = run(&mut c, &mut state, 0.5, |attempt| {
        Outcome::Reply(match attempt {
            1 => Reply {
                date: Some(MINUS_5_MIN_HTTP.into()),
                ..error_reply(403, "AccessDeniedException")
            },
            _ => Reply {
                date: Some(MINUS_5_MIN_HTTP.into()),
                ..reply(200, Some("{}"))
            },
        })
    });
    // Retried as a transient error: backoff with a 50 ms base.
    assert_eq!(delays, [25]);
    assert_eq!(expect_output(done).metadata, meta(Some(200), 2, 25));
    assert_eq!(state.clock_offset_ms, -300_000);
}

#[test]
fn a_skew_under_four_minutes_is_learnt_but_not_retried() {
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let slightly = Reply {
        date: Some("Sun, 30 Aug 2015 12:39:59 GMT".into()),
        ..error_reply(403, "InvalidSignatureException")
    };
    let (_, _, _, m) = expect_service(c.on_outcome(Outcome::Reply(slightly), NOW, &mut state, 0.0));
    assert_eq!(m, meta(Some(403), 1, 0));
    assert_eq!(state.clock_offset_ms, 239_000);
}

#[test]
fn a_successful_reply_moves_the_offset_for_later_calls() {
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let ok = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        ..reply(200, Some(r#"{"accessToken":"tok"}"#))
    };
    expect_output(c.on_outcome(Outcome::Reply(ok), NOW, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, TEN_MIN_MS);
    let mut later = call(3);
    let signed = sign_at(&mut later, NOW + 5_000, &mut state);
    assert_eq!(header(&signed, "x-amz-date"), Some("20150830T124605Z"));

    // An ISO 8601 Date and a small skew move it too; a reply without Date leaves it.
    let ok = Reply {
        date: Some("2015-08-30T12:36:01Z".into()),
        ..reply(200, Some("{}"))
    };
    expect_output(later.on_outcome(Outcome::Reply(ok), NOW + 5_000, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, -4_000);
    let mut third = call(3);
    sign_at(&mut third, NOW, &mut state);
    expect_output(third.on_outcome(Outcome::Reply(reply(200, Some("{}"))), NOW, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, -4_000);

    // A Date that does not parse, or a reply more than 15 minutes after signing: unchanged.
    let mut fourth = call(3);
    sign_at(&mut fourth, NOW, &mut state);
    let late = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        ..reply(200, Some("{}"))
    };
    expect_output(fourth.on_outcome(Outcome::Reply(late), NOW + 900_001, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, -4_000);
    let mut fifth = call(3);
    sign_at(&mut fifth, NOW, &mut state);
    let garbled = Reply {
        date: Some("yesterday".into()),
        ..reply(200, Some("{}"))
    };
    expect_output(fifth.on_outcome(Outcome::Reply(garbled), NOW, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, -4_000);
}

#[test]
fn an_age_header_leaves_the_offset_alone() {
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let cached = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        has_age: true,
        ..reply(200, Some("{}"))
    };
    expect_output(c.on_outcome(Outcome::Reply(cached), NOW, &mut state, 0.5));
    assert_eq!(state.clock_offset_ms, 0);

    // An error reply with an Age header corrects nothing, so it is not retried for skew.
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let cached = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        has_age: true,
        ..error_reply(403, "InvalidSignatureException")
    };
    let (_, _, _, m) = expect_service(c.on_outcome(Outcome::Reply(cached), NOW, &mut state, 0.0));
    assert_eq!(m, meta(Some(403), 1, 0));
    assert_eq!(state.clock_offset_ms, 0);
}

#[test]
fn retry_after_hints_lengthen_the_delay_by_at_most_five_seconds() {
    // (status, code, retry-after, x-amz-retry-after, random, delay)
    let cases = [
        (
            503,
            "ServiceUnavailableException",
            Some("3"),
            None,
            0.0,
            3_000,
        ),
        (
            503,
            "ServiceUnavailableException",
            Some("60"),
            None,
            0.0,
            5_000,
        ),
        (
            503,
            "ServiceUnavailableException",
            Some("1.5"),
            None,
            0.999,
            1_500,
        ),
        (
            503,
            "ServiceUnavailableException",
            None,
            Some("2000"),
            0.999,
            2_000,
        ),
        (
            503,
            "ServiceUnavailableException",
            None,
            Some("99999"),
            0.999,
            5_049,
        ),
        // An HTTP date 10 s ahead of the local clock.
        (
            500,
            "InternalServerException",
            Some("Sun, 30 Aug 2015 12:36:10 GMT"),
            None,
            0.5,
            5_025,
        ),
        // A hint shorter than the backoff does not shorten it.
        (429, "ThrottlingException", None, Some("10"), 0.999, 999),
        // retry-after wins over x-amz-retry-after, even when it does not parse.
        (
            503,
            "ServiceUnavailableException",
            Some("soon"),
            Some("2000"),
            0.0,
            0,
        ),
        (
            429,
            "ThrottlingException",
            Some("2"),
            Some("4000"),
            0.0,
            2_000,
        ),
    ];
    for (status, code, ra, xra, random, want) in cases {
        let mut state = ClientState::default();
        let mut c = call(2);
        let hinted = Reply {
            retry_after: ra.map(str::to_owned),
            amz_retry_after: xra.map(str::to_owned),
            ..error_reply(status, code)
        };
        sign_at(&mut c, NOW, &mut state);
        let delay = expect_retry(c.on_outcome(Outcome::Reply(hinted), NOW, &mut state, random));
        assert_eq!(delay, want, "{ra:?} {xra:?}");
        sign_at(&mut c, NOW, &mut state);
        let (_, _, _, m) = expect_service(c.on_outcome(
            Outcome::Reply(error_reply(status, code)),
            NOW,
            &mut state,
            random,
        ));
        assert_eq!(m, meta(Some(status), 2, u64::from(want)), "{ra:?} {xra:?}");
    }
    // A hint on an error that is not retried changes nothing.
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let hinted = Reply {
        retry_after: Some("1".into()),
        ..error_reply(400, "ValidationException")
    };
    let (_, _, _, m) = expect_service(c.on_outcome(Outcome::Reply(hinted), NOW, &mut state, 0.5));
    assert_eq!(m, meta(Some(400), 1, 0));
}

#[test]
fn an_empty_retry_quota_stops_retrying() {
    let mut state = ClientState::default();
    // Each call retries a 500 once (14 tokens), then gives up at maxAttempts 2.
    for n in 1..=35 {
        let mut c = call(2);
        let (delays, done) = run(&mut c, &mut state, 0.0, |_| {
            Outcome::Reply(error_reply(500, "InternalServerException"))
        });
        assert_eq!(delays, [0], "call {n}");
        assert_eq!(expect_service(done).3, meta(Some(500), 2, 0));
    }
    assert_eq!(state.quota.available(), 10);
    // 10 tokens do not pay for a transient retry.
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.0, |_| {
        Outcome::Reply(error_reply(500, "InternalServerException"))
    });
    assert!(delays.is_empty());
    assert_eq!(expect_service(done).3, meta(Some(500), 1, 0));
    match expect_error(run(&mut call(3), &mut state, 0.0, |_| Outcome::TimedOut).1) {
        CallError::Timeout(m) => assert_eq!(m, meta(None, 1, 0)),
        other => panic!("{other:?}"),
    }
    assert_eq!(state.quota.available(), 10);
    // They pay for two throttling retries (5 each), then no more.
    let mut c = call(5);
    let (delays, done) = run(&mut c, &mut state, 0.0, |_| {
        Outcome::Reply(error_reply(429, "ThrottlingException"))
    });
    assert_eq!(delays, [0, 0]);
    assert_eq!(expect_service(done).3, meta(Some(429), 3, 0));
    assert_eq!(state.quota.available(), 0);
    // Successes refill it: 1 token without retry.
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    expect_output(c.on_outcome(Outcome::Reply(reply(200, Some("{}"))), NOW, &mut state, 0.0));
    assert_eq!(state.quota.available(), 1);
    // A skew correction is not retried either without 14 tokens.
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let skewed = Reply {
        date: Some(PLUS_10_MIN_HTTP.into()),
        ..error_reply(403, "InvalidSignatureException")
    };
    let (_, _, _, m) = expect_service(c.on_outcome(Outcome::Reply(skewed), NOW, &mut state, 0.0));
    assert_eq!(m, meta(Some(403), 1, 0));
}

#[test]
fn timeouts_are_retried_and_end_as_a_timeout() {
    let mut state = ClientState::default();
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.5, |_| Outcome::TimedOut);
    assert_eq!(delays, [25, 50]);
    match expect_error(done) {
        CallError::Timeout(m) => {
            assert_eq!(m, meta(None, 3, 75));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                r#"{"attempts":3,"totalRetryDelay":75}"#
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state.quota.available(), 500 - 28);
    // A timeout, then a reply: the result counts both attempts.
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.0, |attempt| match attempt {
        1 => Outcome::TimedOut,
        _ => Outcome::Reply(reply(200, Some("{}"))),
    });
    assert_eq!(delays, [0]);
    assert_eq!(expect_output(done).metadata, meta(Some(200), 2, 0));
    assert_eq!(state.quota.available(), 500 - 28 - 14 + 14);
}

fn host_error(name: &str, message: &str, code: Option<&str>, is_type_error: bool) -> HostError {
    HostError {
        name: name.into(),
        message: message.into(),
        code: code.map(str::to_owned),
        is_type_error,
    }
}

#[test]
fn network_failures_are_retried_when_the_sdk_retries_them() {
    let node_reset = vec![
        host_error("TypeError", "fetch failed", None, true),
        host_error("Error", "read ECONNRESET", Some("ECONNRESET"), false),
    ];
    let undici_socket = vec![
        host_error("TypeError", "fetch failed", None, true),
        host_error(
            "SocketError",
            "other side closed",
            Some("UND_ERR_SOCKET"),
            false,
        ),
    ];
    let browser = vec![host_error("TypeError", "Failed to fetch", None, true)];
    let workerd = vec![host_error(
        "TypeError",
        "Network connection lost.",
        None,
        true,
    )];
    // Every code the README names, each as the cause of undici's `fetch failed`.
    let named: Vec<Vec<HostError>> = ["ECONNREFUSED", "EPIPE", "ETIMEDOUT", "UND_ERR_CLOSED"]
        .into_iter()
        .map(|code| {
            vec![
                host_error("TypeError", "fetch failed", None, true),
                host_error("Error", code, Some(code), false),
            ]
        })
        .collect();
    let load_failed = vec![host_error("TypeError", "Load failed", None, true)];
    for chain in [node_reset, undici_socket, browser, workerd, load_failed]
        .into_iter()
        .chain(named)
    {
        let mut state = ClientState::default();
        let mut c = call(3);
        let (delays, done) = run(&mut c, &mut state, 0.999, |_| {
            Outcome::Network(chain.clone())
        });
        assert_eq!(delays, [49, 99], "{chain:?}");
        match expect_error(done) {
            CallError::Network(m) => assert_eq!(m, meta(None, 3, 148)),
            other => panic!("{other:?}"),
        }
        assert_eq!(state.quota.available(), 500 - 28);
    }

    let unknown = vec![
        host_error("TypeError", "fetch failed", None, true),
        host_error(
            "Error",
            "unable to verify the first certificate",
            Some("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
            false,
        ),
    ];
    let not_a_type_error = vec![host_error("Error", "Failed to fetch", None, false)];
    let aborted_reset = vec![
        host_error("AbortError", "aborted", None, false),
        host_error("Error", "read ECONNRESET", Some("ECONNRESET"), false),
    ];
    for chain in [unknown, not_a_type_error, aborted_reset, vec![]] {
        let mut state = ClientState::default();
        let mut c = call(3);
        let (delays, done) = run(&mut c, &mut state, 0.5, |_| Outcome::Network(chain.clone()));
        assert!(delays.is_empty(), "{chain:?}");
        match expect_error(done) {
            CallError::Network(m) => assert_eq!(m, meta(None, 1, 0)),
            other => panic!("{other:?}"),
        }
        assert_eq!(state.quota.available(), 500);
    }
}

fn expect_response_error(next: Next) -> (String, Metadata) {
    match expect_error(next) {
        CallError::Response(message, m) => (message, m),
        other => panic!("expected a response error, got {other:?}"),
    }
}

#[test]
fn replies_that_cannot_be_used() {
    // Too large: a 2xx is not retried; an error reply is retried by its status, as the SDK
    // (which reads it whole) would, and ends as too large.
    for (status, retried) in [(200, false), (400, false), (503, true)] {
        let mut state = ClientState::default();
        let mut c = call(2);
        sign_at(&mut c, NOW, &mut state);
        let big = || Reply {
            too_large: true,
            ..reply(status, None)
        };
        let mut next = c.on_outcome(Outcome::Reply(big()), NOW, &mut state, 0.5);
        if retried {
            assert!(matches!(next, Next::Retry { delay_ms: 25 }), "{next:?}");
            sign_at(&mut c, NOW, &mut state);
            next = c.on_outcome(Outcome::Reply(big()), NOW, &mut state, 0.5);
        }
        let (message, m) = expect_response_error(next);
        assert_eq!(message, "the reply body is larger than 1048576 bytes");
        let attempts = if retried { 2 } else { 1 };
        let delay = if retried { 25 } else { 0 };
        assert_eq!(m, meta(Some(status), attempts, delay));
        assert_eq!(state.quota.available(), if retried { 486 } else { 500 });
    }

    // An unusable 2xx whose `Date` corrected the clock is retried, as the SDK's signer marks it.
    let mut state = ClientState::default();
    let mut c = call(2);
    sign_at(&mut c, NOW, &mut state);
    let skewed = Reply {
        date: Some("Sun, 30 Aug 2015 12:46:00 GMT".into()),
        ..reply(200, Some("[1]"))
    };
    let next = c.on_outcome(Outcome::Reply(skewed), NOW, &mut state, 0.5);
    assert!(matches!(next, Next::Retry { .. }), "{next:?}");
    assert_eq!(state.clock_offset_ms, 600_000);

    // A 2xx body that is not JSON, not an object, or not the model.
    for (parsed, want) in [
        (None, "the reply body is not valid JSON"),
        (Some("[1]"), "the reply body is a JSON list, not an object"),
        (
            Some(r#"{"accessToken":5}"#),
            "reply member accessToken is a number, expected a string",
        ),
        (
            Some(r#"{"sessionStatus":true}"#),
            "reply member sessionStatus is a boolean, expected a string",
        ),
    ] {
        let mut state = ClientState::default();
        let mut c = call(3);
        sign_at(&mut c, NOW, &mut state);
        let (message, m) = expect_response_error(c.on_outcome(
            Outcome::Reply(reply(200, parsed)),
            NOW,
            &mut state,
            0.5,
        ));
        assert_eq!(message, want);
        assert_eq!(m, meta(Some(200), 1, 0));
        // No success: nothing refunded (nothing was spent either).
        assert_eq!(state.quota.available(), 500);
    }

    // A non-JSON error body is retried by its status and ends as a reply that could not be read.
    let mut state = ClientState::default();
    let mut c = call(2);
    let (delays, done) = run(&mut c, &mut state, 0.5, |_| {
        Outcome::Reply(reply(502, None))
    });
    assert_eq!(delays, [25]);
    let (message, m) = expect_response_error(done);
    assert_eq!(message, "the HTTP 502 error reply is not JSON");
    assert_eq!(m, meta(Some(502), 2, 25));
    // ... and not retried for a status that is not.
    let mut c = call(2);
    sign_at(&mut c, NOW, &mut state);
    let (message, m) =
        expect_response_error(c.on_outcome(Outcome::Reply(reply(403, None)), NOW, &mut state, 0.5));
    assert_eq!(message, "the HTTP 403 error reply is not JSON");
    assert_eq!(m, meta(Some(403), 1, 0));
}

#[test]
fn empty_and_codeless_replies() {
    // An empty 2xx body is an empty result.
    let mut state = ClientState::default();
    let mut c = call(3);
    sign_at(&mut c, NOW, &mut state);
    let empty = Reply {
        empty: true,
        amzn_requestid: None,
        ..reply(200, None)
    };
    let out = expect_output(c.on_outcome(Outcome::Reply(empty), NOW, &mut state, 0.5));
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"$metadata":{"httpStatusCode":200,"attempts":1,"totalRetryDelay":0}}"#
    );

    // JSON errors without a code are named Unknown.
    for (status, body, message) in [
        (400, r#"{"message":"nope"}"#, "nope"),
        (
            400,
            "{}",
            "HTTP 400 Bad Request with no AWS error code in the reply",
        ),
        (418, "[]", "HTTP 418 with no AWS error code in the reply"),
    ] {
        let mut c = call(3);
        sign_at(&mut c, NOW, &mut state);
        let (code, got_status, got_message, m) = expect_service(c.on_outcome(
            Outcome::Reply(reply(status, Some(body))),
            NOW,
            &mut state,
            0.5,
        ));
        assert_eq!(
            (code.as_str(), got_status, got_message.as_str()),
            ("Unknown", status, message)
        );
        assert_eq!(m, meta(Some(status), 1, 0));
    }
    // An empty error body with a 503: Unknown, retried by status.
    let mut c = call(2);
    let (delays, done) = run(&mut c, &mut state, 0.0, |_| {
        Outcome::Reply(Reply {
            empty: true,
            ..reply(503, None)
        })
    });
    assert_eq!(delays, [0]);
    let (code, _, message, m) = expect_service(done);
    assert_eq!(code, "Unknown");
    assert_eq!(
        message,
        "HTTP 503 Service Unavailable with no AWS error code in the reply"
    );
    assert_eq!(m, meta(Some(503), 2, 0));
    // The code comes from the body when the header is missing.
    let mut c = call(1);
    sign_at(&mut c, NOW, &mut state);
    let (code, ..) = expect_service(c.on_outcome(
        Outcome::Reply(reply(
            404,
            Some(r#"{"__type":"com.amazonaws#ResourceNotFoundException","Message":"gone"}"#),
        )),
        NOW,
        &mut state,
        0.5,
    ));
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn bad_input_lists_every_issue_with_its_path() {
    let issues = |input: &str| -> Vec<(String, String)> {
        match try_call(input, 3) {
            Ok(_) => Vec::new(),
            Err(list) => list
                .into_iter()
                .map(|Issue { path, message }| (path, message))
                .collect(),
        }
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
            .collect()
    };
    assert_eq!(
        issues(
            r#"{"resourceCredentialProviderName":"p","scopes":["ok",7],"oauth2Flow":"M3M","scoeps":[]}"#
        ),
        pairs(&[
            (
                "scoeps",
                "unknown member of GetResourceOauth2TokenRequest; did you mean scopes?"
            ),
            ("workloadIdentityToken", "required member is missing"),
            ("scopes[1]", "expected a string, got number"),
            (
                "oauth2Flow",
                "must be one of USER_FEDERATION, M2M, ON_BEHALF_OF_TOKEN_EXCHANGE"
            ),
        ])
    );
    assert_eq!(
        issues("[]"),
        pairs(&[(
            "",
            "input must be an object (GetResourceOauth2TokenRequest), got list"
        )])
    );
    assert_eq!(
        issues(
            r#"{"workloadIdentityToken":"","resourceCredentialProviderName":"p","scopes":[],"oauth2Flow":"M2M","customParameters":{"bad key!":"v"}}"#
        ),
        pairs(&[
            (
                "workloadIdentityToken",
                "length 0 is below the minimum of 1 (WorkloadIdentityTokenType)"
            ),
            (
                "customParameters[\"bad key!\"]",
                "key must match the pattern [a-zA-Z0-9\\-_\\.]+ (CustomRequestKeyType)"
            ),
        ])
    );
    assert!(issues(INPUT).is_empty());
}

#[test]
fn debug_never_shows_the_body() {
    let c = try_call(
        r#"{"workloadIdentityToken":"canary-workload-token","resourceCredentialProviderName":"p","scopes":["s"],"oauth2Flow":"M2M","customState":"canary-state"}"#,
        1,
    )
    .unwrap();
    let shown = format!("{c:?}");
    assert!(shown.contains("GetResourceOauth2Token"), "{shown}");
    assert!(!shown.contains("canary"), "{shown}");
}

#[test]
fn a_redirect_ends_the_call_as_an_unknown_client_error_after_one_attempt() {
    for status in [301, 302, 303, 307, 308, 300, 304, 399] {
        let mut state = ClientState::default();
        let mut c = call(3);
        // A redirect that names a throttling code, asks for a retry and carries a skewed Date:
        // none of it is read.
        let redirect = Reply {
            error_type: Some("ThrottlingException".into()),
            retry_after: Some("1".into()),
            date: Some(PLUS_10_MIN_HTTP.into()),
            ..reply(
                status,
                Some(r#"{"message":"moved","accessToken":"other-host"}"#),
            )
        };
        let (delays, done) = run(&mut c, &mut state, 0.5, |_| {
            Outcome::Reply(redirect.clone())
        });
        assert!(delays.is_empty(), "HTTP {status} was retried");
        match expect_error(done) {
            CallError::Service(e, m) => {
                assert_eq!(e.code, "Unknown");
                assert_eq!(e.status, status);
                assert_eq!(e.fault, shapes::Fault::Client);
                assert_eq!(
                    e.message,
                    format!("the reply is HTTP {status}: redirects are not followed")
                );
                assert_eq!(m, meta(Some(status), 1, 0));
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
        assert_eq!(state.clock_offset_ms, 0, "HTTP {status} moved the clock");
        assert_eq!(state.quota.available(), 500);
    }
}

#[test]
fn a_browser_opaque_redirect_is_a_redirect_and_other_statuses_are_not() {
    let opaque = Reply {
        status: 0,
        response_type: Some("opaqueredirect".into()),
        ..Reply::default()
    };
    assert!(opaque.is_redirect());
    let mut state = ClientState::default();
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.5, |_| Outcome::Reply(opaque.clone()));
    assert!(delays.is_empty());
    match expect_error(done) {
        CallError::Service(e, m) => {
            assert_eq!((e.code.as_str(), e.status), ("Unknown", 0));
            assert_eq!(e.fault, shapes::Fault::Client);
            assert!(e.message.contains("opaque redirect"), "{}", e.message);
            assert_eq!(m.http_status_code, Some(0));
            assert_eq!(m.attempts, 1);
        }
        other => panic!("{other:?}"),
    }
    for (status, kind) in [
        (0, Some("opaque")),
        (0, None),
        (200, Some("opaqueredirect")),
        (299, None),
        (400, None),
    ] {
        let r = Reply {
            status,
            response_type: kind.map(str::to_owned),
            ..Reply::default()
        };
        assert!(!r.is_redirect(), "{status} {kind:?}");
    }
}

#[test]
fn metadata_reads_the_request_id_headers_in_the_sdk_order() {
    let ids = |a: Option<&str>, b: Option<&str>, c: Option<&str>| Reply {
        amzn_requestid: a.map(str::to_owned),
        amzn_request_id: b.map(str::to_owned),
        amz_request_id: c.map(str::to_owned),
        ..Reply::default()
    };
    assert_eq!(ids(Some("a"), Some("b"), Some("c")).request_id(), Some("a"));
    assert_eq!(ids(None, Some("b"), Some("c")).request_id(), Some("b"));
    assert_eq!(ids(None, None, Some("c")).request_id(), Some("c"));
    assert_eq!(ids(None, None, None).request_id(), None);

    // On a result and on an error, with x-amz-id-2 and x-amz-cf-id.
    for (status, body) in [
        (200, r#"{"accessToken":"t"}"#),
        (404, r#"{"message":"no such provider"}"#),
    ] {
        let mut state = ClientState::default();
        let mut c = call(1);
        let r = Reply {
            extended_request_id: Some("ext-2".into()),
            cf_id: Some("cf-3".into()),
            ..ids(None, None, Some("amz-1"))
        };
        let r = Reply {
            status,
            parsed: Some(value(body)),
            ..r
        };
        sign_at(&mut c, NOW, &mut state);
        let m = match c.on_outcome(Outcome::Reply(r), NOW, &mut state, 0.5) {
            Next::Done(Ok(out)) => out.metadata,
            Next::Done(Err(CallError::Service(_, m))) => m,
            other => panic!("{other:?}"),
        };
        let want = Metadata {
            request_id: Some("amz-1".into()),
            extended_request_id: Some("ext-2".into()),
            cf_id: Some("cf-3".into()),
            ..meta(Some(status), 1, 0)
        };
        assert_eq!(m, want);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            format!(
                r#"{{"httpStatusCode":{status},"requestId":"amz-1","extendedRequestId":"ext-2","cfId":"cf-3","attempts":1,"totalRetryDelay":0}}"#
            )
        );
    }
}

#[test]
fn a_redirect_after_a_retry_ends_the_call_with_both_attempts_counted() {
    let mut state = ClientState::default();
    let mut c = call(3);
    let (delays, done) = run(&mut c, &mut state, 0.5, |attempt| {
        Outcome::Reply(if attempt == 1 {
            error_reply(503, "ServiceUnavailableException")
        } else {
            reply(308, None)
        })
    });
    assert_eq!(delays.len(), 1);
    let (code, status, _, m) = expect_service(done);
    assert_eq!((code.as_str(), status), ("Unknown", 308));
    assert_eq!(m, meta(Some(308), 2, u64::from(delays[0])));
}

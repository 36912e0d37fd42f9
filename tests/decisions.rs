//! The core's security decisions, each pinned at its boundary, so that breaking any of them fails
//! a native test (`npm run mutants` checks that): the callback's size and parameter limits, the
//! provider's `error` code filter and the codes JavaScript sees; lower-case percent escapes; the
//! signing-key cache and the header-value clean-up; the HTTP/2 refused-stream retry; endpoint
//! override paths and ports, and the region pattern of the partitions.

use agentcore_identity_edge::callback::{
    CallbackError, CallbackErrorCode as C, CallbackParams, Expectation, Signed, MAX_PARAMS,
    MAX_QUERY_LEN,
};
use agentcore_identity_edge::endpoint::{partition, resolve, EndpointParams};
use agentcore_identity_edge::retry::{classify_host_error, ErrorClass, HostError};
use agentcore_identity_edge::sign::{
    sign, sign_with, Credentials, SdkHeaders, SignableRequest, SigningKeyCache,
};
use agentcore_identity_edge::state;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const NOW: u64 = 1_780_000_000_000;
const SESSION: &str = "urn:ietf:params:oauth:request_uri:abc";

fn signed() -> Expectation<'static> {
    Expectation {
        signed: Some(Signed {
            secret: SECRET,
            binding: b"u",
        }),
        stored: None,
    }
}

fn good_state() -> String {
    state::create(SECRET, b"u", [1; 16], NOW - 1000, 600_000).unwrap()
}

fn checked(query: &str) -> Result<String, CallbackError> {
    let p = CallbackParams::parse(query);
    p.check_state(signed(), NOW)?;
    p.check_result(true)
}

/// `state=...&session_id=...` padded with a `pad` parameter to exactly `len` bytes.
fn query_of_len(len: usize) -> String {
    let head = format!("state={}&session_id={SESSION}&pad=", good_state());
    let q = format!("{head}{}", "x".repeat(len - head.len()));
    assert_eq!(q.len(), len);
    q
}

#[test]
fn query_length_limit_is_16_kib_inclusive() {
    assert_eq!(MAX_QUERY_LEN, 16 * 1024);
    let at = query_of_len(MAX_QUERY_LEN);
    assert_eq!(checked(&at).as_deref(), Ok(SESSION));
    // The leading `?` is not counted.
    assert_eq!(checked(&format!("?{at}")).as_deref(), Ok(SESSION));
    let over = query_of_len(MAX_QUERY_LEN + 1);
    assert_eq!(checked(&over).unwrap_err().code, C::QueryTooLarge);
    assert_eq!(
        checked(&format!("?{over}")).unwrap_err().code,
        C::QueryTooLarge
    );
}

/// `state`, `session_id` and `extra` more parameters.
fn query_with_params(extra: usize) -> String {
    let mut q = format!("state={}&session_id={SESSION}", good_state());
    for i in 0..extra {
        q.push_str(&format!("&p{i}={i}"));
    }
    q
}

#[test]
fn parameter_limit_is_16_inclusive_and_empty_pairs_do_not_count() {
    assert_eq!(MAX_PARAMS, 16);
    let at = query_with_params(MAX_PARAMS - 2);
    assert_eq!(checked(&at).as_deref(), Ok(SESSION));
    // Empty pairs (`&&`, a trailing `&`) are neither parameters nor duplicates of each other.
    assert_eq!(
        checked(&format!("&&{}&&&", at.replace('&', "&&"))).as_deref(),
        Ok(SESSION)
    );
    let over = query_with_params(MAX_PARAMS - 1);
    assert_eq!(checked(&over).unwrap_err().code, C::QueryTooLarge);
    // Over the count but far under the length: the count alone refuses it.
    assert!(over.len() < MAX_QUERY_LEN / 8);
    // A refused query is not decoded: even its duplicates are reported as its size.
    let dup_over = format!("{over}&state=x");
    assert_eq!(checked(&dup_over).unwrap_err().code, C::QueryTooLarge);
}

fn denied(error_param: &str) -> String {
    let e = checked(&format!(
        "state={}&session_id={SESSION}&error={error_param}",
        good_state()
    ))
    .unwrap_err();
    assert_eq!(e.code, C::AuthorizationDenied);
    e.error.unwrap()
}

#[test]
fn provider_error_code_keeps_only_nqschar_without_spaces() {
    assert_eq!(denied("access_denied"), "access_denied");
    // Quotes, backslashes, spaces, controls, line breaks, non-ASCII and bidi overrides go.
    assert_eq!(
        denied("a%22b%5Cc%20d+e%0Af%0Dg%09h%00i%7Fj%C3%A9k%E2%80%AEl"),
        "abcdefghijkl"
    );
    // Every NQSCHAR but the space is kept: %x21 / %x23-5B / %x5D-7E.
    let printable: String = (0x21u8..=0x7e)
        .filter(|&b| b != b'"' && b != b'\\')
        .map(char::from)
        .collect();
    let encoded: String = printable.bytes().map(|b| format!("%{b:02X}")).collect();
    let (head, tail) = printable.split_at(64);
    assert_eq!(denied(&encoded[..64 * 3]), head);
    assert_eq!(denied(&encoded[64 * 3..]), tail);
    assert_eq!(denied(&encoded), head);
    // At most 64 characters.
    assert_eq!(denied(&"e".repeat(100)), "e".repeat(64));
    assert_eq!(denied(&format!("%20{}", "e".repeat(64))), "e".repeat(64));
    // Nothing left: a fixed code, never an empty one.
    assert_eq!(denied(""), "unknown_error");
    assert_eq!(denied("%20%22%E2%80%AE%0A"), "unknown_error");
}

#[test]
fn error_codes_as_javascript_sees_them() {
    for (code, text) in [
        (C::QueryTooLarge, "query_too_large"),
        (C::ParameterDuplicated, "parameter_duplicated"),
        (C::ExpectationMissing, "expectation_missing"),
        (C::StateMissing, "state_missing"),
        (C::StateMismatch, "state_mismatch"),
        (C::StateExpired, "state_expired"),
        (C::StateReplayed, "state_replayed"),
        (C::SessionIdMissing, "session_id_missing"),
        (C::SessionIdInvalid, "session_id_invalid"),
        (C::AuthorizationDenied, "authorization_denied"),
    ] {
        assert_eq!(code.as_str(), text);
    }
}

#[test]
fn session_id_length_limit_is_inclusive() {
    let prefix = "urn:ietf:params:oauth:request_uri:";
    let at = format!("{prefix}{}", "a".repeat(1024 - prefix.len()));
    let q = |session: &str| format!("state={}&session_id={session}", good_state());
    assert_eq!(checked(&q(&at)).as_deref(), Ok(at.as_str()));
    let over = format!("{at}a");
    assert_eq!(checked(&q(&over)).unwrap_err().code, C::SessionIdInvalid);
    assert_eq!(checked(&q("")).unwrap_err().code, C::SessionIdMissing);
}

#[test]
fn debug_shows_names_and_lifetimes_only() {
    let s = good_state();
    let p = CallbackParams::parse(&format!("state={s}&session_id={SESSION}"));
    let c = p.check_state(signed(), NOW).unwrap();
    assert_eq!(format!("{p:?}"), r#"["state", "session_id"]"#);
    assert_eq!(
        format!("{c:?}"),
        format!("CheckedState {{ expires_at_ms: {}, .. }}", NOW + 599_000)
    );
    assert_eq!(
        format!("{:?}", signed()),
        "Expectation { signed: true, stored: None }"
    );
}

#[test]
fn lower_case_percent_escapes_are_decoded() {
    // `%3d` is `=`, `%2f` is `/`, `%e2%98%83` is U+2603: the same as upper case.
    let s = good_state();
    for (escaped, plain) in [
        ("urn%3aietf%3aparams%3aoauth%3arequest_uri%3aabc", SESSION),
        ("urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc", SESSION),
    ] {
        let got = checked(&format!("state={s}&session_id={escaped}"));
        assert_eq!(got.as_deref(), Ok(plain), "{escaped}");
    }
    // Lower-case hex digits a to f, each position.
    let e = checked(&format!(
        "state={s}&session_id={SESSION}&error=%61%62%63%64%65%66%6a%6b%6c%6d%6e%6f%7a%7b"
    ))
    .unwrap_err();
    assert_eq!(e.error.as_deref(), Some("abcdefjklmnoz{"));
    let e = checked(&format!(
        "state={s}&session_id={SESSION}&error=x&error_description=%e2%98%83%c3%a9%0a%fa"
    ))
    .unwrap_err();
    assert_eq!(e.error_description.as_deref(), Some("☃é\u{fffd}"));
}

const BODY: &str = r#"{"workloadIdentityToken":"wit"}"#;
/// 2015-08-30T12:36:00Z
const TIME_MS: i64 = 1_440_938_160_000;
const DAY_MS: i64 = 86_400_000;

fn creds(secret: &str) -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: secret.into(),
        session_token: None,
    }
}

fn request() -> SignableRequest<'static> {
    SignableRequest {
        authority: "bedrock-agentcore.us-east-1.amazonaws.com",
        path: "/identities/oauth2/token",
        body: BODY,
    }
}

#[test]
fn signing_key_cache_changes_key_on_each_of_secret_date_and_region_alone() {
    let mut cache = SigningKeyCache::default();
    let first = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let rotated = "rotated/K7MDENG+bPxRfiCYEXAMPLEKEYwJalr";
    // Each step changes one of (secret, date, region) from the step before, or nothing.
    let steps = [
        (first, "us-east-1", TIME_MS),
        (first, "us-east-1", TIME_MS + 3_600_000),
        (rotated, "us-east-1", TIME_MS + 3_600_000),
        (first, "us-east-1", TIME_MS + 3_600_000),
        (first, "eu-west-1", TIME_MS + 3_600_000),
        (first, "eu-west-1", TIME_MS + DAY_MS),
        (rotated, "eu-west-1", TIME_MS + DAY_MS),
        (rotated, "eu-west-1", TIME_MS + DAY_MS + 60_000),
    ];
    let mut signatures: Vec<String> = Vec::new();
    for (secret, region, t) in steps {
        let c = creds(secret);
        let cached = sign(request(), &c, region, t, &mut cache);
        let fresh = sign(request(), &c, region, t, &mut SigningKeyCache::default());
        assert_eq!(cached.signature, fresh.signature, "{region} {t}");
        signatures.push(cached.signature);
        // The cache says which date and region it holds, never the secret or the key.
        let shown = format!("{cache:?}");
        assert!(shown.contains(region) && !shown.contains(secret), "{shown}");
    }
    // Every step signs something else (so a stale key could not give the same signature).
    assert!(signatures.windows(2).all(|w| w[0] != w[1]));
}

fn canonical_user_agent(value: &str) -> String {
    let sdk = SdkHeaders {
        invocation_id: "id",
        request: "attempt=1; max=3",
        user_agent: value,
    };
    let s = sign_with(
        request(),
        Some(&sdk),
        &creds("secret"),
        "us-east-1",
        TIME_MS,
        &mut SigningKeyCache::default(),
    );
    let line = s
        .canonical_request
        .lines()
        .find(|l| l.starts_with("x-amz-user-agent:"))
        .unwrap();
    line["x-amz-user-agent:".len()..].to_owned()
}

#[test]
fn header_value_clean_up_each_case_alone() {
    for (value, canonical) in [
        ("ua", "ua"),
        (" ua", "ua"),
        ("ua ", "ua"),
        ("u  a", "u a"),
        ("u\ta", "u a"),
        ("u\ra", "u a"),
        ("u\na", "u a"),
        ("u \t\r\n a", "u a"),
        ("  u  ", "u"),
    ] {
        assert_eq!(canonical_user_agent(value), canonical, "{value:?}");
    }
}

#[test]
fn session_tokens_of_any_length_are_signed_and_blank_ones_left_out() {
    let c = |token: Option<&str>| Credentials {
        session_token: token.map(Into::into),
        ..creds("secret")
    };
    let s = |creds: &Credentials| {
        sign(
            request(),
            creds,
            "us-east-1",
            TIME_MS,
            &mut SigningKeyCache::default(),
        )
    };
    let long = "t".repeat(2000);
    let signed = s(&c(Some(&long)));
    assert!(signed
        .canonical_request
        .contains(&format!("\nx-amz-security-token:{long}\n")));
    assert!(signed
        .headers
        .iter()
        .any(|(name, v)| *name == "x-amz-security-token" && *v == long));
    let none = s(&c(None));
    for blank in ["", "  "] {
        let b = s(&c(Some(blank)));
        assert_eq!(b.canonical_request, none.canonical_request, "{blank:?}");
        assert!(b.headers.iter().all(|(n, _)| *n != "x-amz-security-token"));
    }
    assert!(format!("{signed:?}").contains(&signed.signature));
}

fn host_error(name: &str, message: &str, code: Option<&str>) -> HostError {
    HostError {
        name: name.into(),
        message: message.into(),
        code: code.map(Into::into),
        is_type_error: false,
    }
}

#[test]
fn http2_refused_stream_is_transient_and_only_it() {
    let refused = host_error(
        "Error",
        "Stream closed with error code NGHTTP2_REFUSED_STREAM",
        Some("ERR_HTTP2_STREAM_ERROR"),
    );
    assert_eq!(
        classify_host_error(std::slice::from_ref(&refused)),
        ErrorClass::Transient
    );
    // As the cause of the rejection, too.
    let top = host_error("TypeError", "fetch failed", None);
    assert_eq!(
        classify_host_error(&[top.clone(), refused]),
        ErrorClass::Transient
    );
    // Another stream error, or the message under another code, is not.
    for (message, code) in [
        (
            "Stream closed with error code NGHTTP2_INTERNAL_ERROR",
            Some("ERR_HTTP2_STREAM_ERROR"),
        ),
        (
            "Stream closed with error code NGHTTP2_REFUSED_STREAM",
            Some("ERR_HTTP2_ERROR"),
        ),
        ("Stream closed with error code NGHTTP2_REFUSED_STREAM", None),
    ] {
        let e = host_error("Error", message, code);
        assert_eq!(
            classify_host_error(&[top.clone(), e]),
            ErrorClass::ClientError,
            "{message} {code:?}"
        );
    }
}

fn override_url(endpoint: &str) -> Result<String, String> {
    resolve(&EndpointParams {
        region: Some("us-east-1"),
        use_fips: false,
        use_dual_stack: false,
        endpoint: Some(endpoint),
    })
    .map(|e| e.url(""))
    .map_err(|e| e.to_string())
}

#[test]
fn override_paths_are_printable_ascii_without_backslash() {
    assert_eq!(
        override_url("https://example.com/a-b_c.d~e/%41!$&'()*+,;=:@").as_deref(),
        Ok("https://example.com/a-b_c.d~e/%41!$&'()*+,;=:@")
    );
    for bad in [
        "https://example.com/a b",
        "https://example.com/a\\b",
        "https://example.com/\\",
        "https://example.com/é",
        "https://example.com/a\u{7f}",
        "https://example.com/a\tb",
    ] {
        assert_eq!(
            override_url(bad).unwrap_err(),
            "Invalid Configuration: endpoint has an invalid path",
            "{bad:?}"
        );
    }
}

#[test]
fn override_ports_are_one_to_five_digits() {
    for (endpoint, want) in [
        ("http://example.com:8080", "http://example.com:8080"),
        ("http://example.com:08080", "http://example.com:8080"),
        ("http://example.com:00080", "http://example.com"),
        ("https://example.com:00443", "https://example.com"),
        ("http://example.com:443", "http://example.com:443"),
        ("https://example.com:80", "https://example.com:80"),
        ("http://example.com:65535", "http://example.com:65535"),
        ("http://[::1]:08080", "http://[::1]:8080"),
    ] {
        assert_eq!(override_url(endpoint).as_deref(), Ok(want), "{endpoint}");
    }
    for bad in [
        "http://example.com:+80",
        "http://example.com:-80",
        "http://example.com:000080",
        "http://example.com:65536",
        "http://example.com:",
        "http://example.com: 80",
        "http://[::1]:+80",
        "http://[::1]:000080",
        "http://[::1]80",
    ] {
        assert_eq!(
            override_url(bad).unwrap_err(),
            "Invalid Configuration: endpoint has an invalid host or port",
            "{bad}"
        );
    }
}

#[test]
fn region_pattern_word_allows_underscore() {
    // `regionRegex` is `^(prefixes)\-\w+\-\d+$`, and `\w` includes `_`.
    for (region, id) in [
        ("cn-south_x-9", "aws-cn"),
        ("cn-_-9", "aws-cn"),
        ("cn-south-9", "aws-cn"),
        ("us-gov-far_west-9", "aws-us-gov"),
        ("us-isob-x_1-12", "aws-iso-b"),
        // Not `\w`, no word, no digits, or a non-digit: the default partition.
        ("cn-so.uth-9", "aws"),
        ("cn-so+uth-9", "aws"),
        ("cn--9", "aws"),
        ("cn-south-", "aws"),
        ("cn-south-9a", "aws"),
        ("cn-south", "aws"),
        ("cnx-south-9", "aws"),
    ] {
        assert_eq!(partition(region).id, id, "{region}");
    }
}

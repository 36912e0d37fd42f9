//! SigV4: a golden vector checked step by step, and agreement with aws-sigv4's all-in-one signer.
//!
//! The golden values were produced by `@smithy/signature-v4` 5.7.5 (the AWS SDK for JavaScript's
//! signer, configured as the SDK's client configures it) for the same requests, with the example
//! keys of AWS's SigV4 documentation, by `tests/fixtures/signing-vectors.mjs`; see
//! `tests/fixtures/README.md`.

use std::time::{Duration, UNIX_EPOCH};

use agentcore_identity_edge::sign::{
    sign, sign_with, Credentials, SdkHeaders, SignableRequest, SigningKeyCache,
};
use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{self, PayloadChecksumKind, SignableBody, SigningSettings};
use aws_sigv4::sign::v4;

const BODY: &str = r#"{"oauth2Flow":"M2M","resourceCredentialProviderName":"demo-m2m-provider","scopes":["read"],"workloadIdentityToken":"wit"}"#;
const HOST: &str = "bedrock-agentcore.us-east-1.amazonaws.com";
const PATH: &str = "/identities/oauth2/token";
/// 2015-08-30T12:36:00Z
const TIME_MS: i64 = 1_440_938_160_000;

fn creds(token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: token.map(Into::into),
    }
}

fn request() -> SignableRequest<'static> {
    SignableRequest {
        authority: HOST,
        path: PATH,
        body: BODY,
    }
}

const SHA: &str = "cc4c378b83c58504d1759133e975062df10821ab39162eed9cd3dbfc9391e168";

#[test]
fn golden_without_session_token() {
    let s = sign(
        request(),
        &creds(None),
        "us-east-1",
        TIME_MS,
        &mut SigningKeyCache::default(),
    );
    assert_eq!(
        s.canonical_request,
        format!("POST\n/identities/oauth2/token\n\ncontent-length:121\ncontent-type:application/json\nhost:bedrock-agentcore.us-east-1.amazonaws.com\nx-amz-content-sha256:{SHA}\nx-amz-date:20150830T123600Z\n\ncontent-length;content-type;host;x-amz-content-sha256;x-amz-date\n{SHA}")
    );
    assert_eq!(
        s.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock-agentcore/aws4_request\n34e6ab00b8fad4899e50292888181e5e0410565c7145a71a613954912a687708"
    );
    assert_eq!(
        s.signature,
        "1535a0ac113f61e52f5a1063a1099d822f9de364c8a9d6b61355048bb073636e"
    );
    // `host` and `content-length` are signed, and written by the host's fetch.
    assert_eq!(
        s.headers,
        vec![
            ("content-type", "application/json".to_string()),
            ("x-amz-content-sha256", SHA.to_string()),
            ("x-amz-date", "20150830T123600Z".to_string()),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=1535a0ac113f61e52f5a1063a1099d822f9de364c8a9d6b61355048bb073636e".to_string()
            ),
        ]
    );
}

#[test]
fn golden_with_session_token() {
    let s = sign(
        request(),
        &creds(Some("session-token-example")),
        "us-east-1",
        TIME_MS,
        &mut SigningKeyCache::default(),
    );
    assert_eq!(
        s.canonical_request,
        format!("POST\n/identities/oauth2/token\n\ncontent-length:121\ncontent-type:application/json\nhost:bedrock-agentcore.us-east-1.amazonaws.com\nx-amz-content-sha256:{SHA}\nx-amz-date:20150830T123600Z\nx-amz-security-token:session-token-example\n\ncontent-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n{SHA}")
    );
    assert_eq!(
        s.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock-agentcore/aws4_request\na8bac97b42d1748139db2730123630a70d6fbe862613ef8a08ae5c4faf0f1ebc"
    );
    assert_eq!(
        s.signature,
        "766c8a034a904e2b26298efe71b55d31cd0c5aef6ef81443cab5f9f0434a85fa"
    );
    assert!(s
        .headers
        .contains(&("x-amz-security-token", "session-token-example".to_string())));
}

const SDK: SdkHeaders<'static> = SdkHeaders {
    invocation_id: "3f1d2b4c-5a6e-4f70-8a9b-0c1d2e3f4a5b",
    request: "attempt=2; max=3",
    user_agent: "agentcore-identity-edge/0.1.0 ua/2.1 lang/js md/nodejs app/demo",
};

#[test]
fn golden_with_the_sdk_headers() {
    let s = sign_with(
        request(),
        Some(&SDK),
        &creds(Some("session-token-example")),
        "us-east-1",
        TIME_MS,
        &mut SigningKeyCache::default(),
    );
    assert_eq!(
        s.canonical_request,
        format!("POST\n/identities/oauth2/token\n\namz-sdk-invocation-id:3f1d2b4c-5a6e-4f70-8a9b-0c1d2e3f4a5b\namz-sdk-request:attempt=2; max=3\ncontent-length:121\ncontent-type:application/json\nhost:bedrock-agentcore.us-east-1.amazonaws.com\nx-amz-content-sha256:{SHA}\nx-amz-date:20150830T123600Z\nx-amz-security-token:session-token-example\nx-amz-user-agent:agentcore-identity-edge/0.1.0 ua/2.1 lang/js md/nodejs app/demo\n\namz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent\n{SHA}")
    );
    assert_eq!(
        s.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock-agentcore/aws4_request\nbe8d6e6dd164aa2175e7ae138c2f7c32a24a9ed2cefc186763114ba786c914db"
    );
    assert_eq!(
        s.signature,
        "40e3a4dffdd8336b509e88c2e26bcc94796ccd4bf625262e9177f3ae415fb607"
    );
    let names: Vec<&str> = s.headers.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "amz-sdk-invocation-id",
            "amz-sdk-request",
            "content-type",
            "x-amz-content-sha256",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-user-agent",
            "authorization"
        ]
    );
}

#[test]
fn header_values_are_trimmed_and_their_spaces_collapsed() {
    let cases = [
        ("ua/2.1 lang/js", "ua/2.1 lang/js"),
        ("  ua/2.1   lang/js  ", "ua/2.1 lang/js"),
        ("ua/2.1\tlang/js", "ua/2.1 lang/js"),
        ("ua/2.1\r\n lang/js", "ua/2.1 lang/js"),
        (" ua ", "ua"),
        ("ua ", "ua"),
    ];
    for (value, canonical) in cases {
        let sdk = SdkHeaders {
            user_agent: value,
            ..SDK
        };
        let s = sign_with(
            request(),
            Some(&sdk),
            &creds(None),
            "us-east-1",
            TIME_MS,
            &mut SigningKeyCache::default(),
        );
        assert!(
            s.canonical_request
                .contains(&format!("\nx-amz-user-agent:{canonical}\n")),
            "{value:?}: {}",
            s.canonical_request
        );
    }
}

/// aws-sigv4's settings for the SDK's signature: the `x-amz-content-sha256` header, and nothing
/// excluded that the SDK signs.
fn settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    s
}

/// aws-sigv4's own `http_request::sign` over the same request.
fn reference_signature(
    c: &Credentials,
    region: &str,
    time_ms: i64,
    authority: &str,
    path: &str,
    body: &str,
    sdk: Option<&SdkHeaders<'_>>,
) -> String {
    let identity = AwsCredentials::new(
        &c.access_key_id,
        &c.secret_access_key,
        c.session_token.clone(),
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("bedrock-agentcore")
        .time(UNIX_EPOCH + Duration::from_millis(time_ms as u64))
        .settings(settings())
        .build()
        .unwrap()
        .into();
    let url = format!("https://{authority}{path}");
    let length = body.len().to_string();
    let mut headers = vec![
        ("host", authority),
        ("content-type", "application/json"),
        ("content-length", length.as_str()),
    ];
    if let Some(h) = sdk {
        headers.push(("amz-sdk-invocation-id", h.invocation_id));
        headers.push(("amz-sdk-request", h.request));
        headers.push(("x-amz-user-agent", h.user_agent));
    }
    let signable = http_request::SignableRequest::new(
        "POST",
        &url,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (_, signature) = http_request::sign(signable, &params).unwrap().into_parts();
    signature
}

#[test]
fn agrees_with_aws_sigv4_http_request_signer() {
    let bodies = [
        BODY,
        "{}",
        r#"{"customState":"é ☃ \"quoted\"","scopes":["a b","c/d"]}"#,
    ];
    let hosts = [
        HOST,
        "127.0.0.1:8787",
        "bedrock-agentcore-fips.us-gov-west-1.amazonaws.com",
        "bedrock-agentcore.cn-north-1.amazonaws.com.cn",
    ];
    let paths = [
        PATH,
        "/identities/CompleteResourceTokenAuth",
        "/base/path/identities/api-key",
    ];
    let mut cache = SigningKeyCache::default();
    let mut n = 0;
    for (i, body) in bodies.iter().enumerate() {
        for host in hosts {
            for path in paths {
                for token in [None, Some("IQoJb3JpZ2luX2VjE+/=")] {
                    for sdk in [None, Some(&SDK)] {
                        let c = creds(token);
                        let region = ["us-east-1", "eu-west-1", "cn-north-1"][(n + i) % 3];
                        let t = TIME_MS + (n as i64) * 3_600_000 * 7;
                        let ours = sign_with(
                            SignableRequest {
                                authority: host,
                                path,
                                body,
                            },
                            sdk,
                            &c,
                            region,
                            t,
                            &mut cache,
                        );
                        let theirs = reference_signature(&c, region, t, host, path, body, sdk);
                        assert_eq!(ours.signature, theirs, "{host}{path} {region} {t}");
                        n += 1;
                    }
                }
            }
        }
    }
    assert_eq!(n, 144);
}

#[test]
fn cached_key_follows_date_region_and_secret() {
    let mut cache = SigningKeyCache::default();
    let c = creds(None);
    let a = sign(request(), &c, "us-east-1", TIME_MS, &mut cache);
    // Same day, later time: the cached key must still give the right signature.
    let b = sign(request(), &c, "us-east-1", TIME_MS + 3_600_000, &mut cache);
    assert_eq!(
        b.signature,
        sign(
            request(),
            &c,
            "us-east-1",
            TIME_MS + 3_600_000,
            &mut SigningKeyCache::default()
        )
        .signature
    );
    assert_ne!(a.signature, b.signature);
    // Next day, other region, rotated secret: each must derive a new key.
    for (c2, region, t) in [
        (c.clone(), "us-east-1", TIME_MS + 86_400_000),
        (c.clone(), "eu-west-1", TIME_MS),
        (
            Credentials {
                secret_access_key: "rotated".into(),
                ..c.clone()
            },
            "us-east-1",
            TIME_MS,
        ),
    ] {
        let cached = sign(request(), &c2, region, t, &mut cache);
        let fresh = sign(request(), &c2, region, t, &mut SigningKeyCache::default());
        assert_eq!(cached.signature, fresh.signature);
    }
}

#[test]
fn debug_never_shows_secrets() {
    let c = creds(Some("session-token-canary"));
    let shown = format!("{c:?}");
    assert!(shown.contains("AKIDEXAMPLE"));
    assert!(!shown.contains("wJalrXUtnFEMI"));
    assert!(!shown.contains("session-token-canary"));
    let mut cache = SigningKeyCache::default();
    let s = sign(request(), &c, "us-east-1", TIME_MS, &mut cache);
    let shown = format!("{cache:?} {s:?}");
    assert!(!shown.contains("wJalrXUtnFEMI"));
    assert!(!shown.contains("session-token-canary"));
    // The request to sign shows its body's length, not the tokens in it.
    let req = SignableRequest {
        authority: "h.example",
        path: "/identities/oauth2/token",
        body: r#"{"workloadIdentityToken":"workload-token-canary"}"#,
    };
    let shown = format!("{req:?}");
    assert!(!shown.contains("workload-token-canary"), "{shown}");
    assert!(shown.contains("body_bytes: 49"), "{shown}");
}

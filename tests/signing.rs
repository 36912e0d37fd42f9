//! SigV4: a golden vector checked step by step, and agreement with aws-sigv4's all-in-one signer.
//!
//! The golden values were produced by `@smithy/signature-v4` 5.7.5 (the AWS SDK for JavaScript's
//! signer, `applyChecksum: false`) for the same request, with the example keys of AWS's SigV4
//! documentation; see `tests/fixtures/README.md`.

use std::time::{Duration, UNIX_EPOCH};

use agentcore_identity_edge::sign::{sign, Credentials, SignableRequest, SigningKeyCache};
use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{self, SignableBody, SigningSettings};
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
        "POST\n/identities/oauth2/token\n\ncontent-type:application/json\nhost:bedrock-agentcore.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ncc4c378b83c58504d1759133e975062df10821ab39162eed9cd3dbfc9391e168"
    );
    assert_eq!(
        s.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock-agentcore/aws4_request\nf8ff993389b39c1c3787c14d41fc2bdcf72efbc55078668cec6444d1608060af"
    );
    assert_eq!(
        s.signature,
        "22d73ab60ee4e7b7667de8982908a253796768bf9910ff9c43f9abaab557176e"
    );
    assert_eq!(
        s.headers,
        vec![
            ("content-type", "application/json".to_string()),
            ("x-amz-date", "20150830T123600Z".to_string()),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=22d73ab60ee4e7b7667de8982908a253796768bf9910ff9c43f9abaab557176e".to_string()
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
        "POST\n/identities/oauth2/token\n\ncontent-type:application/json\nhost:bedrock-agentcore.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:session-token-example\n\ncontent-type;host;x-amz-date;x-amz-security-token\ncc4c378b83c58504d1759133e975062df10821ab39162eed9cd3dbfc9391e168"
    );
    assert_eq!(
        s.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock-agentcore/aws4_request\ncedb69bfa8a6259a4ba846795cd41907f0e1b6014e5b380277ead33919e1c6b5"
    );
    assert_eq!(
        s.signature,
        "df5e31fb4bfd77ae5e11c03760e83cbf0804e386093fa573239cfe08c2888d46"
    );
    assert!(s
        .headers
        .contains(&("x-amz-security-token", "session-token-example".to_string())));
}

/// aws-sigv4's own `http_request::sign` over the same request.
fn reference_signature(
    c: &Credentials,
    region: &str,
    time_ms: i64,
    authority: &str,
    path: &str,
    body: &str,
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
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("https://{authority}{path}");
    let headers = [("host", authority), ("content-type", "application/json")];
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
                    let c = creds(token);
                    let region = ["us-east-1", "eu-west-1", "cn-north-1"][(n + i) % 3];
                    let t = TIME_MS + (n as i64) * 3_600_000 * 7;
                    let ours = sign(
                        SignableRequest {
                            authority: host,
                            path,
                            body,
                        },
                        &c,
                        region,
                        t,
                        &mut cache,
                    );
                    let theirs = reference_signature(&c, region, t, host, path, body);
                    assert_eq!(ours.signature, theirs, "{host}{path} {region} {t}");
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 72);
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
}

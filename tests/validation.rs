//! A validation table covering every constraint the model places on the six operations' inputs,
//! and the request body produced for valid input.

use agentcore_identity_edge::shapes::{operation, StructShape};
use agentcore_identity_edge::validate::{self, Issue};
use serde_json::{json, Value};

/// Validates JSON text the way the wasm side validates a JavaScript value (both through the same
/// serde `Deserialize`), and writes the body as JSON text.
fn validate_input(shape: &'static StructShape, text: &str) -> Result<String, Vec<Issue>> {
    let value: agentcore_identity_edge::value::Value = serde_json::from_str(text).map_err(|e| {
        vec![Issue {
            path: String::new(),
            message: format!("input is not valid JSON ({e})"),
        }]
    })?;
    validate::validate_input(shape, &value).map(|body| serde_json::to_string(&body).unwrap())
}

fn issues(op: &str, input: Value) -> Vec<(String, String)> {
    let op = operation(op).unwrap();
    match validate_input(op.input, &input.to_string()) {
        Ok(_) => vec![],
        Err(list) => list
            .into_iter()
            .map(|Issue { path, message }| (path, message))
            .collect(),
    }
}

fn token_input() -> Value {
    json!({
        "workloadIdentityToken": "wit",
        "resourceCredentialProviderName": "demo-m2m-provider",
        "scopes": ["read"],
        "oauth2Flow": "M2M"
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

/// Asserts exactly one issue, at `path`, whose message contains `needle`.
fn one(op: &str, input: Value, path: &str, needle: &str) {
    let got = issues(op, input);
    assert_eq!(got.len(), 1, "{path}: {got:?}");
    assert_eq!(got[0].0, path);
    assert!(
        got[0].1.contains(needle),
        "{path}: {:?} lacks {needle:?}",
        got[0].1
    );
}

const T: &str = "GetResourceOauth2Token";

#[test]
fn valid_inputs_pass() {
    assert!(issues(T, token_input()).is_empty());
    let full = json!({
        "workloadIdentityToken": "w".repeat(131_072),
        "resourceCredentialProviderName": "p".repeat(128),
        "scopes": ["s".repeat(128), "é"],
        "oauth2Flow": "USER_FEDERATION",
        "sessionUri": format!("urn:ietf:params:oauth:request_uri:{}", "a".repeat(1024 - 34)),
        "resourceOauth2ReturnUrl": "http://localhost:8787/callback",
        "forceAuthentication": false,
        "customParameters": { "k.e-y_1": "v".repeat(2048) },
        "customState": "s".repeat(4096),
        "resources": ["https://api.example.com"],
        "audiences": ["https://aud.example.com"]
    });
    assert!(issues(T, full).is_empty());
    assert!(issues(
        T,
        with(
            token_input(),
            "oauth2Flow",
            json!("ON_BEHALF_OF_TOKEN_EXCHANGE")
        )
    )
    .is_empty());
    // Empty lists and maps are allowed: the model sets no list length.
    assert!(issues(T, with(token_input(), "scopes", json!([]))).is_empty());
    assert!(issues(T, with(token_input(), "customParameters", json!({}))).is_empty());
    // null means absent, as in the SDKs.
    assert!(issues(T, with(token_input(), "sessionUri", Value::Null)).is_empty());
}

#[test]
fn required_members() {
    for key in [
        "workloadIdentityToken",
        "resourceCredentialProviderName",
        "scopes",
        "oauth2Flow",
    ] {
        let mut input = token_input();
        input.as_object_mut().unwrap().remove(key);
        one(T, input, key, "required member is missing");
        one(
            T,
            with(token_input(), key, Value::Null),
            key,
            "required member is missing",
        );
    }
}

#[test]
fn types() {
    one(
        T,
        with(token_input(), "scopes", json!("read")),
        "scopes",
        "expected a list, got string",
    );
    one(
        T,
        with(token_input(), "scopes", json!(["a", 1])),
        "scopes[1]",
        "expected a string, got number",
    );
    one(
        T,
        with(token_input(), "scopes", json!(["a", null])),
        "scopes[1]",
        "expected a string, got null",
    );
    one(
        T,
        with(token_input(), "forceAuthentication", json!("true")),
        "forceAuthentication",
        "expected a boolean",
    );
    one(
        T,
        with(token_input(), "customParameters", json!(["a"])),
        "customParameters",
        "expected a map",
    );
    one(
        T,
        with(token_input(), "customParameters", json!({"k": 1})),
        "customParameters[\"k\"]",
        "expected a string, got number",
    );
    one(
        T,
        with(token_input(), "oauth2Flow", json!(1)),
        "oauth2Flow",
        "expected a string",
    );
    one(
        T,
        with(token_input(), "workloadIdentityToken", json!({"a": 1})),
        "workloadIdentityToken",
        "expected a string, got object",
    );
    for not_object in [json!(null), json!([]), json!("x"), json!(1)] {
        one(T, not_object, "", "input must be an object");
    }
}

#[test]
fn string_lengths_count_code_points() {
    let cases: &[(&str, usize, usize)] = &[
        ("workloadIdentityToken", 1, 131_072),
        ("resourceCredentialProviderName", 1, 128),
        ("customState", 1, 4096),
        ("resourceOauth2ReturnUrl", 1, 2048),
    ];
    for (key, _min, max) in cases {
        one(
            T,
            with(token_input(), key, json!("")),
            key,
            "length 0 is below the minimum of 1",
        );
        let long = if *key == "resourceOauth2ReturnUrl" {
            format!("h:{}", "x".repeat(max - 1))
        } else {
            "a".repeat(max + 1)
        };
        one(
            T,
            with(token_input(), key, json!(long)),
            key,
            &format!("above the maximum of {max}"),
        );
    }
    // 128 astral characters are 256 UTF-16 units and 512 bytes, but 128 code points: allowed.
    assert!(issues(T, with(token_input(), "scopes", json!(["😀".repeat(128)]))).is_empty());
    one(
        T,
        with(token_input(), "scopes", json!(["😀".repeat(129)])),
        "scopes[0]",
        "length 129 is above the maximum of 128",
    );
    one(
        T,
        with(
            token_input(),
            "sessionUri",
            json!(format!(
                "urn:ietf:params:oauth:request_uri:{}",
                "a".repeat(1000)
            )),
        ),
        "sessionUri",
        "above the maximum of 1024",
    );
}

#[test]
fn list_members() {
    one(
        T,
        with(token_input(), "scopes", json!(["ok", ""])),
        "scopes[1]",
        "below the minimum of 1",
    );
    one(
        T,
        with(token_input(), "scopes", json!(["s".repeat(129)])),
        "scopes[0]",
        "above the maximum of 128",
    );
    one(
        T,
        with(token_input(), "resources", json!([""])),
        "resources[0]",
        "below the minimum of 1",
    );
    one(
        T,
        with(token_input(), "resources", json!(["r".repeat(2049)])),
        "resources[0]",
        "above the maximum of 2048",
    );
    one(
        T,
        with(token_input(), "audiences", json!(["a", "a".repeat(2049)])),
        "audiences[1]",
        "above the maximum of 2048",
    );
    one(
        T,
        with(token_input(), "audiences", json!([""])),
        "audiences[0]",
        "below the minimum of 1",
    );
}

#[test]
fn map_keys_and_values() {
    one(
        T,
        with(token_input(), "customParameters", json!({"bad key!": "v"})),
        "customParameters[\"bad key!\"]",
        "key must match the pattern [a-zA-Z0-9\\-_\\.]+",
    );
    one(
        T,
        with(token_input(), "customParameters", json!({"k": ""})),
        "customParameters[\"k\"]",
        "length 0 is below the minimum of 1 (CustomRequestValueType)",
    );
    one(
        T,
        with(
            token_input(),
            "customParameters",
            json!({"k": "v".repeat(2049)}),
        ),
        "customParameters[\"k\"]",
        "above the maximum of 2048",
    );
    one(
        T,
        with(token_input(), "customParameters", json!({"": "v"})),
        "customParameters[\"\"]",
        "key length 0 is below the minimum of 1",
    );
    let long_key = "k".repeat(257);
    let got = issues(
        T,
        with(token_input(), "customParameters", json!({ long_key: "v" })),
    );
    assert_eq!(got.len(), 1);
    assert!(got[0]
        .1
        .contains("key length 257 is above the maximum of 256"));
}

#[test]
fn patterns() {
    one(
        T,
        with(
            token_input(),
            "resourceCredentialProviderName",
            json!("has space"),
        ),
        "resourceCredentialProviderName",
        "must match the pattern [a-zA-Z0-9\\-_]+",
    );
    one(
        T,
        with(
            token_input(),
            "resourceCredentialProviderName",
            json!("dot.ted"),
        ),
        "resourceCredentialProviderName",
        "pattern",
    );
    one(
        T,
        with(
            token_input(),
            "sessionUri",
            json!("https://example.com/session"),
        ),
        "sessionUri",
        "urn:ietf:params:oauth:request_uri:",
    );
    one(
        T,
        with(
            token_input(),
            "sessionUri",
            json!("urn:ietf:params:oauth:request_uri:bad/char"),
        ),
        "sessionUri",
        "pattern",
    );
    one(
        T,
        with(token_input(), "resourceOauth2ReturnUrl", json!("not a url")),
        "resourceOauth2ReturnUrl",
        "must match the pattern \\w+:(\\/?\\/?)[^\\s]+",
    );
    one(
        T,
        with(
            token_input(),
            "resourceOauth2ReturnUrl",
            json!("http://x/ space"),
        ),
        "resourceOauth2ReturnUrl",
        "pattern",
    );
    one(
        "GetWorkloadAccessToken",
        json!({"workloadName": "bad name"}),
        "workloadName",
        "[A-Za-z0-9_.-]+",
    );
    one(
        "GetWorkloadAccessToken",
        json!({"workloadName": "ab"}),
        "workloadName",
        "below the minimum of 3",
    );
    one(
        "GetWorkloadAccessToken",
        json!({"workloadName": "a".repeat(256)}),
        "workloadName",
        "above the maximum of 255",
    );
    one(
        "GetWorkloadAccessTokenForJWT",
        json!({"workloadName": "demo-workload", "userToken": "bad token!"}),
        "userToken",
        "pattern",
    );
    assert!(issues(
        "GetWorkloadAccessTokenForJWT",
        json!({"workloadName": "demo-workload", "userToken": "aaa.bbb.ccc"})
    )
    .is_empty());
    // A value that is too short is reported once, not also as a pattern mismatch.
    one(
        T,
        with(token_input(), "resourceCredentialProviderName", json!("")),
        "resourceCredentialProviderName",
        "below the minimum",
    );
}

#[test]
fn enums() {
    one(
        T,
        with(token_input(), "oauth2Flow", json!("m2m")),
        "oauth2Flow",
        "must be one of USER_FEDERATION, M2M, ON_BEHALF_OF_TOKEN_EXCHANGE",
    );
    one(
        T,
        with(token_input(), "oauth2Flow", json!("CLIENT_CREDENTIALS")),
        "oauth2Flow",
        "must be one of",
    );
}

#[test]
fn unknown_members_with_a_hint() {
    let mut input = token_input();
    let token = input
        .as_object_mut()
        .unwrap()
        .remove("workloadIdentityToken")
        .unwrap();
    input["workloadIdentityTokne"] = token;
    let got = issues(T, input);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "workloadIdentityTokne");
    assert!(got[0].1.contains(
        "unknown member of GetResourceOauth2TokenRequest; did you mean workloadIdentityToken?"
    ));
    assert_eq!(
        got[1],
        (
            "workloadIdentityToken".into(),
            "required member is missing".into()
        )
    );
    one(
        T,
        with(token_input(), "$metadata", json!({})),
        "$metadata",
        "unknown member",
    );
    let hintless = issues(T, with(token_input(), "completelyDifferent", json!(1)));
    assert!(!hintless[0].1.contains("did you mean"));
}

#[test]
fn unions_take_exactly_one_member() {
    const C: &str = "CompleteResourceTokenAuth";
    let session = "urn:ietf:params:oauth:request_uri:abc";
    assert!(issues(
        C,
        json!({"sessionUri": session, "userIdentifier": {"userId": "u"}})
    )
    .is_empty());
    assert!(issues(
        C,
        json!({"sessionUri": session, "userIdentifier": {"userToken": "a.b.c"}})
    )
    .is_empty());
    one(
        C,
        json!({"sessionUri": session, "userIdentifier": {}}),
        "userIdentifier",
        "exactly one of userId, userToken must be set, got 0",
    );
    one(
        C,
        json!({"sessionUri": session, "userIdentifier": {"userId": "u", "userToken": "a.b.c"}}),
        "userIdentifier",
        "got 2",
    );
    one(
        C,
        json!({"sessionUri": session, "userIdentifier": {"userId": ""}}),
        "userIdentifier.userId",
        "below the minimum",
    );
    let got = issues(
        C,
        json!({"sessionUri": session, "userIdentifier": {"userID": "u"}}),
    );
    assert_eq!(got[0].0, "userIdentifier.userID");
    assert!(got[0].1.contains("did you mean userId?"));
    assert_eq!(
        got[1].1,
        "exactly one of userId, userToken must be set, got 0"
    );
    one(
        C,
        json!({"sessionUri": session, "userIdentifier": "u"}),
        "userIdentifier",
        "must be an object",
    );
    one(
        C,
        json!({"userIdentifier": {"userId": "u"}}),
        "sessionUri",
        "required",
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let got = issues(
        T,
        json!({
            "workloadIdentityTokne": "x",
            "scopes": ["", 3],
            "oauth2Flow": "NOPE",
            "customParameters": {"bad key!": ""},
            "customState": ""
        }),
    );
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "workloadIdentityTokne",
            "customParameters[\"bad key!\"]",
            "customParameters[\"bad key!\"]",
            "customState",
            "oauth2Flow",
            "resourceCredentialProviderName",
            "scopes[0]",
            "scopes[1]",
            "workloadIdentityToken",
        ]
    );
}

#[test]
fn messages_never_contain_values() {
    let secret = "SECRET-CANARY-VALUE";
    let got = issues(
        T,
        json!({
            "workloadIdentityToken": { "nested": secret },
            "resourceCredentialProviderName": format!("{secret} !"),
            "scopes": [format!("{secret}{}", "x".repeat(200))],
            "oauth2Flow": secret,
            "customState": secret.repeat(300),
            "customParameters": { "k": secret.repeat(200) },
            "sessionUri": secret
        }),
    );
    assert!(got.len() >= 6);
    for (path, message) in got {
        assert!(
            !path.contains(secret) && !message.contains(secret),
            "{path}: {message}"
        );
    }
}

#[test]
fn not_json_is_reported_not_panicked() {
    let op = operation(T).unwrap();
    let err = validate_input(op.input, "{\"a\":").unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(err[0].message.starts_with("input is not valid JSON"));
}

#[test]
fn body_is_model_ordered_compact_json_without_nulls() {
    let op = operation(T).unwrap();
    // Pretty-printed, members out of order, a null, map keys in insertion order.
    let input = r#"{
        "workloadIdentityToken": "wit",
        "scopes": ["read", "write"],
        "oauth2Flow": "M2M",
        "resourceCredentialProviderName": "demo-m2m-provider",
        "sessionUri": null,
        "customParameters": {"z": "1", "a": "\u00e9\n\"q\""}
    }"#;
    let body = validate_input(op.input, input).unwrap();
    assert_eq!(
        body,
        r#"{"customParameters":{"z":"1","a":"é\n\"q\""},"oauth2Flow":"M2M","resourceCredentialProviderName":"demo-m2m-provider","scopes":["read","write"],"workloadIdentityToken":"wit"}"#
    );
    let c = operation("CompleteResourceTokenAuth").unwrap();
    let body = validate_input(c.input, r#"{"userIdentifier":{"userToken":"a.b.c","userId":null},"sessionUri":"urn:ietf:params:oauth:request_uri:x"}"#).unwrap();
    assert_eq!(
        body,
        r#"{"sessionUri":"urn:ietf:params:oauth:request_uri:x","userIdentifier":{"userToken":"a.b.c"}}"#
    );
}

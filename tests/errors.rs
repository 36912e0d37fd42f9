//! Error replies, parsed as botocore and the AWS SDK for JavaScript parse restJson1.

use agentcore_identity_edge::error::{self, FieldError, ServiceError};
use agentcore_identity_edge::error_code::sanitize_error_code as sanitize_code;

/// Parses an error reply whose body is `body` as the host's `JSON.parse` would read it (`None`
/// when it is not JSON).
fn parse_service_error(status: u16, header: Option<&str>, body: &str) -> ServiceError {
    let parsed: Option<agentcore_identity_edge::value::Value> = serde_json::from_str(body).ok();
    error::parse_service_error(status, header, parsed.as_ref())
}
use agentcore_identity_edge::shapes::Fault;

#[test]
fn code_sources_and_precedence() {
    let cases: &[(u16, Option<&str>, &str, &str)] = &[
        // header wins over body
        (
            400,
            Some("ValidationException"),
            r#"{"code":"Other","__type":"Third","message":"m"}"#,
            "ValidationException",
        ),
        // then body.code, then __type
        (
            404,
            None,
            r#"{"code":"ResourceNotFoundException","__type":"Other"}"#,
            "ResourceNotFoundException",
        ),
        (
            403,
            None,
            r#"{"__type":"AccessDeniedException","message":"no"}"#,
            "AccessDeniedException",
        ),
        // namespace prefixes and colon suffixes are stripped
        (
            400,
            Some("ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "{}",
            "ValidationException",
        ),
        (
            400,
            None,
            r##"{"__type":"com.amazonaws.bedrockagentcore#ValidationException"}"##,
            "ValidationException",
        ),
        (
            400,
            None,
            r##"{"__type":"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}"##,
            "FooError",
        ),
        (
            403,
            Some("  "),
            r#"{"code":"ExpiredTokenException"}"#,
            "ExpiredTokenException",
        ),
        // unmodeled codes keep their name
        (
            403,
            Some("ExpiredTokenException"),
            r#"{"message":"The security token included in the request is expired"}"#,
            "ExpiredTokenException",
        ),
        // no code anywhere
        (
            502,
            None,
            "<html><body>Bad Gateway</body></html>",
            "Unknown",
        ),
        (503, None, "", "Unknown"),
        (500, None, "[1,2]", "Unknown"),
    ];
    for (status, header, body, want) in cases {
        let e = parse_service_error(*status, *header, body);
        assert_eq!(e.code, *want, "{status} {header:?} {body}");
        assert_eq!(e.status, *status);
    }
}

#[test]
fn sanitize_code_table() {
    assert_eq!(sanitize_code("FooError"), "FooError");
    assert_eq!(sanitize_code("FooError:http://x/y"), "FooError");
    assert_eq!(sanitize_code("a.b#FooError"), "FooError");
    assert_eq!(sanitize_code("a.b#FooError:http://x#y"), "FooError");
}

#[test]
fn messages() {
    assert_eq!(
        parse_service_error(400, None, r#"{"__type":"X","message":"lower"}"#).message,
        "lower"
    );
    assert_eq!(
        parse_service_error(400, None, r#"{"__type":"X","Message":"upper"}"#).message,
        "upper"
    );
    assert_eq!(
        parse_service_error(404, Some("ResourceNotFoundException"), "").message,
        "ResourceNotFoundException (HTTP 404)"
    );
    let html = parse_service_error(502, None, "<html>proxy</html>");
    assert_eq!(
        html.message,
        "HTTP 502 Bad Gateway with no AWS error code in the reply"
    );
    assert!(!html.message.contains("proxy"), "the body is not echoed");
    assert_eq!(
        parse_service_error(599, None, "").message,
        "HTTP 599 with no AWS error code in the reply"
    );
}

#[test]
fn faults() {
    assert_eq!(
        parse_service_error(500, Some("InternalServerException"), "{}").fault,
        Fault::Server
    );
    assert_eq!(
        parse_service_error(429, Some("ThrottlingException"), "{}").fault,
        Fault::Client
    );
    assert_eq!(parse_service_error(503, None, "").fault, Fault::Server);
    assert_eq!(
        parse_service_error(403, Some("ExpiredTokenException"), "{}").fault,
        Fault::Client
    );
}

#[test]
fn validation_exception_keeps_reason_and_field_list() {
    let e = parse_service_error(
        400,
        Some("ValidationException"),
        r#"{"message":"1 validation error","reason":"FieldValidationFailed","fieldList":[{"name":"scopes[0]","message":"too short"},{"bad":1}]}"#,
    );
    assert_eq!(e.reason.as_deref(), Some("FieldValidationFailed"));
    assert_eq!(
        e.field_list,
        Some(vec![FieldError {
            name: "scopes[0]".into(),
            message: "too short".into()
        }])
    );
    let other = parse_service_error(
        403,
        Some("AccessDeniedException"),
        r#"{"reason":"x","fieldList":[]}"#,
    );
    assert_eq!(other.reason, None);
    assert_eq!(other.field_list, None);
}

/// Found by fuzzing (error_reply): a ValidationException whose body had `"message":""` gave an
/// error with an empty message.
#[test]
fn empty_service_message_falls_back_to_the_code() {
    let e = parse_service_error(
        400,
        Some("ValidationException"),
        r#"{"message":"","reason":"FieldValidationFailed"}"#,
    );
    assert_eq!(e.message, "ValidationException (HTTP 400)");
    let e = parse_service_error(
        403,
        None,
        r#"{"__type":"AccessDeniedException","Message":"  "}"#,
    );
    assert_eq!(e.message, "AccessDeniedException (HTTP 403)");
}

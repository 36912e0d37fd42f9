//! Endpoint resolution table (`endpoint-rule-set-1.json` with `partitions.json`).

use agentcore_identity_edge::endpoint::{resolve, EndpointParams};

fn url(
    region: Option<&str>,
    fips: bool,
    dual: bool,
    endpoint: Option<&str>,
) -> Result<String, String> {
    resolve(&EndpointParams {
        region,
        use_fips: fips,
        use_dual_stack: dual,
        endpoint,
    })
    .map(|e| e.url(""))
    .map_err(|e| e.to_string())
}

#[test]
fn endpoint_table() {
    let ok = |r: &str, f: bool, d: bool, want: &str| {
        assert_eq!(
            url(Some(r), f, d, None).as_deref(),
            Ok(want),
            "{r} fips={f} dual={d}"
        )
    };
    ok(
        "us-east-1",
        false,
        false,
        "https://bedrock-agentcore.us-east-1.amazonaws.com",
    );
    ok(
        "us-east-1",
        true,
        false,
        "https://bedrock-agentcore-fips.us-east-1.amazonaws.com",
    );
    ok(
        "us-east-1",
        false,
        true,
        "https://bedrock-agentcore.us-east-1.api.aws",
    );
    ok(
        "us-east-1",
        true,
        true,
        "https://bedrock-agentcore-fips.us-east-1.api.aws",
    );
    ok(
        "eu-central-1",
        false,
        false,
        "https://bedrock-agentcore.eu-central-1.amazonaws.com",
    );
    ok(
        "ap-southeast-7",
        false,
        false,
        "https://bedrock-agentcore.ap-southeast-7.amazonaws.com",
    );
    ok(
        "cn-north-1",
        false,
        false,
        "https://bedrock-agentcore.cn-north-1.amazonaws.com.cn",
    );
    ok(
        "cn-northwest-1",
        false,
        true,
        "https://bedrock-agentcore.cn-northwest-1.api.amazonwebservices.com.cn",
    );
    ok(
        "cn-north-1",
        true,
        false,
        "https://bedrock-agentcore-fips.cn-north-1.amazonaws.com.cn",
    );
    ok(
        "us-gov-west-1",
        false,
        false,
        "https://bedrock-agentcore.us-gov-west-1.amazonaws.com",
    );
    ok(
        "us-gov-west-1",
        true,
        false,
        "https://bedrock-agentcore-fips.us-gov-west-1.amazonaws.com",
    );
    ok(
        "us-gov-east-1",
        true,
        true,
        "https://bedrock-agentcore-fips.us-gov-east-1.api.aws",
    );
    ok(
        "us-iso-east-1",
        false,
        false,
        "https://bedrock-agentcore.us-iso-east-1.c2s.ic.gov",
    );
    ok(
        "us-isob-east-1",
        false,
        false,
        "https://bedrock-agentcore.us-isob-east-1.sc2s.sgov.gov",
    );
    ok(
        "eu-isoe-west-1",
        false,
        false,
        "https://bedrock-agentcore.eu-isoe-west-1.cloud.adc-e.uk",
    );
    ok(
        "us-isof-south-1",
        false,
        true,
        "https://bedrock-agentcore.us-isof-south-1.api.aws.hci.ic.gov",
    );
    ok(
        "eusc-de-east-1",
        false,
        false,
        "https://bedrock-agentcore.eusc-de-east-1.amazonaws.eu",
    );
    // Not listed, matched by a partition's regionRegex.
    ok(
        "cn-south-9",
        false,
        false,
        "https://bedrock-agentcore.cn-south-9.amazonaws.com.cn",
    );
    ok(
        "us-gov-north-3",
        false,
        false,
        "https://bedrock-agentcore.us-gov-north-3.amazonaws.com",
    );
    // Matched by nothing: the aws partition.
    ok(
        "local",
        false,
        false,
        "https://bedrock-agentcore.local.amazonaws.com",
    );
}

#[test]
fn endpoint_override() {
    let ov = |e: &str| url(Some("us-east-1"), false, false, Some(e));
    assert_eq!(
        ov("http://127.0.0.1:8787").as_deref(),
        Ok("http://127.0.0.1:8787")
    );
    assert_eq!(
        ov("http://127.0.0.1:8787/").as_deref(),
        Ok("http://127.0.0.1:8787")
    );
    assert_eq!(
        ov("HTTPS://Example.COM:443/prefix/").as_deref(),
        Ok("https://example.com/prefix")
    );
    assert_eq!(ov("http://localhost:80").as_deref(), Ok("http://localhost"));
    assert_eq!(ov("http://[::1]:9000").as_deref(), Ok("http://[::1]:9000"));
    for bad in [
        "127.0.0.1:8787",
        "ftp://example.com",
        "http://example.com?x=1",
        "http://example.com/#f",
        "http://user:pw@example.com",
        "http://example.com:99999",
        "http://exa mple.com",
        "http://",
        "http://[zz]:1",
    ] {
        let e = ov(bad).unwrap_err();
        assert!(
            e.starts_with("Invalid Configuration: endpoint"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn rule_set_errors() {
    assert_eq!(
        url(None, false, false, None).unwrap_err(),
        "Invalid Configuration: Missing Region"
    );
    assert_eq!(
        url(Some("us-east-1"), true, false, Some("http://127.0.0.1:1")).unwrap_err(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
    assert_eq!(
        url(Some("us-east-1"), false, true, Some("http://127.0.0.1:1")).unwrap_err(),
        "Invalid Configuration: Dualstack and custom endpoint are not supported"
    );
    // A region becomes part of the host name: anything but a host label is refused.
    for bad in ["us-east-1.evil.com/", "us east 1", "-us-east-1", ""] {
        assert!(url(Some(bad), false, false, None).is_err(), "{bad:?}");
    }
    // An override needs no region for the URL, but a bad region is still refused.
    assert!(url(Some("a/b"), false, false, Some("http://127.0.0.1:1")).is_err());
    assert!(url(None, false, false, Some("http://127.0.0.1:1")).is_ok());
}

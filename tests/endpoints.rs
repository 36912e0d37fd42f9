//! Endpoint resolution table (`endpoint-rule-set-1.json` with `partitions.json`).

use agentcore_identity_edge::endpoint::{
    is_fips_region, is_valid_host_label, real_region, resolve, resolve_region, EndpointParams,
    RegionSettings,
};

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
    for bad in [
        "us-east-1.evil.com/",
        "us east 1",
        "-us-east-1",
        "",
        "us-east-1-",
    ] {
        assert!(url(Some(bad), false, false, None).is_err(), "{bad:?}");
    }
    // An override needs no region for the URL, but a bad region is still refused.
    assert!(url(Some("a/b"), false, false, Some("http://127.0.0.1:1")).is_err());
    assert!(url(None, false, false, Some("http://127.0.0.1:1")).is_ok());
}

/// The configured region as `@smithy/core` 3.41.1 `resolveRegionConfig` reads it.
fn region(configured: &str, fips: bool) -> Result<(String, bool), String> {
    resolve_region(configured, fips)
        .map(|RegionSettings { region, use_fips }| (region, use_fips))
        .map_err(|e| e.to_string())
}

#[test]
fn fips_pseudo_regions_name_the_real_region_with_fips_on() {
    for (configured, real) in [
        ("us-east-1-fips", "us-east-1"),
        ("fips-us-east-1", "us-east-1"),
        ("fips-dkr-us-gov-west-1", "us-gov-west-1"),
        ("fips-prod-ca-central-1", "ca-central-1"),
        ("fips-aws-global", "us-east-1"),
        ("aws-fips", "us-east-1"),
        // Only the leftmost match goes.
        ("fips-us-east-1-fips", "us-east-1-fips"),
        ("us-fips-east-1-fips", "us-east-1-fips"),
    ] {
        assert!(is_fips_region(configured), "{configured}");
        assert_eq!(real_region(configured), real, "{configured}");
        assert_eq!(
            region(configured, false),
            Ok((real.to_string(), true)),
            "{configured}"
        );
    }
    assert_eq!(region("us-east-1", false), Ok(("us-east-1".into(), false)));
    assert_eq!(region("us-east-1", true), Ok(("us-east-1".into(), true)));
    // Not pseudo-regions: `fips` must be a whole leading or trailing part.
    for plain in ["us-fips-1", "fipsus-east-1", "us-east-1fips"] {
        assert!(!is_fips_region(plain), "{plain}");
        assert_eq!(real_region(plain), plain);
    }
    // The real region is what the host and the signing scope use.
    let r = resolve_region("us-gov-west-1-fips", false).unwrap();
    assert_eq!(
        resolve(&EndpointParams {
            region: Some(&r.region),
            use_fips: r.use_fips,
            use_dual_stack: false,
            endpoint: None,
        })
        .unwrap()
        .url(""),
        "https://bedrock-agentcore-fips.us-gov-west-1.amazonaws.com"
    );
    // With an endpoint override, a FIPS pseudo-region is the rule set's FIPS error.
    let r = resolve_region("fips-us-east-1", false).unwrap();
    assert_eq!(
        url(
            Some(&r.region),
            r.use_fips,
            false,
            Some("http://127.0.0.1:1")
        )
        .unwrap_err(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
}

#[test]
fn regions_must_be_host_labels() {
    for bad in [
        "us-east-1-",
        "-us-east-1",
        "us-east-1-fips-",
        "fips-",
        "-fips",
        "fips-fips-",
        "us_east_1",
        "us-east-1.evil.com",
        "us east 1",
        "*",
        "é",
        &"a".repeat(64),
    ] {
        let e = region(bad, false).unwrap_err();
        assert!(
            e.starts_with("Region not accepted: region=\""),
            "{bad}: {e}"
        );
    }
    assert_eq!(region("", false).unwrap_err(), "Region is missing");
    assert!(is_valid_host_label(&"a".repeat(63)));
    assert!(is_valid_host_label("a"));
    assert!(is_valid_host_label("1-2"));
    assert!(!is_valid_host_label("a-"));
    assert!(!is_valid_host_label(""));
    // Each refusal against the SDK's own expression.
    let re = regex::Regex::new(r"^[a-zA-Z0-9-]{1,63}$").unwrap();
    for probe in ["a", "a-", "-a", "a-b", "a b", "a.b", "x-1-", "é", "--", "0"] {
        let sdk = re.is_match(probe) && !probe.starts_with('-') && !probe.ends_with('-');
        assert_eq!(is_valid_host_label(probe), sdk, "{probe}");
    }
}

/// `resolveRegionConfig` and `isValidHostLabel` of `@smithy/core`, from `fixtures/sdk-vectors.mjs`.
#[test]
fn region_resolution_agrees_with_the_sdk() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sdk-vectors.json")).unwrap();
    for c in v["regions"].as_array().unwrap() {
        let configured = c["region"].as_str().unwrap();
        match c["error"].as_str() {
            Some(message) => assert_eq!(region(configured, false).unwrap_err(), message),
            None => assert_eq!(
                region(configured, false).unwrap(),
                (
                    c["real"].as_str().unwrap().to_string(),
                    c["fips"].as_bool().unwrap()
                ),
                "{configured}"
            ),
        }
    }
    for c in v["hostLabels"].as_array().unwrap() {
        let label = c["label"].as_str().unwrap();
        assert_eq!(
            is_valid_host_label(label),
            c["valid"].as_bool().unwrap(),
            "{label}"
        );
    }
}

#[test]
fn loopback_is_decided_by_name_or_address() {
    let loopback = |e: &str| {
        resolve(&EndpointParams {
            region: Some("us-east-1"),
            use_fips: false,
            use_dual_stack: false,
            endpoint: Some(e),
        })
        .map(|e| e.is_loopback())
        .unwrap_or_else(|e| panic!("{e}"))
    };
    for e in [
        "http://localhost:8787",
        "http://LOCALHOST",
        "http://127.0.0.1",
        "http://127.8.9.10:3",
        "http://127.255.255.254",
        "http://[::1]:9000/base",
    ] {
        assert!(loopback(e), "{e}");
    }
    for e in [
        "http://app.localhost",
        "http://localhost.evil.example",
        "http://127.0.0.1.evil.example",
        "http://128.0.0.1",
        "http://127.0.0.256",
        "http://127.0.1",
        "http://10.0.0.1:8080",
        "http://[::2]",
        "https://bedrock-agentcore.us-east-1.amazonaws.com",
    ] {
        assert!(!loopback(e), "{e}");
    }
}

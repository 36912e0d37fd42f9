//! Endpoint resolution, following the service's `endpoint-rule-set-1.json` and `partitions.json`,
//! after the region resolution of the AWS SDK for JavaScript v3 ([`resolve_region`]).
//!
//! The rule set, in order:
//! 1. An explicit endpoint wins; it cannot be combined with FIPS or dual-stack.
//! 2. Otherwise a region is required, and its partition gives the DNS suffix:
//!    FIPS + dual-stack `https://bedrock-agentcore-fips.{region}.{dualStackDnsSuffix}`,
//!    FIPS `https://bedrock-agentcore-fips.{region}.{dnsSuffix}`,
//!    dual-stack `https://bedrock-agentcore.{region}.{dualStackDnsSuffix}`,
//!    else `https://bedrock-agentcore.{region}.{dnsSuffix}`.

use std::fmt;

/// What the rules need.
#[derive(Debug, Clone, Default)]
pub struct EndpointParams<'a> {
    /// `AWS::Region`.
    pub region: Option<&'a str>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`.
    pub endpoint: Option<&'a str>,
}

/// A resolved endpoint, split the way the signer and the transport need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` or `http`.
    pub scheme: &'static str,
    /// The `host` header: lower-case host, and the port unless it is the scheme's default.
    pub authority: String,
    /// A path prefix from an endpoint override, without a trailing slash (often empty).
    pub base_path: String,
}

/// Whether `authority` (`host` or `host:port`, lower-case) names a loopback host: `localhost`,
/// 127.0.0.0/8 or `[::1]`. Names under `.localhost` are not: a resolver may send them anywhere.
pub fn is_loopback_authority(authority: &str) -> bool {
    let Some((host, _)) = split_host_port(authority) else {
        return false;
    };
    host == "localhost"
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok())
        })
}

impl Endpoint {
    /// Whether the host is loopback by name or address: `localhost`, 127.0.0.0/8 or `[::1]`. Names
    /// under `.localhost` are not: a resolver may send them anywhere.
    pub fn is_loopback(&self) -> bool {
        is_loopback_authority(&self.authority)
    }

    /// The URL of an operation path on this endpoint.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}://{}{}{}",
            self.scheme, self.authority, self.base_path, path
        )
    }
}

/// Why no endpoint could be resolved. The messages are the rule set's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError(String);

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EndpointError {}

fn err(msg: impl Into<String>) -> EndpointError {
    EndpointError(msg.into())
}

/// A partition from `partitions.json`.
#[derive(Debug)]
pub struct Partition {
    /// Its id (`aws`, `aws-cn`, ...).
    pub id: &'static str,
    /// `regionRegex` is `^(prefix1|prefix2)\-\w+\-\d+$` for every partition; these are the prefixes.
    region_prefixes: &'static [&'static str],
    /// Regions listed by name.
    regions: &'static [&'static str],
    /// `dnsSuffix`.
    pub dns_suffix: &'static str,
    /// `dualStackDnsSuffix`.
    pub dual_stack_dns_suffix: &'static str,
    /// `supportsFIPS`.
    pub supports_fips: bool,
    /// `supportsDualStack`.
    pub supports_dual_stack: bool,
}

/// The partitions, in `partitions.json` order (the first, `aws`, is the default).
pub static PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "me-west-1",
            "mx-central-1",
            "sa-east-1",
            "sa-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-cn",
        region_prefixes: &["cn"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-eusc",
        region_prefixes: &["eusc-de"],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso",
        region_prefixes: &["us-iso"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-b",
        region_prefixes: &["us-isob"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-e",
        region_prefixes: &["eu-isoe"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-f",
        region_prefixes: &["us-isof"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-us-gov",
        region_prefixes: &["us-gov"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
];

impl Partition {
    /// `regionRegex`: `^(prefixes)\-\w+\-\d+$`.
    fn matches_region(&self, region: &str) -> bool {
        self.region_prefixes.iter().any(|p| {
            region
                .strip_prefix(p)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|rest| rest.split_once('-'))
                .is_some_and(|(word, digits)| {
                    !word.is_empty()
                        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        && !digits.is_empty()
                        && digits.bytes().all(|b| b.is_ascii_digit())
                })
        })
    }
}

/// The `aws.partition` function: a listed region, else a matching `regionRegex`, else `aws`.
pub fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| p.matches_region(region)))
        .unwrap_or(&PARTITIONS[0])
}

/// `isValidHostLabel` (`@smithy/core` 3.41.1 `submodules/transport/isValidHostLabel.js`):
/// `^(?!.*-$)(?!-)[a-zA-Z0-9-]{1,63}$`, 1 to 63 ASCII letters, digits and `-`, neither first nor
/// last a `-`.
pub fn is_valid_host_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `isFipsRegion` (`@smithy/core` 3.41.1
/// `submodules/config/config-resolver/regionConfig/isFipsRegion.js`): a pseudo-region that starts
/// with `fips-` or ends with `-fips`.
pub fn is_fips_region(region: &str) -> bool {
    region.starts_with("fips-") || region.ends_with("-fips")
}

/// `getRealRegion` (`regionConfig/getRealRegion.js`): `fips-aws-global` and `aws-fips` are
/// `us-east-1`; any other FIPS pseudo-region loses the leftmost match of
/// `/fips-(dkr-|prod-)?|-fips/` (`fips-us-east-1`, `us-east-1-fips`, `fips-dkr-us-east-1`,
/// `fips-prod-us-east-1` are all `us-east-1`).
pub fn real_region(region: &str) -> String {
    if !is_fips_region(region) {
        return region.to_owned();
    }
    if region == "fips-aws-global" || region == "aws-fips" {
        return "us-east-1".to_owned();
    }
    for (i, _) in region.char_indices() {
        let rest = &region[i..];
        if let Some(after) = rest.strip_prefix("fips-") {
            let after = after
                .strip_prefix("dkr-")
                .or_else(|| after.strip_prefix("prod-"))
                .unwrap_or(after);
            return format!("{}{after}", &region[..i]);
        }
        if let Some(after) = rest.strip_prefix("-fips") {
            return format!("{}{after}", &region[..i]);
        }
    }
    region.to_owned()
}

/// A configured region, as the SDK resolves it (`resolveRegionConfig`, `regionConfig/`
/// `resolveRegionConfig.js` and `checkRegion.js`): the region for host names and the signing
/// scope, and whether FIPS endpoints are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSettings {
    /// The real region (`getRealRegion`).
    pub region: String,
    /// `useFipsEndpoint`: on for a FIPS pseudo-region, else as configured.
    pub use_fips: bool,
}

/// Resolves the configured `region` and `useFipsEndpoint`: a FIPS pseudo-region turns FIPS on
/// and names its real region, which must be a valid host label (`checkRegion`). The SDK only warns
/// about the region `*` (for SigV4a); this package refuses it with the rest.
pub fn resolve_region(configured: &str, use_fips: bool) -> Result<RegionSettings, EndpointError> {
    if configured.is_empty() {
        return Err(err("Region is missing"));
    }
    let region = real_region(configured);
    check_region(&region)?;
    Ok(RegionSettings {
        use_fips: use_fips || is_fips_region(configured),
        region,
    })
}

/// `checkRegion`'s refusal.
fn check_region(region: &str) -> Result<(), EndpointError> {
    if is_valid_host_label(region) {
        Ok(())
    } else {
        Err(err(format!(
            "Region not accepted: region=\"{region}\" is not a valid hostname component."
        )))
    }
}

/// Applies the rule set. `params.region` is the real region of [`resolve_region`]; it is checked
/// again here (a FIPS pseudo-region passed here is a valid host label, and names a host that does
/// not exist).
pub fn resolve(params: &EndpointParams<'_>) -> Result<Endpoint, EndpointError> {
    if let Some(region) = params.region {
        check_region(region)?;
    }
    if let Some(endpoint) = params.endpoint {
        if params.use_fips {
            return Err(err(
                "Invalid Configuration: FIPS and custom endpoint are not supported",
            ));
        }
        if params.use_dual_stack {
            return Err(err(
                "Invalid Configuration: Dualstack and custom endpoint are not supported",
            ));
        }
        return parse_endpoint(endpoint);
    }
    let region = params
        .region
        .ok_or_else(|| err("Invalid Configuration: Missing Region"))?;
    let p = partition(region);
    let host =
        match (params.use_fips, params.use_dual_stack) {
            (true, true) if p.supports_fips && p.supports_dual_stack => {
                format!(
                    "bedrock-agentcore-fips.{region}.{}",
                    p.dual_stack_dns_suffix
                )
            }
            (true, true) => return Err(err(
                "FIPS and DualStack are enabled, but this partition does not support one or both",
            )),
            (true, false) if p.supports_fips => {
                format!("bedrock-agentcore-fips.{region}.{}", p.dns_suffix)
            }
            (true, false) => {
                return Err(err(
                    "FIPS is enabled but this partition does not support FIPS",
                ))
            }
            (false, true) if p.supports_dual_stack => {
                format!("bedrock-agentcore.{region}.{}", p.dual_stack_dns_suffix)
            }
            (false, true) => {
                return Err(err(
                    "DualStack is enabled but this partition does not support DualStack",
                ))
            }
            (false, false) => format!("bedrock-agentcore.{region}.{}", p.dns_suffix),
        };
    Ok(Endpoint {
        scheme: "https",
        authority: host.to_ascii_lowercase(),
        base_path: String::new(),
    })
}

/// Parses an endpoint override: `http(s)://host[:port][/base/path]`, as the host's `URL` would
/// normalise it (lower-case scheme and host, default port dropped). Query, fragment and user info
/// are refused: they would be signed differently from what `fetch` sends.
fn parse_endpoint(endpoint: &str) -> Result<Endpoint, EndpointError> {
    let bad = |why: &str| err(format!("Invalid Configuration: endpoint {why}"));
    let (scheme, rest) = crate::text::split_once(endpoint, "://")
        .ok_or_else(|| bad("must be an absolute http:// or https:// URL"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "https" => "https",
        "http" => "http",
        _ => return Err(bad("must use http or https")),
    };
    if rest.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(bad("must not carry user info"));
    }
    let (host, port) =
        split_host_port(authority).ok_or_else(|| bad("has an invalid host or port"))?;
    let host = host.to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let authority = match port {
        Some(p) if p != default_port => format!("{host}:{p}"),
        _ => host,
    };
    if !path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return Err(bad("has an invalid path"));
    }
    Ok(Endpoint {
        scheme,
        authority,
        base_path: path.trim_end_matches('/').to_owned(),
    })
}

/// Splits `host[:port]`, accepting bracketed IPv6 literals; `None` if malformed.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        let ipv6 = &host[1..host.len() - 1];
        if ipv6.is_empty()
            || !ipv6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if host.is_empty() || !host.trim_end_matches('.').split('.').all(label_ok) {
            return None;
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

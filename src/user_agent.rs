//! The `x-amz-user-agent` header, built and escaped the way the AWS SDK for JavaScript v3 builds
//! it in a browser (`@aws-sdk/core` 3.981.1 `submodules/client/middleware-user-agent/`
//! `user-agent-middleware.js`, `escapeUserAgent`, and `util-user-agent-browser/defaultUserAgent.js`):
//! space-separated sections `name/value`, `prefix/name#value` or `name`, each escaped, then the
//! caller's `app/<appId>`.
//!
//! This package sends `<package>/<version> ua/2.1 lang/js md/<runtime> [app/<appId>]`, its own
//! name where the SDK writes `aws-sdk-js/<version>` (and without the SDK's `api/` and `m/`
//! sections, which describe the SDK's own client and features). The runtime name is passed in.

/// The header name (`X_AMZ_USER_AGENT`).
pub const HEADER: &str = "x-amz-user-agent";

/// The longest `userAgentAppId` the SDK accepts without a warning (`isValidUserAgentAppId` in
/// `middleware-user-agent/configurations.js`), in UTF-16 code units (JavaScript's `length`).
pub const MAX_APP_ID_LENGTH: usize = 50;

/// Characters kept in a section name (`UA_NAME_ESCAPE_REGEX = /[^!$%&'*+\-.^_`|~\w]/g`); every
/// other UTF-16 code unit becomes `-` (`UA_ESCAPE_CHAR`).
fn name_char(c: char) -> bool {
    // Compared as bytes: `str::contains(char)` would bring in the substring searcher.
    c.is_ascii_alphanumeric() || (c.is_ascii() && b"!$%&'*+-.^_`|~".contains(&(c as u8)))
}

/// Characters kept in a section value (`UA_VALUE_ESCAPE_REGEX`): the name set and `#`.
fn value_char(c: char) -> bool {
    name_char(c) || c == '#'
}

/// Replaces each UTF-16 code unit outside the set with `-`, as a non-Unicode JavaScript regex does.
fn escape(s: &str, keep: fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            for _ in 0..c.len_utf16() {
                out.push('-');
            }
        }
    }
    out
}

/// `escapeUserAgent([name, version])`: each `/`-separated part of the name and the version
/// escaped; an `api/` section's name lower-cased; joined as `prefix/name#version`, empty parts
/// left out.
pub fn escape_section(name: &str, version: Option<&str>) -> String {
    let parts: Vec<String> = name
        .split('/')
        .map(|part| escape(part, name_char))
        .collect();
    let name = crate::text::join(&parts, "/");
    let version = version.map(|v| escape(v, value_char));
    // `name.substring(0, name.indexOf("/"))`: empty when there is no `/`.
    let (prefix, ua_name) = match name.find('/') {
        Some(i) => (&name[..i], name[i + 1..].to_owned()),
        None => ("", name.clone()),
    };
    let ua_name = if prefix == "api" {
        // Escaped names are ASCII: ASCII lower-casing is `toLowerCase` here.
        ua_name.to_ascii_lowercase()
    } else {
        ua_name
    };
    let mut out = String::new();
    for (i, item) in [prefix, ua_name.as_str(), version.as_deref().unwrap_or("")]
        .into_iter()
        .filter(|item| !item.is_empty())
        .enumerate()
    {
        match i {
            0 => out.push_str(item),
            1 => {
                out.push('/');
                out.push_str(item);
            }
            _ => {
                out.push('#');
                out.push_str(item);
            }
        }
    }
    out
}

/// Why a `userAgentAppId` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppIdError {
    /// Its length in UTF-16 code units.
    pub length: usize,
}

impl std::fmt::Display for AppIdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "userAgentAppId must be at most {MAX_APP_ID_LENGTH} characters long (got {})",
            self.length
        )
    }
}

impl std::error::Error for AppIdError {}

/// Checks a `userAgentAppId` by the SDK's rule: a string of at most 50 UTF-16 code units. The SDK
/// only logs a warning and sends it anyway; this package refuses it. An empty one is accepted and
/// not sent, as the SDK does (`if (appId)`).
pub fn check_app_id(app_id: &str) -> Result<(), AppIdError> {
    let length = app_id.encode_utf16().count();
    if length <= MAX_APP_ID_LENGTH {
        Ok(())
    } else {
        Err(AppIdError { length })
    }
}

/// The `x-amz-user-agent` value: `<package>/<version> ua/2.1 lang/js md/<runtime>` (a runtime
/// given as `name#version` keeps its version, as the SDK's `md/nodejs#20.1.0`), then
/// `app/<appId>` when `app_id` is set and not empty, each section escaped as the SDK escapes it.
pub fn user_agent(package: &str, version: &str, runtime: &str, app_id: Option<&str>) -> String {
    let mut sections = vec![
        escape_section(package, Some(version)),
        escape_section("ua", Some("2.1")),
        escape_section("lang/js", None),
        // `nodejs#20.20.2`: the runtime's name and version, as the SDK writes `md/nodejs#<version>`.
        match runtime.split_once('#') {
            Some((name, version)) => escape_section(&format!("md/{name}"), Some(version)),
            None => escape_section(&format!("md/{runtime}"), None),
        },
    ];
    if let Some(app_id) = app_id.filter(|a| !a.is_empty()) {
        sections.push(escape_section("app", Some(app_id)));
    }
    crate::text::join(&sections, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_sections_like_the_sdk() {
        // The values the SDK 3.1141.0 sends from Node for `userAgentAppId: "my app/1"`.
        assert_eq!(
            escape_section("aws-sdk-js", Some("3.1141.0")),
            "aws-sdk-js/3.1141.0"
        );
        assert_eq!(escape_section("ua", Some("2.1")), "ua/2.1");
        assert_eq!(escape_section("lang/js", None), "lang/js");
        assert_eq!(
            escape_section("os/linux", Some("6.18.44-fc-v669")),
            "os/linux#6.18.44-fc-v669"
        );
        assert_eq!(
            escape_section("api/Bedrock AgentCore", Some("3.1141.0")),
            "api/bedrock-agentcore#3.1141.0"
        );
        assert_eq!(escape_section("app", Some("my app/1")), "app/my-app-1");
        assert_eq!(
            escape_section("md/browser", Some("Chrome_120")),
            "md/browser#Chrome_120"
        );
        // `#` survives in a value, not in a name; a character outside the BMP is two units.
        assert_eq!(escape_section("a#b", Some("c#d")), "a-b/c#d");
        assert_eq!(escape_section("app", Some("é😀")), "app/---");
        assert_eq!(escape_section("md/", None), "md");
        assert_eq!(escape_section("", Some("v")), "v");
    }

    #[test]
    fn builds_the_header() {
        assert_eq!(
            user_agent("agentcore-identity-edge", "0.1.0", "browser", None),
            "agentcore-identity-edge/0.1.0 ua/2.1 lang/js md/browser"
        );
        assert_eq!(
            user_agent(
                "agentcore-identity-edge",
                "0.1.0",
                "nodejs",
                Some("my app/1")
            ),
            "agentcore-identity-edge/0.1.0 ua/2.1 lang/js md/nodejs app/my-app-1"
        );
        assert_eq!(
            user_agent("agentcore-identity-edge", "0.1.0", "node js", Some("")),
            "agentcore-identity-edge/0.1.0 ua/2.1 lang/js md/node-js"
        );
    }

    #[test]
    fn app_id_length_is_counted_in_utf16_units() {
        assert!(check_app_id("").is_ok());
        assert!(check_app_id(&"a".repeat(50)).is_ok());
        assert_eq!(
            check_app_id(&"a".repeat(51)),
            Err(AppIdError { length: 51 })
        );
        assert!(check_app_id(&"😀".repeat(25)).is_ok());
        assert_eq!(
            check_app_id(&"😀".repeat(26)).unwrap_err().to_string(),
            "userAgentAppId must be at most 50 characters long (got 52)"
        );
    }

    #[test]
    fn a_runtime_keeps_its_version() {
        assert_eq!(
            user_agent("pkg", "1.0.0", "nodejs#20.20.2", None),
            "pkg/1.0.0 ua/2.1 lang/js md/nodejs#20.20.2"
        );
        assert_eq!(
            user_agent("pkg", "1.0.0", "cloudflare-workers", Some("app")),
            "pkg/1.0.0 ua/2.1 lang/js md/cloudflare-workers app/app"
        );
    }
}

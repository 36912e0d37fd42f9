//! The service model's string patterns, as linear-time matchers.
//!
//! The model's patterns carry no anchors, but AWS refuses any value with a character outside the
//! pattern, so each matcher tests a full match. Each is written out by hand (a regex engine would
//! cost more code than the whole validator) and is checked against the model's own pattern text
//! with the `regex` crate in the tests.

/// A pattern from the service model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pattern {
    /// `CredentialProviderName`: `[a-zA-Z0-9\-_]+`
    CredentialProviderName,
    /// `CustomRequestKeyType`: `[a-zA-Z0-9\-_\.]+`
    CustomRequestKey,
    /// `RequestUri`: `urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+`
    RequestUri,
    /// `ResourceOauth2ReturnUrlType`: `\w+:(\/?\/?)[^\s]+`
    ReturnUrl,
    /// `UserTokenType`: `[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+`
    UserToken,
    /// `WorkloadIdentityNameType`: `[A-Za-z0-9_.-]+`
    WorkloadName,
    /// `CoinbaseCdpPaymentRequestBodyType`, `StripePrivyRequestBodyType`:
    /// `[\u0009\u000A\u000D\u0020-\u007E]+` (tab, line feed, carriage return, printable ASCII)
    PaymentRequestBody,
    /// `PaymentRequestHostType`, `StripePrivyRequestHostType`: `[a-zA-Z0-9\-\.]+`
    PaymentRequestHost,
    /// `PaymentRequestPathType`, `StripePrivyRequestPathType`: `/[a-zA-Z0-9/_\-\.~%?=&]+`
    PaymentRequestPath,
    /// `StripePrivyAppIdType`: `[a-zA-Z0-9\-_]+` (the text of `CredentialProviderName`)
    StripePrivyAppId,
}

/// The `RequestUri` prefix.
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

impl Pattern {
    /// The pattern exactly as the model spells it.
    pub fn source(self) -> &'static str {
        match self {
            Pattern::CredentialProviderName => r"[a-zA-Z0-9\-_]+",
            Pattern::CustomRequestKey => r"[a-zA-Z0-9\-_\.]+",
            Pattern::RequestUri => r"urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+",
            Pattern::ReturnUrl => r"\w+:(\/?\/?)[^\s]+",
            Pattern::UserToken => r"[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+",
            Pattern::WorkloadName => r"[A-Za-z0-9_.-]+",
            Pattern::PaymentRequestBody => r"[\u0009\u000A\u000D\u0020-\u007E]+",
            Pattern::PaymentRequestHost => r"[a-zA-Z0-9\-\.]+",
            Pattern::PaymentRequestPath => r"/[a-zA-Z0-9/_\-\.~%?=&]+",
            Pattern::StripePrivyAppId => r"[a-zA-Z0-9\-_]+",
        }
    }

    /// Whether the whole of `s` matches.
    pub fn matches(self, s: &str) -> bool {
        match self {
            Pattern::CredentialProviderName | Pattern::StripePrivyAppId => {
                all1(s, |c| is_word(c) || c == '-')
            }
            Pattern::PaymentRequestBody => all1(s, |c| matches!(c, '\t' | '\n' | '\r' | ' '..='~')),
            Pattern::PaymentRequestHost => {
                all1(s, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
            }
            Pattern::PaymentRequestPath => s.strip_prefix('/').is_some_and(|rest| {
                all1(rest, |c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '/' | '_' | '-' | '.' | '~' | '%' | '?' | '=' | '&')
                })
            }),
            Pattern::CustomRequestKey | Pattern::WorkloadName => {
                all1(s, |c| is_word(c) || c == '-' || c == '.')
            }
            Pattern::RequestUri => s
                .strip_prefix(REQUEST_URI_PREFIX)
                .is_some_and(|rest| all1(rest, is_request_uri_char)),
            Pattern::ReturnUrl => return_url(s),
            Pattern::UserToken => user_token(s),
        }
    }
}

/// `\w`: ASCII letters, digits and `_`.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_request_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// `\s` as ECMAScript defines it (the set the emulator and browsers apply).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// `.` without the `s` flag: anything but a line terminator.
fn is_not_line_terminator(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// One or more characters, all in the class.
fn all1(s: &str, class: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(class)
}

/// `\w+:(\/?\/?)[^\s]+`: a scheme of word characters, a colon, then one or more non-space
/// characters (the optional slashes are themselves non-space, so they need no separate step).
fn return_url(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => all1(scheme, is_word) && all1(rest, |c| !is_space(c)),
        None => false,
    }
}

/// `T+.T+.T+` with `T = [A-Za-z0-9-_=]` and `.` any character but a line terminator, run as an
/// automaton over the set of reachable states, so a long token costs one pass, never backtracking.
fn user_token(s: &str) -> bool {
    const START: u8 = 1;
    const FIRST: u8 = 2; // inside the first run
    const DOT1: u8 = 4; // just past the first separator
    const SECOND: u8 = 8;
    const DOT2: u8 = 16;
    const THIRD: u8 = 32;
    let mut states = START;
    for c in s.chars() {
        let token = c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=');
        let any = is_not_line_terminator(c);
        let mut next = 0;
        if token && states & (START | FIRST) != 0 {
            next |= FIRST;
        }
        if any && states & FIRST != 0 {
            next |= DOT1;
        }
        if token && states & (DOT1 | SECOND) != 0 {
            next |= SECOND;
        }
        if any && states & SECOND != 0 {
            next |= DOT2;
        }
        if token && states & (DOT2 | THIRD) != 0 {
            next |= THIRD;
        }
        if next == 0 {
            return false;
        }
        states = next;
    }
    states & THIRD != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Pattern; 10] = [
        Pattern::CredentialProviderName,
        Pattern::CustomRequestKey,
        Pattern::RequestUri,
        Pattern::ReturnUrl,
        Pattern::UserToken,
        Pattern::WorkloadName,
        Pattern::PaymentRequestBody,
        Pattern::PaymentRequestHost,
        Pattern::PaymentRequestPath,
        Pattern::StripePrivyAppId,
    ];

    /// The model's pattern in the regex crate's syntax, read the way ECMAScript and Java read it:
    /// a `-` right after a range is literal, `.` excludes every line terminator and `\s` is
    /// ECMAScript's set. `model_patterns_are_these` in `shapes` ties `source()` to the model file.
    fn reference(p: Pattern) -> regex::Regex {
        const DOT: &str = r"[^\n\r\u{2028}\u{2029}]";
        const SPACE: &str = r"\t\n\x0B\x0C\r \u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}";
        let src = match p {
            Pattern::CredentialProviderName => r"[a-zA-Z0-9\-_]+".to_string(),
            Pattern::CustomRequestKey => r"[a-zA-Z0-9\-_\.]+".to_string(),
            Pattern::RequestUri => {
                r"urn:ietf:params:oauth:request_uri:[a-zA-Z0-9\-._~]+".to_string()
            }
            Pattern::ReturnUrl => format!(r"[A-Za-z0-9_]+:(/?/?)[^{SPACE}]+"),
            Pattern::UserToken => {
                let t = r"[A-Za-z0-9\-_=]+";
                format!("{t}{DOT}{t}{DOT}{t}")
            }
            Pattern::WorkloadName => r"[A-Za-z0-9_.\-]+".to_string(),
            Pattern::PaymentRequestBody => r"[\x09\x0A\x0D\x20-\x7E]+".to_string(),
            Pattern::PaymentRequestHost => r"[a-zA-Z0-9\-.]+".to_string(),
            Pattern::PaymentRequestPath => r"/[a-zA-Z0-9/_\-.~%?=&]+".to_string(),
            Pattern::StripePrivyAppId => r"[a-zA-Z0-9\-_]+".to_string(),
        };
        regex::Regex::new(&format!("^(?:{src})$")).expect("reference regex compiles")
    }

    /// Deterministic pseudo-random strings over an alphabet that exercises every class edge.
    fn samples() -> Vec<String> {
        let alphabet: Vec<char> = "aZ09-_.=~:/ \t\n\r#%?&é\u{7f}\u{2028}\u{a0}\u{feff}"
            .chars()
            .collect();
        let mut seed = 0x2545_f491_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut out = Vec::new();
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() as usize) % alphabet.len()])
                .collect();
            out.push(s.clone());
            out.push(format!("{REQUEST_URI_PREFIX}{s}"));
            out.push(format!("https://{s}"));
            out.push(format!("/{s}"));
        }
        out
    }

    #[test]
    fn every_matcher_agrees_with_the_model_pattern() {
        let samples = samples();
        for p in ALL {
            let re = reference(p);
            for s in &samples {
                assert_eq!(p.matches(s), re.is_match(s), "{p:?} on {s:?}");
            }
        }
    }

    #[test]
    fn known_values() {
        assert!(Pattern::RequestUri.matches("urn:ietf:params:oauth:request_uri:abc-._~9"));
        assert!(!Pattern::RequestUri.matches("urn:ietf:params:oauth:request_uri:"));
        assert!(!Pattern::RequestUri.matches("urn:ietf:params:oauth:request_uri:a b"));
        assert!(Pattern::ReturnUrl.matches("http://localhost:8787/callback?x=1"));
        assert!(Pattern::ReturnUrl.matches("myapp:cb"));
        assert!(!Pattern::ReturnUrl.matches("not a url"));
        assert!(!Pattern::ReturnUrl.matches("http://host/a b"));
        assert!(!Pattern::ReturnUrl.matches("://x"));
        assert!(Pattern::UserToken.matches("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"));
        assert!(Pattern::UserToken.matches("abcde"));
        assert!(!Pattern::UserToken.matches("ab.c"));
        assert!(!Pattern::UserToken.matches("a.b.c "));
        assert!(Pattern::CredentialProviderName.matches("demo-m2m_provider"));
        assert!(!Pattern::CredentialProviderName.matches("demo.provider"));
        assert!(Pattern::CustomRequestKey.matches("login_hint.v2"));
        assert!(!Pattern::CustomRequestKey.matches("bad key!"));
        assert!(Pattern::WorkloadName.matches("demo-workload.v1_x"));
        assert!(Pattern::PaymentRequestBody.matches("{\"amount\": 1}\r\n\t"));
        assert!(!Pattern::PaymentRequestBody.matches("caf\u{e9}"));
        assert!(!Pattern::PaymentRequestBody.matches("\u{7f}"));
        assert!(Pattern::PaymentRequestHost.matches("api.cdp.coinbase.com"));
        assert!(!Pattern::PaymentRequestHost.matches("api.privy.io:443"));
        assert!(Pattern::PaymentRequestPath.matches("/v1/wallets?limit=10&x=%20"));
        assert!(!Pattern::PaymentRequestPath.matches("/"));
        assert!(!Pattern::PaymentRequestPath.matches("v1/wallets"));
        assert!(Pattern::StripePrivyAppId.matches("cm-app_1"));
    }

    #[test]
    fn long_hostile_token_is_linear() {
        // A backtracking matcher takes quadratic time on this; the automaton takes one pass.
        let s = "a".repeat(131_071) + " ";
        assert!(!Pattern::UserToken.matches(&s));
        let s = "a".repeat(131_072);
        assert!(Pattern::UserToken.matches(&s));
    }
}

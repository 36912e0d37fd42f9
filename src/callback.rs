//! The redirect callback of a user-federation flow (`?session_id=...&state=...`), checked in a
//! fixed order in the manner of oauth4webapi's `validateAuthResponse`:
//!
//! 1. any duplicated parameter is refused;
//! 2. an expectation is required (a state secret, or the state the app stored);
//! 3. `state` must be present and non-empty;
//! 4. `state` is verified (MAC, expiry, binding; or constant-time equality), and then consumed
//!    once from the app's single-use store (the caller does that, between the two phases here);
//! 5. only then is `error` surfaced, as `authorization_denied`;
//! 6. `session_id` must be present and match the model's `RequestUri`.
//!
//! Messages never contain the state, the secret or the session id.

use std::fmt;

use crate::pattern::Pattern;
use crate::shapes::REQUEST_URI;
use crate::state::{self, StateError};

/// A refused callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    /// What went wrong.
    pub code: CallbackErrorCode,
    /// For `authorization_denied`: the authorization server's `error`.
    pub error: Option<String>,
    /// For `authorization_denied`: its `error_description`.
    pub error_description: Option<String>,
}

/// The stable codes of [`CallbackError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackErrorCode {
    /// A parameter appears more than once.
    ParameterDuplicated,
    /// Neither a state secret nor an expected state was given (a programming error).
    ExpectationMissing,
    /// No `state`, or an empty one.
    StateMissing,
    /// Forged, tampered, another secret, another binding, or not the expected state.
    StateMismatch,
    /// Authentic but expired.
    StateExpired,
    /// Already used.
    StateReplayed,
    /// No `session_id`.
    SessionIdMissing,
    /// A `session_id` that is not a `RequestUri`.
    SessionIdInvalid,
    /// The user or the authorization server refused (`error=...`).
    AuthorizationDenied,
}

impl CallbackErrorCode {
    /// The code as JavaScript sees it (`state_mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackErrorCode::ParameterDuplicated => "parameter_duplicated",
            CallbackErrorCode::ExpectationMissing => "expectation_missing",
            CallbackErrorCode::StateMissing => "state_missing",
            CallbackErrorCode::StateMismatch => "state_mismatch",
            CallbackErrorCode::StateExpired => "state_expired",
            CallbackErrorCode::StateReplayed => "state_replayed",
            CallbackErrorCode::SessionIdMissing => "session_id_missing",
            CallbackErrorCode::SessionIdInvalid => "session_id_invalid",
            CallbackErrorCode::AuthorizationDenied => "authorization_denied",
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self.code {
            CallbackErrorCode::ParameterDuplicated => "a callback parameter appears more than once",
            CallbackErrorCode::ExpectationMissing => {
                "handleOauth2Callback needs stateSecret (for createCustomState states) or expectedState"
            }
            CallbackErrorCode::StateMissing => "the callback has no state parameter",
            CallbackErrorCode::StateMismatch => "the callback state does not match",
            CallbackErrorCode::StateExpired => "the callback state has expired",
            CallbackErrorCode::StateReplayed => "the callback state was already used",
            CallbackErrorCode::SessionIdMissing => "the callback has no session_id parameter",
            CallbackErrorCode::SessionIdInvalid => {
                "the callback session_id is not a urn:ietf:params:oauth:request_uri: value"
            }
            CallbackErrorCode::AuthorizationDenied => "authorization was denied",
        };
        f.write_str(text)?;
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
            if let Some(d) = &self.error_description {
                write!(f, " ({d})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for CallbackError {}

fn fail(code: CallbackErrorCode) -> CallbackError {
    CallbackError {
        code,
        error: None,
        error_description: None,
    }
}

/// What the state is checked against.
#[derive(Clone, Copy)]
pub enum Expectation<'a> {
    /// A state made by [`state::create`] with this secret and binding.
    Signed {
        /// The app's state secret.
        secret: &'a [u8],
        /// The binding the state was made for.
        binding: &'a [u8],
    },
    /// The exact state the app stored.
    Stored(&'a str),
}

impl fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expectation::Signed { .. } => "Signed { .. }",
            Expectation::Stored(_) => "Stored(..)",
        })
    }
}

/// The callback's parameters, decoded as `application/x-www-form-urlencoded`.
pub struct CallbackParams {
    pairs: Vec<(String, String)>,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs.iter().map(|(k, _)| k))
            .finish()
    }
}

/// A state that passed step 4 (before the single-use check).
#[derive(Clone, PartialEq, Eq)]
pub struct CheckedState {
    /// The state as received.
    pub state: String,
    /// The single-use key: the nonce of a signed state, or a hash of a stored one.
    pub nonce: String,
    /// When the single-use entry may be forgotten (ms since the epoch).
    pub expires_at_ms: u64,
}

impl fmt::Debug for CheckedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedState")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// How long a stored state's single-use entry is kept when the app gives no expiry.
const STORED_STATE_TTL_MS: u64 = 600_000;

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes like `URLSearchParams`: `+` is a space, bad escapes stay as they are, invalid
/// UTF-8 becomes U+FFFD.
fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex_value(b[i + 1]), hex_value(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl CallbackParams {
    /// Parses a query string (with or without the leading `?`).
    pub fn parse(query: &str) -> Self {
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (form_decode(k), form_decode(v))
            })
            .collect();
        CallbackParams { pairs }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Steps 1 to 4 (but the single-use check): duplicates, expectation, presence and validity of
    /// `state`.
    pub fn check_state(
        &self,
        expectation: Option<Expectation<'_>>,
        now_ms: u64,
    ) -> Result<CheckedState, CallbackError> {
        for (i, (k, _)) in self.pairs.iter().enumerate() {
            if self.pairs[..i].iter().any(|(seen, _)| seen == k) {
                return Err(fail(CallbackErrorCode::ParameterDuplicated));
            }
        }
        let expectation = expectation.ok_or(fail(CallbackErrorCode::ExpectationMissing))?;
        let received = self
            .get("state")
            .filter(|s| !s.is_empty())
            .ok_or(fail(CallbackErrorCode::StateMissing))?;
        match expectation {
            Expectation::Signed { secret, binding } => {
                let v = state::verify(received, secret, binding, now_ms).map_err(|e| {
                    fail(match e {
                        StateError::Mismatch => CallbackErrorCode::StateMismatch,
                        StateError::Expired => CallbackErrorCode::StateExpired,
                    })
                })?;
                Ok(CheckedState {
                    state: received.to_owned(),
                    nonce: v.nonce,
                    expires_at_ms: v.expires_at_ms,
                })
            }
            Expectation::Stored(expected) => {
                if expected.is_empty() || !state::equals(received, expected) {
                    return Err(fail(CallbackErrorCode::StateMismatch));
                }
                Ok(CheckedState {
                    state: received.to_owned(),
                    nonce: state::stored_state_key(received),
                    expires_at_ms: now_ms.saturating_add(STORED_STATE_TTL_MS),
                })
            }
        }
    }

    /// The end of step 4 and steps 5 and 6, once the state is verified: `consumed` is the answer
    /// of the single-use store (false: seen before); then `error`, then `session_id`.
    pub fn check_result(&self, consumed: bool) -> Result<String, CallbackError> {
        if !consumed {
            return Err(fail(CallbackErrorCode::StateReplayed));
        }
        if let Some(error) = self.get("error") {
            let clip = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_control())
                    .take(256)
                    .collect::<String>()
            };
            return Err(CallbackError {
                code: CallbackErrorCode::AuthorizationDenied,
                error: Some(clip(error)),
                error_description: self.get("error_description").map(clip),
            });
        }
        let session = self
            .get("session_id")
            .filter(|s| !s.is_empty())
            .ok_or(fail(CallbackErrorCode::SessionIdMissing))?;
        let len = session.chars().count();
        let fits = REQUEST_URI.max.is_none_or(|max| len <= max)
            && REQUEST_URI
                .pattern
                .is_none_or(|p: Pattern| p.matches(session));
        if !fits {
            return Err(fail(CallbackErrorCode::SessionIdInvalid));
        }
        Ok(session.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_url_search_params() {
        assert_eq!(form_decode("a+b%20c"), "a b c");
        assert_eq!(form_decode("%E2%98%83"), "☃");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(form_decode("%"), "%");
        assert_eq!(form_decode("%ff"), "\u{fffd}");
        let p = CallbackParams::parse("?a=1&&b&c=x%3Dy");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some(""));
        assert_eq!(p.get("c"), Some("x=y"));
    }
}

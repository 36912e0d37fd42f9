//! The redirect callback of a user-federation flow (`?session_id=...&state=...`), checked in a
//! fixed order in the manner of oauth4webapi's `validateAuthResponse`:
//!
//! 1. an oversized query, or one with too many parameters, is refused; so is any duplicated
//!    parameter (at most 16 names, compared pairwise);
//! 2. an expectation is required (a state secret, the state the app stored, or both);
//! 3. `state` must be present and non-empty;
//! 4. `state` is verified (MAC, expiry, binding; and/or constant-time equality with the stored
//!    state and its lifetime), and then consumed once from the app's single-use store (the caller
//!    does that, between the two phases here);
//! 5. only then is `error` surfaced, as `authorization_denied`, with the provider's code kept and
//!    its description cleaned (no control or bidirectional-formatting characters, bounded length);
//! 6. `session_id` must be present and match the model's `RequestUri`.
//!
//! Messages never contain the state, the secret, the session id or the provider's description.

mod form;
mod provider_text;

use std::fmt;

use crate::shapes::REQUEST_URI;
use crate::state::{self, StateError};
use form::form_decode;
use provider_text::{clean_description, is_nqschar};

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
    /// The query is longer than [`MAX_QUERY_LEN`] or has more than [`MAX_PARAMS`] parameters.
    QueryTooLarge,
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
            CallbackErrorCode::QueryTooLarge => "query_too_large",
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
            CallbackErrorCode::QueryTooLarge => "the callback query is too large",
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
        // The provider's code is a short token (RFC 6749 §4.1.2.1), cleaned on receipt; its
        // description stays in its own property, out of the message.
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
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

/// What the state is checked against: a state made by [`state::create`] with this secret and
/// binding, the exact state the app stored (with its lifetime), or both (both are checked).
#[derive(Clone, Copy, Default)]
pub struct Expectation<'a> {
    /// The app's state secret and the binding the state was made for.
    pub signed: Option<Signed<'a>>,
    /// The state the app stored.
    pub stored: Option<Stored<'a>>,
}

/// A signed-state expectation.
#[derive(Clone, Copy)]
pub struct Signed<'a> {
    /// The app's state secret (at least [`state::MIN_SECRET_LEN`] bytes).
    pub secret: &'a [u8],
    /// The binding the state was made for.
    pub binding: &'a [u8],
}

/// A stored-state expectation.
#[derive(Clone, Copy)]
pub struct Stored<'a> {
    /// The exact state.
    pub state: &'a str,
    /// When it stops being accepted (ms since the epoch): its issue time plus its lifetime.
    pub expires_at_ms: u64,
}

impl fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("signed", &self.signed.is_some())
            .field("stored", &self.stored.map(|s| s.expires_at_ms))
            .finish()
    }
}

/// Longest query accepted, in bytes (a `customState` of 4,096 characters percent-encoded, a
/// session URI and an error description fit).
pub const MAX_QUERY_LEN: usize = 16 * 1024;
/// Most parameters accepted.
pub const MAX_PARAMS: usize = 16;
/// Longest `error` code kept, in characters.
const MAX_ERROR_CODE: usize = 64;

/// The callback's parameters, decoded as `application/x-www-form-urlencoded`.
pub struct CallbackParams {
    pairs: Vec<(String, String)>,
    too_large: bool,
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

impl CallbackParams {
    /// Parses a query string (with or without the leading `?`). An oversized query is not decoded:
    /// [`check_state`](Self::check_state) refuses it first.
    pub fn parse(query: &str) -> Self {
        let query = query.strip_prefix('?').unwrap_or(query);
        let count = query.split('&').filter(|p| !p.is_empty()).count();
        if query.len() > MAX_QUERY_LEN || count > MAX_PARAMS {
            return CallbackParams {
                pairs: Vec::new(),
                too_large: true,
            };
        }
        let pairs = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (form_decode(k), form_decode(v))
            })
            .collect();
        CallbackParams {
            pairs,
            too_large: false,
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Steps 1 to 4 (but the single-use check): size and duplicates, expectation, presence and
    /// validity of `state`.
    pub fn check_state(
        &self,
        expectation: Expectation<'_>,
        now_ms: u64,
    ) -> Result<CheckedState, CallbackError> {
        if self.too_large {
            return Err(fail(CallbackErrorCode::QueryTooLarge));
        }
        // At most MAX_PARAMS names (checked above): comparing each pair is a bounded, small cost.
        let duplicated = self
            .pairs
            .iter()
            .enumerate()
            .any(|(i, (k, _))| self.pairs[i + 1..].iter().any(|(other, _)| other == k));
        if duplicated {
            return Err(fail(CallbackErrorCode::ParameterDuplicated));
        }
        if expectation.signed.is_none() && expectation.stored.is_none() {
            return Err(fail(CallbackErrorCode::ExpectationMissing));
        }
        let received = self
            .get("state")
            .filter(|s| !s.is_empty())
            .ok_or(fail(CallbackErrorCode::StateMissing))?;
        let mut checked = None;
        if let Some(stored) = expectation.stored {
            if stored.state.is_empty() || !state::equals(received, stored.state) {
                return Err(fail(CallbackErrorCode::StateMismatch));
            }
            if now_ms >= stored.expires_at_ms {
                return Err(fail(CallbackErrorCode::StateExpired));
            }
            checked = Some(CheckedState {
                state: received.to_owned(),
                nonce: state::stored_state_key(received),
                expires_at_ms: stored.expires_at_ms,
            });
        }
        if let Some(Signed { secret, binding }) = expectation.signed {
            let v = state::verify(received, secret, binding, now_ms).map_err(|e| {
                fail(match e {
                    StateError::Mismatch => CallbackErrorCode::StateMismatch,
                    StateError::Expired => CallbackErrorCode::StateExpired,
                })
            })?;
            checked = Some(CheckedState {
                state: received.to_owned(),
                nonce: v.nonce,
                expires_at_ms: v.expires_at_ms,
            });
        }
        checked.ok_or(fail(CallbackErrorCode::ExpectationMissing))
    }

    /// The end of step 4 and steps 5 and 6, once the state is verified: `consumed` is the answer
    /// of the single-use store (false: seen before); then `error`, then `session_id`.
    pub fn check_result(&self, consumed: bool) -> Result<String, CallbackError> {
        if !consumed {
            return Err(fail(CallbackErrorCode::StateReplayed));
        }
        if let Some(error) = self.get("error") {
            // RFC 6749 §4.1.2.1: `error` and `error_description` are %x20-21 / %x23-5B / %x5D-7E.
            let code: String = error
                .chars()
                .filter(|&c| is_nqschar(c) && c != ' ')
                .take(MAX_ERROR_CODE)
                .collect();
            return Err(CallbackError {
                code: CallbackErrorCode::AuthorizationDenied,
                error: Some(if code.is_empty() {
                    "unknown_error".into()
                } else {
                    code
                }),
                error_description: self.get("error_description").map(clean_description),
            });
        }
        let session = self
            .get("session_id")
            .filter(|s| !s.is_empty())
            .ok_or(fail(CallbackErrorCode::SessionIdMissing))?;
        if !REQUEST_URI.admits(session) {
            return Err(fail(CallbackErrorCode::SessionIdInvalid));
        }
        Ok(session.to_owned())
    }
}

//! Credentials: fixed ones from the configuration, or a provider's, kept until five minutes before
//! they expire. The wrapper calls the provider (concurrent calls share one provider call) when
//! the store says it is time.

use std::cell::RefCell;

use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::boundary::from_js;
use super::errors::{ErrorFactory, Kind};
use crate::sign::Credentials;

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY_MS: f64 = 5.0 * 60.0 * 1000.0;

/// `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`, as the wrapper's snapshot gives
/// them (`expiration` already in epoch milliseconds).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CredentialsIn {
    access_key_id: String,
    secret_access_key: String,
    #[serde(default)]
    session_token: Option<String>,
    #[serde(default)]
    expiration: Option<f64>,
}

impl CredentialsIn {
    /// Checks the ranges serde cannot: non-empty keys, a finite expiry.
    pub(crate) fn check(self) -> Result<(Credentials, Option<f64>), &'static str> {
        if self.access_key_id.is_empty() {
            return Err("accessKeyId: must be a non-empty string");
        }
        if self.secret_access_key.is_empty() {
            return Err("secretAccessKey: must be a non-empty string");
        }
        if self.expiration.is_some_and(|e| !e.is_finite()) {
            return Err("expiration: must be a valid date");
        }
        // Keys and tokens go into headers: printable ASCII only, never a line break.
        let printable = |s: &str| s.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if !printable(&self.access_key_id) {
            return Err("accessKeyId: must be printable ASCII without spaces");
        }
        if !printable(&self.secret_access_key) {
            return Err("secretAccessKey: must be printable ASCII without spaces");
        }
        if !self.session_token.as_deref().is_none_or(printable) {
            return Err("sessionToken: must be printable ASCII without spaces");
        }
        Ok((
            Credentials {
                access_key_id: self.access_key_id,
                secret_access_key: self.secret_access_key,
                session_token: self.session_token.filter(|t| !t.is_empty()),
            },
            self.expiration,
        ))
    }
}

/// Where credentials come from.
pub(crate) enum CredentialSource {
    /// Fixed credentials.
    Static(Credentials),
    /// The user's provider, which the wrapper calls when [`CredentialStore::needs_refresh`] says
    /// so, handing the answer to [`CredentialStore::set`].
    Provider,
}

struct Cached {
    creds: Credentials,
    expires_at_ms: Option<f64>,
}

/// A client's credentials.
pub(crate) struct CredentialStore {
    source: CredentialSource,
    cached: RefCell<Option<Cached>>,
}

impl CredentialStore {
    pub(crate) fn new(source: CredentialSource) -> Self {
        CredentialStore {
            source,
            cached: RefCell::new(None),
        }
    }

    /// Whether the provider must be asked before the next attempt at `now_ms`: there are no
    /// credentials yet, or they expire within five minutes.
    pub(crate) fn needs_refresh(&self, now_ms: f64) -> bool {
        match &self.source {
            CredentialSource::Static(_) => false,
            CredentialSource::Provider => self.cached.borrow().as_ref().is_none_or(|c| {
                c.expires_at_ms
                    .is_some_and(|exp| exp - now_ms <= REFRESH_BEFORE_EXPIRY_MS)
            }),
        }
    }

    /// Takes the provider's answer (the wrapper's snapshot of it), or refuses it with a
    /// `CredentialsProviderError`.
    pub(crate) fn set(&self, value: JsValue, errors: &ErrorFactory) -> Result<(), JsValue> {
        if let CredentialSource::Static(_) = self.source {
            return Err(errors.simple(
                Kind::Configuration,
                "the client has fixed credentials",
                None,
            ));
        }
        let (creds, expires_at_ms) = from_js::<CredentialsIn>(value)
            .map_err(|r| errors.refusal(Kind::Credentials, "credentials", &r))?
            .check()
            .map_err(|m| errors.simple(Kind::Credentials, &format!("credentials.{m}"), None))?;
        *self.cached.borrow_mut() = Some(Cached {
            creds,
            expires_at_ms,
        });
        Ok(())
    }

    /// The credentials to sign with: the fixed ones, or the provider's last answer.
    pub(crate) fn current(&self, errors: &ErrorFactory) -> Result<Credentials, JsValue> {
        match &self.source {
            CredentialSource::Static(c) => Ok(c.clone()),
            CredentialSource::Provider => {
                // Released before the error is built: `makeError` is JavaScript.
                let cached = self.cached.borrow().as_ref().map(|c| c.creds.clone());
                cached.ok_or_else(|| {
                    errors.simple(
                        Kind::Credentials,
                        "the credentials provider has not answered",
                        None,
                    )
                })
            }
        }
    }
}

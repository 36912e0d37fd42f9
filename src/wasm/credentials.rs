//! Credentials: fixed ones from the configuration, or a provider's, cached until five minutes
//! before they expire; concurrent calls share one provider call.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

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
        if !printable(&self.access_key_id)
            || !printable(&self.secret_access_key)
            || !self.session_token.as_deref().is_none_or(printable)
        {
            return Err("credentials must be printable ASCII without spaces");
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
    /// The wrapper's `resolveCredentials()`: calls the user's provider and returns a snapshot, or
    /// rejects with a `CredentialsProviderError`.
    Provider(Function),
}

struct Cached {
    creds: Credentials,
    expires_at_ms: Option<f64>,
}

/// A client's credentials.
pub(crate) struct CredentialStore {
    source: CredentialSource,
    cached: RefCell<Option<Cached>>,
    pending: RefCell<Option<Promise>>,
}

impl CredentialStore {
    pub(crate) fn new(source: CredentialSource) -> Self {
        CredentialStore {
            source,
            cached: RefCell::new(None),
            pending: RefCell::new(None),
        }
    }

    /// The fixed credentials, if the client has them.
    #[cfg(feature = "bench")]
    pub(crate) fn fixed(&self) -> Option<&Credentials> {
        match &self.source {
            CredentialSource::Static(c) => Some(c),
            CredentialSource::Provider(_) => None,
        }
    }

    /// The credentials to sign with at `now_ms`. `until_abort(promise, signal)` is the host's: a
    /// provider that never answers does not keep an aborted call waiting.
    pub(crate) async fn get(
        &self,
        now_ms: f64,
        errors: &ErrorFactory,
        until_abort: &Function,
        signal: &JsValue,
    ) -> Result<Credentials, JsValue> {
        let provider = match &self.source {
            CredentialSource::Static(c) => return Ok(c.clone()),
            CredentialSource::Provider(f) => f,
        };
        if let Some(c) = self.cached.borrow().as_ref() {
            if c.expires_at_ms
                .is_none_or(|exp| exp - now_ms > REFRESH_BEFORE_EXPIRY_MS)
            {
                return Ok(c.creds.clone());
            }
        }
        let existing = self.pending.borrow().clone();
        let promise = match existing {
            Some(p) => p,
            None => {
                let called = provider.call0(&JsValue::NULL).map_err(|e| {
                    errors.simple(
                        Kind::Credentials,
                        "the credentials provider threw",
                        Some(&e),
                    )
                })?;
                let p = Promise::resolve(&called);
                *self.pending.borrow_mut() = Some(p.clone());
                p
            }
        };
        let raced = until_abort
            .call2(&JsValue::UNDEFINED, &promise, signal)
            .map(Promise::from)
            .unwrap_or(promise);
        let result = JsFuture::from(raced).await;
        self.pending.borrow_mut().take();
        // The wrapper rejects with a typed error already.
        let value = result?;
        let (creds, expires_at_ms) = from_js::<CredentialsIn>(value)
            .map_err(|r| errors.refusal(Kind::Credentials, "credentials", &r))?
            .check()
            .map_err(|m| errors.simple(Kind::Credentials, &format!("credentials.{m}"), None))?;
        *self.cached.borrow_mut() = Some(Cached {
            creds: creds.clone(),
            expires_at_ms,
        });
        Ok(creds)
    }
}

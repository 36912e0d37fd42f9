//! The `WasmClient` class the wrapper's `AgentCoreIdentityClient` drives: the configuration, read
//! and checked once, and the steps of a call (`begin`, `attempt`, `settle`, `end`). Every argument
//! is a `JsValue` read through serde (the glue never converts an untrusted value), and every export
//! returns a value or a `Result`: none traps.

use std::cell::RefCell;

use js_sys::Reflect;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::boundary::{from_js, whole_in, Refusal};
use super::credentials::{CredentialSource, CredentialStore, CredentialsIn};
use super::errors::Kind;
use super::executor::{Client, Host};
use super::host::{factory, function};
use crate::call::ClientState;
use crate::endpoint::{resolve, resolve_region, EndpointParams};
use crate::shapes::{operation, Operation};
use crate::user_agent::{check_app_id, user_agent};

/// The client configuration, as the wrapper's snapshot gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigIn {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    use_fips_endpoint: Option<bool>,
    #[serde(default)]
    use_dualstack_endpoint: Option<bool>,
    #[serde(default)]
    max_attempts: Option<f64>,
    #[serde(default)]
    request_timeout_ms: Option<f64>,
    #[serde(default)]
    credentials: Option<CredentialsIn>,
    #[serde(default)]
    user_agent_app_id: Option<String>,
    #[serde(default)]
    allow_insecure_endpoint: Option<bool>,
}

/// A whole number from 1 to `max`.
fn count(v: Option<f64>, key: &str, max: u32) -> Result<Option<u32>, String> {
    match v {
        None => Ok(None),
        Some(n) if whole_in(n, 1.0, f64::from(max)).is_some() => Ok(Some(n as u32)),
        Some(_) => Err(format!("{key} must be a whole number from 1 to {max}")),
    }
}

/// A configured client. Created by the wrapper's `AgentCoreIdentityClient`.
#[wasm_bindgen]
pub struct WasmClient {
    inner: Client,
}

impl WasmClient {
    /// The operation named `name`, or the configuration error for an unknown one.
    fn operation(&self, name: &JsValue) -> Result<&'static Operation, JsValue> {
        name.as_string()
            .as_deref()
            .and_then(operation)
            .ok_or_else(|| {
                self.inner
                    .errors
                    .simple(Kind::Configuration, "unknown operation", None)
            })
    }
}

#[wasm_bindgen]
impl WasmClient {
    /// `config`: the wrapper's snapshot of the configuration. `host`: `{ fetch, init, read,
    /// makeError, credentials?, runtime? }` (`credentials`: the provider, which the wrapper calls).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, host: JsValue) -> Result<WasmClient, JsValue> {
        let errors = factory(&Reflect::get(&host, &"makeError".into()).unwrap_or_default());
        let config_error = |m: &str| errors.simple(Kind::Configuration, m, None);
        let invalid = |m: &str| config_error(&format!("Invalid Configuration: {m}"));
        let host_fn = |k: &str| {
            function(&host, k).ok_or_else(|| config_error(&format!("host.{k} must be a function")))
        };
        let host_fns = Host {
            fetch: host_fn("fetch")?,
            init: host_fn("init")?,
            read: host_fn("read")?,
        };
        let config: ConfigIn = from_js(config).map_err(|r: Refusal| {
            config_error(&format!("Invalid Configuration: {}", r.describe("config")))
        })?;
        let configured = config
            .region
            .filter(|r| !r.is_empty())
            .ok_or_else(|| config_error("Invalid Configuration: Missing Region"))?;
        // A FIPS pseudo-region (`us-east-1-fips`) is its real region with FIPS on, as in the SDK.
        let settings = resolve_region(&configured, config.use_fips_endpoint.unwrap_or(false))
            .map_err(|e| invalid(&e.to_string()))?;
        let region = settings.region;
        let endpoint = resolve(&EndpointParams {
            region: Some(&region),
            use_fips: settings.use_fips,
            use_dual_stack: config.use_dualstack_endpoint.unwrap_or(false),
            endpoint: config.endpoint.as_deref(),
        })
        .map_err(|e| config_error(&e.to_string()))?;
        if endpoint.scheme == "http"
            && !endpoint.is_loopback()
            && config.allow_insecure_endpoint != Some(true)
        {
            return Err(invalid(
                "endpoint uses http: for a host that is not loopback; use https:, or set allowInsecureEndpoint: true",
            ));
        }
        let max_attempts = count(config.max_attempts, "maxAttempts", 100)
            .map_err(|m| invalid(&m))?
            .unwrap_or(crate::retry::DEFAULT_MAX_ATTEMPTS);
        let request_timeout_ms = count(config.request_timeout_ms, "requestTimeoutMs", 3_600_000)
            .map_err(|m| invalid(&m))?;
        if let Some(app_id) = &config.user_agent_app_id {
            check_app_id(app_id).map_err(|e| invalid(&e.to_string()))?;
        }
        let runtime = Reflect::get(&host, &"runtime".into())
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_else(|| "js".into());
        let user_agent = user_agent(
            "agentcore-identity-edge",
            env!("CARGO_PKG_VERSION"),
            &runtime,
            config.user_agent_app_id.as_deref(),
        );
        let source =
            match (function(&host, "credentials"), config.credentials) {
                (Some(_), None) => CredentialSource::Provider,
                (None, Some(creds)) => {
                    let (creds, _) = creds
                        .check()
                        .map_err(|m| invalid(&format!("credentials.{m}")))?;
                    CredentialSource::Static(creds)
                }
                _ => return Err(invalid(
                    "credentials must be { accessKeyId, secretAccessKey } or a provider function",
                )),
            };
        Ok(WasmClient {
            inner: Client {
                region,
                endpoint,
                user_agent,
                max_attempts,
                request_timeout_ms,
                host: host_fns,
                errors,
                credentials: CredentialStore::new(source),
                state: RefCell::new(ClientState::default()),
                calls: RefCell::default(),
            },
        })
    }

    /// Validates, serialises and signs without sending; returns the signature. Built only with
    /// `--features bench`, for `npm run bench`.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = signOnly)]
    pub fn sign_only(&self, operation_name: JsValue, input: JsValue) -> Result<String, JsValue> {
        self.inner
            .sign_only(self.operation(&operation_name)?, input)
    }

    /// Starts a call of `operation` with `input` (plain data): validates and serialises it, and
    /// returns the call's id for `attempt`, `settle` and `end`. Throws a `ParamValidationError`.
    pub fn begin(&self, operation_name: JsValue, input: JsValue) -> Result<u32, JsValue> {
        self.inner.begin(self.operation(&operation_name)?, input)
    }

    /// Whether the credentials provider must be called (and its answer given to
    /// `setCredentials`) before the next attempt.
    #[wasm_bindgen(js_name = needsCredentials)]
    pub fn needs_credentials(&self) -> bool {
        self.inner.credentials.needs_refresh(js_sys::Date::now())
    }

    /// Takes the credentials provider's answer (the wrapper's snapshot of it).
    #[wasm_bindgen(js_name = setCredentials)]
    pub fn set_credentials(&self, value: JsValue) -> Result<(), JsValue> {
        self.inner.credentials.set(value, &self.inner.errors)
    }

    /// Signs and sends the next attempt of call `id` through the host's `fetch`; returns the
    /// promise of the settled attempt, for `settle`. `signal` is an `AbortSignal` or `undefined`.
    pub fn attempt(&self, id: JsValue, signal: JsValue) -> Result<JsValue, JsValue> {
        self.inner.attempt(self.id(&id)?, &signal)
    }

    /// What follows the settled attempt of call `id`: a number is the delay in milliseconds
    /// before the next attempt; anything else is the result. Throws the call's error.
    pub fn settle(&self, id: JsValue, settled: JsValue) -> Result<JsValue, JsValue> {
        self.inner.settle(self.id(&id)?, settled)
    }

    /// Ends call `id`: every `begin` is paired with one `end`.
    pub fn end(&self, id: JsValue) {
        if let Ok(id) = self.id(&id) {
            self.inner.end(id);
        }
    }
}

impl WasmClient {
    /// A call id as `begin` returned it.
    fn id(&self, id: &JsValue) -> Result<u32, JsValue> {
        id.as_f64()
            .and_then(|n| whole_in(n, 0.0, f64::from(u32::MAX)))
            .map(|n| n as u32)
            .ok_or_else(|| self.inner.unknown_call())
    }
}

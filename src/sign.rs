//! SigV4 for the service's requests, with the time passed in.
//!
//! Every request is a `POST` of a JSON body to a fixed path with no query, so the canonical request
//! is short and fixed in form. The signed headers are those `@smithy/signature-v4` 5.7.5 signs for
//! the AWS SDK for JavaScript v3 client (every header the client sets but the ones in
//! `ALWAYS_UNSIGNABLE_HEADERS`, `constants.js`), in canonical order:
//! `amz-sdk-invocation-id`, `amz-sdk-request`, `content-length`, `content-type`, `host`,
//! `x-amz-content-sha256` (the signer's `applyChecksum` defaults to on), `x-amz-date`,
//! `x-amz-security-token` (temporary credentials only) and `x-amz-user-agent`. The first two and the
//! last are there when [`SdkHeaders`] are given. `host` and `content-length` are signed but not in
//! [`Signed::headers`]: the host's `fetch` writes them (browsers forbid setting them), with the
//! values signed here, the authority and the body's UTF-8 length.
//!
//! This module assembles the canonical request and the string to sign; the key derivation and the
//! signature itself are `aws-sigv4`'s (`sign::v4::generate_signing_key` and
//! `calculate_signature`). The derived key is cached per date, region and service, which
//! `aws-sigv4`'s all-in-one `http_request::sign` cannot do. The tests check every signature against
//! that all-in-one signer.

use std::fmt;
use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::sign::v4;
use sha2::{Digest, Sha256};

use crate::date::amz_date;

/// The service's signing name.
pub const SIGNING_NAME: &str = "bedrock-agentcore";
/// The content type of every request body.
pub const CONTENT_TYPE: &str = "application/json";

/// AWS credentials. `Debug` shows only the access key id.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id (not secret).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// The derived signing key of the last (secret, date, region, service) used.
#[derive(Default)]
pub struct SigningKeyCache {
    entry: Option<CachedKey>,
}

struct CachedKey {
    secret: String,
    date: String,
    region: String,
    key: Vec<u8>,
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("cached", &self.entry.as_ref().map(|e| (&e.date, &e.region)))
            .finish()
    }
}

impl SigningKeyCache {
    fn key(&mut self, secret: &str, epoch_ms: i64, date: &str, region: &str) -> &[u8] {
        let hit = self
            .entry
            .as_ref()
            .is_some_and(|e| e.date == date && e.region == region && e.secret == secret);
        if !hit {
            let time = UNIX_EPOCH + Duration::from_millis(epoch_ms.max(0) as u64);
            let key = v4::generate_signing_key(secret, time, region, SIGNING_NAME);
            self.entry = Some(CachedKey {
                secret: secret.to_owned(),
                date: date.to_owned(),
                region: region.to_owned(),
                key: key.as_ref().to_vec(),
            });
        }
        match &self.entry {
            Some(e) => &e.key,
            None => &[],
        }
    }
}

/// What a signature adds to a request, and the intermediate strings for inspection.
pub struct Signed {
    /// The headers to send besides `host` (which the host's fetch sets), lower-case names.
    pub headers: Vec<(&'static str, String)>,
    /// The canonical request that was signed.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

/// What to sign. `Debug` shows the body's length only: it holds the caller's tokens.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The `host` header value (`host[:port]`).
    pub authority: &'a str,
    /// The request path, as sent.
    pub path: &'a str,
    /// The body, exactly as sent.
    pub body: &'a str,
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignableRequest")
            .field("authority", &self.authority)
            .field("path", &self.path)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// The headers the SDK's middleware adds before signing: the retry middleware's
/// `amz-sdk-invocation-id` and `amz-sdk-request`, and the user-agent middleware's
/// `x-amz-user-agent`.
#[derive(Debug, Clone, Copy)]
pub struct SdkHeaders<'a> {
    /// The call's UUID v4, the same on every attempt (`crate::retry::invocation_id`).
    pub invocation_id: &'a str,
    /// `attempt=N; max=M` (`crate::retry::RetryState::request_header`).
    pub request: &'a str,
    /// The user agent (`crate::user_agent::user_agent`).
    pub user_agent: &'a str,
}

/// Lower-case hex, as SigV4 writes digests (the `hex` crate, which `aws-sigv4` uses too), written
/// into one buffer rather than character by character.
fn hex(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    match hex::encode_to_slice(bytes, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// URI-encodes each path segment once more, as SigV4 does for every service but S3: only
/// unreserved characters stay as they are.
fn canonical_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `getCanonicalHeaders`'s value clean-up: line breaks become spaces, runs of spaces and tabs
/// one space, and one leading and one trailing space go.
fn canonical_value(v: &str) -> String {
    let clean = !v.starts_with(' ')
        && !v.ends_with(' ')
        && !crate::text::contains(v, "  ")
        && !v.bytes().any(|b| matches!(b, b'\t' | b'\r' | b'\n'));
    if clean {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len());
    let mut in_space = false;
    for c in v.chars() {
        let c = if c == '\r' || c == '\n' { ' ' } else { c };
        if c == ' ' || c == '\t' {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out);
    out.strip_suffix(' ').unwrap_or(out).to_owned()
}

/// Signs a request at `epoch_ms` for `region`, without the SDK's telemetry and user-agent headers.
pub fn sign(
    req: SignableRequest<'_>,
    creds: &Credentials,
    region: &str,
    epoch_ms: i64,
    cache: &mut SigningKeyCache,
) -> Signed {
    sign_with(req, None, creds, region, epoch_ms, cache)
}

/// Signs a request at `epoch_ms` for `region`, with the SDK's headers when `sdk` is given.
pub fn sign_with(
    req: SignableRequest<'_>,
    sdk: Option<&SdkHeaders<'_>>,
    creds: &Credentials,
    region: &str,
    epoch_ms: i64,
    cache: &mut SigningKeyCache,
) -> Signed {
    let date_time = amz_date(epoch_ms);
    let date = &date_time[..8];
    let token = creds
        .session_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let payload_hash = hex(&Sha256::digest(req.body.as_bytes()));
    let content_length = req.body.len().to_string();

    // Canonical (sorted) order. `None` values are left out.
    let sdk_value = |pick: fn(&SdkHeaders<'_>) -> String| sdk.map(pick);
    let entries: [(&'static str, Option<String>); 9] = [
        (
            crate::retry::INVOCATION_ID_HEADER,
            sdk_value(|h| canonical_value(h.invocation_id)),
        ),
        (
            crate::retry::REQUEST_HEADER,
            sdk_value(|h| canonical_value(h.request)),
        ),
        ("content-length", Some(content_length)),
        ("content-type", Some(CONTENT_TYPE.to_owned())),
        ("host", Some(req.authority.to_owned())),
        ("x-amz-content-sha256", Some(payload_hash.clone())),
        ("x-amz-date", Some(date_time.clone())),
        ("x-amz-security-token", token.map(str::to_owned)),
        (
            crate::user_agent::HEADER,
            sdk_value(|h| canonical_value(h.user_agent)),
        ),
    ];

    let mut canonical_request = String::with_capacity(512 + token.map_or(0, str::len));
    canonical_request.push_str("POST\n");
    canonical_request.push_str(&canonical_path(req.path));
    canonical_request.push_str("\n\n");
    let mut signed_headers = String::with_capacity(160);
    for (name, value) in &entries {
        let Some(value) = value else { continue };
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&payload_hash);

    let scope = format!("{date}/{region}/{SIGNING_NAME}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{date_time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = cache.key(&creds.secret_access_key, epoch_ms, date, region);
    let signature = v4::calculate_signature(key, string_to_sign.as_bytes());

    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        creds.access_key_id
    );
    let mut headers: Vec<(&'static str, String)> = entries
        .into_iter()
        .filter(|(name, _)| *name != "host" && *name != "content-length")
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect();
    headers.push(("authorization", authorization));
    Signed {
        headers,
        canonical_request,
        string_to_sign,
        signature,
    }
}

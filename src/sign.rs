//! SigV4 for the service's requests, with the time passed in.
//!
//! Every request is a `POST` of a JSON body to a fixed path with no query, so the canonical request
//! is short and fixed in form: the signed headers are `content-type`, `host`, `x-amz-date` and,
//! with temporary credentials, `x-amz-security-token`. The key derivation and the signature itself
//! are `aws-sigv4`'s (`sign::v4::generate_signing_key` and `calculate_signature`); the derived key is
//! cached per date, region and service, which `aws-sigv4`'s all-in-one `http_request::sign` cannot
//! do. The tests check every signature against that all-in-one signer.

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

/// What to sign.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The `host` header value (`host[:port]`).
    pub authority: &'a str,
    /// The request path, as sent.
    pub path: &'a str,
    /// The body, exactly as sent.
    pub body: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
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

/// Signs a request at `epoch_ms` for `region`.
pub fn sign(
    req: SignableRequest<'_>,
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

    let mut canonical_request = String::with_capacity(256 + token.map_or(0, str::len));
    canonical_request.push_str("POST\n");
    canonical_request.push_str(&canonical_path(req.path));
    canonical_request.push_str("\n\ncontent-type:");
    canonical_request.push_str(CONTENT_TYPE);
    canonical_request.push_str("\nhost:");
    canonical_request.push_str(req.authority);
    canonical_request.push_str("\nx-amz-date:");
    canonical_request.push_str(&date_time);
    let signed_headers = if let Some(token) = token {
        canonical_request.push_str("\nx-amz-security-token:");
        canonical_request.push_str(token);
        "content-type;host;x-amz-date;x-amz-security-token"
    } else {
        "content-type;host;x-amz-date"
    };
    canonical_request.push_str("\n\n");
    canonical_request.push_str(signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&hex(&Sha256::digest(req.body.as_bytes())));

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
    let mut headers = vec![
        ("content-type", CONTENT_TYPE.to_owned()),
        ("x-amz-date", date_time),
    ];
    if let Some(token) = token {
        headers.push(("x-amz-security-token", token.to_owned()));
    }
    headers.push(("authorization", authorization));
    Signed {
        headers,
        canonical_request,
        string_to_sign,
        signature,
    }
}

//! Stateless `customState` values: CSRF protection for the OAuth 2.0 callback (RFC 6749 §10.12,
//! RFC 9700 §4.7) that a stateless edge worker can verify without storage.
//!
//! A state is `base64url(version ‖ nonce ‖ expiry ‖ mac)`, 76 characters of `[A-Za-z0-9_-]`:
//! - `version`: one byte, 1;
//! - `nonce`: 16 random bytes, also the key of the single-use store;
//! - `expiry`: milliseconds since the epoch, 8 bytes big-endian;
//! - `mac`: HMAC-SHA256 with the app's secret over a domain label, the version, nonce, expiry and
//!   the binding (e.g. the user id), length-prefixed. The binding is not in the state: it cannot be
//!   read from it, only checked against it.
//!
//! Decoding is strict: no padding, no other alphabet, no non-zero trailing bits, exact length.
//! The MAC is compared in constant time and checked before the expiry, so a forged state is always
//! a mismatch, never an "expired".

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 16;
const MAC_LEN: usize = 32;
const RAW_LEN: usize = 1 + NONCE_LEN + 8 + MAC_LEN;
/// Length of an encoded state.
pub const STATE_LEN: usize = 76;
/// Shortest secret accepted, in bytes (the HMAC-SHA256 key should be at least the hash length).
pub const MIN_SECRET_LEN: usize = 32;
const DOMAIN: &[u8] = b"agentcore-identity-edge customState\0";

/// Why a state is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateError {
    /// Not a state of ours, tampered, another secret or another binding.
    Mismatch,
    /// Authentic, but past its expiry.
    Expired,
}

/// Why a state cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateError {
    /// The secret is shorter than [`MIN_SECRET_LEN`] bytes.
    WeakSecret,
    /// The lifetime is zero or overflows.
    BadTtl,
}

/// A verified state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedState {
    /// The nonce, base64url: the key for a single-use store.
    pub nonce: String,
    /// When the state expires (ms since the epoch).
    pub expires_at_ms: u64,
}

fn mac(secret: &[u8], body: &[u8], binding: &[u8]) -> [u8; MAC_LEN] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC-SHA256 accepts keys of any length");
    m.update(DOMAIN);
    m.update(body);
    m.update(&(binding.len() as u64).to_be_bytes());
    m.update(binding);
    m.finalize().into_bytes().into()
}

/// Makes a state from a random `nonce`, valid for `ttl_ms` from `now_ms`.
pub fn create(
    secret: &[u8],
    binding: &[u8],
    nonce: [u8; NONCE_LEN],
    now_ms: u64,
    ttl_ms: u64,
) -> Result<String, CreateError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(CreateError::WeakSecret);
    }
    if ttl_ms == 0 {
        return Err(CreateError::BadTtl);
    }
    let expiry = now_ms.checked_add(ttl_ms).ok_or(CreateError::BadTtl)?;
    let mut raw = Vec::with_capacity(RAW_LEN);
    raw.push(VERSION);
    raw.extend_from_slice(&nonce);
    raw.extend_from_slice(&expiry.to_be_bytes());
    let tag = mac(secret, &raw, binding);
    raw.extend_from_slice(&tag);
    Ok(URL_SAFE_NO_PAD.encode(raw))
}

/// Verifies `state` against the secret and binding at `now_ms`.
pub fn verify(
    state: &str,
    secret: &[u8],
    binding: &[u8],
    now_ms: u64,
) -> Result<VerifiedState, StateError> {
    // A short secret is refused here too: an empty or guessable key would let anyone forge states.
    if state.len() != STATE_LEN || secret.len() < MIN_SECRET_LEN {
        return Err(StateError::Mismatch);
    }
    let raw = URL_SAFE_NO_PAD
        .decode(state)
        .map_err(|_| StateError::Mismatch)?;
    if raw.len() != RAW_LEN || raw[0] != VERSION {
        return Err(StateError::Mismatch);
    }
    let (body, tag) = raw.split_at(RAW_LEN - MAC_LEN);
    let expected = mac(secret, body, binding);
    if !bool::from(expected.ct_eq(tag)) {
        return Err(StateError::Mismatch);
    }
    let mut expiry = [0u8; 8];
    expiry.copy_from_slice(&body[1 + NONCE_LEN..]);
    let expires_at_ms = u64::from_be_bytes(expiry);
    if now_ms >= expires_at_ms {
        return Err(StateError::Expired);
    }
    Ok(VerifiedState {
        nonce: URL_SAFE_NO_PAD.encode(&body[1..1 + NONCE_LEN]),
        expires_at_ms,
    })
}

/// Constant-time comparison of a received state with one the app stored.
pub fn equals(received: &str, expected: &str) -> bool {
    received.len() == expected.len() && bool::from(received.as_bytes().ct_eq(expected.as_bytes()))
}

/// The single-use key of a state the app stored itself: the base64url SHA-256 of the state, so the
/// store never holds the state.
pub fn stored_state_key(state: &str) -> String {
    use sha2::Digest;
    URL_SAFE_NO_PAD.encode(Sha256::digest(state.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NOW: u64 = 1_764_000_000_000;

    fn make(binding: &str) -> String {
        create(SECRET, binding.as_bytes(), [7; 16], NOW, 600_000).unwrap()
    }

    #[test]
    fn round_trip() {
        let s = make("alice");
        assert_eq!(s.len(), STATE_LEN);
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let v = verify(&s, SECRET, b"alice", NOW).unwrap();
        assert_eq!(v.expires_at_ms, NOW + 600_000);
        assert_eq!(v.nonce, URL_SAFE_NO_PAD.encode([7u8; 16]));
    }

    #[test]
    fn binding_is_not_readable() {
        let s = make("alice@example.com");
        let raw = URL_SAFE_NO_PAD.decode(&s).unwrap();
        assert!(!raw.windows(5).any(|w| w == b"alice"));
        assert!(!s.contains("alice"));
    }

    #[test]
    fn every_tampered_byte_is_a_mismatch() {
        let s = make("alice");
        let raw = URL_SAFE_NO_PAD.decode(&s).unwrap();
        for i in 0..raw.len() {
            for bit in [0x01u8, 0x80] {
                let mut t = raw.clone();
                t[i] ^= bit;
                let tampered = URL_SAFE_NO_PAD.encode(&t);
                assert_eq!(
                    verify(&tampered, SECRET, b"alice", NOW),
                    Err(StateError::Mismatch),
                    "byte {i} bit {bit:#x}"
                );
            }
        }
        // Even a tampered expiry far in the past is a mismatch, not "expired".
        let mut t = raw.clone();
        t[17..25].copy_from_slice(&0u64.to_be_bytes());
        assert_eq!(
            verify(&URL_SAFE_NO_PAD.encode(&t), SECRET, b"alice", NOW),
            Err(StateError::Mismatch)
        );
    }

    #[test]
    fn wrong_secret_or_binding_is_a_mismatch() {
        let s = make("alice");
        assert_eq!(
            verify(&s, b"another-secret-another-secret-xx", b"alice", NOW),
            Err(StateError::Mismatch)
        );
        assert_eq!(
            verify(&s, SECRET, b"mallory", NOW),
            Err(StateError::Mismatch)
        );
        assert_eq!(verify(&s, SECRET, b"", NOW), Err(StateError::Mismatch));
        // A state MACed with an empty key never verifies, even with that empty key.
        let mut raw = URL_SAFE_NO_PAD.decode(&s).unwrap();
        let body = raw[..RAW_LEN - MAC_LEN].to_vec();
        raw[RAW_LEN - MAC_LEN..].copy_from_slice(&mac(b"", &body, b"alice"));
        let forged = URL_SAFE_NO_PAD.encode(&raw);
        assert_eq!(
            verify(&forged, b"", b"alice", NOW),
            Err(StateError::Mismatch)
        );
        // Length prefixes keep ("ab", "") and ("a", "b")-style splits apart.
        let empty = make("");
        assert!(verify(&empty, SECRET, b"", NOW).is_ok());
        assert_eq!(
            verify(&empty, SECRET, b"\0", NOW),
            Err(StateError::Mismatch)
        );
    }

    #[test]
    fn expiry_edge() {
        let s = make("alice");
        assert!(verify(&s, SECRET, b"alice", NOW + 599_999).is_ok());
        assert_eq!(
            verify(&s, SECRET, b"alice", NOW + 600_000),
            Err(StateError::Expired)
        );
        assert_eq!(
            verify(&s, SECRET, b"alice", u64::MAX),
            Err(StateError::Expired)
        );
    }

    #[test]
    fn strict_decoding() {
        let s = make("alice");
        // The last character carries 2 unused bits: setting them gives the same bytes under a lax
        // decoder, and must be refused.
        let last = s.as_bytes()[STATE_LEN - 1];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let idx = alphabet.iter().position(|&c| c == last).unwrap();
        let mut non_canonical = s.clone().into_bytes();
        non_canonical[STATE_LEN - 1] = alphabet[idx | 1];
        if idx & 1 == 0 {
            let nc = String::from_utf8(non_canonical).unwrap();
            assert_eq!(
                verify(&nc, SECRET, b"alice", NOW),
                Err(StateError::Mismatch)
            );
        }
        for bad in [
            format!("{s}="),
            s.replace('-', "+").replace('_', "/"),
            format!(" {}", &s[1..]),
            s[..STATE_LEN - 1].to_string(),
            String::new(),
            "é".repeat(38),
        ] {
            if bad != s {
                assert_eq!(
                    verify(&bad, SECRET, b"alice", NOW),
                    Err(StateError::Mismatch),
                    "{bad:?}"
                );
            }
        }
    }

    #[test]
    fn weak_secrets_and_bad_ttls_are_refused() {
        assert_eq!(
            create(b"short", b"", [0; 16], NOW, 1),
            Err(CreateError::WeakSecret)
        );
        assert_eq!(
            create(SECRET, b"", [0; 16], NOW, 0),
            Err(CreateError::BadTtl)
        );
        assert_eq!(
            create(SECRET, b"", [0; 16], u64::MAX, 1),
            Err(CreateError::BadTtl)
        );
    }

    #[test]
    fn stored_state_comparison() {
        assert!(equals("abc", "abc"));
        assert!(!equals("abc", "abd"));
        assert!(!equals("abc", "abcd"));
        assert_eq!(stored_state_key("x").len(), 43);
        assert_ne!(stored_state_key("x"), stored_state_key("y"));
    }

    /// `raw` with its version byte set to `version` and its MAC recomputed, as a holder of the
    /// secret would make it.
    fn with_version(raw: &[u8], version: u8) -> String {
        let mut t = raw.to_vec();
        t[0] = version;
        let body = t[..RAW_LEN - MAC_LEN].to_vec();
        t[RAW_LEN - MAC_LEN..].copy_from_slice(&mac(SECRET, &body, b"alice"));
        URL_SAFE_NO_PAD.encode(&t)
    }

    #[test]
    fn another_version_with_a_valid_mac_is_a_mismatch() {
        let raw = URL_SAFE_NO_PAD.decode(make("alice")).unwrap();
        assert_eq!(raw[0], 1);
        // The re-MACed state of the current version still verifies: only the version differs.
        assert!(verify(&with_version(&raw, 1), SECRET, b"alice", NOW).is_ok());
        for version in [0u8, 2, 0x81, 0xff] {
            assert_eq!(
                verify(&with_version(&raw, version), SECRET, b"alice", NOW),
                Err(StateError::Mismatch),
                "version {version}"
            );
        }
    }

    #[test]
    fn secrets_of_exactly_the_minimum_length_are_accepted() {
        let secret = [b'k'; MIN_SECRET_LEN];
        let s = create(&secret, b"", [3; 16], NOW, 1).unwrap();
        assert!(verify(&s, &secret, b"", NOW).is_ok());
        let short = &secret[..MIN_SECRET_LEN - 1];
        assert_eq!(
            create(short, b"", [3; 16], NOW, 1),
            Err(CreateError::WeakSecret)
        );
        // A state made with the long secret never verifies under its 31-byte prefix.
        assert_eq!(verify(&s, short, b"", NOW), Err(StateError::Mismatch));
    }
}

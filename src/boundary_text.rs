//! serde's error messages, with the offending value taken out.
//!
//! serde writes `invalid type: string "secret", expected a boolean` and `unknown variant `value`,
//! expected one of ...`: the value is user data, often a secret. What remains says what was
//! expected and which kind of value came, never the value itself.

/// The kind of value named by serde's `Unexpected` text (`string "x"` is `string`).
fn kind(unexpected: &str) -> &str {
    let unexpected = unexpected.trim();
    for kind in [
        "boolean",
        "integer",
        "floating point",
        "string",
        "byte array",
        "unit value",
        "Option value",
        "newtype struct",
        "sequence",
        "map",
        "enum",
        "unit variant",
        "newtype variant",
        "tuple variant",
        "struct variant",
        "char",
    ] {
        if unexpected.starts_with(kind) {
            return match kind {
                "floating point" | "integer" => "number",
                "unit value" | "Option value" => "null or undefined",
                "sequence" => "list",
                "map" => "object",
                "byte array" => "bytes",
                other => other,
            };
        }
    }
    "value of another type"
}

/// `message` without any value it quotes (and without the `Error: ` of a JavaScript error's text).
pub fn without_values(message: &str) -> String {
    let message = message.strip_prefix("Error: ").unwrap_or(message);
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((unexpected, expected)) = crate::text::rsplit_once(rest, ", expected ") {
            return format!("expected {expected}, got a {}", kind(unexpected));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((unexpected, expected)) = crate::text::rsplit_once(rest, ", expected ") {
            return format!("expected {expected}, got another {}", kind(unexpected));
        }
    }
    // The value comes first: the last ", expected " is serde's, whatever the value holds.
    if message.starts_with("unknown variant ") {
        if let Some((_, expected)) = crate::text::rsplit_once(message, ", expected ") {
            return format!("expected {expected}");
        }
        return "not one of the allowed values".into();
    }
    if message.starts_with("invalid length ") {
        if let Some((_, expected)) = crate::text::rsplit_once(message, ", expected ") {
            return format!("expected {expected}");
        }
    }
    // `missing field`, `unknown field` and our own messages name fields, never values. Anything
    // else is replaced, since it may quote a value.
    let known = ["missing field `", "unknown field `", "nested deeper than"];
    if known.iter().any(|k| message.starts_with(k)) {
        return message.to_owned();
    }
    "not of the expected type".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Config {
        flag: bool,
        mode: Mode,
        n: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    enum Mode {
        A,
    }

    fn refusal(json: &str) -> String {
        let e = serde_json::from_str::<Config>(json).unwrap_err();
        // serde_json appends " at line 1 column N"; the wasm deserializer does not.
        let text = e.to_string();
        let text = text.split(" at line ").next().unwrap_or(&text).to_owned();
        without_values(&text)
    }

    #[test]
    fn values_never_appear() {
        let m = refusal(r#"{"flag":"SECRET-CANARY","mode":"A","n":1}"#);
        assert_eq!(m, "expected a boolean, got a string");
        let m = refusal(r#"{"flag":true,"mode":"SECRET-CANARY","n":1}"#);
        assert!(!m.contains("SECRET-CANARY"), "{m}");
        assert!(m.starts_with("expected "), "{m}");
        // A value that itself holds ", expected " does not move the split.
        let m = refusal(r#"{"flag":true,"mode":"x, expected SECRET-CANARY","n":1}"#);
        assert!(!m.contains("SECRET-CANARY"), "{m}");
        assert_eq!(m, "expected `A`");
        assert_eq!(
            without_values("must be SECRET-CANARY"),
            "not of the expected type"
        );
        let m = refusal(r#"{"flag":true,"mode":"A","n":-7}"#);
        assert!(!m.contains("-7"), "{m}");
        let m = refusal(r#"{"flag":true,"mode":"A"}"#);
        assert_eq!(m, "missing field `n`");
        assert_eq!(
            without_values("Error: missing field `n`"),
            "missing field `n`"
        );
        assert_eq!(
            without_values("Couldn't deserialize SECRET"),
            "not of the expected type"
        );
    }
}

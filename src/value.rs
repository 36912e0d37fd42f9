//! The JSON data model, read and written through serde.
//!
//! Every value that crosses from JavaScript (an operation's input, a reply body that the host's
//! `JSON.parse` read) is deserialized into [`Value`] with serde-wasm-bindgen; natively the same type
//! comes from serde_json, so the core is tested with the code that runs in wasm. Deserialization is
//! depth-limited: a cyclic or hostile value is refused, never walked without end (wasm32 has no guard
//! page: deep recursion would overwrite the heap, not trap).
//!
//! `Debug` shows the shape but never string contents: values carry tokens and secrets.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Deepest nesting accepted; the model's deepest shape is four levels.
pub const MAX_DEPTH: usize = 32;

/// A JSON value. Objects keep their members in source order (duplicate keys kept; lookups take the
/// first, as the members are read in order and JavaScript objects cannot hold duplicates).
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// `null` (and `undefined` from JavaScript).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members, in order.
    Object(Vec<(String, Value)>),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => match integer_text(*n) {
                Some(t) => f.write_str(&t),
                None => f.write_str("<number>"),
            },
            Value::String(s) => write!(f, "<string of {} chars>", s.chars().count()),
            Value::Array(items) => f.debug_list().entries(items).finish(),
            Value::Object(members) => f
                .debug_map()
                .entries(members.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

impl Value {
    /// The JSON type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "list",
            Value::Object(_) => "object",
        }
    }

    /// The member `key` of an object (`None` for other values).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// `true` for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Reads one value at a given depth.
struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor { depth: self.depth })
    }
}

impl ValueVisitor {
    /// An array or object at `depth` (the outermost at 0): at most [`MAX_DEPTH`] levels of them.
    fn enter<E: de::Error>(&self) -> Result<usize, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format_args!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(self.depth + 1)
    }
}

struct ValueVisitor {
    depth: usize,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON data (null, a boolean, a number, a string, an array or a plain object)")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Seed { depth: self.depth }.deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(v) = seq.next_element_seed(Seed { depth })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { depth })?;
            members.push((key, value));
        }
        Ok(Value::Object(members))
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Seed { depth: 0 }.deserialize(d)
    }
}

/// Largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `n` is a whole number that JavaScript holds exactly.
pub fn is_safe_integer(n: f64) -> bool {
    n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER
}

/// A whole number as JavaScript's `String(n)` writes it; `None` for other numbers.
pub fn integer_text(n: f64) -> Option<String> {
    is_safe_integer(n).then(|| (n as i64).to_string())
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            // Whole numbers are written as integers, as `JSON.stringify` writes them.
            Value::Number(n) if is_safe_integer(*n) => s.serialize_i64(*n as i64),
            Value::Number(n) => s.serialize_f64(*n),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_json() {
        let v: Value =
            serde_json::from_str(r#"{"a":[1,2.5,"x",null,true],"b":{"c":"d"},"a":0}"#).unwrap();
        assert_eq!(v.get("a").map(Value::type_name), Some("list"));
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a":[1,2.5,"x",null,true],"b":{"c":"d"},"a":0}"#
        );
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = serde_json::from_str::<Value>(&deep).unwrap_err();
        assert!(e.to_string().contains("nested deeper"), "{e}");
        // 32 levels, the innermost holding a scalar, as the wrapper's plain-data copy allows.
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(serde_json::from_str::<Value>(&ok).is_ok());
        let objects = format!("{}1{}", r#"{"a":"#.repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(serde_json::from_str::<Value>(&objects).is_ok());
        let deeper = format!(
            "{}1{}",
            r#"{"a":"#.repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(serde_json::from_str::<Value>(&deeper).is_err());
    }

    #[test]
    fn debug_hides_strings() {
        let v = Value::Object(vec![("token".into(), Value::String("SECRET".into()))]);
        assert!(!format!("{v:?}").contains("SECRET"));
    }
}

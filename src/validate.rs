//! Input validation against the model, and the request body it produces.
//!
//! The input arrives as a [`Value`] (deserialized with serde from the caller's JavaScript object).
//! Every violation is collected (not just the first), each with the path of the offending field
//! (`scopes[1]`, `customParameters["bad key!"]`, `userIdentifier.userId`). Messages name the
//! constraint and never the value, since many values are tokens. A valid input gives a [`Body`]:
//! its modeled members in model order, which serde writes.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::shapes::{Member, Shape, StringShape, StructShape};
use crate::value::{is_safe_integer, Value};

/// One violated constraint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// Where: `scopes[1]`, `customParameters["bad key!"]`, or `""` for the input itself.
    pub path: String,
    /// What is wrong, without the value.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Longest map key quoted in a path; longer keys are cut with an ellipsis.
const MAX_KEY_IN_PATH: usize = 64;

/// Checks `value` against `shape`; on success returns the request body to write: the input's
/// members in model order, `null`s dropped.
pub fn validate_input<'a>(
    shape: &'static StructShape,
    value: &'a Value,
) -> Result<Body<'a>, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut path = String::new();
    check_struct(shape, value, &mut path, &mut issues);
    if issues.is_empty() {
        Ok(Body { shape, value })
    } else {
        Err(issues)
    }
}

fn issue(issues: &mut Vec<Issue>, path: &str, message: String) {
    issues.push(Issue {
        path: path.to_owned(),
        message,
    });
}

fn check_struct(
    shape: &'static StructShape,
    value: &Value,
    path: &mut String,
    issues: &mut Vec<Issue>,
) {
    let Value::Object(members) = value else {
        let what = if path.is_empty() { "input" } else { "value" };
        issue(
            issues,
            path,
            format!(
                "{what} must be an object ({}), got {}",
                shape.name,
                value.type_name()
            ),
        );
        return;
    };
    let base = path.len();
    for (key, _) in members {
        if shape.member(key).is_none() {
            push_member(path, key);
            let hint = closest_member(shape, key)
                .map(|m| format!("; did you mean {m}?"))
                .unwrap_or_default();
            issue(
                issues,
                path,
                format!("unknown member of {}{hint}", shape.name),
            );
            path.truncate(base);
        }
    }
    let mut set = Vec::new();
    for m in shape.members {
        let v = value.get(m.name).filter(|v| **v != Value::Null);
        push_member(path, m.name);
        match v {
            None if m.required => issue(issues, path, "required member is missing".into()),
            None => {}
            Some(v) => {
                set.push(m.name);
                check(m.shape, v, path, issues);
            }
        }
        path.truncate(base);
    }
    if shape.union && set.len() != 1 {
        let names: Vec<&str> = shape.members.iter().map(|m| m.name).collect();
        issue(
            issues,
            path,
            format!(
                "exactly one of {} must be set, got {}",
                crate::text::join(&names, ", "),
                set.len()
            ),
        );
    }
}

fn check(shape: Shape, value: &Value, path: &mut String, issues: &mut Vec<Issue>) {
    match shape {
        Shape::String(s) => check_string(s, value, path, issues),
        Shape::Enum(e) => match value {
            Value::String(v) if e.values.contains(&v.as_str()) => {}
            Value::String(_) => issue(
                issues,
                path,
                format!("must be one of {}", crate::text::join(e.values, ", ")),
            ),
            other => type_issue(issues, path, "string", other),
        },
        Shape::Boolean => {
            if !matches!(value, Value::Bool(_)) {
                type_issue(issues, path, "boolean", value);
            }
        }
        Shape::Long => match value {
            Value::Number(n) if is_safe_integer(*n) => {}
            Value::Number(_) => issue(
                issues,
                path,
                "must be a whole number from -(2^53 - 1) to 2^53 - 1".into(),
            ),
            other => type_issue(issues, path, "number", other),
        },
        Shape::List(list) => {
            let Value::Array(items) = value else {
                return type_issue(issues, path, "list", value);
            };
            let base = path.len();
            for (i, item) in items.iter().enumerate() {
                use fmt::Write;
                let _ = write!(path, "[{i}]");
                check_string(list.member, item, path, issues);
                path.truncate(base);
            }
        }
        Shape::Map(map) => {
            let Value::Object(entries) = value else {
                return type_issue(issues, path, "map (object)", value);
            };
            let base = path.len();
            for (key, v) in entries {
                push_key(path, key);
                check_string_as(map.key, &Value::String(key.clone()), "key ", path, issues);
                check_string(map.value, v, path, issues);
                path.truncate(base);
            }
        }
        Shape::Structure(s) => check_struct(s, value, path, issues),
    }
}

fn type_issue(issues: &mut Vec<Issue>, path: &str, expected: &str, got: &Value) {
    issue(
        issues,
        path,
        format!("expected a {expected}, got {}", got.type_name()),
    );
}

fn check_string(shape: &StringShape, value: &Value, path: &str, issues: &mut Vec<Issue>) {
    check_string_as(shape, value, "", path, issues);
}

/// Checks a string; `what` prefixes the messages (`"key "` for map keys).
fn check_string_as(
    shape: &StringShape,
    value: &Value,
    what: &str,
    path: &str,
    issues: &mut Vec<Issue>,
) {
    let Value::String(s) = value else {
        return type_issue(issues, path, "string", value);
    };
    let len = s.chars().count();
    if let Some(min) = shape.min.filter(|&min| len < min) {
        issue(
            issues,
            path,
            format!(
                "{what}length {len} is below the minimum of {min} ({})",
                shape.name
            ),
        );
    }
    if let Some(max) = shape.max.filter(|&max| len > max) {
        issue(
            issues,
            path,
            format!(
                "{what}length {len} is above the maximum of {max} ({})",
                shape.name
            ),
        );
    }
    if let Some(p) = shape.pattern.filter(|p| len > 0 && !p.matches(s)) {
        issue(
            issues,
            path,
            format!(
                "{what}must match the pattern {} ({})",
                p.source(),
                shape.name
            ),
        );
    }
}

fn push_member(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// `["key"]`, JSON-quoted so that any key reads unambiguously; very long keys are cut.
fn push_key(path: &mut String, key: &str) {
    let shown = match key.char_indices().nth(MAX_KEY_IN_PATH) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_owned(),
    };
    path.push_str("[\"");
    for c in shown.chars() {
        match c {
            '"' => path.push_str("\\\""),
            '\\' => path.push_str("\\\\"),
            c if c.is_control() => path.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => path.push(c),
        }
    }
    path.push_str("\"]");
}

/// The member whose name is within two edits of `key`, for "did you mean".
fn closest_member(shape: &StructShape, key: &str) -> Option<&'static str> {
    shape
        .members
        .iter()
        .map(|m| (edit_distance(m.name, key), m.name))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, name)| name)
}

/// Optimal string alignment distance (adjacent transpositions count as one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().take(a.len() + 3).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * w + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// A structure's modeled members, in model order, `null` members and unknown ones left out; nested
/// structures likewise. The request body, and the members of a result: for a union read from a
/// reply, `$unknown` instead (see [`Body::unknown`]; a validated input never has one).
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    pub(crate) shape: &'static StructShape,
    pub(crate) value: &'a Value,
}

impl Body<'_> {
    /// The members written, with their values, in model order.
    pub(crate) fn members(&self) -> impl Iterator<Item = (&'static Member, &Value)> + '_ {
        self.shape.members.iter().filter_map(|m| {
            self.value
                .get(m.name)
                .filter(|v| !v.is_null())
                .map(|v| (m, v))
        })
    }

    /// A union member the model does not know, as the AWS SDK reads it (`UnionSerde`): no modeled
    /// member set, and exactly one other key (`__type` aside), whatever its value.
    pub(crate) fn unknown(&self) -> Option<(&str, &Value)> {
        let Value::Object(keys) = self.value else {
            return None;
        };
        if !self.shape.union || self.members().next().is_some() {
            return None;
        }
        let mut others = keys
            .iter()
            .filter(|(k, _)| k != "__type" && self.shape.member(k).is_none());
        let (name, value) = others.next()?;
        others.next().is_none().then_some((name.as_str(), value))
    }

    /// How many members [`Body::write_members`] writes.
    pub(crate) fn len(&self) -> usize {
        match self.unknown() {
            Some(_) => 1,
            None => self.members().count(),
        }
    }

    /// Writes the members into an open struct. Member names are the model's `&'static str`s, which
    /// serde-wasm-bindgen turns into JavaScript strings once and reuses.
    pub(crate) fn write_members<S: SerializeStruct>(&self, out: &mut S) -> Result<(), S::Error> {
        if let Some(unknown) = self.unknown() {
            return out.serialize_field("$unknown", &unknown);
        }
        for (m, v) in self.members() {
            match m.shape {
                Shape::Structure(shape) => {
                    out.serialize_field(m.name, &Body { shape, value: v })?
                }
                _ => out.serialize_field(m.name, v)?,
            }
        }
        Ok(())
    }
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Body", self.len())?;
        self.write_members(&mut out)?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(
            edit_distance("workloadIdentityToken", "workloadIdentityTokne"),
            1
        );
        assert_eq!(edit_distance("scopes", "scope"), 1);
        assert!(edit_distance("scopes", "audiences") > 2);
        assert_eq!(edit_distance("scopes", "sopces"), 2);
    }

    #[test]
    fn long_map_keys_are_cut_in_paths() {
        let mut p = String::from("customParameters");
        push_key(&mut p, &"k".repeat(200));
        assert_eq!(p, format!("customParameters[\"{}…\"]", "k".repeat(64)));
    }
}

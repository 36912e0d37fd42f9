//! A small JSON reader and writer.
//!
//! Requests arrive as the JSON text of the caller's input and replies as the service's JSON text, so
//! the core needs a parser that keeps borrowed slices (no copy of strings without escapes) and a
//! writer whose output matches `JSON.stringify` byte for byte. Nesting is capped so hostile input
//! cannot exhaust the stack.

use std::borrow::Cow;
use std::fmt;

/// Deepest nesting accepted; the model's deepest shape is three levels.
const MAX_DEPTH: usize = 64;

/// A parsed JSON value, borrowing from the source text where it can.
///
/// `Debug` shows the shape but never string contents: values carry tokens and secrets.
#[derive(Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its source text.
    Number(&'a str),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object's members in source order (duplicates kept; lookups take the last).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(n),
            Value::String(s) => write!(f, "<string of {} chars>", s.chars().count()),
            Value::Array(items) => f.debug_list().entries(items).finish(),
            Value::Object(members) => f
                .debug_map()
                .entries(members.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

impl<'a> Value<'a> {
    /// The JSON type name used in validation messages.
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

    /// The member `key` of an object (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string content, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Why a text is not JSON. Carries a byte offset, never the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset at which parsing stopped.
    pub offset: usize,
    /// What was wrong there.
    pub kind: ParseErrorKind,
}

/// The kinds of JSON syntax error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedCharacter,
    /// A malformed escape, or a lone UTF-16 surrogate.
    InvalidEscape,
    /// A raw control character inside a string.
    ControlCharacter,
    /// A malformed number.
    InvalidNumber,
    /// Nesting deeper than the parser accepts.
    TooDeep,
    /// Non-whitespace after the value.
    TrailingCharacters,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ParseErrorKind::UnexpectedEnd => "unexpected end of text",
            ParseErrorKind::UnexpectedCharacter => "unexpected character",
            ParseErrorKind::InvalidEscape => "invalid escape or lone surrogate",
            ParseErrorKind::ControlCharacter => "control character in string",
            ParseErrorKind::InvalidNumber => "invalid number",
            ParseErrorKind::TooDeep => "nesting too deep",
            ParseErrorKind::TrailingCharacters => "trailing characters",
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses one JSON text.
pub fn parse(text: &str) -> Result<Value<'_>, ParseError> {
    let mut p = Parser {
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error(ParseErrorKind::TrailingCharacters));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError {
            offset: self.pos,
            kind,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Result<u8, ParseError> {
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or(self.error(ParseErrorKind::UnexpectedEnd))
    }

    fn expect_literal(&mut self, literal: &str) -> Result<(), ParseError> {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(())
        } else if self.bytes.len() - self.pos < literal.len()
            && literal.as_bytes().starts_with(&self.bytes[self.pos..])
        {
            self.pos = self.bytes.len();
            Err(self.error(ParseErrorKind::UnexpectedEnd))
        } else {
            Err(self.error(ParseErrorKind::UnexpectedCharacter))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        match self.peek()? {
            b'n' => self.expect_literal("null").map(|_| Value::Null),
            b't' => self.expect_literal("true").map(|_| Value::Bool(true)),
            b'f' => self.expect_literal("false").map(|_| Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'[' => self.array(depth + 1),
            b'{' => self.object(depth + 1),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(ParseErrorKind::UnexpectedCharacter)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(ParseErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(ParseErrorKind::UnexpectedCharacter)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(ParseErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return Err(self.error(ParseErrorKind::UnexpectedCharacter));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return Err(self.error(ParseErrorKind::UnexpectedCharacter));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error(ParseErrorKind::UnexpectedCharacter)),
            }
        }
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(ParseErrorKind::InvalidNumber)),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.error(ParseErrorKind::InvalidNumber));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.error(ParseErrorKind::InvalidNumber));
            }
            self.digits();
        }
        Ok(Value::Number(&self.src[start..self.pos]))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Fast path: no escapes, borrow the slice.
        loop {
            match self.peek()? {
                b'"' => {
                    let s = &self.src[start..self.pos];
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => break,
                0..=0x1f => return Err(self.error(ParseErrorKind::ControlCharacter)),
                _ => self.pos += 1,
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.src[start..self.pos]);
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let c = match self.peek()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error(ParseErrorKind::InvalidEscape)),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                0..=0x1f => return Err(self.error(ParseErrorKind::ControlCharacter)),
                _ => {
                    // Copy one run of plain characters; `pos` stays on a char boundary because
                    // the run stops only at ASCII bytes.
                    let run_start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.src[run_start..self.pos]);
                }
            }
        }
    }

    /// Reads `XXXX` (after `\u`), and a following low surrogate escape if needed.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error(ParseErrorKind::InvalidEscape));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.error(ParseErrorKind::InvalidEscape));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or(self.error(ParseErrorKind::InvalidEscape))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek()? {
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'f' => b - b'a' + 10,
                b @ b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error(ParseErrorKind::InvalidEscape)),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }
}

/// Appends `s` as a JSON string literal, escaped exactly as `JSON.stringify` escapes it.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut run_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run_start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

/// Appends `value` as compact JSON, as `JSON.stringify` would.
pub fn write_value(out: &mut String, value: &Value<'_>) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) -> String {
        let v = parse(text).expect("valid JSON");
        let mut out = String::new();
        write_value(&mut out, &v);
        out
    }

    #[test]
    fn parses_and_writes_compactly() {
        assert_eq!(
            roundtrip(r#" { "a" : [1, -2.5e3, true, false, null], "b": {"c": "d"} } "#),
            r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"d"}}"#
        );
    }

    #[test]
    fn unescapes_and_reescapes_like_json_stringify() {
        let v = parse(r#""a\"b\\c\/d\n\u0001\ud83d\ude00é""#).unwrap();
        assert_eq!(v.as_str().unwrap(), "a\"b\\c/d\n\u{1}😀é");
        let mut out = String::new();
        write_value(&mut out, &v);
        assert_eq!(out, "\"a\\\"b\\\\c/d\\n\\u0001😀é\"");
    }

    #[test]
    fn borrows_strings_without_escapes() {
        match parse(r#""plain""#).unwrap() {
            Value::String(Cow::Borrowed(s)) => assert_eq!(s, "plain"),
            _ => panic!("expected a borrowed string"),
        }
    }

    #[test]
    fn rejects_malformed_text_with_offsets() {
        let cases: &[(&str, ParseErrorKind)] = &[
            ("", ParseErrorKind::UnexpectedEnd),
            ("{\"a\":1", ParseErrorKind::UnexpectedEnd),
            ("{\"a\" 1}", ParseErrorKind::UnexpectedCharacter),
            ("[1,]", ParseErrorKind::UnexpectedCharacter),
            ("01", ParseErrorKind::TrailingCharacters),
            ("1.", ParseErrorKind::InvalidNumber),
            ("-", ParseErrorKind::InvalidNumber),
            ("\"\\x\"", ParseErrorKind::InvalidEscape),
            ("\"\\ud800\"", ParseErrorKind::InvalidEscape),
            ("\"\\udc00\"", ParseErrorKind::InvalidEscape),
            ("\"a\u{1}\"", ParseErrorKind::ControlCharacter),
            ("tru", ParseErrorKind::UnexpectedEnd),
            ("nul!", ParseErrorKind::UnexpectedCharacter),
            ("<html>", ParseErrorKind::UnexpectedCharacter),
            ("{} x", ParseErrorKind::TrailingCharacters),
        ];
        for (text, kind) in cases {
            let err = parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} parsed"));
            assert_eq!(err.kind, *kind, "{text:?}");
        }
    }

    #[test]
    fn caps_nesting() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).unwrap_err().kind, ParseErrorKind::TooDeep);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn last_duplicate_wins_on_lookup() {
        let v = parse(r#"{"a":"1","a":"2"}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_str), Some("2"));
    }
}

//! serde helpers shared by the JSON importers: lenient scalars, field-name enums, strings that stay in the input.

use crate::builder::{Builder, INLINE_STRING_MAX};
use crate::model::{TextEncoding, Value, decode_json_string};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Declares an enum of known field names (with their aliases) and `Other`, read as a map key.
macro_rules! fields {
    ($name:ident { $($variant:ident => [$($s:literal),+]),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum $name { $($variant,)* Other }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok(match s { $($($s)|+ => $name::$variant,)* _ => $name::Other })
                    }
                }
                d.deserialize_identifier(V)
            }
        }
    };
}
pub(crate) use fields;

/// Any JSON value, read without failing on a type the caller did not expect.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Str(Cow<'de, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    Null,
    /// An array or object (skipped).
    Complex,
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
        }
        d.deserialize_any(V)
    }
}

impl Scalar<'_> {
    /// An unsigned integer from a number or a decimal string (protobuf JSON writes int64 as strings).
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Scalar::U64(v) => Some(*v),
            Scalar::I64(v) => u64::try_from(*v).ok(),
            Scalar::F64(v) if v.is_finite() && *v >= 0.0 && *v < 1.9e19 => Some(*v as u64),
            Scalar::Str(s) => {
                let s = s.trim();
                s.parse::<u64>()
                    .ok()
                    .or_else(|| s.parse::<f64>().ok().and_then(|f| Scalar::F64(f).as_u64()))
            }
            _ => None,
        }
    }

    /// A signed integer from a number or a decimal string.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::U64(v) => i64::try_from(*v).ok(),
            Scalar::I64(v) => Some(*v),
            Scalar::F64(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 => {
                Some(*v as i64)
            }
            Scalar::Str(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
    }

    /// A double from a number or a string (protobuf JSON writes `"NaN"`, `"Infinity"`).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::U64(v) => Some(*v as f64),
            Scalar::I64(v) => Some(*v as f64),
            Scalar::F64(v) => Some(*v),
            Scalar::Str(s) => match s.trim() {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                t => t.parse().ok(),
            },
            _ => None,
        }
    }

    /// A boolean from `true`/`false` or their strings.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Str(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The string, if it is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string, number or boolean; `None` for null, arrays and objects.
    pub(crate) fn literal(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::U64(v) => Some(v.to_string()),
            Scalar::I64(v) => Some(v.to_string()),
            Scalar::F64(v) => Some(v.to_string()),
            Scalar::Bool(v) => Some(v.to_string()),
            Scalar::Null | Scalar::Complex => None,
        }
    }

    /// A short description for messages: `a string "abc"`, `the number 5`, `an object`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scalar::Str(s) if s.len() > 40 => format!("a {}-byte string", s.len()),
            Scalar::Str(s) => format!("the string {s:?}"),
            Scalar::U64(v) => format!("the number {v}"),
            Scalar::I64(v) => format!("the number {v}"),
            Scalar::F64(v) => format!("the number {v}"),
            Scalar::Bool(v) => format!("{v}"),
            Scalar::Null => "null".into(),
            Scalar::Complex => "an array or object".into(),
        }
    }
}

/// Where the input buffer lies, to turn borrowed strings into byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span0 {
    base: usize,
    len: usize,
}

impl Span0 {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        Span0 {
            base: bytes.as_ptr() as usize,
            len: bytes.len(),
        }
    }

    /// The offset of `s` in the input, if it is borrowed from it.
    pub(crate) fn offset_of(&self, s: &str) -> Option<usize> {
        let p = s.as_ptr() as usize;
        (p >= self.base && p + s.len() <= self.base + self.len).then(|| p - self.base)
    }
}

/// Turns a raw JSON value into a string value: short strings are interned; long ones stay in
/// the input and decode on demand. Non-strings are kept as their JSON text.
pub(crate) fn string_value(b: &mut Builder, input: Span0, raw: &RawValue) -> Value {
    text_value(b, input, raw, false)
}

/// Like [`string_value`] for a base64 bytes value.
pub(crate) fn bytes_value(b: &mut Builder, input: Span0, raw: &RawValue) -> Value {
    text_value(b, input, raw, true)
}

fn text_value(b: &mut Builder, input: Span0, raw: &RawValue, bytes: bool) -> Value {
    let text = raw.get();
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return b.string_value(text);
    };
    let escaped = memchr::memchr(b'\\', inner.as_bytes()).is_some();
    if !bytes && inner.len() < INLINE_STRING_MAX {
        return if escaped {
            let decoded = decode_json_string(inner.as_bytes());
            b.string_value(&decoded)
        } else {
            Value::Str(b.intern(inner))
        };
    }
    let encoding = match (bytes, escaped) {
        (true, _) => TextEncoding::Base64Json,
        (false, true) => TextEncoding::JsonString,
        (false, false) => TextEncoding::Utf8,
    };
    let id = match input.offset_of(inner) {
        Some(off) => b.text_in_source(off, inner.len(), encoding),
        None => b.text_owned(inner.as_bytes().into(), encoding),
    };
    if bytes {
        Value::Bytes(id)
    } else {
        Value::Text(id)
    }
}

/// A plain (non-AnyValue) JSON scalar as a value: for lenient reading of producers that skip the wrapper.
pub(crate) fn scalar_value(b: &mut Builder, input: Span0, s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Str(Cow::Borrowed(t)) if t.len() >= INLINE_STRING_MAX => match input.offset_of(t) {
            Some(off) => Value::Text(b.text_in_source(off, t.len(), TextEncoding::Utf8)),
            None => b.string_value(t),
        },
        Scalar::Str(t) => b.string_value(t),
        Scalar::U64(v) => i64::try_from(*v).map_or(Value::Double(*v as f64), Value::Int),
        Scalar::I64(v) => Value::Int(*v),
        Scalar::F64(v) => Value::Double(*v),
        Scalar::Bool(v) => Value::Bool(*v),
        Scalar::Null | Scalar::Complex => Value::Empty,
    }
}

/// Skips leading whitespace and a UTF-8 byte-order mark.
pub(crate) fn trim_start(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    loop {
        if let Some(rest) = b.strip_prefix(b"\xEF\xBB\xBF") {
            b = rest;
        } else if let Some((first, rest)) = b.split_first()
            && first.is_ascii_whitespace()
        {
            b = rest;
        } else {
            return b;
        }
    }
}

/// Whether `key` appears as an object key (`"key"` then `:`) in `head`.
pub(crate) fn has_key(head: &[u8], key: &str) -> bool {
    let needle = format!("\"{key}\"");
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    finder.find_iter(head).any(|at| {
        head[at + needle.len()..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            == Some(&b':')
    })
}

/// The first `limit` bytes, for sniffing.
pub(crate) fn head(bytes: &[u8], limit: usize) -> &[u8] {
    &bytes[..bytes.len().min(limit)]
}

/// Splits into lines (without `\n` and a trailing `\r`), with their 1-based numbers, skipping blank ones.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            (!l.iter().all(u8::is_ascii_whitespace)).then_some((i + 1, l))
        })
}

/// JSON Lines: more than one non-blank line, and the first (or, if that one is broken, the second)
/// non-blank line is a complete JSON object by itself. A pretty-printed document fails this at once.
pub(crate) fn is_json_lines(bytes: &[u8]) -> bool {
    let mut it = lines(bytes);
    let Some((_, first)) = it.next() else {
        return false;
    };
    let Some((_, second)) = it.next() else {
        return false;
    };
    let complete = |l: &[u8]| {
        trim_start(l).first() == Some(&b'{') && serde_json::from_slice::<IgnoredAny>(l).is_ok()
    };
    complete(first) || complete(second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_detection() {
        assert!(is_json_lines(b"{\"a\":1}\n{\"a\":2}\n"));
        assert!(is_json_lines(b"{\"a\":\n{\"a\":2}\n"));
        assert!(!is_json_lines(b"{\n  \"a\": 1\n}\n"));
        assert!(!is_json_lines(b"{\"a\":1}\n\n"));
    }

    #[test]
    fn keys_must_be_keys() {
        assert!(has_key(br#"{ "resourceSpans" : []}"#, "resourceSpans"));
        assert!(!has_key(br#"{"x": "resourceSpans"}"#, "resourceSpans"));
    }

    #[test]
    fn scalars_are_lenient() {
        assert_eq!(Scalar::Str("123".into()).as_u64(), Some(123));
        assert_eq!(Scalar::F64(1.5e9).as_u64(), Some(1_500_000_000));
        assert_eq!(Scalar::I64(-1).as_u64(), None);
        assert_eq!(
            Scalar::Str("9223372036854775807".into()).as_i64(),
            Some(i64::MAX)
        );
        assert!(Scalar::Str("NaN".into()).as_f64().is_some_and(f64::is_nan));
        assert_eq!(Scalar::Str("true".into()).as_bool(), Some(true));
    }
}

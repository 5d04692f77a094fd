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
                        self.visit_bytes(s.as_bytes())
                    }
                    // Keys are matched as bytes: serde_json then skips UTF-8 validation of them.
                    fn visit_bytes<E: serde::de::Error>(self, s: &[u8]) -> Result<$name, E> {
                        $(if $(s == $s.as_bytes())||+ {
                            return Ok($name::$variant);
                        })*
                        Ok($name::Other)
                    }
                }
                d.deserialize_bytes(V)
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
            // Plain digits (timestamps) are read directly: the same value as `parse`, faster.
            Scalar::Str(s)
                if (1..=19).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit()) =>
            {
                Some(s.bytes().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
            }
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
    text_value(b, input, raw.get(), false)
}

/// Like [`string_value`] for a base64 bytes value.
pub(crate) fn bytes_value(b: &mut Builder, input: Span0, raw: &RawValue) -> Value {
    text_value(b, input, raw.get(), true)
}

/// Like [`string_value`] (`bytes` false) or [`bytes_value`] (true) for the raw JSON text of a
/// value, borrowed from the input.
pub(crate) fn text_value(b: &mut Builder, input: Span0, text: &str, bytes: bool) -> Value {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return b.string_value(text);
    };
    match (input.offset_of(inner), bytes) {
        // The usual case: the string stays where it is in the input, as a JSON literal whose
        // escapes (if any) are decoded when it is read. Not scanning it here saves a pass over
        // most of the input's bytes.
        (Some(off), false) if inner.len() <= b.limits().max_value_bytes => {
            b.source_str(off, inner.len(), true)
        }
        // Over `max_value_bytes`: cut at a character boundary (the builder warns).
        (Some(off), false) => {
            let decoded = decode_json_string(inner.as_bytes());
            let kept = b.capped(&decoded).len();
            match decoded {
                Cow::Borrowed(_) => b.source_str(off, kept, false),
                Cow::Owned(_) => b.string_value(&decoded[..kept]),
            }
        }
        (Some(off), true) => {
            Value::Bytes(b.text_in_source(off, inner.len(), TextEncoding::Base64Json))
        }
        (None, false) => {
            let decoded = decode_json_string(inner.as_bytes());
            b.string_value(&decoded)
        }
        (None, true) => {
            Value::Bytes(b.text_owned(inner.as_bytes().into(), TextEncoding::Base64Json))
        }
    }
}

/// A plain (non-AnyValue) JSON scalar as a value: for lenient reading of producers that skip the wrapper.
pub(crate) fn scalar_value(b: &mut Builder, input: Span0, s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Str(Cow::Borrowed(t)) => match input.offset_of(t) {
            Some(off) => b.source_str(off, t.len(), false),
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
    // memchr finds newlines an order of magnitude faster than a byte-by-byte split, which
    // matters for a 1 GB single-line document.
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &bytes[start..end];
            start = end + 1;
            number += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some((number, line));
            }
        }
        None
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

// ─── Shared by the Jaeger, Zipkin, OpenAI Agents, any-agent and span-events importers ───────────
//
// These formats are read a container level at a time with seeds, and each array element (a span)
// as raw JSON first: a syntax error still stops the file with its position, but a span of the
// wrong shape is skipped with a warning instead of failing everything around it.

use super::Input;
use crate::error::ImportError;
use crate::model::{Attr, line_column};
use crate::warning::WarningCode;
use serde::de::DeserializeSeed;

/// A JSON object key, borrowed from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The entries of a JSON object in their order, each value left as raw JSON.
#[derive(Debug, Default)]
pub(crate) struct RawEntries<'de>(pub(crate) Vec<(Cow<'de, str>, &'de RawValue)>);

impl<'de> de::Deserialize<'de> for RawEntries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEntries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawEntries<'de>, E> {
                Ok(RawEntries::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEntries<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Key<'de>>()? {
                    out.push((k.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawEntries(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> RawEntries<'de> {
    /// The entries of `raw` if it is an object (or `null`, which has none).
    pub(crate) fn of(raw: &'de RawValue) -> Option<Self> {
        serde_json::from_str(raw.get()).ok()
    }

    /// The value of the first of `keys` present (in the order of `keys`).
    pub(crate) fn get(&self, keys: &[&str]) -> Option<&'de RawValue> {
        keys.iter()
            .find_map(|k| self.0.iter().find(|(name, _)| name == k).map(|(_, v)| *v))
    }
}

/// The items of `raw` if it is an array (`null` has none).
pub(crate) fn raw_items(raw: &RawValue) -> Option<Vec<&RawValue>> {
    if raw.get() == "null" {
        return Some(Vec::new());
    }
    serde_json::from_str(raw.get()).ok()
}

/// A raw JSON value read as a lenient scalar (arrays and objects read as [`Scalar::Complex`]).
pub(crate) fn raw_scalar(raw: &RawValue) -> Scalar<'_> {
    serde_json::from_str(raw.get()).unwrap_or(Scalar::Complex)
}

/// A [`Scalar`] as a field of a derived struct that borrows from the input (`Option<Lax>`: `null`
/// and a missing field are both `None`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lax<'a>(pub(crate) Scalar<'a>);

impl<'de: 'a, 'a> de::Deserialize<'de> for Lax<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'a RawValue as de::Deserialize<'de>>::deserialize(d)?;
        Ok(Lax(raw_scalar(raw)))
    }
}

impl<'a> std::ops::Deref for Lax<'a> {
    type Target = Scalar<'a>;
    fn deref(&self) -> &Scalar<'a> {
        &self.0
    }
}

/// Calls a closure with each element of a JSON array as raw JSON; `null` reads as an empty array.
pub(crate) struct EachRaw<F>(pub(crate) F);

impl<'de, F: FnMut(&'de RawValue)> DeserializeSeed<'de> for EachRaw<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(&'de RawValue)> Visitor<'de> for EachRaw<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            (self.0)(raw);
        }
        Ok(())
    }
}

/// Calls a closure with each entry of a JSON object, the value as raw JSON; `null` reads as empty.
pub(crate) struct EachEntry<F>(pub(crate) F);

impl<'de, F: FnMut(Cow<'de, str>, &'de RawValue)> DeserializeSeed<'de> for EachEntry<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Cow<'de, str>, &'de RawValue)> Visitor<'de> for EachEntry<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<Key<'de>>()? {
            let v = map.next_value::<&'de RawValue>()?;
            (self.0)(k.0, v);
        }
        Ok(())
    }
}

/// Where the input is, to say where something in it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pos<'a> {
    pub(crate) span0: Span0,
    pub(crate) bytes: &'a [u8],
}

impl<'a> Pos<'a> {
    pub(crate) fn of(bytes: &'a [u8]) -> Self {
        Pos {
            span0: Span0::of(bytes),
            bytes,
        }
    }

    /// The byte offset of a string borrowed from the input (0 when it is not).
    pub(crate) fn offset(&self, s: &str) -> usize {
        self.span0.offset_of(s).unwrap_or(0)
    }

    /// `line L, column C` of a byte offset, worked out only when printed (counting lines is a
    /// scan from the start of the file: doing it for every span would make big files quadratic).
    pub(crate) fn at(&self, offset: usize) -> At<'a> {
        At { pos: *self, offset }
    }

    /// `line L, column C` of a string borrowed from the input, worked out only when printed.
    pub(crate) fn at_str(&self, s: &str) -> At<'a> {
        self.at(self.offset(s))
    }

    /// Line and column in the whole input of an error in a slice of it that starts at `start`.
    pub(crate) fn error_position(&self, start: usize, e: &serde_json::Error) -> (usize, usize) {
        let (l0, c0) = line_column(self.bytes, start);
        if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1))
        } else {
            (l0 + e.line() - 1, e.column())
        }
    }
}

/// A position in the input, printed as `line L, column C`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pos: Pos<'a>,
    offset: usize,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, c) = line_column(self.pos.bytes, self.offset);
        write!(f, "line {l}, column {c}")
    }
}

/// A span named in a message: `span `name` at line L, column C`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanAt<'n, 'a> {
    pub(crate) name: &'n str,
    pub(crate) at: At<'a>,
}

impl fmt::Display for SpanAt<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "span `{}` at {}", self.name, self.at)
    }
}

/// An element that could not be read: where it went wrong (worked out when printed) and why.
#[derive(Debug)]
pub(crate) struct ElementError<'a> {
    pos: Pos<'a>,
    start: usize,
    error: serde_json::Error,
}

impl fmt::Display for ElementError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, c) = self.pos.error_position(self.start, &self.error);
        write!(f, "line {l}, column {c}: {}", error_text(&self.error))
    }
}

/// Parses one element read as raw JSON; an error says where in the whole input it is.
pub(crate) fn parse_element<'de, 'a, T: de::Deserialize<'de>>(
    pos: Pos<'a>,
    raw: &'de RawValue,
) -> Result<T, ElementError<'a>> {
    serde_json::from_str(raw.get()).map_err(|error| ElementError {
        pos,
        start: pos.offset(raw.get()),
        error,
    })
}

/// serde_json's message without its ` at line L column C` suffix.
pub(crate) fn error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// A syntax or shape error of a whole document, with its position and what the format looks like.
pub(crate) fn document_error(
    file: &str,
    pos: Pos<'_>,
    start: usize,
    e: &serde_json::Error,
    expected: &str,
) -> ImportError {
    let (line, column) = pos.error_position(start, e);
    let text = error_text(e);
    let message = match e.classify() {
        serde_json::error::Category::Eof => {
            format!("{text}: the JSON ends early (truncated file?)")
        }
        serde_json::error::Category::Syntax => format!("{text}: invalid JSON"),
        _ => format!("{text}; expected {expected}"),
    };
    ImportError::Syntax {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// Reads a whole document (after a byte-order mark, if any) with `seed`.
pub(crate) fn parse_document<'de, S: DeserializeSeed<'de, Value = ()>>(
    input: &Input<'de>,
    seed: S,
    expected: &str,
) -> Result<(), ImportError> {
    let start = if input.bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut de = serde_json::Deserializer::from_slice(&input.bytes[start..]);
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| document_error(input.name, Pos::of(input.bytes), start, &e, expected))
}

/// Reads JSON Lines: `f` gets each non-blank line; a line it fails on is skipped with a `bad_line`
/// warning. Fails (with the first error) only when no line could be read at all.
pub(crate) fn each_json_line<'a>(
    input: &Input<'a>,
    b: &mut Builder,
    expected: &str,
    mut f: impl FnMut(&mut Builder, &'a [u8]) -> Result<(), serde_json::Error>,
) -> Result<(), ImportError> {
    let mut first_error = None;
    let mut read = 0usize;
    for (number, line) in lines(input.bytes) {
        let (line, shift) = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if number == 1 => (rest, 3),
            _ => (line, 0),
        };
        match f(b, line) {
            Ok(()) => read += 1,
            Err(e) => {
                // The position comes from the line number: no scan of the file per bad line.
                let (line_no, column) = if e.line() <= 1 {
                    (number, e.column() + shift)
                } else {
                    (number + e.line() - 1, e.column())
                };
                let message = {
                    let text = error_text(&e);
                    match e.classify() {
                        serde_json::error::Category::Eof => {
                            format!("{text}: the JSON ends early (truncated file?)")
                        }
                        serde_json::error::Category::Syntax => format!("{text}: invalid JSON"),
                        _ => format!("{text}; expected {expected}"),
                    }
                };
                if first_error.is_none() {
                    first_error = Some(ImportError::Syntax {
                        file: input.name.to_owned(),
                        line: line_no,
                        column,
                        message: message.clone(),
                    });
                }
                b.warn(WarningCode::BadLine, || {
                    format!("line {line_no}, column {column}: {message}; the line was skipped")
                });
            }
        }
    }
    match first_error {
        Some(e) if read == 0 && b.current_span_count() == 0 => Err(e),
        _ => Ok(()),
    }
}

/// Any JSON value as an attribute value: strings (long ones left in the input), numbers, booleans,
/// arrays, objects as key-value lists, `null` as empty. Integers beyond i64 keep their digits as a
/// string, so they are never rounded.
pub(crate) fn json_value(b: &mut Builder, input: Span0, raw: &RawValue) -> Value {
    json_value_at(b, input, raw, 0)
}

fn json_value_at(b: &mut Builder, input: Span0, raw: &RawValue, depth: u32) -> Value {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => string_value(b, input, raw),
        // Deeper than `max_value_depth`, arrays and objects stay JSON text.
        Some(b'[' | b'{') if depth as usize >= b.limits().max_value_depth => {
            let max = b.limits().max_value_depth;
            b.warn(WarningCode::Limit, || {
                format!("an attribute value nests arrays or objects deeper than {max} levels (max_value_depth); the deeper part was kept as JSON text")
            });
            json_text_value(b, input, raw)
        }
        Some(b'[') => {
            let items = raw_items(raw).unwrap_or_default();
            let mark = b.value_mark();
            for item in items {
                let v = json_value_at(b, input, item, depth + 1);
                b.push_value(v);
            }
            Value::Array(b.commit_values(mark))
        }
        Some(b'{') => {
            let entries = RawEntries::of(raw).unwrap_or_default();
            let mark = b.attr_mark();
            for (k, v) in entries.0 {
                let key = b.intern(&k);
                let value = json_value_at(b, input, v, depth + 1);
                b.push_attr(Attr { key, value });
            }
            Value::KvList(b.commit_attrs(mark))
        }
        _ => match raw_scalar(raw) {
            Scalar::U64(v) if i64::try_from(v).is_err() => b.string_value(text),
            Scalar::F64(_) if text.bytes().all(|c| c.is_ascii_digit() || c == b'-') => {
                b.string_value(text)
            }
            s => scalar_value(b, input, &s),
        },
    }
}

/// A JSON value kept as its JSON text (a string value stays the string itself): for message lists
/// that OpenTelemetry's GenAI conventions carry as JSON strings.
pub(crate) fn json_text_value(b: &mut Builder, input: Span0, raw: &RawValue) -> Value {
    let text = raw.get();
    if text.starts_with('"') {
        return string_value(b, input, raw);
    }
    if text.len() < INLINE_STRING_MAX {
        return Value::Str(b.intern(text));
    }
    if text.len() > b.limits().max_value_bytes {
        // Cut like a long string (the builder warns).
        return b.string_value(text);
    }
    match input.offset_of(text) {
        Some(off) => Value::Text(b.text_in_source(off, text.len(), TextEncoding::Utf8)),
        None => b.string_value(text),
    }
}

/// Pushes one attribute.
pub(crate) fn push_attr(b: &mut Builder, key: &str, value: Value) {
    let key = b.intern(key);
    b.push_attr(Attr { key, value });
}

/// Replaces a span's attributes with its old ones plus `extra` (for data that arrives after the span).
pub(crate) fn append_span_attrs(b: &mut Builder, span: usize, extra: &[Attr]) {
    if extra.is_empty() {
        return;
    }
    let old = b.set.spans[span].attrs;
    let mark = b.attr_mark();
    for i in old.as_range() {
        let a = b.set.attrs[i];
        b.push_attr(a);
    }
    for a in extra {
        b.push_attr(*a);
    }
    b.set.spans[span].attrs = b.commit_attrs(mark);
}

/// Well-known OpenTelemetry attributes whose values are numbers, for formats that write every
/// value as a string (Zipkin tags): token counts must stay numbers so that they add up. `None`
/// when the key is not one of them or the text is not a number.
pub(crate) fn typed_attr_value(key: &str, text: &str) -> Option<Value> {
    const INTS: &[&str] = &[
        "gen_ai.request.max_tokens",
        "gen_ai.request.seed",
        "gen_ai.request.choice.count",
        "gen_ai.request.top_k",
        "server.port",
        "client.port",
        "network.peer.port",
        "network.local.port",
        "source.port",
        "destination.port",
        "net.peer.port",
        "net.host.port",
        "http.status_code",
        "http.response.status_code",
        "http.request.body.size",
        "http.response.body.size",
        "http.request_content_length",
        "http.response_content_length",
        "http.request.resend_count",
        "rpc.grpc.status_code",
        "rpc.jsonrpc.error_code",
        "messaging.batch.message_count",
        "messaging.message.body.size",
        "db.response.returned_rows",
        "thread.id",
        "process.pid",
        "code.lineno",
        "code.line.number",
        "code.column",
        "code.column.number",
    ];
    const DOUBLES: &[&str] = &[
        "gen_ai.request.temperature",
        "gen_ai.request.top_p",
        "gen_ai.request.frequency_penalty",
        "gen_ai.request.presence_penalty",
    ];
    let numeric = !text.is_empty()
        && text
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !numeric {
        return None;
    }
    let counts = key.starts_with("gen_ai.usage.")
        || key.starts_with("llm.usage.")
        || key.starts_with("llm.token_count.");
    if (INTS.contains(&key) || counts)
        && let Ok(i) = text.parse::<i64>()
    {
        return Some(Value::Int(i));
    }
    if DOUBLES.contains(&key) || counts {
        return text.parse::<f64>().ok().map(Value::Double);
    }
    None
}

/// Unix nanoseconds from an RFC 3339 / ISO 8601 date-time such as `2025-08-15T17:55:57.120309+00:00`:
/// `T`, `t` or a space between date and time, any number of fraction digits (nanoseconds kept, the
/// rest cut), and `Z`, `±HH:MM`, `±HHMM` or `±HH`; without an offset the time is taken as UTC.
/// `None` for anything else and for times before 1970.
pub(crate) fn parse_rfc3339_ns(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            digits
                .iter()
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
        )
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset_secs = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                2 => (num(i + 1..i + 3)?, 0),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    let ns = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    u64::try_from(ns).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Splits decimal text into its integer digits and fraction digits (`"12.5"` → `("12", "5")`).
fn decimal_parts(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let ok = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    (!(int.is_empty() && frac.is_empty()) && ok(int) && ok(frac)).then_some((int, frac))
}

/// `int.frac × unit`, exactly, in whole units of the result (fraction digits beyond what the unit
/// can hold are cut).
fn scaled(int: &str, frac: &str, unit: u128) -> Option<u128> {
    let whole: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut total = whole.checked_mul(unit)?;
    let mut scale = unit;
    for d in frac.bytes() {
        if scale < 10 {
            break;
        }
        scale /= 10;
        total = total.checked_add(u128::from(d - b'0') * scale)?;
    }
    Some(total)
}

/// Nanoseconds from a duration with units: protobuf JSON's `"1.5s"`, `"5000ns"`, Go's `"1h2m3.5s"`;
/// units `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`. `None` for anything else (a bare number has no unit).
pub(crate) fn parse_duration_ns(s: &str) -> Option<u64> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let unit_len = rest[num_len..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len() - num_len);
        let (number, unit) = (&rest[..num_len], &rest[num_len..num_len + unit_len]);
        let unit_ns: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let (int, frac) = decimal_parts(number)?;
        total = total.checked_add(scaled(int, frac, unit_ns)?)?;
        rest = &rest[num_len + unit_len..];
    }
    u64::try_from(total).ok()
}

/// The unit of an epoch timestamp written as a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EpochUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
    /// Guessed from the size: seconds below 10¹¹ (until the year 5138), milliseconds below 10¹⁴,
    /// microseconds below 10¹⁷, nanoseconds above.
    Guess,
}

/// Unix nanoseconds from decimal text of an epoch time (`"1723744557.120309"`), exactly.
pub(crate) fn epoch_text_ns(text: &str, unit: EpochUnit) -> Option<u64> {
    let (int, frac) = decimal_parts(text.trim())?;
    let magnitude = int.trim_start_matches('0').len();
    let unit = match unit {
        EpochUnit::Guess if magnitude <= 11 => EpochUnit::Seconds,
        EpochUnit::Guess if magnitude <= 14 => EpochUnit::Millis,
        EpochUnit::Guess if magnitude <= 17 => EpochUnit::Micros,
        EpochUnit::Guess => EpochUnit::Nanos,
        u => u,
    };
    let per = match unit {
        EpochUnit::Seconds => 1_000_000_000,
        EpochUnit::Millis => 1_000_000,
        EpochUnit::Micros => 1_000,
        EpochUnit::Nanos | EpochUnit::Guess => 1,
    };
    u64::try_from(scaled(int, frac, per)?).ok()
}

/// Unix nanoseconds from a timestamp field: an RFC 3339 string, or an epoch number (or numeric
/// string) in `unit`.
pub(crate) fn time_ns(s: &Scalar<'_>, unit: EpochUnit) -> Option<u64> {
    match s {
        Scalar::Str(t) => parse_rfc3339_ns(t).or_else(|| epoch_text_ns(t, unit)),
        Scalar::U64(v) => epoch_text_ns(&v.to_string(), unit),
        Scalar::F64(v) if v.is_finite() && *v >= 0.0 => epoch_text_ns(&format!("{v}"), unit),
        _ => None,
    }
}

/// An unsigned integer from its decimal digits (ids written as big JSON numbers), never through f64.
pub(crate) fn decimal_u128(s: &str) -> Option<u128> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
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

#[cfg(test)]
mod format_helper_tests {
    use super::*;

    const DAY: u64 = 86_400 * 1_000_000_000;

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339_ns("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ns("1970-01-02T00:00:00z"), Some(DAY));
        // Fractions of any length, and offsets in every spelling.
        assert_eq!(
            parse_rfc3339_ns("2025-08-15T17:55:57.120309+00:00"),
            Some(1_755_280_557_120_309_000)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T16:46:31.639875139-05:00"),
            Some(1_485_467_191_639_875_139)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T21:46:31.639875139Z"),
            parse_rfc3339_ns("2017-01-26T16:46:31.639875139-05:00")
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26 23:46:31.6398751391234+0200"),
            Some(1_485_467_191_639_875_139)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T23:46:31+02"),
            Some(1_485_467_191_000_000_000)
        );
        // No offset: UTC.
        assert_eq!(
            parse_rfc3339_ns("2024-02-29T12:00:00.5"),
            Some(1_709_208_000_500_000_000)
        );
        for bad in [
            "",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+5",
            "2024-01-01",
            "1969-12-31T23:59:59Z",
            "2024-01-01T00:00:00Zjunk",
            "１９７０-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_agrees_with_day_counting() {
        // Every first of the month from 1970 to 2100 is the previous one plus its days.
        let mut expected = 0u64;
        for year in 1970..2100 {
            for month in 1..=12 {
                let text = format!("{year:04}-{month:02}-01T00:00:00Z");
                assert_eq!(parse_rfc3339_ns(&text), Some(expected), "{text}");
                expected += days_in_month(year, month) as u64 * DAY;
            }
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ns("5000ns"), Some(5_000));
        assert_eq!(parse_duration_ns("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration_ns("1.000340012s"), Some(1_000_340_012));
        assert_eq!(parse_duration_ns("0.000000001s"), Some(1));
        assert_eq!(parse_duration_ns("12µs"), Some(12_000));
        assert_eq!(parse_duration_ns("12us"), Some(12_000));
        assert_eq!(parse_duration_ns("2.5ms"), Some(2_500_000));
        assert_eq!(parse_duration_ns("1h2m3.5s"), Some(3_723_500_000_000));
        assert_eq!(parse_duration_ns(".5s"), Some(500_000_000));
        for bad in ["", "5000", "5 s", "-1s", "1.2.3s", "s", "1x", "1e3s"] {
            assert_eq!(parse_duration_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_numbers() {
        let want = 1_723_744_557_120_309_000;
        assert_eq!(
            epoch_text_ns("1723744557.120309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120.309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309000", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309", EpochUnit::Micros),
            Some(want)
        );
        assert_eq!(epoch_text_ns("-5", EpochUnit::Guess), None);
        assert_eq!(
            time_ns(&Scalar::U64(1_723_744_557), EpochUnit::Guess),
            Some(1_723_744_557_000_000_000)
        );
        assert_eq!(
            time_ns(
                &Scalar::Str("2024-08-15T17:55:57.120309Z".into()),
                EpochUnit::Micros
            ),
            Some(want)
        );
        assert_eq!(
            time_ns(&Scalar::F64(1.5), EpochUnit::Seconds),
            Some(1_500_000_000)
        );
    }

    #[test]
    fn decimal_ids_are_exact() {
        assert_eq!(
            decimal_u128("100927429609276267646756448943279827607"),
            Some(100_927_429_609_276_267_646_756_448_943_279_827_607)
        );
        assert_eq!(decimal_u128(&u128::MAX.to_string()), Some(u128::MAX));
        assert_eq!(
            decimal_u128("340282366920938463463374607431768211456"),
            None
        );
        assert_eq!(decimal_u128("12a"), None);
        assert_eq!(decimal_u128("-1"), None);
        assert_eq!(decimal_u128(""), None);
    }

    #[test]
    fn numeric_attributes_from_strings() {
        assert_eq!(
            typed_attr_value("gen_ai.usage.input_tokens", "612"),
            Some(Value::Int(612))
        );
        assert_eq!(
            typed_attr_value("gen_ai.usage.cost", "0.25"),
            Some(Value::Double(0.25))
        );
        assert_eq!(
            typed_attr_value("gen_ai.request.temperature", "0.2"),
            Some(Value::Double(0.2))
        );
        assert_eq!(
            typed_attr_value("server.port", "443"),
            Some(Value::Int(443))
        );
        assert_eq!(typed_attr_value("server.port", "https"), None);
        assert_eq!(typed_attr_value("http.path", "123"), None);
        assert_eq!(typed_attr_value("gen_ai.usage.input_tokens", "NaN"), None);
    }
}

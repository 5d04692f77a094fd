//! JSON values into attribute values: strings left in the input, any JSON as a value or as its
//! text, attributes pushed and appended, and numeric attributes written as strings.

use super::de::{RawEntries, Scalar, raw_items, raw_scalar};
use super::pos::InputBounds;
use crate::builder::{Builder, INLINE_STRING_MAX};
use crate::model::{Attr, TextEncoding, Value, decode_json_string};
use crate::warning::WarningCode;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Turns a raw JSON value into a string value: short strings are interned; long ones stay in
/// the input and decode on demand. Non-strings are kept as their JSON text.
pub(crate) fn string_value(b: &mut Builder, input: InputBounds, raw: &RawValue) -> Value {
    text_value(b, input, raw.get(), false)
}

/// Like [`string_value`] for a base64 bytes value.
pub(crate) fn bytes_value(b: &mut Builder, input: InputBounds, raw: &RawValue) -> Value {
    text_value(b, input, raw.get(), true)
}

/// Like [`string_value`] (`bytes` false) or [`bytes_value`] (true) for the raw JSON text of a
/// value, borrowed from the input.
pub(crate) fn text_value(b: &mut Builder, input: InputBounds, text: &str, bytes: bool) -> Value {
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
pub(crate) fn scalar_value(b: &mut Builder, input: InputBounds, s: &Scalar<'_>) -> Value {
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

/// Any JSON value as an attribute value: strings (long ones left in the input), numbers, booleans,
/// arrays, objects as key-value lists, `null` as empty. Integers beyond i64 keep their digits as a
/// string, so they are never rounded.
pub(crate) fn json_value(b: &mut Builder, input: InputBounds, raw: &RawValue) -> Value {
    json_value_at(b, input, raw, 0)
}

fn json_value_at(b: &mut Builder, input: InputBounds, raw: &RawValue, depth: u32) -> Value {
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
pub(crate) fn json_text_value(b: &mut Builder, input: InputBounds, raw: &RawValue) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;

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

//! What both readers of OTLP JSON share (the fast [`super::scan`] and the serde
//! [`super::seeds`]): the reading context, a span's fields checked once its object is read, and
//! attribute values capped by the limits.

use crate::builder::{Builder, NewSpan};
use crate::id::{IdText, SpanId, TraceId, parse_id_text};
use crate::import::common::{InputBounds, LineCol, Pos, Scalar, text_value};
use crate::intern::Sym;
use crate::model::{Attr, Range32, SpanKind, Value};
use crate::warning::WarningCode;

/// What an OTLP JSON file looks like, for messages.
pub(super) const EXPECTED: &str = "OTLP JSON (resourceSpans → scopeSpans → spans)";

pub(super) struct Ctx<'c> {
    pub(super) b: &'c mut Builder,
    pub(super) input: InputBounds,
    pub(super) bytes: &'c [u8],
    pub(super) limits: crate::import::common::Limits,
    /// Arrays and key-value lists open around the value being read.
    pub(super) depth: usize,
}

impl<'c> Ctx<'c> {
    /// `line L, column C` of a byte offset, worked out when printed.
    pub(super) fn at(&self, offset: usize) -> LineCol<'c> {
        Pos {
            bounds: self.input,
            bytes: self.bytes,
        }
        .at(offset)
    }
}

pub(super) fn count(s: &Scalar<'_>) -> u32 {
    s.as_u64()
        .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// A string field: strings as they are, numbers and booleans as their JSON text, anything else empty.
pub(super) fn interned(b: &mut Builder, s: &Scalar<'_>) -> Sym {
    match s {
        // The common case interns the borrowed text directly, with no allocation.
        Scalar::Str(t) => b.intern(t),
        other => other.literal().map_or(Sym::EMPTY, |t| b.intern(&t)),
    }
}

/// The fields of a span that are checked once the whole object is read.
#[derive(Default)]
pub(super) struct SpanParts<'x> {
    pub(super) trace_id: Option<Scalar<'x>>,
    pub(super) span_id: Option<Scalar<'x>>,
    pub(super) parent_id: Option<Scalar<'x>>,
    pub(super) start: Option<Scalar<'x>>,
    pub(super) end: Option<Scalar<'x>>,
    pub(super) kind: Option<Scalar<'x>>,
    pub(super) bad_status: Option<String>,
}

/// Reads ids, kind and times (warning about what is wrong) and adds the span.
pub(super) fn finish_span(ctx: &mut Ctx<'_>, mut s: NewSpan, p: SpanParts<'_>) {
    let SpanParts {
        trace_id,
        span_id,
        parent_id,
        start,
        end,
        kind,
        bad_status,
    } = p;
    // Position: the span id's text in the input, else the trace id's.
    let offset = [&span_id, &trace_id]
        .into_iter()
        .flatten()
        .find_map(|id| match id {
            Scalar::Str(std::borrow::Cow::Borrowed(t)) => ctx.input.offset_of(t),
            _ => None,
        })
        .unwrap_or(0);
    s.offset = offset as u64;
    let name = SpanName(s.name);
    s.trace_id = match trace_id.as_ref().map(|t| id_field::<16>(t)) {
        Some(Id::Bytes(b)) => TraceId::Bytes(b),
        Some(Id::None) | None => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::MissingField, || {
                format!(
                    "span `{name}` at {at} has no traceId; it is kept in a trace with an empty id"
                )
            });
            TraceId::Raw(Sym::EMPTY)
        }
        Some(Id::Raw(text)) => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::BadId, || {
                    format!("span `{name}` at {at}: traceId {text:?} is not 32 hex digits or base64 of 16 bytes; kept as given")
                });
            TraceId::Raw(ctx.b.intern(&text))
        }
    };
    s.span_id = match span_id.as_ref().map(|t| id_field::<8>(t)) {
        Some(Id::Bytes(b)) => SpanId::Bytes(b),
        Some(Id::None) | None => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no spanId; it is kept with an empty id")
            });
            SpanId::Raw(Sym::EMPTY)
        }
        Some(Id::Raw(text)) => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::BadId, || {
                    format!("span `{name}` at {at}: spanId {text:?} is not 16 hex digits or base64 of 8 bytes; kept as given")
                });
            SpanId::Raw(ctx.b.intern(&text))
        }
    };
    s.parent_id = match parent_id.as_ref().map(|t| id_field::<8>(t)) {
        Some(Id::Bytes(b)) => Some(SpanId::Bytes(b)),
        Some(Id::None) | None => None,
        Some(Id::Raw(text)) => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::BadId, || {
                    format!("span `{name}` at {at}: parentSpanId {text:?} is not 16 hex digits or base64 of 8 bytes; kept as given")
                });
            Some(SpanId::Raw(ctx.b.intern(&text)))
        }
    };
    s.kind = match &kind {
        None | Some(Scalar::Null) => SpanKind::Unspecified,
        Some(k) => match k
            .as_i64()
            .and_then(SpanKind::from_otlp)
            .or_else(|| k.as_str().and_then(SpanKind::from_name))
        {
            Some(kind) => kind,
            None => {
                let (at, what, name) = (ctx.at(offset), k.describe(), name.text(ctx.b));
                ctx.b.warn(WarningCode::BadValue, || {
                        format!("span `{name}` at {at}: kind is {what}, expected 0–5 or a name such as SPAN_KIND_SERVER; taken as unspecified")
                    });
                SpanKind::Unspecified
            }
        },
    };
    if let Some(what) = bad_status {
        let (at, name) = (ctx.at(offset), name.text(ctx.b));
        ctx.b.warn(WarningCode::BadValue, || {
                format!("span `{name}` at {at}: status code is {what}, expected 0–2 or STATUS_CODE_OK/ERROR/UNSET; taken as unset")
            });
    }
    s.start_unix_ns = time_field(ctx, start.as_ref(), "startTimeUnixNano", name, offset);
    s.end_unix_ns = time_field(ctx, end.as_ref(), "endTimeUnixNano", name, offset);
    ctx.b.add_span(s);
}

pub(super) fn time_field(
    ctx: &mut Ctx<'_>,
    v: Option<&Scalar<'_>>,
    field: &str,
    name: SpanName,
    offset: usize,
) -> u64 {
    match v {
        None => {
            let (at, name) = (ctx.at(offset), name.text(ctx.b));
            ctx.b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no {field}; taken as 0")
            });
            0
        }
        Some(v) => v.as_u64().unwrap_or_else(|| {
            let (at, what, name) = (ctx.at(offset), v.describe(), name.text(ctx.b));
            ctx.b.warn(WarningCode::BadValue, || {
                format!("span `{name}` at {at}: {field} is {what}, expected unix nanoseconds as a non-negative integer or string; taken as 0")
            });
            0
        }),
    }
}

/// A span's name, resolved only when a warning needs it (no allocation per span).
#[derive(Clone, Copy)]
pub(super) struct SpanName(pub(super) Sym);

impl SpanName {
    pub(super) fn text(self, b: &Builder) -> String {
        b.resolve(self.0).to_owned()
    }
}

pub(super) enum Id<const N: usize> {
    None,
    Bytes([u8; N]),
    Raw(String),
}

pub(super) fn id_field<const N: usize>(s: &Scalar<'_>) -> Id<N> {
    match s {
        Scalar::Str(t) => match parse_id_text::<N>(t) {
            IdText::Empty | IdText::Zero => Id::None,
            IdText::Bytes(b) => Id::Bytes(b),
            IdText::Other => Id::Raw(t.to_string()),
        },
        other => other.literal().map_or(Id::None, Id::Raw),
    }
}

/// An attribute list being collected: keeps the first `max_attrs_per_span` and counts the rest.
pub(super) struct AttrCollector {
    mark: usize,
    kept: usize,
    skipped: usize,
}

impl AttrCollector {
    pub(super) fn start(ctx: &Ctx<'_>) -> Self {
        AttrCollector {
            mark: ctx.b.attr_mark(),
            kept: 0,
            skipped: 0,
        }
    }

    pub(super) fn push(&mut self, ctx: &mut Ctx<'_>, kv: Option<Attr>) {
        if let Some(attr) = kv {
            if self.kept < ctx.limits.max_attrs_per_span {
                ctx.b.push_attr(attr);
                self.kept += 1;
            } else {
                self.skipped += 1;
            }
        }
    }

    pub(super) fn commit(self, ctx: &mut Ctx<'_>) -> Range32 {
        if self.skipped > 0 {
            let max = ctx.limits.max_attrs_per_span;
            let all = self.kept + self.skipped;
            ctx.b.warn(WarningCode::Limit, || {
                format!("a list of {all} attributes is over the limit of {max} (max_attrs_per_span); the first {max} were kept")
            });
        }
        ctx.b.commit_attrs(self.mark)
    }
}

/// The attribute, or `None` (with a warning) when it has no key.
pub(super) fn keyed(ctx: &mut Ctx<'_>, key: Option<Sym>, value: Value) -> Option<Attr> {
    match key {
        Some(key) => Some(Attr { key, value }),
        None => {
            ctx.b.warn(WarningCode::MissingField, || {
                "an attribute has no key; it was skipped".into()
            });
            None
        }
    }
}

/// Whether one more level of arrays or key-value lists would pass `max_value_depth` (then warns).
pub(super) fn too_deep(ctx: &mut Ctx<'_>) -> bool {
    if ctx.depth < ctx.limits.max_value_depth {
        return false;
    }
    let max = ctx.limits.max_value_depth;
    ctx.b.warn(WarningCode::Limit, || {
        format!("an attribute value nests arrays or key-value lists deeper than {max} levels (max_value_depth); the deeper part was left out")
    });
    true
}

/// A `bytesValue` (its raw JSON text), left out when over `max_value_bytes`.
pub(super) fn capped_bytes(ctx: &mut Ctx<'_>, text: &str) -> Value {
    if text.len() > ctx.limits.max_value_bytes.saturating_mul(2) {
        let (len, max) = (text.len(), ctx.limits.max_value_bytes);
        ctx.b.warn(WarningCode::Limit, || {
            format!("a bytes value of {len} base64 characters is over the limit of {max} bytes (max_value_bytes); it was left out")
        });
        Value::Empty
    } else {
        text_value(ctx.b, ctx.input, text, true)
    }
}

/// A `stringValue` (its raw JSON text), cut to `max_value_bytes` (at a character boundary) when longer.
pub(super) fn capped_string(ctx: &mut Ctx<'_>, text: &str) -> Value {
    let max = ctx.limits.max_value_bytes;
    if text.len() <= max.saturating_add(2) {
        return text_value(ctx.b, ctx.input, text, false);
    }
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return text_value(ctx.b, ctx.input, text, false);
    };
    let decoded = crate::model::decode_json_string(inner.as_bytes());
    if decoded.len() <= max {
        return ctx.b.string_value(&decoded);
    }
    let mut cut = max;
    while !decoded.is_char_boundary(cut) {
        cut -= 1;
    }
    let len = decoded.len();
    ctx.b.warn(WarningCode::Limit, || {
        format!("a string value of {len} bytes is over the limit of {max} bytes (max_value_bytes); its first {cut} bytes were kept")
    });
    match (&decoded, ctx.input.offset_of(inner)) {
        // Unescaped text lies verbatim in the input: keep pointing into it.
        (std::borrow::Cow::Borrowed(_), Some(off)) => ctx.b.source_str(off, cut, false),
        _ => ctx.b.string_value(&decoded[..cut]),
    }
}

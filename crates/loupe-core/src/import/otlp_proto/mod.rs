//! OTLP protobuf: a binary `TracesData` or `ExportTraceServiceRequest` (the two have the same wire
//! shape: field 1, repeated `ResourceSpans`), as OTLP/HTTP exporters send it and `.pb` files hold
//! it. Messages written one after another are one message (protobuf merges them, joining their
//! `ResourceSpans` lists), so such a file reads as one.
//!
//! Decoding is prost's, with the message types prost-build generated for the `opentelemetry-proto`
//! crate (vendored in [`generated`]). The top level is walked with prost's key and length decoding
//! and each `ResourceSpans` is decoded on its own, which gives the same result as decoding the
//! whole buffer as one message, but memory holds only one decoded `ResourceSpans` beside the model,
//! and a file cut short keeps the `ResourceSpans` before the cut (with a `truncated` warning).
//!
//! Every field lands in the model as the OTLP JSON importer puts it: ids of 16 and 8 bytes (other
//! lengths are kept as their lowercase hex text with a `bad_id` warning; an empty or all-zero parent
//! means a root), kind, status, times, attributes of every AnyValue kind (nested arrays and kvlists,
//! bytes), events, links, resource (with its `service.name`), scope, trace state, flags, dropped
//! counts and schema URLs. Strings of [`INLINE_STRING_MAX`] bytes or more are stored as texts.
//!
//! Protobuf has no lines: a position is line 1 and column = byte offset + 1. A span's origin is the
//! offset of its `span_id` field, found by searching its `ResourceSpans` in order, or else the
//! offset of the `ResourceSpans`.
//!
//! Not representable: protobuf cannot tell a field set to its default from a missing one, so a start
//! or end time of 0 is reported as missing; strings that are not valid UTF-8 are a decode error
//! (prost's `String` fields require UTF-8), which loses the `ResourceSpans` holding them.

#[path = "gen/mod.rs"]
pub mod generated;

use crate::builder::{Builder, INLINE_STRING_MAX, NewSpan};
use crate::error::ImportError;
use crate::id::{SpanId, TraceId};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{
    Attr, Event, Link, Range32, Resource, ResourceIx, Scope, ScopeIx, SpanKind, StatusCode,
    TextEncoding, Value,
};
use crate::warning::WarningCode;
use generated::opentelemetry::proto::common::v1::{AnyValue, KeyValue, any_value};
use generated::opentelemetry::proto::trace::v1::{ResourceSpans, Span as PbSpan};
use prost::Message;
// prost's own key, varint and skip functions (the ones its derived decoders call), to walk the
// top level one ResourceSpans at a time.
use prost::encoding::{DecodeContext, WireType, decode_key, decode_varint, skip_field};

/// The OTLP protobuf importer.
#[derive(Debug, Clone, Copy)]
pub struct OtlpProto;

/// What a broken file was expected to be, for error messages.
const EXPECTED: &str = "expected an OTLP protobuf TracesData / ExportTraceServiceRequest message";

/// How much of the input the text check looks at.
const SNIFF_WINDOW: usize = 4096;

impl Importer for OtlpProto {
    fn is_text(&self) -> bool {
        false
    }

    fn format(&self) -> &'static str {
        "otlp-proto"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        sniff(bytes)
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        // About 1 KB per span in typical agent traces: reserve once instead of regrowing.
        b.reserve_spans(input.bytes.len() / 1000);
        let total = input.bytes.len();
        let error = |at: usize, what: String| ImportError::Syntax {
            file: input.name.to_owned(),
            line: 1,
            column: at + 1,
            message: format!("{what}; {EXPECTED}"),
        };
        let mut rest = input.bytes;
        while !rest.is_empty() {
            let at = total - rest.len();
            let (tag, wire) = decode_key(&mut rest)
                .map_err(|e| error(at, format!("no field key at byte {at}: {}", reason(&e))))?;
            if tag != 1 {
                // An unknown top-level field: skipped, as protobuf readers do.
                skip_field(wire, tag, &mut rest, DecodeContext::default()).map_err(|e| {
                    error(
                        at,
                        format!("field {tag} at byte {at} cannot be skipped: {}", reason(&e)),
                    )
                })?;
                continue;
            }
            if wire != WireType::LengthDelimited {
                return Err(error(
                    at,
                    format!(
                        "field 1 (resource_spans) at byte {at} has wire type {wire:?}, not length-delimited"
                    ),
                ));
            }
            let len = decode_varint(&mut rest).map_err(|e| {
                error(
                    at,
                    format!(
                        "the length of the ResourceSpans at byte {at} is unreadable: {}",
                        reason(&e)
                    ),
                )
            })?;
            if len > rest.len() as u64 {
                return Err(error(
                    at,
                    format!(
                        "the ResourceSpans at byte {at} declares {len} bytes but only {} remain: the file is truncated",
                        rest.len()
                    ),
                ));
            }
            let body_at = total - rest.len();
            let (body, after) = rest.split_at(len as usize);
            rest = after;
            let rs = ResourceSpans::decode(body).map_err(|e| {
                error(
                    at,
                    format!(
                        "the ResourceSpans at byte {at} ({len} bytes) does not decode: {}",
                        reason(&e)
                    ),
                )
            })?;
            let mut ctx = Ctx {
                b: &mut *b,
                bytes: input.bytes,
                cursor: body_at,
                end: body_at + body.len(),
                searching: true,
                depth: 0,
            };
            ctx.resource_spans(rs, at);
        }
        Ok(())
    }
}

/// prost's message without its fixed prefix.
fn reason(e: &prost::DecodeError) -> String {
    let text = e.to_string();
    match text.strip_prefix("failed to decode Protobuf message: ") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// Recognises OTLP protobuf by content: the first byte is 0x0a (field 1, length-delimited), its
/// length is a varint, the bytes are not text, and the length fits the data (or, in a file cut
/// short, what follows starts like a `ResourceSpans`, so the import can say it is truncated).
pub(crate) fn sniff(bytes: &[u8]) -> Result<(), String> {
    let Some(&first) = bytes.first() else {
        return Err("no data".into());
    };
    // 0x0a is also a line feed, and the length after it may be 91 (`[`) or 123 (`{`): after a
    // leading 0x0a, a bracket means JSON only if the rest reads as text too.
    let text = first != 0x0a || looks_like_text(&bytes[..bytes.len().min(SNIFF_WINDOW)]);
    if text
        && let Some(c @ (b'{' | b'[')) = bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
    {
        return Err(format!(
            "starts with `{}`: JSON, not binary protobuf",
            c as char
        ));
    }
    if first != 0x0a {
        return Err(format!(
            "the first byte is 0x{first:02x}, not 0x0a (field 1, resource_spans, length-delimited)"
        ));
    }
    if text {
        return Err("the content is text, not binary protobuf".into());
    }
    let mut rest = &bytes[1..];
    let len = decode_varint(&mut rest)
        .map_err(|_| "the length after the first byte is not a valid varint".to_owned())?;
    if len <= rest.len() as u64 {
        return Ok(());
    }
    // Cut short: accept if a ResourceSpans field (1 resource, 2 scope_spans, 3 schema_url; all
    // length-delimited) follows, so the import reports where the data ends.
    match rest.first() {
        Some(0x0a | 0x12 | 0x1a) => Ok(()),
        _ => Err(format!(
            "the first field declares {len} bytes but only {} follow",
            rest.len()
        )),
    }
}

/// Whether `window` reads as text: UTF-8 (a character cut at the end of the window allowed) with no
/// control characters but tab, line feed, form feed and carriage return.
fn looks_like_text(window: &[u8]) -> bool {
    let valid = match std::str::from_utf8(window) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&window[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\x0c' | '\r'))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// What an id field held.
enum Id<const N: usize> {
    /// Empty, or N zero bytes.
    None,
    /// N bytes.
    Bytes([u8; N]),
    /// Another length.
    Other,
}

fn id<const N: usize>(bytes: &[u8]) -> Id<N> {
    if bytes.is_empty() {
        return Id::None;
    }
    match <[u8; N]>::try_from(bytes) {
        Ok(b) if b.iter().all(|&x| x == 0) => Id::None,
        Ok(b) => Id::Bytes(b),
        Err(_) => Id::Other,
    }
}

struct Ctx<'c> {
    b: &'c mut Builder,
    bytes: &'c [u8],
    /// Where the search for the next span id starts.
    cursor: usize,
    /// End of the current `ResourceSpans`.
    end: usize,
    /// False once a span id was not found, so a strange file cannot make the search quadratic.
    searching: bool,
    /// Nesting of the array or key-value list being read (bounded by `max_value_depth`).
    depth: usize,
}

impl Ctx<'_> {
    fn resource_spans(&mut self, rs: ResourceSpans, at: usize) {
        let ResourceSpans {
            resource,
            scope_spans,
            schema_url,
        } = rs;
        let mut res = Resource::default();
        if let Some(r) = resource {
            res.attrs = self.attrs(r.attributes);
            res.dropped_attrs = r.dropped_attributes_count;
            res.service_name = self.b.service_name_of(res.attrs);
        }
        res.schema_url = self.b.intern(&schema_url);
        let resource = self.b.add_resource(res);
        for ss in scope_spans {
            let mut scope = Scope::default();
            if let Some(s) = ss.scope {
                scope.name = self.b.intern(&s.name);
                scope.version = self.b.intern(&s.version);
                scope.attrs = self.attrs(s.attributes);
                scope.dropped_attrs = s.dropped_attributes_count;
            }
            scope.schema_url = self.b.intern(&ss.schema_url);
            let scope = self.b.add_scope(scope);
            for span in ss.spans {
                self.span(span, resource, scope, at);
            }
        }
    }

    /// The offset of a span's `span_id` field (key 0x12, length, bytes), searched from the previous one.
    fn locate(&mut self, span_id: &[u8]) -> Option<usize> {
        if !self.searching || span_id.is_empty() || span_id.len() >= 0x80 {
            return None;
        }
        let mut needle = Vec::with_capacity(span_id.len() + 2);
        needle.extend_from_slice(&[0x12, span_id.len() as u8]);
        needle.extend_from_slice(span_id);
        match memchr::memmem::find(&self.bytes[self.cursor..self.end], &needle) {
            Some(pos) => {
                let offset = self.cursor + pos;
                self.cursor = offset + needle.len();
                Some(offset)
            }
            None => {
                self.searching = false;
                None
            }
        }
    }

    fn warn_span(
        &mut self,
        code: WarningCode,
        name: Sym,
        offset: usize,
        what: impl FnOnce() -> String,
    ) {
        let name = self.b.resolve(name).to_owned();
        self.b.warn(code, || {
            format!("span `{name}` at byte {offset}: {}", what())
        });
    }

    fn span(&mut self, sp: PbSpan, resource: ResourceIx, scope: ScopeIx, rs_at: usize) {
        let PbSpan {
            trace_id,
            span_id,
            trace_state,
            parent_span_id,
            flags,
            name,
            kind,
            start_time_unix_nano,
            end_time_unix_nano,
            attributes,
            dropped_attributes_count,
            events,
            dropped_events_count,
            links,
            dropped_links_count,
            status,
        } = sp;
        let name = self.b.intern(&name);
        let offset = self.locate(&span_id).unwrap_or(rs_at);
        let mut s = NewSpan::new(TraceId::Raw(Sym::EMPTY), SpanId::Raw(Sym::EMPTY), name);
        s.resource = resource;
        s.scope = scope;
        s.offset = offset as u64;
        s.trace_id = match id::<16>(&trace_id) {
            Id::Bytes(b) => TraceId::Bytes(b),
            Id::None => {
                self.warn_span(WarningCode::MissingField, name, offset, || {
                    "it has no trace_id (empty or all zero); it is kept in a trace with an empty id"
                        .into()
                });
                TraceId::Raw(Sym::EMPTY)
            }
            Id::Other => {
                let text = hex(&trace_id);
                self.warn_span(WarningCode::BadId, name, offset, || {
                    format!(
                        "trace_id {text} is {} bytes, not 16; kept as that hex text",
                        trace_id.len()
                    )
                });
                TraceId::Raw(self.b.intern(&text))
            }
        };
        s.span_id = match id::<8>(&span_id) {
            Id::Bytes(b) => SpanId::Bytes(b),
            Id::None => {
                self.warn_span(WarningCode::MissingField, name, offset, || {
                    "it has no span_id (empty or all zero); it is kept with an empty id".into()
                });
                SpanId::Raw(Sym::EMPTY)
            }
            Id::Other => {
                let text = hex(&span_id);
                self.warn_span(WarningCode::BadId, name, offset, || {
                    format!(
                        "span_id {text} is {} bytes, not 8; kept as that hex text",
                        span_id.len()
                    )
                });
                SpanId::Raw(self.b.intern(&text))
            }
        };
        s.parent_id = match id::<8>(&parent_span_id) {
            Id::Bytes(b) => Some(SpanId::Bytes(b)),
            Id::None => None,
            Id::Other => {
                let text = hex(&parent_span_id);
                self.warn_span(WarningCode::BadId, name, offset, || {
                    format!(
                        "parent_span_id {text} is {} bytes, not 8; kept as that hex text",
                        parent_span_id.len()
                    )
                });
                Some(SpanId::Raw(self.b.intern(&text)))
            }
        };
        s.trace_state = self.b.intern(&trace_state);
        s.flags = flags;
        s.kind = SpanKind::from_otlp(i64::from(kind)).unwrap_or_else(|| {
            self.warn_span(WarningCode::BadValue, name, offset, || {
                format!("kind is {kind}, expected 0–5; taken as unspecified")
            });
            SpanKind::Unspecified
        });
        if let Some(st) = status {
            s.status = StatusCode::from_otlp(i64::from(st.code)).unwrap_or_else(|| {
                self.warn_span(WarningCode::BadValue, name, offset, || {
                    format!("status code is {}, expected 0–2; taken as unset", st.code)
                });
                StatusCode::Unset
            });
            s.status_message = self.b.intern(&st.message);
        }
        for (field, value) in [
            ("start_time_unix_nano", start_time_unix_nano),
            ("end_time_unix_nano", end_time_unix_nano),
        ] {
            if value == 0 {
                self.warn_span(WarningCode::MissingField, name, offset, || {
                    format!("it has no {field} (0); taken as 0")
                });
            }
        }
        s.start_unix_ns = start_time_unix_nano;
        s.end_unix_ns = end_time_unix_nano;
        s.attrs = self.attrs(attributes);
        s.dropped = [
            dropped_attributes_count,
            dropped_events_count,
            dropped_links_count,
        ];
        let mark = self.b.event_mark();
        for e in events {
            let attrs = self.attrs(e.attributes);
            let name = self.b.intern(&e.name);
            self.b.push_event(Event {
                time_unix_ns: e.time_unix_nano,
                name,
                attrs,
                dropped_attrs: e.dropped_attributes_count,
            });
        }
        s.events = self.b.commit_events(mark);
        let mark = self.b.link_mark();
        for l in links {
            let trace_id = match id::<16>(&l.trace_id) {
                Id::Bytes(b) => TraceId::Bytes(b),
                Id::None => TraceId::Raw(Sym::EMPTY),
                Id::Other => TraceId::Raw(self.b.intern(&hex(&l.trace_id))),
            };
            let span_id = match id::<8>(&l.span_id) {
                Id::Bytes(b) => SpanId::Bytes(b),
                Id::None => SpanId::Raw(Sym::EMPTY),
                Id::Other => SpanId::Raw(self.b.intern(&hex(&l.span_id))),
            };
            let trace_state = self.b.intern(&l.trace_state);
            let attrs = self.attrs(l.attributes);
            self.b.push_link(Link {
                trace_id,
                span_id,
                trace_state,
                attrs,
                flags: l.flags,
                dropped_attrs: l.dropped_attributes_count,
            });
        }
        s.links = self.b.commit_links(mark);
        self.b.add_span(s);
    }

    /// A list of key-value pairs, stored contiguously (nested lists land before it).
    fn attrs(&mut self, kvs: Vec<KeyValue>) -> Range32 {
        let mark = self.b.attr_mark();
        for kv in kvs {
            let key = self.b.intern(&kv.key);
            let value = self.value(kv.value);
            self.b.push_attr(Attr { key, value });
        }
        self.b.commit_attrs(mark)
    }

    /// An AnyValue. Nesting is bounded by prost's recursion limit (100 messages) and by
    /// `max_value_depth`; strings and bytes by `max_value_bytes` (the builder cuts strings).
    fn value(&mut self, v: Option<AnyValue>) -> Value {
        match v.and_then(|v| v.value) {
            None => Value::Empty,
            Some(any_value::Value::StringValue(mut s)) => {
                let keep = self.b.capped(&s).len();
                s.truncate(keep);
                if s.len() < INLINE_STRING_MAX {
                    Value::Str(self.b.intern(&s))
                } else {
                    Value::Text(
                        self.b
                            .text_owned(s.into_bytes().into_boxed_slice(), TextEncoding::Utf8),
                    )
                }
            }
            Some(any_value::Value::BoolValue(b)) => Value::Bool(b),
            Some(any_value::Value::IntValue(i)) => Value::Int(i),
            Some(any_value::Value::DoubleValue(d)) => Value::Double(d),
            Some(any_value::Value::BytesValue(bytes)) => {
                let max = self.b.limits().max_value_bytes;
                if bytes.len() > max {
                    let len = bytes.len();
                    self.b.warn(WarningCode::Limit, || {
                        format!("a bytes value of {len} bytes is over the limit of {max} bytes (max_value_bytes); it was left out")
                    });
                    return Value::Empty;
                }
                Value::Bytes(
                    self.b
                        .text_owned(bytes.into_boxed_slice(), TextEncoding::RawBytes),
                )
            }
            Some(any_value::Value::ArrayValue(_) | any_value::Value::KvlistValue(_))
                if self.depth >= self.b.limits().max_value_depth =>
            {
                let max = self.b.limits().max_value_depth;
                self.b.warn(WarningCode::Limit, || {
                    format!("an attribute value nests arrays or key-value lists deeper than {max} levels (max_value_depth); the deeper part was left out")
                });
                Value::Empty
            }
            Some(any_value::Value::ArrayValue(a)) => {
                self.depth += 1;
                let mark = self.b.value_mark();
                for item in a.values {
                    let v = self.value(Some(item));
                    self.b.push_value(v);
                }
                self.depth -= 1;
                Value::Array(self.b.commit_values(mark))
            }
            Some(any_value::Value::KvlistValue(kv)) => {
                self.depth += 1;
                let list = self.attrs(kv.values);
                self.depth -= 1;
                Value::KvList(list)
            }
            Some(any_value::Value::StringValueStrindex(i)) => {
                self.b.warn(WarningCode::BadValue, || {
                    format!(
                        "an attribute value is a profiles string-table index ({i}), which traces do not use; taken as empty"
                    )
                });
                Value::Empty
            }
        }
    }
}

#[cfg(test)]
mod tests;

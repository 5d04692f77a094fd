//! any-agent's `AgentTrace` JSON (mozilla-ai/any-agent): `{"spans": [span, …], "final_output": …}`
//! with each span in the shape of OpenTelemetry Python's `ReadableSpan.to_json()`. The same reader
//! takes what that method and the Python SDK's `ConsoleSpanExporter` print: a bare array of such
//! spans, or span objects one after another.
//!
//! - Ids: any-agent writes 128-bit trace ids and 64-bit span ids as DECIMAL integers (Python ints),
//!   beyond what a double holds. They are read from their digits as u128, never through f64.
//!   OpenTelemetry Python writes `"0x…"` hex strings; decimal strings and plain hex are read too.
//! - The parent: `parent` is a span context object (the root's has a null `span_id`), or
//!   `parent_id` a hex string (`to_json()`).
//! - `start_time` / `end_time`: unix nanoseconds, or ISO 8601 strings (`to_json()`).
//! - `kind`: `internal` / `SpanKind.INTERNAL` / a number; `status`: `{status_code, description}`.
//! - `attributes` (already in OpenTelemetry GenAI naming) keep their JSON types; `events`
//!   (`{name, timestamp, attributes}`), `links` (`{context, attributes}`) and `resource`
//!   (`{attributes, schema_url}`) map one to one. `trace_flags` and `trace_state` are kept.
//! - `final_output` (the agent's answer) is not a span and is not read.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{SpanId, TraceId, parse_short_hex};
use crate::import::common::{
    EachRaw, Pos, RawEntries, Scalar, SpanAt, decimal_u128, fields, has_key, head, json_value,
    parse_document, parse_element, parse_rfc3339_ns, push_attr, raw_items, raw_scalar, trim_start,
};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{Event, Link, Range32, Resource, ResourceIx, SpanKind, StatusCode};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The any-agent (and OpenTelemetry Python span JSON) importer.
#[derive(Debug, Clone, Copy)]
pub struct AnyAgent;

const EXPECTED: &str =
    "any-agent trace JSON ({\"spans\": [{\"name\", \"context\": {\"trace_id\", \"span_id\"}, …}]})";

impl Importer for AnyAgent {
    fn format(&self) -> &'static str {
        "any-agent-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if !matches!(b.first(), Some(b'{' | b'[')) {
            return Err("not a JSON object or array".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "context") && has_key(h, "span_id") && has_key(h, "start_time") {
            Ok(())
        } else {
            Err("no `context` with `span_id` and `start_time` keys in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        let mut ctx = Ctx {
            b,
            pos: Pos::of(input.bytes),
            resources: FxHashMap::default(),
        };
        let body = trim_start(input.bytes);
        if body.starts_with(b"{") && !has_key(head(body, 1 << 16), "spans") {
            // Span objects one after another (or just one), as ConsoleSpanExporter prints them.
            let start = input.bytes.len() - body.len();
            let stream = serde_json::Deserializer::from_slice(body).into_iter::<&RawValue>();
            for item in stream {
                match item {
                    Ok(raw) => span(&mut ctx, raw),
                    Err(e) => {
                        return Err(crate::import::common::document_error(
                            input.name, ctx.pos, start, &e, EXPECTED,
                        ));
                    }
                }
            }
            return Ok(());
        }
        parse_document(input, Top(&mut ctx), EXPECTED)
    }
}

struct Ctx<'c> {
    b: &'c mut Builder,
    pos: Pos<'c>,
    /// Resources by their JSON text.
    resources: FxHashMap<String, ResourceIx>,
}

fields!(TopField {
    Spans => ["spans"],
});

/// `{"spans": [...]}` or a bare array of spans.
struct Top<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            span(self.0, raw);
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        while let Some(k) = map.next_key::<TopField>()? {
            match k {
                TopField::Spans => {
                    map.next_value_seed(EachRaw(|raw: &'de RawValue| span(&mut *ctx, raw)))?;
                }
                TopField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct ASpan<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    parent: Option<&'a RawValue>,
    #[serde(borrow)]
    parent_id: Option<&'a RawValue>,
    #[serde(borrow)]
    start_time: Option<&'a RawValue>,
    #[serde(borrow)]
    end_time: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(borrow)]
    context: Option<&'a RawValue>,
    #[serde(borrow)]
    attributes: Option<&'a RawValue>,
    #[serde(borrow)]
    events: Option<&'a RawValue>,
    #[serde(borrow)]
    links: Option<&'a RawValue>,
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
}

/// A span context: `{trace_id, span_id, trace_flags, trace_state, is_remote}`.
#[derive(Deserialize, Default)]
struct SpanContext<'a> {
    #[serde(borrow)]
    trace_id: Option<&'a RawValue>,
    #[serde(borrow)]
    span_id: Option<&'a RawValue>,
    #[serde(borrow)]
    trace_flags: Option<&'a RawValue>,
    #[serde(borrow)]
    trace_state: Option<&'a RawValue>,
}

/// An id as read from a decimal integer, a decimal string, `0x` hex or plain hex.
enum AId {
    None,
    Value(u128),
    Bad(String),
}

fn read_id(raw: Option<&RawValue>) -> AId {
    let Some(raw) = raw else { return AId::None };
    let text = raw.get();
    if text == "null" {
        return AId::None;
    }
    // A JSON number: its digits, exactly.
    if let Some(v) = decimal_u128(text) {
        return if v == 0 { AId::None } else { AId::Value(v) };
    }
    let Scalar::Str(s) = raw_scalar(raw) else {
        return AId::Bad(text.to_owned());
    };
    let t = s.trim();
    if t.is_empty() {
        return AId::None;
    }
    let value = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        parse_short_hex::<16>(hex).map(u128::from_be_bytes)
    } else if t.len() == 16 || t.len() == 32 {
        parse_short_hex::<16>(t).map(u128::from_be_bytes)
    } else {
        decimal_u128(t)
    };
    match value {
        Some(0) => AId::None,
        Some(v) => AId::Value(v),
        None => AId::Bad(t.to_owned()),
    }
}

fn trace_id_of(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    owner: &dyn fmt::Display,
) -> Option<TraceId> {
    match read_id(raw) {
        AId::None => None,
        AId::Value(v) => Some(TraceId::from_u128(v)),
        AId::Bad(t) => {
            ctx.b.warn(WarningCode::BadId, || {
                format!("{owner}: trace_id {t:?} is not a 128-bit number or hex; kept as given")
            });
            Some(TraceId::Raw(ctx.b.intern(&t)))
        }
    }
}

fn span_id_of(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    owner: &dyn fmt::Display,
    field: &str,
) -> Option<SpanId> {
    match read_id(raw) {
        AId::None => None,
        AId::Value(v) => match u64::try_from(v) {
            Ok(v) => Some(SpanId::from_u64(v)),
            Err(_) => {
                ctx.b.warn(WarningCode::BadId, || {
                    format!("{owner}: {field} {v} is larger than 64 bits; kept as given")
                });
                Some(SpanId::Raw(ctx.b.intern(&v.to_string())))
            }
        },
        AId::Bad(t) => {
            ctx.b.warn(WarningCode::BadId, || {
                format!("{owner}: {field} {t:?} is not a 64-bit number or hex; kept as given")
            });
            Some(SpanId::Raw(ctx.b.intern(&t)))
        }
    }
}

fn context<'a>(
    ctx: &mut Ctx<'_>,
    raw: Option<&'a RawValue>,
    owner: &dyn fmt::Display,
) -> SpanContext<'a> {
    match raw {
        Some(r) if r.get() != "null" => parse_element(ctx.pos, r).unwrap_or_else(|msg| {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: {msg}; the span context was skipped")
            });
            SpanContext::default()
        }),
        _ => SpanContext::default(),
    }
}

/// A time: unix nanoseconds as a number, or an ISO 8601 string.
fn time(raw: Option<&RawValue>) -> Option<u64> {
    let raw = raw?;
    match raw_scalar(raw) {
        Scalar::Str(t) => {
            parse_rfc3339_ns(&t).or_else(|| decimal_u128(&t).and_then(|v| u64::try_from(v).ok()))
        }
        Scalar::U64(v) => Some(v),
        Scalar::F64(v) if v.is_finite() && v >= 0.0 => Some(v as u64),
        _ => None,
    }
}

/// `trace_state` as W3C text: any-agent writes `{"entries": {k: v}}`, `to_json()` writes `"[]"` or
/// a list of pairs.
fn trace_state(b: &mut Builder, raw: Option<&RawValue>) -> Sym {
    let Some(raw) = raw else { return Sym::EMPTY };
    let mut pairs: Vec<String> = Vec::new();
    let entries = RawEntries::of(raw).and_then(|e| e.get(&["entries"]).and_then(RawEntries::of));
    if let Some(entries) = entries {
        for (k, v) in entries.0 {
            pairs.push(format!(
                "{k}={}",
                raw_scalar(v).literal().unwrap_or_default()
            ));
        }
    } else if let Scalar::Str(t) = raw_scalar(raw) {
        let t = t.trim();
        if !t.is_empty() && t != "[]" {
            pairs.push(t.to_owned());
        }
    }
    if pairs.is_empty() {
        Sym::EMPTY
    } else {
        b.intern(&pairs.join(","))
    }
}

fn flags(raw: Option<&RawValue>) -> u32 {
    let Some(raw) = raw else { return 0 };
    let value = RawEntries::of(raw)
        .and_then(|e| e.get(&["value"]).map(raw_scalar))
        .unwrap_or_else(|| raw_scalar(raw));
    value
        .as_u64()
        .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
}

fn span(ctx: &mut Ctx<'_>, raw: &RawValue) {
    let a: ASpan<'_> = match parse_element(ctx.pos, raw) {
        Ok(a) => a,
        Err(msg) => {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{msg}; expected a span object, it was skipped")
            });
            return;
        }
    };
    let name = a
        .name
        .map(raw_scalar)
        .and_then(|s| s.literal())
        .unwrap_or_default();
    let offset = ctx.pos.offset(a.context.unwrap_or(raw).get());
    let at = ctx.pos.at(offset);
    let owner = SpanAt { name: &name, at };
    let c = context(ctx, a.context, &owner);
    let trace_id = trace_id_of(ctx, c.trace_id, &owner).unwrap_or_else(|| {
        ctx.b.warn(WarningCode::MissingField, || {
            format!("{owner} has no context.trace_id; it is kept in a trace with an empty id")
        });
        TraceId::Raw(Sym::EMPTY)
    });
    let span_id = span_id_of(ctx, c.span_id, &owner, "span_id").unwrap_or_else(|| {
        ctx.b.warn(WarningCode::MissingField, || {
            format!("{owner} has no context.span_id; it is kept with an empty id")
        });
        SpanId::Raw(Sym::EMPTY)
    });
    let mut s = NewSpan::new(trace_id, span_id, ctx.b.intern(&name));
    s.offset = offset as u64;
    s.flags = flags(c.trace_flags);
    s.trace_state = trace_state(ctx.b, c.trace_state);
    let parent = context(ctx, a.parent, &owner);
    s.parent_id = match a.parent_id {
        Some(p) if p.get() != "null" => span_id_of(ctx, Some(p), &owner, "parent_id"),
        _ => span_id_of(ctx, parent.span_id, &owner, "parent.span_id"),
    };

    s.kind = match a.kind.map(raw_scalar) {
        None | Some(Scalar::Null) => SpanKind::Unspecified,
        Some(k) => k
            .as_i64()
            .and_then(|n| SpanKind::from_otlp(n + 1).filter(|_| (0..=4).contains(&n)))
            .or_else(|| {
                k.as_str()
                    .map(|t| t.strip_prefix("SpanKind.").unwrap_or(t))
                    .and_then(SpanKind::from_name)
            })
            .unwrap_or_else(|| {
                let what = k.describe();
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: kind is {what}, expected internal, server, client, producer or consumer; taken as unspecified")
                });
                SpanKind::Unspecified
            }),
    };

    match (time(a.start_time), a.start_time) {
        (Some(t), _) => s.start_unix_ns = t,
        (None, what) => {
            let what = what.map_or_else(|| "missing".to_owned(), |r| raw_scalar(r).describe());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: start_time is {what}, expected unix nanoseconds or an ISO 8601 time; taken as 0")
            });
        }
    }
    s.end_unix_ns = match time(a.end_time) {
        Some(t) => t,
        None => {
            let what = a
                .end_time
                .map_or_else(|| "missing".to_owned(), |r| raw_scalar(r).describe());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: end_time is {what}, expected unix nanoseconds or an ISO 8601 time; the span ends where it starts")
            });
            s.start_unix_ns
        }
    };

    if let Some(st) = a.status.and_then(RawEntries::of) {
        let code = st.get(&["status_code", "code"]).map(raw_scalar);
        s.status = match &code {
            None | Some(Scalar::Null) => StatusCode::Unset,
            Some(c) => c
                .as_str()
                .map(|t| t.strip_prefix("StatusCode.").unwrap_or(t))
                .and_then(StatusCode::from_name)
                .or_else(|| c.as_i64().and_then(StatusCode::from_otlp))
                .unwrap_or_else(|| {
                    let what = c.describe();
                    ctx.b.warn(WarningCode::BadValue, || {
                        format!("{owner}: status_code is {what}, expected ok, error or unset; taken as unset")
                    });
                    StatusCode::Unset
                }),
        };
        if let Some(d) = st
            .get(&["description", "message"])
            .map(raw_scalar)
            .and_then(|d| d.literal())
        {
            s.status_message = ctx.b.intern(&d);
        }
    }

    s.attrs = attributes(ctx, a.attributes, &owner);
    s.events = events(ctx, a.events, &owner);
    s.links = links(ctx, a.links, &owner);
    s.resource = resource(ctx, a.resource, &owner);
    ctx.b.add_span(s);
}

/// A flat attributes object; values keep their JSON types.
fn attributes(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, owner: &dyn fmt::Display) -> Range32 {
    let Some(raw) = raw else {
        return Range32::EMPTY;
    };
    let Some(entries) = RawEntries::of(raw) else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: attributes are not an object; they were skipped")
        });
        return Range32::EMPTY;
    };
    let input = ctx.pos.bounds;
    let mark = ctx.b.attr_mark();
    for (k, v) in entries.0 {
        let value = json_value(ctx.b, input, v);
        push_attr(ctx.b, &k, value);
    }
    ctx.b.commit_attrs(mark)
}

fn events(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, owner: &dyn fmt::Display) -> Range32 {
    let Some(items) = raw.map(raw_items) else {
        return Range32::EMPTY;
    };
    let Some(items) = items else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: events are not an array; they were skipped")
        });
        return Range32::EMPTY;
    };
    let mark = ctx.b.event_mark();
    for item in items {
        let Some(e) = RawEntries::of(item) else {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: the event at {at} is not an object; it was skipped")
            });
            continue;
        };
        let name = e
            .get(&["name"])
            .map(raw_scalar)
            .and_then(|n| n.literal())
            .unwrap_or_default();
        let time = time(e.get(&["timestamp", "time"])).unwrap_or_else(|| {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: the event at {at} has no readable timestamp; taken as 0")
            });
            0
        });
        let attrs = attributes(ctx, e.get(&["attributes"]), owner);
        let name = ctx.b.intern(&name);
        ctx.b.push_event(Event {
            time_unix_ns: time,
            name,
            attrs,
            dropped_attrs: 0,
        });
    }
    ctx.b.commit_events(mark)
}

fn links(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, owner: &dyn fmt::Display) -> Range32 {
    let Some(items) = raw.map(raw_items) else {
        return Range32::EMPTY;
    };
    let Some(items) = items else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: links are not an array; they were skipped")
        });
        return Range32::EMPTY;
    };
    let mark = ctx.b.link_mark();
    for item in items {
        let e = RawEntries::of(item).unwrap_or_default();
        let c = context(ctx, e.get(&["context"]), owner);
        let (Some(trace_id), Some(span_id)) = (
            trace_id_of(ctx, c.trace_id, owner),
            span_id_of(ctx, c.span_id, owner, "link span_id"),
        ) else {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner}: the link at {at} has no trace_id or span_id; it was skipped")
            });
            continue;
        };
        let trace_state = trace_state(ctx.b, c.trace_state);
        let flags = flags(c.trace_flags);
        let attrs = attributes(ctx, e.get(&["attributes"]), owner);
        ctx.b.push_link(Link {
            trace_id,
            span_id,
            trace_state,
            attrs,
            flags,
            dropped_attrs: 0,
        });
    }
    ctx.b.commit_links(mark)
}

/// A resource `{attributes, schema_url}`, shared by spans that give the same one.
fn resource(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, owner: &dyn fmt::Display) -> ResourceIx {
    let Some(raw) = raw.filter(|r| r.get() != "null") else {
        return ResourceIx(0);
    };
    if let Some(&ix) = ctx.resources.get(raw.get()) {
        return ix;
    }
    let e = RawEntries::of(raw).unwrap_or_default();
    let attrs = attributes(ctx, e.get(&["attributes"]), owner);
    let schema_url = e
        .get(&["schema_url"])
        .map(raw_scalar)
        .and_then(|s| s.literal())
        .filter(|s| !s.is_empty())
        .map_or(Sym::EMPTY, |s| ctx.b.intern(&s));
    let service_name = ctx.b.service_name_of(attrs);
    let ix = ctx.b.add_resource(Resource {
        attrs,
        service_name,
        schema_url,
        dropped_attrs: 0,
    });
    ctx.resources.insert(raw.get().to_owned(), ix);
    ix
}

#[cfg(test)]
mod tests;

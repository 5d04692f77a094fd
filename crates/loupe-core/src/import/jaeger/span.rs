//! One Jaeger span: its fields, references, logs and tags, added to the builder.

use super::parts::*;
use crate::builder::NewSpan;
use crate::id::{SpanId, TraceId};
use crate::import::common::{
    EpochUnit, Lax, LineCol, Scalar, SpanAt, parse_element, push_attr, raw_items, time_ns,
};
use crate::intern::Sym;
use crate::model::{Attr, Event, Link, Range32, ResourceIx, Scope, StatusCode, Value};
use crate::units::parse_duration_ns;
use crate::warning::WarningCode;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

#[derive(Deserialize)]
pub(super) struct JSpan<'a> {
    #[serde(borrow, rename = "traceID")]
    pub(super) trace_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    pub(super) trace_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanID")]
    pub(super) span_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanId", alias = "span_id")]
    pub(super) span_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "parentSpanID", alias = "parentSpanId")]
    pub(super) parent_span_id: Option<Lax<'a>>,
    #[serde(borrow, rename = "operationName", alias = "operation_name")]
    pub(super) name: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) references: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) flags: Option<Lax<'a>>,
    #[serde(borrow, rename = "startTime", alias = "start_time")]
    pub(super) start: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) duration: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) tags: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) logs: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) process: Option<&'a RawValue>,
    #[serde(borrow, rename = "processID", alias = "processId")]
    pub(super) process_id: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) warnings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct JRef<'a> {
    #[serde(borrow, rename = "refType", alias = "ref_type")]
    pub(super) ref_type: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceID")]
    pub(super) trace_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    pub(super) trace_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanID")]
    pub(super) span_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanId", alias = "span_id")]
    pub(super) span_id_pb: Option<Lax<'a>>,
}

#[derive(Deserialize)]
pub(super) struct JLog<'a> {
    #[serde(borrow)]
    pub(super) timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) fields: Option<&'a RawValue>,
}

/// Reads one span and adds it.
pub(super) fn span(ctx: &mut Ctx<'_>, scope: &mut TraceScope, raw: &RawValue) {
    let j: JSpan<'_> = match parse_element(ctx.pos, raw) {
        Ok(j) => j,
        Err(msg) => {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{msg}; expected a Jaeger span object, it was skipped")
            });
            return;
        }
    };
    let b_name = j.name.as_deref().and_then(Scalar::literal);
    let name = b_name.clone().unwrap_or_default();
    let offset = [&j.span_id_ui, &j.span_id_pb, &j.trace_id_ui, &j.trace_id_pb]
        .into_iter()
        .flatten()
        .find_map(|s| match &s.0 {
            Scalar::Str(std::borrow::Cow::Borrowed(t)) => ctx.input().offset_of(t),
            _ => None,
        })
        .unwrap_or_else(|| ctx.pos.offset(raw.get()));
    let at = ctx.pos.at(offset);
    let mut s = NewSpan::new(
        TraceId::Raw(Sym::EMPTY),
        SpanId::Raw(Sym::EMPTY),
        ctx.b.intern(&name),
    );
    s.offset = offset as u64;
    if b_name.is_none() {
        ctx.b.warn(WarningCode::MissingField, || {
            format!("the span at {at} has no operationName; its name is empty")
        });
    }

    // Ids.
    let (trace_v, trace_proto) = match (&j.trace_id_ui, &j.trace_id_pb) {
        (Some(v), _) => (Some(v), false),
        (None, Some(v)) => (Some(v), true),
        (None, None) => (None, false),
    };
    s.trace_id = match trace_v.map(|v| jaeger_id::<16>(v, trace_proto)) {
        Some(JId::Bytes(b)) => TraceId::Bytes(b),
        Some(JId::Raw(t)) => TraceId::Raw(ctx.b.intern(&t)),
        Some(JId::TooLong(t)) => {
            ctx.b.warn(WarningCode::BadId, || {
                format!("span `{name}` at {at}: traceID {t:?} has more than 32 hex digits; kept as given")
            });
            TraceId::Raw(ctx.b.intern(&t))
        }
        Some(JId::None) | None => match scope.trace_id {
            Some(t) => t,
            None => {
                ctx.b.warn(WarningCode::MissingField, || {
                    format!("span `{name}` at {at} has no traceID; it is kept in a trace with an empty id")
                });
                TraceId::Raw(Sym::EMPTY)
            }
        },
    };
    let (span_v, span_proto) = match (&j.span_id_ui, &j.span_id_pb) {
        (Some(v), _) => (Some(v), false),
        (None, Some(v)) => (Some(v), true),
        (None, None) => (None, false),
    };
    s.span_id = match span_v.map(|v| jaeger_id::<8>(v, span_proto)) {
        Some(JId::Bytes(b)) => SpanId::Bytes(b),
        Some(JId::Raw(t)) => SpanId::Raw(ctx.b.intern(&t)),
        Some(JId::TooLong(t)) => {
            ctx.b.warn(WarningCode::BadId, || {
                format!(
                    "span `{name}` at {at}: spanID {t:?} has more than 16 hex digits; kept as given"
                )
            });
            SpanId::Raw(ctx.b.intern(&t))
        }
        Some(JId::None) | None => {
            ctx.b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no spanID; it is kept with an empty id")
            });
            SpanId::Raw(Sym::EMPTY)
        }
    };

    // References: parent and links.
    let refs = read_refs(ctx, j.references, &name, at);
    let own = s.trace_id;
    let same_trace = |r: &Ref| r.trace.is_none_or(|t| t == own);
    let parent = refs
        .iter()
        .position(|r| r.child_of && same_trace(r))
        .or_else(|| refs.iter().position(|r| !r.child_of && same_trace(r)));
    s.parent_id = parent.map(|i| refs[i].span);
    if refs.is_empty()
        && let Some(p) = &j.parent_span_id
    {
        s.parent_id = match jaeger_id::<8>(p, span_proto) {
            JId::Bytes(b) => Some(SpanId::Bytes(b)),
            JId::Raw(t) | JId::TooLong(t) => Some(SpanId::Raw(ctx.b.intern(&t))),
            JId::None => None,
        };
    }
    let link_mark = ctx.b.link_mark();
    let ref_type_key = ctx.b.intern("opentracing.ref_type");
    for (i, r) in refs.iter().enumerate() {
        if Some(i) == parent && r.child_of {
            continue;
        }
        let mark = ctx.b.attr_mark();
        let value = ctx.b.string_value(if r.child_of {
            "child_of"
        } else {
            "follows_from"
        });
        ctx.b.push_attr(Attr {
            key: ref_type_key,
            value,
        });
        let attrs = ctx.b.commit_attrs(mark);
        ctx.b.push_link(Link {
            trace_id: r.trace.unwrap_or(own),
            span_id: r.span,
            trace_state: Sym::EMPTY,
            attrs,
            flags: 0,
            dropped_attrs: 0,
        });
    }
    s.links = ctx.b.commit_links(link_mark);

    // Times.
    s.start_unix_ns = match &j.start {
        Some(v) => time_ns(v, EpochUnit::Micros).unwrap_or_else(|| {
            let what = v.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("span `{name}` at {at}: startTime is {what}, expected microseconds or an RFC 3339 time; taken as 0")
            });
            0
        }),
        None => {
            ctx.b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no startTime; taken as 0")
            });
            0
        }
    };
    let duration = match &j.duration {
        Some(v) => duration_ns(v).unwrap_or_else(|| {
            let what = v.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("span `{name}` at {at}: duration is {what}, expected microseconds or a duration such as \"5000ns\"; taken as 0")
            });
            0
        }),
        None => {
            ctx.b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no duration; taken as 0")
            });
            0
        }
    };
    s.end_unix_ns = s.start_unix_ns.saturating_add(duration);
    s.flags = j
        .flags
        .as_deref()
        .and_then(Scalar::as_u64)
        .map_or(0, |f| u32::try_from(f).unwrap_or(u32::MAX));

    // Logs → events.
    let owner = SpanAt { name: &name, at };
    s.events = read_logs(ctx, j.logs, &owner);

    // Tags → attributes, kind, status, scope.
    let mut special = Special::default();
    let mark = ctx.b.attr_mark();
    read_tags(ctx, j.tags, TagsOf::Span, &mut special, &owner);
    if let Some(w) = j.warnings {
        let list = strings(w);
        if !list.is_empty() {
            let vmark = ctx.b.value_mark();
            for w in &list {
                let v = ctx.b.string_value(w);
                ctx.b.push_value(v);
            }
            let v = Value::Array(ctx.b.commit_values(vmark));
            push_attr(ctx.b, "jaeger.warnings", v);
        }
    }
    s.attrs = ctx.b.commit_attrs(mark);
    s.kind = special.kind.unwrap_or_default();
    s.status = match (special.status, special.error) {
        (Some(c), _) => c,
        (None, Some(true)) => StatusCode::Error,
        _ => StatusCode::Unset,
    };
    if let Some(m) = special.status_message.filter(|m| !m.is_empty()) {
        s.status_message = ctx.b.intern(&m);
    }
    if special.scope_name.is_some() || special.scope_version.is_some() {
        let name = ctx.b.intern(special.scope_name.as_deref().unwrap_or(""));
        let version = ctx.b.intern(special.scope_version.as_deref().unwrap_or(""));
        s.scope = match ctx.scopes.get(&(name, version)) {
            Some(&ix) => ix,
            None => {
                let ix = ctx.b.add_scope(Scope {
                    name,
                    version,
                    ..Scope::default()
                });
                ctx.scopes.insert((name, version), ix);
                ix
            }
        };
    }

    // Process → resource.
    s.resource = if let Some(p) = j.process.filter(|p| p.get() != "null") {
        match ctx.inline_processes.get(p.get()) {
            Some(&ix) => ix,
            None => {
                let r = process_resource(ctx, p);
                let ix = ctx.b.add_resource(r);
                ctx.inline_processes.insert(p.get().to_owned(), ix);
                ix
            }
        }
    } else if let Some(id) = j.process_id.as_deref().and_then(Scalar::literal) {
        scope.process_slot(ctx.b, &id)
    } else {
        ResourceIx(0)
    };
    ctx.b.add_span(s);
}

/// A reference: `CHILD_OF` or not, its trace (if given) and span.
pub(super) struct Ref {
    pub(super) child_of: bool,
    pub(super) trace: Option<TraceId>,
    pub(super) span: SpanId,
}

pub(super) fn read_refs(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    name: &str,
    at: LineCol<'_>,
) -> Vec<Ref> {
    let Some(raw) = raw else { return Vec::new() };
    let Some(items) = raw_items(raw) else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("span `{name}` at {at}: references are not an array; they were skipped")
        });
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let r: JRef<'_> = match parse_element(ctx.pos, item) {
            Ok(r) => r,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("span `{name}`: {msg}; the reference was skipped")
                });
                continue;
            }
        };
        // api_v2 leaves `refType` out when it is CHILD_OF (0).
        let child_of = match r.ref_type.as_deref() {
            None | Some(Scalar::Null) => true,
            Some(t) => match (t.as_i64(), t.as_str().map(str::to_ascii_uppercase)) {
                (Some(0), _) => true,
                (Some(1), _) => false,
                (_, Some(s)) if s == "CHILD_OF" => true,
                (_, Some(s)) if s == "FOLLOWS_FROM" => false,
                _ => {
                    let what = t.describe();
                    ctx.b.warn(WarningCode::BadValue, || {
                        format!("span `{name}` at {at}: refType is {what}, expected CHILD_OF or FOLLOWS_FROM; taken as CHILD_OF")
                    });
                    true
                }
            },
        };
        let (span_v, proto) = match (&r.span_id_ui, &r.span_id_pb) {
            (Some(v), _) => (Some(v), false),
            (None, Some(v)) => (Some(v), true),
            (None, None) => (None, false),
        };
        let span = match span_v.map(|v| jaeger_id::<8>(v, proto)) {
            Some(JId::Bytes(b)) => SpanId::Bytes(b),
            Some(JId::Raw(t) | JId::TooLong(t)) => SpanId::Raw(ctx.b.intern(&t)),
            Some(JId::None) | None => {
                ctx.b.warn(WarningCode::MissingField, || {
                    format!("span `{name}` at {at}: a reference has no spanID; it was skipped")
                });
                continue;
            }
        };
        let trace = match (&r.trace_id_ui, &r.trace_id_pb) {
            (Some(v), _) => Some(jaeger_id::<16>(v, false)),
            (None, Some(v)) => Some(jaeger_id::<16>(v, true)),
            (None, None) => None,
        };
        let trace = match trace {
            Some(JId::Bytes(b)) => Some(TraceId::Bytes(b)),
            Some(JId::Raw(t) | JId::TooLong(t)) => Some(TraceId::Raw(ctx.b.intern(&t))),
            Some(JId::None) | None => None,
        };
        out.push(Ref {
            child_of,
            trace,
            span,
        });
    }
    out
}

/// A duration: microseconds as a number or digits, or a text with units (`"5000ns"`, `"1.5s"`).
pub(super) fn duration_ns(v: &Scalar<'_>) -> Option<u64> {
    match v {
        Scalar::Str(t) => parse_duration_ns(t)
            .or_else(|| crate::import::common::epoch_text_ns(t, EpochUnit::Micros)),
        other => time_ns(other, EpochUnit::Micros),
    }
}

pub(super) fn read_logs(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    owner: &dyn fmt::Display,
) -> Range32 {
    let Some(raw) = raw else {
        return Range32::EMPTY;
    };
    let Some(items) = raw_items(raw) else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: logs are not an array; they were skipped")
        });
        return Range32::EMPTY;
    };
    let mark = ctx.b.event_mark();
    for item in items {
        let log: JLog<'_> = match parse_element(ctx.pos, item) {
            Ok(l) => l,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: {msg}; the log was skipped")
                });
                continue;
            }
        };
        let time = log
            .timestamp
            .as_deref()
            .and_then(|t| time_ns(t, EpochUnit::Micros));
        if time.is_none() {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: the log at {at} has no readable timestamp; taken as 0")
            });
        }
        let mut special = Special::default();
        let amark = ctx.b.attr_mark();
        read_tags(ctx, log.fields, TagsOf::Log, &mut special, owner);
        let attrs = ctx.b.commit_attrs(amark);
        let name = ctx.b.intern(special.event.as_deref().unwrap_or(""));
        ctx.b.push_event(Event {
            time_unix_ns: time.unwrap_or(0),
            name,
            attrs,
            dropped_attrs: 0,
        });
    }
    ctx.b.commit_events(mark)
}

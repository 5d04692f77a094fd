//! A legacy Zipkin v1 span (`cs`/`sr`/`ss`/`cr` annotations and `binaryAnnotations`), made
//! into one or two spans as Zipkin's own v1 converter makes them.

use super::parts::*;
use crate::builder::NewSpan;
use crate::import::common::{
    Scalar, SpanAt, bytes_value, json_value, parse_element, push_attr, raw_items, raw_scalar,
};
use crate::intern::Sym;
use crate::model::{SpanKind, Value};
use crate::warning::WarningCode;
use serde_json::value::RawValue;
use std::fmt;

/// The Zipkin JSON importer (v2 and v1).
/// One half of a v1 span being built.
pub(super) struct Half<'a> {
    kind: SpanKind,
    local: Endpoint<'a>,
    remote: Endpoint<'a>,
    start: Option<u64>,
    end: Option<u64>,
    shared: bool,
    events: Vec<usize>,
    tags: Vec<usize>,
}

impl<'a> Half<'a> {
    fn new(kind: SpanKind, shared: bool) -> Self {
        Half {
            kind,
            local: Endpoint::default(),
            remote: Endpoint::default(),
            start: None,
            end: None,
            shared,
            events: Vec::new(),
            tags: Vec::new(),
        }
    }
}

pub(super) fn v1_span(ctx: &mut Ctx<'_>, z: &ZSpan<'_>, raw: &RawValue) {
    let name = z
        .name
        .as_deref()
        .and_then(Scalar::literal)
        .unwrap_or_default();
    let offset = ctx.pos.offset(raw.get());
    let at = ctx.pos.at(offset);
    let owner = SpanAt { name: &name, at };
    let anns = read_annotations(ctx, z.annotations, &owner);
    let core = |v: &str| anns.iter().position(|a| ann_text(a) == v);
    let (cs, cr, sr, ss, ms, mr) = (
        core("cs"),
        core("cr"),
        core("sr"),
        core("ss"),
        core("ms"),
        core("mr"),
    );
    let ep = |i: Option<usize>| i.and_then(|i| anns[i].endpoint.clone());
    let time = |i: Option<usize>| i.and_then(|i| anns[i].time);
    let mut halves: Vec<Half<'_>> = Vec::new();
    if cs.is_some() || cr.is_some() {
        let mut h = Half::new(SpanKind::Client, false);
        h.local = ep(cs).or_else(|| ep(cr)).unwrap_or_default();
        (h.start, h.end) = (time(cs), time(cr));
        halves.push(h);
    }
    if sr.is_some() || ss.is_some() {
        let mut h = Half::new(SpanKind::Server, !halves.is_empty());
        h.local = ep(sr).or_else(|| ep(ss)).unwrap_or_default();
        (h.start, h.end) = (time(sr), time(ss));
        halves.push(h);
    }
    if halves.is_empty() && (ms.is_some() || mr.is_some()) {
        let (kind, i) = if ms.is_some() {
            (SpanKind::Producer, ms)
        } else {
            (SpanKind::Consumer, mr)
        };
        let mut h = Half::new(kind, false);
        h.local = ep(i).unwrap_or_default();
        h.start = time(i);
        halves.push(h);
    }
    let binary = read_binary(ctx, z.binary, &owner);
    if halves.is_empty() {
        let mut h = Half::new(SpanKind::Internal, false);
        h.local = binary
            .iter()
            .find(|b| b.key == "lc")
            .and_then(|b| b.endpoint.clone())
            .or_else(|| anns.iter().find_map(|a| a.endpoint.clone()))
            .or_else(|| binary.iter().find_map(|b| b.endpoint.clone()))
            .unwrap_or_default();
        halves.push(h);
    }
    // The span's own timestamp and duration belong to the first half (the client's, in an RPC).
    let ts = z.timestamp.as_deref().and_then(micros);
    let dur = z.duration.as_deref().and_then(micros);
    if let Some(t) = ts {
        halves[0].start = Some(t);
        if let Some(d) = dur {
            halves[0].end = Some(t.saturating_add(d));
        }
    }
    // Which half a service's annotations belong to: the one it is local to, else the first.
    let half_of = |halves: &[Half<'_>], e: Option<&Endpoint<'_>>| {
        let svc = e.map(Endpoint::service).unwrap_or_default();
        halves
            .iter()
            .position(|h| !svc.is_empty() && h.local.service() == svc)
            .unwrap_or(0)
    };
    let core_ix = [cs, cr, sr, ss, ms, mr];
    for (i, a) in anns.iter().enumerate() {
        if !core_ix.contains(&Some(i)) {
            let h = half_of(&halves, a.endpoint.as_ref());
            halves[h].events.push(i);
        }
    }
    for (i, bin) in binary.iter().enumerate() {
        match bin.key.as_str() {
            "sa" | "ca" | "ma" if bin.is_true => {
                let e = bin.endpoint.clone().unwrap_or_default();
                let target = match bin.key.as_str() {
                    "sa" => halves.iter().position(|h| h.kind == SpanKind::Client),
                    "ca" => halves.iter().position(|h| h.kind == SpanKind::Server),
                    _ => Some(0),
                };
                if let Some(h) = target
                    && halves[h].remote == Endpoint::default()
                {
                    halves[h].remote = e;
                }
            }
            _ => {
                let h = half_of(&halves, bin.endpoint.as_ref());
                halves[h].tags.push(i);
            }
        }
    }
    // In an RPC seen from both sides, each side's remote is the other when no address says so.
    if halves.len() == 2 {
        if halves[0].remote == Endpoint::default() {
            halves[0].remote = halves[1].local.clone();
        }
        if halves[1].remote == Endpoint::default() {
            halves[1].remote = halves[0].local.clone();
        }
    }

    let (trace_id, span_id, parent_id) = read_ids(ctx, z, &owner);
    let debug = flag(z.debug.as_deref());
    for h in &halves {
        let mut s = NewSpan::new(trace_id, span_id, ctx.b.intern(&name));
        s.parent_id = parent_id;
        s.offset = offset as u64;
        s.kind = h.kind;
        s.resource = resource_for(ctx, &h.local.service(), &[]);
        let untimed = h.start.is_none() && h.end.is_none();
        s.start_unix_ns = h.start.or(h.end).unwrap_or(0);
        s.end_unix_ns = h.end.unwrap_or(s.start_unix_ns).max(s.start_unix_ns);
        let emark = ctx.b.event_mark();
        for &i in &h.events {
            push_event(ctx, &anns[i]);
        }
        s.events = ctx.b.commit_events(emark);
        let mut special = Special::default();
        let mark = ctx.b.attr_mark();
        for &i in &h.tags {
            let bin = &binary[i];
            if special.take(
                &bin.key,
                bin.value.map(raw_scalar).and_then(|v| v.literal()),
            ) {
                continue;
            }
            let value = binary_value(ctx, bin, &owner);
            push_attr(ctx.b, &bin.key, value);
        }
        push_endpoint_attrs(ctx, &h.local, &h.remote);
        if debug {
            push_attr(ctx.b, "zipkin.debug", Value::Bool(true));
        }
        s.attrs = ctx.b.commit_attrs(mark);
        special.apply(ctx, &mut s);
        let address = h.local.address().map_or(Sym::EMPTY, |a| ctx.b.intern(&a));
        ctx.b.add_span(s);
        ctx.meta.push(Meta {
            shared: h.shared,
            address,
            untimed,
        });
    }
}

pub(super) struct Binary<'a> {
    key: String,
    value: Option<&'a RawValue>,
    ty: Option<String>,
    endpoint: Option<Endpoint<'a>>,
    is_true: bool,
}

pub(super) fn read_binary<'a>(
    ctx: &mut Ctx<'_>,
    raw: Option<&'a RawValue>,
    owner: &dyn fmt::Display,
) -> Vec<Binary<'a>> {
    let Some(raw) = raw else { return Vec::new() };
    let Some(items) = raw_items(raw) else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: binaryAnnotations are not an array; they were skipped")
        });
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let a: BinaryAnnotation<'a> = match parse_element(ctx.pos, item) {
            Ok(a) => a,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: {msg}; the binary annotation was skipped")
                });
                continue;
            }
        };
        let Some(key) = a.key.as_deref().and_then(Scalar::literal) else {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner}: the binary annotation at {at} has no key; it was skipped")
            });
            continue;
        };
        let is_true = a.value.map(raw_scalar).and_then(|v| v.as_bool()) == Some(true);
        out.push(Binary {
            key,
            value: a.value,
            ty: a.ty.as_deref().and_then(Scalar::literal),
            endpoint: a.endpoint.map(|e| endpoint(ctx, Some(e), owner)),
            is_true,
        });
    }
    out
}

/// A v1 binary annotation's value, by its `type` (STRING when absent).
pub(super) fn binary_value(ctx: &mut Ctx<'_>, bin: &Binary<'_>, owner: &dyn fmt::Display) -> Value {
    let Some(raw) = bin.value else {
        return Value::Empty;
    };
    let sc = raw_scalar(raw);
    let ty = bin.ty.as_deref().unwrap_or("STRING").to_ascii_uppercase();
    let typed = match ty.as_str() {
        "BOOL" => sc.as_bool().map(Value::Bool),
        "I16" | "I32" | "I64" => sc.as_i64().map(Value::Int),
        "DOUBLE" => sc.as_f64().map(Value::Double),
        "BYTES" if raw.get().starts_with('"') => Some(bytes_value(ctx.b, ctx.input(), raw)),
        "STRING" => return tag_value(ctx, &bin.key, raw),
        _ => None,
    };
    typed.unwrap_or_else(|| {
        let (key, what) = (bin.key.clone(), sc.describe());
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: binary annotation `{key}` of type {ty} holds {what}; kept as it is")
        });
        json_value(ctx.b, ctx.input(), raw)
    })
}

//! What Zipkin v1 and v2 spans share: the reading context, the span object as read, endpoints,
//! tags, ids and annotations.

use crate::builder::{Builder, NewSpan};
use crate::id::{SpanId, TraceId, parse_short_hex};
use crate::import::common::{
    InputBounds, Lax, Pos, RawEntries, Scalar, SpanAt, json_value, parse_element, push_attr,
    raw_items, raw_scalar, string_value, typed_attr_value,
};
use crate::intern::Sym;
use crate::model::{Attr, Event, Range32, Resource, ResourceIx, Scope, ScopeIx, StatusCode, Value};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// The Zipkin JSON importer (v2 and v1).
pub(super) struct Ctx<'c> {
    pub(super) b: &'c mut Builder,
    pub(super) pos: Pos<'c>,
    /// Resources by service name.
    pub(super) resources: FxHashMap<String, ResourceIx>,
    /// Instrumentation scopes by (name, version).
    pub(super) scopes: FxHashMap<(Sym, Sym), ScopeIx>,
    /// What the tree pass needs of each span added (from the first of this file on).
    pub(super) meta: Vec<Meta>,
    /// Spans with no timestamp and no kind, held back to be merged into their other piece.
    pub(super) fragments: Vec<(NewSpan, Meta)>,
}

impl Ctx<'_> {
    pub(super) fn input(&self) -> InputBounds {
        self.pos.bounds
    }
}

/// What linking the halves of shared spans needs to know of a span.
pub(super) struct Meta {
    /// Marked `shared` (a server half).
    pub(super) shared: bool,
    /// Its local address.
    pub(super) address: Sym,
    /// It had no timestamp.
    pub(super) untimed: bool,
}

#[derive(Deserialize)]
pub(super) struct ZSpan<'a> {
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    pub(super) trace_id: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) id: Option<Lax<'a>>,
    #[serde(borrow, rename = "parentId", alias = "parent_id")]
    pub(super) parent_id: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) name: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) kind: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) duration: Option<Lax<'a>>,
    #[serde(borrow, rename = "localEndpoint", alias = "local_endpoint")]
    pub(super) local: Option<&'a RawValue>,
    #[serde(borrow, rename = "remoteEndpoint", alias = "remote_endpoint")]
    pub(super) remote: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) annotations: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) tags: Option<&'a RawValue>,
    #[serde(borrow, rename = "binaryAnnotations", alias = "binary_annotations")]
    pub(super) binary: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) debug: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) shared: Option<Lax<'a>>,
}

#[derive(Deserialize, Default, Clone, PartialEq)]
pub(super) struct Endpoint<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    pub(super) service: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) ipv4: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) ipv6: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) port: Option<Lax<'a>>,
}

impl Endpoint<'_> {
    pub(super) fn service(&self) -> String {
        self.service
            .as_deref()
            .and_then(Scalar::literal)
            .unwrap_or_default()
    }

    pub(super) fn address(&self) -> Option<String> {
        self.ipv4
            .as_deref()
            .or(self.ipv6.as_deref())
            .and_then(Scalar::literal)
            .filter(|a| !a.is_empty())
    }

    pub(super) fn port(&self) -> Option<i64> {
        self.port
            .as_deref()
            .and_then(Scalar::as_i64)
            .filter(|&p| p > 0)
    }
}

#[derive(Deserialize)]
pub(super) struct Annotation<'a> {
    #[serde(borrow)]
    pub(super) timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) value: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) endpoint: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct BinaryAnnotation<'a> {
    #[serde(borrow)]
    pub(super) key: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) value: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    pub(super) ty: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) endpoint: Option<&'a RawValue>,
}

/// Status and scope taken out of tags.
#[derive(Default)]
pub(super) struct Special {
    pub(super) status: Option<StatusCode>,
    pub(super) description: Option<String>,
    pub(super) error: Option<String>,
    pub(super) scope_name: Option<String>,
    pub(super) scope_version: Option<String>,
}

impl Special {
    /// Takes a tag that becomes a span field; `true` when taken.
    pub(super) fn take(&mut self, key: &str, text: Option<String>) -> bool {
        match key {
            "otel.status_code" => match text.as_deref().and_then(StatusCode::from_name) {
                Some(c) => self.status = Some(c),
                None => return false,
            },
            "otel.status_description" => self.description = text,
            "error" => self.error = Some(text.unwrap_or_default()),
            "otel.scope.name" | "otel.library.name" => self.scope_name = text,
            "otel.scope.version" | "otel.library.version" => self.scope_version = text,
            _ => return false,
        }
        true
    }

    pub(super) fn apply(self, ctx: &mut Ctx<'_>, s: &mut NewSpan) {
        s.status = match (self.status, &self.error) {
            (Some(c), _) => c,
            (None, Some(_)) => StatusCode::Error,
            (None, None) => StatusCode::Unset,
        };
        let message = self
            .description
            .filter(|d| !d.is_empty())
            .or(self.error.filter(|e| !e.is_empty() && e != "true"));
        if let Some(m) = message {
            s.status_message = ctx.b.intern(&m);
        }
        if self.scope_name.is_some() || self.scope_version.is_some() {
            let name = ctx.b.intern(self.scope_name.as_deref().unwrap_or(""));
            let version = ctx.b.intern(self.scope_version.as_deref().unwrap_or(""));
            s.scope = *ctx.scopes.entry((name, version)).or_insert_with(|| {
                ctx.b.add_scope(Scope {
                    name,
                    version,
                    ..Scope::default()
                })
            });
        }
    }
}

pub(super) fn endpoint<'a>(
    ctx: &mut Ctx<'_>,
    raw: Option<&'a RawValue>,
    owner: &dyn fmt::Display,
) -> Endpoint<'a> {
    let Some(raw) = raw else {
        return Endpoint::default();
    };
    parse_element(ctx.pos, raw).unwrap_or_else(|msg| {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: {msg}; the endpoint was skipped")
        });
        Endpoint::default()
    })
}

/// Namespaces of OpenTelemetry resource attributes. OpenTelemetry's Zipkin exporters copy the
/// resource into every span's tags; like the Collector's Zipkin receiver, Loupe moves them back.
pub(super) const RESOURCE_PREFIXES: &[&str] = &[
    "service.",
    "telemetry.",
    "deployment.",
    "host.",
    "os.",
    "process.",
    "container.",
    "k8s.",
    "cloud.",
    "faas.",
    "device.",
    "webengine.",
];

pub(super) fn is_resource_key(key: &str) -> bool {
    RESOURCE_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The resource of a local service and the resource tags of its span (shared by equal ones).
pub(super) fn resource_for(
    ctx: &mut Ctx<'_>,
    service: &str,
    tags: &[(String, &RawValue)],
) -> ResourceIx {
    let tag_service = tags
        .iter()
        .find(|(k, _)| k == "service.name")
        .and_then(|(_, v)| raw_scalar(v).literal());
    let service = if service.is_empty() {
        tag_service.unwrap_or_default()
    } else {
        service.to_owned()
    };
    if service.is_empty() && tags.is_empty() {
        return ResourceIx(0);
    }
    let mut key = service.clone();
    for (k, v) in tags {
        key.push('\0');
        key.push_str(k);
        key.push('=');
        key.push_str(v.get());
    }
    if let Some(&ix) = ctx.resources.get(&key) {
        return ix;
    }
    let mark = ctx.b.attr_mark();
    let sym = ctx.b.intern(&service);
    if !service.is_empty() {
        push_attr(ctx.b, "service.name", Value::Str(sym));
    }
    for (k, v) in tags {
        if k != "service.name" {
            let value = tag_value(ctx, k, v);
            push_attr(ctx.b, k, value);
        }
    }
    let attrs = ctx.b.commit_attrs(mark);
    let ix = ctx.b.add_resource(Resource {
        attrs,
        service_name: sym,
        ..Resource::default()
    });
    ctx.resources.insert(key, ix);
    ix
}

/// Pushes the local endpoint's address and the remote endpoint's attributes.
pub(super) fn push_endpoint_attrs(ctx: &mut Ctx<'_>, local: &Endpoint<'_>, remote: &Endpoint<'_>) {
    if let Some(a) = local.address() {
        let v = ctx.b.string_value(&a);
        push_attr(ctx.b, "network.local.address", v);
    }
    if let Some(p) = local.port() {
        push_attr(ctx.b, "network.local.port", Value::Int(p));
    }
    let service = remote.service();
    if !service.is_empty() {
        let v = ctx.b.string_value(&service);
        push_attr(ctx.b, "peer.service", v);
    }
    if let Some(a) = remote.address() {
        let v = ctx.b.string_value(&a);
        push_attr(ctx.b, "network.peer.address", v);
    }
    if let Some(p) = remote.port() {
        push_attr(ctx.b, "network.peer.port", Value::Int(p));
    }
}

/// OpenTelemetry attributes whose value is a list of strings. Zipkin exporters write them as one
/// string: Python as a JSON array (`["stop"]`), JavaScript joined with commas (`stop,length`).
pub(super) const STRING_ARRAY_KEYS: &[&str] = &[
    "gen_ai.response.finish_reasons",
    "gen_ai.request.stop_sequences",
    "gen_ai.request.encoding_formats",
];

/// A tag's value: numbers for well-known numeric keys, lists for well-known list keys, strings
/// otherwise (other JSON as it is).
pub(super) fn tag_value(ctx: &mut Ctx<'_>, key: &str, raw: &RawValue) -> Value {
    let input = ctx.input();
    if raw.get().starts_with('"') {
        if let Scalar::Str(t) = raw_scalar(raw) {
            if let Some(v) = typed_attr_value(key, &t) {
                return v;
            }
            if STRING_ARRAY_KEYS.contains(&key) {
                let items: Vec<String> = serde_json::from_str(&t)
                    .unwrap_or_else(|_| t.split(',').map(str::to_owned).collect());
                let mark = ctx.b.value_mark();
                for item in &items {
                    let v = ctx.b.string_value(item);
                    ctx.b.push_value(v);
                }
                return Value::Array(ctx.b.commit_values(mark));
            }
        }
        return string_value(ctx.b, input, raw);
    }
    json_value(ctx.b, input, raw)
}

/// Ids of a span. `None` trace or span id means it was missing (warned).
pub(super) fn read_ids(
    ctx: &mut Ctx<'_>,
    z: &ZSpan<'_>,
    owner: &SpanAt<'_, '_>,
) -> (TraceId, SpanId, Option<SpanId>) {
    let trace_id = match z.trace_id.as_deref().and_then(Scalar::literal) {
        Some(t) if !t.trim().is_empty() => match parse_short_hex::<16>(&t) {
            Some(b) => TraceId::Bytes(b),
            None => {
                ctx.b.warn(WarningCode::BadId, || {
                    format!("{owner}: traceId {t:?} is not 16 or 32 hex digits; kept as given")
                });
                TraceId::Raw(ctx.b.intern(&t))
            }
        },
        _ => {
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner} has no traceId; it is kept in a trace with an empty id")
            });
            TraceId::Raw(Sym::EMPTY)
        }
    };
    let span_id = match z.id.as_deref().and_then(Scalar::literal) {
        Some(t) if !t.trim().is_empty() => match parse_short_hex::<8>(&t) {
            Some(b) => SpanId::Bytes(b),
            None => {
                ctx.b.warn(WarningCode::BadId, || {
                    format!("{owner}: id {t:?} is not 16 hex digits; kept as given")
                });
                SpanId::Raw(ctx.b.intern(&t))
            }
        },
        _ => {
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner} has no id; it is kept with an empty id")
            });
            SpanId::Raw(Sym::EMPTY)
        }
    };
    let parent_id = match z.parent_id.as_deref().and_then(Scalar::literal) {
        Some(t) if !t.trim().is_empty() => match parse_short_hex::<8>(&t) {
            Some(b) if b == [0; 8] => None,
            Some(b) => Some(SpanId::Bytes(b)),
            None => {
                ctx.b.warn(WarningCode::BadId, || {
                    format!("{owner}: parentId {t:?} is not 16 hex digits; kept as given")
                });
                Some(SpanId::Raw(ctx.b.intern(&t)))
            }
        },
        _ => None,
    };
    (trace_id, span_id, parent_id)
}

/// Microseconds → nanoseconds.
pub(super) fn micros(v: &Scalar<'_>) -> Option<u64> {
    match v {
        Scalar::F64(f) if f.is_finite() && *f >= 0.0 => Some((f * 1000.0).round() as u64),
        other => other.as_u64().and_then(|u| u.checked_mul(1000)),
    }
}

/// One annotation read: time (ns), value as raw JSON, endpoint.
pub(super) struct Ann<'a> {
    pub(super) time: Option<u64>,
    pub(super) value: Option<&'a RawValue>,
    pub(super) endpoint: Option<Endpoint<'a>>,
}

pub(super) fn read_annotations<'a>(
    ctx: &mut Ctx<'_>,
    raw: Option<&'a RawValue>,
    owner: &dyn fmt::Display,
) -> Vec<Ann<'a>> {
    let Some(raw) = raw else { return Vec::new() };
    let Some(items) = raw_items(raw) else {
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: annotations are not an array; they were skipped")
        });
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let a: Annotation<'a> = match parse_element(ctx.pos, item) {
            Ok(a) => a,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: {msg}; the annotation was skipped")
                });
                continue;
            }
        };
        let time = a.timestamp.as_deref().and_then(micros);
        if time.is_none() {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: the annotation at {at} has no readable timestamp; taken as 0")
            });
        }
        let endpoint = a.endpoint.map(|e| endpoint(ctx, Some(e), owner));
        out.push(Ann {
            time,
            value: a.value,
            endpoint,
        });
    }
    out
}

/// The text of an annotation's value.
pub(super) fn ann_text(a: &Ann<'_>) -> String {
    a.value
        .map(|v| {
            raw_scalar(v)
                .literal()
                .unwrap_or_else(|| v.get().to_owned())
        })
        .unwrap_or_default()
}

/// Pushes an annotation as an event. A value that is the JSON `{"name": {attributes}}` (as
/// OpenTelemetry's Python exporter writes events with attributes) is read back into both.
pub(super) fn push_event(ctx: &mut Ctx<'_>, a: &Ann<'_>) {
    let text = ann_text(a);
    let mut name = None;
    let mut attrs = Range32::EMPTY;
    if text.trim_start().starts_with('{')
        && let Ok(entries) = serde_json::from_str::<RawEntries<'_>>(&text)
        && let [(key, value)] = entries.0.as_slice()
        && value.get().starts_with('{')
    {
        let mark = ctx.b.attr_mark();
        let input = ctx.input();
        for (k, v) in RawEntries::of(value).unwrap_or_default().0 {
            let key = ctx.b.intern(&k);
            let value = json_value(ctx.b, input, v);
            ctx.b.push_attr(Attr { key, value });
        }
        attrs = ctx.b.commit_attrs(mark);
        name = Some(ctx.b.intern(key));
    }
    let name = name.unwrap_or_else(|| ctx.b.intern(&text));
    ctx.b.push_event(Event {
        time_unix_ns: a.time.unwrap_or(0),
        name,
        attrs,
        dropped_attrs: 0,
    });
}

pub(super) fn flag(v: Option<&Scalar<'_>>) -> bool {
    v.and_then(Scalar::as_bool).unwrap_or(false)
}

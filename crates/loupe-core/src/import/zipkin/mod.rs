//! Zipkin JSON: v2 span lists (what Zipkin's API, its Lens UI and OpenTelemetry's Zipkin exporters
//! write), the API's list of traces (`[[span, …], …]`), and the legacy v1 model (`cs`/`sr`/`ss`/`cr`
//! annotations and `binaryAnnotations`), as a list or a single span object.
//!
//! Mapping onto the span model:
//! - `traceId` (16 or 32 hex; fewer digits are left-padded, 64-bit ids become 128-bit with zeros in
//!   front), `id`, `parentId`; ids that are not hex get a `bad_id` warning and are kept as given.
//! - `timestamp` and `duration` are microseconds → nanoseconds. A span without a timestamp starts at
//!   its first annotation (or at 0, with a warning); a span without a duration (allowed in Zipkin)
//!   ends where it starts.
//! - `kind` → kind (`CLIENT`, `SERVER`, `PRODUCER`, `CONSUMER`); none means a local span: internal.
//! - `localEndpoint.serviceName` → the resource's `service.name`; its address and port →
//!   `network.local.address` / `network.local.port`. `remoteEndpoint` → `peer.service`,
//!   `network.peer.address`, `network.peer.port`.
//! - `tags` → attributes. Zipkin tags are strings, but well-known numeric OpenTelemetry keys (token
//!   counts `gen_ai.usage.*`, `gen_ai.request.max_tokens`, temperatures, ports, status codes) become
//!   numbers again so that sums work, and list keys (`gen_ai.response.finish_reasons`, written as a
//!   JSON array or joined with commas) become lists again; other values stay strings, since Zipkin
//!   keeps no types (nor links). `otel.status_code` / `otel.status_description` and the `error`
//!   tag → status (the `error` tag's text is the message when there is no description);
//!   `otel.scope.name` / `otel.library.name` (and versions) → instrumentation scope. These are
//!   not repeated as attributes.
//! - `annotations` → events named by their value. OpenTelemetry's Python exporter writes an event
//!   with attributes as the JSON `{"name": {attributes}}`; that is read back into a name and
//!   attributes.
//! - `debug: true` → `zipkin.debug`, `shared: true` → `zipkin.shared` (attributes).
//!
//! Shared spans: in Zipkin the client and the server half of one RPC may share a span id (the
//! server half is marked `shared`). Loupe keeps them as two spans, the server half under the client
//! half, as Zipkin Lens shows them. Since the tree links spans by (trace id, span id), the server half
//! gets its own id: the shared id followed by `-server` (e.g. `74280ae0c10d8062-server`, kept as
//! text). Children that name the shared id as their parent go under the half whose service is
//! theirs: the client half when they share its service and not the server's, the server half
//! otherwise. A server half whose client half is not in the file keeps the shared id.
//!
//! Zipkin v1: a span whose annotations hold both client (`cs`/`cr`) and server (`sr`/`ss`) times is
//! one RPC seen from both sides, so it becomes two spans as Zipkin's own v1 converter makes them
//! (client and shared server half, then linked as above); `ms`/`mr` give producer/consumer spans,
//! a span with none of these is a local span. `sa`/`ca` address annotations give the remote
//! endpoints, other binary annotations are tags of the half whose service wrote them (typed by
//! their `type`), and other annotations are events.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{SpanId, TraceId, parse_short_hex};
use crate::import::common::{
    EachRaw, InputBounds, Lax, Pos, RawEntries, Scalar, SpanAt, bytes_value, has_key, head,
    json_value, parse_document, parse_element, push_attr, raw_items, raw_scalar, string_value,
    trim_start, typed_attr_value,
};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{
    Attr, Event, Range32, Resource, ResourceIx, Scope, ScopeIx, SpanKind, StatusCode, Value,
};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The Zipkin JSON importer (v2 and v1).
#[derive(Debug, Clone, Copy)]
pub struct ZipkinJson;

const EXPECTED: &str = "Zipkin JSON (an array of spans {traceId, id, name, timestamp, …})";

impl Importer for ZipkinJson {
    fn format(&self) -> &'static str {
        "zipkin-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if !matches!(b.first(), Some(b'{' | b'[')) {
            return Err("not a JSON object or array".into());
        }
        if super::span_events::SpanEvents.sniff(bytes).is_ok() {
            return Err("span events (`event`: `span_started` …), not Zipkin spans".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "traceId")
            && has_key(h, "id")
            && !has_key(h, "spanId")
            && !has_key(h, "spanID")
        {
            Ok(())
        } else {
            Err("no `traceId` and `id` keys (without `spanId`) in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        b.reserve_spans(input.bytes.len() / 800);
        let first_span = b.set.spans.len();
        let mut ctx = Ctx {
            b,
            pos: Pos::of(input.bytes),
            resources: FxHashMap::default(),
            scopes: FxHashMap::default(),
            meta: Vec::new(),
            fragments: Vec::new(),
        };
        let result = if trim_start(input.bytes).starts_with(b"{") {
            // A single (v1) span object.
            parse_document(input, OneRaw(|raw| element(&mut ctx, raw)), EXPECTED)
        } else {
            parse_document(input, Top(&mut ctx), EXPECTED)
        };
        // Link shared halves even when the file broke off: the spans read so far are kept.
        merge_fragments(&mut ctx, first_span);
        let meta = std::mem::take(&mut ctx.meta);
        split_shared_spans(ctx.b, first_span, &meta);
        place_untimed(ctx.b, first_span, &meta);
        result
    }
}

struct Ctx<'c> {
    b: &'c mut Builder,
    pos: Pos<'c>,
    /// Resources by service name.
    resources: FxHashMap<String, ResourceIx>,
    /// Instrumentation scopes by (name, version).
    scopes: FxHashMap<(Sym, Sym), ScopeIx>,
    /// What the tree pass needs of each span added (from the first of this file on).
    meta: Vec<Meta>,
    /// Spans with no timestamp and no kind, held back to be merged into their other piece.
    fragments: Vec<(NewSpan, Meta)>,
}

impl Ctx<'_> {
    fn input(&self) -> InputBounds {
        self.pos.bounds
    }
}

/// A document that is one value, handed over as raw JSON.
struct OneRaw<F>(F);

impl<'de, F: FnOnce(&'de RawValue)> DeserializeSeed<'de> for OneRaw<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let raw = <&'de RawValue as Deserialize<'de>>::deserialize(d)?;
        (self.0)(raw);
        Ok(())
    }
}

/// What linking the halves of shared spans needs to know of a span.
struct Meta {
    /// Marked `shared` (a server half).
    shared: bool,
    /// Its local address.
    address: Sym,
    /// It had no timestamp.
    untimed: bool,
}

/// The document: an array of spans (or of arrays of spans).
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
        let ctx = self.0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            element(ctx, raw);
        }
        Ok(())
    }
}

fn element(ctx: &mut Ctx<'_>, raw: &RawValue) {
    if raw.get().starts_with('[') {
        // The API's list of traces: each a list of spans.
        let mut de = serde_json::Deserializer::from_str(raw.get());
        let _ = EachRaw(|r: &RawValue| element(&mut *ctx, r)).deserialize(&mut de);
        return;
    }
    let z: ZSpan<'_> = match parse_element(ctx.pos, raw) {
        Ok(z) => z,
        Err(msg) => {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{msg}; expected a Zipkin span object, it was skipped")
            });
            return;
        }
    };
    let v1 = z.local.is_none()
        && z.kind.is_none()
        && (z.binary.is_some() || z.annotations.is_some_and(has_endpoint));
    if v1 {
        v1_span(ctx, &z, raw);
    } else {
        v2_span(ctx, &z, raw);
    }
}

/// Whether any annotation carries an `endpoint` (v1 only).
fn has_endpoint(raw: &RawValue) -> bool {
    raw_items(raw)
        .unwrap_or_default()
        .iter()
        .any(|a| RawEntries::of(a).is_some_and(|e| e.get(&["endpoint"]).is_some()))
}

#[derive(Deserialize)]
struct ZSpan<'a> {
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    trace_id: Option<Lax<'a>>,
    #[serde(borrow)]
    id: Option<Lax<'a>>,
    #[serde(borrow, rename = "parentId", alias = "parent_id")]
    parent_id: Option<Lax<'a>>,
    #[serde(borrow)]
    name: Option<Lax<'a>>,
    #[serde(borrow)]
    kind: Option<Lax<'a>>,
    #[serde(borrow)]
    timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    duration: Option<Lax<'a>>,
    #[serde(borrow, rename = "localEndpoint", alias = "local_endpoint")]
    local: Option<&'a RawValue>,
    #[serde(borrow, rename = "remoteEndpoint", alias = "remote_endpoint")]
    remote: Option<&'a RawValue>,
    #[serde(borrow)]
    annotations: Option<&'a RawValue>,
    #[serde(borrow)]
    tags: Option<&'a RawValue>,
    #[serde(borrow, rename = "binaryAnnotations", alias = "binary_annotations")]
    binary: Option<&'a RawValue>,
    #[serde(borrow)]
    debug: Option<Lax<'a>>,
    #[serde(borrow)]
    shared: Option<Lax<'a>>,
}

#[derive(Deserialize, Default, Clone, PartialEq)]
struct Endpoint<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service: Option<Lax<'a>>,
    #[serde(borrow)]
    ipv4: Option<Lax<'a>>,
    #[serde(borrow)]
    ipv6: Option<Lax<'a>>,
    #[serde(borrow)]
    port: Option<Lax<'a>>,
}

impl Endpoint<'_> {
    fn service(&self) -> String {
        self.service
            .as_deref()
            .and_then(Scalar::literal)
            .unwrap_or_default()
    }

    fn address(&self) -> Option<String> {
        self.ipv4
            .as_deref()
            .or(self.ipv6.as_deref())
            .and_then(Scalar::literal)
            .filter(|a| !a.is_empty())
    }

    fn port(&self) -> Option<i64> {
        self.port
            .as_deref()
            .and_then(Scalar::as_i64)
            .filter(|&p| p > 0)
    }
}

#[derive(Deserialize)]
struct Annotation<'a> {
    #[serde(borrow)]
    timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow)]
    endpoint: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct BinaryAnnotation<'a> {
    #[serde(borrow)]
    key: Option<Lax<'a>>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    ty: Option<Lax<'a>>,
    #[serde(borrow)]
    endpoint: Option<&'a RawValue>,
}

/// Status and scope taken out of tags.
#[derive(Default)]
struct Special {
    status: Option<StatusCode>,
    description: Option<String>,
    error: Option<String>,
    scope_name: Option<String>,
    scope_version: Option<String>,
}

impl Special {
    /// Takes a tag that becomes a span field; `true` when taken.
    fn take(&mut self, key: &str, text: Option<String>) -> bool {
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

    fn apply(self, ctx: &mut Ctx<'_>, s: &mut NewSpan) {
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

fn endpoint<'a>(
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
const RESOURCE_PREFIXES: &[&str] = &[
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

fn is_resource_key(key: &str) -> bool {
    RESOURCE_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The resource of a local service and the resource tags of its span (shared by equal ones).
fn resource_for(ctx: &mut Ctx<'_>, service: &str, tags: &[(String, &RawValue)]) -> ResourceIx {
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
fn push_endpoint_attrs(ctx: &mut Ctx<'_>, local: &Endpoint<'_>, remote: &Endpoint<'_>) {
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
const STRING_ARRAY_KEYS: &[&str] = &[
    "gen_ai.response.finish_reasons",
    "gen_ai.request.stop_sequences",
    "gen_ai.request.encoding_formats",
];

/// A tag's value: numbers for well-known numeric keys, lists for well-known list keys, strings
/// otherwise (other JSON as it is).
fn tag_value(ctx: &mut Ctx<'_>, key: &str, raw: &RawValue) -> Value {
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
fn read_ids(
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
fn micros(v: &Scalar<'_>) -> Option<u64> {
    match v {
        Scalar::F64(f) if f.is_finite() && *f >= 0.0 => Some((f * 1000.0).round() as u64),
        other => other.as_u64().and_then(|u| u.checked_mul(1000)),
    }
}

/// One annotation read: time (ns), value as raw JSON, endpoint.
struct Ann<'a> {
    time: Option<u64>,
    value: Option<&'a RawValue>,
    endpoint: Option<Endpoint<'a>>,
}

fn read_annotations<'a>(
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
fn ann_text(a: &Ann<'_>) -> String {
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
fn push_event(ctx: &mut Ctx<'_>, a: &Ann<'_>) {
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

fn v2_span(ctx: &mut Ctx<'_>, z: &ZSpan<'_>, raw: &RawValue) {
    let name = z
        .name
        .as_deref()
        .and_then(Scalar::literal)
        .unwrap_or_default();
    let offset =
        z.id.as_ref()
            .and_then(|l| match &l.0 {
                Scalar::Str(std::borrow::Cow::Borrowed(t)) => ctx.input().offset_of(t),
                _ => None,
            })
            .unwrap_or_else(|| ctx.pos.offset(raw.get()));
    let at = ctx.pos.at(offset);
    let owner = SpanAt { name: &name, at };
    let (trace_id, span_id, parent_id) = read_ids(ctx, z, &owner);
    let mut s = NewSpan::new(trace_id, span_id, ctx.b.intern(&name));
    s.parent_id = parent_id;
    s.offset = offset as u64;
    s.kind = match z.kind.as_deref() {
        None | Some(Scalar::Null) => SpanKind::Internal,
        Some(k) => k.as_str().and_then(SpanKind::from_name).unwrap_or_else(|| {
            let what = k.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: kind is {what}, expected CLIENT, SERVER, PRODUCER or CONSUMER; taken as internal")
            });
            SpanKind::Internal
        }),
    };
    let local = endpoint(ctx, z.local, &owner);
    let remote = endpoint(ctx, z.remote, &owner);

    let anns = read_annotations(ctx, z.annotations, &owner);
    let first_ann = anns.iter().filter_map(|a| a.time).min();
    let mut untimed = false;
    s.start_unix_ns = match z.timestamp.as_deref() {
        None | Some(Scalar::Null) => first_ann.unwrap_or_else(|| {
            untimed = true;
            0
        }),
        Some(t) => micros(t).unwrap_or_else(|| {
            let what = t.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!(
                    "{owner}: timestamp is {what}, expected microseconds since 1970; taken as 0"
                )
            });
            0
        }),
    };
    let duration = match z.duration.as_deref() {
        None | Some(Scalar::Null) => 0,
        Some(d) => micros(d).unwrap_or_else(|| {
            let what = d.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: duration is {what}, expected microseconds; taken as 0")
            });
            0
        }),
    };
    s.end_unix_ns = s.start_unix_ns.saturating_add(duration);

    let emark = ctx.b.event_mark();
    for a in &anns {
        push_event(ctx, a);
    }
    s.events = ctx.b.commit_events(emark);

    let mut special = Special::default();
    let mut resource_tags: Vec<(String, &RawValue)> = Vec::new();
    let mark = ctx.b.attr_mark();
    if let Some(tags) = z.tags {
        match RawEntries::of(tags) {
            Some(entries) => {
                for (k, v) in entries.0 {
                    if special.take(&k, raw_scalar(v).literal()) {
                        continue;
                    }
                    if is_resource_key(&k) {
                        resource_tags.push((k.into_owned(), v));
                        continue;
                    }
                    let value = tag_value(ctx, &k, v);
                    push_attr(ctx.b, &k, value);
                }
            }
            None => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: tags are not an object; they were skipped")
                });
            }
        }
    }
    push_endpoint_attrs(ctx, &local, &remote);
    let shared = flag(z.shared.as_deref());
    if flag(z.debug.as_deref()) {
        push_attr(ctx.b, "zipkin.debug", Value::Bool(true));
    }
    if shared {
        push_attr(ctx.b, "zipkin.shared", Value::Bool(true));
    }
    s.attrs = ctx.b.commit_attrs(mark);
    s.resource = resource_for(ctx, &local.service(), &resource_tags);
    special.apply(ctx, &mut s);
    let address = local.address().map_or(Sym::EMPTY, |a| ctx.b.intern(&a));
    let meta = Meta {
        shared,
        address,
        untimed,
    };
    if untimed && z.kind.is_none() {
        // Perhaps a fragment of a half reported in pieces: merged at the end if its other piece is here.
        ctx.fragments.push((s, meta));
    } else {
        ctx.b.add_span(s);
        ctx.meta.push(meta);
    }
}

fn flag(v: Option<&Scalar<'_>>) -> bool {
    v.and_then(Scalar::as_bool).unwrap_or(false)
}

/// One half of a v1 span being built.
struct Half<'a> {
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

fn v1_span(ctx: &mut Ctx<'_>, z: &ZSpan<'_>, raw: &RawValue) {
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

struct Binary<'a> {
    key: String,
    value: Option<&'a RawValue>,
    ty: Option<String>,
    endpoint: Option<Endpoint<'a>>,
    is_true: bool,
}

fn read_binary<'a>(
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
fn binary_value(ctx: &mut Ctx<'_>, bin: &Binary<'_>, owner: &dyn fmt::Display) -> Value {
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

/// Zipkin reports one half of a span in pieces when its data arrives at different times (a piece
/// with only tags, no timestamp and no kind). As Zipkin does when it reads them back, a piece that
/// has the same trace, id and local service as a timed span is merged into it (its attributes and
/// events added); a piece with nothing to merge into is kept as a span of its own.
fn merge_fragments(ctx: &mut Ctx<'_>, first: usize) {
    let fragments = std::mem::take(&mut ctx.fragments);
    if fragments.is_empty() {
        return;
    }
    let b = &mut *ctx.b;
    let service = |b: &Builder, r: ResourceIx| b.set.resources[r.0 as usize].service_name;
    let mut whole: FxHashMap<(TraceId, SpanId, Sym), usize> = FxHashMap::default();
    for i in first..b.set.spans.len() {
        let s = &b.set.spans[i];
        let trace = b.set.traces[s.trace.0 as usize].id;
        whole
            .entry((trace, s.span_id, service(b, s.resource)))
            .or_insert(i);
    }
    for (f, meta) in fragments {
        let Some(&i) = whole.get(&(f.trace_id, f.span_id, service(b, f.resource))) else {
            b.add_span(f);
            ctx.meta.push(meta);
            continue;
        };
        let have: Vec<Sym> = b.set.attrs[b.set.spans[i].attrs.as_range()]
            .iter()
            .map(|a| a.key)
            .collect();
        let extra: Vec<Attr> = b.set.attrs[f.attrs.as_range()]
            .iter()
            .filter(|a| !have.contains(&a.key))
            .copied()
            .collect();
        crate::import::common::append_span_attrs(b, i, &extra);
        if !f.events.is_empty() {
            let old = b.set.spans[i].events;
            let mark = b.event_mark();
            for e in old.as_range().chain(f.events.as_range()) {
                let e = b.set.events[e];
                b.push_event(e);
            }
            b.set.spans[i].events = b.commit_events(mark);
        }
        let s = &mut b.set.spans[i];
        if s.parent_id.is_none() {
            s.parent_id = f.parent_id;
        }
        if s.name == Sym::EMPTY {
            s.name = f.name;
        }
        if s.status == StatusCode::Unset {
            (s.status, s.status_message) = (f.status, f.status_message);
        }
    }
}

/// Gives the server halves of each shared span their own ids under the client half, and moves the
/// children of a shared id to the half that made them (see the module doc).
fn split_shared_spans(b: &mut Builder, first: usize, meta: &[Meta]) {
    let end = b.set.spans.len().min(first + meta.len());
    let is_server =
        |b: &Builder, i: usize| meta[i - first].shared || b.set.spans[i].kind == SpanKind::Server;
    let mut groups: FxHashMap<(u32, SpanId), Vec<usize>> = FxHashMap::default();
    for i in first..end {
        let s = &b.set.spans[i];
        groups.entry((s.trace.0, s.span_id)).or_default().push(i);
    }
    let mut keys: Vec<_> = groups.into_iter().filter(|(_, v)| v.len() >= 2).collect();
    if keys.is_empty() {
        return;
    }
    keys.sort_by_key(|(_, v)| v[0]);
    // (trace, shared id) → (client, server halves).
    let mut split: FxHashMap<(u32, SpanId), (usize, Vec<usize>)> = FxHashMap::default();
    for (key, members) in keys {
        let client = members
            .iter()
            .copied()
            .find(|&i| b.set.spans[i].kind == SpanKind::Client && !meta[i - first].shared)
            .or_else(|| members.iter().copied().find(|&i| !is_server(b, i)));
        let Some(client) = client else { continue };
        let servers: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| i != client && is_server(b, i))
            .collect();
        if servers.is_empty() {
            continue;
        }
        let id = key.1;
        let shown = id.display(b.set.strings()).to_string();
        for (n, &server) in servers.iter().enumerate() {
            // Several server halves (one request fanned out) get -server, -server-2, …
            let text = if n == 0 {
                format!("{shown}-server")
            } else {
                format!("{shown}-server-{}", n + 1)
            };
            let server_id = SpanId::Raw(b.intern(&text));
            let s = &mut b.set.spans[server];
            s.span_id = server_id;
            s.parent_id = Some(id);
        }
        split.insert(key, (client, servers));
    }
    let service =
        |b: &Builder, i: usize| b.set.resources[b.set.spans[i].resource.0 as usize].service_name;
    for i in first..end {
        let s = &b.set.spans[i];
        let Some(parent) = s.parent_id else { continue };
        let Some((client, servers)) = split.get(&(s.trace.0, parent)) else {
            continue;
        };
        if i == *client || servers.contains(&i) {
            continue;
        }
        let mine = service(b, i);
        let by_service: Vec<usize> = servers
            .iter()
            .copied()
            .filter(|&h| service(b, h) == mine)
            .collect();
        if by_service.is_empty() && mine == service(b, *client) {
            continue;
        }
        let mut candidates = if by_service.is_empty() {
            servers.clone()
        } else {
            by_service
        };
        let address = meta[i - first].address;
        if address != Sym::EMPTY
            && candidates
                .iter()
                .any(|&h| meta[h - first].address == address)
        {
            candidates.retain(|&h| meta[h - first].address == address);
        }
        // The latest half that started before the child did, else the earliest.
        let start = b.set.spans[i].start_unix_ns;
        let chosen = candidates
            .iter()
            .copied()
            .filter(|&h| b.set.spans[h].start_unix_ns <= start)
            .max_by_key(|&h| b.set.spans[h].start_unix_ns)
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .min_by_key(|&h| b.set.spans[h].start_unix_ns)
            });
        if let Some(h) = chosen {
            b.set.spans[i].parent_id = Some(b.set.spans[h].span_id);
        }
    }
}

/// Spans without a timestamp (Zipkin's late-arriving halves, which carry only tags) start where
/// their parent starts, or where the trace's first span in this file starts, with no duration.
fn place_untimed(b: &mut Builder, first: usize, meta: &[Meta]) {
    let untimed: Vec<usize> = (0..meta.len())
        .filter(|&i| meta[i].untimed)
        .map(|i| i + first)
        .collect();
    if untimed.is_empty() {
        return;
    }
    let end = b.set.spans.len().min(first + meta.len());
    let mut starts: FxHashMap<(u32, SpanId), u64> = FxHashMap::default();
    let mut trace_start: FxHashMap<u32, u64> = FxHashMap::default();
    for i in first..end {
        if meta[i - first].untimed {
            continue;
        }
        let s = &b.set.spans[i];
        starts
            .entry((s.trace.0, s.span_id))
            .or_insert(s.start_unix_ns);
        let t = trace_start.entry(s.trace.0).or_insert(s.start_unix_ns);
        *t = (*t).min(s.start_unix_ns);
    }
    // Parents that are untimed too are placed first: repeat while anything moves (bounded).
    let mut pending = untimed.clone();
    for _ in 0..8 {
        let before = pending.len();
        pending.retain(|&i| {
            let s = &b.set.spans[i];
            match s.parent_id.and_then(|p| starts.get(&(s.trace.0, p))) {
                Some(&t) => {
                    let key = (s.trace.0, s.span_id);
                    let s = &mut b.set.spans[i];
                    (s.start_unix_ns, s.end_unix_ns) = (t, t);
                    starts.entry(key).or_insert(t);
                    false
                }
                None => true,
            }
        });
        if pending.len() == before {
            break;
        }
    }
    for &i in &pending {
        let t = trace_start
            .get(&b.set.spans[i].trace.0)
            .copied()
            .unwrap_or(0);
        let s = &mut b.set.spans[i];
        (s.start_unix_ns, s.end_unix_ns) = (t, t);
    }
    let names: Vec<String> = untimed
        .iter()
        .take(3)
        .map(|&i| format!("`{}`", b.resolve(b.set.spans[i].name)))
        .collect();
    let n = untimed.len();
    let more = if n > 3 { ", …" } else { "" };
    b.warn(WarningCode::MissingField, || {
        format!("{n} span(s) have no timestamp ({}{more}); each is placed at its parent's start with no duration", names.join(", "))
    });
}

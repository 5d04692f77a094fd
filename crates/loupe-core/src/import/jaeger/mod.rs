//! Jaeger JSON, in every shape Jaeger and its UI write it:
//!
//! - the query API's `{"data": [trace, …]}` (also `{"result": …}`), each trace `{traceID, spans,
//!   processes, warnings}` with spans naming their process by `processID`;
//! - a bare trace object `{traceID, spans, processes}` (what the UI saves and loads);
//! - a bare array of spans, each with its `process` inline (the anonymizer's output), or of traces;
//! - the api_v2 protobuf model in JSON: base64 ids, RFC 3339 `startTime`, durations such as
//!   `"5000ns"` or `"1.5s"`, typed tags (`vType`, `vStr`, `vInt64`, `vBool`, `vFloat64`,
//!   `vBinary`), a `processMap` list, and enums that may be left out when they are the default.
//!
//! Mapping onto the span model:
//! - `startTime` and `duration` are microseconds (or RFC 3339 and a duration text) → nanoseconds.
//! - Tags → attributes with their types kept; an int64 given as a string or a JSON number beyond
//!   2⁵³ is read from its digits, never through f64. `span.kind` → kind; `error=true` → error
//!   status; `otel.status_code` / `otel.status_description` → status (they win over `error`);
//!   `otel.scope.name` / `otel.library.name` (and versions) → instrumentation scope. These tags
//!   are not repeated as attributes.
//! - `process.serviceName` and the process tags → the resource (`service.name` first).
//! - Logs → events; a log's `event` field names the event (as OpenTelemetry's Jaeger translator does),
//!   the other fields are its attributes.
//! - A span's `warnings` → the attribute `jaeger.warnings`; a trace's `warnings` → the attribute
//!   `jaeger.trace_warnings` on that trace's root spans. Entries of the query API's `errors` become
//!   `bad_value` warnings.
//!
//! References: the parent is the first `CHILD_OF` reference in the span's own trace; when there is
//! none, the first other reference in the span's own trace (so a span with only `FOLLOWS_FROM`
//! hangs under the span it follows). This is what Jaeger shows: its query service moves that
//! reference to the front (the `ParentReference` adjuster) and Jaeger UI hangs a span under its
//! first reference, whatever its type. Every other reference, and a `FOLLOWS_FROM` parent too,
//! becomes a link with `opentracing.ref_type` = `child_of` / `follows_from`. One difference: when
//! every reference points into another trace, Jaeger UI still looks the first one's span id up in
//! the current trace; Loupe makes such a span a root with links instead.
//!
//! Ids: Jaeger writes ids as hex numbers, so leading zeros may be missing (`ec2b4e0bcea566d`); they
//! are left-padded, and a 64-bit trace id becomes a 128-bit one with zeros in front. Ids that are
//! not hex (`trace-123`, `span-2_1`) are kept as given with no warning: Jaeger UI treats ids as
//! opaque strings and its own fixtures use such ids, so they are legal in the files it reads. Only
//! hex that is too long for its id, which no Jaeger component writes, gets a `bad_id` warning. In
//! the api_v2 model (`traceId`/`spanId`) ids are base64 first, hex second.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{IdText, SpanId, TraceId, parse_id_text, parse_short_hex};
use crate::import::common::{
    EachEntry, EachRaw, EpochUnit, InputBounds, Lax, LineCol, Pos, RawEntries, Scalar, SpanAt,
    append_span_attrs, bytes_value, fields, has_key, head, json_value, parse_document,
    parse_duration_ns, parse_element, push_attr, raw_items, raw_scalar, string_value, time_ns,
    trim_start,
};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{
    Attr, Event, Link, Range32, Resource, ResourceIx, Scope, ScopeIx, SpanKind, StatusCode, Value,
};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The Jaeger JSON importer.
#[derive(Debug, Clone, Copy)]
pub struct JaegerJson;

const EXPECTED: &str =
    "Jaeger JSON ({\"data\": [trace]}, a trace {traceID, spans, processes}, or an array of spans)";

impl Importer for JaegerJson {
    fn format(&self) -> &'static str {
        "jaeger-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if !matches!(b.first(), Some(b'{' | b'[')) {
            return Err("not a JSON object or array".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "operationName") && (has_key(h, "spanID") || has_key(h, "spanId")) {
            Ok(())
        } else {
            Err("no `operationName` and `spanID` keys in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        b.reserve_spans(input.bytes.len() / 1000);
        let mut ctx = Ctx {
            b,
            pos: Pos::of(input.bytes),
            inline_processes: FxHashMap::default(),
            scopes: FxHashMap::default(),
        };
        parse_document(input, Doc(&mut ctx, false), EXPECTED)
    }
}

struct Ctx<'c> {
    b: &'c mut Builder,
    pos: Pos<'c>,
    /// Inline `process` objects by their JSON text, so equal ones share a resource.
    inline_processes: FxHashMap<String, ResourceIx>,
    /// Instrumentation scopes by (name, version).
    scopes: FxHashMap<(Sym, Sym), ScopeIx>,
}

impl Ctx<'_> {
    fn input(&self) -> InputBounds {
        self.pos.bounds
    }
}

/// What one trace object (or a bare array of spans) shares between its spans.
struct TraceScope {
    /// The first span it added.
    first_span: usize,
    /// The trace's own `traceID`, for spans that leave theirs out.
    trace_id: Option<TraceId>,
    /// `processID` → reserved resource, and whether the `processes` map filled it.
    processes: FxHashMap<String, (ResourceIx, bool)>,
    /// The trace's `warnings`.
    warnings: Vec<String>,
}

impl TraceScope {
    fn new(b: &Builder) -> Self {
        TraceScope {
            first_span: b.set.spans.len(),
            trace_id: None,
            processes: FxHashMap::default(),
            warnings: Vec::new(),
        }
    }

    fn process_slot(&mut self, b: &mut Builder, id: &str) -> ResourceIx {
        self.processes
            .entry(id.to_owned())
            .or_insert_with(|| (b.add_resource(Resource::default()), false))
            .0
    }
}

/// The top of the document: an object (a query response, a trace, an api_v2 trace) or an array.
/// `.1`: an array holds traces only (the query API's `data`), read one after another as they come,
/// so a file that breaks off keeps the spans before the break.
struct Doc<'a, 'c>(&'a mut Ctx<'c>, bool);

impl<'de> DeserializeSeed<'de> for Doc<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Doc<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        TraceObject(self.0).visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.0;
        if self.1 {
            while seq.next_element_seed(TraceObject(&mut *ctx))?.is_some() {}
            return Ok(());
        }
        let mut scope = TraceScope::new(ctx.b);
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if has_key(raw.get().as_bytes(), "spans") {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                if let Err(e) = TraceObject(&mut *ctx).deserialize(&mut de) {
                    let (l, c) = ctx.pos.error_position(ctx.pos.offset(raw.get()), &e);
                    let text = crate::import::common::error_text(&e);
                    ctx.b.warn(WarningCode::BadValue, || {
                        format!("line {l}, column {c}: a trace object could not be read ({text}); it was skipped")
                    });
                }
            } else {
                span(ctx, &mut scope, raw);
            }
        }
        finish_scope(ctx, &scope);
        Ok(())
    }
}

fields!(TraceField {
    Data => ["data"],
    Result => ["result"],
    TraceIdUi => ["traceID"],
    TraceIdPb => ["traceId", "trace_id"],
    Spans => ["spans"],
    Processes => ["processes"],
    ProcessMap => ["processMap", "process_map"],
    Warnings => ["warnings"],
    Errors => ["errors"],
});

/// A trace object, or a query response holding traces under `data`.
struct TraceObject<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for TraceObject<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TraceObject<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let mut scope = TraceScope::new(ctx.b);
        while let Some(k) = map.next_key::<TraceField>()? {
            match k {
                TraceField::Data | TraceField::Result => {
                    map.next_value_seed(Doc(&mut *ctx, k == TraceField::Data))?;
                }
                TraceField::TraceIdUi | TraceField::TraceIdPb => {
                    let proto = k == TraceField::TraceIdPb;
                    let v: Scalar<'de> = map.next_value()?;
                    scope.trace_id = match jaeger_id::<16>(&v, proto) {
                        JId::Bytes(b) => Some(TraceId::Bytes(b)),
                        JId::Raw(t) | JId::TooLong(t) => Some(TraceId::Raw(ctx.b.intern(&t))),
                        JId::None => None,
                    };
                }
                TraceField::Spans => {
                    map.next_value_seed(EachRaw(|raw| span(&mut *ctx, &mut scope, raw)))?;
                }
                TraceField::Processes => {
                    map.next_value_seed(EachEntry(|id: std::borrow::Cow<'de, str>, raw| {
                        fill_process(&mut *ctx, &mut scope, &id, raw);
                    }))?;
                }
                TraceField::ProcessMap => {
                    map.next_value_seed(EachRaw(|raw: &'de RawValue| {
                        let entry = RawEntries::of(raw).unwrap_or_default();
                        let id = entry
                            .get(&["processId", "process_id", "processID"])
                            .and_then(|r| raw_scalar(r).literal());
                        match (id, entry.get(&["process"])) {
                            (Some(id), Some(p)) => fill_process(&mut *ctx, &mut scope, &id, p),
                            _ => {
                                let at = ctx.pos.at_str(raw.get());
                                ctx.b.warn(WarningCode::MissingField, || {
                                    format!("{at}: a processMap entry has no processId or process; it was skipped")
                                });
                            }
                        }
                    }))?;
                }
                TraceField::Warnings => {
                    let raw: &'de RawValue = map.next_value()?;
                    scope.warnings.extend(strings(raw));
                }
                TraceField::Errors => {
                    map.next_value_seed(EachRaw(|raw: &'de RawValue| {
                        let e = RawEntries::of(raw).unwrap_or_default();
                        let msg = e
                            .get(&["msg", "message"])
                            .and_then(|r| raw_scalar(r).literal())
                            .unwrap_or_else(|| raw.get().to_owned());
                        let at = ctx.pos.at_str(raw.get());
                        ctx.b.warn(WarningCode::BadValue, || {
                            format!("{at}: the Jaeger query reported an error: {msg}")
                        });
                    }))?;
                }
                TraceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        finish_scope(ctx, &scope);
        Ok(())
    }
}

/// Strings of a JSON array (other items as their JSON text).
fn strings(raw: &RawValue) -> Vec<String> {
    raw_items(raw)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            raw_scalar(r)
                .literal()
                .unwrap_or_else(|| r.get().to_owned())
        })
        .collect()
}

/// Warns about processes named but never given, and puts the trace's warnings on its roots.
fn finish_scope(ctx: &mut Ctx<'_>, scope: &TraceScope) {
    let mut missing: Vec<&String> = scope
        .processes
        .iter()
        .filter(|(_, (_, filled))| !filled)
        .map(|(id, _)| id)
        .collect();
    missing.sort();
    for id in missing {
        ctx.b.warn(WarningCode::MissingField, || {
            format!("processID {id:?} is not in the trace's `processes`; its spans have no service")
        });
    }
    if scope.warnings.is_empty() {
        return;
    }
    let mark = ctx.b.value_mark();
    for w in &scope.warnings {
        let v = ctx.b.string_value(w);
        ctx.b.push_value(v);
    }
    let list = Value::Array(ctx.b.commit_values(mark));
    let key = ctx.b.intern("jaeger.trace_warnings");
    for i in scope.first_span..ctx.b.set.spans.len() {
        if ctx.b.set.spans[i].parent_id.is_none() {
            append_span_attrs(ctx.b, i, &[Attr { key, value: list }]);
        }
    }
}

#[derive(Deserialize)]
struct JProcess<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service: Option<Lax<'a>>,
    #[serde(borrow)]
    tags: Option<&'a RawValue>,
}

/// A process object as a resource: `service.name` first, then its tags.
fn process_resource(ctx: &mut Ctx<'_>, raw: &RawValue) -> Resource {
    let p: JProcess<'_> = match parse_element(ctx.pos, raw) {
        Ok(p) => p,
        Err(msg) => {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{msg}; a process could not be read, its spans have no service")
            });
            return Resource::default();
        }
    };
    let mark = ctx.b.attr_mark();
    let service = p.service.and_then(|s| s.literal()).unwrap_or_default();
    let service_name = if service.is_empty() {
        Sym::EMPTY
    } else {
        let sym = ctx.b.intern(&service);
        push_attr(ctx.b, "service.name", Value::Str(sym));
        sym
    };
    let mut special = Special::default();
    read_tags(ctx, p.tags, TagsOf::Process, &mut special, &"a process");
    Resource {
        attrs: ctx.b.commit_attrs(mark),
        service_name,
        schema_url: Sym::EMPTY,
        dropped_attrs: 0,
    }
}

fn fill_process(ctx: &mut Ctx<'_>, scope: &mut TraceScope, id: &str, raw: &RawValue) {
    let resource = process_resource(ctx, raw);
    match scope.processes.get_mut(id) {
        Some((ix, filled)) => {
            ctx.b.set_resource(*ix, resource);
            *filled = true;
        }
        None => {
            let ix = ctx.b.add_resource(resource);
            scope.processes.insert(id.to_owned(), (ix, true));
        }
    }
}

#[derive(Deserialize)]
struct JSpan<'a> {
    #[serde(borrow, rename = "traceID")]
    trace_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    trace_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanID")]
    span_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanId", alias = "span_id")]
    span_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "parentSpanID", alias = "parentSpanId")]
    parent_span_id: Option<Lax<'a>>,
    #[serde(borrow, rename = "operationName", alias = "operation_name")]
    name: Option<Lax<'a>>,
    #[serde(borrow)]
    references: Option<&'a RawValue>,
    #[serde(borrow)]
    flags: Option<Lax<'a>>,
    #[serde(borrow, rename = "startTime", alias = "start_time")]
    start: Option<Lax<'a>>,
    #[serde(borrow)]
    duration: Option<Lax<'a>>,
    #[serde(borrow)]
    tags: Option<&'a RawValue>,
    #[serde(borrow)]
    logs: Option<&'a RawValue>,
    #[serde(borrow)]
    process: Option<&'a RawValue>,
    #[serde(borrow, rename = "processID", alias = "processId")]
    process_id: Option<Lax<'a>>,
    #[serde(borrow)]
    warnings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct JRef<'a> {
    #[serde(borrow, rename = "refType", alias = "ref_type")]
    ref_type: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceID")]
    trace_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    trace_id_pb: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanID")]
    span_id_ui: Option<Lax<'a>>,
    #[serde(borrow, rename = "spanId", alias = "span_id")]
    span_id_pb: Option<Lax<'a>>,
}

#[derive(Deserialize)]
struct JLog<'a> {
    #[serde(borrow)]
    timestamp: Option<Lax<'a>>,
    #[serde(borrow)]
    fields: Option<&'a RawValue>,
}

/// An id as read: binary, text kept as given, hex too long for the id (kept as given, warned), or none.
#[derive(Debug, Clone, PartialEq, Eq)]
enum JId<const N: usize> {
    None,
    Bytes([u8; N]),
    Raw(String),
    TooLong(String),
}

/// Reads a Jaeger id. UI JSON (`proto == false`) writes hex numbers that may have lost leading
/// zeros; the api_v2 model writes base64 (some producers hex).
fn jaeger_id<const N: usize>(v: &Scalar<'_>, proto: bool) -> JId<N> {
    let Some(text) = v.literal() else {
        return JId::None;
    };
    let t = text.trim();
    if t.is_empty() {
        return JId::None;
    }
    if proto {
        match parse_id_text::<N>(t) {
            IdText::Bytes(b) => return JId::Bytes(b),
            IdText::Zero | IdText::Empty => return JId::None,
            IdText::Other => {}
        }
    }
    if t.bytes().all(|c| c.is_ascii_hexdigit()) {
        return match parse_short_hex::<N>(t) {
            Some(b) if b.iter().all(|&x| x == 0) => JId::None,
            Some(b) => JId::Bytes(b),
            None => JId::TooLong(t.to_owned()),
        };
    }
    JId::Raw(t.to_owned())
}

/// Whether tags belong to a span, a log or a process (each has its own special keys).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagsOf {
    Span,
    Log,
    Process,
}

/// Tags that become span fields instead of attributes.
#[derive(Default, Debug)]
struct Special {
    kind: Option<SpanKind>,
    error: Option<bool>,
    status: Option<StatusCode>,
    status_message: Option<String>,
    event: Option<String>,
    scope_name: Option<String>,
    scope_version: Option<String>,
}

#[derive(Deserialize)]
struct JTag<'a> {
    #[serde(borrow)]
    key: Option<Lax<'a>>,
    #[serde(borrow, rename = "type")]
    ty: Option<Lax<'a>>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow, rename = "vType", alias = "v_type")]
    v_type: Option<Lax<'a>>,
    #[serde(borrow, rename = "vStr", alias = "v_str")]
    v_str: Option<&'a RawValue>,
    #[serde(borrow, rename = "vBool", alias = "v_bool")]
    v_bool: Option<&'a RawValue>,
    #[serde(borrow, rename = "vInt64", alias = "v_int64")]
    v_int64: Option<&'a RawValue>,
    #[serde(borrow, rename = "vFloat64", alias = "v_float64")]
    v_float64: Option<&'a RawValue>,
    #[serde(borrow, rename = "vBinary", alias = "v_binary")]
    v_binary: Option<&'a RawValue>,
}

/// Tag value types, from UI JSON's `type` or api_v2's `vType`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagType {
    Str,
    Bool,
    Int64,
    Float64,
    Binary,
}

impl TagType {
    fn from_name(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "string" => TagType::Str,
            "bool" => TagType::Bool,
            "int64" => TagType::Int64,
            "float64" => TagType::Float64,
            "binary" => TagType::Binary,
            _ => return None,
        })
    }

    fn from_proto(v: &Scalar<'_>) -> Option<Self> {
        match v.as_i64() {
            Some(0) => Some(TagType::Str),
            Some(1) => Some(TagType::Bool),
            Some(2) => Some(TagType::Int64),
            Some(3) => Some(TagType::Float64),
            Some(4) => Some(TagType::Binary),
            Some(_) => None,
            None => v.as_str().and_then(TagType::from_name),
        }
    }

    fn name(self) -> &'static str {
        match self {
            TagType::Str => "string",
            TagType::Bool => "bool",
            TagType::Int64 => "int64",
            TagType::Float64 => "float64",
            TagType::Binary => "binary",
        }
    }
}

/// The declared type (if any, and whether it was understood) and the raw value of a tag.
fn tag_parts<'a>(t: &JTag<'a>) -> (Option<Result<TagType, String>>, Option<&'a RawValue>) {
    if let Some(ty) = &t.ty {
        let declared = ty
            .as_str()
            .and_then(TagType::from_name)
            .ok_or_else(|| ty.describe());
        return (Some(declared), t.value);
    }
    if let Some(vt) = &t.v_type {
        let declared = TagType::from_proto(vt).ok_or_else(|| vt.describe());
        let raw = match declared {
            Ok(TagType::Str) => t.v_str,
            Ok(TagType::Bool) => t.v_bool,
            Ok(TagType::Int64) => t.v_int64,
            Ok(TagType::Float64) => t.v_float64,
            Ok(TagType::Binary) => t.v_binary,
            Err(_) => t.value,
        };
        return (Some(declared), raw);
    }
    // api_v2 leaves `vType` out when it is STRING (0); the field that is present says the type.
    for (ty, raw) in [
        (TagType::Str, t.v_str),
        (TagType::Bool, t.v_bool),
        (TagType::Int64, t.v_int64),
        (TagType::Float64, t.v_float64),
        (TagType::Binary, t.v_binary),
    ] {
        if raw.is_some() {
            return (Some(Ok(ty)), raw);
        }
    }
    (None, t.value)
}

/// Converts a tag's raw value to its declared type. `Err` when it does not fit the type.
fn typed_value(ctx: &mut Ctx<'_>, ty: TagType, raw: &RawValue) -> Result<Value, ()> {
    let input = ctx.input();
    let is_string = raw.get().starts_with('"');
    Ok(match ty {
        TagType::Str if is_string => string_value(ctx.b, input, raw),
        TagType::Str => ctx.b.string_value(raw.get()),
        TagType::Bool => Value::Bool(raw_scalar(raw).as_bool().ok_or(())?),
        TagType::Int64 => Value::Int(raw_scalar(raw).as_i64().ok_or(())?),
        TagType::Float64 => Value::Double(raw_scalar(raw).as_f64().ok_or(())?),
        TagType::Binary if is_string => bytes_value(ctx.b, input, raw),
        TagType::Binary => return Err(()),
    })
}

/// Reads a tag list, pushing attributes onto the builder's list and taking out the special keys.
fn read_tags(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    of: TagsOf,
    special: &mut Special,
    owner: &dyn fmt::Display,
) {
    let Some(raw) = raw else { return };
    let Some(items) = raw_items(raw) else {
        let at = ctx.pos.at_str(raw.get());
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: tags at {at} are not an array; they were skipped")
        });
        return;
    };
    for item in items {
        let tag: JTag<'_> = match parse_element(ctx.pos, item) {
            Ok(t) => t,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: {msg}; the tag was skipped")
                });
                continue;
            }
        };
        let Some(key) = tag.key.as_deref().and_then(Scalar::literal) else {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner}: the tag at {at} has no key; it was skipped")
            });
            continue;
        };
        let (declared, value_raw) = tag_parts(&tag);
        if take_special(special, of, &key, value_raw) {
            continue;
        }
        let value = match (declared, value_raw) {
            (_, None) => Value::Empty,
            (None, Some(r)) => json_value(ctx.b, ctx.input(), r),
            (Some(Ok(ty)), Some(r)) => match typed_value(ctx, ty, r) {
                Ok(v) => v,
                Err(()) => {
                    let (at, text) = (ctx.pos.at_str(r.get()), raw_scalar(r).describe());
                    ctx.b.warn(WarningCode::BadValue, || {
                        format!("{owner}: tag `{key}` at {at} is declared {} but holds {text}; kept as it is", ty.name())
                    });
                    json_value(ctx.b, ctx.input(), r)
                }
            },
            (Some(Err(what)), Some(r)) => {
                let at = ctx.pos.at_str(r.get());
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: tag `{key}` at {at} has type {what}, expected string, bool, int64, float64 or binary; its value was read as it is")
                });
                json_value(ctx.b, ctx.input(), r)
            }
        };
        push_attr(ctx.b, &key, value);
    }
}

/// Takes a tag that becomes a span field; `true` when it was taken.
fn take_special(special: &mut Special, of: TagsOf, key: &str, raw: Option<&RawValue>) -> bool {
    let value = raw.map(raw_scalar);
    let text = value.as_ref().and_then(Scalar::literal);
    match (of, key) {
        (TagsOf::Span, "span.kind") => match text.as_deref().and_then(SpanKind::from_name) {
            Some(k) => special.kind = Some(k),
            None => return false,
        },
        (TagsOf::Span, "error") => match value.as_ref().and_then(Scalar::as_bool) {
            Some(b) => special.error = Some(b),
            None => return false,
        },
        (TagsOf::Span, "otel.status_code") => {
            match text.as_deref().and_then(StatusCode::from_name) {
                Some(c) => special.status = Some(c),
                None => return false,
            }
        }
        (TagsOf::Span, "otel.status_description") => special.status_message = text,
        (TagsOf::Span, "otel.scope.name" | "otel.library.name") => special.scope_name = text,
        (TagsOf::Span, "otel.scope.version" | "otel.library.version") => {
            special.scope_version = text;
        }
        (TagsOf::Log, "event") if text.is_some() => special.event = text,
        (TagsOf::Process, "service.name") => {}
        _ => return false,
    }
    true
}

/// Reads one span and adds it.
fn span(ctx: &mut Ctx<'_>, scope: &mut TraceScope, raw: &RawValue) {
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
struct Ref {
    child_of: bool,
    trace: Option<TraceId>,
    span: SpanId,
}

fn read_refs(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, name: &str, at: LineCol<'_>) -> Vec<Ref> {
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
fn duration_ns(v: &Scalar<'_>) -> Option<u64> {
    match v {
        Scalar::Str(t) => parse_duration_ns(t)
            .or_else(|| crate::import::common::epoch_text_ns(t, EpochUnit::Micros)),
        other => time_ns(other, EpochUnit::Micros),
    }
}

fn read_logs(ctx: &mut Ctx<'_>, raw: Option<&RawValue>, owner: &dyn fmt::Display) -> Range32 {
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

#[cfg(test)]
mod tests;

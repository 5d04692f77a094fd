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

use crate::builder::Builder;
use crate::error::ImportError;
use crate::id::TraceId;
use crate::import::common::{
    EachEntry, EachRaw, Pos, RawEntries, Scalar, append_span_attrs, fields, has_key, head,
    parse_document, raw_scalar, trim_start,
};
use crate::import::common::{Importer, Input};
use crate::model::{Attr, Value};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

mod parts;
mod span;

use parts::*;
use span::span;

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

#[cfg(test)]
mod tests;

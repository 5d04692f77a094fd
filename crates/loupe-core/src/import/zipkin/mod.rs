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

use crate::builder::Builder;
use crate::error::ImportError;
use crate::import::common::{
    EachRaw, Pos, RawEntries, has_key, head, parse_document, parse_element, raw_items, trim_start,
};
use crate::import::common::{Importer, Input};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

mod fixup;
mod parts;
mod v1;
mod v2;

use fixup::{merge_fragments, place_untimed, split_shared_spans};
use parts::*;
use v1::v1_span;
use v2::v2_span;

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

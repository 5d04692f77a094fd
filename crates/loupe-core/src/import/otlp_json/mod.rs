//! OTLP JSON: `ExportTraceServiceRequest` / `TracesData` documents, JSON Lines of them (the Collector's
//! file exporter), Jaeger api_v3's `{"result": …}` wrapper, the older `instrumentationLibrarySpans`,
//! lowerCamelCase and snake_case field names, hex or base64 ids, int64 as strings or numbers, enums
//! as numbers or names.
//!
//! Parsing streams straight into the [`Builder`]: no intermediate tree, strings borrowed from the
//! input, long strings left in place as byte ranges. A hand-written reader ([`scan`]) reads files
//! of the usual shape; anything it does not handle (and every error) goes to the serde seeds
//! below, which make the same builder calls.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{IdText, SpanId, TraceId, parse_id_text};
use crate::import::common::{Importer, Input};
use crate::import::common::{
    InputBounds, LineCol, LineErrors, Pos, Scalar, document_error, fields, has_key, head,
    is_json_lines, lines, scalar_value, text_value, trim_start,
};
use crate::intern::Sym;
use crate::model::{
    Attr, Event, Link, Range32, Resource, ResourceIx, Scope, ScopeIx, SpanKind, StatusCode, Value,
};
use crate::warning::WarningCode;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

mod scan;

/// The OTLP JSON importer.
#[derive(Debug, Clone, Copy)]
pub struct OtlpJson;

impl Importer for OtlpJson {
    fn format(&self) -> &'static str {
        "otlp-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if b.first() != Some(&b'{') {
            return Err("not a JSON object".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "resourceSpans") || has_key(h, "resource_spans") {
            Ok(())
        } else {
            Err("no `resourceSpans` key in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        // About 1 KB per span in typical agent traces (1.2 KB in `loupe-synth`'s): reserve once,
        // a little over, instead of regrowing. Pages reserved but never written cost nothing, and
        // `finish` gives back what was not used.
        b.reserve_spans(input.bytes.len() / 1000);
        // Valid UTF-8 throughout (the usual case) lets serde_json skip validating each string:
        // one fast pass here instead of one per string. Otherwise fall back to reading bytes.
        let text = std::str::from_utf8(input.bytes).ok();
        let json_lines = is_json_lines(input.bytes);
        if let Some(text) = text {
            // The fast reader first; if it gives up, undo what it added and use the seeds.
            let cp = b.checkpoint();
            let mut ctx = Ctx {
                b: &mut *b,
                input: InputBounds::of(input.bytes),
                bytes: input.bytes,
                limits: input.limits,
                depth: 0,
            };
            if scan_text(&mut ctx, text, json_lines).is_ok() {
                return Ok(());
            }
            b.rollback_source(cp);
        }
        self.import_seeds(input, b, text, json_lines)
    }
}

/// Reads the whole input with the fast reader ([`scan`]).
fn scan_text(ctx: &mut Ctx<'_>, text: &str, json_lines: bool) -> Result<(), scan::Bail> {
    if json_lines {
        for (_, line) in lines(text.as_bytes()) {
            let at = line.as_ptr() as usize - text.as_ptr() as usize;
            scan::document(ctx, text.get(at..at + line.len()).ok_or(scan::Bail)?)?;
        }
        Ok(())
    } else {
        let start = text.len() - trim_start(text.as_bytes()).len();
        scan::document(ctx, text.get(start..).ok_or(scan::Bail)?)
    }
}

impl OtlpJson {
    /// Reads the input with the serde seeds.
    fn import_seeds(
        &self,
        input: &Input<'_>,
        b: &mut Builder,
        text: Option<&str>,
        json_lines: bool,
    ) -> Result<(), ImportError> {
        let bounds = InputBounds::of(input.bytes);
        if json_lines {
            let mut errors =
                LineErrors::new(input.name, EXPECTED, "the rest of this line was skipped");
            for (number, line) in lines(input.bytes) {
                let mut ctx = Ctx {
                    b: &mut *b,
                    input: bounds,
                    bytes: input.bytes,
                    limits: input.limits,
                    depth: 0,
                };
                // A line cut from valid UTF-8 text at '\n' is valid UTF-8 too: slice the text.
                let at = line.as_ptr() as usize - input.bytes.as_ptr() as usize;
                let r = match text.and_then(|t| t.get(at..at + line.len())) {
                    Some(l) => parse(&mut serde_json::Deserializer::from_str(l), &mut ctx),
                    None => parse(&mut serde_json::Deserializer::from_slice(line), &mut ctx),
                };
                match r {
                    Ok(()) => errors.read(),
                    // Spans read before the error in the line are kept; a byte-order mark is not
                    // skipped (the line fails at column 1).
                    Err(e) => errors.failed(b, number, 0, &e),
                }
            }
            errors.finish(b)
        } else {
            let mut ctx = Ctx {
                b,
                input: bounds,
                bytes: input.bytes,
                limits: input.limits,
                depth: 0,
            };
            let start = input.bytes.len() - trim_start(input.bytes).len();
            let r = match text.and_then(|t| t.get(start..)) {
                Some(t) => parse(&mut serde_json::Deserializer::from_str(t), &mut ctx),
                None => parse(
                    &mut serde_json::Deserializer::from_slice(&input.bytes[start..]),
                    &mut ctx,
                ),
            };
            r.map_err(|e| document_error(input.name, Pos::of(input.bytes), start, &e, EXPECTED))
        }
    }
}

/// Reads one document (or one JSON Lines line) and checks nothing follows it.
fn parse<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    ctx: &mut Ctx<'_>,
) -> Result<(), serde_json::Error> {
    Top(ctx).deserialize(&mut *de)?;
    de.end()
}

/// What an OTLP JSON file looks like, for messages.
const EXPECTED: &str = "OTLP JSON (resourceSpans → scopeSpans → spans)";

struct Ctx<'c> {
    b: &'c mut Builder,
    input: InputBounds,
    bytes: &'c [u8],
    limits: crate::import::common::Limits,
    /// Arrays and key-value lists open around the value being read.
    depth: usize,
}

impl<'c> Ctx<'c> {
    /// `line L, column C` of a byte offset, worked out when printed.
    fn at(&self, offset: usize) -> LineCol<'c> {
        Pos {
            bounds: self.input,
            bytes: self.bytes,
        }
        .at(offset)
    }
}

/// Reads a JSON array with one seed per element, accepting `null` as empty.
macro_rules! seq_visitor {
    ($seed:ident, $ctx:ident, $elem:expr) => {
        impl<'de> Visitor<'de> for $seed<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                let $ctx = self;
                while seq
                    .next_element_seed($elem(&mut *$ctx.0, $ctx.1))?
                    .is_some()
                {}
                Ok(())
            }
        }
        impl<'de> DeserializeSeed<'de> for $seed<'_, '_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}

fields!(TopField {
    ResourceSpans => ["resourceSpans", "resource_spans"],
    Result => ["result"],
});

struct Top<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OTLP JSON object with `resourceSpans`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<TopField>()? {
            match k {
                TopField::ResourceSpans => {
                    map.next_value_seed(ResourceSpansList(&mut *self.0, ()))?;
                }
                TopField::Result => {
                    map.next_value_seed(Top(&mut *self.0))?;
                }
                TopField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ResourceSpansList<'a, 'c>(&'a mut Ctx<'c>, ());
seq_visitor!(ResourceSpansList, s, ResourceSpansSeed);

fields!(RsField {
    Resource => ["resource"],
    ScopeSpans => ["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"],
    SchemaUrl => ["schemaUrl", "schema_url"],
});

struct ResourceSpansSeed<'a, 'c>(&'a mut Ctx<'c>, ());

impl<'de> DeserializeSeed<'de> for ResourceSpansSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSpansSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ResourceSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        // Reserve the slot now: spans may come before their resource.
        let ix = ctx.b.add_resource(Resource::default());
        let mut resource = Resource::default();
        while let Some(k) = map.next_key::<RsField>()? {
            match k {
                RsField::Resource => {
                    let (attrs, dropped) = map.next_value_seed(AttrsHolder(&mut *ctx))?;
                    resource.attrs = attrs;
                    resource.dropped_attrs = dropped;
                    resource.service_name = ctx.b.service_name_of(attrs);
                }
                RsField::ScopeSpans => {
                    map.next_value_seed(ScopeSpansList(&mut *ctx, ix))?;
                }
                RsField::SchemaUrl => {
                    let s: Scalar<'_> = map.next_value()?;
                    resource.schema_url = s.as_str().map_or(Sym::EMPTY, |s| ctx.b.intern(s));
                }
                RsField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        ctx.b.set_resource(ix, resource);
        Ok(())
    }
}

/// An object with `attributes` and `droppedAttributesCount` (a Resource).
struct AttrsHolder<'a, 'c>(&'a mut Ctx<'c>);

fields!(HolderField {
    Attributes => ["attributes"],
    Dropped => ["droppedAttributesCount", "dropped_attributes_count"],
});

impl<'de> DeserializeSeed<'de> for AttrsHolder<'_, '_> {
    type Value = (Range32, u32);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AttrsHolder<'_, '_> {
    type Value = (Range32, u32);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with attributes")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok((Range32::EMPTY, 0))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut attrs, mut dropped) = (Range32::EMPTY, 0);
        while let Some(k) = map.next_key::<HolderField>()? {
            match k {
                HolderField::Attributes => attrs = map.next_value_seed(AttrList(&mut *self.0))?,
                HolderField::Dropped => dropped = count(&map.next_value::<Scalar<'_>>()?),
                HolderField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((attrs, dropped))
    }
}

fn count(s: &Scalar<'_>) -> u32 {
    s.as_u64()
        .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
}

struct ScopeSpansList<'a, 'c>(&'a mut Ctx<'c>, ResourceIx);
seq_visitor!(ScopeSpansList, s, ScopeSpansSeed);

fields!(SsField {
    Scope => ["scope", "instrumentationLibrary", "instrumentation_library"],
    Spans => ["spans"],
    SchemaUrl => ["schemaUrl", "schema_url"],
});

struct ScopeSpansSeed<'a, 'c>(&'a mut Ctx<'c>, ResourceIx);

impl<'de> DeserializeSeed<'de> for ScopeSpansSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ScopeSpansSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ScopeSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let ix = ctx.b.add_scope(Scope::default());
        let mut scope = Scope::default();
        let mut schema_url = Sym::EMPTY;
        while let Some(k) = map.next_key::<SsField>()? {
            match k {
                SsField::Scope => scope = map.next_value_seed(ScopeSeed(&mut *ctx))?,
                SsField::Spans => {
                    map.next_value_seed(SpanList(&mut *ctx, (self.1, ix)))?;
                }
                SsField::SchemaUrl => {
                    let s: Scalar<'_> = map.next_value()?;
                    schema_url = s.as_str().map_or(Sym::EMPTY, |s| ctx.b.intern(s));
                }
                SsField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        scope.schema_url = schema_url;
        ctx.b.set_scope(ix, scope);
        Ok(())
    }
}

fields!(ScopeField {
    Name => ["name"],
    Version => ["version"],
    Attributes => ["attributes"],
    Dropped => ["droppedAttributesCount", "dropped_attributes_count"],
});

struct ScopeSeed<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for ScopeSeed<'_, '_> {
    type Value = Scope;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scope, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScopeSeed<'_, '_> {
    type Value = Scope;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an InstrumentationScope object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scope, E> {
        Ok(Scope::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scope, A::Error> {
        let ctx = self.0;
        let mut scope = Scope::default();
        while let Some(k) = map.next_key::<ScopeField>()? {
            match k {
                ScopeField::Name => scope.name = interned(ctx.b, &map.next_value()?),
                ScopeField::Version => scope.version = interned(ctx.b, &map.next_value()?),
                ScopeField::Attributes => scope.attrs = map.next_value_seed(AttrList(&mut *ctx))?,
                ScopeField::Dropped => scope.dropped_attrs = count(&map.next_value()?),
                ScopeField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(scope)
    }
}

/// A string field: strings as they are, numbers and booleans as their JSON text, anything else empty.
fn interned(b: &mut Builder, s: &Scalar<'_>) -> Sym {
    match s {
        // The common case interns the borrowed text directly, with no allocation.
        Scalar::Str(t) => b.intern(t),
        other => other.literal().map_or(Sym::EMPTY, |t| b.intern(&t)),
    }
}

struct SpanList<'a, 'c>(&'a mut Ctx<'c>, (ResourceIx, ScopeIx));
seq_visitor!(SpanList, s, SpanSeed);

fields!(SpanField {
    TraceId => ["traceId", "trace_id"],
    SpanId => ["spanId", "span_id"],
    ParentSpanId => ["parentSpanId", "parent_span_id"],
    TraceState => ["traceState", "trace_state"],
    Flags => ["flags"],
    Name => ["name"],
    Kind => ["kind"],
    Start => ["startTimeUnixNano", "start_time_unix_nano"],
    End => ["endTimeUnixNano", "end_time_unix_nano"],
    Attributes => ["attributes"],
    DroppedAttributes => ["droppedAttributesCount", "dropped_attributes_count"],
    Events => ["events"],
    DroppedEvents => ["droppedEventsCount", "dropped_events_count"],
    Links => ["links"],
    DroppedLinks => ["droppedLinksCount", "dropped_links_count"],
    Status => ["status"],
});

struct SpanSeed<'a, 'c>(&'a mut Ctx<'c>, (ResourceIx, ScopeIx));

impl<'de> DeserializeSeed<'de> for SpanSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SpanSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let mut s = NewSpan::new(
            TraceId::Raw(Sym::EMPTY),
            SpanId::Raw(Sym::EMPTY),
            Sym::EMPTY,
        );
        s.resource = self.1.0;
        s.scope = self.1.1;
        let mut p = SpanParts::default();
        while let Some(k) = map.next_key::<SpanField>()? {
            match k {
                SpanField::TraceId => p.trace_id = Some(map.next_value()?),
                SpanField::SpanId => p.span_id = Some(map.next_value()?),
                SpanField::ParentSpanId => p.parent_id = Some(map.next_value()?),
                SpanField::TraceState => s.trace_state = interned(ctx.b, &map.next_value()?),
                SpanField::Flags => s.flags = count(&map.next_value()?),
                SpanField::Name => s.name = interned(ctx.b, &map.next_value()?),
                SpanField::Kind => p.kind = Some(map.next_value::<Scalar<'de>>()?),
                SpanField::Start => p.start = Some(map.next_value::<Scalar<'de>>()?),
                SpanField::End => p.end = Some(map.next_value::<Scalar<'de>>()?),
                SpanField::Attributes => s.attrs = map.next_value_seed(AttrList(&mut *ctx))?,
                SpanField::DroppedAttributes => s.dropped[0] = count(&map.next_value()?),
                SpanField::Events => s.events = map.next_value_seed(EventList(&mut *ctx))?,
                SpanField::DroppedEvents => s.dropped[1] = count(&map.next_value()?),
                SpanField::Links => s.links = map.next_value_seed(LinkList(&mut *ctx))?,
                SpanField::DroppedLinks => s.dropped[2] = count(&map.next_value()?),
                SpanField::Status => {
                    let (code, message, bad) = map.next_value_seed(StatusSeed(&mut *ctx))?;
                    s.status = code;
                    s.status_message = message;
                    p.bad_status = bad;
                }
                SpanField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        finish_span(ctx, s, p);
        Ok(())
    }
}

/// The fields of a span that are checked once the whole object is read.
#[derive(Default)]
struct SpanParts<'x> {
    trace_id: Option<Scalar<'x>>,
    span_id: Option<Scalar<'x>>,
    parent_id: Option<Scalar<'x>>,
    start: Option<Scalar<'x>>,
    end: Option<Scalar<'x>>,
    kind: Option<Scalar<'x>>,
    bad_status: Option<String>,
}

/// Reads ids, kind and times (warning about what is wrong) and adds the span.
fn finish_span(ctx: &mut Ctx<'_>, mut s: NewSpan, p: SpanParts<'_>) {
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

fn time_field(
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
struct SpanName(Sym);

impl SpanName {
    fn text(self, b: &Builder) -> String {
        b.resolve(self.0).to_owned()
    }
}

enum Id<const N: usize> {
    None,
    Bytes([u8; N]),
    Raw(String),
}

fn id_field<const N: usize>(s: &Scalar<'_>) -> Id<N> {
    match s {
        Scalar::Str(t) => match parse_id_text::<N>(t) {
            IdText::Empty | IdText::Zero => Id::None,
            IdText::Bytes(b) => Id::Bytes(b),
            IdText::Other => Id::Raw(t.to_string()),
        },
        other => other.literal().map_or(Id::None, Id::Raw),
    }
}

fields!(StatusField {
    Code => ["code"],
    Message => ["message"],
});

struct StatusSeed<'a, 'c>(&'a mut Ctx<'c>);

/// Code, message, and a description of a code that could not be read.
type StatusParts = (StatusCode, Sym, Option<String>);

impl<'de> DeserializeSeed<'de> for StatusSeed<'_, '_> {
    type Value = StatusParts;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StatusSeed<'_, '_> {
    type Value = StatusParts;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Status object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok((StatusCode::Unset, Sym::EMPTY, None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let ctx = self.0;
        let (mut code, mut message, mut bad) = (StatusCode::Unset, Sym::EMPTY, None);
        while let Some(k) = map.next_key::<StatusField>()? {
            match k {
                StatusField::Code => {
                    let v: Scalar<'_> = map.next_value()?;
                    match v
                        .as_i64()
                        .and_then(StatusCode::from_otlp)
                        .or_else(|| v.as_str().and_then(StatusCode::from_name))
                    {
                        Some(c) => code = c,
                        None if v == Scalar::Null => {}
                        None => bad = Some(v.describe()),
                    }
                }
                StatusField::Message => message = interned(ctx.b, &map.next_value()?),
                StatusField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((code, message, bad))
    }
}

fields!(EventField {
    Time => ["timeUnixNano", "time_unix_nano"],
    Name => ["name"],
    Attributes => ["attributes"],
    Dropped => ["droppedAttributesCount", "dropped_attributes_count"],
});

struct EventList<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for EventList<'_, '_> {
    type Value = Range32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Range32, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventList<'_, '_> {
    type Value = Range32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Range32, E> {
        Ok(Range32::EMPTY)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Range32, A::Error> {
        let ctx = self.0;
        let mark = ctx.b.event_mark();
        while let Some(e) = seq.next_element_seed(EventSeed(&mut *ctx))? {
            ctx.b.push_event(e);
        }
        Ok(ctx.b.commit_events(mark))
    }
}

struct EventSeed<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_> {
    type Value = Event;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_> {
    type Value = Event;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let ctx = self.0;
        let mut e = Event {
            time_unix_ns: 0,
            name: Sym::EMPTY,
            attrs: Range32::EMPTY,
            dropped_attrs: 0,
        };
        while let Some(k) = map.next_key::<EventField>()? {
            match k {
                EventField::Time => {
                    e.time_unix_ns = map.next_value::<Scalar<'_>>()?.as_u64().unwrap_or(0);
                }
                EventField::Name => e.name = interned(ctx.b, &map.next_value()?),
                EventField::Attributes => e.attrs = map.next_value_seed(AttrList(&mut *ctx))?,
                EventField::Dropped => e.dropped_attrs = count(&map.next_value()?),
                EventField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(e)
    }
}

fields!(LinkField {
    TraceId => ["traceId", "trace_id"],
    SpanId => ["spanId", "span_id"],
    TraceState => ["traceState", "trace_state"],
    Attributes => ["attributes"],
    Dropped => ["droppedAttributesCount", "dropped_attributes_count"],
    Flags => ["flags"],
});

struct LinkList<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for LinkList<'_, '_> {
    type Value = Range32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Range32, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LinkList<'_, '_> {
    type Value = Range32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of links")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Range32, E> {
        Ok(Range32::EMPTY)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Range32, A::Error> {
        let ctx = self.0;
        let mark = ctx.b.link_mark();
        while let Some(l) = seq.next_element_seed(LinkSeed(&mut *ctx))? {
            ctx.b.push_link(l);
        }
        Ok(ctx.b.commit_links(mark))
    }
}

struct LinkSeed<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for LinkSeed<'_, '_> {
    type Value = Link;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Link, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LinkSeed<'_, '_> {
    type Value = Link;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Link object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Link, A::Error> {
        let ctx = self.0;
        let mut l = Link {
            trace_id: TraceId::Raw(Sym::EMPTY),
            span_id: SpanId::Raw(Sym::EMPTY),
            trace_state: Sym::EMPTY,
            attrs: Range32::EMPTY,
            flags: 0,
            dropped_attrs: 0,
        };
        while let Some(k) = map.next_key::<LinkField>()? {
            match k {
                LinkField::TraceId => {
                    l.trace_id = match id_field::<16>(&map.next_value()?) {
                        Id::Bytes(b) => TraceId::Bytes(b),
                        Id::None => TraceId::Raw(Sym::EMPTY),
                        Id::Raw(t) => TraceId::Raw(ctx.b.intern(&t)),
                    };
                }
                LinkField::SpanId => {
                    l.span_id = match id_field::<8>(&map.next_value()?) {
                        Id::Bytes(b) => SpanId::Bytes(b),
                        Id::None => SpanId::Raw(Sym::EMPTY),
                        Id::Raw(t) => SpanId::Raw(ctx.b.intern(&t)),
                    };
                }
                LinkField::TraceState => l.trace_state = interned(ctx.b, &map.next_value()?),
                LinkField::Attributes => l.attrs = map.next_value_seed(AttrList(&mut *ctx))?,
                LinkField::Dropped => l.dropped_attrs = count(&map.next_value()?),
                LinkField::Flags => l.flags = count(&map.next_value()?),
                LinkField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(l)
    }
}

/// A list of `{key, value}` pairs, stored contiguously.
struct AttrList<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for AttrList<'_, '_> {
    type Value = Range32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Range32, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AttrList<'_, '_> {
    type Value = Range32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of {key, value} attributes")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Range32, E> {
        Ok(Range32::EMPTY)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Range32, A::Error> {
        let ctx = self.0;
        let mut list = AttrCollector::start(ctx);
        while let Some(kv) = seq.next_element_seed(KeyValueSeed(&mut *ctx))? {
            list.push(ctx, kv);
        }
        Ok(list.commit(ctx))
    }
}

/// An attribute list being collected: keeps the first `max_attrs_per_span` and counts the rest.
struct AttrCollector {
    mark: usize,
    kept: usize,
    skipped: usize,
}

impl AttrCollector {
    fn start(ctx: &Ctx<'_>) -> Self {
        AttrCollector {
            mark: ctx.b.attr_mark(),
            kept: 0,
            skipped: 0,
        }
    }

    fn push(&mut self, ctx: &mut Ctx<'_>, kv: Option<Attr>) {
        if let Some(attr) = kv {
            if self.kept < ctx.limits.max_attrs_per_span {
                ctx.b.push_attr(attr);
                self.kept += 1;
            } else {
                self.skipped += 1;
            }
        }
    }

    fn commit(self, ctx: &mut Ctx<'_>) -> Range32 {
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

fields!(KvField {
    Key => ["key"],
    Value => ["value"],
});

struct KeyValueSeed<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for KeyValueSeed<'_, '_> {
    type Value = Option<Attr>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Attr>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyValueSeed<'_, '_> {
    type Value = Option<Attr>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a {key, value} object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Attr>, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Attr>, A::Error> {
        let ctx = self.0;
        let (mut key, mut value) = (None, Value::Empty);
        while let Some(k) = map.next_key::<KvField>()? {
            match k {
                KvField::Key => key = Some(interned(ctx.b, &map.next_value()?)),
                KvField::Value => value = map.next_value_seed(AnyValueSeed(&mut *ctx))?,
                KvField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(keyed(ctx, key, value))
    }
}

/// The attribute, or `None` (with a warning) when it has no key.
fn keyed(ctx: &mut Ctx<'_>, key: Option<Sym>, value: Value) -> Option<Attr> {
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

fields!(AnyField {
    Str => ["stringValue", "string_value"],
    Int => ["intValue", "int_value"],
    Double => ["doubleValue", "double_value"],
    Bool => ["boolValue", "bool_value"],
    Bytes => ["bytesValue", "bytes_value"],
    Array => ["arrayValue", "array_value"],
    KvList => ["kvlistValue", "kvlist_value"],
});

/// An AnyValue object (`{"stringValue": …}` …); a bare JSON scalar is accepted too.
struct AnyValueSeed<'a, 'c>(&'a mut Ctx<'c>);

impl<'de> DeserializeSeed<'de> for AnyValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyValueSeed<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AnyValue object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Empty)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value, E> {
        Ok(scalar_value(self.0.b, self.0.input, &Scalar::Str(v.into())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.0.b.string_value(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(scalar_value(self.0.b, self.0.input, &Scalar::U64(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Double(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let ctx = self.0;
        if too_deep(ctx) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Empty);
        }
        ctx.depth += 1;
        let mark = ctx.b.value_mark();
        while let Some(v) = seq.next_element_seed(AnyValueSeed(&mut *ctx))? {
            ctx.b.push_value(v);
        }
        ctx.depth -= 1;
        Ok(Value::Array(ctx.b.commit_values(mark)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let ctx = self.0;
        let mut value = Value::Empty;
        while let Some(k) = map.next_key::<AnyField>()? {
            value = match k {
                AnyField::Str => {
                    let raw: &'de RawValue = map.next_value()?;
                    capped_string(ctx, raw.get())
                }
                AnyField::Bytes => {
                    let raw: &'de RawValue = map.next_value()?;
                    capped_bytes(ctx, raw.get())
                }
                AnyField::Int => {
                    let v: Scalar<'_> = map.next_value()?;
                    match v.as_i64() {
                        Some(i) => Value::Int(i),
                        None => scalar_value(ctx.b, ctx.input, &v),
                    }
                }
                AnyField::Double => {
                    let v: Scalar<'_> = map.next_value()?;
                    match v.as_f64() {
                        Some(d) => Value::Double(d),
                        None => scalar_value(ctx.b, ctx.input, &v),
                    }
                }
                AnyField::Bool => {
                    let v: Scalar<'_> = map.next_value()?;
                    match v.as_bool() {
                        Some(b) => Value::Bool(b),
                        None => scalar_value(ctx.b, ctx.input, &v),
                    }
                }
                AnyField::Array | AnyField::KvList if too_deep(ctx) => {
                    map.next_value::<IgnoredAny>()?;
                    Value::Empty
                }
                // An array's `values` count one level where they are read (`visit_seq`).
                AnyField::Array => map.next_value_seed(ValuesHolder(&mut *ctx, false))?,
                AnyField::KvList => {
                    ctx.depth += 1;
                    let v = map.next_value_seed(ValuesHolder(&mut *ctx, true))?;
                    ctx.depth -= 1;
                    v
                }
                AnyField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
        }
        Ok(value)
    }
}

/// Whether one more level of arrays or key-value lists would pass `max_value_depth` (then warns).
fn too_deep(ctx: &mut Ctx<'_>) -> bool {
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
fn capped_bytes(ctx: &mut Ctx<'_>, text: &str) -> Value {
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
fn capped_string(ctx: &mut Ctx<'_>, text: &str) -> Value {
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

/// `{"values": [...]}` of an ArrayValue (false) or a KeyValueList (true).
struct ValuesHolder<'a, 'c>(&'a mut Ctx<'c>, bool);

fields!(ValuesField {
    Values => ["values"],
});

impl<'de> DeserializeSeed<'de> for ValuesHolder<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValuesHolder<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with `values`")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(if self.1 {
            Value::KvList(Range32::EMPTY)
        } else {
            Value::Array(Range32::EMPTY)
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let ctx = self.0;
        let mut value = if self.1 {
            Value::KvList(Range32::EMPTY)
        } else {
            Value::Array(Range32::EMPTY)
        };
        while let Some(k) = map.next_key::<ValuesField>()? {
            match k {
                ValuesField::Values if self.1 => {
                    value = Value::KvList(map.next_value_seed(AttrList(&mut *ctx))?);
                }
                ValuesField::Values => {
                    value = map.next_value_seed(AnyValueSeed(&mut *ctx))?;
                    if !matches!(value, Value::Array(_)) {
                        value = Value::Array(Range32::EMPTY);
                    }
                }
                ValuesField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests;

//! The serde seeds: read any OTLP JSON the fast reader gives up on, and word every error. They
//! make the same builder calls as [`super::scan`], through [`super::parts`].

use super::parts::*;
use crate::builder::NewSpan;
use crate::id::{SpanId, TraceId};
use crate::import::common::{Scalar, fields, scalar_value};
use crate::intern::Sym;
use crate::model::{
    Attr, Event, Link, Range32, Resource, ResourceIx, Scope, ScopeIx, StatusCode, Value,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

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

/// Reads one document (or one JSON Lines line) and checks nothing follows it.
pub(super) fn parse<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    ctx: &mut Ctx<'_>,
) -> Result<(), serde_json::Error> {
    Top(ctx).deserialize(&mut *de)?;
    de.end()
}

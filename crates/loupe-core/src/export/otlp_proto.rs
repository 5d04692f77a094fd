//! OTLP protobuf writer: one binary `TracesData` message (the same wire shape as
//! `ExportTraceServiceRequest`), encoded by prost with the generated OTLP types.
//!
//! Spans are grouped as [`super::otlp_json`] groups them: one `ResourceSpans` per resource of the
//! set, holding one `ScopeSpans` per scope, resources and scopes in the order they were read, and
//! spans in input order within a group. Each `ResourceSpans` is built and encoded on its own and
//! appended (a repeated field is its elements one after another), so memory holds the output and
//! one group's messages, not a message tree for the whole set.
//!
//! Reading the output back gives the same set for every id, name, kind, status, time, attribute
//! (every AnyValue kind, nested), event, link, trace state, flag, dropped count, schema URL,
//! resource and scope. As in the JSON writer, a resource whose service name did not come from a
//! `service.name` attribute gets that attribute, placed first.
//!
//! What protobuf cannot hold as the set holds it:
//! - ids that were not binary (kept as given on import, with a `bad_id` warning) are bytes in
//!   protobuf. A raw id that is hex text (as the protobuf importer keeps ids of a wrong length) is
//!   written as the bytes it spells, so it reads back as the same text, in lowercase. Any other raw
//!   id is written as the UTF-8 bytes of its text, so it reads back as the lowercase hex of those
//!   bytes, or, when they happen to be 16 (trace) or 8 (span) bytes long, as a binary id without
//!   the warning. An empty raw id is written empty.
//! - a time of 0 is the protobuf default, indistinguishable from a missing time, so reading it back
//!   adds a `missing_field` warning (the value stays 0).

use crate::id::{SpanId, TraceId};
use crate::import::otlp_proto::generated::opentelemetry::proto as pb;
use crate::intern::Sym;
use crate::model::{
    Attr, Range32, ResourceIx, ScopeIx, Span, SpanKind, StatusCode, TraceSet, Value,
};
use pb::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use pb::trace::v1::{ResourceSpans, ScopeSpans, TracesData, span, status};
use prost::Message;

/// Encodes `set` as one OTLP protobuf `TracesData` message.
pub fn encode(set: &TraceSet) -> Vec<u8> {
    let order = super::otlp_json::span_order(set);
    let spans = set.spans();
    let w = Writer { set };
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let resource = spans[order[i] as usize].resource;
        let mut rs = w.resource_spans(resource);
        while i < order.len() && spans[order[i] as usize].resource == resource {
            let scope = spans[order[i] as usize].scope;
            let mut ss = w.scope_spans(scope);
            while let Some(s) = order
                .get(i)
                .map(|&ix| &spans[ix as usize])
                .filter(|s| s.resource == resource && s.scope == scope)
            {
                ss.spans.push(w.span(s));
                i += 1;
            }
            rs.scope_spans.push(ss);
        }
        // A one-element TracesData is field 1 holding this ResourceSpans: appending these gives
        // the TracesData holding them all.
        let chunk = TracesData {
            resource_spans: vec![rs],
        }
        .encode_to_vec();
        if out.is_empty() {
            out = chunk;
        } else {
            out.extend_from_slice(&chunk);
        }
    }
    out
}

// `span` writes the model's kind and status as numbers: they are OTLP's.
const _: () = assert!(
    span::SpanKind::Consumer as i32 == SpanKind::Consumer as i32
        && status::StatusCode::Error as i32 == StatusCode::Error as i32
);

struct Writer<'a> {
    set: &'a TraceSet,
}

impl Writer<'_> {
    fn str(&self, sym: Sym) -> String {
        self.set.str(sym).to_owned()
    }

    fn resource_spans(&self, ix: ResourceIx) -> ResourceSpans {
        let res = *self.set.resource(ix);
        let attrs = self.set.attrs(res.attrs);
        let mut attributes = Vec::with_capacity(attrs.len() + 1);
        if !res.service_name.is_empty() {
            let key = self.set.strings().get("service.name");
            let held = attrs.iter().any(|a| {
                Some(a.key) == key
                    && self.set.value_str(a.value).as_deref()
                        == Some(self.set.str(res.service_name))
            });
            if !held {
                attributes.push(KeyValue {
                    key: "service.name".into(),
                    value: Some(AnyValue {
                        value: Some(any_value::Value::StringValue(self.str(res.service_name))),
                    }),
                    key_strindex: 0,
                });
            }
        }
        attributes.extend(attrs.iter().map(|a| self.key_value(a)));
        ResourceSpans {
            resource: Some(pb::resource::v1::Resource {
                attributes,
                dropped_attributes_count: res.dropped_attrs,
                entity_refs: Vec::new(),
            }),
            scope_spans: Vec::new(),
            schema_url: self.str(res.schema_url),
        }
    }

    fn scope_spans(&self, ix: ScopeIx) -> ScopeSpans {
        let scope = *self.set.scope(ix);
        ScopeSpans {
            scope: Some(InstrumentationScope {
                name: self.str(scope.name),
                version: self.str(scope.version),
                attributes: self.attrs(scope.attrs),
                dropped_attributes_count: scope.dropped_attrs,
            }),
            spans: Vec::new(),
            schema_url: self.str(scope.schema_url),
        }
    }

    fn trace_id(&self, id: TraceId) -> Vec<u8> {
        match id {
            TraceId::Bytes(b) => b.to_vec(),
            TraceId::Raw(s) => raw_id(self.set.str(s)),
        }
    }

    fn span_id(&self, id: SpanId) -> Vec<u8> {
        match id {
            SpanId::Bytes(b) => b.to_vec(),
            SpanId::Raw(s) => raw_id(self.set.str(s)),
        }
    }

    fn span(&self, s: &Span) -> pb::trace::v1::Span {
        let set = self.set;
        let status =
            (s.status as u8 != 0 || !s.status_message.is_empty()).then(|| pb::trace::v1::Status {
                message: self.str(s.status_message),
                code: s.status as i32,
            });
        pb::trace::v1::Span {
            trace_id: self.trace_id(set.traces()[s.trace.0 as usize].id),
            span_id: self.span_id(s.span_id),
            trace_state: self.str(s.trace_state),
            parent_span_id: s.parent_id.map_or_else(Vec::new, |p| self.span_id(p)),
            flags: s.flags,
            name: self.str(s.name),
            kind: s.kind as i32,
            start_time_unix_nano: s.start_unix_ns,
            end_time_unix_nano: s.end_unix_ns,
            attributes: self.attrs(s.attrs),
            dropped_attributes_count: s.dropped[0],
            events: set
                .events(s.events)
                .iter()
                .map(|e| span::Event {
                    time_unix_nano: e.time_unix_ns,
                    name: self.str(e.name),
                    attributes: self.attrs(e.attrs),
                    dropped_attributes_count: e.dropped_attrs,
                })
                .collect(),
            dropped_events_count: s.dropped[1],
            links: set
                .links(s.links)
                .iter()
                .map(|l| span::Link {
                    trace_id: self.trace_id(l.trace_id),
                    span_id: self.span_id(l.span_id),
                    trace_state: self.str(l.trace_state),
                    attributes: self.attrs(l.attrs),
                    dropped_attributes_count: l.dropped_attrs,
                    flags: l.flags,
                })
                .collect(),
            dropped_links_count: s.dropped[2],
            status,
        }
    }

    fn attrs(&self, range: Range32) -> Vec<KeyValue> {
        self.set
            .attrs(range)
            .iter()
            .map(|a| self.key_value(a))
            .collect()
    }

    fn key_value(&self, a: &Attr) -> KeyValue {
        KeyValue {
            key: self.str(a.key),
            value: Some(self.value(a.value)),
            key_strindex: 0,
        }
    }

    /// An AnyValue. Nesting is as deep as the set's, which its importer bounded.
    fn value(&self, v: Value) -> AnyValue {
        let set = self.set;
        let value = match v {
            Value::Empty => None,
            Value::Str(s) => Some(any_value::Value::StringValue(self.str(s))),
            Value::Text(t) => Some(any_value::Value::StringValue(set.text(t).into_owned())),
            Value::Src(t) => Some(any_value::Value::StringValue(set.src_str(t).into_owned())),
            Value::Bool(b) => Some(any_value::Value::BoolValue(b)),
            Value::Int(i) => Some(any_value::Value::IntValue(i)),
            Value::Double(d) => Some(any_value::Value::DoubleValue(d)),
            Value::Bytes(t) => Some(any_value::Value::BytesValue(set.bytes(t).into_owned())),
            Value::Array(r) => Some(any_value::Value::ArrayValue(ArrayValue {
                values: set.array(r).iter().map(|&item| self.value(item)).collect(),
            })),
            Value::KvList(r) => Some(any_value::Value::KvlistValue(KeyValueList {
                values: self.attrs(r),
            })),
        };
        AnyValue { value }
    }
}

/// The bytes of an id the set holds as text: the bytes it spells when it is hex, else its UTF-8.
fn raw_id(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    if b.len().is_multiple_of(2) && b.iter().all(u8::is_ascii_hexdigit) {
        b.chunks(2)
            .map(|pair| {
                let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                (digit(pair[0]) << 4) | digit(pair[1])
            })
            .collect()
    } else {
        b.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{Builder, NewSpan};
    use crate::model::{Resource, Scope, SpanIx, ValueRef};

    fn load_json(text: &str) -> TraceSet {
        crate::load("in.json", text.as_bytes().to_vec()).expect("load JSON")
    }

    fn load_pb(bytes: Vec<u8>) -> TraceSet {
        crate::load("out.pb", bytes).expect("load protobuf")
    }

    const DOC: &str = r#"{"resourceSpans":[
      {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}],"droppedAttributesCount":2},
       "schemaUrl":"https://res/schema",
       "scopeSpans":[
        {"scope":{"name":"lib","version":"1.2","attributes":[{"key":"s","value":{"intValue":7}}],"droppedAttributesCount":1},
         "schemaUrl":"https://scope/schema",
         "spans":[
          {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","traceState":"v=1","flags":257,
           "name":"root","kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":"9000",
           "attributes":[{"key":"bytes","value":{"bytesValue":"AAEC/w=="}},
                         {"key":"nested","value":{"arrayValue":{"values":[{"intValue":"1"},{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":0.5}}]}},{}]}}}],
           "droppedAttributesCount":3,"droppedEventsCount":4,"droppedLinksCount":5,
           "events":[{"timeUnixNano":"2000","name":"ev","attributes":[{"key":"e","value":{"boolValue":true}}],"droppedAttributesCount":6}],
           "links":[{"traceId":"fedcba9876543210fedcba9876543210","spanId":"fedcba9876543210","traceState":"k=v","flags":1,"droppedAttributesCount":8}],
           "status":{"code":2,"message":"it broke"}},
          {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a2","parentSpanId":"00000000000000a1",
           "name":"child","kind":3,"startTimeUnixNano":"2000","endTimeUnixNano":"3000"}]},
        {"scope":{"name":"other"},"spans":[
          {"traceId":"trace-raw","spanId":"abcd","parentSpanId":"span-raw","name":"odd ids","startTimeUnixNano":"5","endTimeUnixNano":"6"}]}]},
      {"resource":{},"scopeSpans":[{"spans":[
          {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000b1","parentSpanId":"00000000000000a1",
           "name":"elsewhere","startTimeUnixNano":"2500","endTimeUnixNano":"2600"}]}]}]}"#;

    #[test]
    fn grouping_follows_the_json_writer() {
        let set = load_json(DOC);
        let data = TracesData::decode(&encode(&set)[..]).expect("decodes");
        assert_eq!(
            data.resource_spans.len(),
            2,
            "one ResourceSpans per resource"
        );
        let rs = &data.resource_spans[0];
        assert_eq!(rs.schema_url, "https://res/schema");
        let res = rs.resource.as_ref().expect("resource");
        assert_eq!(res.dropped_attributes_count, 2);
        assert_eq!(res.attributes[0].key, "service.name");
        assert_eq!(rs.scope_spans.len(), 2, "one ScopeSpans per scope");
        let ss = &rs.scope_spans[0];
        let scope = ss.scope.as_ref().expect("scope");
        assert_eq!(
            (scope.name.as_str(), scope.version.as_str()),
            ("lib", "1.2")
        );
        assert_eq!(scope.dropped_attributes_count, 1);
        assert_eq!(ss.schema_url, "https://scope/schema");
        let names: Vec<&str> = ss.spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["root", "child"], "input order within a group");
        let root = &ss.spans[0];
        assert_eq!(root.trace_id, raw_id("0123456789abcdef0123456789abcdef"));
        assert_eq!(root.span_id, [0, 0, 0, 0, 0, 0, 0, 0xa1]);
        assert!(root.parent_span_id.is_empty(), "a root has no parent bytes");
        assert_eq!((root.flags, root.kind), (257, 2));
        assert_eq!(root.trace_state, "v=1");
        assert_eq!(
            (root.start_time_unix_nano, root.end_time_unix_nano),
            (1000, 9000)
        );
        assert_eq!(
            (
                root.dropped_attributes_count,
                root.dropped_events_count,
                root.dropped_links_count
            ),
            (3, 4, 5)
        );
        assert_eq!(
            root.status,
            Some(pb::trace::v1::Status {
                message: "it broke".into(),
                code: 2
            })
        );
        assert_eq!(
            root.attributes[0].value,
            Some(AnyValue {
                value: Some(any_value::Value::BytesValue(vec![0, 1, 2, 255]))
            })
        );
        let Some(any_value::Value::ArrayValue(arr)) = root.attributes[1]
            .value
            .as_ref()
            .and_then(|v| v.value.clone())
        else {
            panic!("an array: {:?}", root.attributes[1]);
        };
        assert_eq!(arr.values[0].value, Some(any_value::Value::IntValue(1)));
        assert!(matches!(
            &arr.values[1].value,
            Some(any_value::Value::KvlistValue(kv)) if kv.values[0].key == "k"
        ));
        assert_eq!(arr.values[2].value, None, "an empty AnyValue stays empty");
        assert_eq!(root.events[0].name, "ev");
        assert_eq!(root.events[0].dropped_attributes_count, 6);
        assert_eq!(root.links[0].span_id, raw_id("fedcba9876543210"));
        assert_eq!(
            (root.links[0].flags, root.links[0].dropped_attributes_count),
            (1, 8)
        );
        // No status when unset and without a message.
        assert_eq!(ss.spans[1].status, None);
        assert_eq!(ss.spans[1].parent_span_id, [0, 0, 0, 0, 0, 0, 0, 0xa1]);
        // Raw ids: hex text as the bytes it spells, other text as its UTF-8.
        let odd = &rs.scope_spans[1].spans[0];
        assert_eq!(odd.trace_id, b"trace-raw");
        assert_eq!(odd.span_id, [0xab, 0xcd]);
        assert_eq!(odd.parent_span_id, b"span-raw");
        // The second resource.
        assert_eq!(
            data.resource_spans[1].scope_spans[0].spans[0].name,
            "elsewhere"
        );
    }

    #[test]
    fn reading_the_output_back_gives_the_same_spans() {
        let set = load_json(DOC);
        let bytes = encode(&set);
        let again = load_pb(bytes.clone());
        assert_eq!(again.sources()[0].format, "otlp-proto");
        assert_eq!(again.span_count(), set.span_count());
        assert_eq!(again.traces().len(), set.traces().len());
        // Both sets are in tree order, so spans pair up by index.
        for i in 0..set.span_count() {
            let (a, b) = (set.span(SpanIx(i as u32)), again.span(SpanIx(i as u32)));
            assert_eq!(a.name(), b.name());
            assert_eq!(a.service(), b.service());
            assert_eq!(
                (a.rec.kind, a.rec.status, a.rec.flags, a.rec.dropped),
                (b.rec.kind, b.rec.status, b.rec.flags, b.rec.dropped)
            );
            assert_eq!(
                (a.rec.start_unix_ns, a.rec.end_unix_ns, a.rec.depth),
                (b.rec.start_unix_ns, b.rec.end_unix_ns, b.rec.depth)
            );
            assert_eq!(a.attrs().len(), b.attrs().len());
            if a.name() != "odd ids" {
                assert_eq!((a.trace_id(), a.span_id()), (b.trace_id(), b.span_id()));
                assert_eq!(a.parent_id(), b.parent_id());
            }
        }
        let root = again.span(SpanIx(1));
        assert_eq!(
            root.name(),
            "root",
            "after the trace of `odd ids`, which starts first"
        );
        match again.value(root.attr("bytes").expect("bytes attr")) {
            ValueRef::Bytes(b) => assert_eq!(&b[..], [0, 1, 2, 255]),
            other => panic!("{other:?}"),
        }
        // A hex raw id reads back as the same text; other raw ids as the hex of their UTF-8, or
        // as a binary id when that is 8 bytes long.
        let odd = (0..again.span_count())
            .map(|i| again.span(SpanIx(i as u32)))
            .find(|s| s.name() == "odd ids")
            .expect("odd span");
        assert_eq!(odd.span_id(), "abcd");
        assert_eq!(odd.trace_id(), "74726163652d726177");
        assert_eq!(odd.parent_id().as_deref(), Some("7370616e2d726177"));
        // Encoding what was read gives the same bytes.
        assert_eq!(encode(&again), bytes);
    }

    #[test]
    fn an_empty_set_is_an_empty_message() {
        let set = Builder::default().finish();
        assert!(encode(&set).is_empty());
    }

    #[test]
    fn a_service_name_held_outside_the_attributes_is_written_as_one() {
        let mut b = Builder::default();
        b.begin_source("x", "test", None);
        let service_name = b.intern("checkout");
        let resource = b.add_resource(Resource {
            service_name,
            ..Resource::default()
        });
        let scope = b.add_scope(Scope::default());
        let name = b.intern("op");
        let mut s = NewSpan::new(TraceId::from_u128(1), SpanId::from_u64(2), name);
        s.resource = resource;
        s.scope = scope;
        s.start_unix_ns = 1;
        s.end_unix_ns = 5;
        b.add_span(s);
        let set = b.finish();
        let data = TracesData::decode(&encode(&set)[..]).expect("decodes");
        let attrs = &data.resource_spans[0]
            .resource
            .as_ref()
            .expect("resource")
            .attributes;
        assert_eq!(attrs.len(), 1);
        assert_eq!(attrs[0].key, "service.name");
        let again = load_pb(encode(&set));
        assert_eq!(again.span(SpanIx(0)).service(), "checkout");
    }
}

//! Unit tests of the OTLP protobuf importer, on messages built with the generated types.

use super::generated::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
use super::generated::opentelemetry::proto::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use super::generated::opentelemetry::proto::resource::v1::Resource;
use super::generated::opentelemetry::proto::trace::v1::{
    ResourceSpans, ScopeSpans, Span, Status, TracesData, span,
};
use super::*;
use crate::model::{SpanIx, TraceSet, ValueRef};
use crate::{ImportError, WarningCode};

const TRACE: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
];

fn v(value: any_value::Value) -> Option<AnyValue> {
    Some(AnyValue { value: Some(value) })
}

fn kv(key: &str, value: Option<AnyValue>) -> KeyValue {
    KeyValue {
        key: key.into(),
        value,
        key_strindex: 0,
    }
}

fn s(text: &str) -> Option<AnyValue> {
    v(any_value::Value::StringValue(text.into()))
}

fn span(id: u8, parent: Option<u8>, name: &str) -> Span {
    Span {
        trace_id: TRACE.to_vec(),
        span_id: vec![0, 0, 0, 0, 0, 0, 0, id],
        parent_span_id: parent.map_or_else(Vec::new, |p| vec![0, 0, 0, 0, 0, 0, 0, p]),
        name: name.into(),
        start_time_unix_nano: 1_000 + u64::from(id),
        end_time_unix_nano: 2_000,
        ..Span::default()
    }
}

fn resource_spans(service: &str, spans: Vec<Span>) -> ResourceSpans {
    ResourceSpans {
        resource: Some(Resource {
            attributes: vec![kv("service.name", s(service))],
            ..Resource::default()
        }),
        scope_spans: vec![ScopeSpans {
            scope: Some(InstrumentationScope {
                name: "lib".into(),
                ..InstrumentationScope::default()
            }),
            spans,
            schema_url: String::new(),
        }],
        schema_url: String::new(),
    }
}

fn request(rs: Vec<ResourceSpans>) -> Vec<u8> {
    ExportTraceServiceRequest { resource_spans: rs }.encode_to_vec()
}

fn load(bytes: Vec<u8>) -> TraceSet {
    crate::load("in.pb", bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn by_name<'a>(set: &'a TraceSet, name: &str) -> crate::SpanRef<'a> {
    (0..set.span_count())
        .map(|i| set.span(SpanIx(i as u32)))
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

fn codes(set: &TraceSet) -> Vec<WarningCode> {
    set.warnings().iter().map(|w| w.code).collect()
}

#[test]
fn every_field_of_a_message_lands_in_the_model() {
    let long = "a long value over the interning limit ".repeat(4);
    let mut root = span(1, None, "root");
    root.trace_state = "vendor=1".into();
    root.flags = 257;
    root.kind = span::SpanKind::Server as i32;
    root.dropped_attributes_count = 3;
    root.dropped_events_count = 4;
    root.dropped_links_count = 5;
    root.status = Some(Status {
        message: "it broke".into(),
        code: 2,
    });
    root.attributes = vec![
        kv("str", s("short")),
        kv("long", s(&long)),
        kv("b", v(any_value::Value::BoolValue(true))),
        kv("i", v(any_value::Value::IntValue(i64::MIN))),
        kv("d", v(any_value::Value::DoubleValue(0.25))),
        kv("bytes", v(any_value::Value::BytesValue(vec![0, 1, 255]))),
        kv(
            "arr",
            v(any_value::Value::ArrayValue(ArrayValue {
                values: vec![
                    AnyValue {
                        value: Some(any_value::Value::IntValue(1)),
                    },
                    AnyValue {
                        value: Some(any_value::Value::ArrayValue(ArrayValue {
                            values: vec![AnyValue::default()],
                        })),
                    },
                    AnyValue {
                        value: Some(any_value::Value::KvlistValue(KeyValueList {
                            values: vec![kv("k", v(any_value::Value::BytesValue(vec![7])))],
                        })),
                    },
                ],
            })),
        ),
        kv(
            "kv",
            v(any_value::Value::KvlistValue(KeyValueList {
                values: vec![kv("inner", s("x")), kv("none", None)],
            })),
        ),
        kv("empty", Some(AnyValue::default())),
    ];
    root.events = vec![span::Event {
        time_unix_nano: 1_500,
        name: "ev".into(),
        attributes: vec![kv("e", s("x"))],
        dropped_attributes_count: 6,
    }];
    root.links = vec![
        span::Link {
            trace_id: vec![0xfe; 16],
            span_id: vec![0xfe; 8],
            trace_state: "k=v".into(),
            attributes: vec![kv("l", v(any_value::Value::BoolValue(false)))],
            dropped_attributes_count: 8,
            flags: 1,
        },
        span::Link::default(),
    ];
    let mut child = span(2, Some(1), "child");
    child.kind = span::SpanKind::Client as i32;
    child.status = Some(Status {
        message: String::new(),
        code: 1,
    });
    let mut rs = resource_spans("agent", vec![root, child]);
    rs.schema_url = "https://res/schema".into();
    rs.resource
        .as_mut()
        .expect("resource")
        .dropped_attributes_count = 2;
    rs.resource
        .as_mut()
        .expect("resource")
        .attributes
        .push(kv("host", s("h1")));
    rs.scope_spans[0].schema_url = "https://scope/schema".into();
    rs.scope_spans[0].scope = Some(InstrumentationScope {
        name: "lib".into(),
        version: "1.2".into(),
        attributes: vec![kv("s", v(any_value::Value::IntValue(7)))],
        dropped_attributes_count: 1,
    });
    let set = load(request(vec![rs]));
    assert_eq!(set.sources()[0].format, "otlp-proto");
    assert_eq!(set.span_count(), 2);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());

    let root = by_name(&set, "root");
    assert_eq!(root.trace_id(), "0123456789abcdef0123456789abcdef");
    assert_eq!(root.span_id(), "0000000000000001");
    assert_eq!(root.parent_id(), None);
    let r = root.rec;
    assert_eq!(set.str(r.trace_state), "vendor=1");
    assert_eq!(
        (r.flags, r.kind, r.status),
        (257, SpanKind::Server, StatusCode::Error)
    );
    assert_eq!(set.str(r.status_message), "it broke");
    assert_eq!((r.start_unix_ns, r.end_unix_ns), (1_001, 2_000));
    assert_eq!(r.dropped, [3, 4, 5]);
    assert_eq!(root.service(), "agent");

    let attr = |key: &str| set.value(root.attr(key).unwrap_or_else(|| panic!("{key}")));
    assert_eq!(attr("str"), ValueRef::Str("short".into()));
    assert!(
        matches!(root.attr("long"), Some(Value::Text(_))),
        "long strings are texts"
    );
    assert_eq!(attr("long"), ValueRef::Str(long.as_str().into()));
    assert_eq!(attr("b"), ValueRef::Bool(true));
    assert_eq!(attr("i"), ValueRef::Int(i64::MIN));
    assert_eq!(attr("d"), ValueRef::Double(0.25));
    assert_eq!(attr("bytes"), ValueRef::Bytes(vec![0, 1, 255].into()));
    assert!(matches!(root.attr("empty"), Some(Value::Empty)));
    let ValueRef::Array(items) = attr("arr") else {
        panic!("array")
    };
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], Value::Int(1));
    let ValueRef::Array(inner) = set.value(items[1]) else {
        panic!("nested array")
    };
    assert_eq!(inner, [Value::Empty]);
    let ValueRef::KvList(pairs) = set.value(items[2]) else {
        panic!("kvlist in array")
    };
    assert_eq!(set.str(pairs[0].key), "k");
    assert_eq!(set.value(pairs[0].value), ValueRef::Bytes(vec![7].into()));
    let ValueRef::KvList(pairs) = attr("kv") else {
        panic!("kvlist")
    };
    let keys: Vec<&str> = pairs.iter().map(|a| set.str(a.key)).collect();
    assert_eq!(keys, ["inner", "none"]);
    assert_eq!(pairs[1].value, Value::Empty);

    let events = set.events(r.events);
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].time_unix_ns, set.str(events[0].name)),
        (1_500, "ev")
    );
    assert_eq!(events[0].dropped_attrs, 6);
    assert_eq!(set.attrs(events[0].attrs).len(), 1);
    let links = set.links(r.links);
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].trace_id, TraceId::Bytes([0xfe; 16]));
    assert_eq!(links[0].span_id, SpanId::Bytes([0xfe; 8]));
    assert_eq!(set.str(links[0].trace_state), "k=v");
    assert_eq!((links[0].flags, links[0].dropped_attrs), (1, 8));
    assert_eq!(set.attrs(links[0].attrs).len(), 1);
    // An empty link id is kept empty, as the JSON importer keeps it.
    assert_eq!(links[1].trace_id, TraceId::Raw(Sym::EMPTY));
    assert_eq!(links[1].span_id, SpanId::Raw(Sym::EMPTY));

    let res = set.resource(r.resource);
    assert_eq!(set.str(res.schema_url), "https://res/schema");
    assert_eq!(res.dropped_attrs, 2);
    assert_eq!(set.attrs(res.attrs).len(), 2);
    let scope = set.scope(r.scope);
    assert_eq!(
        (set.str(scope.name), set.str(scope.version)),
        ("lib", "1.2")
    );
    assert_eq!(set.str(scope.schema_url), "https://scope/schema");
    assert_eq!(scope.dropped_attrs, 1);
    assert_eq!(set.attrs(scope.attrs).len(), 1);

    let child = by_name(&set, "child");
    assert_eq!(child.parent_id().as_deref(), Some("0000000000000001"));
    assert_eq!(child.rec.parent, Some(root.ix), "linked into the tree");
    assert_eq!(
        (child.rec.kind, child.rec.status),
        (SpanKind::Client, StatusCode::Ok)
    );
}

#[test]
fn traces_data_reads_like_an_export_request() {
    let rs = vec![resource_spans("agent", vec![span(1, None, "root")])];
    let as_data = TracesData {
        resource_spans: rs.clone(),
    }
    .encode_to_vec();
    assert_eq!(as_data, request(rs), "the same wire shape");
    assert_eq!(load(as_data).span_count(), 1);
}

#[test]
fn concatenated_messages_merge_into_one() {
    let a = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    let b = request(vec![
        resource_spans("mcp", vec![span(2, Some(1), "tool")]),
        resource_spans("db", vec![span(3, Some(2), "query")]),
    ]);
    let both = [a, b].concat();
    // Protobuf's own reading of the concatenation: one message with the lists joined.
    let merged = TracesData::decode(&both[..]).expect("decodes");
    assert_eq!(merged.resource_spans.len(), 3);
    let set = load(both);
    assert_eq!(set.span_count(), 3);
    assert_eq!(set.traces().len(), 1, "spans of one trace join");
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    let query = by_name(&set, "query");
    assert_eq!(query.rec.depth, 2, "parents link across the messages");
    assert_eq!(query.service(), "db");
    assert_eq!(by_name(&set, "tool").service(), "mcp");
}

#[test]
fn unknown_top_level_fields_are_skipped() {
    let mut bytes = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    // Field 2 (varint 5) and field 9 (length-delimited "hi"), as a later OTLP version might add.
    bytes.extend_from_slice(&[0x10, 0x05, 0x4a, 0x02, b'h', b'i']);
    let set = load(bytes);
    assert_eq!(set.span_count(), 1);
}

#[test]
fn ids_of_other_lengths_are_kept_as_hex_with_a_warning() {
    let mut odd = span(1, None, "odd");
    odd.trace_id = vec![0xAB, 0xCD, 0xEF];
    odd.span_id = vec![1, 2, 3, 4];
    odd.parent_span_id = vec![9; 5];
    odd.links = vec![span::Link {
        trace_id: vec![1, 2],
        span_id: vec![3; 9],
        ..span::Link::default()
    }];
    let mut zero_parent = span(2, None, "zero parent");
    zero_parent.parent_span_id = vec![0; 8];
    let mut no_ids = span(3, None, "no ids");
    no_ids.trace_id = vec![0; 16];
    no_ids.span_id = Vec::new();
    let set = load(request(vec![resource_spans(
        "agent",
        vec![odd, zero_parent, no_ids],
    )]));
    let odd = by_name(&set, "odd");
    assert_eq!(odd.trace_id(), "abcdef");
    assert_eq!(odd.span_id(), "01020304");
    assert_eq!(odd.parent_id().as_deref(), Some("0909090909"));
    let link = set.links(odd.rec.links)[0];
    assert_eq!(link.trace_id.display(set.strings()).to_string(), "0102");
    assert_eq!(
        link.span_id.display(set.strings()).to_string(),
        "030303030303030303"
    );
    let zero = by_name(&set, "zero parent");
    assert_eq!(zero.parent_id(), None, "an all-zero parent is a root");
    assert_eq!(zero.rec.parent, None);
    assert!(!zero.rec.tree_flags.has(crate::model::TreeFlags::ORPHAN));
    let none = by_name(&set, "no ids");
    assert_eq!(
        (none.trace_id(), none.span_id()),
        (String::new(), String::new())
    );
    let bad_id: Vec<&str> = set
        .warnings()
        .iter()
        .filter(|w| w.code == WarningCode::BadId)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(bad_id.len(), 3, "{bad_id:?}");
    assert!(
        bad_id[0].contains("span `odd` at byte")
            && bad_id[0].contains("trace_id abcdef is 3 bytes, not 16"),
        "{bad_id:?}"
    );
    assert!(bad_id[1].contains("span_id 01020304 is 4 bytes, not 8"));
    assert!(bad_id[2].contains("parent_span_id 0909090909 is 5 bytes"));
    let missing = codes(&set)
        .into_iter()
        .filter(|&c| c == WarningCode::MissingField)
        .count();
    assert_eq!(
        missing,
        2,
        "no trace_id and no span_id: {:?}",
        set.warnings()
    );
}

#[test]
fn odd_values_become_warnings() {
    let mut s = span(1, None, "odd values");
    s.kind = 9;
    s.status = Some(Status {
        message: String::new(),
        code: 7,
    });
    s.start_time_unix_nano = 0;
    s.attributes = vec![kv("idx", v(any_value::Value::StringValueStrindex(3)))];
    let set = load(request(vec![resource_spans("agent", vec![s])]));
    let span = by_name(&set, "odd values");
    assert_eq!(
        (span.rec.kind, span.rec.status),
        (SpanKind::Unspecified, StatusCode::Unset)
    );
    assert_eq!(span.attr("idx"), Some(Value::Empty));
    let mut c = codes(&set);
    c.sort();
    assert_eq!(
        c,
        [
            WarningCode::BadValue,
            WarningCode::BadValue,
            WarningCode::BadValue,
            WarningCode::MissingField
        ]
    );
    let text: Vec<&str> = set.warnings().iter().map(|w| w.message.as_str()).collect();
    assert!(text.iter().any(|m| m.contains("kind is 9")), "{text:?}");
    assert!(text.iter().any(|m| m.contains("status code is 7")));
    assert!(text.iter().any(|m| m.contains("no start_time_unix_nano")));
}

#[test]
fn a_truncated_buffer_is_a_clear_error() {
    let bytes = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    let cut = bytes[..bytes.len() - 10].to_vec();
    let err = crate::load("cut.pb", cut).expect_err("truncated");
    let ImportError::Syntax {
        file,
        line,
        column,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((file.as_str(), *line, *column), ("cut.pb", 1, 1));
    assert!(message.contains("truncated"), "{message}");
    assert!(
        message
            .contains("expected an OTLP protobuf TracesData / ExportTraceServiceRequest message"),
        "{message}"
    );
    assert!(err.to_string().starts_with("cut.pb:1:1: "), "{err}");
}

#[test]
fn a_cut_after_a_whole_resource_spans_keeps_what_came_before() {
    let first = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    let second = request(vec![resource_spans("mcp", vec![span(2, Some(1), "tool")])]);
    let at = first.len();
    let mut bytes = [first, second].concat();
    bytes.truncate(bytes.len() - 3);
    let set = load(bytes);
    assert_eq!(set.span_count(), 1);
    let w = &set.warnings()[0];
    assert_eq!(w.code, WarningCode::Truncated);
    assert!(
        w.message.contains(&format!("in.pb:1:{}:", at + 1))
            && w.message
                .contains("the 1 spans read before this point were kept"),
        "{}",
        w.message
    );
}

#[test]
fn broken_content_names_the_position_and_what_was_expected() {
    let good = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    // A ResourceSpans whose body is a string field holding bytes that are not UTF-8.
    let mut bad = vec![0x0a, 0x04, 0x1a, 0x02, 0xff, 0xfe];
    let at = good.len();
    let mut bytes = good;
    bytes.append(&mut bad);
    let set = load(bytes);
    assert_eq!(set.span_count(), 1);
    let message = &set.warnings()[0].message;
    assert!(
        message.contains(&format!(":1:{}: the ResourceSpans at byte {at}", at + 1)),
        "{message}"
    );
    assert!(message.contains("not UTF-8"), "{message}");
    // The same alone: nothing read, so an error.
    let err = crate::load("bad.pb", vec![0x0a, 0x04, 0x1a, 0x02, 0xff, 0xfe]).expect_err("broken");
    assert!(err.to_string().starts_with("bad.pb:1:1: "), "{err}");
}

#[test]
fn span_origins_point_at_their_span_ids() {
    let bytes = request(vec![resource_spans(
        "agent",
        vec![span(1, None, "a"), span(2, Some(1), "b")],
    )]);
    let set = load(bytes.clone());
    for name in ["a", "b"] {
        let s = by_name(&set, name);
        let at = s.rec.origin.offset as usize;
        let SpanId::Bytes(id) = s.rec.span_id else {
            panic!("binary id")
        };
        assert_eq!(bytes[at..at + 2], [0x12, 8], "{name}");
        assert_eq!(bytes[at + 2..at + 10], id, "{name}");
    }
}

#[test]
fn sniff_accepts_protobuf() {
    let bytes = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    assert_eq!(sniff(&bytes), Ok(()));
    // Cut short, it is still recognised, so the import can say it is truncated.
    assert_eq!(sniff(&bytes[..bytes.len() / 2]), Ok(()));
}

/// A first ResourceSpans of 91 or 123 bytes puts `[` or `{` after the leading 0x0a (a line
/// feed): still protobuf, not JSON.
#[test]
fn sniff_accepts_a_first_length_that_reads_as_a_bracket() {
    for bracket in [b'[', b'{'] {
        let bytes = (1..200)
            .map(|n| {
                request(vec![resource_spans(
                    &"s".repeat(n),
                    vec![span(1, None, "root")],
                )])
            })
            .find(|b| b[1] == bracket)
            .expect("some service name gives that length");
        assert_eq!(sniff(&bytes), Ok(()), "{}", bracket as char);
        let set = load(bytes);
        assert_eq!(set.span_count(), 1);
        assert_eq!(set.sources()[0].format, "otlp-proto");
    }
}

#[test]
fn sniff_rejects_json_text_and_random_bytes_with_reasons() {
    let why = |b: &[u8]| sniff(b).expect_err("rejected");
    assert!(why(b"{\"resourceSpans\": []}").contains("JSON"));
    assert!(why(b"\n\n  [1, 2]").contains("JSON"), "whitespace first");
    assert!(why(b"\n\t{\"a\": 1}").contains("JSON"));
    assert!(why(b"hello world").contains("first byte is 0x68"));
    assert!(why(b"\nsome text on a second line\n").contains("text"));
    assert!(why("\nüber längere Zeilen\n".as_bytes()).contains("text"));
    assert!(why(&[0x1f, 0x8b, 0x08, 0x00]).contains("not 0x0a"));
    assert!(why(&[]).contains("no data"));
    // 0x0a, then a length far past the end, then bytes that do not start a ResourceSpans field.
    let r = why(&[0x0a, 0xff, 0x7f, 0x99, 0x01, 0x02]);
    assert!(r.contains("declares 16383 bytes but only 3 follow"), "{r}");
    assert!(
        why(&[
            0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        ])
        .contains("varint")
    );
}

#[test]
fn the_loader_reports_what_each_importer_said() {
    let err = crate::load("x.bin", vec![0x00, 0x01, 0x02]).expect_err("unrecognised");
    let text = err.to_string();
    assert!(
        text.contains("otlp-proto (the first byte is 0x00"),
        "{text}"
    );
}

#[test]
fn gzip_compressed_protobuf_loads() {
    use std::io::Write as _;
    let bytes = request(vec![resource_spans("agent", vec![span(1, None, "root")])]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).expect("compress");
    let set = load(gz.finish().expect("compress"));
    assert_eq!(set.sources()[0].format, "otlp-proto");
    assert!(set.sources()[0].compressed_len.is_some());
    assert_eq!(set.span_count(), 1);
}

//! OTLP JSON writer: one `TracesData` document (the same shape as `ExportTraceServiceRequest`), as the
//! protobuf JSON mapping writes it: lowerCamelCase field names, ids in lowercase hex, int64 values as
//! strings, enums as integers, bytes in base64, non-finite doubles as `"NaN"` / `"Infinity"`.
//!
//! The document is streamed: nothing is built in memory but the span order.
//!
//! Spans are grouped by (resource, scope): one `ResourceSpans` per resource of the set, holding one
//! `ScopeSpans` per scope, resources and scopes in the order they were read. Within a group, spans
//! keep the order of their input files. Reading the output back gives the same set: every id, name,
//! kind, status, time, attribute (every AnyValue kind, nested), event, link, trace state, flag,
//! dropped count, schema URL, resource and scope. What changes is only where each span came from
//! (file and offset) and how long strings are stored.
//!
//! Two cases are written the way the set holds them rather than as OTLP would have them:
//! - an id that was not hex or base64 (kept as given on import, with a `bad_id` warning) is written
//!   as that same text, so reading the output back gives the same id and the same warning;
//! - a resource whose service name did not come from a `service.name` attribute (formats that carry
//!   it elsewhere) gets that attribute, placed first, so the service is not lost.

use crate::id::{SpanId, TraceId, encode_base64};
use crate::intern::Sym;
use crate::model::{Attr, Event, Link, Range32, ResourceIx, ScopeIx, Span, TraceSet, Value};
use std::io::{self, BufWriter, Write};

/// Writes `set` as one OTLP JSON `TracesData` document (compact, ending in a newline).
pub fn write(set: &TraceSet, out: impl Write) -> io::Result<()> {
    let mut w = JsonOut {
        set,
        out: BufWriter::with_capacity(64 << 10, out),
    };
    w.document()?;
    w.out.flush()
}

/// The order spans are written in (indices into [`TraceSet::spans`]): grouped by resource, then
/// scope, both in the order they were read; inside a group, the input order (file, then offset).
pub(crate) fn span_order(set: &TraceSet) -> Vec<u32> {
    let spans = set.spans();
    let mut order: Vec<u32> = (0..spans.len() as u32).collect();
    order.sort_unstable_by_key(|&i| {
        let s = &spans[i as usize];
        (s.resource, s.scope, s.origin.source, s.origin.offset, i)
    });
    order
}

struct JsonOut<'a, W: Write> {
    set: &'a TraceSet,
    out: BufWriter<W>,
}

impl<W: Write> JsonOut<'_, W> {
    fn document(&mut self) -> io::Result<()> {
        let spans = self.set.spans();
        let order = span_order(self.set);
        self.raw("{\"resourceSpans\":[")?;
        let mut open: Option<(ResourceIx, ScopeIx)> = None;
        for &i in &order {
            let s = &spans[i as usize];
            match open {
                Some((r, sc)) if r == s.resource && sc == s.scope => self.raw(",")?,
                Some((r, sc)) if r == s.resource => {
                    self.close_scope(sc)?;
                    self.raw(",")?;
                    self.open_scope(s.scope)?;
                }
                Some((r, sc)) => {
                    self.close_scope(sc)?;
                    self.close_resource(r)?;
                    self.raw(",")?;
                    self.open_resource(s.resource)?;
                    self.open_scope(s.scope)?;
                }
                None => {
                    self.open_resource(s.resource)?;
                    self.open_scope(s.scope)?;
                }
            }
            open = Some((s.resource, s.scope));
            self.span(s)?;
        }
        if let Some((r, sc)) = open {
            self.close_scope(sc)?;
            self.close_resource(r)?;
        }
        self.raw("]}\n")
    }

    fn raw(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    /// A JSON string literal, escaped.
    fn string(&mut self, s: &str) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, s).map_err(io::Error::from)
    }

    fn sym(&mut self, sym: Sym) -> io::Result<()> {
        let s = self.set.str(sym);
        self.string(s)
    }

    /// `,"key":"value"` for a non-empty interned string.
    fn opt_sym(&mut self, key: &str, sym: Sym) -> io::Result<()> {
        if sym.is_empty() {
            return Ok(());
        }
        write!(self.out, ",\"{key}\":")?;
        self.sym(sym)
    }

    /// `,"key":n` for a non-zero count.
    fn opt_count(&mut self, key: &str, n: u32) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        write!(self.out, ",\"{key}\":{n}")
    }

    fn hex(&mut self, bytes: &[u8]) -> io::Result<()> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 34];
        buf[0] = b'"';
        let mut n = 1;
        for &b in bytes {
            buf[n] = DIGITS[(b >> 4) as usize];
            buf[n + 1] = DIGITS[(b & 15) as usize];
            n += 2;
        }
        buf[n] = b'"';
        self.out.write_all(&buf[..=n])
    }

    fn trace_id(&mut self, id: TraceId) -> io::Result<()> {
        match id {
            TraceId::Bytes(b) => self.hex(&b),
            TraceId::Raw(s) => self.sym(s),
        }
    }

    fn span_id(&mut self, id: SpanId) -> io::Result<()> {
        match id {
            SpanId::Bytes(b) => self.hex(&b),
            SpanId::Raw(s) => self.sym(s),
        }
    }

    fn open_resource(&mut self, ix: ResourceIx) -> io::Result<()> {
        let res = *self.set.resource(ix);
        self.raw("{\"resource\":{\"attributes\":[")?;
        let attrs = self.set.attrs(res.attrs);
        let mut first = true;
        if !res.service_name.is_empty() {
            let key = self.set.strings().get("service.name");
            let held = attrs.iter().any(|a| {
                Some(a.key) == key
                    && self.set.value_str(a.value).as_deref()
                        == Some(self.set.str(res.service_name))
            });
            if !held {
                self.raw("{\"key\":\"service.name\",\"value\":{\"stringValue\":")?;
                self.sym(res.service_name)?;
                self.raw("}}")?;
                first = false;
            }
        }
        for a in attrs {
            if !first {
                self.raw(",")?;
            }
            first = false;
            self.attr(a)?;
        }
        self.raw("]")?;
        self.opt_count("droppedAttributesCount", res.dropped_attrs)?;
        self.raw("},\"scopeSpans\":[")
    }

    fn close_resource(&mut self, ix: ResourceIx) -> io::Result<()> {
        let schema_url = self.set.resource(ix).schema_url;
        self.raw("]")?;
        self.opt_sym("schemaUrl", schema_url)?;
        self.raw("}")
    }

    fn open_scope(&mut self, ix: ScopeIx) -> io::Result<()> {
        let scope = *self.set.scope(ix);
        self.raw("{\"scope\":{\"name\":")?;
        self.sym(scope.name)?;
        self.opt_sym("version", scope.version)?;
        self.attrs_field(scope.attrs)?;
        self.opt_count("droppedAttributesCount", scope.dropped_attrs)?;
        self.raw("},\"spans\":[")
    }

    fn close_scope(&mut self, ix: ScopeIx) -> io::Result<()> {
        let schema_url = self.set.scope(ix).schema_url;
        self.raw("]")?;
        self.opt_sym("schemaUrl", schema_url)?;
        self.raw("}")
    }

    fn span(&mut self, s: &Span) -> io::Result<()> {
        let set = self.set;
        self.raw("{\"traceId\":")?;
        self.trace_id(set.traces()[s.trace.0 as usize].id)?;
        self.raw(",\"spanId\":")?;
        self.span_id(s.span_id)?;
        if let Some(parent) = s.parent_id {
            self.raw(",\"parentSpanId\":")?;
            self.span_id(parent)?;
        }
        self.opt_sym("traceState", s.trace_state)?;
        self.opt_count("flags", s.flags)?;
        self.raw(",\"name\":")?;
        self.sym(s.name)?;
        write!(
            self.out,
            ",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"",
            s.kind as u8, s.start_unix_ns, s.end_unix_ns
        )?;
        self.attrs_field(s.attrs)?;
        self.opt_count("droppedAttributesCount", s.dropped[0])?;
        if !s.events.is_empty() {
            self.raw(",\"events\":[")?;
            for (i, e) in set.events(s.events).iter().enumerate() {
                if i > 0 {
                    self.raw(",")?;
                }
                self.event(e)?;
            }
            self.raw("]")?;
        }
        self.opt_count("droppedEventsCount", s.dropped[1])?;
        if !s.links.is_empty() {
            self.raw(",\"links\":[")?;
            for (i, l) in set.links(s.links).iter().enumerate() {
                if i > 0 {
                    self.raw(",")?;
                }
                self.link(l)?;
            }
            self.raw("]")?;
        }
        self.opt_count("droppedLinksCount", s.dropped[2])?;
        let code = s.status as u8;
        if code != 0 || !s.status_message.is_empty() {
            self.raw(",\"status\":{")?;
            if s.status_message.is_empty() {
                write!(self.out, "\"code\":{code}")?;
            } else {
                self.raw("\"message\":")?;
                self.sym(s.status_message)?;
                if code != 0 {
                    write!(self.out, ",\"code\":{code}")?;
                }
            }
            self.raw("}")?;
        }
        self.raw("}")
    }

    fn event(&mut self, e: &Event) -> io::Result<()> {
        write!(
            self.out,
            "{{\"timeUnixNano\":\"{}\",\"name\":",
            e.time_unix_ns
        )?;
        self.sym(e.name)?;
        self.attrs_field(e.attrs)?;
        self.opt_count("droppedAttributesCount", e.dropped_attrs)?;
        self.raw("}")
    }

    fn link(&mut self, l: &Link) -> io::Result<()> {
        self.raw("{\"traceId\":")?;
        self.trace_id(l.trace_id)?;
        self.raw(",\"spanId\":")?;
        self.span_id(l.span_id)?;
        self.opt_sym("traceState", l.trace_state)?;
        self.attrs_field(l.attrs)?;
        self.opt_count("droppedAttributesCount", l.dropped_attrs)?;
        self.opt_count("flags", l.flags)?;
        self.raw("}")
    }

    /// `,"attributes":[…]` when there are any.
    fn attrs_field(&mut self, attrs: Range32) -> io::Result<()> {
        if attrs.is_empty() {
            return Ok(());
        }
        self.raw(",\"attributes\":")?;
        self.attr_list(attrs)
    }

    fn attr_list(&mut self, attrs: Range32) -> io::Result<()> {
        self.raw("[")?;
        for (i, a) in self.set.attrs(attrs).iter().enumerate() {
            if i > 0 {
                self.raw(",")?;
            }
            self.attr(a)?;
        }
        self.raw("]")
    }

    fn attr(&mut self, a: &Attr) -> io::Result<()> {
        self.raw("{\"key\":")?;
        self.sym(a.key)?;
        self.raw(",\"value\":")?;
        self.value(a.value)?;
        self.raw("}")
    }

    /// An AnyValue object. Nesting is as deep as the set's, which its importer bounded.
    fn value(&mut self, v: Value) -> io::Result<()> {
        let set = self.set;
        match v {
            Value::Empty => self.raw("{}"),
            Value::Str(s) => {
                self.raw("{\"stringValue\":")?;
                self.sym(s)?;
                self.raw("}")
            }
            Value::Text(t) => {
                self.raw("{\"stringValue\":")?;
                self.string(&set.text(t))?;
                self.raw("}")
            }
            Value::Src(t) => {
                self.raw("{\"stringValue\":")?;
                self.string(&set.src_str(t))?;
                self.raw("}")
            }
            Value::Bool(b) => write!(self.out, "{{\"boolValue\":{b}}}"),
            Value::Int(i) => write!(self.out, "{{\"intValue\":\"{i}\"}}"),
            Value::Double(d) => {
                self.raw("{\"doubleValue\":")?;
                if d.is_nan() {
                    self.raw("\"NaN\"")?;
                } else if d.is_infinite() {
                    self.raw(if d > 0.0 {
                        "\"Infinity\""
                    } else {
                        "\"-Infinity\""
                    })?;
                } else {
                    serde_json::to_writer(&mut self.out, &d).map_err(io::Error::from)?;
                }
                self.raw("}")
            }
            Value::Bytes(t) => {
                self.raw("{\"bytesValue\":\"")?;
                self.raw(&encode_base64(&set.bytes(t)))?;
                self.raw("\"}")
            }
            Value::Array(r) => {
                self.raw("{\"arrayValue\":{\"values\":[")?;
                for (i, &item) in set.array(r).iter().enumerate() {
                    if i > 0 {
                        self.raw(",")?;
                    }
                    self.value(item)?;
                }
                self.raw("]}}")
            }
            Value::KvList(r) => {
                self.raw("{\"kvlistValue\":{\"values\":")?;
                self.attr_list(r)?;
                self.raw("}}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{Builder, NewSpan};
    use crate::model::{Resource, Scope, TraceIx, ValueRef};
    use std::fmt::Write as _;

    /// Every field the model holds for a span, its resource and scope, except where it came from.
    fn describe(set: &TraceSet) -> String {
        fn value(set: &TraceSet, v: Value) -> String {
            match set.value(v) {
                ValueRef::Empty => "empty".into(),
                ValueRef::Str(s) => format!("str{s:?}"),
                ValueRef::Bool(b) => format!("bool {b}"),
                ValueRef::Int(i) => format!("int {i}"),
                ValueRef::Double(d) => format!("double {:?}", d.to_bits()),
                ValueRef::Bytes(b) => format!("bytes {b:?}"),
                ValueRef::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|&i| value(set, i))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                ValueRef::KvList(kvs) => format!("{{{}}}", attrs(set, kvs)),
            }
        }
        fn attrs(set: &TraceSet, list: &[Attr]) -> String {
            list.iter()
                .map(|a| format!("{:?}={}", set.str(a.key), value(set, a.value)))
                .collect::<Vec<_>>()
                .join(", ")
        }
        let mut out = String::new();
        for (t, trace) in set.traces().iter().enumerate() {
            let _ = writeln!(out, "trace {}", trace.id.display(set.strings()));
            for span in set.trace_spans(TraceIx(t as u32)) {
                let s = span.rec;
                let res = set.resource(s.resource);
                let scope = set.scope(s.scope);
                let _ = writeln!(
                    out,
                    " span {} parent={:?} name={:?} kind={:?} status={:?}/{:?} state={:?} flags={} \
                     time={}..{} dropped={:?} depth={} tree={:?}",
                    span.span_id(),
                    span.parent_id(),
                    span.name(),
                    s.kind,
                    s.status,
                    set.str(s.status_message),
                    set.str(s.trace_state),
                    s.flags,
                    s.start_unix_ns,
                    s.end_unix_ns,
                    s.dropped,
                    s.depth,
                    s.tree_flags,
                );
                let _ = writeln!(
                    out,
                    "  resource service={:?} schema={:?} dropped={} [{}]",
                    set.str(res.service_name),
                    set.str(res.schema_url),
                    res.dropped_attrs,
                    attrs(set, set.attrs(res.attrs))
                );
                let _ = writeln!(
                    out,
                    "  scope {:?}@{:?} schema={:?} dropped={} [{}]",
                    set.str(scope.name),
                    set.str(scope.version),
                    set.str(scope.schema_url),
                    scope.dropped_attrs,
                    attrs(set, set.attrs(scope.attrs))
                );
                let _ = writeln!(out, "  attrs [{}]", attrs(set, span.attrs()));
                for e in set.events(s.events) {
                    let _ = writeln!(
                        out,
                        "  event {:?} at {} dropped={} [{}]",
                        set.str(e.name),
                        e.time_unix_ns,
                        e.dropped_attrs,
                        attrs(set, set.attrs(e.attrs))
                    );
                }
                for l in set.links(s.links) {
                    let _ = writeln!(
                        out,
                        "  link {}/{} state={:?} flags={} dropped={} [{}]",
                        l.trace_id.display(set.strings()),
                        l.span_id.display(set.strings()),
                        set.str(l.trace_state),
                        l.flags,
                        l.dropped_attrs,
                        attrs(set, set.attrs(l.attrs))
                    );
                }
            }
        }
        for w in set.warnings() {
            let _ = writeln!(out, "warning {}", w.code.as_str());
        }
        out
    }

    fn to_json(set: &TraceSet) -> String {
        let mut out = Vec::new();
        write(set, &mut out).expect("write to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    fn load(text: &str) -> TraceSet {
        crate::load("in.json", text.as_bytes().to_vec()).expect("load")
    }

    const LONG: &str = "a long value that is over the interning limit, so it is stored as a text with \"quotes\", a tab\t and é";

    fn rich_document() -> String {
        format!(
            r#"{{"resourceSpans": [
  {{"resource": {{"attributes": [{{"key": "service.name", "value": {{"stringValue": "agent"}}}}, {{"key": "host", "value": {{"stringValue": "h1"}}}}], "droppedAttributesCount": 2}},
   "schemaUrl": "https://opentelemetry.io/schemas/1.30.0",
   "scopeSpans": [
    {{"scope": {{"name": "lib", "version": "1.2", "attributes": [{{"key": "s", "value": {{"intValue": 7}}}}], "droppedAttributesCount": 1}},
     "schemaUrl": "https://scope/schema",
     "spans": [
      {{"traceId": "0123456789ABCDEF0123456789abcdef", "spanId": "00000000000000a1", "parentSpanId": "0000000000000000",
        "traceState": "vendor=1", "flags": 257, "name": "root", "kind": 2,
        "startTimeUnixNano": "1000", "endTimeUnixNano": "9000",
        "attributes": [
          {{"key": "long", "value": {{"stringValue": {long}}}}},
          {{"key": "escaped", "value": {{"stringValue": "line\nbreak \u0001 \ud83d\ude00"}}}},
          {{"key": "max", "value": {{"intValue": "9223372036854775807"}}}},
          {{"key": "min", "value": {{"intValue": "-9223372036854775808"}}}},
          {{"key": "d", "value": {{"doubleValue": 0.1}}}},
          {{"key": "big", "value": {{"doubleValue": 1e300}}}},
          {{"key": "whole", "value": {{"doubleValue": 3}}}},
          {{"key": "nan", "value": {{"doubleValue": "NaN"}}}},
          {{"key": "inf", "value": {{"doubleValue": "Infinity"}}}},
          {{"key": "ninf", "value": {{"doubleValue": "-Infinity"}}}},
          {{"key": "negzero", "value": {{"doubleValue": -0.0}}}},
          {{"key": "b", "value": {{"boolValue": true}}}},
          {{"key": "bytes", "value": {{"bytesValue": "AAEC/w=="}}}},
          {{"key": "bytes.empty", "value": {{"bytesValue": ""}}}},
          {{"key": "arr", "value": {{"arrayValue": {{"values": [{{"intValue": "1"}}, {{"arrayValue": {{"values": [{{}}]}}}}, {{"kvlistValue": {{"values": [{{"key": "k", "value": {{"bytesValue": "/w=="}}}}]}}}}]}}}}}},
          {{"key": "arr.empty", "value": {{"arrayValue": {{}}}}}},
          {{"key": "kv.empty", "value": {{"kvlistValue": {{}}}}}},
          {{"key": "none", "value": {{}}}}
        ],
        "droppedAttributesCount": 3, "droppedEventsCount": 4, "droppedLinksCount": 5,
        "events": [{{"timeUnixNano": "2000", "name": "ev", "attributes": [{{"key": "e", "value": {{"stringValue": "x"}}}}], "droppedAttributesCount": 6}},
                   {{"timeUnixNano": "18446744073709551615", "name": ""}}],
        "links": [{{"traceId": "fedcba9876543210fedcba9876543210", "spanId": "fedcba9876543210", "traceState": "k=v", "flags": 1, "droppedAttributesCount": 8,
                    "attributes": [{{"key": "l", "value": {{"boolValue": false}}}}]}},
                  {{"traceId": "not-a-trace-id", "spanId": ""}}],
        "status": {{"code": 2, "message": "it broke"}}}},
      {{"traceId": "0123456789abcdef0123456789abcdef", "spanId": "00000000000000a2", "parentSpanId": "00000000000000a1",
        "name": "child", "kind": "SPAN_KIND_CLIENT", "startTimeUnixNano": 2000, "endTimeUnixNano": 3000, "status": {{"code": 1}}}}
     ]}},
    {{"spans": [{{"traceId": "trace-raw", "spanId": "span-raw", "parentSpanId": "parent-raw", "name": "odd ids",
                 "startTimeUnixNano": "5", "endTimeUnixNano": "4", "status": {{"message": "only a message"}}}}]}}
   ]}},
  {{"resource": {{}}, "scopeSpans": [{{"scope": {{"name": "other"}}, "spans": [
      {{"traceId": "0123456789abcdef0123456789abcdef", "spanId": "00000000000000b1", "parentSpanId": "00000000000000a1",
        "name": "other service", "startTimeUnixNano": "2500", "endTimeUnixNano": "2600"}}]}}]}}
]}}"#,
            long = serde_json::to_string(LONG).expect("json")
        )
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let original = load(&rich_document());
        assert_eq!(original.span_count(), 4);
        let json = to_json(&original);
        let again = load(&json);
        assert_eq!(describe(&again), describe(&original), "{json}");
        // A second pass writes the very same bytes.
        assert_eq!(to_json(&again), json);
        // The details that are easy to get wrong are really there.
        let d = describe(&again);
        for needle in [
            "\"long\"=str\"a long value",
            "int 9223372036854775807",
            "int -9223372036854775808",
            "bytes [0, 1, 2, 255]",
            "schema=\"https://opentelemetry.io/schemas/1.30.0\" dropped=2",
            "scope \"lib\"@\"1.2\" schema=\"https://scope/schema\" dropped=1",
            "flags=257",
            "dropped=[3, 4, 5]",
            "link fedcba9876543210fedcba9876543210/fedcba9876543210 state=\"k=v\" flags=1 dropped=8",
            "link not-a-trace-id/ state=\"\"",
            "event \"\" at 18446744073709551615",
            "span span-raw parent=Some(\"parent-raw\")",
            "status=Unset/\"only a message\"",
            "\"none\"=empty",
            &format!("double {:?}", (-0.0f64).to_bits()),
        ] {
            assert!(d.contains(needle), "{needle} missing from\n{d}");
        }
        assert!(again.warnings().iter().any(|w| w.code.as_str() == "bad_id"));
    }

    #[test]
    fn output_follows_the_protobuf_json_mapping() {
        let set = load(&rich_document());
        let json = to_json(&set);
        assert!(json.ends_with("}\n"));
        assert_eq!(json.lines().count(), 1, "compact, one document");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let rs = v["resourceSpans"].as_array().expect("resourceSpans");
        assert_eq!(rs.len(), 2, "one ResourceSpans per resource");
        assert_eq!(
            rs[0]["schemaUrl"],
            "https://opentelemetry.io/schemas/1.30.0"
        );
        assert_eq!(rs[0]["resource"]["droppedAttributesCount"], 2);
        let ss = rs[0]["scopeSpans"].as_array().expect("scopeSpans");
        assert_eq!(ss.len(), 2, "one ScopeSpans per scope");
        assert_eq!(ss[0]["scope"]["version"], "1.2");
        assert_eq!(ss[0]["schemaUrl"], "https://scope/schema");
        let root = &ss[0]["spans"][0];
        // Ids in lowercase hex, a zero parent written as none, int64 as strings, enums as numbers.
        assert_eq!(root["traceId"], "0123456789abcdef0123456789abcdef");
        assert_eq!(root["spanId"], "00000000000000a1");
        assert!(root.get("parentSpanId").is_none());
        assert_eq!(root["startTimeUnixNano"], "1000");
        assert_eq!(root["kind"], 2);
        assert_eq!(root["flags"], 257);
        assert_eq!(
            root["status"],
            serde_json::json!({"message": "it broke", "code": 2})
        );
        assert_eq!(ss[0]["spans"][1]["kind"], 3);
        let attr = |key: &str| {
            root["attributes"]
                .as_array()
                .expect("attributes")
                .iter()
                .find(|a| a["key"] == key)
                .map(|a| a["value"].clone())
                .expect(key)
        };
        assert_eq!(
            attr("max"),
            serde_json::json!({"intValue": "9223372036854775807"})
        );
        assert_eq!(attr("bytes"), serde_json::json!({"bytesValue": "AAEC/w=="}));
        assert_eq!(attr("nan"), serde_json::json!({"doubleValue": "NaN"}));
        assert_eq!(
            attr("ninf"),
            serde_json::json!({"doubleValue": "-Infinity"})
        );
        assert_eq!(attr("d"), serde_json::json!({"doubleValue": 0.1}));
        assert_eq!(attr("long"), serde_json::json!({"stringValue": LONG}));
        assert_eq!(
            attr("arr")["arrayValue"]["values"][2]["kvlistValue"]["values"][0],
            serde_json::json!({"key": "k", "value": {"bytesValue": "/w=="}})
        );
        assert_eq!(attr("none"), serde_json::json!({}));
        assert_eq!(root["events"][1]["timeUnixNano"], "18446744073709551615");
        assert_eq!(root["links"][1]["traceId"], "not-a-trace-id");
        // Raw ids are written as given.
        assert_eq!(ss[1]["spans"][0]["spanId"], "span-raw");
        assert_eq!(ss[1]["spans"][0]["parentSpanId"], "parent-raw");
    }

    #[test]
    fn an_empty_set_is_an_empty_document() {
        let set = Builder::default().finish();
        assert_eq!(to_json(&set), "{\"resourceSpans\":[]}\n");
    }

    #[test]
    fn files_are_merged_and_grouped_by_resource_and_scope() {
        // Two files with the same trace: each keeps its own resource; spans join one trace.
        let a = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]},
            "scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0000000000000001","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"9"}]}]}]}"#;
        let b = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"mcp"}}]},
            "scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"b","startTimeUnixNano":"2","endTimeUnixNano":"3"}]}]}]}"#;
        let mut loader = crate::Loader::new();
        loader.add_file("a.json", a.as_bytes().to_vec()).expect("a");
        loader.add_file("b.json", b.as_bytes().to_vec()).expect("b");
        let set = loader.finish();
        let json = to_json(&set);
        let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let services: Vec<&str> = v["resourceSpans"]
            .as_array()
            .expect("array")
            .iter()
            .map(|r| {
                r["resource"]["attributes"][0]["value"]["stringValue"]
                    .as_str()
                    .expect("service")
            })
            .collect();
        assert_eq!(services, ["agent", "mcp"]);
        let again = load(&json);
        assert_eq!(again.traces().len(), 1);
        assert_eq!(describe(&again), describe(&set));
    }

    #[test]
    fn a_service_name_held_outside_the_attributes_is_written_as_one() {
        // As a format without OTLP resources might hand it over: a service name and no attribute.
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
        s.end_unix_ns = 5;
        b.add_span(s);
        let set = b.finish();
        let json = to_json(&set);
        assert!(
            json.contains(r#""resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]}"#),
            "{json}"
        );
        let again = load(&json);
        assert_eq!(again.span(crate::SpanIx(0)).service(), "checkout");
    }

    #[test]
    fn write_errors_are_returned() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let set = load(&rich_document());
        let err = write(&set, Full).expect_err("the writer fails");
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
    }
}

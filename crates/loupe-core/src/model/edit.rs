//! Edits of a whole set: each reaches every field of a kind in every record, so a caller (the
//! redaction) never remaps fields by hand.
//!
//! Every record is destructured field by field, with no `..`: a new field is a compile error here
//! until someone says whether it holds a [`Sym`] or a range over the attribute arena.

use super::{Attr, Event, Link, Range32, Resource, Scope, Span, Trace, TraceSet, Value};
use crate::id::{SpanId, TraceId};
use crate::intern::Sym;

impl TraceSet {
    /// Rewrites every interned string the records hold, in this order: trace ids kept as text;
    /// each span's id, parent id, name, status message and trace state; event names; each
    /// link's trace id, span id and trace state; each resource's service name and schema URL;
    /// each scope's name, version and schema URL; each attribute's key and string value; string
    /// array items. `f` sees a string once per place that holds it.
    pub fn map_syms(&mut self, mut f: impl FnMut(Sym) -> Sym) {
        let f: &mut dyn FnMut(Sym) -> Sym = &mut f;
        let TraceSet {
            strings: _,
            // Names and messages of files and warnings are `String`s, not `Sym`s.
            sources: _,
            spans,
            traces,
            attrs,
            array_values,
            events,
            links,
            resources,
            scopes,
            texts: _,
            warnings: _,
            // Notes hold `String`s, and name spans by id, not index.
            notes: _,
        } = self;
        for Trace {
            id,
            spans: _,
            start_unix_ns: _,
            end_unix_ns: _,
        } in traces
        {
            map_trace_id(id, f);
        }
        for Span {
            trace: _,
            span_id,
            parent_id,
            name,
            kind: _,
            status: _,
            tree_flags: _,
            status_message,
            trace_state,
            flags: _,
            start_unix_ns: _,
            end_unix_ns: _,
            attrs: _,
            events: _,
            links: _,
            resource: _,
            scope: _,
            origin: _,
            dropped: _,
            parent: _,
            depth: _,
            subtree_end: _,
        } in spans
        {
            map_span_id(span_id, f);
            if let Some(p) = parent_id {
                map_span_id(p, f);
            }
            *name = f(*name);
            *status_message = f(*status_message);
            *trace_state = f(*trace_state);
        }
        for Event {
            time_unix_ns: _,
            name,
            attrs: _,
            dropped_attrs: _,
        } in events
        {
            *name = f(*name);
        }
        for Link {
            trace_id,
            span_id,
            trace_state,
            attrs: _,
            flags: _,
            dropped_attrs: _,
        } in links
        {
            map_trace_id(trace_id, f);
            map_span_id(span_id, f);
            *trace_state = f(*trace_state);
        }
        for Resource {
            attrs: _,
            service_name,
            schema_url,
            dropped_attrs: _,
        } in resources
        {
            *service_name = f(*service_name);
            *schema_url = f(*schema_url);
        }
        for Scope {
            name,
            version,
            attrs: _,
            schema_url,
            dropped_attrs: _,
        } in scopes
        {
            *name = f(*name);
            *version = f(*version);
            *schema_url = f(*schema_url);
        }
        for Attr { key, value } in attrs {
            *key = f(*key);
            map_value_sym(value, f);
        }
        for value in array_values {
            map_value_sym(value, f);
        }
    }

    /// Visits every value: each attribute's, then each array item.
    pub fn map_values(&mut self, mut f: impl FnMut(&mut Value)) {
        for Attr { key: _, value } in &mut self.attrs {
            f(value);
        }
        for value in &mut self.array_values {
            f(value);
        }
    }

    /// Keeps the attributes `keep` says yes to (by index in the arena) and shifts every range
    /// over the arena to match: those of spans, events, links, resources and scopes, and
    /// key-value list values.
    pub fn retain_attrs(&mut self, mut keep: impl FnMut(usize, &Attr) -> bool) {
        let kept: Vec<bool> = self
            .attrs
            .iter()
            .enumerate()
            .map(|(i, a)| keep(i, a))
            .collect();
        if kept.iter().all(|&k| k) {
            return;
        }
        // `before[i]`: attributes kept before index `i`.
        let mut before = Vec::with_capacity(kept.len() + 1);
        let mut count = 0u32;
        for &k in &kept {
            before.push(count);
            count += u32::from(k);
        }
        before.push(count);
        let remap = |r: &mut Range32| {
            let start = before[r.start as usize];
            *r = Range32 {
                start,
                len: before[(r.start + r.len) as usize] - start,
            };
        };
        let TraceSet {
            strings: _,
            sources: _,
            spans,
            traces: _,
            attrs: _,
            array_values: _,
            events,
            links,
            resources,
            scopes,
            texts: _,
            warnings: _,
            // Notes hold `String`s, and name spans by id, not index.
            notes: _,
        } = self;
        for Span {
            trace: _,
            span_id: _,
            parent_id: _,
            name: _,
            kind: _,
            status: _,
            tree_flags: _,
            status_message: _,
            trace_state: _,
            flags: _,
            start_unix_ns: _,
            end_unix_ns: _,
            attrs,
            events: _,
            links: _,
            resource: _,
            scope: _,
            origin: _,
            dropped: _,
            parent: _,
            depth: _,
            subtree_end: _,
        } in spans
        {
            remap(attrs);
        }
        for Event {
            time_unix_ns: _,
            name: _,
            attrs,
            dropped_attrs: _,
        } in events
        {
            remap(attrs);
        }
        for Link {
            trace_id: _,
            span_id: _,
            trace_state: _,
            attrs,
            flags: _,
            dropped_attrs: _,
        } in links
        {
            remap(attrs);
        }
        for Resource {
            attrs,
            service_name: _,
            schema_url: _,
            dropped_attrs: _,
        } in resources
        {
            remap(attrs);
        }
        for Scope {
            name: _,
            version: _,
            attrs,
            schema_url: _,
            dropped_attrs: _,
        } in scopes
        {
            remap(attrs);
        }
        self.map_values(|v| match v {
            Value::KvList(r) => remap(r),
            Value::Empty
            | Value::Str(_)
            | Value::Src(_)
            | Value::Text(_)
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Double(_)
            | Value::Bytes(_)
            | Value::Array(_) => {}
        });
        let mut i = 0;
        self.attrs.retain(|_| {
            i += 1;
            kept[i - 1]
        });
    }
}

fn map_trace_id(id: &mut TraceId, f: &mut dyn FnMut(Sym) -> Sym) {
    match id {
        TraceId::Raw(s) => *s = f(*s),
        TraceId::Bytes(_) => {}
    }
}

fn map_span_id(id: &mut SpanId, f: &mut dyn FnMut(Sym) -> Sym) {
    match id {
        SpanId::Raw(s) => *s = f(*s),
        SpanId::Bytes(_) => {}
    }
}

fn map_value_sym(v: &mut Value, f: &mut dyn FnMut(Sym) -> Sym) {
    match v {
        Value::Str(s) => *s = f(*s),
        Value::Empty
        | Value::Src(_)
        | Value::Text(_)
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Double(_)
        | Value::Bytes(_)
        | Value::Array(_)
        | Value::KvList(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{SpanIx, Value};

    const DOC: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib","version":"1"},"spans":[
      {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","name":"root","startTimeUnixNano":"1","endTimeUnixNano":"9",
       "attributes":[{"key":"a","value":{"stringValue":"x"}},{"key":"b","value":{"kvlistValue":{"values":[{"key":"c","value":{"stringValue":"y"}}]}}},{"key":"d","value":{"intValue":"4"}}],
       "events":[{"name":"ev","timeUnixNano":"2","attributes":[{"key":"e","value":{"stringValue":"z"}}]}]}]}]}]}"#;

    fn load() -> crate::model::TraceSet {
        crate::load("t.json", DOC.as_bytes().to_vec()).expect("loads")
    }

    #[test]
    fn map_syms_reaches_names_keys_and_values() {
        let mut set = load();
        let up: Vec<crate::intern::Sym> = (0..set.strings.len())
            .map(|i| {
                let s = set
                    .strings
                    .resolve(crate::intern::Sym(i as u32))
                    .to_uppercase();
                set.strings.intern(&s)
            })
            .collect();
        set.map_syms(|s| up.get(s.0 as usize).copied().unwrap_or(s));
        let span = set.span(SpanIx(0));
        assert_eq!(span.name(), "ROOT");
        let keys: Vec<&str> = set.attrs.iter().map(|a| set.str(a.key)).collect();
        assert!(
            keys.contains(&"A") && keys.contains(&"C") && keys.contains(&"E"),
            "{keys:?}"
        );
        let span = set.spans[0];
        assert_eq!(set.str(set.events[span.events.start as usize].name), "EV");
        assert_eq!(set.str(set.scopes[span.scope.0 as usize].name), "LIB");
    }

    #[test]
    fn retain_attrs_shifts_every_range() {
        let mut set = load();
        let n = set.attrs.len();
        set.retain_attrs(|_, _| true);
        assert_eq!(set.attrs.len(), n);
        let a = set.strings.get("a").expect("interned");
        set.retain_attrs(|_, attr| attr.key != a);
        assert_eq!(set.attrs.len(), n - 1);
        let span = set.spans[0];
        let keys: Vec<&str> = set.attrs[span.attrs.as_range()]
            .iter()
            .map(|a| set.str(a.key))
            .collect();
        assert_eq!(keys, ["b", "d"]);
        let Value::KvList(r) = set.attrs[span.attrs.as_range()][0].value else {
            panic!("a kvlist");
        };
        assert_eq!(set.str(set.attrs[r.as_range()][0].key), "c");
        let event = set.events[span.events.start as usize];
        assert_eq!(set.str(set.attrs[event.attrs.as_range()][0].key), "e");
        let resource = set.resources[span.resource.0 as usize];
        assert_eq!(
            set.str(set.attrs[resource.attrs.as_range()][0].key),
            "service.name"
        );
    }
}

//! Span events as hand-rolled tracers print them: JSON Lines (or a JSON array) of objects, one per
//! event, such as
//!
//! ```text
//! {"event": "span_started", "run_id": "run-42", "span_id": "s1", "name": "plan", "ts": "2025-01-01T10:00:00Z"}
//! {"event": "span_finished", "run_id": "run-42", "span_id": "s1", "status": "ok", "latency_ms": 812.5}
//! ```
//!
//! A start and a finish with the same span id (in the same run) make one span; what both say is
//! merged, the finish winning. A start that never finishes is kept, ending at the last time seen in
//! the file, with a `missing_field` warning. A finish without a start is kept too: it started its
//! latency before it finished (a tracer that only logs at the end is fine), or, with no latency,
//! it has no duration and a warning. Other events that name an open span become events of it.
//!
//! Field names are matched generously (the first one present wins):
//!
//! | what | fields |
//! |---|---|
//! | kind of line | `event`, `event_type`, `type`, `phase` — a value ending in `start`, `started`, `begin` starts a span; ending in `end`, `ended`, `finish`, `finished`, `complete`, `completed`, `done`, `stop`, `stopped` finishes it; ending in `error`, `failed`, `failure` finishes it with an error; anything else is an event of the span |
//! | trace | `run_id`, `trace_id`, `traceId`, `trace` (kept as given; 32 hex digits are read as an OpenTelemetry trace id so the spans join OTLP data) |
//! | span | `span_id`, `spanId`, `span`, `id` (kept as given; 16 hex digits as an OpenTelemetry span id) |
//! | parent | `parent_id`, `parent_span_id`, `parentSpanId`, `parentId`, `parent` |
//! | name | `name`, `span_name`, `operation`, `op` |
//! | time of the line | `ts`, `timestamp`, `time`, `@timestamp`, `at` |
//! | start, end | `start_time`, `started_at`, `start_ts`, `start`; `end_time`, `ended_at`, `finished_at`, `end_ts`, `end` |
//! | duration | `latency_ms`, `duration_ms`, `elapsed_ms`, `latency_s`, `duration_s`, `elapsed_s`, `duration_us`, `duration_ns`, and `latency`, `duration`, `elapsed` (milliseconds, or a text with a unit such as `"1.5s"`) |
//! | attributes | `metadata`, `attributes`, `attrs`, `tags`, `data` (an object's entries; anything else under the field's own name) |
//! | status | `status`, `outcome`: `ok`, `success`, `succeeded`, `completed` are OK; `error`, `failed`, `failure`, `exception`, `timeout`, `cancelled` are errors; other values stay an attribute `status` |
//! | error | `error`, `error_message`, `exception`, `err`: an error status; a string (or an object's `message`) is its message, an object's `type` becomes `error.type` |
//! | service | `service`, `service_name`, `service.name` → the resource; a service named on any line of a run applies to the run's spans that name none |
//! | kind | `span_kind`, `kind` when it names one (`client`, `server`, …) |
//!
//! Times are ISO 8601 / RFC 3339 strings or epoch numbers (or numeric strings) in seconds,
//! milliseconds, microseconds or nanoseconds, told apart by size. Every other field becomes an
//! attribute of the span.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{IdText, SpanId, TraceId, parse_id_text};
use crate::import::common::{
    EachRaw, EpochUnit, Pos, RawEntries, Scalar, each_json_line, epoch_text_ns, is_json_lines,
    json_value, lines, parse_document, push_attr, raw_scalar, time_ns, trim_start,
};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{Attr, Event, Resource, ResourceIx, SpanKind, StatusCode, Value};
use crate::units::parse_duration_ns;
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::de::DeserializeSeed;
use serde_json::value::RawValue;

/// The span-events JSON Lines importer.
#[derive(Debug, Clone, Copy)]
pub struct SpanEvents;

const EXPECTED: &str =
    "span events, one JSON object per line ({\"event\": \"span_started\", \"span_id\": …})";

const KIND_FIELDS: &[&str] = &["event", "event_type", "type", "phase"];
const TRACE_FIELDS: &[&str] = &["run_id", "trace_id", "traceId", "trace"];
const SPAN_FIELDS: &[&str] = &["span_id", "spanId", "span", "id"];
const PARENT_FIELDS: &[&str] = &[
    "parent_id",
    "parent_span_id",
    "parentSpanId",
    "parentId",
    "parent",
];
const NAME_FIELDS: &[&str] = &["name", "span_name", "operation", "op"];
const TIME_FIELDS: &[&str] = &["ts", "timestamp", "time", "@timestamp", "at"];
const START_FIELDS: &[&str] = &["start_time", "started_at", "start_ts", "start"];
const END_FIELDS: &[&str] = &["end_time", "ended_at", "finished_at", "end_ts", "end"];
const ATTR_FIELDS: &[&str] = &["metadata", "attributes", "attrs", "tags", "data"];
const STATUS_FIELDS: &[&str] = &["status", "outcome"];
const ERROR_FIELDS: &[&str] = &["error", "error_message", "exception", "err"];
const SERVICE_FIELDS: &[&str] = &["service", "service_name", "service.name"];
const SPAN_KIND_FIELDS: &[&str] = &["span_kind", "kind"];
/// Duration fields and their unit in nanoseconds (0: milliseconds or a text with a unit).
const DURATION_FIELDS: &[(&str, u64)] = &[
    ("latency_ms", 1_000_000),
    ("duration_ms", 1_000_000),
    ("elapsed_ms", 1_000_000),
    ("latency_s", 1_000_000_000),
    ("duration_s", 1_000_000_000),
    ("elapsed_s", 1_000_000_000),
    ("duration_us", 1_000),
    ("duration_ns", 1),
    ("latency", 0),
    ("duration", 0),
    ("elapsed", 0),
];

/// What a line says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Start,
    Finish,
    Fail,
    Other,
}

fn line_kind(value: &str) -> LineKind {
    let v: String = value
        .trim()
        .chars()
        .map(|c| match c {
            '.' | '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let ends = |words: &[&str]| {
        words
            .iter()
            .any(|w| v == *w || v.ends_with(&format!("_{w}")))
    };
    if ends(&["start", "started", "begin", "began"]) {
        LineKind::Start
    } else if ends(&[
        "end",
        "ended",
        "finish",
        "finished",
        "complete",
        "completed",
        "done",
        "stop",
        "stopped",
    ]) {
        LineKind::Finish
    } else if ends(&["error", "failed", "failure"]) {
        LineKind::Fail
    } else {
        LineKind::Other
    }
}

/// Whether an object looks like a span event: a line kind field and a span id.
fn looks_like_span_event(e: &RawEntries<'_>) -> bool {
    let kind = e
        .get(KIND_FIELDS)
        .and_then(|r| raw_scalar(r).as_str().map(line_kind));
    matches!(
        kind,
        Some(LineKind::Start | LineKind::Finish | LineKind::Fail)
    ) && e.get(SPAN_FIELDS).is_some()
}

impl Importer for SpanEvents {
    fn format(&self) -> &'static str {
        "span-events-jsonl"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        let first = match b.first() {
            Some(b'{') => lines(b).next().map(|(_, l)| l),
            Some(b'[') => {
                // The first element of an array, if it is complete within the first 64 KiB.
                let h = crate::import::common::head(b, 1 << 16);
                let mut found = None;
                let mut de = serde_json::Deserializer::from_slice(h);
                let _ = EachRaw(|raw: &RawValue| {
                    if found.is_none() {
                        found = Some(raw.get().as_bytes().to_vec());
                    }
                })
                .deserialize(&mut de);
                return match found {
                    Some(first)
                        if serde_json::from_slice::<RawEntries<'_>>(&first)
                            .is_ok_and(|e| looks_like_span_event(&e)) =>
                    {
                        Ok(())
                    }
                    _ => Err("the first element is not a span event ({\"event\": \"span_started\", \"span_id\": …})".into()),
                };
            }
            _ => None,
        };
        match first.and_then(|l| serde_json::from_slice::<RawEntries<'_>>(l).ok()) {
            Some(e) if looks_like_span_event(&e) => Ok(()),
            _ => Err(
                "the first line is not a span event ({\"event\": \"span_started\", \"span_id\": …})"
                    .into(),
            ),
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        let pos = Pos::of(input.bytes);
        let mut st = State::default();
        let body = trim_start(input.bytes);
        let result = if body.starts_with(b"[") || !is_json_lines(input.bytes) {
            parse_document(
                input,
                OneOrMany(|raw: &RawValue| line(b, &mut st, pos, raw)),
                EXPECTED,
            )
        } else {
            each_json_line(input, b, EXPECTED, |b, text| {
                let raw: &RawValue = serde_json::from_slice(text)?;
                line(b, &mut st, pos, raw);
                Ok(())
            })
        };
        st.finish(b, pos);
        result
    }
}

/// A document that is one object or an array of them.
struct OneOrMany<F>(F);

impl<'de, F: FnMut(&'de RawValue)> DeserializeSeed<'de> for OneOrMany<F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        let raw = <&'de RawValue as serde::Deserialize<'de>>::deserialize(d)?;
        if raw.get().starts_with('[') {
            let items: Vec<&'de RawValue> =
                serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
            for item in items {
                (self.0)(item);
            }
        } else {
            (self.0)(raw);
        }
        Ok(())
    }
}

/// A span between its start and its finish.
struct Open {
    trace: Option<String>,
    span: String,
    parent: Option<String>,
    name: Option<String>,
    start: Option<u64>,
    attrs: Vec<Attr>,
    events: Vec<Event>,
    kind: SpanKind,
    service: Option<String>,
    status: StatusCode,
    message: Option<String>,
    offset: usize,
}

#[derive(Default)]
struct State {
    /// Open spans in the order they started.
    open: Vec<Option<Open>>,
    /// (trace, span) → index in `open`.
    index: FxHashMap<(Option<String>, String), usize>,
    /// span → the runs it is open in, for lines that leave their run out.
    by_span: FxHashMap<String, Vec<Option<String>>>,
    /// The latest time any line gave.
    last_time: u64,
    /// Resources by service name.
    resources: FxHashMap<String, ResourceIx>,
    /// The service a run's lines name, for its spans that name none.
    run_service: FxHashMap<Option<String>, String>,
    /// Lines skipped because they name no span.
    no_span: usize,
}

/// What one line says, fields taken out.
struct Line {
    kind: LineKind,
    kind_text: String,
    trace: Option<String>,
    span: Option<String>,
    parent: Option<String>,
    name: Option<String>,
    time: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
    duration: Option<u64>,
    attrs: Vec<Attr>,
    kind_field: Option<SpanKind>,
    service: Option<String>,
    status: Option<StatusCode>,
    message: Option<String>,
    offset: usize,
}

fn text(raw: Option<&RawValue>) -> Option<String> {
    raw.map(raw_scalar)
        .and_then(|s| s.literal())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn time_of(raw: Option<&RawValue>) -> Option<u64> {
    raw.map(raw_scalar)
        .and_then(|s| time_ns(&s, EpochUnit::Guess))
}

fn duration_of(e: &RawEntries<'_>) -> Option<u64> {
    for &(field, unit) in DURATION_FIELDS {
        let Some(raw) = e.get(&[field]) else { continue };
        let value = raw_scalar(raw);
        let ns = match (&value, unit) {
            (Scalar::Str(t), 0) => {
                parse_duration_ns(t).or_else(|| epoch_text_ns(t, EpochUnit::Millis))
            }
            (_, 0) => value
                .as_f64()
                .and_then(|v| epoch_text_ns(&format!("{v}"), EpochUnit::Millis)),
            (_, unit) => value
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| (v * unit as f64).round() as u64),
        };
        if ns.is_some() {
            return ns;
        }
    }
    None
}

fn status_of(value: &str) -> Option<StatusCode> {
    match value.trim().to_ascii_lowercase().as_str() {
        "ok" | "success" | "succeeded" | "successful" | "completed" | "complete" | "done" => {
            Some(StatusCode::Ok)
        }
        "error" | "failed" | "failure" | "fail" | "exception" | "timeout" | "timed_out"
        | "cancelled" | "canceled" | "aborted" => Some(StatusCode::Error),
        "unset" => Some(StatusCode::Unset),
        _ => None,
    }
}

fn read_line(b: &mut Builder, pos: Pos<'_>, raw: &RawValue) -> Option<Line> {
    let e = RawEntries::of(raw)?;
    let input = pos.bounds;
    let kind_raw = e.get(KIND_FIELDS);
    let kind_text = text(kind_raw).unwrap_or_default();
    let mut l = Line {
        kind: line_kind(&kind_text),
        kind_text,
        trace: text(e.get(TRACE_FIELDS)),
        span: text(e.get(SPAN_FIELDS)),
        parent: text(e.get(PARENT_FIELDS)),
        name: text(e.get(NAME_FIELDS)),
        time: time_of(e.get(TIME_FIELDS)),
        start: time_of(e.get(START_FIELDS)),
        end: time_of(e.get(END_FIELDS)),
        duration: duration_of(&e),
        attrs: Vec::new(),
        kind_field: None,
        service: text(e.get(SERVICE_FIELDS)),
        status: None,
        message: None,
        offset: e
            .get(SPAN_FIELDS)
            .map_or_else(|| pos.offset(raw.get()), |r| pos.offset(r.get())),
    };
    if let Some(k) = text(e.get(SPAN_KIND_FIELDS)).and_then(|k| SpanKind::from_name(&k)) {
        l.kind_field = Some(k);
    }
    if l.kind == LineKind::Fail {
        l.status = Some(StatusCode::Error);
    }
    if let Some(s) = text(e.get(STATUS_FIELDS)) {
        match status_of(&s) {
            Some(c) => l.status = Some(c),
            None => {
                let v = b.string_value(&s);
                l.attrs.push(Attr {
                    key: b.intern("status"),
                    value: v,
                });
            }
        }
    }
    if let Some(err) = e.get(ERROR_FIELDS) {
        let sc = raw_scalar(err);
        let message = match sc {
            Scalar::Null | Scalar::Bool(false) => None,
            Scalar::Bool(true) => Some(String::new()),
            Scalar::Complex => {
                let entries = RawEntries::of(err).unwrap_or_default();
                if let Some(ty) = text(entries.get(&["type", "kind", "name"])) {
                    let value = b.string_value(&ty);
                    l.attrs.push(Attr {
                        key: b.intern("error.type"),
                        value,
                    });
                }
                Some(text(entries.get(&["message", "msg", "error"])).unwrap_or_default())
            }
            other => other.literal(),
        };
        if let Some(m) = message {
            l.status = Some(StatusCode::Error);
            if !m.is_empty() {
                l.message = Some(m);
            }
        }
    }
    // Every field not read above is an attribute; attribute objects are flattened.
    let known = |k: &str| {
        [
            KIND_FIELDS,
            TRACE_FIELDS,
            SPAN_FIELDS,
            PARENT_FIELDS,
            NAME_FIELDS,
            TIME_FIELDS,
            START_FIELDS,
            END_FIELDS,
            STATUS_FIELDS,
            ERROR_FIELDS,
            SERVICE_FIELDS,
        ]
        .iter()
        .any(|list| list.contains(&k))
            || DURATION_FIELDS.iter().any(|(f, _)| *f == k)
            || (SPAN_KIND_FIELDS.contains(&k) && l.kind_field.is_some())
    };
    for (k, v) in &e.0 {
        let k = k.as_ref();
        if known(k) {
            continue;
        }
        if ATTR_FIELDS.contains(&k)
            && let Some(entries) = RawEntries::of(v)
        {
            for (ak, av) in entries.0 {
                let key = b.intern(&ak);
                let value = json_value(b, input, av);
                l.attrs.push(Attr { key, value });
            }
            continue;
        }
        if v.get() == "null" {
            continue;
        }
        let key = b.intern(k);
        let value = json_value(b, input, v);
        l.attrs.push(Attr { key, value });
    }
    Some(l)
}

fn line(b: &mut Builder, st: &mut State, pos: Pos<'_>, raw: &RawValue) {
    let Some(l) = read_line(b, pos, raw) else {
        let at = pos.at_str(raw.get());
        b.warn(WarningCode::BadLine, || {
            format!("{at}: not a JSON object; expected a span event, it was skipped")
        });
        return;
    };
    for t in [l.time, l.start, l.end].into_iter().flatten() {
        st.last_time = st.last_time.max(t);
    }
    if let Some(service) = &l.service {
        st.run_service
            .entry(l.trace.clone())
            .or_insert_with(|| service.clone());
    }
    let Some(span) = l.span.clone() else {
        st.no_span += 1;
        return;
    };
    let found = st.find(&l.trace, &span);
    match l.kind {
        LineKind::Start => {
            if found.is_some() {
                let at = pos.at(l.offset);
                b.warn(WarningCode::DuplicateSpanId, || {
                    format!("{at}: span {span:?} starts again before it finished; the earlier start is kept open separately")
                });
            }
            let ix = st.open.len();
            if st
                .index
                .insert((l.trace.clone(), span.clone()), ix)
                .is_none()
            {
                st.by_span
                    .entry(span.clone())
                    .or_default()
                    .push(l.trace.clone());
            }
            st.open.push(Some(Open {
                trace: l.trace,
                span,
                parent: l.parent,
                name: l.name,
                start: l.start.or(l.time),
                attrs: l.attrs,
                events: Vec::new(),
                kind: l.kind_field.unwrap_or_default(),
                service: l.service,
                status: l.status.unwrap_or_default(),
                message: l.message,
                offset: l.offset,
            }));
        }
        LineKind::Finish | LineKind::Fail => {
            let open = found.and_then(|ix| st.close(ix));
            emit(b, st, open, Some(l), pos);
        }
        LineKind::Other => match found {
            Some(ix) => {
                let mark = b.attr_mark();
                for a in &l.attrs {
                    b.push_attr(*a);
                }
                let attrs = b.commit_attrs(mark);
                let name = b.intern(if l.kind_text.is_empty() {
                    "event"
                } else {
                    &l.kind_text
                });
                if let Some(open) = st.open[ix].as_mut() {
                    open.events.push(Event {
                        time_unix_ns: l.time.or(l.start).unwrap_or(0),
                        name,
                        attrs,
                        dropped_attrs: 0,
                    });
                }
            }
            None => st.no_span += 1,
        },
    }
}

impl State {
    /// The open span a line names: by run and span id, or by span id alone when one side has no
    /// run (and only one span with that id is open).
    fn find(&self, trace: &Option<String>, span: &str) -> Option<usize> {
        if let Some(&ix) = self.index.get(&(trace.clone(), span.to_owned())) {
            return Some(ix);
        }
        let runs = self.by_span.get(span)?;
        let mut candidates = runs
            .iter()
            .filter(|t| t.is_none() || trace.is_none())
            .filter_map(|t| self.index.get(&(t.clone(), span.to_owned())).copied());
        match (candidates.next(), candidates.next()) {
            (Some(ix), None) => Some(ix),
            _ => None,
        }
    }

    /// Takes an open span out of the indexes.
    fn close(&mut self, ix: usize) -> Option<Open> {
        let o = self.open[ix].take()?;
        let key = (o.trace.clone(), o.span.clone());
        if self.index.get(&key) == Some(&ix) {
            self.index.remove(&key);
            if let Some(runs) = self.by_span.get_mut(&o.span) {
                runs.retain(|t| *t != o.trace);
                if runs.is_empty() {
                    self.by_span.remove(&o.span);
                }
            }
        }
        Some(o)
    }

    /// Spans that never finished, and a note of lines that named no span.
    fn finish(mut self, b: &mut Builder, pos: Pos<'_>) {
        let open: Vec<Open> = self.open.iter_mut().filter_map(Option::take).collect();
        for o in open {
            let end = self.last_time.max(o.start.unwrap_or(0));
            let (name, at) = (o.name.clone().unwrap_or_default(), pos.at(o.offset));
            b.warn(WarningCode::MissingField, || {
                format!("span `{name}` ({:?}) at {at} started but never finished; it is shown until the last time in the file", o.span)
            });
            let mut o = o;
            o.start = o.start.or(Some(end));
            emit_open(b, &mut self, &o, end);
        }
        if self.no_span > 0 {
            let n = self.no_span;
            b.warn(WarningCode::MissingField, || {
                format!("{n} line(s) name no span (no span_id, or one that is not open); they were skipped")
            });
        }
    }

    fn resource(&mut self, b: &mut Builder, service: Option<&str>) -> ResourceIx {
        let Some(service) = service else {
            return ResourceIx(0);
        };
        if let Some(&ix) = self.resources.get(service) {
            return ix;
        }
        let mark = b.attr_mark();
        let sym = b.intern(service);
        push_attr(b, "service.name", Value::Str(sym));
        let attrs = b.commit_attrs(mark);
        let ix = b.add_resource(Resource {
            attrs,
            service_name: sym,
            ..Resource::default()
        });
        self.resources.insert(service.to_owned(), ix);
        ix
    }
}

/// A finish line, with its start if there was one.
fn emit(b: &mut Builder, st: &mut State, open: Option<Open>, fin: Option<Line>, pos: Pos<'_>) {
    let Some(fin) = fin else { return };
    let end = fin.end.or(fin.time);
    let mut o = match open {
        Some(o) => o,
        None => Open {
            trace: fin.trace.clone(),
            span: fin.span.clone().unwrap_or_default(),
            parent: None,
            name: None,
            start: None,
            attrs: Vec::new(),
            events: Vec::new(),
            kind: SpanKind::Unspecified,
            service: None,
            status: StatusCode::Unset,
            message: None,
            offset: fin.offset,
        },
    };
    // The finish says the last word; what only the start said stays.
    o.trace = o.trace.or(fin.trace);
    o.parent = fin.parent.or(o.parent);
    o.name = fin.name.or(o.name);
    o.service = fin.service.or(o.service);
    if let Some(k) = fin.kind_field {
        o.kind = k;
    }
    if let Some(s) = fin.status {
        o.status = s;
    }
    o.message = fin.message.or(o.message);
    o.attrs
        .retain(|a| !fin.attrs.iter().any(|f| f.key == a.key));
    o.attrs.extend(fin.attrs);
    let start = o.start.or(fin.start);
    let (start, end) = match (start, end, fin.duration) {
        (Some(s), Some(e), _) => (s, e),
        (Some(s), None, Some(d)) => (s, s.saturating_add(d)),
        (None, Some(e), Some(d)) => (e.saturating_sub(d), e),
        (Some(s), None, None) => (s, s),
        (None, Some(e), None) => {
            let (name, at) = (o.name.clone().unwrap_or_default(), pos.at(o.offset));
            b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} finished without a start or a latency; it has no duration")
            });
            (e, e)
        }
        (None, None, _) => {
            let (name, at) = (o.name.clone().unwrap_or_default(), pos.at(o.offset));
            b.warn(WarningCode::MissingField, || {
                format!("span `{name}` at {at} has no time at all; taken as 0")
            });
            (0, fin.duration.unwrap_or(0))
        }
    };
    o.start = Some(start);
    emit_open(b, st, &o, end);
}

fn emit_open(b: &mut Builder, st: &mut State, o: &Open, end: u64) {
    let trace_id = match o.trace.as_deref() {
        None => TraceId::Raw(Sym::EMPTY),
        Some(t) => match parse_id_text::<16>(t) {
            IdText::Bytes(bytes) if t.len() == 32 => TraceId::Bytes(bytes),
            _ => TraceId::Raw(b.intern(t)),
        },
    };
    let id = span_id(b, &o.span);
    let name = b.intern(o.name.as_deref().unwrap_or(""));
    let mut s = NewSpan::new(trace_id, id, name);
    s.parent_id = o.parent.as_deref().map(|p| span_id(b, p));
    s.start_unix_ns = o.start.unwrap_or(end);
    s.end_unix_ns = end;
    s.kind = o.kind;
    s.status = o.status;
    if let Some(m) = &o.message {
        s.status_message = b.intern(m);
    }
    s.offset = o.offset as u64;
    let service = o
        .service
        .clone()
        .or_else(|| st.run_service.get(&o.trace).cloned());
    s.resource = st.resource(b, service.as_deref());
    let mark = b.attr_mark();
    for a in &o.attrs {
        b.push_attr(*a);
    }
    s.attrs = b.commit_attrs(mark);
    let emark = b.event_mark();
    for e in &o.events {
        b.push_event(*e);
    }
    s.events = b.commit_events(emark);
    b.add_span(s);
}

fn span_id(b: &mut Builder, text: &str) -> SpanId {
    match parse_id_text::<8>(text) {
        IdText::Bytes(bytes) if text.len() == 16 => SpanId::Bytes(bytes),
        _ => SpanId::Raw(b.intern(text)),
    }
}

#[cfg(test)]
mod tests;

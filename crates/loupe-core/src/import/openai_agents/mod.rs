//! OpenAI Agents SDK traces, as its exporter sends them to `POST /v1/traces/ingest`: a body
//! `{"data": [item, …]}` whose items are trace objects (`"object": "trace"`) and spans
//! (`"object": "trace.span"`). Loupe reads JSON Lines of such bodies (one per line, as a request log
//! or a VCR cassette gives them), a single body, a bare array of items, or JSON Lines of items (what
//! a hand-written processor printing `span.export()` makes).
//!
//! Ids are the SDK's own strings (`trace_…`, `span_…`) and are kept as given: that is their native
//! form, so they draw no `bad_id` warning. `started_at` / `ended_at` are ISO 8601 times. Children
//! often arrive before their parents and parents in a later body; the tree is linked at the end.
//!
//! Each span's `span_data` is mapped onto OpenTelemetry's GenAI conventions, so the rest of Loupe
//! understands it. Every span gets `openai_agents.span_type`; fields not listed here are kept as
//! `openai_agents.<field>`:
//!
//! | `type` | name | attributes |
//! |---|---|---|
//! | `agent` | `invoke_agent <name>` | `gen_ai.operation.name=invoke_agent`, `gen_ai.agent.name`; `openai_agents.tools`, `openai_agents.handoffs`, `openai_agents.output_type` |
//! | `generation` | `chat <model>` | `gen_ai.operation.name=chat`, `gen_ai.request.model`, `gen_ai.usage.input_tokens` / `output_tokens` (also from `prompt_tokens` / `completion_tokens`), `gen_ai.input.messages` / `gen_ai.output.messages` (the JSON), `openai_agents.model_config` |
//! | `response` | `chat <model>` (`chat` without a model) | `gen_ai.operation.name=chat`, `gen_ai.response.id`, model, usage and messages as for `generation` when present |
//! | `function` | `execute_tool <name>` | `gen_ai.operation.name=execute_tool`, `gen_ai.tool.name`, `gen_ai.tool.type=function`, `gen_ai.tool.call.arguments` (input), `gen_ai.tool.call.result` (output) |
//! | `handoff` | `handoff` | `gen_ai.operation.name=handoff`, `openai_agents.from_agent`, `openai_agents.to_agent` |
//! | `guardrail` | `guardrail <name>` | `openai_agents.triggered` |
//! | `custom` | its `name` | `openai_agents.data` |
//! | `transcription`, `speech` | `<type> <model>` | `gen_ai.request.model` |
//! | other | its `name`, else its type | |
//!
//! Model calls (`generation`, `response`, `transcription`, `speech`) are client spans, the rest
//! internal. A span's `error` (`{"message", "data"}`) makes its status an error with that message;
//! `data` is kept as `openai_agents.error.data`. A trace object's `workflow_name` becomes
//! `openai_agents.workflow_name`, its `group_id` `gen_ai.conversation.id`, and its `metadata`
//! `openai_agents.metadata`, on the root spans of that trace.

use crate::builder::{Builder, NewSpan};
use crate::error::ImportError;
use crate::id::{SpanId, TraceId};
use crate::import::common::{
    EachRaw, InputBounds, Pos, RawEntries, Scalar, SpanAt, append_span_attrs, each_json_line,
    fields, has_key, head, is_json_lines, json_text_value, json_value, parse_document,
    parse_element, parse_rfc3339_ns, push_attr, raw_scalar, trim_start,
};
use crate::import::common::{Importer, Input};
use crate::intern::Sym;
use crate::model::{Attr, SpanKind, StatusCode, Value};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The OpenAI Agents SDK trace importer.
#[derive(Debug, Clone, Copy)]
pub struct OpenAiAgents;

const EXPECTED: &str =
    "OpenAI Agents SDK trace export ({\"data\": [{\"object\": \"trace.span\", …}]})";

impl Importer for OpenAiAgents {
    fn format(&self) -> &'static str {
        "openai-agents-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if !matches!(b.first(), Some(b'{' | b'[')) {
            return Err("not a JSON object or array".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "object") && (has_key(h, "span_data") || has_key(h, "workflow_name")) {
            Ok(())
        } else {
            Err("no `object` with `span_data` or `workflow_name` keys in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        let first_span = b.set.spans.len();
        let pos = Pos::of(input.bytes);
        let mut traces: FxHashMap<TraceId, TraceInfo<'_>> = FxHashMap::default();
        let result = if is_json_lines(input.bytes) {
            each_json_line(input, b, EXPECTED, |b, line| {
                let mut ctx = Ctx {
                    b,
                    pos,
                    traces: &mut traces,
                };
                let mut de = serde_json::Deserializer::from_slice(line);
                Body(&mut ctx).deserialize(&mut de)?;
                de.end()
            })
        } else {
            let mut ctx = Ctx {
                b: &mut *b,
                pos,
                traces: &mut traces,
            };
            parse_document(input, Body(&mut ctx), EXPECTED)
        };
        attach_trace_info(b, first_span, &traces, pos.bounds);
        result
    }
}

/// What a trace object says, for that trace's root spans.
struct TraceInfo<'a> {
    workflow_name: Option<String>,
    group_id: Option<String>,
    metadata: Option<&'a RawValue>,
}

struct Ctx<'c, 'a> {
    b: &'c mut Builder,
    pos: Pos<'a>,
    traces: &'c mut FxHashMap<TraceId, TraceInfo<'a>>,
}

/// One body `{"data": [...]}`, one item, or an array of items.
struct Body<'x, 'c, 'a>(&'x mut Ctx<'c, 'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for Body<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fields!(BodyField {
    Data => ["data"],
});

impl<'de: 'a, 'a> Visitor<'de> for Body<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            item(self.0, raw);
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A body has `data`; anything else is one item, read whole.
        let Some(first) = map.next_key::<crate::import::common::Key<'de>>()? else {
            return Ok(());
        };
        if first.0 == "data" {
            let ctx = self.0;
            map.next_value_seed(EachRaw(|raw: &'de RawValue| item(&mut *ctx, raw)))?;
            while let Some(k) = map.next_key::<BodyField>()? {
                match k {
                    BodyField::Data => {
                        map.next_value_seed(EachRaw(|raw: &'de RawValue| item(&mut *ctx, raw)))?;
                    }
                    BodyField::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            return Ok(());
        }
        // An item at the top: gather its entries and read it as one.
        let mut entries = vec![(first.0, map.next_value::<&'de RawValue>()?)];
        while let Some(k) = map.next_key::<crate::import::common::Key<'de>>()? {
            entries.push((k.0, map.next_value::<&'de RawValue>()?));
        }
        item_entries(self.0, &RawEntries(entries), None);
        Ok(())
    }
}

fn item<'a>(ctx: &mut Ctx<'_, 'a>, raw: &'a RawValue) {
    match parse_element::<RawEntries<'a>>(ctx.pos, raw) {
        Ok(entries) => item_entries(ctx, &entries, Some(raw)),
        Err(msg) => ctx.b.warn(WarningCode::BadValue, || {
            format!("{msg}; expected a trace or trace.span object, it was skipped")
        }),
    }
}

fn text(raw: Option<&RawValue>) -> Option<String> {
    raw.map(raw_scalar)
        .and_then(|s| s.literal())
        .filter(|t| !t.is_empty())
}

fn item_entries<'a>(ctx: &mut Ctx<'_, 'a>, e: &RawEntries<'a>, raw: Option<&'a RawValue>) {
    let object = text(e.get(&["object"]));
    let at_offset = e
        .get(&["id"])
        .map(|r| ctx.pos.offset(r.get()))
        .or_else(|| raw.map(|r| ctx.pos.offset(r.get())))
        .unwrap_or(0);
    match object.as_deref() {
        Some("trace") => {
            let Some(id) = text(e.get(&["id"])) else {
                let at = ctx.pos.at(at_offset);
                ctx.b.warn(WarningCode::MissingField, || {
                    format!("the trace object at {at} has no id; it was skipped")
                });
                return;
            };
            let id = TraceId::Raw(ctx.b.intern(&id));
            ctx.traces.insert(
                id,
                TraceInfo {
                    workflow_name: text(e.get(&["workflow_name"])),
                    group_id: text(e.get(&["group_id"])),
                    metadata: e.get(&["metadata"]).filter(|m| m.get() != "null"),
                },
            );
        }
        Some("trace.span") => span(ctx, e, at_offset),
        None if e.get(&["span_data"]).is_some() => span(ctx, e, at_offset),
        other => {
            let (at, what) = (ctx.pos.at(at_offset), other.unwrap_or_default());
            ctx.b.warn(WarningCode::BadValue, || {
                format!("the item at {at} has `object` {what:?}, expected \"trace\" or \"trace.span\"; it was skipped")
            });
        }
    }
}

/// Reads a span's time; `None` (with a warning) when missing or unreadable.
fn time(
    ctx: &mut Ctx<'_, '_>,
    raw: Option<&RawValue>,
    field: &str,
    owner: &dyn fmt::Display,
) -> Option<u64> {
    let value = raw.map(raw_scalar);
    let ns = match &value {
        Some(Scalar::Str(t)) => parse_rfc3339_ns(t),
        Some(other) => {
            crate::import::common::time_ns(other, crate::import::common::EpochUnit::Guess)
        }
        None => None,
    };
    if ns.is_none() {
        let what = value.map_or_else(|| "missing".to_owned(), |v| v.describe());
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: {field} is {what}, expected an ISO 8601 time")
        });
    }
    ns
}

fn span<'a>(ctx: &mut Ctx<'_, 'a>, e: &RawEntries<'a>, offset: usize) {
    let input = ctx.pos.bounds;
    let at = ctx.pos.at(offset);
    let data = e
        .get(&["span_data"])
        .and_then(RawEntries::of)
        .unwrap_or_default();
    let kind_text = text(data.get(&["type"])).unwrap_or_else(|| "unknown".into());
    let data_name = text(data.get(&["name"]));
    let model = text(data.get(&["model"]));
    let name = match kind_text.as_str() {
        "agent" => format!("invoke_agent {}", data_name.as_deref().unwrap_or("")),
        "generation" | "response" => match &model {
            Some(m) => format!("chat {m}"),
            None => "chat".into(),
        },
        "function" => format!("execute_tool {}", data_name.as_deref().unwrap_or("")),
        "handoff" => "handoff".into(),
        "guardrail" => format!("guardrail {}", data_name.as_deref().unwrap_or("")),
        "transcription" | "speech" => match &model {
            Some(m) => format!("{kind_text} {m}"),
            None => kind_text.clone(),
        },
        _ => data_name.clone().unwrap_or_else(|| kind_text.clone()),
    };
    let name = name.trim_end().to_owned();
    let owner = SpanAt { name: &name, at };

    // Ids: the SDK's own strings, as given.
    let mut s = NewSpan::new(
        TraceId::Raw(Sym::EMPTY),
        SpanId::Raw(Sym::EMPTY),
        ctx.b.intern(&name),
    );
    s.offset = offset as u64;
    match text(e.get(&["trace_id"])) {
        Some(t) => s.trace_id = TraceId::Raw(ctx.b.intern(&t)),
        None => ctx.b.warn(WarningCode::MissingField, || {
            format!("{owner} has no trace_id; it is kept in a trace with an empty id")
        }),
    }
    match text(e.get(&["id"])) {
        Some(t) => s.span_id = SpanId::Raw(ctx.b.intern(&t)),
        None => ctx.b.warn(WarningCode::MissingField, || {
            format!("{owner} has no id; it is kept with an empty id")
        }),
    }
    s.parent_id = text(e.get(&["parent_id"])).map(|p| SpanId::Raw(ctx.b.intern(&p)));
    let start = time(ctx, e.get(&["started_at"]), "started_at", &owner);
    let end = time(ctx, e.get(&["ended_at"]), "ended_at", &owner);
    s.start_unix_ns = start.or(end).unwrap_or(0);
    s.end_unix_ns = end.unwrap_or(s.start_unix_ns);
    s.kind = match kind_text.as_str() {
        "generation" | "response" | "transcription" | "speech" => SpanKind::Client,
        _ => SpanKind::Internal,
    };

    // span_data → attributes.
    let mark = ctx.b.attr_mark();
    let kind_sym = ctx.b.intern(&kind_text);
    push_attr(ctx.b, "openai_agents.span_type", Value::Str(kind_sym));
    let op = match kind_text.as_str() {
        "agent" => Some("invoke_agent"),
        "generation" | "response" => Some("chat"),
        "function" => Some("execute_tool"),
        "handoff" => Some("handoff"),
        _ => None,
    };
    if let Some(op) = op {
        let v = Value::Str(ctx.b.intern(op));
        push_attr(ctx.b, "gen_ai.operation.name", v);
    }
    for (key, raw) in &data.0 {
        let key = key.as_ref();
        if raw.get() == "null" || key == "type" {
            continue;
        }
        let mapped = match (kind_text.as_str(), key) {
            ("agent", "name") => Some("gen_ai.agent.name"),
            ("function", "name") => Some("gen_ai.tool.name"),
            ("function", "input") => Some("gen_ai.tool.call.arguments"),
            ("function", "output") => Some("gen_ai.tool.call.result"),
            ("generation" | "response" | "transcription" | "speech", "model") => {
                Some("gen_ai.request.model")
            }
            ("generation" | "response", "input") => Some("gen_ai.input.messages"),
            ("generation" | "response", "output") => Some("gen_ai.output.messages"),
            ("response", "response_id") => Some("gen_ai.response.id"),
            _ => None,
        };
        match (mapped, key) {
            (Some(k @ ("gen_ai.input.messages" | "gen_ai.output.messages")), _) => {
                let v = json_text_value(ctx.b, input, raw);
                push_attr(ctx.b, k, v);
            }
            (Some(k @ ("gen_ai.tool.call.arguments" | "gen_ai.tool.call.result")), _) => {
                let v = json_text_value(ctx.b, input, raw);
                push_attr(ctx.b, k, v);
            }
            (Some(k), _) => {
                let v = json_value(ctx.b, input, raw);
                push_attr(ctx.b, k, v);
            }
            (None, "usage") if matches!(kind_text.as_str(), "generation" | "response") => {
                push_usage(ctx.b, input, raw);
            }
            // The name is in the span's name already.
            (None, "name") if data_name.is_some() => {}
            (None, _) => {
                let v = json_value(ctx.b, input, raw);
                push_attr(ctx.b, &format!("openai_agents.{key}"), v);
            }
        }
    }
    if kind_text == "function" {
        let v = Value::Str(ctx.b.intern("function"));
        push_attr(ctx.b, "gen_ai.tool.type", v);
    }

    // error → status.
    if let Some(err) = e.get(&["error"]).filter(|r| r.get() != "null") {
        s.status = StatusCode::Error;
        let entries = RawEntries::of(err);
        let message = match &entries {
            Some(en) => text(en.get(&["message"])),
            None => text(Some(err)),
        };
        if let Some(m) = message {
            s.status_message = ctx.b.intern(&m);
        }
        if let Some(d) = entries
            .as_ref()
            .and_then(|en| en.get(&["data"]))
            .filter(|d| d.get() != "null")
        {
            let v = json_value(ctx.b, input, d);
            push_attr(ctx.b, "openai_agents.error.data", v);
        }
    }
    s.attrs = ctx.b.commit_attrs(mark);
    ctx.b.add_span(s);
}

/// `usage` → `gen_ai.usage.input_tokens` / `output_tokens`; other counts as `openai_agents.usage.*`.
fn push_usage(b: &mut Builder, input: InputBounds, raw: &RawValue) {
    let Some(entries) = RawEntries::of(raw) else {
        let v = json_value(b, input, raw);
        push_attr(b, "openai_agents.usage", v);
        return;
    };
    for (k, v) in entries.0 {
        let key = match k.as_ref() {
            "input_tokens" | "prompt_tokens" => "gen_ai.usage.input_tokens".to_owned(),
            "output_tokens" | "completion_tokens" => "gen_ai.usage.output_tokens".to_owned(),
            other => format!("openai_agents.usage.{other}"),
        };
        let value = json_value(b, input, v);
        push_attr(b, &key, value);
    }
}

/// Puts what each trace object says on that trace's root spans.
fn attach_trace_info(
    b: &mut Builder,
    first: usize,
    traces: &FxHashMap<TraceId, TraceInfo<'_>>,
    input: InputBounds,
) {
    if traces.is_empty() {
        return;
    }
    for i in first..b.set.spans.len() {
        let s = &b.set.spans[i];
        if s.parent_id.is_some() {
            continue;
        }
        let trace = b.set.traces[s.trace.0 as usize].id;
        let Some(info) = traces.get(&trace) else {
            continue;
        };
        let mut extra = Vec::new();
        if let Some(w) = &info.workflow_name {
            let key = b.intern("openai_agents.workflow_name");
            let value = b.string_value(w);
            extra.push(Attr { key, value });
        }
        if let Some(g) = &info.group_id {
            let key = b.intern("gen_ai.conversation.id");
            let value = b.string_value(g);
            extra.push(Attr { key, value });
        }
        if let Some(m) = info.metadata {
            let key = b.intern("openai_agents.metadata");
            let value = json_value(b, input, m);
            extra.push(Attr { key, value });
        }
        append_span_attrs(b, i, &extra);
    }
}

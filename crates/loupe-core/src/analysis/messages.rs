//! Model-call transcripts: system instructions, input and output messages as role + parts, read
//! from any convention a trace uses:
//! - OpenTelemetry GenAI `gen_ai.system_instructions`, `gen_ai.input.messages`,
//!   `gen_ai.output.messages` (JSON strings or structured values), also inside the
//!   `gen_ai.client.inference.operation.details` event;
//! - the older message events (`gen_ai.system.message`, `gen_ai.user.message`,
//!   `gen_ai.assistant.message`, `gen_ai.tool.message`, `gen_ai.choice`);
//! - OpenInference's flattened `llm.input_messages.N.message.*` / `llm.output_messages.N.message.*`;
//! - OpenLLMetry's flattened `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`;
//! - as a last resort, `input.value` / `output.value` (OpenAI request/response JSON or plain text).
//!
//! Message JSON may use OpenTelemetry's parts (`{"role", "parts": [{"type": "text", "content"}]}`) or
//! OpenAI's shape (`{"role", "content", "tool_calls"}`); a tool response part may say `response`
//! or `result`.

use crate::model::{SpanIx, TraceSet, Value, ValueRef};
use serde::{Deserialize, Serialize};
use serde_json::Value as J;
use std::collections::BTreeMap;

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Part {
    /// Text.
    Text(String),
    /// The model asks for a tool call.
    ToolCall {
        /// Call id.
        id: Option<String>,
        /// Tool name.
        name: String,
        /// Arguments, as JSON text.
        arguments: String,
    },
    /// A tool's answer.
    ToolCallResponse {
        /// Call id.
        id: Option<String>,
        /// The response, as text or JSON text.
        response: String,
    },
    /// Model reasoning.
    Reasoning(String),
    /// A blob, file or URI (image, audio, document …): described, not inlined.
    Media {
        /// `blob`, `file` or `uri`.
        kind: String,
        /// `image`, `audio`, `video`, `document` …
        modality: String,
        /// A description: MIME type, file id or URI, and size.
        detail: String,
    },
    /// Any other part, as JSON.
    Other {
        /// Its `type`.
        kind: String,
        /// Its JSON text.
        json: String,
    },
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant`, `tool`, or any other role.
    pub role: String,
    /// Participant name.
    pub name: Option<String>,
    /// Its parts.
    pub parts: Vec<Part>,
    /// Why the model stopped (output messages).
    pub finish_reason: Option<String>,
}

/// A model call's conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Transcript {
    /// System instructions.
    pub system: Vec<Part>,
    /// Messages sent to the model.
    pub input: Vec<Message>,
    /// Messages the model produced.
    pub output: Vec<Message>,
    /// The convention they were read from.
    pub source: String,
}

impl Transcript {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.system.is_empty() && self.input.is_empty() && self.output.is_empty()
    }
}

fn json_of(set: &TraceSet, v: Value) -> J {
    match set.value(v) {
        ValueRef::Empty => J::Null,
        ValueRef::Str(s) => {
            let t = s.trim();
            if t.starts_with('[') || t.starts_with('{') {
                serde_json::from_str(t).unwrap_or_else(|_| J::String(s.into_owned()))
            } else {
                J::String(s.into_owned())
            }
        }
        ValueRef::Bool(b) => J::Bool(b),
        ValueRef::Int(i) => i.into(),
        ValueRef::Double(d) => d.into(),
        ValueRef::Bytes(b) => crate::id::encode_base64(&b).into(),
        ValueRef::Array(items) => items.iter().map(|&i| json_of(set, i)).collect(),
        ValueRef::KvList(kvs) => kvs
            .iter()
            .map(|a| (set.str(a.key).to_owned(), json_of(set, a.value)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn text_of(j: &J) -> String {
    match j {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    }
}

fn str_field(j: &J, k: &str) -> Option<String> {
    j.get(k).and_then(|v| match v {
        J::String(s) => Some(s.clone()),
        J::Null => None,
        other => Some(other.to_string()),
    })
}

/// Parts of one OpenTelemetry part object or OpenAI content item.
fn part(j: &J) -> Part {
    let kind = j.get("type").and_then(J::as_str).unwrap_or("");
    match kind {
        "text" | "input_text" | "output_text" | "" => {
            let text = j
                .get("content")
                .or_else(|| j.get("text"))
                .map(text_of)
                .unwrap_or_else(|| {
                    if kind.is_empty() {
                        j.to_string()
                    } else {
                        String::new()
                    }
                });
            Part::Text(text)
        }
        "tool_call" | "function_call" => Part::ToolCall {
            id: str_field(j, "id").or_else(|| str_field(j, "call_id")),
            name: str_field(j, "name").unwrap_or_default(),
            arguments: j.get("arguments").map(text_of).unwrap_or_default(),
        },
        "tool_call_response" | "function_call_output" => Part::ToolCallResponse {
            id: str_field(j, "id").or_else(|| str_field(j, "call_id")),
            response: j
                .get("response")
                .or_else(|| j.get("result"))
                .or_else(|| j.get("output"))
                .map(text_of)
                .unwrap_or_default(),
        },
        "reasoning" | "thinking" => Part::Reasoning(
            j.get("content")
                .or_else(|| j.get("text"))
                .map(text_of)
                .unwrap_or_default(),
        ),
        "blob" | "file" | "uri" | "image_url" | "input_image" | "input_audio" => {
            let modality = str_field(j, "modality").unwrap_or_else(|| {
                if kind.contains("image") {
                    "image".into()
                } else if kind.contains("audio") {
                    "audio".into()
                } else {
                    String::new()
                }
            });
            let mut detail = Vec::new();
            for k in ["mime_type", "file_id", "uri"] {
                if let Some(v) = str_field(j, k) {
                    detail.push(v);
                }
            }
            if let Some(url) = j.get("image_url").and_then(|u| u.get("url").or(Some(u))) {
                detail.push(preview_url(&text_of(url)));
            }
            if let Some(c) = j.get("content").and_then(J::as_str) {
                detail.push(format!("{} bytes of base64", c.len()));
            }
            Part::Media {
                kind: kind.to_owned(),
                modality,
                detail: detail.join(", "),
            }
        }
        other => Part::Other {
            kind: other.to_owned(),
            json: j.to_string(),
        },
    }
}

fn preview_url(u: &str) -> String {
    if u.starts_with("data:") {
        format!(
            "{} (inline data, {} bytes)",
            u.split(',').next().unwrap_or("data:"),
            u.len()
        )
    } else {
        u.to_owned()
    }
}

/// One message in OpenTelemetry's parts shape or OpenAI's shape.
fn message(j: &J) -> Message {
    let mut m = Message {
        role: str_field(j, "role").unwrap_or_default(),
        name: str_field(j, "name"),
        parts: Vec::new(),
        finish_reason: str_field(j, "finish_reason"),
    };
    if let Some(parts) = j.get("parts").and_then(J::as_array) {
        m.parts = parts.iter().map(part).collect();
        return m;
    }
    match j.get("content") {
        Some(J::Array(items)) => m.parts.extend(items.iter().map(part)),
        Some(J::Null) | None => {}
        Some(c) => {
            let text = text_of(c);
            if m.role == "tool" {
                m.parts.push(Part::ToolCallResponse {
                    id: str_field(j, "tool_call_id").or_else(|| str_field(j, "id")),
                    response: text,
                });
            } else if !text.is_empty() {
                m.parts.push(Part::Text(text));
            }
        }
    }
    if let Some(calls) = j.get("tool_calls").and_then(J::as_array) {
        for c in calls {
            let f = c.get("function").unwrap_or(c);
            m.parts.push(Part::ToolCall {
                id: str_field(c, "id"),
                name: str_field(f, "name").unwrap_or_default(),
                arguments: f.get("arguments").map(text_of).unwrap_or_default(),
            });
        }
    }
    m
}

fn messages_of(j: &J) -> Vec<Message> {
    match j {
        J::Array(items) => items.iter().map(message).collect(),
        J::Object(o) if o.contains_key("messages") => messages_of(&o["messages"]),
        J::Object(_) => vec![message(j)],
        J::String(s) if !s.is_empty() => vec![Message {
            role: String::new(),
            parts: vec![Part::Text(s.clone())],
            ..Message::default()
        }],
        _ => Vec::new(),
    }
}

fn system_parts(j: &J) -> Vec<Part> {
    match j {
        J::Array(items) => items.iter().map(part).collect(),
        J::String(s) => vec![Part::Text(s.clone())],
        J::Null => Vec::new(),
        other => vec![part(other)],
    }
}

/// Reads a flattened convention: `prefix.N.rest` keys grouped by N, each a map of `rest` → value.
fn flattened<'a>(
    set: &'a TraceSet,
    attrs: &'a [crate::model::Attr],
    prefix: &str,
) -> BTreeMap<usize, BTreeMap<String, Value>> {
    let mut out: BTreeMap<usize, BTreeMap<String, Value>> = BTreeMap::new();
    for a in attrs {
        let key = set.str(a.key);
        let Some(rest) = key.strip_prefix(prefix) else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        out.entry(n).or_default().insert(field.to_owned(), a.value);
    }
    out
}

fn s(set: &TraceSet, v: Option<&Value>) -> Option<String> {
    v.and_then(|&v| set.value_str(v)).map(|c| c.into_owned())
}

/// OpenInference: `llm.input_messages.N.message.{role, content, name, tool_call_id, contents.M…, tool_calls.K…}`.
fn openinference(set: &TraceSet, attrs: &[crate::model::Attr], prefix: &str) -> Vec<Message> {
    flattened(set, attrs, prefix)
        .into_values()
        .map(|f| {
            let get = |k: &str| s(set, f.get(&format!("message.{k}")));
            let mut m = Message {
                role: get("role").unwrap_or_default(),
                name: get("name"),
                ..Message::default()
            };
            if let Some(c) = get("content") {
                if m.role == "tool" {
                    m.parts.push(Part::ToolCallResponse {
                        id: get("tool_call_id"),
                        response: c,
                    });
                } else {
                    m.parts.push(Part::Text(c));
                }
            }
            let mut contents: BTreeMap<usize, (Option<String>, Option<String>)> = BTreeMap::new();
            let mut calls: BTreeMap<usize, [Option<String>; 3]> = BTreeMap::new();
            for (k, v) in &f {
                if let Some(rest) = k.strip_prefix("message.contents.")
                    && let Some((n, field)) = rest.split_once('.')
                    && let Ok(n) = n.parse()
                {
                    let e = contents.entry(n).or_default();
                    match field {
                        "message_content.text" => e.0 = s(set, Some(v)),
                        "message_content.image.image.url" => e.1 = s(set, Some(v)),
                        _ => {}
                    }
                } else if let Some(rest) = k.strip_prefix("message.tool_calls.")
                    && let Some((n, field)) = rest.split_once('.')
                    && let Ok(n) = n.parse()
                {
                    let e = calls.entry(n).or_default();
                    match field {
                        "tool_call.id" => e[0] = s(set, Some(v)),
                        "tool_call.function.name" => e[1] = s(set, Some(v)),
                        "tool_call.function.arguments" => e[2] = s(set, Some(v)),
                        _ => {}
                    }
                }
            }
            for (text, image) in contents.into_values() {
                if let Some(t) = text {
                    m.parts.push(Part::Text(t));
                }
                if let Some(u) = image {
                    m.parts.push(Part::Media {
                        kind: "uri".into(),
                        modality: "image".into(),
                        detail: preview_url(&u),
                    });
                }
            }
            for [id, name, args] in calls.into_values() {
                m.parts.push(Part::ToolCall {
                    id,
                    name: name.unwrap_or_default(),
                    arguments: args.unwrap_or_default(),
                });
            }
            m
        })
        .collect()
}

/// OpenLLMetry: `gen_ai.prompt.N.{role, content, tool_call_id, tool_calls.J.{id,name,arguments}}`,
/// `gen_ai.completion.N.{role, content, finish_reason, tool_calls…}`.
fn openllmetry(set: &TraceSet, attrs: &[crate::model::Attr], prefix: &str) -> Vec<Message> {
    flattened(set, attrs, prefix)
        .into_values()
        .map(|f| {
            let get = |k: &str| s(set, f.get(k));
            let mut m = Message {
                role: get("role").unwrap_or_default(),
                finish_reason: get("finish_reason"),
                ..Message::default()
            };
            if let Some(c) = get("content") {
                let t = c.trim();
                if t.starts_with('[')
                    && let Ok(J::Array(items)) = serde_json::from_str::<J>(t)
                {
                    m.parts.extend(items.iter().map(part));
                } else if m.role == "tool" {
                    m.parts.push(Part::ToolCallResponse {
                        id: get("tool_call_id"),
                        response: c,
                    });
                } else {
                    m.parts.push(Part::Text(c));
                }
            }
            let mut calls: BTreeMap<usize, [Option<String>; 3]> = BTreeMap::new();
            for (k, v) in &f {
                if let Some(rest) = k.strip_prefix("tool_calls.")
                    && let Some((n, field)) = rest.split_once('.')
                    && let Ok(n) = n.parse()
                {
                    let e = calls.entry(n).or_default();
                    match field {
                        "id" => e[0] = s(set, Some(v)),
                        "name" => e[1] = s(set, Some(v)),
                        "arguments" => e[2] = s(set, Some(v)),
                        _ => {}
                    }
                }
            }
            for [id, name, args] in calls.into_values() {
                m.parts.push(Part::ToolCall {
                    id,
                    name: name.unwrap_or_default(),
                    arguments: args.unwrap_or_default(),
                });
            }
            m
        })
        .collect()
}

/// The transcript of a span (empty when it records none).
pub fn transcript(set: &TraceSet, ix: SpanIx) -> Transcript {
    let span = set.span_record(ix);
    let attrs = set.attrs(span.attrs);
    let find = |attrs: &[crate::model::Attr], k: &str| {
        attrs.iter().find(|a| set.str(a.key) == k).map(|a| a.value)
    };
    let mut t = Transcript::default();

    // 1. Current OpenTelemetry attributes, on the span or in the operation-details event.
    let from_attrs = |attrs: &[crate::model::Attr], t: &mut Transcript| {
        if let Some(v) = find(attrs, "gen_ai.system_instructions") {
            t.system = system_parts(&json_of(set, v));
        }
        if let Some(v) = find(attrs, "gen_ai.input.messages") {
            t.input = messages_of(&json_of(set, v));
        }
        if let Some(v) = find(attrs, "gen_ai.output.messages") {
            t.output = messages_of(&json_of(set, v));
        }
    };
    from_attrs(attrs, &mut t);
    if t.is_empty() {
        for e in set.events(span.events) {
            if set.str(e.name) == "gen_ai.client.inference.operation.details" {
                from_attrs(set.attrs(e.attrs), &mut t);
            }
        }
    }
    if !t.is_empty() {
        t.source = "gen_ai".into();
        return t;
    }

    // 2. The older message events.
    for e in set.events(span.events) {
        let name = set.str(e.name);
        let Some(role) = name
            .strip_prefix("gen_ai.")
            .and_then(|r| r.strip_suffix(".message"))
            .or(if name == "gen_ai.choice" {
                Some("assistant")
            } else {
                None
            })
        else {
            continue;
        };
        let ea = set.attrs(e.attrs);
        let body = ["gen_ai.event.content", "body", "message", "event.body"]
            .iter()
            .find_map(|k| find(ea, k))
            .map(|v| json_of(set, v));
        let mut m = match body {
            Some(j @ J::Object(_)) => message(j.get("message").unwrap_or(&j)),
            _ => {
                let mut obj = serde_json::Map::new();
                for a in ea {
                    obj.insert(set.str(a.key).to_owned(), json_of(set, a.value));
                }
                message(&J::Object(obj))
            }
        };
        if m.role.is_empty() {
            m.role = role.to_owned();
        }
        if name == "gen_ai.choice" {
            if m.finish_reason.is_none() {
                m.finish_reason = find(ea, "finish_reason")
                    .and_then(|v| set.value_str(v))
                    .map(|c| c.into_owned());
            }
            t.output.push(m);
        } else if role == "system" {
            t.system.extend(m.parts);
        } else {
            t.input.push(m);
        }
    }
    if !t.is_empty() {
        t.source = "gen_ai events".into();
        return t;
    }

    // 3. Flattened conventions.
    t.input = openinference(set, attrs, "llm.input_messages.");
    t.output = openinference(set, attrs, "llm.output_messages.");
    if !t.is_empty() {
        t.source = "openinference".into();
        return t;
    }
    t.input = openllmetry(set, attrs, "gen_ai.prompt.");
    t.output = openllmetry(set, attrs, "gen_ai.completion.");
    if !t.is_empty() {
        // System prompts travel as messages with role "system" there; lift them out.
        let (sys, rest): (Vec<Message>, Vec<Message>) =
            t.input.into_iter().partition(|m| m.role == "system");
        t.system = sys.into_iter().flat_map(|m| m.parts).collect();
        t.input = rest;
        t.source = "openllmetry".into();
        return t;
    }

    // 4. Very old single attributes, then generic input and output values.
    for (k, into_output) in [
        ("gen_ai.prompt", false),
        ("gen_ai.completion", true),
        ("input.value", false),
        ("output.value", true),
    ] {
        if let Some(v) = find(attrs, k) {
            let j = json_of(set, v);
            let ms = if into_output {
                match j.get("choices").and_then(J::as_array) {
                    Some(choices) => choices
                        .iter()
                        .map(|c| {
                            let mut m = message(c.get("message").unwrap_or(c));
                            m.finish_reason = str_field(c, "finish_reason");
                            m
                        })
                        .collect(),
                    None => messages_of(&j),
                }
            } else {
                messages_of(&j)
            };
            if into_output {
                t.output = ms;
            } else {
                t.input = ms;
            }
        }
    }
    if !t.is_empty() {
        t.source = "values".into();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otel_parts_and_openai_shapes() {
        let j: J = serde_json::from_str(r#"[
            {"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
            {"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"get_weather","arguments":{"location":"Paris"}}]},
            {"role":"tool","parts":[{"type":"tool_call_response","id":"c1","result":"rainy"}]},
            {"role":"assistant","content":"ok","tool_calls":[{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},
            {"role":"assistant","parts":[{"content":"no type given"}]}
        ]"#).expect("json");
        let ms = messages_of(&j);
        assert_eq!(ms[0].parts, [Part::Text("Weather in Paris?".into())]);
        assert_eq!(
            ms[1].parts,
            [Part::ToolCall {
                id: Some("c1".into()),
                name: "get_weather".into(),
                arguments: r#"{"location":"Paris"}"#.into()
            }]
        );
        assert_eq!(
            ms[2].parts,
            [Part::ToolCallResponse {
                id: Some("c1".into()),
                response: "rainy".into()
            }]
        );
        assert_eq!(ms[3].parts.len(), 2);
        assert_eq!(ms[4].parts, [Part::Text("no type given".into())]);
    }
}

//! One span's panel: everything known about a span, ready to show.

use crate::analysis::Analysis;
use crate::analysis::messages::{self, Transcript};
use crate::model::{Attr, SpanIx, TraceSet, TreeFlags, Value, ValueRef};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::document::AnomalyReport;

/// One attribute, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kv {
    /// Key.
    pub key: String,
    /// Value as text (JSON for arrays and maps).
    pub value: String,
    /// `string`, `int`, `double`, `bool`, `bytes`, `array`, `map` or `empty`.
    pub kind: String,
}

/// A named group of attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrGroup {
    /// `GenAI`, `Tool`, `Span`, `Resource`, `Scope`.
    pub name: String,
    /// Its attributes, in the order the trace gave them.
    pub attrs: Vec<Kv>,
}

/// A span event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReport {
    /// Name.
    pub name: String,
    /// Offset from the span start, ns (negative when before it).
    pub offset_ns: i64,
    /// Attributes.
    pub attrs: Vec<Kv>,
}

/// A link (trace context) from a span to another span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanLinkReport {
    /// Linked trace id.
    pub trace_id: String,
    /// Linked span id.
    pub span_id: String,
    /// The linked span's index, when it is open.
    pub span: Option<u32>,
    /// Its trace's index, when it is open.
    pub trace: Option<u32>,
    /// Attributes.
    pub attrs: Vec<Kv>,
}

/// An edge the analysis inferred between this span and a span of another trace (no trace
/// context connects them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferredEdge {
    /// What the other span is: `client` or `server`.
    pub role: String,
    /// Its name.
    pub name: String,
    /// Its index.
    pub span: u32,
}

/// One span's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanReport {
    /// Span index.
    pub span: u32,
    /// Trace index.
    pub trace: u32,
    /// Name.
    pub name: String,
    /// Span id.
    pub span_id: String,
    /// Parent id as given.
    pub parent_id: Option<String>,
    /// Parent span index, when linked.
    pub parent: Option<u32>,
    /// Trace id.
    pub trace_id: String,
    /// Span kind.
    pub kind: String,
    /// Status code.
    pub status: String,
    /// Status message.
    pub status_message: String,
    /// `service.name`.
    pub service: String,
    /// GenAI operation.
    pub op: String,
    /// Model, tool or agent it concerns, when known.
    pub subject: String,
    /// Start offset from the trace start, ns.
    pub start_ns: u64,
    /// Start, unix ns.
    pub start_unix_ns: u64,
    /// Duration, ns.
    pub duration_ns: u64,
    /// Self time, ns.
    pub self_ns: u64,
    /// On the critical path.
    pub critical: bool,
    /// Time on the path, ns, when on it.
    pub on_path_ns: Option<u64>,
    /// Own counted tokens (input, output), when it counts usage.
    pub tokens: Option<(u64, u64)>,
    /// Subtree tokens.
    pub inclusive_tokens: u64,
    /// Cost of its own counted usage.
    pub cost_usd: Option<f64>,
    /// Attribute groups.
    pub groups: Vec<AttrGroup>,
    /// Events.
    pub events: Vec<EventReport>,
    /// Links.
    pub links: Vec<SpanLinkReport>,
    /// Edges the analysis inferred to spans of other traces.
    pub inferred: Vec<InferredEdge>,
    /// The conversation, for model calls that recorded one.
    pub transcript: Option<Transcript>,
    /// Findings that concern it (indexed).
    pub findings: Vec<AnomalyReport>,
    /// Where it came from: `file:line:column`.
    pub origin: String,
    /// Tree notes (orphan, cut cycle, duplicate id).
    pub notes: Vec<String>,
    /// Dropped attributes, events, links.
    pub dropped: [u32; 3],
    /// The notes a person put on it (a bundle's), in the order they were added.
    pub annotations: Vec<crate::notes::Annotation>,
}

/// The findings that concern each span, built once per analysis.
#[derive(Debug, Clone, Default)]
pub struct FindingsBySpan {
    of: FxHashMap<u32, Vec<(u32, u32)>>,
}

impl FindingsBySpan {
    /// Indexes every finding of an analysis by the spans it names.
    pub fn build(analysis: &Analysis) -> Self {
        let mut of: FxHashMap<u32, Vec<(u32, u32)>> = FxHashMap::default();
        for (t, ta) in analysis.traces.iter().enumerate() {
            for (fi, f) in ta.findings.iter().enumerate() {
                for s in &f.spans {
                    let e = of.entry(s.0).or_default();
                    if !e.contains(&(t as u32, fi as u32)) {
                        e.push((t as u32, fi as u32));
                    }
                }
            }
        }
        FindingsBySpan { of }
    }

    /// The findings that concern a span: (trace index, finding index in that trace).
    pub fn of(&self, span: SpanIx) -> &[(u32, u32)] {
        self.of.get(&span.0).map_or(&[], Vec::as_slice)
    }

    /// The rule ids of the findings that concern a span.
    pub fn kinds(&self, analysis: &Analysis, span: SpanIx) -> Vec<&'static str> {
        self.of(span)
            .iter()
            .map(|&(t, f)| analysis.traces[t as usize].findings[f as usize].kind)
            .collect()
    }
}

impl SpanReport {
    /// The panel of span `ix`, or `None` when the set has no such span.
    pub fn build(
        set: &TraceSet,
        an: &Analysis,
        findings: &FindingsBySpan,
        ix: SpanIx,
    ) -> Option<Self> {
        let i = ix.0 as usize;
        if i >= set.span_count() {
            return None;
        }
        let span = set.span(ix);
        let rec = span.rec;
        let t = &set.traces()[rec.trace.0 as usize];
        let step = &an.steps[i];

        let mut genai = Vec::new();
        let mut tool = Vec::new();
        let mut other = Vec::new();
        for a in span.attrs() {
            let key = set.str(a.key);
            let kv = value_kv(set, key, a.value);
            match group_of(key) {
                Group::Tool => tool.push(kv),
                Group::GenAi => genai.push(kv),
                Group::Other => other.push(kv),
            }
        }
        let res = set.resource(rec.resource);
        let scope = set.scope(rec.scope);
        let mut scope_kvs = Vec::new();
        for (k, v) in [("name", scope.name), ("version", scope.version)] {
            if !set.str(v).is_empty() {
                scope_kvs.push(Kv {
                    key: k.to_owned(),
                    value: set.str(v).to_owned(),
                    kind: "string".to_owned(),
                });
            }
        }
        scope_kvs.extend(kvs(set, set.attrs(scope.attrs)));
        let groups = [
            ("GenAI", genai),
            ("Tool", tool),
            ("Span", other),
            ("Resource", kvs(set, set.attrs(res.attrs))),
            ("Scope", scope_kvs),
        ]
        .into_iter()
        .filter(|(_, a)| !a.is_empty())
        .map(|(name, attrs)| AttrGroup {
            name: name.to_owned(),
            attrs,
        })
        .collect();

        let events = set
            .events(rec.events)
            .iter()
            .map(|e| EventReport {
                name: set.str(e.name).to_owned(),
                offset_ns: e.time_unix_ns as i64 - rec.start_unix_ns as i64,
                attrs: kvs(set, set.attrs(e.attrs)),
            })
            .collect();
        let links = set
            .links(rec.links)
            .iter()
            .map(|l| {
                let target = set
                    .traces()
                    .iter()
                    .position(|t| t.id == l.trace_id)
                    .and_then(|ti| {
                        let mut r = set.traces()[ti].spans.as_range();
                        r.find(|&k| set.spans()[k].span_id == l.span_id)
                            .map(|k| (ti as u32, k as u32))
                    });
                SpanLinkReport {
                    trace_id: l.trace_id.display(set.strings()).to_string(),
                    span_id: l.span_id.display(set.strings()).to_string(),
                    trace: target.map(|x| x.0),
                    span: target.map(|x| x.1),
                    attrs: kvs(set, set.attrs(l.attrs)),
                }
            })
            .collect();
        let inferred = an
            .inferred_links
            .iter()
            .filter_map(|l| {
                if l.client == ix {
                    Some(("server", l.server))
                } else if l.server == ix {
                    Some(("client", l.client))
                } else {
                    None
                }
            })
            .map(|(role, other)| InferredEdge {
                role: role.to_owned(),
                name: set.span(other).name().to_owned(),
                span: other.0,
            })
            .collect();
        let tr = messages::transcript(set, ix);
        let transcript = (!tr.is_empty()).then_some(tr);
        let findings = findings
            .of(ix)
            .iter()
            .map(|&(t, f)| AnomalyReport::build(set, &an.traces[t as usize], f as usize, true))
            .collect();
        let (line, col) = set.line_column(rec.origin.source, rec.origin.offset);
        let origin = format!(
            "{}:{line}:{col}",
            set.sources()[rec.origin.source.0 as usize].name
        );
        let mut notes = Vec::new();
        if rec.tree_flags.has(TreeFlags::ORPHAN) {
            notes.push(format!(
                "its parent {} is not in the open files",
                span.parent_id().unwrap_or_default()
            ));
        }
        if rec.tree_flags.has(TreeFlags::CYCLE_CUT) {
            notes.push("its parent link closed a cycle and was cut".to_owned());
        }
        if rec.tree_flags.has(TreeFlags::DUPLICATE_ID) {
            notes.push("another span of this trace has the same span id".to_owned());
        }
        let on_path_ns = an.traces[rec.trace.0 as usize]
            .critical_path
            .iter()
            .find(|p| p.span == ix)
            .map(|p| p.on_path_ns);
        let subject = [step.model(), step.tool_name, step.agent_name]
            .into_iter()
            .map(|t| t.get(set).into_owned())
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        Some(SpanReport {
            span: ix.0,
            trace: rec.trace.0,
            name: span.name().to_owned(),
            span_id: span.span_id(),
            parent_id: span.parent_id(),
            parent: rec.parent.map(|p| p.0),
            trace_id: span.trace_id(),
            kind: rec.kind.as_str().to_owned(),
            status: rec.status.as_str().to_owned(),
            status_message: set.str(rec.status_message).to_owned(),
            service: span.service().to_owned(),
            op: step.op.as_str().to_owned(),
            subject,
            start_ns: rec.start_unix_ns.saturating_sub(t.start_unix_ns),
            start_unix_ns: rec.start_unix_ns,
            duration_ns: rec.duration_ns(),
            self_ns: an.self_ns[i],
            critical: an.on_critical_path[i],
            on_path_ns,
            tokens: an.counts_usage[i].then_some((step.tokens.input, step.tokens.output)),
            inclusive_tokens: an.inclusive_tokens[i],
            cost_usd: an.cost_usd[i],
            groups,
            events,
            links,
            inferred,
            transcript,
            findings,
            origin,
            notes,
            dropped: rec.dropped,
            annotations: set
                .notes()
                .annotations
                .iter()
                .filter(|a| {
                    a.span_id.as_deref() == Some(span.span_id().as_str())
                        && a.trace_id == crate::notes::trace_id_text(set, rec.trace)
                })
                .cloned()
                .collect(),
        })
    }
}

enum Group {
    GenAi,
    Tool,
    Other,
}

/// Which panel group an attribute belongs to.
fn group_of(key: &str) -> Group {
    const TOOL: [&str; 4] = ["gen_ai.tool.", "tool.", "mcp.", "tool_call."];
    const GENAI: [&str; 9] = [
        "gen_ai.",
        "llm.",
        "openinference.",
        "traceloop.",
        "input.",
        "output.",
        "ai.",
        "openai_agents.",
        "session.",
    ];
    if TOOL.iter().any(|p| key.starts_with(p)) {
        Group::Tool
    } else if GENAI.iter().any(|p| key.starts_with(p)) || key == "input" || key == "output" {
        Group::GenAi
    } else {
        Group::Other
    }
}

fn kvs(set: &TraceSet, attrs: &[Attr]) -> Vec<Kv> {
    attrs
        .iter()
        .map(|a| value_kv(set, set.str(a.key), a.value))
        .collect()
}

/// An attribute as text, with its type.
pub fn value_kv(set: &TraceSet, key: &str, v: Value) -> Kv {
    let (value, kind) = value_text(set, v);
    Kv {
        key: key.to_owned(),
        value,
        kind: kind.to_owned(),
    }
}

/// A value as text (JSON for arrays and maps, base64 for bytes), with its type's name.
pub fn value_text(set: &TraceSet, v: Value) -> (String, &'static str) {
    match set.value(v) {
        ValueRef::Empty => (String::new(), "empty"),
        ValueRef::Str(s) => (s.into_owned(), "string"),
        ValueRef::Bool(b) => (b.to_string(), "bool"),
        ValueRef::Int(i) => (i.to_string(), "int"),
        ValueRef::Double(d) => (d.to_string(), "double"),
        ValueRef::Bytes(b) => (crate::id::encode_base64(&b), "bytes"),
        ValueRef::Array(_) => (set.value_json(v).to_string(), "array"),
        ValueRef::KvList(_) => (set.value_json(v).to_string(), "map"),
    }
}

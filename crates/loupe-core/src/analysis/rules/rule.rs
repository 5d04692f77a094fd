//! What every rule shares: the [`Rule`] trait, what rules see ([`Context`]) and emit
//! ([`Finding`], [`Severity`]), and the helpers several rules use.

use crate::analysis::genai::{Operation, Step};
use crate::intern::Sym;
use crate::model::{SpanIx, TraceIx, TraceSet, Value};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// How bad a finding is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Likely a problem.
    Warning,
    /// Something failed.
    Error,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity named by [`Severity::as_str`]'s word.
    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// One thing that looks wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Rule id (`loop`, `tool_error`, …).
    pub kind: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The spans it concerns, the most telling first.
    pub spans: Vec<SpanIx>,
    /// What happened, in words a person can act on.
    pub message: String,
}

/// What rules see.
#[derive(Debug)]
pub struct Context<'a> {
    /// The spans.
    pub set: &'a TraceSet,
    /// Every span's step.
    pub steps: &'a [Step],
    /// Tool calls by tool name, across all traces (for cross-trace rules).
    pub(super) tool_calls: FxHashMap<String, Vec<SpanIx>>,
}

impl<'a> Context<'a> {
    /// Prepares the shared indexes.
    pub fn new(set: &'a TraceSet, steps: &'a [Step]) -> Self {
        let mut tool_calls: FxHashMap<String, Vec<SpanIx>> = FxHashMap::default();
        for (i, step) in steps.iter().enumerate() {
            if step.op == Operation::ExecuteTool && !step.tool_name.is_empty() {
                tool_calls
                    .entry(step.tool_name.get(set).into_owned())
                    .or_default()
                    .push(SpanIx(i as u32));
            }
        }
        Context {
            set,
            steps,
            tool_calls,
        }
    }

    pub(super) fn step(&self, ix: SpanIx) -> &Step {
        &self.steps[ix.0 as usize]
    }

    pub(super) fn name(&self, ix: SpanIx) -> &str {
        self.set.span(ix).name()
    }

    pub(super) fn service(&self, ix: SpanIx) -> Sym {
        let s = self.set.span_record(ix);
        self.set.resource(s.resource).service_name
    }

    pub(super) fn tool(&self, ix: SpanIx) -> std::borrow::Cow<'_, str> {
        self.step(ix).tool_name.get(self.set)
    }

    /// The parent's name for messages (`invoke_agent support`), or "the top of the trace".
    pub(super) fn under(&self, ix: SpanIx) -> String {
        match self.set.span_record(ix).parent {
            Some(p) => format!("under `{}`", self.name(p)),
            None => "at the top of the trace".into(),
        }
    }
}

/// A rule.
pub trait Rule: Sync + std::fmt::Debug {
    /// Id, part of the public JSON.
    fn id(&self) -> &'static str;
    /// Default severity of its findings.
    fn severity(&self) -> Severity;
    /// What it checks and what to do about a finding.
    fn explanation(&self) -> &'static str;
    /// Checks one trace.
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>);
    /// Whether it masks what it quotes itself (the `secret` rule); the messages of the others are
    /// masked by [`super::check_trace`], so no finding repeats a secret from a name or message.
    fn masks_its_messages(&self) -> bool {
        false
    }
}

/// Spans of a trace (by index).
pub(super) fn trace_spans(set: &TraceSet, t: TraceIx) -> impl Iterator<Item = SpanIx> + '_ {
    set.traces()[t.0 as usize]
        .spans
        .as_range()
        .map(|i| SpanIx(i as u32))
}

/// Each parent of the trace (and the trace's top level, as `None`) with its children by start time.
pub(super) fn sibling_groups(set: &TraceSet, t: TraceIx) -> Vec<Vec<SpanIx>> {
    let mut groups = vec![set.top_level(t).collect::<Vec<_>>()];
    for ix in trace_spans(set, t) {
        let kids: Vec<SpanIx> = set.children(ix).collect();
        if !kids.is_empty() {
            groups.push(kids);
        }
    }
    groups
}

/// A value as canonical JSON: JSON inside strings is parsed, object keys sorted, whitespace dropped.
pub fn canonical_json(set: &TraceSet, v: Value) -> String {
    let j = match set.value_json(v) {
        serde_json::Value::String(s) => serde_json::from_str::<serde_json::Value>(s.trim())
            .unwrap_or(serde_json::Value::String(s)),
        other => other,
    };
    // serde_json's map is ordered by key, so serialising sorts keys.
    j.to_string()
}

/// Whether a result is empty: `""`, `[]`, `{}`, `null`, or only whitespace.
pub fn is_empty_result(set: &TraceSet, v: Value) -> bool {
    // The longest empty form, `"\"\""` escaped in a string, has 6 bytes that are not whitespace:
    // anything with more is not empty, and is rejected without decoding or parsing it.
    if let Some(raw) = set.value_raw_bytes(v)
        && raw
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .nth(6)
            .is_some()
    {
        return false;
    }
    matches!(
        canonical_json(set, v).as_str(),
        "\"\"" | "[]" | "{}" | "null"
    )
}

pub(super) fn preview(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

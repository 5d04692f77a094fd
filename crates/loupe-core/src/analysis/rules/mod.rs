//! Anomaly rules. Each is a plug-in: an id (part of the public JSON), a default severity, an
//! explanation a person can act on, and a check that emits findings naming the spans they concern.
//! Precision matters as much as recall: every rule is written so that a clean run comes out clean.
//!
//! This module holds the [`Rule`] trait, what rules see ([`Context`]), what they emit
//! ([`Finding`], [`Severity`]), the registry ([`rules`]) and the helpers rules share. Each rule
//! lives in its own file named after its id, which opens with a doc block of a fixed shape: a
//! first line, the rule's explanation (word for word what [`Rule::explanation`] returns), then
//! the sections "What it checks", "Why it matters" and "What to do". `docs/rules.md` is generated
//! from those blocks, and a test in `tests/tests/analysis.rs` fails when it is out of date.

use super::genai::{Operation, Step};
use crate::intern::Sym;
use crate::model::{SpanIx, TraceIx, TraceSet, Value};
use rustc_hash::FxHashMap;
use serde::Serialize;

mod clock_skew;
mod disconnected;
mod empty_result;
mod r#loop;
mod orphan;
mod outlives_parent;
mod retry;
mod secret;
mod slow_outlier;
mod tool_error;
mod truncated;

pub use clock_skew::ClockSkewRule;
pub use disconnected::{DISCONNECTED_SLACK_NS, DisconnectedRule};
pub use empty_result::{EmptyResultRule, SIDE_EFFECT_VERBS};
pub use r#loop::{LOOP_MIN_CALLS, LoopRule};
pub use orphan::OrphanRule;
pub use outlives_parent::OutlivesParentRule;
pub use retry::RetryRule;
pub use secret::SecretRule;
pub use slow_outlier::{SLOW_FACTOR, SLOW_MIN_EXCESS_NS, SLOW_MIN_SIBLINGS, SlowOutlierRule};
pub use tool_error::ToolErrorRule;
pub use truncated::TruncatedRule;

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
    tool_calls: FxHashMap<String, Vec<SpanIx>>,
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

    fn step(&self, ix: SpanIx) -> &Step {
        &self.steps[ix.0 as usize]
    }

    fn name(&self, ix: SpanIx) -> &str {
        self.set.span(ix).name()
    }

    fn service(&self, ix: SpanIx) -> Sym {
        let s = self.set.span_record(ix);
        self.set.resource(s.resource).service_name
    }

    fn tool(&self, ix: SpanIx) -> std::borrow::Cow<'_, str> {
        self.step(ix).tool_name.get(self.set)
    }

    /// The parent's name for messages (`invoke_agent support`), or "the top of the trace".
    fn under(&self, ix: SpanIx) -> String {
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
}

/// What rule `id` means and what to do about its findings (empty for an unknown id).
pub fn explanation(id: &str) -> &'static str {
    rules()
        .iter()
        .find(|r| r.id() == id)
        .map_or("", |r| r.explanation())
}

/// Every rule, in the order findings are reported.
pub fn rules() -> &'static [&'static dyn Rule] {
    &[
        &ToolErrorRule,
        &RetryRule,
        &LoopRule,
        &TruncatedRule,
        &EmptyResultRule,
        &SlowOutlierRule,
        &OrphanRule,
        &DisconnectedRule,
        &OutlivesParentRule,
        &ClockSkewRule,
        &SecretRule,
    ]
}

/// Runs every rule over a trace.
pub fn check_trace(cx: &Context<'_>, trace: TraceIx) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in rules() {
        r.check(cx, trace, &mut out);
    }
    // Messages quote span names, tool names and status messages: a secret in one of those is
    // masked here, so no finding repeats it (the `secret` rule masks its own).
    let masker = crate::secrets::engine::Scanner::default();
    for f in &mut out {
        if f.kind != "secret"
            && let std::borrow::Cow::Owned(m) = masker.masked(&f.message)
        {
            f.message = m;
        }
    }
    out
}

/// Spans of a trace (by index).
fn trace_spans(set: &TraceSet, t: TraceIx) -> impl Iterator<Item = SpanIx> + '_ {
    set.traces()[t.0 as usize]
        .spans
        .as_range()
        .map(|i| SpanIx(i as u32))
}

/// Each parent of the trace (and the trace's top level, as `None`) with its children by start time.
fn sibling_groups(set: &TraceSet, t: TraceIx) -> Vec<Vec<SpanIx>> {
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

fn preview(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

fn ms(ns: u64) -> String {
    if ns >= 10_000_000_000 {
        format!("{:.1} s", ns as f64 / 1e9)
    } else if ns >= 1_000_000 {
        format!("{:.0} ms", ns as f64 / 1e6)
    } else {
        format!("{:.2} ms", ns as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_explained() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id()).collect();
        assert!(rules().iter().all(|r| r.explanation().len() > 40));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules().len());
    }
}

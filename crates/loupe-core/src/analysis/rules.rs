//! Anomaly rules. Each is a plug-in: an id (part of the public JSON), a default severity, an
//! explanation a person can act on, and a check that emits findings naming the spans they concern.
//! Precision matters as much as recall: every rule is written so that a clean run comes out clean.

use super::genai::{Operation, Step, finish_reasons, is_truncation};
use crate::intern::Sym;
use crate::model::{SpanIx, SpanKind, TraceIx, TraceSet, TreeFlags, Value};
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
        for (i, st) in steps.iter().enumerate() {
            if st.op == Operation::ExecuteTool && !st.tool_name.is_empty() {
                tool_calls
                    .entry(st.tool_name.get(set).into_owned())
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
        &crate::secrets::SecretRule,
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
    let masker = crate::secrets::engine::Engine::default();
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

/// `tool_error`: a tool span that failed.
#[derive(Debug)]
pub struct ToolErrorRule;

impl Rule for ToolErrorRule {
    fn id(&self) -> &'static str {
        "tool_error"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn explanation(&self) -> &'static str {
        "A tool call failed (error status or an error type). Check the tool's error message and whether the agent noticed the failure."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let st = cx.step(ix);
            if st.op != Operation::ExecuteTool || !st.failed {
                continue;
            }
            let s = cx.set.span_record(ix);
            let mut why = Vec::new();
            if !st.error_type.is_empty() {
                why.push(format!("error type `{}`", st.error_type.get(cx.set)));
            }
            let msg = cx.set.str(s.status_message);
            if !msg.is_empty() {
                why.push(format!("\"{}\"", preview(msg, 120)));
            }
            out.push(Finding {
                kind: self.id(),
                severity: self.severity(),
                spans: vec![ix],
                message: format!(
                    "`{}` failed {}{}",
                    cx.tool(ix),
                    cx.under(ix),
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", why.join(", "))
                    }
                ),
            });
        }
    }
}

/// `retry`: a failed tool call followed by another call of the same tool under the same parent.
#[derive(Debug)]
pub struct RetryRule;

impl Rule for RetryRule {
    fn id(&self) -> &'static str {
        "retry"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A tool call failed and the same tool was called again under the same parent. Retries cost time and tokens; check whether the failure was transient or the agent repeated a bad call."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            let tools: Vec<SpanIx> = group
                .into_iter()
                .filter(|&ix| cx.step(ix).op == Operation::ExecuteTool)
                .collect();
            for (i, &failed) in tools.iter().enumerate() {
                let st = cx.step(failed);
                if !st.failed || st.tool_name.is_empty() {
                    continue;
                }
                if let Some(&again) = tools[i + 1..]
                    .iter()
                    .find(|&&x| cx.step(x).tool_name.get(cx.set) == st.tool_name.get(cx.set))
                {
                    let (f, a) = (cx.set.span_record(failed), cx.set.span_record(again));
                    out.push(Finding {
                        kind: self.id(),
                        severity: self.severity(),
                        spans: vec![failed, again],
                        message: format!(
                            "`{}` failed and was called again {} later {}{}",
                            cx.tool(failed),
                            ms(a.start_unix_ns.saturating_sub(f.end_unix_ns)),
                            cx.under(failed),
                            if cx.step(again).failed {
                                "; the retry failed too"
                            } else {
                                "; the retry succeeded"
                            }
                        ),
                    });
                }
            }
        }
    }
}

/// `loop`: three or more consecutive calls of one tool with the same arguments under one parent.
#[derive(Debug)]
pub struct LoopRule;

/// Calls in a row that make a loop.
pub const LOOP_MIN_CALLS: usize = 3;

impl Rule for LoopRule {
    fn id(&self) -> &'static str {
        "loop"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "The agent called the same tool with the same arguments three or more times in a row (model calls in between are allowed). It is probably stuck: the result did not change what it did next."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            // The sequence of tool calls under this parent, with their tool names.
            let calls: Vec<(SpanIx, String)> = group
                .into_iter()
                .filter(|&ix| cx.step(ix).op == Operation::ExecuteTool)
                .map(|ix| (ix, cx.step(ix).tool_name.get(cx.set).into_owned()))
                .collect();
            let mut i = 0;
            while i < calls.len() {
                // A run of calls of one tool; arguments are canonicalised only inside such runs.
                let mut end = i + 1;
                while end < calls.len() && calls[end].1 == calls[i].1 {
                    end += 1;
                }
                if end - i < LOOP_MIN_CALLS || calls[i].1.is_empty() {
                    i = end;
                    continue;
                }
                let args: Vec<Option<String>> = calls[i..end]
                    .iter()
                    .map(|(ix, _)| {
                        cx.step(*ix)
                            .tool_arguments
                            .map(|v| canonical_json(cx.set, v))
                    })
                    .collect();
                let mut k = 0;
                while k < args.len() {
                    let mut j = k + 1;
                    while j < args.len() && args[j] == args[k] {
                        j += 1;
                    }
                    // Arguments must be known to call two calls the same.
                    if j - k >= LOOP_MIN_CALLS && args[k].is_some() {
                        let spans: Vec<SpanIx> = calls[i + k..i + j].iter().map(|c| c.0).collect();
                        out.push(Finding {
                            kind: self.id(),
                            severity: self.severity(),
                            message: format!(
                                "`{}` was called {} times in a row with the same arguments {} {}",
                                calls[i].1,
                                j - k,
                                preview(args[k].as_deref().unwrap_or(""), 120),
                                cx.under(spans[0])
                            ),
                            spans,
                        });
                    }
                    k = j;
                }
                i = end;
            }
        }
    }
}

/// `truncated`: a model call that stopped at its token limit.
#[derive(Debug)]
pub struct TruncatedRule;

impl Rule for TruncatedRule {
    fn id(&self) -> &'static str {
        "truncated"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A model call stopped because it hit its output token limit (finish reason `length` / `max_tokens`). Its answer is cut off; what came after may rest on half an answer. Raise the limit or shorten the task."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let st = cx.step(ix);
            if !st.op.is_model_call() {
                continue;
            }
            let reasons = finish_reasons(cx.set, st);
            if let Some(r) = reasons.iter().find(|r| is_truncation(r)) {
                let model = st.model().get(cx.set);
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix],
                    message: format!(
                        "`{}`{} stopped at its token limit (finish reason `{r}`{}) {}",
                        cx.name(ix),
                        if model.is_empty() || cx.name(ix).contains(model.as_ref()) {
                            String::new()
                        } else {
                            format!(" ({model})")
                        },
                        if st.tokens.present & super::genai::Tokens::OUTPUT != 0 {
                            format!(", {} output tokens", st.tokens.output)
                        } else {
                            String::new()
                        },
                        cx.under(ix)
                    ),
                });
            }
        }
    }
}

/// `empty_result`: a successful tool call returned nothing and the run carried on.
#[derive(Debug)]
pub struct EmptyResultRule;

impl Rule for EmptyResultRule {
    fn id(&self) -> &'static str {
        "empty_result"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A tool call succeeded but returned nothing (\"\", [], {} or null), and the run went on. Check whether the model noticed, or answered as if it had data."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            for (i, &ix) in group.iter().enumerate() {
                let st = cx.step(ix);
                if st.op != Operation::ExecuteTool || st.failed {
                    continue;
                }
                let Some(result) = st.tool_result else {
                    continue;
                };
                if !is_empty_result(cx.set, result) || has_side_effect_name(&cx.tool(ix)) {
                    continue;
                }
                let end = cx.set.span_record(ix).end_unix_ns;
                let Some(&next) = group[i + 1..]
                    .iter()
                    .find(|&&n| cx.set.span_record(n).start_unix_ns >= end)
                else {
                    continue;
                };
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix, next],
                    message: format!(
                        "`{}` returned an empty result ({}) {} and the run carried on with `{}`",
                        cx.tool(ix),
                        canonical_json(cx.set, result),
                        cx.under(ix),
                        cx.name(next)
                    ),
                });
            }
        }
    }
}

/// Verbs that start the names of tools called for their effect, whose empty result (`null`) means
/// "done", not "nothing found".
pub const SIDE_EFFECT_VERBS: &[&str] = &[
    "write", "save", "store", "send", "post", "put", "delete", "remove", "update", "set", "create",
    "insert", "upload", "notify", "log", "emit", "publish", "append", "move", "rename", "close",
];

/// Whether a tool's name says it is called for its effect (`write_file`, `sendEmail`, `delete-row`).
fn has_side_effect_name(tool: &str) -> bool {
    let lower = tool.to_ascii_lowercase();
    SIDE_EFFECT_VERBS.iter().any(|v| {
        lower.strip_prefix(v).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with(['_', '-', '.', ' '])
                || tool[v.len()..].starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// `slow_outlier`: a span far slower than its same-name siblings.
#[derive(Debug)]
pub struct SlowOutlierRule;

/// How many times slower than the median of its same-name siblings a span must be.
pub const SLOW_FACTOR: u64 = 10;
/// How many same-name siblings (besides itself) a span needs to be compared.
pub const SLOW_MIN_SIBLINGS: usize = 3;
/// How much slower than the median, at least, in ns (so microsecond noise is not flagged).
pub const SLOW_MIN_EXCESS_NS: u64 = 100_000_000;

impl Rule for SlowOutlierRule {
    fn id(&self) -> &'static str {
        "slow_outlier"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span took at least 10 times the median of its same-name siblings (at least 3 of them) and at least 100 ms more. The median of the others is used, so one outlier cannot hide itself. Look at what was different about this call."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            let mut by_name: FxHashMap<Sym, Vec<SpanIx>> = FxHashMap::default();
            for ix in group {
                by_name
                    .entry(cx.set.span_record(ix).name)
                    .or_default()
                    .push(ix);
            }
            let mut names: Vec<_> = by_name.into_iter().collect();
            names.sort_by_key(|(_, v)| v[0]);
            for (_, members) in names {
                if members.len() < SLOW_MIN_SIBLINGS + 1 {
                    continue;
                }
                let mut durs: Vec<(u64, SpanIx)> = members
                    .iter()
                    .map(|&ix| (cx.set.span_record(ix).duration_ns(), ix))
                    .collect();
                durs.sort_unstable();
                let k = durs.len();
                for (pos, &(d, ix)) in durs.iter().enumerate() {
                    // Median of the others: ranks of the remaining k-1 values skip `pos`.
                    let at = |r: usize| durs[if r < pos { r } else { r + 1 }].0;
                    let m = k - 1;
                    let median = if m % 2 == 1 {
                        at(m / 2)
                    } else {
                        (at(m / 2 - 1) + at(m / 2)) / 2
                    };
                    if d >= median.saturating_mul(SLOW_FACTOR) && d >= median + SLOW_MIN_EXCESS_NS {
                        out.push(Finding {
                            kind: self.id(),
                            severity: self.severity(),
                            spans: vec![ix],
                            message: format!(
                                "`{}` took {}, {} the median of its {} same-name siblings ({}) {}",
                                cx.name(ix),
                                ms(d),
                                if median == 0 {
                                    "far above".to_owned()
                                } else {
                                    format!("{:.0}×", d as f64 / median as f64)
                                },
                                m,
                                ms(median),
                                cx.under(ix)
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// `orphan`: a span whose parent is not in the loaded files.
#[derive(Debug)]
pub struct OrphanRule;

impl Rule for OrphanRule {
    fn id(&self) -> &'static str {
        "orphan"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span names a parent that is not in the loaded files: part of the trace was not exported or is in another file. Open the other files together, or check sampling and exporter errors."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in cx.set.top_level(trace) {
            let s = cx.set.span(ix);
            if s.rec.tree_flags.has(TreeFlags::ORPHAN) {
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix],
                    message: format!(
                        "`{}` names parent {}, which is not in the loaded files; {} shown at the top of the trace",
                        s.name(),
                        s.parent_id().unwrap_or_default(),
                        match s.rec.subtree_end - ix.0 - 1 {
                            0 => "it is".to_owned(),
                            1 => "it and its 1 descendant are".to_owned(),
                            n => format!("it and its {n} descendants are"),
                        }
                    ),
                });
            }
        }
    }
}

/// `disconnected`: a separate trace that looks like the server side of a tool call in another trace.
#[derive(Debug)]
pub struct DisconnectedRule;

/// Slack around the client's window when matching a server-side trace, in ns.
pub const DISCONNECTED_SLACK_NS: u64 = 50_000_000;

impl DisconnectedRule {
    /// The client tool call a trace's top-level span most likely served, if any.
    pub fn match_client(cx: &Context<'_>, server: SpanIx) -> Option<SpanIx> {
        let st = cx.step(server);
        let s = cx.set.span_record(server);
        if s.parent_id.is_some() && !s.tree_flags.has(TreeFlags::ORPHAN) {
            return None;
        }
        let serverish =
            s.kind == SpanKind::Server || matches!(st.op, Operation::ExecuteTool | Operation::Mcp);
        if !serverish || st.tool_name.is_empty() {
            return None;
        }
        cx.tool_calls
            .get(st.tool_name.get(cx.set).as_ref())?
            .iter()
            .copied()
            .filter(|&c| c != server && cx.set.span_record(c).trace != s.trace)
            .filter(|&c| {
                let c = cx.set.span_record(c);
                s.start_unix_ns + DISCONNECTED_SLACK_NS >= c.start_unix_ns
                    && s.end_unix_ns <= c.end_unix_ns + DISCONNECTED_SLACK_NS
            })
            .min_by_key(|&c| {
                s.start_unix_ns
                    .abs_diff(cx.set.span_record(c).start_unix_ns)
            })
    }
}

impl Rule for DisconnectedRule {
    fn id(&self) -> &'static str {
        "disconnected"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn explanation(&self) -> &'static str {
        "A separate trace looks like the server side of a tool call in another trace (same tool name, inside the call's time window), but no trace context connects them. Loupe links them as an inferred edge; propagate trace context (e.g. W3C traceparent in MCP requests) to make the link real."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for top in cx.set.top_level(trace) {
            if let Some(client) = Self::match_client(cx, top) {
                let c = cx.set.span(client);
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![top, client],
                    message: format!(
                        "trace {} (`{}`{}) looks like the server side of `{}` in trace {}: same tool `{}`, inside its time window; linked as an inferred edge",
                        cx.set.span(top).trace_id(),
                        cx.name(top),
                        match cx.set.str(cx.service(top)) {
                            "" => String::new(),
                            svc => format!(", service {svc}"),
                        },
                        c.name(),
                        c.trace_id(),
                        cx.tool(top)
                    ),
                });
            }
        }
    }
}

/// `outlives_parent`: a child that ends after its parent ends, in the same service.
#[derive(Debug)]
pub struct OutlivesParentRule;

impl Rule for OutlivesParentRule {
    fn id(&self) -> &'static str {
        "outlives_parent"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span ends after its parent ended, in the same service: work left running in the background (fire-and-forget), or a span ended in the wrong place. Only its part inside its parent's time counts toward the critical path."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let s = cx.set.span_record(ix);
            let Some(p) = s.parent else { continue };
            let ps = cx.set.span_record(p);
            if s.end_unix_ns > ps.end_unix_ns && cx.service(ix) == cx.service(p) {
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix, p],
                    message: format!(
                        "`{}` ends {} after its parent `{}` ended",
                        cx.name(ix),
                        ms(s.end_unix_ns - ps.end_unix_ns),
                        cx.name(p)
                    ),
                });
            }
        }
    }
}

/// `clock_skew`: a child in another service that starts before its parent or ends after it.
#[derive(Debug)]
pub struct ClockSkewRule;

impl Rule for ClockSkewRule {
    fn id(&self) -> &'static str {
        "clock_skew"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span in another service starts before its parent starts or ends after it ends, which a synchronous call cannot do: the two hosts' clocks disagree. The estimate centres the child inside its parent (as Zipkin does). Read cross-service ordering with care, or sync the clocks."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let s = cx.set.span_record(ix);
            let Some(p) = s.parent else { continue };
            let ps = cx.set.span_record(p);
            if cx.service(ix) == cx.service(p)
                || matches!(s.kind, SpanKind::Consumer | SpanKind::Producer)
                || matches!(ps.kind, SpanKind::Producer | SpanKind::Consumer)
            {
                continue;
            }
            if s.start_unix_ns >= ps.start_unix_ns && s.end_unix_ns <= ps.end_unix_ns {
                continue;
            }
            // Centre the child in the parent: half the spare time on each side.
            let skew = if s.duration_ns() <= ps.duration_ns() {
                let latency = (ps.duration_ns() - s.duration_ns()) / 2;
                s.start_unix_ns as i128 - (ps.start_unix_ns + latency) as i128
            } else {
                s.start_unix_ns as i128 - ps.start_unix_ns as i128
            };
            let (svc, psvc) = (cx.set.str(cx.service(ix)), cx.set.str(cx.service(p)));
            out.push(Finding {
                kind: self.id(),
                severity: self.severity(),
                spans: vec![ix, p],
                message: format!(
                    "`{}` ({svc}) {} its parent `{}` ({psvc}); the clock of {svc} looks about {} {} that of {psvc}",
                    cx.name(ix),
                    if s.start_unix_ns < ps.start_unix_ns {
                        format!("starts {} before", ms(ps.start_unix_ns - s.start_unix_ns))
                    } else {
                        format!("ends {} after", ms(s.end_unix_ns - ps.end_unix_ns))
                    },
                    cx.name(p),
                    ms(skew.unsigned_abs() as u64),
                    if skew < 0 { "behind" } else { "ahead of" }
                ),
            });
        }
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

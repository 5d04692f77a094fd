//! Analyses of a loaded set: the GenAI step model, self and inclusive time, the critical path,
//! tokens and cost rolled up by model, tool and agent, anomaly rules, the first suspect, and the
//! instrumentation audit. The CLI and the viewer only show what this computes.
//!
//! **Counting usage once.** A span's tokens and reported cost count only when no span below it
//! reports usage: when an agent span reports the total of its run and its model calls report
//! their own, the model calls win. OpenTelemetry's `input_tokens` already include cache reads and
//! writes, so those are never added on top.

pub mod audit;
pub mod critical_path;
pub mod genai;
pub mod messages;
pub mod pricing;
pub mod rules;

use crate::model::{SpanIx, TraceIx, TraceSet};
use genai::{Step, Tokens};
use pricing::Prices;
pub use rules::InferredLink;
use rules::{Finding, Severity};
use std::collections::BTreeMap;

/// Settings of an analysis.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Prices (the user's table, if any, over the built-in one).
    pub prices: Prices,
}

/// Per-tool totals.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ToolStats {
    /// Calls.
    pub calls: u32,
    /// Failed calls.
    pub errors: u32,
    /// Summed duration.
    pub duration_ns: u64,
    /// Tokens (input + output) counted inside its calls' subtrees (a tool that runs a model or an agent).
    pub tokens: u64,
}

/// Per-agent totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentStats {
    /// Invocations.
    pub invocations: u32,
    /// Tokens of the model calls it made itself (not those of sub-agents with their own span).
    pub tokens: Tokens,
    /// Cost of those, when every one is priced.
    pub cost_usd: Option<f64>,
}

/// Everything known about one trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceAnalysis {
    /// The critical path(s), root first.
    pub critical_path: Vec<critical_path::PathStep>,
    /// Tokens of the trace's counted usage.
    pub tokens: Tokens,
    /// Tokens by model (request model, else response model).
    pub by_model: BTreeMap<String, Tokens>,
    /// Cost by model, when priced.
    pub cost_by_model: BTreeMap<String, f64>,
    /// Tool calls by tool.
    pub by_tool: BTreeMap<String, ToolStats>,
    /// Usage by agent (the nearest agent span above each model call).
    pub by_agent: BTreeMap<String, AgentStats>,
    /// Total cost in USD; `None` when some counted usage has no price.
    pub cost_usd: Option<f64>,
    /// Models without a price (so `cost_usd` is `None`).
    pub unpriced_models: Vec<String>,
    /// What the analysis could not do, in words (e.g. a model without a price).
    pub warnings: Vec<String>,
    /// Findings, by rule then position.
    pub findings: Vec<Finding>,
    /// Index into `findings` of the first suspect: the earliest-starting span with a warning or worse.
    pub first_suspect: Option<(SpanIx, usize)>,
    /// The instrumentation audit.
    pub audit: audit::Audit,
}

/// The analysis of a set.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every span's step.
    pub steps: Vec<Step>,
    /// Every span's self time: its duration minus the union of its children's (clipped to it).
    pub self_ns: Vec<u64>,
    /// Whether a span's own usage counts (it reports usage and nothing below it does).
    pub counts_usage: Vec<bool>,
    /// Inclusive counted tokens (input + output) of every span's subtree.
    pub inclusive_tokens: Vec<u64>,
    /// Cost of every span's own counted usage (`None`: no usage, or no price).
    pub cost_usd: Vec<Option<f64>>,
    /// Whether a span is on a critical path.
    pub on_critical_path: Vec<bool>,
    /// Per trace, in trace order.
    pub traces: Vec<TraceAnalysis>,
    /// Edges inferred between traces.
    pub inferred_links: Vec<InferredLink>,
}

impl Analysis {
    /// Analyses a set: the whole-set passes, then the per-trace ones.
    pub fn run(set: &TraceSet, opts: &Options) -> Analysis {
        let steps = genai::steps(set);
        let self_ns = self_time(set);
        let usage = usage(set, &steps);
        let costs = costs(set, &steps, &usage, &opts.prices);
        let cx = rules::Context::new(set, &steps);
        let mut on_critical_path = vec![false; set.span_count()];
        let mut inferred_links = Vec::new();
        let mut traces = Vec::with_capacity(set.traces().len());
        for t in 0..set.traces().len() {
            let trace = TraceIx(t as u32);
            let rollup = rollups(set, &steps, &usage, &costs, trace);
            let critical_path = critical_path(set, trace, &mut on_critical_path);
            let findings = rules::check_trace(&cx, trace);
            inferred_links.extend(links(&cx, trace));
            let first_suspect = first_suspect(set, trace, &findings);
            let audit = audit(set, &steps, &costs, trace);
            traces.push(rollup.into_trace(critical_path, findings, first_suspect, audit));
        }
        Analysis {
            steps,
            self_ns,
            counts_usage: usage.counts,
            inclusive_tokens: usage.inclusive_tokens,
            cost_usd: costs.cost_usd,
            on_critical_path,
            traces,
            inferred_links,
        }
    }
}

/// Self time of every span: its duration minus the union of its children's intervals, clipped
/// to it.
fn self_time(set: &TraceSet) -> Vec<u64> {
    let spans = set.spans();
    let mut self_ns = vec![0u64; spans.len()];
    for (i, s) in spans.iter().enumerate() {
        let (lo, hi) = (s.start_unix_ns, s.end_unix_ns.max(s.start_unix_ns));
        let mut covered = 0u64;
        let (mut cur_start, mut cur_end) = (0u64, 0u64);
        let mut open = false;
        // Children come in start order.
        for k in set.children(SpanIx(i as u32)) {
            let c = &spans[k.0 as usize];
            let (a, b) = (c.start_unix_ns.max(lo), c.end_unix_ns.min(hi));
            if b <= a {
                continue;
            }
            if open && a <= cur_end {
                cur_end = cur_end.max(b);
            } else {
                if open {
                    covered += cur_end - cur_start;
                }
                (cur_start, cur_end, open) = (a, b, true);
            }
        }
        if open {
            covered += cur_end - cur_start;
        }
        self_ns[i] = (hi - lo).saturating_sub(covered);
    }
    self_ns
}

/// Which spans' usage counts, and the counted tokens of every subtree.
struct Usage {
    /// A span's usage counts: it reports usage and nothing below it does.
    counts: Vec<bool>,
    /// Counted tokens (input + output) of every span's subtree.
    inclusive_tokens: Vec<u64>,
}

/// Usage counts where nothing below reports usage (walked in reverse pre-order: children first).
fn usage(set: &TraceSet, steps: &[Step]) -> Usage {
    let spans = set.spans();
    let n = spans.len();
    let reports = |i: usize| steps[i].tokens.any() || steps[i].reported_cost_usd.is_some();
    let mut below = vec![false; n];
    let mut counts = vec![false; n];
    let mut inclusive_tokens = vec![0u64; n];
    for i in (0..n).rev() {
        counts[i] = reports(i) && !below[i];
        if counts[i] {
            inclusive_tokens[i] += steps[i].tokens.total();
        }
        if let Some(p) = spans[i].parent {
            let p = p.0 as usize;
            below[p] |= below[i] || reports(i);
            inclusive_tokens[p] += inclusive_tokens[i];
        }
    }
    Usage {
        counts,
        inclusive_tokens,
    }
}

/// The cost of every span's counted usage.
struct Costs {
    /// As reported, else priced; `None` without usage or price.
    cost_usd: Vec<Option<f64>>,
    /// The model (in words) of counted usage that has no price.
    unpriced: Vec<Option<String>>,
    /// Whether a model call's cost is derivable (reported, or its model has a price).
    price_known: Vec<bool>,
}

/// Cost of each counted span: as reported, else priced. Prices are looked up once per
/// (model, provider).
fn costs(set: &TraceSet, steps: &[Step], usage: &Usage, prices: &Prices) -> Costs {
    let n = steps.len();
    let mut cost_usd = vec![None; n];
    let mut unpriced: Vec<Option<String>> = vec![None; n];
    let mut price_known = vec![false; n];
    let mut price_cache: rustc_hash::FxHashMap<(String, String), Option<pricing::Price>> =
        rustc_hash::FxHashMap::default();
    let mut price_of = |step: &Step| {
        let key = (
            step.model().get(set).into_owned(),
            step.provider.get(set).into_owned(),
        );
        *price_cache
            .entry(key)
            .or_insert_with_key(|(m, p)| prices.lookup(m, p).map(|(_, price)| price))
    };
    for (i, step) in steps.iter().enumerate() {
        if step.op.is_model_call() {
            price_known[i] = step.reported_cost_usd.is_some() || price_of(step).is_some();
        }
        if !usage.counts[i] {
            continue;
        }
        if let Some(c) = step.reported_cost_usd {
            cost_usd[i] = Some(c);
        } else if step.tokens.any() {
            let model = step.model().get(set);
            match price_of(step) {
                Some(price) => cost_usd[i] = Some(price.cost(&step.tokens)),
                None => {
                    unpriced[i] = Some(if model.is_empty() {
                        "(no model name)".to_owned()
                    } else {
                        model.into_owned()
                    });
                }
            }
        }
    }
    Costs {
        cost_usd,
        unpriced,
        price_known,
    }
}

/// A trace's usage and cost, rolled up by model, tool and agent.
struct Rollup {
    tokens: Tokens,
    by_model: BTreeMap<String, Tokens>,
    cost_by_model: BTreeMap<String, f64>,
    by_tool: BTreeMap<String, ToolStats>,
    by_agent: BTreeMap<String, AgentStats>,
    cost_usd: Option<f64>,
    unpriced_models: Vec<String>,
    warnings: Vec<String>,
}

impl Rollup {
    fn into_trace(
        self,
        critical_path: Vec<critical_path::PathStep>,
        findings: Vec<Finding>,
        first_suspect: Option<(SpanIx, usize)>,
        audit: audit::Audit,
    ) -> TraceAnalysis {
        let Rollup {
            tokens,
            by_model,
            cost_by_model,
            by_tool,
            by_agent,
            cost_usd,
            unpriced_models,
            warnings,
        } = self;
        TraceAnalysis {
            critical_path,
            tokens,
            by_model,
            cost_by_model,
            by_tool,
            by_agent,
            cost_usd,
            unpriced_models,
            warnings,
            findings,
            first_suspect,
            audit,
        }
    }
}

/// Rolls a trace's counted usage and cost up by model, tool and agent (the nearest agent span
/// above each model call), and words a warning for each model without a price.
fn rollups(set: &TraceSet, steps: &[Step], usage: &Usage, costs: &Costs, trace: TraceIx) -> Rollup {
    let spans = set.spans();
    let range = set.traces()[trace.0 as usize].spans.as_range();
    let mut r = Rollup {
        tokens: Tokens::default(),
        by_model: BTreeMap::new(),
        cost_by_model: BTreeMap::new(),
        by_tool: BTreeMap::new(),
        by_agent: BTreeMap::new(),
        cost_usd: Some(0.0),
        unpriced_models: Vec::new(),
        warnings: Vec::new(),
    };
    // Nearest agent span above (or at) each span, by walking parents' answers in pre-order.
    let mut agent_of: Vec<Option<usize>> = vec![None; range.len()];
    for i in range.clone() {
        let step = &steps[i];
        let local = i - range.start;
        agent_of[local] = if step.op.is_agent() {
            Some(i)
        } else {
            spans[i]
                .parent
                .and_then(|p| agent_of[p.0 as usize - range.start])
        };
        if step.op.is_agent() {
            let name = agent_label(set, step);
            r.by_agent
                .entry(name)
                .or_insert_with(|| AgentStats {
                    cost_usd: Some(0.0),
                    ..AgentStats::default()
                })
                .invocations += 1;
        }
        if step.op == genai::Operation::ExecuteTool {
            let name = match step.tool_name.get(set) {
                t if t.is_empty() => "(unnamed tool)".to_owned(),
                t => t.into_owned(),
            };
            let e = r.by_tool.entry(name).or_default();
            e.calls += 1;
            e.errors += u32::from(step.failed);
            e.duration_ns += spans[i].duration_ns();
            e.tokens += usage.inclusive_tokens[i];
        }
        if !usage.counts[i] {
            continue;
        }
        r.tokens.add(&step.tokens);
        let model = match step.model().get(set) {
            m if m.is_empty() => "(no model name)".to_owned(),
            m => m.into_owned(),
        };
        if step.tokens.any() {
            r.by_model
                .entry(model.clone())
                .or_default()
                .add(&step.tokens);
        }
        match costs.cost_usd[i] {
            Some(c) => {
                if let Some(total) = r.cost_usd.as_mut() {
                    *total += c;
                }
                *r.cost_by_model.entry(model).or_default() += c;
            }
            None => {
                if let Some(m) = &costs.unpriced[i] {
                    r.cost_usd = None;
                    if !r.unpriced_models.contains(m) {
                        r.unpriced_models.push(m.clone());
                    }
                }
            }
        }
        if let Some(a) = agent_of[i - range.start] {
            let e = r
                .by_agent
                .entry(agent_label(set, &steps[a]))
                .or_insert_with(|| AgentStats {
                    cost_usd: Some(0.0),
                    ..AgentStats::default()
                });
            e.tokens.add(&step.tokens);
            e.cost_usd = match (e.cost_usd, costs.cost_usd[i]) {
                (Some(x), Some(c)) => Some(x + c),
                _ => None,
            };
        }
    }
    for m in &r.unpriced_models {
        let (calls, tokens) = range
            .clone()
            .filter(|&i| usage.counts[i] && costs.unpriced[i].as_deref() == Some(m.as_str()))
            .fold((0u32, 0u64), |(c, t), i| {
                (c + 1, t + steps[i].tokens.total())
            });
        r.warnings.push(format!(
            "no price for model `{m}` ({calls} call(s), {tokens} tokens): the trace's cost is unknown (null), not guessed; pass a price file (--prices) with its price"
        ));
    }
    r
}

/// A trace's critical path(s), each span on one marked in `on_path`.
fn critical_path(
    set: &TraceSet,
    trace: TraceIx,
    on_path: &mut [bool],
) -> Vec<critical_path::PathStep> {
    let path = critical_path::of_trace(set, trace);
    for p in &path {
        on_path[p.span.0 as usize] = true;
    }
    path
}

/// The links the `disconnected` rule infers from a trace's top-level spans to tool calls in
/// other traces (the same matcher as the rule's findings).
fn links(cx: &rules::Context<'_>, trace: TraceIx) -> Vec<InferredLink> {
    rules::DisconnectedRule::links(cx, trace)
}

/// The first suspect: the earliest-starting span of the trace named by a finding of warning
/// severity or worse, with the index of that finding.
fn first_suspect(set: &TraceSet, trace: TraceIx, findings: &[Finding]) -> Option<(SpanIx, usize)> {
    let spans = set.spans();
    let range = set.traces()[trace.0 as usize].spans.as_range();
    findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity >= Severity::Warning)
        .flat_map(|(fi, f)| f.spans.iter().map(move |&s| (s, fi)))
        .filter(|(s, _)| range.contains(&(s.0 as usize)))
        .min_by_key(|&(s, fi)| (spans[s.0 as usize].start_unix_ns, s.0, fi))
}

/// The instrumentation audit of a trace (cost is derivable when it is reported or the model has
/// a price).
fn audit(set: &TraceSet, steps: &[Step], costs: &Costs, trace: TraceIx) -> audit::Audit {
    let priced = |ix: SpanIx| costs.price_known[ix.0 as usize];
    audit::audit(set, steps, trace, &priced)
}

fn agent_label(set: &TraceSet, step: &Step) -> String {
    match step.agent_name.get(set) {
        a if a.is_empty() => "(unnamed agent)".to_owned(),
        a => a.into_owned(),
    }
}

//! The `loupe.analysis/1` document: [`AnalysisReport`] and its [`TraceReport`]s, and what
//! they are made of.

use crate::analysis::genai::Tokens;
use crate::analysis::{Analysis, TraceAnalysis};
use crate::model::{SourceId, SpanIx, TraceIx, TraceSet, TreeFlags};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Schema name and version.
pub const SCHEMA: &str = "loupe.analysis/1";

/// The whole document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnalysisReport {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Input files in the order given.
    pub files: Vec<FileReport>,
    /// Traces by start time.
    pub traces: Vec<TraceReport>,
}

/// One input file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileReport {
    /// Name as given.
    pub path: String,
    /// Importer that read it.
    pub format: String,
    /// Spans read from it.
    pub span_count: u32,
    /// Warnings about it.
    pub warnings: Vec<WarningReport>,
}

/// One warning.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WarningReport {
    /// Snake-case code (`orphan`, `bad_line`, …).
    pub code: String,
    /// What happened and what was done.
    pub message: String,
}

/// One trace.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TraceReport {
    /// 32 lowercase hex digits, or the id as given when it is not hex.
    pub trace_id: String,
    /// Spans in the trace.
    pub span_count: u32,
    /// Earliest start, unix ns.
    pub start_unix_nano: u64,
    /// Latest end, unix ns.
    pub end_unix_nano: u64,
    /// Distinct `service.name`s, sorted.
    pub services: Vec<String>,
    /// Spans without a parent id.
    pub roots: Vec<RootReport>,
    /// Spans whose parent is not in the set.
    pub orphans: Vec<OrphanReport>,
    /// The critical path, root first.
    pub critical_path: Vec<PathReport>,
    /// Tokens of the trace's model calls (each counted once).
    pub tokens: TokensReport,
    /// Total cost in USD, or null when some model has no price.
    pub cost_usd: Option<f64>,
    /// Cost by model, for the priced ones.
    pub cost_by_model: BTreeMap<String, f64>,
    /// Models without a price.
    pub unpriced_models: Vec<String>,
    /// What the analysis could not do (`unpriced_model`, …).
    pub warnings: Vec<WarningReport>,
    /// Tool calls by tool.
    pub by_tool: BTreeMap<String, crate::analysis::ToolStats>,
    /// Usage by agent.
    pub by_agent: BTreeMap<String, AgentReport>,
    /// Findings, most severe first within each rule's order.
    pub anomalies: Vec<AnomalyReport>,
    /// Where to start reading: the earliest span with a warning or worse.
    pub first_suspect: Option<SuspectReport>,
    /// The instrumentation audit.
    pub audit: AuditReport,
    /// Edges inferred from this trace to other traces.
    pub inferred_links: Vec<LinkReport>,
}

/// One step of the critical path.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PathReport {
    /// Span id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// Time on the path spent in this span itself.
    pub on_path_ns: u64,
    /// Indexed only: the span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
}

/// Token counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct TokensReport {
    /// Input tokens (cache reads and writes included).
    pub input: u64,
    /// Output tokens (reasoning included).
    pub output: u64,
    /// Input tokens read from a cache.
    pub cache_read: u64,
    /// Input tokens written to a cache.
    pub cache_creation: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
    /// By model.
    pub by_model: BTreeMap<String, ModelTokens>,
}

/// Tokens of one model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ModelTokens {
    /// Input tokens.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Cache reads.
    pub cache_read: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
}

/// Usage of one agent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AgentReport {
    /// Invocations.
    pub invocations: u32,
    /// Input tokens of its own model calls.
    pub input_tokens: u64,
    /// Output tokens of its own model calls.
    pub output_tokens: u64,
    /// Their cost, or null when not all are priced.
    pub cost_usd: Option<f64>,
}

/// One finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnomalyReport {
    /// Rule id: `loop`, `tool_error`, `retry`, `truncated`, `empty_result`, `slow_outlier`,
    /// `orphan`, `disconnected`, `outlives_parent`, `clock_skew`.
    pub kind: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// The spans it concerns.
    pub span_ids: Vec<String>,
    /// What happened.
    pub message: String,
    /// Indexed only: the spans' indices, beside `span_ids`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<u32>,
    /// Indexed only: the spans' names, beside `span_ids`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub span_names: Vec<String>,
    /// Indexed only: this finding is the trace's first suspect.
    #[serde(default, skip_serializing_if = "is_false")]
    pub first_suspect: bool,
}

/// The first suspect.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SuspectReport {
    /// Span id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// The finding's kind.
    pub kind: String,
    /// Indexed only: the span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
}

/// The audit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditReport {
    /// 0 to 1.
    pub score: f64,
    /// Areas: context, actions, signals, enforcement, why.
    pub areas: Vec<AuditAreaReport>,
}

/// One area of the audit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditAreaReport {
    /// Area name.
    pub area: String,
    /// 0 to 1, or null when no check applies.
    pub score: Option<f64>,
    /// Its checks.
    pub checks: Vec<AuditCheckReport>,
}

/// One check of the audit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditCheckReport {
    /// Check name.
    pub check: String,
    /// Steps that pass.
    pub passed: u32,
    /// Steps it applies to.
    pub total: u32,
    /// What is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// Up to 10 spans that fail it.
    pub span_ids: Vec<String>,
    /// Indexed only: their indices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<u32>,
}

/// An inferred edge to another trace.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkReport {
    /// The client span (in another trace).
    pub client_trace_id: String,
    /// The client span.
    pub client_span_id: String,
    /// This trace's span that looks like its server side.
    pub server_span_id: String,
    /// Always true: no trace context connects them.
    pub inferred: bool,
    /// Indexed only: the client span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_span: Option<u32>,
    /// Indexed only: the server span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_span: Option<u32>,
}

/// A root span.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RootReport {
    /// 16 lowercase hex digits, or as given.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// Duration.
    pub duration_ns: u64,
    /// Indexed only: the span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
}

/// An orphan span.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrphanReport {
    /// Its id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// The parent id it names, which is not in the set.
    pub missing_parent_id: String,
    /// Indexed only: the span's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
}

impl AnalysisReport {
    /// Builds the report of a set and its analysis.
    pub fn build(set: &TraceSet, analysis: &Analysis) -> Self {
        let files = set
            .sources()
            .iter()
            .enumerate()
            .map(|(i, s)| FileReport {
                path: s.name.clone(),
                format: s.format.to_owned(),
                span_count: s.span_count,
                warnings: set
                    .warnings()
                    .iter()
                    .filter(|w| w.source == Some(SourceId(i as u32)))
                    .map(|w| WarningReport {
                        code: w.code.as_str().to_owned(),
                        message: w.message.clone(),
                    })
                    .collect(),
            })
            .collect();
        let traces = (0..set.traces().len())
            .map(|t| TraceReport::build(set, analysis, TraceIx(t as u32)))
            .collect();
        AnalysisReport {
            schema: SCHEMA.to_owned(),
            files,
            traces,
        }
    }
}

impl TraceReport {
    /// Builds the report of one trace, as the document has it (no span indices).
    pub fn build(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
        Self::build_with(set, analysis, t, false)
    }

    /// Builds the report of one trace with each span's index beside its id, and each finding's
    /// span names: what the viewer shows.
    pub fn build_indexed(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
        Self::build_with(set, analysis, t, true)
    }

    fn build_with(set: &TraceSet, analysis: &Analysis, t: TraceIx, indexed: bool) -> Self {
        let trace = &set.traces()[t.0 as usize];
        let services = services(set, t);
        let ix = |s: SpanIx| indexed.then_some(s.0);
        let ixs = |spans: &[SpanIx]| -> Vec<u32> {
            if indexed {
                spans.iter().map(|s| s.0).collect()
            } else {
                Vec::new()
            }
        };
        let mut roots = Vec::new();
        let mut orphans = Vec::new();
        for top in set.top_level(t) {
            let s = set.span(top);
            if s.rec.parent_id.is_none() {
                roots.push(RootReport {
                    span_id: s.span_id(),
                    name: s.name().to_owned(),
                    duration_ns: s.duration_ns(),
                    span: ix(s.ix),
                });
            } else if s.rec.tree_flags.has(TreeFlags::ORPHAN) {
                orphans.push(OrphanReport {
                    span_id: s.span_id(),
                    name: s.name().to_owned(),
                    missing_parent_id: s.parent_id().unwrap_or_default(),
                    span: ix(s.ix),
                });
            }
        }
        let ta: &TraceAnalysis = &analysis.traces[t.0 as usize];
        let id = |ix: SpanIx| set.span(ix).span_id();
        let tokens = &ta.tokens;
        TraceReport {
            trace_id: trace.id.display(set.strings()).to_string(),
            span_count: trace.spans.len,
            start_unix_nano: trace.start_unix_ns,
            end_unix_nano: trace.end_unix_ns,
            services,
            roots,
            orphans,
            critical_path: ta
                .critical_path
                .iter()
                .map(|p| PathReport {
                    span_id: id(p.span),
                    name: set.span(p.span).name().to_owned(),
                    on_path_ns: p.on_path_ns,
                    span: ix(p.span),
                })
                .collect(),
            tokens: TokensReport {
                input: tokens.input,
                output: tokens.output,
                cache_read: tokens.cache_read,
                cache_creation: tokens.cache_creation,
                reasoning: tokens.reasoning,
                by_model: ta
                    .by_model
                    .iter()
                    .map(|(m, t): (&String, &Tokens)| {
                        (
                            m.clone(),
                            ModelTokens {
                                input: t.input,
                                output: t.output,
                                cache_read: t.cache_read,
                                reasoning: t.reasoning,
                            },
                        )
                    })
                    .collect(),
            },
            cost_usd: ta.cost_usd.map(round_usd),
            cost_by_model: ta
                .cost_by_model
                .iter()
                .map(|(m, c)| (m.clone(), round_usd(*c)))
                .collect(),
            unpriced_models: ta.unpriced_models.clone(),
            warnings: ta
                .warnings
                .iter()
                .map(|m| WarningReport {
                    code: "unpriced_model".to_owned(),
                    message: m.clone(),
                })
                .collect(),
            by_tool: ta.by_tool.clone(),
            by_agent: ta
                .by_agent
                .iter()
                .map(|(a, s)| {
                    (
                        a.clone(),
                        AgentReport {
                            invocations: s.invocations,
                            input_tokens: s.tokens.input,
                            output_tokens: s.tokens.output,
                            cost_usd: s.cost_usd.map(round_usd),
                        },
                    )
                })
                .collect(),
            anomalies: (0..ta.findings.len())
                .map(|fi| AnomalyReport::build(set, ta, fi, indexed))
                .collect(),
            first_suspect: ta.first_suspect.map(|(s, fi)| SuspectReport {
                span_id: id(s),
                name: set.span(s).name().to_owned(),
                kind: ta.findings[fi].kind.to_owned(),
                span: ix(s),
            }),
            audit: AuditReport {
                score: ta.audit.score,
                areas: ta
                    .audit
                    .areas
                    .iter()
                    .map(|a| AuditAreaReport {
                        area: a.area.to_owned(),
                        score: a.score,
                        checks: a
                            .checks
                            .iter()
                            .map(|c| AuditCheckReport {
                                check: c.check.to_owned(),
                                passed: c.passed,
                                total: c.total,
                                gap: c.gap.clone(),
                                span_ids: c.failing.iter().map(|&s| id(s)).collect(),
                                spans: ixs(&c.failing),
                            })
                            .collect(),
                    })
                    .collect(),
            },
            inferred_links: analysis
                .inferred_links
                .iter()
                .filter(|l| set.span_record(l.server).trace == t)
                .map(|l| LinkReport {
                    client_trace_id: set.span(l.client).trace_id(),
                    client_span_id: id(l.client),
                    server_span_id: id(l.server),
                    inferred: true,
                    client_span: ix(l.client),
                    server_span: ix(l.server),
                })
                .collect(),
        }
    }
}

impl TraceReport {
    /// This report as the document has it: the span indices, names and flags that only the
    /// indexed build adds are left out.
    pub fn unindexed(mut self) -> Self {
        for r in &mut self.roots {
            r.span = None;
        }
        for o in &mut self.orphans {
            o.span = None;
        }
        for p in &mut self.critical_path {
            p.span = None;
        }
        for a in &mut self.anomalies {
            a.spans.clear();
            a.span_names.clear();
            a.first_suspect = false;
        }
        if let Some(s) = &mut self.first_suspect {
            s.span = None;
        }
        for c in self
            .audit
            .areas
            .iter_mut()
            .flat_map(|a| a.checks.iter_mut())
        {
            c.spans.clear();
        }
        for l in &mut self.inferred_links {
            l.client_span = None;
            l.server_span = None;
        }
        self
    }
}

impl AnomalyReport {
    /// Finding `fi` of a trace's analysis; `indexed` adds its spans' indices and names and
    /// whether it is the first suspect.
    pub fn build(set: &TraceSet, ta: &TraceAnalysis, fi: usize, indexed: bool) -> Self {
        let f = &ta.findings[fi];
        AnomalyReport {
            kind: f.kind.to_owned(),
            severity: f.severity.as_str().to_owned(),
            span_ids: f.spans.iter().map(|&s| set.span(s).span_id()).collect(),
            message: f.message.clone(),
            spans: if indexed {
                f.spans.iter().map(|s| s.0).collect()
            } else {
                Vec::new()
            },
            span_names: if indexed {
                f.spans
                    .iter()
                    .map(|&s| set.span(s).name().to_owned())
                    .collect()
            } else {
                Vec::new()
            },
            first_suspect: indexed && ta.first_suspect.is_some_and(|(_, x)| x == fi),
        }
    }
}

/// The distinct `service.name`s of a trace's spans, sorted.
pub fn services(set: &TraceSet, t: TraceIx) -> Vec<String> {
    let trace = &set.traces()[t.0 as usize];
    let mut services: Vec<String> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for s in &set.spans()[trace.spans.as_range()] {
        let r = set.resource(s.resource);
        if !r.service_name.is_empty() && seen.insert(r.service_name) {
            services.push(set.str(r.service_name).to_owned());
        }
    }
    services.sort();
    services
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Rounds to a millionth of a cent, so JSON output stays stable across float noise.
fn round_usd(x: f64) -> f64 {
    (x * 1e8).round() / 1e8
}

/// Counts of tree problems in one trace, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeIssues {
    /// Spans whose parent is missing.
    pub orphans: u32,
    /// Spans that repeat an id.
    pub duplicate_ids: u32,
    /// Parent links cut to break cycles.
    pub cycles_cut: u32,
    /// Spans with error status.
    pub errors: u32,
}

impl TreeIssues {
    /// Counts them over a trace.
    pub fn of(set: &TraceSet, t: TraceIx) -> Self {
        let mut out = TreeIssues::default();
        for s in &set.spans()[set.traces()[t.0 as usize].spans.as_range()] {
            out.orphans += u32::from(s.tree_flags.has(TreeFlags::ORPHAN));
            out.duplicate_ids += u32::from(s.tree_flags.has(TreeFlags::DUPLICATE_ID));
            out.cycles_cut += u32::from(s.tree_flags.has(TreeFlags::CYCLE_CUT));
            out.errors += u32::from(s.status == crate::model::StatusCode::Error);
        }
        out
    }
}

/// The spans of a subtree (the span and all its descendants), in pre-order.
pub fn subtree(set: &TraceSet, ix: SpanIx) -> std::ops::Range<u32> {
    ix.0..set.span_record(ix).subtree_end
}

//! The `loupe.analysis/1` document: what `loupe analyze --json` prints and the viewer reads.
//! Field names are a public interface: add fields, never rename them.

use crate::analysis::genai::Tokens;
use crate::analysis::{Analysis, TraceAnalysis};
use crate::model::{SourceId, SpanIx, TraceIx, TraceSet, TreeFlags};
use serde::Serialize;
use std::collections::BTreeMap;

/// Schema name and version.
pub const SCHEMA: &str = "loupe.analysis/1";

/// The whole document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnalysisReport {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Input files in the order given.
    pub files: Vec<FileReport>,
    /// Traces by start time.
    pub traces: Vec<TraceReport>,
}

/// One input file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileReport {
    /// Name as given.
    pub path: String,
    /// Importer that read it.
    pub format: &'static str,
    /// Spans read from it.
    pub span_count: u32,
    /// Warnings about it.
    pub warnings: Vec<WarningReport>,
}

/// One warning.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WarningReport {
    /// Snake-case code (`orphan`, `bad_line`, …).
    pub code: &'static str,
    /// What happened and what was done.
    pub message: String,
}

/// One trace.
#[derive(Debug, Clone, Serialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PathReport {
    /// Span id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// Time on the path spent in this span itself.
    pub on_path_ns: u64,
}

/// Token counts.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Serialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnomalyReport {
    /// Rule id: `loop`, `tool_error`, `retry`, `truncated`, `empty_result`, `slow_outlier`,
    /// `orphan`, `disconnected`, `outlives_parent`, `clock_skew`.
    pub kind: &'static str,
    /// `info`, `warning` or `error`.
    pub severity: &'static str,
    /// The spans it concerns.
    pub span_ids: Vec<String>,
    /// What happened.
    pub message: String,
}

/// The first suspect.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SuspectReport {
    /// Span id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// The finding's kind.
    pub kind: &'static str,
}

/// The audit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditReport {
    /// 0 to 1.
    pub score: f64,
    /// Areas: context, actions, signals, enforcement, why.
    pub areas: Vec<AuditAreaReport>,
}

/// One area of the audit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditAreaReport {
    /// Area name.
    pub area: &'static str,
    /// 0 to 1, or null when no check applies.
    pub score: Option<f64>,
    /// Its checks.
    pub checks: Vec<AuditCheckReport>,
}

/// One check of the audit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditCheckReport {
    /// Check name.
    pub check: &'static str,
    /// Steps that pass.
    pub passed: u32,
    /// Steps it applies to.
    pub total: u32,
    /// What is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// Up to 10 spans that fail it.
    pub span_ids: Vec<String>,
}

/// An inferred edge to another trace.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkReport {
    /// The client span (in another trace).
    pub client_trace_id: String,
    /// The client span.
    pub client_span_id: String,
    /// This trace's span that looks like its server side.
    pub server_span_id: String,
    /// Always true: no trace context connects them.
    pub inferred: bool,
}

/// A root span.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RootReport {
    /// 16 lowercase hex digits, or as given.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// Duration.
    pub duration_ns: u64,
}

/// An orphan span.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrphanReport {
    /// Its id.
    pub span_id: String,
    /// Name.
    pub name: String,
    /// The parent id it names, which is not in the set.
    pub missing_parent_id: String,
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
                format: s.format,
                span_count: s.span_count,
                warnings: set
                    .warnings()
                    .iter()
                    .filter(|w| w.source == Some(SourceId(i as u32)))
                    .map(|w| WarningReport {
                        code: w.code.as_str(),
                        message: w.message.clone(),
                    })
                    .collect(),
            })
            .collect();
        let traces = (0..set.traces().len())
            .map(|t| TraceReport::build(set, analysis, TraceIx(t as u32)))
            .collect();
        AnalysisReport {
            schema: SCHEMA,
            files,
            traces,
        }
    }
}

impl TraceReport {
    /// Builds the report of one trace.
    pub fn build(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
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
        let mut roots = Vec::new();
        let mut orphans = Vec::new();
        for ix in set.top_level(t) {
            let s = set.span(ix);
            if s.rec.parent_id.is_none() {
                roots.push(RootReport {
                    span_id: s.span_id(),
                    name: s.name().to_owned(),
                    duration_ns: s.duration_ns(),
                });
            } else if s.rec.tree_flags.has(TreeFlags::ORPHAN) {
                orphans.push(OrphanReport {
                    span_id: s.span_id(),
                    name: s.name().to_owned(),
                    missing_parent_id: s.parent_id().unwrap_or_default(),
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
                    code: "unpriced_model",
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
            anomalies: ta
                .findings
                .iter()
                .map(|f| AnomalyReport {
                    kind: f.kind,
                    severity: f.severity.as_str(),
                    span_ids: f.spans.iter().map(|&s| id(s)).collect(),
                    message: f.message.clone(),
                })
                .collect(),
            first_suspect: ta.first_suspect.map(|(ix, fi)| SuspectReport {
                span_id: id(ix),
                name: set.span(ix).name().to_owned(),
                kind: ta.findings[fi].kind,
            }),
            audit: AuditReport {
                score: ta.audit.score,
                areas: ta
                    .audit
                    .areas
                    .iter()
                    .map(|a| AuditAreaReport {
                        area: a.area,
                        score: a.score,
                        checks: a
                            .checks
                            .iter()
                            .map(|c| AuditCheckReport {
                                check: c.check,
                                passed: c.passed,
                                total: c.total,
                                gap: c.gap.clone(),
                                span_ids: c.failing.iter().map(|&s| id(s)).collect(),
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
                })
                .collect(),
        }
    }
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

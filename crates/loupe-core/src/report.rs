//! The `loupe.analysis/1` document: what `loupe analyze --json` prints and the viewer reads.
//! Field names are a public interface: add fields, never rename them.

use crate::model::{SourceId, SpanIx, TraceIx, TraceSet, TreeFlags};
use serde::Serialize;

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
    /// Builds the report of a set.
    pub fn build(set: &TraceSet) -> Self {
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
            .map(|t| TraceReport::build(set, TraceIx(t as u32)))
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
    pub fn build(set: &TraceSet, t: TraceIx) -> Self {
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
        TraceReport {
            trace_id: trace.id.display(set.strings()).to_string(),
            span_count: trace.spans.len,
            start_unix_nano: trace.start_unix_ns,
            end_unix_nano: trace.end_unix_ns,
            services,
            roots,
            orphans,
        }
    }
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

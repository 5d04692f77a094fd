//! One row per trace and per file: what a list of everything open shows.

use crate::analysis::Analysis;
use crate::analysis::genai;
use crate::error::ImportError;
use crate::import::FileRead;
use crate::model::{TraceIx, TraceSet};
use serde::{Deserialize, Serialize};

use super::document::{AnomalyReport, TraceReport, TreeIssues, services};

/// One trace, as a row of the trace list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    /// Trace index in the open set.
    pub ix: u32,
    /// Trace id as displayed.
    pub trace_id: String,
    /// Name of the first top-level span.
    pub root: String,
    /// Distinct `service.name`s, sorted.
    pub services: Vec<String>,
    /// Spans with error status.
    pub errors: u32,
    /// Start, unix ns.
    pub start_unix_ns: u64,
    /// Duration in ns.
    pub duration_ns: u64,
    /// Spans.
    pub spans: u32,
    /// Input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cost in USD; `None` when a model has no price.
    pub cost_usd: Option<f64>,
    /// Findings.
    pub findings: u32,
    /// The worst severity among them (`info`, `warning`, `error`).
    pub worst: Option<String>,
    /// The conversation or session it belongs to (`gen_ai.conversation.id`, `session.id`, …).
    #[serde(default)]
    pub conversation: Option<String>,
}

impl TraceSummary {
    /// The row of trace `t`.
    pub fn build(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
        let tr = &set.traces()[t.0 as usize];
        let ta = &analysis.traces[t.0 as usize];
        TraceSummary {
            ix: t.0,
            trace_id: tr.id.display(set.strings()).to_string(),
            root: set
                .top_level(t)
                .next()
                .map(|s| set.span(s).name().to_owned())
                .unwrap_or_default(),
            services: services(set, t),
            errors: TreeIssues::of(set, t).errors,
            start_unix_ns: tr.start_unix_ns,
            duration_ns: tr.duration_ns(),
            spans: tr.spans.len,
            tokens_in: ta.tokens.input,
            tokens_out: ta.tokens.output,
            cost_usd: ta.cost_usd,
            findings: ta.findings.len() as u32,
            worst: ta
                .findings
                .iter()
                .map(|f| f.severity)
                .max()
                .map(|s| s.as_str().to_owned()),
            conversation: genai::trace_conversation(set, &analysis.steps, t),
        }
    }
}

/// One input file, as a row of the file list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    /// Name as given.
    pub name: String,
    /// Importer that read it.
    pub format: String,
    /// Spans read from it.
    pub spans: u32,
    /// Size in bytes (decompressed).
    pub bytes: u64,
    /// Size as given when it was gzip.
    pub compressed: Option<u64>,
    /// Warnings: code and message.
    pub warnings: Vec<(String, String)>,
}

/// Everything open: files, traces, spans.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SetSummary {
    /// Files, in the order they were opened.
    pub files: Vec<FileSummary>,
    /// Traces, by start time.
    pub traces: Vec<TraceSummary>,
    /// Spans in all.
    pub span_count: u64,
}

impl SetSummary {
    /// The summary of a set and its analysis.
    pub fn build(set: &TraceSet, analysis: &Analysis) -> Self {
        let files = set
            .sources()
            .iter()
            .enumerate()
            .map(|(i, s)| FileSummary {
                name: s.name.clone(),
                format: s.format.to_owned(),
                spans: s.span_count,
                bytes: s.bytes.len() as u64,
                compressed: s.compressed_len.map(|c| c as u64),
                warnings: set
                    .warnings()
                    .iter()
                    .filter(|w| w.source.is_some_and(|x| x.0 as usize == i))
                    .map(|w| (w.code.as_str().to_owned(), w.message.clone()))
                    .collect(),
            })
            .collect();
        let traces = (0..set.traces().len())
            .map(|t| TraceSummary::build(set, analysis, TraceIx(t as u32)))
            .collect();
        SetSummary {
            files,
            traces,
            span_count: set.span_count() as u64,
        }
    }
}

/// One trace as the viewer's panels show it: its list row and its indexed report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TraceDetail {
    /// Its row of the trace list.
    pub summary: TraceSummary,
    /// Its report, with span indices ([`TraceReport::build_indexed`]).
    pub report: TraceReport,
}

impl TraceDetail {
    /// The panels of trace `t`.
    pub fn build(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
        TraceDetail {
            summary: TraceSummary::build(set, analysis, t),
            report: TraceReport::build_indexed(set, analysis, t),
        }
    }

    /// The findings in the order a reader takes them: the first suspect's, then by severity
    /// (worst first), then as the rules reported them.
    pub fn findings_in_reading_order(&self) -> Vec<&AnomalyReport> {
        let mut out: Vec<&AnomalyReport> = self.report.anomalies.iter().collect();
        out.sort_by_key(|f| {
            (
                !f.first_suspect,
                std::cmp::Reverse(crate::analysis::rules::Severity::from_name(&f.severity)),
            )
        });
        out
    }
}

/// What one load did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LoadReport {
    /// One entry per input, in the order given.
    pub files: Vec<FileOutcome>,
    /// Everything open afterwards.
    pub summary: SetSummary,
    /// Milliseconds spent, when the engine could measure it.
    pub millis: Option<f64>,
}

/// One input's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileOutcome {
    /// Name as given.
    pub name: String,
    /// Spans read, when it loaded.
    pub spans: Option<u32>,
    /// Format, when it loaded.
    pub format: Option<String>,
    /// The importer's error text (file, line and column, what was expected) when it did not load.
    pub error: Option<String>,
}

impl FileOutcome {
    /// What reading `name` came to.
    pub fn of(name: &str, read: &Result<FileRead, ImportError>) -> Self {
        match read {
            Ok(s) => FileOutcome {
                name: name.to_owned(),
                spans: Some(s.span_count),
                format: Some(s.format.to_owned()),
                error: None,
            },
            Err(e) => FileOutcome {
                name: name.to_owned(),
                spans: None,
                format: None,
                error: Some(e.to_string()),
            },
        }
    }

    /// A file that could not be read at all (it never reached an importer): `why` says what went
    /// wrong, in the host's words (`the browser could not read the file (…)`).
    pub fn unreadable(name: &str, why: &str) -> Self {
        FileOutcome {
            name: name.to_owned(),
            spans: None,
            format: None,
            error: Some(format!(
                "{name}: {why}; check that it still exists and is readable"
            )),
        }
    }
}

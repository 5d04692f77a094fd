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
    /// The tour through the notes of the bundles open, in order.
    pub tour: Vec<TourStop>,
}

/// One step of a tour: a note and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TourStop {
    /// The note's id.
    pub note_id: String,
    /// Its trace.
    pub trace_id: String,
    /// Its span (`None` for a note on the trace).
    pub span_id: Option<String>,
    /// Its label.
    pub label: crate::notes::Label,
    /// Its text.
    pub text: String,
}

/// A note of a trace with the span it is on, for the trace's Notes panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedNote {
    /// The note.
    pub note: crate::notes::Annotation,
    /// Its span's index, when it is on a span of the trace.
    pub span: Option<u32>,
    /// That span's name.
    pub span_name: String,
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
        let tour = set
            .notes()
            .tour_notes()
            .into_iter()
            .map(|a| TourStop {
                note_id: a.id.clone(),
                trace_id: a.trace_id.clone(),
                span_id: a.span_id.clone(),
                label: a.label,
                text: a.text.clone(),
            })
            .collect();
        SetSummary {
            files,
            traces,
            span_count: set.span_count() as u64,
            tour,
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
    /// Its notes, tour steps first (in tour order), then the others as added.
    pub notes: Vec<PlacedNote>,
}

impl TraceDetail {
    /// The panels of trace `t`.
    pub fn build(set: &TraceSet, analysis: &Analysis, t: TraceIx) -> Self {
        TraceDetail {
            summary: TraceSummary::build(set, analysis, t),
            report: TraceReport::build_indexed(set, analysis, t),
            notes: placed_notes(set, t),
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

/// The notes of trace `t`, tour steps first (in tour order), then the others as added.
fn placed_notes(set: &TraceSet, t: TraceIx) -> Vec<PlacedNote> {
    let notes = set.notes();
    if notes.annotations.is_empty() {
        return Vec::new();
    }
    let trace_id = crate::notes::trace_id_text(set, t);
    let tour = notes.tour_notes();
    // Sorted as (tour position << 32 | index) keys, a sort of u64s (see `Notes::tour_notes`):
    // notes off the tour keep the order they were added in.
    let mut keys: Vec<u64> = notes
        .annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| a.trace_id == trace_id)
        .map(|(i, a)| {
            let at = tour
                .iter()
                .position(|x| x.id == a.id)
                .unwrap_or(u32::MAX as usize);
            ((at.min(u32::MAX as usize) as u64) << 32) | i as u64
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| {
            let a = &notes.annotations[(k & 0xffff_ffff) as usize];
            let span = a
                .span_id
                .as_deref()
                .and_then(|id| crate::notes::find_span(set, t, id));
            PlacedNote {
                note: a.clone(),
                span: span.map(|s| s.0),
                span_name: span
                    .map(|s| set.span(s).name().to_owned())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

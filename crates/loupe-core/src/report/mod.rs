//! What the analysis says, as data: the `loupe.analysis/1` document that `loupe analyze --json`
//! prints, and the payloads the viewer shows (the same types, travelling between its worker and
//! its page). Field names are a public interface: add fields, never rename them.
//!
//! - [`AnalysisReport`] and [`TraceReport`]: the document. Built *indexed*
//!   ([`TraceReport::build_indexed`]), each entry that names a span by id also carries the
//!   span's index in the open set (`span`, `spans`), which the viewer uses to jump to it; the
//!   document leaves indices out (they mean nothing outside the set that made them).
//! - [`summary`]: a list row per trace and per file ([`TraceSummary`], [`FileSummary`]).
//! - [`span`]: one span's panel ([`SpanReport`]).

mod document;
pub mod span;
pub mod summary;

pub use document::*;
pub use span::SpanReport;
pub use summary::{FileOutcome, FileSummary, LoadReport, SetSummary, TraceDetail, TraceSummary};

#[cfg(test)]
mod tests;

//! The span tree as a viewer shows it: which rows are visible (collapsed subtrees, the
//! critical-path-only mode, the filter, a zoomed subtree), windows of those rows, and the
//! answers a viewer asks of an open set. A [`Session`] owns a [`TraceSet`] and its [`Analysis`];
//! the viewer's worker holds one and answers the page from it, and any other host (a test, the
//! npm package) can drive it the same way.
//!
//! Rows are kept as span indices in pre-order, so a window of rows is a slice and a span's row is
//! a binary search. Nothing here depends on how the answers travel.

use crate::analysis::{Analysis, Options};
use crate::model::{SpanIx, StatusCode, TraceIx, TraceSet, TreeFlags};
use crate::query::{Query, SpanFacts};
use crate::report::span::FindingsBySpan;
use crate::report::{SetSummary, SpanReport, TraceDetail};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Rows one [`Session::rows`] call returns at most.
pub const MAX_ROWS: u32 = 2000;
/// Events of a row marked on its bar, at most.
pub const MAX_MARKS: usize = 24;

/// Why a view request could not be answered.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ViewError {
    /// No trace with that index is open.
    #[error("there is no trace {0}")]
    NoTrace(u32),
    /// No span with that index is open.
    #[error("there is no span {0}")]
    NoSpan(u32),
    /// The request needs a trace shown ([`Session::set_view`] first).
    #[error("no trace is shown")]
    NoView,
    /// The span is in another trace than the one shown.
    #[error("span {0} is not in the trace shown")]
    NotInTrace(u32),
}

/// An open set, its analysis and the view of one of its traces.
#[derive(Debug)]
pub struct Session {
    set: TraceSet,
    analysis: Analysis,
    /// Findings that concern each span.
    findings_of: FindingsBySpan,
    view: Option<View>,
    version: u32,
}

#[derive(Debug, Default)]
struct View {
    trace: u32,
    critical_only: bool,
    query: Query,
    query_error: Option<String>,
    hide: bool,
    collapsed: HashSet<u32>,
    /// The span whose subtree the view is narrowed to.
    zoom: Option<u32>,
    /// Span indices of the visible rows, ascending (pre-order).
    rows: Vec<u32>,
    /// Whether each span of the trace matches (indexed from the trace's first span); empty without a query.
    matched: Vec<bool>,
    matches: u32,
}

impl Session {
    /// Analyses `set` and opens it with no trace shown. Versions of its views start after
    /// `after_version`, so rows of an earlier session are never taken for this one's.
    pub fn new(set: TraceSet, options: &Options, after_version: u32) -> Self {
        let analysis = Analysis::run(&set, options);
        let findings_of = FindingsBySpan::build(&analysis);
        Session {
            set,
            analysis,
            findings_of,
            view: None,
            version: after_version.wrapping_add(1),
        }
    }

    /// The open set.
    pub fn set(&self) -> &TraceSet {
        &self.set
    }

    /// Its analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The version of the current view (bumped on every change).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Gives the set back (to add files to it).
    pub fn into_set(self) -> TraceSet {
        self.set
    }

    /// The files and traces open.
    pub fn summary(&self) -> SetSummary {
        SetSummary::build(&self.set, &self.analysis)
    }

    /// One span's panel.
    pub fn span_report(&self, ix: u32) -> Option<SpanReport> {
        SpanReport::build(&self.set, &self.analysis, &self.findings_of, SpanIx(ix))
    }

    /// One trace's panels.
    pub fn trace_detail(&self, t: u32) -> Option<TraceDetail> {
        ((t as usize) < self.set.traces().len())
            .then(|| TraceDetail::build(&self.set, &self.analysis, TraceIx(t)))
    }

    /// The trace (and span) with these ids as displayed, if open.
    pub fn locate(&self, trace_id: &str, span_id: Option<&str>) -> (Option<u32>, Option<u32>) {
        let set = &self.set;
        let trace = set
            .traces()
            .iter()
            .position(|t| t.id.display(set.strings()).to_string() == trace_id);
        let span = match (trace, span_id) {
            (Some(t), Some(sid)) => set.traces()[t]
                .spans
                .as_range()
                .find(|&i| set.span(SpanIx(i as u32)).span_id() == sid)
                .map(|i| i as u32),
            _ => None,
        };
        (trace.map(|t| t as u32), span)
    }

    /// Shows trace `trace` with these settings. Collapsed spans and the zoom are kept when it is
    /// the trace already shown. A query that cannot be read shows everything and says why.
    pub fn set_view(
        &mut self,
        trace: u32,
        critical_only: bool,
        query: &str,
        hide: bool,
    ) -> Result<ViewInfo, ViewError> {
        if trace as usize >= self.set.traces().len() {
            return Err(ViewError::NoTrace(trace));
        }
        let keep = self.view.as_ref().filter(|v| v.trace == trace);
        let collapsed = keep.map(|v| v.collapsed.clone()).unwrap_or_default();
        let zoom = keep.and_then(|v| v.zoom);
        let (query, query_error) = match Query::parse(query) {
            Ok(q) => (q, None),
            Err(e) => (Query::default(), Some(e)),
        };
        self.view = Some(View {
            trace,
            critical_only,
            query,
            query_error,
            hide,
            collapsed,
            zoom,
            ..View::default()
        });
        self.rebuild();
        Ok(self.info(None, None))
    }

    /// Collapses an open span, opens a collapsed one.
    pub fn toggle(&mut self, span: u32) -> Result<ViewInfo, ViewError> {
        let v = self.view.as_mut().ok_or(ViewError::NoView)?;
        if !v.collapsed.remove(&span) {
            v.collapsed.insert(span);
        }
        self.rebuild();
        Ok(self.info(Some(span), None))
    }

    /// Collapses every span at `depth` or deeper that has children; `None` opens everything.
    pub fn collapse_to(&mut self, depth: Option<u32>) -> Result<ViewInfo, ViewError> {
        let v = self.view.as_mut().ok_or(ViewError::NoView)?;
        v.collapsed.clear();
        if let Some(d) = depth {
            let range = self.set.traces()[v.trace as usize].spans.as_range();
            for i in range {
                let s = &self.set.spans()[i];
                if s.depth >= d && s.subtree_end as usize > i + 1 {
                    v.collapsed.insert(i as u32);
                }
            }
        }
        self.rebuild();
        Ok(self.info(None, None))
    }

    /// Shows `span`: its trace (keeping the mode and the query), its ancestors opened, the zoom
    /// dropped when the span is outside it. The answer names the span's row.
    pub fn reveal(&mut self, span: u32) -> Result<ViewInfo, ViewError> {
        let set = &self.set;
        if span as usize >= set.span_count() {
            return Err(ViewError::NoSpan(span));
        }
        let trace = set.spans()[span as usize].trace.0;
        if self.view.as_ref().is_none_or(|v| v.trace != trace) {
            let old = self.view.take().unwrap_or_default();
            self.view = Some(View {
                trace,
                critical_only: old.critical_only,
                hide: old.hide,
                query: old.query,
                query_error: old.query_error,
                ..View::default()
            });
        }
        let mut p = set.spans()[span as usize].parent;
        if let Some(v) = self.view.as_mut() {
            if let Some(z) = v.zoom
                && !(z..set.spans()[z as usize].subtree_end).contains(&span)
            {
                v.zoom = None;
            }
            while let Some(ix) = p {
                v.collapsed.remove(&ix.0);
                p = set.spans()[ix.0 as usize].parent;
            }
        }
        self.rebuild();
        let row = self.row_of(span);
        Ok(self.info(Some(span), row))
    }

    /// Narrows the view to `span`'s subtree (shown open); `None` shows the whole trace again.
    pub fn zoom(&mut self, span: Option<u32>) -> Result<ViewInfo, ViewError> {
        let v = self.view.as_mut().ok_or(ViewError::NoView)?;
        if let Some(s) = span {
            let in_trace = self.set.spans().get(s as usize).map(|r| r.trace.0) == Some(v.trace);
            if !in_trace {
                return Err(ViewError::NotInTrace(s));
            }
            // Its subtree is what is asked for, so it is shown open.
            v.collapsed.remove(&s);
        }
        v.zoom = span;
        self.rebuild();
        let row = span.and_then(|s| self.row_of(s));
        Ok(self.info(span, row))
    }

    /// Reveals the next span matching the query after the span of row `from` (before it when
    /// `back`), in pre-order and wrapping around; `from < 0` starts at the top (or the bottom).
    pub fn next_match(&mut self, from: i64, back: bool) -> Result<ViewInfo, ViewError> {
        let v = self.view.as_ref().ok_or(ViewError::NoView)?;
        if v.matches == 0 {
            return Ok(self.info(None, None));
        }
        let range = self.set.traces()[v.trace as usize].spans.as_range();
        let shown = zoom_range(&self.set, v, range.clone());
        let n = range.len();
        let origin = usize::try_from(from)
            .ok()
            .and_then(|r| v.rows.get(r))
            .map(|&s| s as usize - range.start);
        let found = (1..=n).find_map(|k| {
            let local = match (origin, back) {
                (Some(o), false) => (o + k) % n,
                (Some(o), true) => (o + n - k % n) % n,
                (None, false) => k - 1,
                (None, true) => n - k,
            };
            (v.matched[local] && shown.contains(&(range.start + local))).then_some(local)
        });
        match found {
            Some(local) => self.reveal((range.start + local) as u32),
            None => Ok(self.info(None, None)),
        }
    }

    /// Up to `count` rows (at most [`MAX_ROWS`]) from row `start`.
    pub fn rows(&self, start: u32, count: u32) -> Result<RowWindow, ViewError> {
        let (set, an) = (&self.set, &self.analysis);
        let v = self.view.as_ref().ok_or(ViewError::NoView)?;
        let t = &set.traces()[v.trace as usize];
        let base = t.spans.start as usize;
        let t0 = v
            .zoom
            .map_or(t.start_unix_ns, |z| set.spans()[z as usize].start_unix_ns);
        let suspect = an.traces[v.trace as usize].first_suspect.map(|(s, _)| s.0);
        let end = (start as usize + count.min(MAX_ROWS) as usize).min(v.rows.len());
        // The trace's notes (few: a bundle's), matched to rows by span id.
        let trace_id = crate::notes::trace_id_text(set, TraceIx(v.trace));
        let notes: Vec<&crate::notes::Annotation> = set
            .notes()
            .annotations
            .iter()
            .filter(|a| a.trace_id == trace_id && a.span_id.is_some())
            .collect();
        let rows = v.rows[(start as usize).min(end)..end]
            .iter()
            .map(|&ix| {
                let i = ix as usize;
                let span = set.span(SpanIx(ix));
                let rec = span.rec;
                let findings = self
                    .findings_of
                    .of(SpanIx(ix))
                    .iter()
                    .map(|&(t, f)| {
                        let f = &an.traces[t as usize].findings[f as usize];
                        (f.kind.to_owned(), f.severity.as_str().to_owned())
                    })
                    .collect();
                let note_labels = if notes.is_empty() {
                    Vec::new()
                } else {
                    let id = span.span_id();
                    notes
                        .iter()
                        .filter(|a| a.span_id.as_deref() == Some(id.as_str()))
                        .map(|a| a.label)
                        .collect()
                };
                Row {
                    span: ix,
                    depth: rec.depth,
                    note_labels,
                    name: span.name().to_owned(),
                    service: span.service().to_owned(),
                    new_service: rec.parent.is_none_or(|p| {
                        set.span_record(p).resource != rec.resource
                            && set.span(p).service() != span.service()
                    }),
                    op: an.steps[i].op.as_str().to_owned(),
                    start_ns: rec.start_unix_ns.saturating_sub(t0),
                    duration_ns: rec.duration_ns(),
                    error: rec.status == StatusCode::Error,
                    descendants: rec.subtree_end - ix - 1,
                    collapsed: v.collapsed.contains(&ix),
                    critical: an.on_critical_path[i],
                    matched: v.matched.get(i - base).copied().unwrap_or(false),
                    hidden_matches: if v.collapsed.contains(&ix) && !v.matched.is_empty() {
                        v.matched[i + 1 - base..rec.subtree_end as usize - base]
                            .iter()
                            .filter(|&&m| m)
                            .count() as u32
                    } else {
                        0
                    },
                    findings,
                    suspect: suspect == Some(ix),
                    tokens: an.inclusive_tokens[i],
                    detached: rec.tree_flags.has(TreeFlags::ORPHAN)
                        || rec.tree_flags.has(TreeFlags::CYCLE_CUT),
                    marks: set
                        .events(rec.events)
                        .iter()
                        .take(MAX_MARKS)
                        .map(|e| {
                            (
                                e.time_unix_ns.saturating_sub(t0),
                                set.str(e.name) == "exception",
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(RowWindow {
            version: self.version,
            start: start.min(end as u32),
            rows,
        })
    }

    fn row_of(&self, span: u32) -> Option<u32> {
        self.view
            .as_ref()
            .and_then(|v| v.rows.binary_search(&span).ok())
            .map(|r| r as u32)
    }

    fn rebuild(&mut self) {
        let Some(mut v) = self.view.take() else {
            return;
        };
        let (set, an) = (&self.set, &self.analysis);
        self.version = self.version.wrapping_add(1);
        let range = set.traces()[v.trace as usize].spans.as_range();
        let base = range.start;
        let spans = set.spans();
        v.matched.clear();
        v.matches = 0;
        if !v.query.is_empty() {
            v.matched = matching(set, an, &self.findings_of, &v.query, TraceIx(v.trace));
        }
        // In hide mode a span stays when it or a descendant matches.
        let keep: Vec<bool> = if v.hide && !v.query.is_empty() {
            with_ancestors(set, TraceIx(v.trace), &v.matched)
        } else {
            Vec::new()
        };
        v.rows.clear();
        let shown = zoom_range(set, &v, range);
        if !v.matched.is_empty() {
            v.matches = v.matched[shown.start - base..shown.end - base]
                .iter()
                .filter(|&&m| m)
                .count() as u32;
        }
        let mut i = shown.start;
        while i < shown.end {
            let s = &spans[i];
            let skip = (v.critical_only && !an.on_critical_path[i])
                || (!keep.is_empty() && !keep[i - base]);
            if skip {
                i = s.subtree_end as usize;
                continue;
            }
            v.rows.push(i as u32);
            i = if v.collapsed.contains(&(i as u32)) {
                s.subtree_end as usize
            } else {
                i + 1
            };
        }
        self.view = Some(v);
    }

    fn info(&self, span: Option<u32>, row: Option<u32>) -> ViewInfo {
        let set = &self.set;
        let Some(v) = self.view.as_ref() else {
            return ViewInfo::default();
        };
        let t = &set.traces()[v.trace as usize];
        let (start_unix_ns, duration_ns) = match v.zoom {
            Some(z) => {
                let s = &set.spans()[z as usize];
                (s.start_unix_ns, s.duration_ns())
            }
            None => (t.start_unix_ns, t.duration_ns()),
        };
        let mut zoom_path = Vec::new();
        let mut at = v.zoom.map(SpanIx);
        while let Some(ix) = at {
            zoom_path.push((ix.0, set.span(ix).name().to_owned()));
            at = set.spans()[ix.0 as usize].parent;
        }
        zoom_path.reverse();
        let max_depth = t
            .spans
            .as_range()
            .map(|i| set.spans()[i].depth)
            .max()
            .unwrap_or(0);
        ViewInfo {
            version: self.version,
            trace: v.trace,
            rows: v.rows.len() as u32,
            matches: v.matches,
            query_error: v.query_error.clone(),
            row,
            span,
            start_unix_ns,
            duration_ns,
            max_depth,
            zoom: v.zoom,
            zoom_span_id: v.zoom.map(|z| set.span(SpanIx(z)).span_id()),
            zoom_path,
        }
    }
}

/// Whether each span of trace `t` matches `query`, indexed from the trace's first span.
pub fn matching(
    set: &TraceSet,
    analysis: &Analysis,
    findings: &FindingsBySpan,
    query: &Query,
    t: TraceIx,
) -> Vec<bool> {
    let notes = note_labels(set, t);
    let base = set.traces()[t.0 as usize].spans.start as usize;
    set.traces()[t.0 as usize]
        .spans
        .as_range()
        .map(|i| {
            let kinds = findings.kinds(analysis, SpanIx(i as u32));
            let facts = SpanFacts {
                op: analysis.steps[i].op,
                critical: analysis.on_critical_path[i],
                findings: &kinds,
                notes: notes.get(i - base).map_or(&[], Vec::as_slice),
            };
            query.matches(set, SpanIx(i as u32), facts)
        })
        .collect()
}

/// The labels of the notes on each span of trace `t`, indexed from the trace's first span
/// (empty when the set has no notes).
pub fn note_labels(set: &TraceSet, t: TraceIx) -> Vec<Vec<crate::notes::Label>> {
    let notes = &set.notes().annotations;
    if notes.is_empty() {
        return Vec::new();
    }
    let range = set.traces()[t.0 as usize].spans.as_range();
    let mut out = vec![Vec::new(); range.len()];
    let trace_id = crate::notes::trace_id_text(set, t);
    for a in notes.iter().filter(|a| a.trace_id == trace_id) {
        if let Some(s) = a
            .span_id
            .as_deref()
            .and_then(|id| crate::notes::find_span(set, t, id))
        {
            out[s.0 as usize - range.start].push(a.label);
        }
    }
    out
}

/// `matched` (as [`matching`] gives it) with the ancestors of every match added: the spans a
/// tree keeps when it hides the others.
pub fn with_ancestors(set: &TraceSet, t: TraceIx, matched: &[bool]) -> Vec<bool> {
    let range = set.traces()[t.0 as usize].spans.as_range();
    let base = range.start;
    let mut keep = matched.to_vec();
    for i in range.rev() {
        if keep[i - base]
            && let Some(p) = set.spans()[i].parent
        {
            keep[p.0 as usize - base] = true;
        }
    }
    keep
}

/// The spans a view shows: the zoomed span's subtree, or the whole trace.
fn zoom_range(set: &TraceSet, v: &View, trace: std::ops::Range<usize>) -> std::ops::Range<usize> {
    match v.zoom {
        Some(z) => z as usize..set.spans()[z as usize].subtree_end as usize,
        None => trace,
    }
}

/// The current view of a trace.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ViewInfo {
    /// Bumped on every change; rows of an older version are stale.
    pub version: u32,
    /// Trace index.
    pub trace: u32,
    /// Visible rows.
    pub rows: u32,
    /// Spans matching the query (0 without one).
    pub matches: u32,
    /// Why the query could not be read, if it could not.
    pub query_error: Option<String>,
    /// The row of the span asked about (for `Reveal` and `NextMatch`).
    pub row: Option<u32>,
    /// The span asked about (for `NextMatch`).
    pub span: Option<u32>,
    /// Trace start, unix ns (the waterfall's zero).
    pub start_unix_ns: u64,
    /// Trace duration, ns (the waterfall's width).
    pub duration_ns: u64,
    /// Deepest depth in the trace.
    pub max_depth: u32,
    /// The span whose subtree the view is narrowed to; `start_unix_ns` and `duration_ns` are then
    /// its own, and row offsets count from its start.
    #[serde(default)]
    pub zoom: Option<u32>,
    /// Its span id as displayed.
    #[serde(default)]
    pub zoom_span_id: Option<String>,
    /// The path from the trace's top to it (span index and name), for a breadcrumb.
    #[serde(default)]
    pub zoom_path: Vec<(u32, String)>,
}

/// A window of rows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RowWindow {
    /// The view version they belong to.
    pub version: u32,
    /// Row index of the first.
    pub start: u32,
    /// The rows.
    pub rows: Vec<Row>,
}

/// One row of the span tree and waterfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Span index.
    pub span: u32,
    /// Depth in the tree.
    pub depth: u32,
    /// Name.
    pub name: String,
    /// `service.name`.
    pub service: String,
    /// Its service differs from its parent's (or it has no parent).
    pub new_service: bool,
    /// GenAI operation (`chat`, `execute_tool`, `invoke_agent`, … or `other`).
    pub op: String,
    /// Start offset from the view's start (the trace's, or the zoomed span's), ns.
    pub start_ns: u64,
    /// Duration, ns.
    pub duration_ns: u64,
    /// Error status.
    pub error: bool,
    /// Descendants (0 for a leaf).
    pub descendants: u32,
    /// Collapsed in this view.
    pub collapsed: bool,
    /// On the critical path.
    pub critical: bool,
    /// Matches the query.
    pub matched: bool,
    /// When collapsed: how many spans inside it match the query.
    pub hidden_matches: u32,
    /// Kinds of the findings that concern it, with their severities.
    pub findings: Vec<(String, String)>,
    /// The first suspect of its trace.
    pub suspect: bool,
    /// Tokens of its subtree (counted once).
    pub tokens: u64,
    /// Not attached where its parent id says (orphan or cut cycle).
    pub detached: bool,
    /// Its events (at most 24): offset from the view's start in ns, and whether it is an exception.
    pub marks: Vec<(u64, bool)>,
    /// The labels of the notes on it.
    pub note_labels: Vec<crate::notes::Label>,
}

#[cfg(test)]
mod tests;

//! The engine: owns the open [`TraceSet`] and its [`Analysis`], and answers the UI's requests
//! ([`crate::protocol`]). It runs in the Web Worker; it is plain Rust, so it is tested natively.
//!
//! It computes nothing about traces itself: names, times, the critical path, tokens, cost,
//! findings, the audit and transcripts all come from `loupe-core`. What it adds is the *view*:
//! which rows are visible (collapsed subtrees, the critical-path-only mode, the filter) and the
//! shapes the UI reads; every payload it sends is a `loupe_core::report` type.

use crate::protocol::*;
use loupe_core::analysis::{Analysis, Options};
use loupe_core::model::{SpanIx, StatusCode, TraceIx, TraceSet, TreeFlags};
use loupe_core::query::{Query, SpanFacts};
use loupe_core::report::span::FindingsBySpan;
use loupe_core::{Limits, Loader};
use std::collections::HashSet;

/// The worker's state.
#[derive(Debug, Default)]
pub struct Engine {
    set: Option<TraceSet>,
    analysis: Option<Analysis>,
    loader: Option<Loader>,
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

/// Why an engine request failed.
fn err(message: impl Into<String>) -> Response {
    Response::Error {
        message: message.into(),
    }
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Self {
        Engine::default()
    }

    /// The open set, if any.
    pub fn set(&self) -> Option<&TraceSet> {
        self.set.as_ref()
    }

    /// Adds one file to the set being loaded. On error nothing of the file is kept and everything
    /// open stays open.
    pub fn add_file(&mut self, name: &str, bytes: Vec<u8>) -> FileOutcome {
        let loader = self.loader.get_or_insert_with(|| match self.set.take() {
            Some(set) => Loader::from_set(set, Limits::default()),
            None => Loader::new(),
        });
        self.analysis = None;
        self.view = None;
        match loader.add_file(name, bytes) {
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

    /// A file the browser could not read at all (it never reached the core).
    pub fn unreadable(name: &str, why: &str) -> FileOutcome {
        FileOutcome {
            name: name.to_owned(),
            spans: None,
            format: None,
            error: Some(format!(
                "{name}: the browser could not read the file ({why}); check that it still exists and is readable"
            )),
        }
    }

    /// Links the trees of everything loaded and analyses the set.
    pub fn finish(&mut self) -> SetSummary {
        if let Some(loader) = self.loader.take() {
            let set = loader.finish();
            let analysis = Analysis::run(&set, &Options::default());
            self.findings_of = FindingsBySpan::build(&analysis);
            self.set = Some(set);
            self.analysis = Some(analysis);
            self.view = None;
            self.version += 1;
        }
        self.summary()
    }

    /// Answers one request, without the bytes of an export (see [`Engine::answer`]).
    pub fn handle(&mut self, req: Request) -> Response {
        self.answer(req).0
    }

    /// Answers one request: the response, and for a [`Request::RedactExport`] the file's bytes,
    /// which travel beside it. The one dispatcher of requests: only [`Request::Open`] is the
    /// loader's (it reads `File`s; see `web::io::serve` and [`Engine::add_file`]).
    pub fn answer(&mut self, req: Request) -> (Response, Option<Vec<u8>>) {
        if matches!(req, Request::Summary) {
            return (Response::Summary(self.summary()), None);
        }
        if self.set.is_none() || self.analysis.is_none() {
            return (err("no trace is open yet"), None);
        }
        let mut bytes = None;
        let resp = match req {
            Request::Open => err("an open is answered by the loader, which reads the files"),
            Request::Summary => Response::Summary(self.summary()),
            Request::SetView {
                trace,
                critical_only,
                query,
                hide,
            } => {
                if trace as usize >= self.set().map_or(0, |s| s.traces().len()) {
                    return (err(format!("there is no trace {trace}")), None);
                }
                let keep_collapsed = self.view.as_ref().filter(|v| v.trace == trace);
                let collapsed = keep_collapsed
                    .map(|v| v.collapsed.clone())
                    .unwrap_or_default();
                let zoom = keep_collapsed.and_then(|v| v.zoom);
                let (q, qerr) = match Query::parse(&query) {
                    Ok(q) => (q, None),
                    Err(e) => (Query::default(), Some(e)),
                };
                self.view = Some(View {
                    trace,
                    critical_only,
                    query: q,
                    query_error: qerr,
                    hide,
                    collapsed,
                    zoom,
                    ..View::default()
                });
                self.rebuild();
                Response::View(self.view_info(None, None))
            }
            Request::Zoom { span } => self.zoom(span),
            Request::Toggle { span } => {
                let Some(v) = self.view.as_mut() else {
                    return (err("no trace is shown"), None);
                };
                if !v.collapsed.remove(&span) {
                    v.collapsed.insert(span);
                }
                self.rebuild();
                Response::View(self.view_info(Some(span), None))
            }
            Request::CollapseTo { depth } => {
                let (Some(set), Some(v)) = (self.set.as_ref(), self.view.as_mut()) else {
                    return (err("no trace is shown"), None);
                };
                v.collapsed.clear();
                if let Some(d) = depth {
                    let range = set.traces()[v.trace as usize].spans.as_range();
                    for i in range {
                        let s = &set.spans()[i];
                        if s.depth >= d && s.subtree_end as usize > i + 1 {
                            v.collapsed.insert(i as u32);
                        }
                    }
                }
                self.rebuild();
                Response::View(self.view_info(None, None))
            }
            Request::Reveal { span } => self.reveal(span),
            Request::NextMatch { from, back } => self.next_match(from, back),
            Request::Rows { start, count } => self.rows(start, count),
            Request::Span { span } => match self.span_detail(span) {
                Some(d) => Response::Span(Box::new(d)),
                None => err(format!("there is no span {span}")),
            },
            Request::Trace { trace } => match self.trace_detail(trace) {
                Some(d) => Response::Trace(Box::new(d)),
                None => err(format!("there is no trace {trace}")),
            },
            Request::Locate { trace_id, span_id } => self.locate(&trace_id, span_id.as_deref()),
            Request::RedactPlan { settings } => match self.set() {
                Some(set) => match crate::redaction::preview(set, &settings) {
                    Ok(p) => Response::RedactPlan(Box::new(p)),
                    Err(e) => err(e),
                },
                None => err("no trace is open yet"),
            },
            Request::RedactExport { settings, format } => {
                match self.export_redacted(&settings, &format) {
                    Ok((b, file)) => {
                        bytes = Some(b);
                        Response::Redacted(file)
                    }
                    Err(message) => Response::Error { message },
                }
            }
        };
        (resp, bytes)
    }

    /// Writes the open set redacted (see [`crate::redaction::export`]): the file's bytes and what
    /// was done.
    pub fn export_redacted(
        &self,
        settings: &RedactSettings,
        format: &str,
    ) -> Result<(Vec<u8>, RedactedFile), String> {
        let set = self.set().ok_or("no trace is open yet")?;
        let name = set.sources().first().map_or("traces", |s| s.name.as_str());
        crate::redaction::export(set, settings, format, name)
    }

    /// The files and traces open.
    pub fn summary(&self) -> SetSummary {
        match (self.set.as_ref(), self.analysis.as_ref()) {
            (Some(set), Some(an)) => SetSummary::build(set, an),
            _ => SetSummary::default(),
        }
    }

    fn facts<'a>(an: &Analysis, kinds: &'a [&'static str], i: usize) -> SpanFacts<'a> {
        SpanFacts {
            op: an.steps[i].op,
            critical: an.on_critical_path[i],
            findings: kinds,
        }
    }

    fn finding_kinds(&self, span: u32) -> Vec<&'static str> {
        match self.analysis.as_ref() {
            Some(an) => self.findings_of.kinds(an, SpanIx(span)),
            None => Vec::new(),
        }
    }

    fn rebuild(&mut self) {
        let (Some(set), Some(an)) = (self.set.as_ref(), self.analysis.as_ref()) else {
            return;
        };
        let Some(mut v) = self.view.take() else {
            return;
        };
        self.version += 1;
        let range = set.traces()[v.trace as usize].spans.as_range();
        let base = range.start;
        let spans = set.spans();
        v.matched.clear();
        v.matches = 0;
        if !v.query.is_empty() {
            v.matched.reserve(range.len());
            for i in range.clone() {
                let kinds = self.finding_kinds(i as u32);
                let m = v
                    .query
                    .matches(set, SpanIx(i as u32), Self::facts(an, &kinds, i));
                v.matches += u32::from(m);
                v.matched.push(m);
            }
        }
        // In hide mode a span stays when it or a descendant matches.
        let keep: Vec<bool> = if v.hide && !v.query.is_empty() {
            let mut keep = v.matched.clone();
            for i in range.clone().rev() {
                if keep[i - base]
                    && let Some(p) = spans[i].parent
                {
                    keep[p.0 as usize - base] = true;
                }
            }
            keep
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

    fn view_info(&self, span: Option<u32>, row: Option<u32>) -> ViewInfo {
        let (Some(set), Some(v)) = (self.set.as_ref(), self.view.as_ref()) else {
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

    fn reveal(&mut self, span: u32) -> Response {
        let Some(set) = self.set.as_ref() else {
            return err("nothing is open");
        };
        if span as usize >= set.span_count() {
            return err(format!("there is no span {span}"));
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
        let row = self
            .view
            .as_ref()
            .and_then(|v| v.rows.binary_search(&span).ok())
            .map(|r| r as u32);
        Response::View(self.view_info(Some(span), row))
    }

    fn zoom(&mut self, span: Option<u32>) -> Response {
        let (Some(set), Some(v)) = (self.set.as_ref(), self.view.as_mut()) else {
            return err("no trace is shown");
        };
        if let Some(s) = span {
            let in_trace = set.spans().get(s as usize).map(|r| r.trace.0) == Some(v.trace);
            if !in_trace {
                return err(format!("span {s} is not in the trace shown"));
            }
            // Its subtree is what is asked for, so it is shown open.
            v.collapsed.remove(&s);
        }
        v.zoom = span;
        self.rebuild();
        let row = span.and_then(|s| {
            self.view
                .as_ref()
                .and_then(|v| v.rows.binary_search(&s).ok())
                .map(|r| r as u32)
        });
        Response::View(self.view_info(span, row))
    }

    fn next_match(&mut self, from: i64, back: bool) -> Response {
        let (Some(set), Some(v)) = (self.set.as_ref(), self.view.as_ref()) else {
            return err("no trace is shown");
        };
        if v.matches == 0 {
            return Response::View(self.view_info(None, None));
        }
        let range = set.traces()[v.trace as usize].spans.as_range();
        let shown = zoom_range(set, v, range.clone());
        let n = range.len();
        // Start after (or before) the span of row `from`, in pre-order, wrapping around.
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
            None => Response::View(self.view_info(None, None)),
        }
    }

    fn rows(&self, start: u32, count: u32) -> Response {
        let (Some(set), Some(an), Some(v)) = (
            self.set.as_ref(),
            self.analysis.as_ref(),
            self.view.as_ref(),
        ) else {
            return err("no trace is shown");
        };
        let t = &set.traces()[v.trace as usize];
        let base = t.spans.start as usize;
        let t0 = v
            .zoom
            .map_or(t.start_unix_ns, |z| set.spans()[z as usize].start_unix_ns);
        let suspect = an.traces[v.trace as usize].first_suspect.map(|(s, _)| s.0);
        let end = (start as usize + count.min(2000) as usize).min(v.rows.len());
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
                Row {
                    span: ix,
                    depth: rec.depth,
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
                        .take(24)
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
        Response::Rows(RowWindow {
            version: self.version,
            start: start.min(end as u32),
            rows,
        })
    }

    /// One span's details.
    pub fn span_detail(&self, ix: u32) -> Option<SpanReport> {
        let (set, an) = (self.set.as_ref()?, self.analysis.as_ref()?);
        SpanReport::build(set, an, &self.findings_of, SpanIx(ix))
    }

    /// One trace's panels.
    pub fn trace_detail(&self, t: u32) -> Option<TraceDetail> {
        let (set, an) = (self.set.as_ref()?, self.analysis.as_ref()?);
        ((t as usize) < set.traces().len()).then(|| TraceDetail::build(set, an, TraceIx(t)))
    }

    fn locate(&self, trace_id: &str, span_id: Option<&str>) -> Response {
        let Some(set) = self.set.as_ref() else {
            return err("nothing is open");
        };
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
        Response::Located {
            trace: trace.map(|t| t as u32),
            span,
        }
    }
}

/// The spans a view shows: the zoomed span's subtree, or the whole trace.
fn zoom_range(set: &TraceSet, v: &View, trace: std::ops::Range<usize>) -> std::ops::Range<usize> {
    match v.zoom {
        Some(z) => z as usize..set.spans()[z as usize].subtree_end as usize,
        None => trace,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

//! The engine: owns the open set as a `loupe_core::view::Session` and answers the UI's requests
//! ([`crate::protocol`]). It runs in the Web Worker; it is plain Rust, so it is tested natively.
//!
//! It computes nothing itself: the rows, the view, the reports, the redaction preview and the
//! redacted file all come from `loupe-core`. What it adds is the loading between files (a
//! `Loader` while files arrive, a `Session` once they are in) and the dispatch of requests.

use crate::protocol::*;
use loupe_core::analysis::Options;
use loupe_core::export::Format;
use loupe_core::redact::preview::{self, RedactSettings, RedactedFile};
use loupe_core::view::{Session, ViewError, ViewInfo};
use loupe_core::{Limits, Loader, TraceSet};

/// The worker's state.
#[derive(Debug, Default)]
pub struct Engine {
    /// Everything open, analysed, once a load is finished.
    session: Option<Session>,
    /// Files being loaded (everything open is in it until the load is finished).
    loader: Option<Loader>,
    /// The last view version handed out, so a new session's rows are never taken for an old one's.
    version: u32,
}

/// Why an engine request failed.
fn err(message: impl Into<String>) -> Response {
    Response::Error {
        message: message.into(),
    }
}

/// A view's answer.
fn view(r: Result<ViewInfo, ViewError>) -> Response {
    match r {
        Ok(v) => Response::View(v),
        Err(e) => err(e.to_string()),
    }
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Self {
        Engine::default()
    }

    /// The open set, if any.
    pub fn set(&self) -> Option<&TraceSet> {
        self.session.as_ref().map(Session::set)
    }

    /// Adds one file to the set being loaded. On error nothing of the file is kept and everything
    /// open stays open.
    pub fn add_file(&mut self, name: &str, bytes: Vec<u8>) -> FileOutcome {
        if let Some(s) = self.session.as_ref() {
            self.version = s.version();
        }
        let session = &mut self.session;
        let loader = self.loader.get_or_insert_with(|| match session.take() {
            Some(s) => Loader::from_set(s.into_set(), Limits::default()),
            None => Loader::new(),
        });
        FileOutcome::of(name, &loader.add_file(name, bytes))
    }

    /// A file the browser could not read at all (it never reached the core).
    pub fn unreadable(name: &str, why: &str) -> FileOutcome {
        FileOutcome::unreadable(
            name,
            &format!("the browser could not read the file ({why})"),
        )
    }

    /// Links the trees of everything loaded and analyses the set.
    pub fn finish(&mut self) -> SetSummary {
        if let Some(loader) = self.loader.take() {
            let session = Session::new(loader.finish(), &Options::default(), self.version);
            self.version = session.version();
            self.session = Some(session);
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
        let Some(s) = self.session.as_mut() else {
            return (err("no trace is open yet"), None);
        };
        let mut bytes = None;
        let resp = match req {
            Request::Open => err("an open is answered by the loader, which reads the files"),
            Request::Summary => Response::Summary(s.summary()),
            Request::SetView {
                trace,
                critical_only,
                query,
                hide,
            } => view(s.set_view(trace, critical_only, &query, hide)),
            Request::Zoom { span } => view(s.zoom(span)),
            Request::Toggle { span } => view(s.toggle(span)),
            Request::CollapseTo { depth } => view(s.collapse_to(depth)),
            Request::Reveal { span } => view(s.reveal(span)),
            Request::NextMatch { from, back } => view(s.next_match(from, back)),
            Request::Rows { start, count } => match s.rows(start, count) {
                Ok(w) => Response::Rows(w),
                Err(e) => err(e.to_string()),
            },
            Request::Span { span } => match s.span_report(span) {
                Some(d) => Response::Span(Box::new(d)),
                None => err(format!("there is no span {span}")),
            },
            Request::Trace { trace } => match s.trace_detail(trace) {
                Some(d) => Response::Trace(Box::new(d)),
                None => err(format!("there is no trace {trace}")),
            },
            Request::Locate { trace_id, span_id } => {
                let (trace, span) = s.locate(&trace_id, span_id.as_deref());
                Response::Located { trace, span }
            }
            Request::RedactPlan { settings } => match preview::preview(s.set(), &settings) {
                Ok(p) => Response::RedactPlan(Box::new(p)),
                Err(e) => err(e.to_string()),
            },
            Request::RedactExport { settings, format } => {
                match self.export_redacted(&settings, format) {
                    Ok((b, file)) => {
                        bytes = Some(b);
                        Response::Redacted(file)
                    }
                    Err(message) => err(message),
                }
            }
        };
        (resp, bytes)
    }

    /// Writes the open set redacted (see `loupe_core::redact::preview::export`): the file's
    /// bytes and what was done.
    pub fn export_redacted(
        &self,
        settings: &RedactSettings,
        format: Format,
    ) -> Result<(Vec<u8>, RedactedFile), String> {
        let set = self.set().ok_or("no trace is open yet")?;
        let name = set.sources().first().map_or("traces", |s| s.name.as_str());
        preview::export(set, settings, format, name).map_err(|e| e.to_string())
    }

    /// The files and traces open.
    pub fn summary(&self) -> SetSummary {
        self.session
            .as_ref()
            .map(Session::summary)
            .unwrap_or_default()
    }

    /// One span's details.
    pub fn span_detail(&self, ix: u32) -> Option<SpanReport> {
        self.session.as_ref()?.span_report(ix)
    }

    /// One trace's panels.
    pub fn trace_detail(&self, t: u32) -> Option<TraceDetail> {
        self.session.as_ref()?.trace_detail(t)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

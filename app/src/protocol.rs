//! The messages between the UI (main thread) and the engine (a Web Worker, or the same thread when
//! workers are unavailable). Every request gets one response; the UI asks only for what it shows:
//! the trace list, a window of tree rows, one span's details, one trace's panels.
//!
//! Messages travel as JSON text. File contents never do: they go beside the message as `File`s or
//! `ArrayBuffer`s (transferred, not copied).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use loupe_core::export::Format;
pub use loupe_core::redact::preview::{
    CustomRule, DetectorEntry, RedactGroup, RedactItem, RedactPreview, RedactSettings, RedactedFile,
};
pub use loupe_core::report::{
    FileOutcome, FileSummary, LoadReport, SetSummary, SpanReport, TraceDetail, TraceReport,
    TraceSummary,
};
pub use loupe_core::view::{Row, RowWindow, ViewInfo};

#[cfg(test)]
mod tests;

/// Encodes a message (a [`ToWorker`] or [`FromWorker`] envelope, or a part of one) as the JSON text that travels
/// between the page and the worker. Both ends use this and [`from_wire`], so the protocol's tests
/// test the encoding the messages really take.
pub fn to_wire<T: Serialize>(msg: &T) -> Result<String, String> {
    serde_json::to_string(msg).map_err(|e| e.to_string())
}

/// Decodes a message encoded by [`to_wire`].
pub fn from_wire<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The message of the [`Response::Error`] that answers requests pending when a load was
/// cancelled.
pub const CANCELLED: &str = "cancelled";

impl Response {
    /// The answer to a request that was pending when its load was cancelled.
    pub fn cancelled() -> Response {
        Response::Error {
            message: CANCELLED.to_owned(),
        }
    }

    /// This response as wire text; an encoding failure becomes an [`Response::Error`] saying so
    /// (which always encodes), so the other end always gets an answer it can read.
    pub fn to_wire_text(&self) -> String {
        to_wire(self).unwrap_or_else(|e| {
            let message = format!("the response could not be encoded: {e}");
            to_wire(&Response::Error { message }).unwrap_or_default()
        })
    }
}

/// A request from the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Request {
    /// Loads the inputs sent beside the message into the open set. Answered with [`Response::Loaded`].
    Open,
    /// The files and traces open now. Answered with [`Response::Summary`].
    Summary,
    /// Shows a trace with these settings; collapsing resets when the trace changes.
    SetView {
        /// Trace index.
        trace: u32,
        /// Only spans on the critical path.
        critical_only: bool,
        /// A filter in the query language (see `loupe_core::query`); empty for none.
        query: String,
        /// Hide spans that do not match (keeping their ancestors) instead of only marking matches.
        hide: bool,
    },
    /// Collapses or expands a span of the current view.
    Toggle {
        /// Span index.
        span: u32,
    },
    /// Expands everything (`depth: None`) or collapses every span at `depth` and below.
    CollapseTo {
        /// The depth from which spans are collapsed; `None` expands all.
        depth: Option<u32>,
    },
    /// Expands the ancestors of a span so it is visible, and says on which row it is.
    Reveal {
        /// Span index.
        span: u32,
    },
    /// A window of the current view's rows.
    Rows {
        /// First row.
        start: u32,
        /// How many.
        count: u32,
    },
    /// The next (or previous) span matching the query after row `from`.
    NextMatch {
        /// Row to search from (exclusive).
        from: i64,
        /// Search backwards.
        back: bool,
    },
    /// One span's details.
    Span {
        /// Span index.
        span: u32,
    },
    /// One trace's panels: findings, critical path, tokens and cost, audit.
    Trace {
        /// Trace index.
        trace: u32,
    },
    /// Narrows the current view to a span's subtree (its tree rows and its time), or back to the
    /// whole trace (`span: None`). Kept while the same trace is shown.
    Zoom {
        /// Span index of the subtree's root; `None` for the whole trace.
        span: Option<u32>,
    },
    /// Finds a trace (and a span in it) by id, for deep links.
    Locate {
        /// Trace id as displayed.
        trace_id: String,
        /// Span id as displayed.
        span_id: Option<String>,
    },
    /// What a redaction with these settings would change. Answered with [`Response::RedactPlan`].
    RedactPlan {
        /// Detectors, rules and actions.
        settings: RedactSettings,
    },
    /// Writes the redacted set. Answered with [`Response::Redacted`]; the file's bytes travel
    /// beside the message.
    RedactExport {
        /// Detectors, rules and actions.
        settings: RedactSettings,
        /// `otlp-json` or `otlp-proto`.
        format: Format,
    },
}

/// A response of the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Response {
    /// The outcome of an [`Request::Open`].
    Loaded(LoadReport),
    /// Files and traces.
    Summary(SetSummary),
    /// The current view after a change.
    View(ViewInfo),
    /// A window of rows.
    Rows(RowWindow),
    /// A span's details.
    Span(Box<SpanReport>),
    /// A trace's panels.
    Trace(Box<TraceDetail>),
    /// Where an id was found.
    Located {
        /// Trace index.
        trace: Option<u32>,
        /// Span index.
        span: Option<u32>,
    },
    /// The request could not be answered (e.g. nothing is open).
    Error {
        /// Why.
        message: String,
    },
    /// What a redaction would change.
    RedactPlan(Box<RedactPreview>),
    /// The redacted file was written (its bytes come beside this message).
    Redacted(RedactedFile),
    /// The engine stopped while answering (it ran out of memory or failed) and was restarted
    /// empty; the UI reopens the files that were open.
    Crashed {
        /// What happened and what to do, naming the file being read.
        message: String,
    },
}

/// A message from the page to the worker: one request, answered by one
/// [`FromWorker::Answer`] with the same `id`. The inputs of a [`Request::Open`] (`File`s or
/// `Blob`s) travel beside it, never in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToWorker {
    /// Chosen by the page, unique among its pending requests.
    pub id: u32,
    /// The request.
    pub req: Request,
}

impl ToWorker {
    /// Decodes a message encoded by [`to_wire`]. When it is not a request this engine knows, the
    /// error says why, with the `id` it carried (if it carried one) so it can still be answered.
    pub fn from_wire_text(text: &str) -> Result<ToWorker, (Option<u32>, String)> {
        from_wire(text).map_err(|e| (id_of(text), e))
    }
}

/// The `id` a message that could not be decoded carried, if it carried one.
fn id_of(text: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Id {
        id: u32,
    }
    from_wire::<Id>(text).ok().map(|i| i.id)
}

/// A message from the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum FromWorker {
    /// The answer to the [`ToWorker`] with this `id`. The file of a [`Response::Redacted`]
    /// travels beside it (its bytes, transferred).
    Answer {
        /// The request's id.
        id: u32,
        /// The response.
        resp: Response,
    },
    /// Sent unasked while a load runs.
    Progress(Progress),
    /// The worker panicked (its module traps right after): why, for the message the page shows.
    Panic {
        /// The panic message.
        message: String,
    },
}

impl FromWorker {
    /// Decodes a message encoded by [`to_wire`]. When it cannot be read, the error says why,
    /// with the `id` of the answer it was (if it carried one) so the request waiting for it can
    /// still be answered.
    pub fn from_wire_text(text: &str) -> Result<FromWorker, (Option<u32>, String)> {
        from_wire(text).map_err(|e| (id_of(text), e))
    }

    /// This message as wire text; when it cannot be encoded, an answer becomes a
    /// [`Response::Error`] saying so (which always encodes), so the page always gets an answer.
    pub fn to_wire_text(&self) -> String {
        to_wire(self).unwrap_or_else(|e| match self {
            FromWorker::Answer { id, .. } => {
                let message = format!("the response could not be encoded: {e}");
                let resp = Response::Error { message };
                to_wire(&FromWorker::Answer { id: *id, resp }).unwrap_or_default()
            }
            _ => String::new(),
        })
    }
}

/// The stage of a load a [`Progress`] reports (on the wire: `"reading"`, `"parsing"`,
/// `"analysing"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading a file's bytes (`done` of `total`).
    Reading,
    /// Parsing a file read.
    Parsing,
    /// Analysing everything open (`file` is empty).
    Analysing,
}

/// A message the worker sends unasked while it loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The file being worked on.
    pub file: String,
    /// Its position among the files of this load (0-based).
    pub index: u32,
    /// Files in this load.
    pub count: u32,
    /// What the engine is doing with it.
    pub stage: Stage,
    /// Bytes read of this file.
    pub done: u64,
    /// Its size.
    pub total: u64,
}

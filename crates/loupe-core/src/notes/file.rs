//! Notes files: notes written by hand or by a CI job, for `loupe bundle --notes` and `loupe html
//! --notes`. TOML (or the same shape in JSON) with one `[[note]]` table per note:
//!
//! ```toml
//! [[note]]
//! span = "00f067aa0ba902b7"        # the span id, hex (required)
//! trace = "4bf92f3577b34da6a3ce929d0e0e4736"   # optional when the span id is unique
//! label = "first-wrong-decision"   # one of the labels (default: note)
//! text = "The model picked search_web for an internal question."
//! step = 1                         # its place in the tour (optional)
//! author = "lead"                  # optional
//! ```
//!
//! `docs/bundle.md` describes it for users. Every problem names the entry (`note 3`) and its span.

use super::{Annotation, Label, Notes, find_span, path_key, trace_id_text};
use crate::model::{SpanIx, TraceIx, TraceSet};
use serde::Deserialize;

/// One `[[note]]` as written.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NoteEntry {
    /// The span id, hex.
    pub span: String,
    /// The trace id, hex.
    #[serde(default)]
    pub trace: Option<String>,
    /// The label's name.
    #[serde(default)]
    pub label: Option<String>,
    /// The text.
    #[serde(default)]
    pub text: String,
    /// Its place in the tour, from 1.
    #[serde(default)]
    pub step: Option<u32>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesFile {
    #[serde(default)]
    note: Vec<NoteEntry>,
}

/// Why a notes file could not be used.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum NotesFileError {
    /// Not valid TOML or JSON, or fields of the wrong type.
    #[error("the notes file is not valid {format}: {message}")]
    Syntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// An entry that does not fit the traces.
    #[error("note {number} (span `{span}`): {message}")]
    Entry {
        /// The entry's number in the file, from 1.
        number: usize,
        /// Its `span` as written.
        span: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// No entries at all.
    #[error("the notes file has no [[note]] entries")]
    Empty,
}

/// Reads a notes file: JSON when the text starts with `{`, TOML otherwise.
pub fn parse(text: &str) -> Result<Vec<NoteEntry>, NotesFileError> {
    let file: NotesFile = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| NotesFileError::Syntax {
            format: "JSON",
            message: e.to_string(),
        })?
    } else {
        toml::from_str(text).map_err(|e| NotesFileError::Syntax {
            format: "TOML",
            message: e.to_string().trim_end().to_owned(),
        })?
    };
    if file.note.is_empty() {
        return Err(NotesFileError::Empty);
    }
    Ok(file.note)
}

fn hex_id(s: &str, digits: usize) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_hexdigit())).then_some(s)
}

/// Makes notes of the entries for the spans of `set`; `now` (RFC 3339) is their time. Steps
/// order the tour; two entries with one step number are an error.
pub fn resolve(entries: &[NoteEntry], set: &TraceSet, now: &str) -> Result<Notes, NotesFileError> {
    let mut notes = Notes::default();
    let mut steps: Vec<(u32, usize, String)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let number = i + 1;
        let err = |message: String| NotesFileError::Entry {
            number,
            span: e.span.clone(),
            message,
        };
        let span_id = hex_id(&e.span, 16)
            .ok_or_else(|| err("`span` must be a span id of 16 hex digits".into()))?;
        let label = match &e.label {
            None => Label::Note,
            Some(name) => Label::from_name(name).ok_or_else(|| {
                err(format!(
                    "unknown label `{name}`; expected one of {}",
                    Label::names()
                ))
            })?,
        };
        let (trace, span) = match &e.trace {
            Some(t) => {
                let trace_id = hex_id(t, 32)
                    .ok_or_else(|| err("`trace` must be a trace id of 32 hex digits".into()))?;
                let t = super::find_trace(set, &trace_id)
                    .ok_or_else(|| err(format!("no trace `{trace_id}` in the files")))?;
                let s = find_span(set, t, &span_id)
                    .ok_or_else(|| err(format!("trace `{trace_id}` has no span `{span_id}`")))?;
                (t, s)
            }
            None => {
                let found: Vec<(TraceIx, SpanIx)> = (0..set.traces().len() as u32)
                    .map(TraceIx)
                    .filter_map(|t| find_span(set, t, &span_id).map(|s| (t, s)))
                    .collect();
                match found.as_slice() {
                    [one] => *one,
                    [] => return Err(err("no span with this id in the files".into())),
                    many => {
                        return Err(err(format!(
                            "{} traces have a span with this id; add `trace = \"…\"` to say which",
                            many.len()
                        )));
                    }
                }
            }
        };
        if let Some(step) = e.step {
            if step == 0 {
                return Err(err("`step` counts from 1".into()));
            }
            if let Some((_, other, _)) = steps.iter().find(|(s, _, _)| *s == step) {
                return Err(err(format!("step {step} is also note {other}'s")));
            }
        }
        let id = notes.next_id();
        if let Some(step) = e.step {
            steps.push((step, number, id.clone()));
        }
        notes.annotations.push(Annotation {
            id,
            trace_id: trace_id_text(set, trace),
            span_id: Some(set.span(span).span_id()),
            path: path_key(set, span),
            label,
            text: e.text.clone(),
            author: e.author.clone(),
            created: now.to_owned(),
            updated: now.to_owned(),
            step: e.step,
        });
    }
    steps.sort();
    notes.tour = steps.into_iter().map(|(_, _, id)| id).collect();
    Ok(notes)
}

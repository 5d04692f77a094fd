//! Positions and errors: where in the input a string or an error is (`line L, column C`, worked
//! out only when printed), and the one way every JSON importer words a syntax or shape error.

use crate::error::ImportError;
use crate::model::line_column;
use serde::de;
use serde_json::value::RawValue;
use std::fmt;

/// Where the input buffer lies, to turn borrowed strings into byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InputBounds {
    base: usize,
    len: usize,
}

impl InputBounds {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        InputBounds {
            base: bytes.as_ptr() as usize,
            len: bytes.len(),
        }
    }

    /// The offset of `s` in the input, if it is borrowed from it.
    pub(crate) fn offset_of(&self, s: &str) -> Option<usize> {
        let p = s.as_ptr() as usize;
        (p >= self.base && p + s.len() <= self.base + self.len).then(|| p - self.base)
    }
}

/// Where the input is, to say where something in it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pos<'a> {
    pub(crate) bounds: InputBounds,
    pub(crate) bytes: &'a [u8],
}

impl<'a> Pos<'a> {
    pub(crate) fn of(bytes: &'a [u8]) -> Self {
        Pos {
            bounds: InputBounds::of(bytes),
            bytes,
        }
    }

    /// The byte offset of a string borrowed from the input (0 when it is not).
    pub(crate) fn offset(&self, s: &str) -> usize {
        self.bounds.offset_of(s).unwrap_or(0)
    }

    /// `line L, column C` of a byte offset, worked out only when printed (counting lines is a
    /// scan from the start of the file: doing it for every span would make big files quadratic).
    pub(crate) fn at(&self, offset: usize) -> LineCol<'a> {
        LineCol { pos: *self, offset }
    }

    /// `line L, column C` of a string borrowed from the input, worked out only when printed.
    pub(crate) fn at_str(&self, s: &str) -> LineCol<'a> {
        self.at(self.offset(s))
    }

    /// Line and column in the whole input of an error in a slice of it that starts at `start`.
    pub(crate) fn error_position(&self, start: usize, e: &serde_json::Error) -> (usize, usize) {
        let (l0, c0) = line_column(self.bytes, start);
        if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1))
        } else {
            (l0 + e.line() - 1, e.column())
        }
    }
}

/// A position in the input, printed as `line L, column C`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineCol<'a> {
    pos: Pos<'a>,
    offset: usize,
}

impl fmt::Display for LineCol<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, c) = line_column(self.pos.bytes, self.offset);
        write!(f, "line {l}, column {c}")
    }
}

/// A span named in a message: `span `name` at line L, column C`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanAt<'n, 'a> {
    pub(crate) name: &'n str,
    pub(crate) at: LineCol<'a>,
}

impl fmt::Display for SpanAt<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "span `{}` at {}", self.name, self.at)
    }
}

/// An element that could not be read: where it went wrong (worked out when printed) and why.
#[derive(Debug)]
pub(crate) struct ElementError<'a> {
    pos: Pos<'a>,
    start: usize,
    error: serde_json::Error,
}

impl fmt::Display for ElementError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, c) = self.pos.error_position(self.start, &self.error);
        write!(f, "line {l}, column {c}: {}", error_text(&self.error))
    }
}

/// Parses one element read as raw JSON; an error says where in the whole input it is.
pub(crate) fn parse_element<'de, 'a, T: de::Deserialize<'de>>(
    pos: Pos<'a>,
    raw: &'de RawValue,
) -> Result<T, ElementError<'a>> {
    serde_json::from_str(raw.get()).map_err(|error| ElementError {
        pos,
        start: pos.offset(raw.get()),
        error,
    })
}

/// serde_json's message without its ` at line L column C` suffix.
pub(crate) fn error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// A syntax or shape error of a whole document, with its position and what the format looks like.
pub(crate) fn document_error(
    file: &str,
    pos: Pos<'_>,
    start: usize,
    e: &serde_json::Error,
    expected: &str,
) -> ImportError {
    let (line, column) = pos.error_position(start, e);
    ImportError::Syntax {
        file: file.to_owned(),
        line,
        column,
        message: syntax_message(e, expected),
    }
}

/// What went wrong, for every JSON format alike: serde_json's message without its position, and
/// whether the JSON ends early, is not JSON, or is JSON of another shape than `expected`.
pub(crate) fn syntax_message(e: &serde_json::Error, expected: &str) -> String {
    let text = error_text(e);
    match e.classify() {
        serde_json::error::Category::Eof => {
            format!("{text}: the JSON ends early (truncated file?)")
        }
        serde_json::error::Category::Syntax => format!("{text}: invalid JSON"),
        _ => format!("{text}; expected {expected}"),
    }
}

/// Line and column in the whole input of an error in line `number` of JSON Lines, whose first
/// `shift` bytes (a byte-order mark) were not given to the parser. The position comes from the
/// line number: no scan of the file per bad line.
pub(crate) fn line_error_position(
    number: usize,
    shift: usize,
    e: &serde_json::Error,
) -> (usize, usize) {
    if e.line() <= 1 {
        (number, e.column() + shift)
    } else {
        (number + e.line() - 1, e.column())
    }
}

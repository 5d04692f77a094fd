//! Reading a whole JSON document or JSON Lines, with the shared error path of [`super::pos`].

use super::importer::Input;
use super::pos::{Pos, document_error, line_error_position, syntax_message};
use super::sniff::lines;
use crate::builder::Builder;
use crate::error::ImportError;
use crate::warning::WarningCode;
use serde::de::DeserializeSeed;

/// Reads a whole document (after a byte-order mark, if any) with `seed`.
pub(crate) fn parse_document<'de, S: DeserializeSeed<'de, Value = ()>>(
    input: &Input<'de>,
    seed: S,
    expected: &str,
) -> Result<(), ImportError> {
    let start = if input.bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut de = serde_json::Deserializer::from_slice(&input.bytes[start..]);
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| document_error(input.name, Pos::of(input.bytes), start, &e, expected))
}

/// Reads JSON Lines: `f` gets each non-blank line; a line it fails on is skipped with a `bad_line`
/// warning. Fails (with the first error) only when no line could be read at all.
pub(crate) fn each_json_line<'a>(
    input: &Input<'a>,
    b: &mut Builder,
    expected: &str,
    mut f: impl FnMut(&mut Builder, &'a [u8]) -> Result<(), serde_json::Error>,
) -> Result<(), ImportError> {
    let mut errors = LineErrors::new(input.name, expected, "the line was skipped");
    for (number, line) in lines(input.bytes) {
        let (line, shift) = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if number == 1 => (rest, 3),
            _ => (line, 0),
        };
        match f(b, line) {
            Ok(()) => errors.read(),
            Err(e) => errors.failed(b, number, shift, &e),
        }
    }
    errors.finish(b)
}

/// The errors of the lines of a JSON Lines input, for every JSON format alike: each bad line is a
/// `bad_line` warning, and the first one the error of the file when no line could be read at all.
pub(crate) struct LineErrors<'a> {
    file: &'a str,
    expected: &'a str,
    /// What the warning says was dropped (`the line was skipped`).
    skipped: &'a str,
    first: Option<ImportError>,
    lines_read: usize,
}

impl<'a> LineErrors<'a> {
    pub(crate) fn new(file: &'a str, expected: &'a str, skipped: &'a str) -> Self {
        LineErrors {
            file,
            expected,
            skipped,
            first: None,
            lines_read: 0,
        }
    }

    /// A line was read.
    pub(crate) fn read(&mut self) {
        self.lines_read += 1;
    }

    /// Line `number` failed with `e` (after its first `shift` bytes, a byte-order mark).
    pub(crate) fn failed(
        &mut self,
        b: &mut Builder,
        number: usize,
        shift: usize,
        e: &serde_json::Error,
    ) {
        let (line, column) = line_error_position(number, shift, e);
        let message = syntax_message(e, self.expected);
        let skipped = self.skipped;
        b.warn(WarningCode::BadLine, || {
            format!("line {line}, column {column}: {message}; {skipped}")
        });
        self.first.get_or_insert(ImportError::Syntax {
            file: self.file.to_owned(),
            line,
            column,
            message,
        });
    }

    /// `Err` with the first error when no line could be read and no span came from the input.
    pub(crate) fn finish(self, b: &Builder) -> Result<(), ImportError> {
        match self.first {
            Some(e) if self.lines_read == 0 && b.current_span_count() == 0 => Err(e),
            _ => Ok(()),
        }
    }
}

//! Warnings: what was odd about the input, kept without aborting the import.

use crate::id::SourceId;
use rustc_hash::FxHashMap;

/// What kind of problem a warning reports. The snake_case names are part of the public JSON.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum WarningCode {
    /// A span's parent is not in the set.
    Orphan,
    /// Two spans of one trace share a span id.
    DuplicateSpanId,
    /// Parent links formed a cycle, which was cut.
    Cycle,
    /// An id of the wrong length or alphabet, kept as given.
    BadId,
    /// A line of a JSON Lines file could not be read and was skipped.
    BadLine,
    /// The file ended early or broke off; what came before was kept.
    Truncated,
    /// A field had a value of the wrong type or out of range.
    BadValue,
    /// A required field was missing.
    MissingField,
    /// A span ends before it starts.
    ReversedTime,
    /// A limit (size, depth, count) was reached.
    Limit,
    /// Bytes of a text file that are not UTF-8 were read as U+FFFD replacement characters.
    InvalidUtf8,
    /// A note of a bundle whose span is not in the set, by id or by path.
    DetachedNote,
    /// More warnings of one code than are listed one by one.
    More,
}

impl WarningCode {
    /// The public snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::Orphan => "orphan",
            WarningCode::DuplicateSpanId => "duplicate_span_id",
            WarningCode::Cycle => "cycle",
            WarningCode::BadId => "bad_id",
            WarningCode::BadLine => "bad_line",
            WarningCode::Truncated => "truncated",
            WarningCode::BadValue => "bad_value",
            WarningCode::MissingField => "missing_field",
            WarningCode::ReversedTime => "reversed_time",
            WarningCode::Limit => "limit",
            WarningCode::InvalidUtf8 => "invalid_utf8",
            WarningCode::DetachedNote => "detached_note",
            WarningCode::More => "more",
        }
    }
}

/// One warning, attached to the file it concerns.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Warning {
    /// Kind.
    pub code: WarningCode,
    /// The file it concerns, if one.
    pub source: Option<SourceId>,
    /// What happened, where, and what was done about it.
    pub message: String,
}

/// How many warnings of one code and file are listed one by one; the rest are counted.
pub const WARNINGS_LISTED_PER_CODE: u32 = 50;

/// Collects warnings, listing the first few of each (file, code) and counting the rest.
#[derive(Debug, Default, Clone)]
pub(crate) struct WarningSink {
    pub(crate) list: Vec<Warning>,
    counts: FxHashMap<(Option<SourceId>, WarningCode), u32>,
}

impl WarningSink {
    pub(crate) fn push(
        &mut self,
        source: Option<SourceId>,
        code: WarningCode,
        message: impl FnOnce() -> String,
    ) {
        let n = self.counts.entry((source, code)).or_insert(0);
        *n += 1;
        if *n <= WARNINGS_LISTED_PER_CODE {
            self.list.push(Warning {
                code,
                source,
                message: message(),
            });
        }
    }

    /// Appends one summary per (file, code) whose warnings were not all listed, and returns the list.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        let mut over: Vec<_> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > WARNINGS_LISTED_PER_CODE)
            .map(|(k, n)| (*k, *n))
            .collect();
        over.sort();
        for ((source, code), n) in over {
            self.list.push(Warning {
                code: WarningCode::More,
                source,
                message: format!(
                    "{} more `{}` warnings like the ones above ({n} in all)",
                    n - WARNINGS_LISTED_PER_CODE,
                    code.as_str()
                ),
            });
        }
        self.list
    }

    pub(crate) fn truncate_source(&mut self, source: SourceId) {
        self.list.retain(|w| w.source != Some(source));
        self.counts.retain(|(s, _), _| *s != Some(source));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_first_and_counts_the_rest() {
        let mut sink = WarningSink::default();
        for i in 0..(WARNINGS_LISTED_PER_CODE + 7) {
            sink.push(Some(SourceId(0)), WarningCode::Orphan, || {
                format!("orphan {i}")
            });
        }
        sink.push(Some(SourceId(0)), WarningCode::BadId, || "bad".into());
        let list = sink.finish();
        let orphans = list
            .iter()
            .filter(|w| w.code == WarningCode::Orphan)
            .count();
        assert_eq!(orphans, WARNINGS_LISTED_PER_CODE as usize);
        let more: Vec<_> = list
            .iter()
            .filter(|w| w.code == WarningCode::More)
            .collect();
        assert_eq!(more.len(), 1);
        assert!(more[0].message.starts_with("7 more `orphan` warnings"));
    }
}

//! Errors of the core: a file that could not be read at all.

/// Why an input could not be imported at all. (Problems inside a file that still yields spans
/// are [`crate::Warning`]s instead.)
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file is empty or only whitespace.
    #[error("{file}: the file is empty; expected a trace file (OTLP JSON, …)")]
    Empty {
        /// File name.
        file: String,
    },
    /// No importer recognised the content.
    #[error("{file}: not a trace format Loupe reads. Tried: {}", tried.iter().map(|(f, why)| format!("{f} ({why})")).collect::<Vec<_>>().join("; "))]
    Unrecognized {
        /// File name.
        file: String,
        /// Each importer tried, with why it said no.
        tried: Vec<(&'static str, String)>,
    },
    /// The content is the right format but broken before any span could be read.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// Gzip data that does not decompress.
    #[error("{file}: gzip data is corrupt ({message}); re-download or decompress it first")]
    Gzip {
        /// File name.
        file: String,
        /// Decoder's message.
        message: String,
    },
    /// A configured limit was exceeded.
    #[error("{file}: {message}")]
    Limit {
        /// File name.
        file: String,
        /// Which limit, its value, and how to raise it.
        message: String,
    },
}

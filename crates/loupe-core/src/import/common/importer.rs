//! The [`Importer`] trait every format implements, the [`Input`] it reads and the [`Limits`] it honours.

use crate::builder::Builder;
use crate::error::ImportError;
pub use crate::limits::Limits;

/// One input file as an importer sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Name for messages.
    pub name: &'a str,
    /// Content, decompressed.
    pub bytes: &'a [u8],
    /// Limits the importer honours (value size, attribute count, nesting depth).
    pub limits: Limits,
}

/// A trace format.
pub trait Importer: Sync + std::fmt::Debug {
    /// Short name, as used in reports (`otlp-json`).
    fn format(&self) -> &'static str;

    /// Whether `bytes` look like this format. `Err` says why not, for the message listing what was tried.
    /// `bytes` is the whole input, leading whitespace included (a binary format may begin with bytes
    /// that look like whitespace: protobuf's first tag is 0x0a); text formats skip it themselves.
    fn sniff(&self, bytes: &[u8]) -> Result<(), String>;

    /// Reads every span it can into `builder`. Problems that leave spans readable become warnings;
    /// an `Err` means the rest of the file could not be read (spans read before it are kept).
    fn import(&self, input: &Input<'_>, builder: &mut Builder) -> Result<(), ImportError>;

    /// Whether the format is text (UTF-8). Bytes of a text file that are not UTF-8 are read as
    /// replacement characters, with a warning, so one bad byte does not cost the whole file.
    fn is_text(&self) -> bool {
        true
    }
}

//! The [`Importer`] trait every format implements, the [`Input`] it reads and the [`Limits`] it honours.

use crate::builder::Builder;
use crate::error::ImportError;

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
}

/// Size limits that protect the tab and the process from hostile files. The first two reject a
/// file; the others keep what fits and say what was cut in a `limit` warning. Every importer
/// honours them: the builder applies them to what is added. JSON itself nests at
/// most 128 levels (serde_json's recursion limit; deeper input is a syntax error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes, before decompression.
    pub max_file_bytes: usize,
    /// Largest decompressed size of a gzip input, in bytes.
    pub max_decompressed_bytes: usize,
    /// Longest string value kept, in bytes: a longer one is cut (at a character boundary).
    pub max_value_bytes: usize,
    /// Most attributes kept in one list (a span's, an event's, a link's, a resource's, a scope's
    /// or one key-value list), and most items kept in one array; the rest are skipped.
    pub max_attrs_per_span: usize,
    /// Deepest nesting of arrays and key-value lists in one attribute value; a deeper list is
    /// replaced by an empty value (OTLP), or kept as its JSON text, itself cut at
    /// `max_value_bytes` (formats whose values are plain JSON: Jaeger, Zipkin, span events,
    /// any-agent, the Agents SDK).
    pub max_value_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // wasm32 cannot address more than 4 GiB; native callers may raise these.
        let max = if cfg!(target_pointer_width = "32") {
            2 << 30
        } else {
            8 << 30
        };
        Limits {
            max_file_bytes: max,
            max_decompressed_bytes: max,
            max_value_bytes: 16 << 20,
            max_attrs_per_span: 100_000,
            max_value_depth: 16,
        }
    }
}

//! The [`Limits`] every importer honours (the builder applies them).

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

/// Limits given in part (command-line flags, a JS options object): each `None` keeps the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitOverrides {
    /// See [`Limits::max_file_bytes`].
    pub max_file_bytes: Option<usize>,
    /// See [`Limits::max_decompressed_bytes`].
    pub max_decompressed_bytes: Option<usize>,
    /// See [`Limits::max_value_bytes`].
    pub max_value_bytes: Option<usize>,
    /// See [`Limits::max_attrs_per_span`].
    pub max_attrs_per_span: Option<usize>,
    /// See [`Limits::max_value_depth`].
    pub max_value_depth: Option<usize>,
}

impl LimitOverrides {
    /// The defaults with these overrides.
    pub fn limits(self) -> Limits {
        let d = Limits::default();
        Limits {
            max_file_bytes: self.max_file_bytes.unwrap_or(d.max_file_bytes),
            max_decompressed_bytes: self
                .max_decompressed_bytes
                .unwrap_or(d.max_decompressed_bytes),
            max_value_bytes: self.max_value_bytes.unwrap_or(d.max_value_bytes),
            max_attrs_per_span: self.max_attrs_per_span.unwrap_or(d.max_attrs_per_span),
            max_value_depth: self.max_value_depth.unwrap_or(d.max_value_depth),
        }
    }
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

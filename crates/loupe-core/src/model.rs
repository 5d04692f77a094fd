//! The span model: every imported file lands in one [`TraceSet`].
//!
//! Storage is columnar and index-based so a million spans stay cheap:
//! - spans live in one `Vec` addressed by `u32` ([`SpanIx`]), ordered trace by trace in depth-first
//!   pre-order, so a trace and every subtree is a contiguous index range;
//! - attributes, array items, events and links live in flat arenas, and a span holds [`Range32`]s;
//! - names, keys and short values are interned ([`Sym`]);
//! - long strings (message bodies, tool results) stay in the input bytes as [`TextId`]s and are
//!   decoded when asked for.

pub use crate::id::SourceId;
use crate::id::{SpanId, TraceId, decode_base64_vec};
use crate::intern::{Interner, Sym};
use crate::warning::Warning;
use std::borrow::Cow;

mod edit;
pub mod notes;

/// A span's position in [`TraceSet::spans`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct SpanIx(pub u32);

/// A trace's position in [`TraceSet::traces`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TraceIx(pub u32);

/// A resource's position in the resource table.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct ResourceIx(pub u32);

/// An instrumentation scope's position in the scope table.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct ScopeIx(pub u32);

/// A long string or byte value kept in (or beside) the input bytes.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct TextId(pub u32);

/// A `start..start + len` range into one of the arenas.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Range32 {
    /// First index.
    pub start: u32,
    /// Number of items.
    pub len: u32,
}

impl Range32 {
    /// The empty range.
    pub const EMPTY: Range32 = Range32 { start: 0, len: 0 };

    /// As a `usize` range for slicing.
    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }

    /// Whether it holds nothing.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// A string that lies verbatim in an input file, packed in 64 bits: file, offset, length, and
/// whether JSON escapes still need decoding. Attribute values are stored this way instead of being
/// interned: no hashing while loading, and no bytes beyond the input and the 16-byte value.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct SrcStr(u64);

impl SrcStr {
    const LEN_BITS: u32 = 20;
    const OFFSET_BITS: u32 = 33;
    const SOURCE_BITS: u32 = 10;

    /// Packs a range of a file; `None` when a field does not fit (the caller stores it another way).
    pub fn new(source: u32, offset: usize, len: usize, escaped: bool) -> Option<SrcStr> {
        if u64::from(source) >= 1 << Self::SOURCE_BITS
            || offset as u64 >= 1 << Self::OFFSET_BITS
            || len as u64 >= 1 << Self::LEN_BITS
        {
            return None;
        }
        Some(SrcStr(
            len as u64
                | (offset as u64) << Self::LEN_BITS
                | u64::from(source) << (Self::LEN_BITS + Self::OFFSET_BITS)
                | u64::from(escaped) << 63,
        ))
    }

    /// The file.
    pub fn source(self) -> u32 {
        ((self.0 >> (Self::LEN_BITS + Self::OFFSET_BITS)) & ((1 << Self::SOURCE_BITS) - 1)) as u32
    }

    /// Byte offset in the file.
    pub fn offset(self) -> usize {
        ((self.0 >> Self::LEN_BITS) & ((1 << Self::OFFSET_BITS) - 1)) as usize
    }

    /// Length in bytes as stored.
    pub fn len(self) -> usize {
        (self.0 & ((1 << Self::LEN_BITS) - 1)) as usize
    }

    /// Whether it is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether the bytes are the inside of a JSON string literal (escapes, if any, decoded on read).
    pub fn escaped(self) -> bool {
        self.0 >> 63 == 1
    }
}

/// An attribute value (OpenTelemetry's AnyValue), compact and `Copy`.
#[derive(Copy, Clone, PartialEq, Debug, Default)]
pub enum Value {
    /// No value (an empty AnyValue).
    #[default]
    Empty,
    /// A string, interned (names and values that exist nowhere verbatim).
    Str(Sym),
    /// A string lying verbatim in an input file.
    Src(SrcStr),
    /// A long string, decoded on demand.
    Text(TextId),
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A double.
    Double(f64),
    /// Bytes, decoded on demand.
    Bytes(TextId),
    /// A list of values: a range of [`TraceSet::array_values`].
    Array(Range32),
    /// A list of key-value pairs: a range of the attribute arena.
    KvList(Range32),
}

/// One attribute: an interned key and its value.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct Attr {
    /// Interned key.
    pub key: Sym,
    /// Value.
    pub value: Value,
}

/// How a long text's bytes are stored.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum TextEncoding {
    /// Plain UTF-8.
    Utf8,
    /// The inside of a JSON string literal, escapes not yet decoded.
    JsonString,
    /// The inside of a JSON string literal holding base64 (a bytes value).
    Base64Json,
    /// Raw bytes (a bytes value from a binary format).
    RawBytes,
}

/// Where a long text lives.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum TextSlot {
    /// A byte range of an input file.
    Source {
        source: u32,
        start: usize,
        len: u32,
        encoding: TextEncoding,
    },
    /// Bytes that do not exist verbatim in any input.
    Owned {
        bytes: Box<[u8]>,
        encoding: TextEncoding,
    },
}

/// Span kind, as in OpenTelemetry.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
#[repr(u8)]
pub enum SpanKind {
    /// Not given.
    #[default]
    Unspecified = 0,
    /// Internal operation.
    Internal = 1,
    /// Server side of a request.
    Server = 2,
    /// Client side of a request.
    Client = 3,
    /// Producer of a message.
    Producer = 4,
    /// Consumer of a message.
    Consumer = 5,
}

impl SpanKind {
    /// From OTLP's enum number.
    pub fn from_otlp(n: i64) -> Option<Self> {
        Some(match n {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// From a name such as `SPAN_KIND_SERVER`, `server` or `SERVER`.
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.strip_prefix("SPAN_KIND_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unspecified" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// Lowercase name (`server`, `client`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// Status code, as in OpenTelemetry.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
#[repr(u8)]
pub enum StatusCode {
    /// Not set.
    #[default]
    Unset = 0,
    /// Explicitly OK.
    Ok = 1,
    /// Failed.
    Error = 2,
}

impl StatusCode {
    /// From OTLP's enum number.
    pub fn from_otlp(n: i64) -> Option<Self> {
        Some(match n {
            0 => StatusCode::Unset,
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => return None,
        })
    }

    /// From a name such as `STATUS_CODE_ERROR`, `ERROR` or `error`.
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.strip_prefix("STATUS_CODE_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unset" => StatusCode::Unset,
            "ok" => StatusCode::Ok,
            "error" => StatusCode::Error,
            _ => return None,
        })
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

/// A span event.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct Event {
    /// Unix time in nanoseconds.
    pub time_unix_ns: u64,
    /// Interned name.
    pub name: Sym,
    /// Attributes.
    pub attrs: Range32,
    /// Attributes the producer dropped.
    pub dropped_attrs: u32,
}

/// A link to another span.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct Link {
    /// Linked trace.
    pub trace_id: TraceId,
    /// Linked span.
    pub span_id: SpanId,
    /// W3C trace state.
    pub trace_state: Sym,
    /// Attributes.
    pub attrs: Range32,
    /// Trace flags.
    pub flags: u32,
    /// Attributes the producer dropped.
    pub dropped_attrs: u32,
}

/// The entity that produced spans (`service.name`, host, SDK …).
#[derive(Copy, Clone, PartialEq, Debug, Default)]
pub struct Resource {
    /// Attributes.
    pub attrs: Range32,
    /// `service.name`, or empty.
    pub service_name: Sym,
    /// Schema URL.
    pub schema_url: Sym,
    /// Attributes the producer dropped.
    pub dropped_attrs: u32,
}

/// The instrumentation scope (library) that produced spans.
#[derive(Copy, Clone, PartialEq, Debug, Default)]
pub struct Scope {
    /// Library name.
    pub name: Sym,
    /// Library version.
    pub version: Sym,
    /// Attributes.
    pub attrs: Range32,
    /// Schema URL.
    pub schema_url: Sym,
    /// Attributes the producer dropped.
    pub dropped_attrs: u32,
}

/// Where a span came from.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Origin {
    /// The input file.
    pub source: SourceId,
    /// Byte offset into the (decompressed) input, at the span's id where the format allows.
    pub offset: u64,
}

/// Flags the tree builder sets on a span.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub struct TreeFlags(pub u8);

impl TreeFlags {
    /// Its parent id names a span that is not in the set.
    pub const ORPHAN: u8 = 1;
    /// Its parent link closed a cycle and was cut.
    pub const CYCLE_CUT: u8 = 2;
    /// Another span of the same trace has the same span id (this is the later one).
    pub const DUPLICATE_ID: u8 = 4;

    /// Whether a flag is set.
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

/// One span. Fields are public for fast analysis passes; [`TraceSet::span`] gives a friendlier view.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct Span {
    /// Its trace.
    pub trace: TraceIx,
    /// Span id.
    pub span_id: SpanId,
    /// Parent id as given (`None` for roots).
    pub parent_id: Option<SpanId>,
    /// Interned name.
    pub name: Sym,
    /// Kind.
    pub kind: SpanKind,
    /// Status code.
    pub status: StatusCode,
    /// Flags set by the tree builder.
    pub tree_flags: TreeFlags,
    /// Status message.
    pub status_message: Sym,
    /// W3C trace state.
    pub trace_state: Sym,
    /// Trace flags (W3C).
    pub flags: u32,
    /// Start, unix ns.
    pub start_unix_ns: u64,
    /// End, unix ns.
    pub end_unix_ns: u64,
    /// Attributes.
    pub attrs: Range32,
    /// Events.
    pub events: Range32,
    /// Links.
    pub links: Range32,
    /// Resource.
    pub resource: ResourceIx,
    /// Instrumentation scope.
    pub scope: ScopeIx,
    /// Where it came from.
    pub origin: Origin,
    /// Dropped counts: attributes, events, links.
    pub dropped: [u32; 3],
    /// Parent in the tree (`None` for top-level spans: roots, orphans, cut cycles).
    pub parent: Option<SpanIx>,
    /// Depth in the tree (0 for top-level spans).
    pub depth: u32,
    /// One past the last span of its subtree (pre-order).
    pub subtree_end: u32,
}

impl Span {
    /// Duration in ns (0 when the end is before the start).
    pub fn duration_ns(&self) -> u64 {
        self.end_unix_ns.saturating_sub(self.start_unix_ns)
    }
}

/// A trace: a contiguous range of spans in pre-order.
#[derive(Clone, PartialEq, Debug)]
pub struct Trace {
    /// Trace id.
    pub id: TraceId,
    /// Its spans.
    pub spans: Range32,
    /// Earliest span start.
    pub start_unix_ns: u64,
    /// Latest span end.
    pub end_unix_ns: u64,
}

impl Trace {
    /// Duration in ns.
    pub fn duration_ns(&self) -> u64 {
        self.end_unix_ns.saturating_sub(self.start_unix_ns)
    }
}

/// An input file, kept whole: long strings point into it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Source {
    /// Name as given by the caller (a path, or a file name in the browser).
    pub name: String,
    /// Importer that read it (`otlp-json`, …).
    pub format: &'static str,
    /// The bytes, after decompression.
    pub bytes: Vec<u8>,
    /// Size on disk when the input was compressed.
    pub compressed_len: Option<usize>,
    /// Spans it contributed.
    pub span_count: u32,
}

/// Everything loaded from one or more files.
#[derive(Debug, Default)]
pub struct TraceSet {
    pub(crate) strings: Interner,
    pub(crate) sources: Vec<Source>,
    pub(crate) spans: Vec<Span>,
    pub(crate) traces: Vec<Trace>,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) array_values: Vec<Value>,
    pub(crate) events: Vec<Event>,
    pub(crate) links: Vec<Link>,
    pub(crate) resources: Vec<Resource>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) texts: Vec<TextSlot>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) notes: notes::Notes,
}

impl TraceSet {
    /// Notes on its spans and traces, the tour and the bundles they came from.
    pub fn notes(&self) -> &notes::Notes {
        &self.notes
    }

    /// The notes, to add, edit or remove them. Notes should point at spans of this set (see
    /// [`crate::notes::attach`]).
    pub fn notes_mut(&mut self) -> &mut notes::Notes {
        &mut self.notes
    }

    /// The string pool.
    pub fn strings(&self) -> &Interner {
        &self.strings
    }

    /// Resolves an interned string.
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.resolve(sym)
    }

    /// Input files, in the order they were added.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Every span, trace by trace, in pre-order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Number of spans.
    pub fn span_count(&self) -> usize {
        self.spans.len()
    }

    /// Every trace, by start time.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// Warnings from import and tree building.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// One span's raw record.
    pub fn span_record(&self, ix: SpanIx) -> &Span {
        &self.spans[ix.0 as usize]
    }

    /// A friendlier view of one span.
    pub fn span(&self, ix: SpanIx) -> SpanRef<'_> {
        SpanRef {
            set: self,
            ix,
            rec: &self.spans[ix.0 as usize],
        }
    }

    /// The spans of a trace, in pre-order.
    pub fn trace_spans(&self, trace: TraceIx) -> impl Iterator<Item = SpanRef<'_>> {
        let t = &self.traces[trace.0 as usize];
        t.spans.as_range().map(|i| self.span(SpanIx(i as u32)))
    }

    /// Top-level spans of a trace (roots, orphans, spans whose cyclic parent link was cut), by start.
    pub fn top_level(&self, trace: TraceIx) -> TopLevel<'_> {
        let t = &self.traces[trace.0 as usize];
        TopLevel {
            spans: &self.spans,
            next: t.spans.start,
            end: t.spans.start + t.spans.len,
        }
    }

    /// Direct children of a span, by start time.
    pub fn children(&self, ix: SpanIx) -> TopLevel<'_> {
        let s = &self.spans[ix.0 as usize];
        TopLevel {
            spans: &self.spans,
            next: ix.0 + 1,
            end: s.subtree_end,
        }
    }

    /// A resource.
    pub fn resource(&self, ix: ResourceIx) -> &Resource {
        &self.resources[ix.0 as usize]
    }

    /// An instrumentation scope.
    pub fn scope(&self, ix: ScopeIx) -> &Scope {
        &self.scopes[ix.0 as usize]
    }

    /// Attributes in a range.
    pub fn attrs(&self, range: Range32) -> &[Attr] {
        &self.attrs[range.as_range()]
    }

    /// Values of an array value.
    pub fn array(&self, range: Range32) -> &[Value] {
        &self.array_values[range.as_range()]
    }

    /// Events in a range.
    pub fn events(&self, range: Range32) -> &[Event] {
        &self.events[range.as_range()]
    }

    /// Links in a range.
    pub fn links(&self, range: Range32) -> &[Link] {
        &self.links[range.as_range()]
    }

    /// Decodes a long text. Invalid escapes (possible only in hand-made files) decode lossily.
    pub fn text(&self, id: TextId) -> Cow<'_, str> {
        let (bytes, encoding) = self.text_bytes(id);
        match encoding {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes),
            TextEncoding::JsonString | TextEncoding::Base64Json => decode_json_string(bytes),
            TextEncoding::RawBytes => String::from_utf8_lossy(bytes),
        }
    }

    /// Decodes a bytes value.
    pub fn bytes(&self, id: TextId) -> Cow<'_, [u8]> {
        let (bytes, encoding) = self.text_bytes(id);
        match encoding {
            TextEncoding::RawBytes | TextEncoding::Utf8 => Cow::Borrowed(bytes),
            TextEncoding::JsonString => match decode_json_string(bytes) {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            },
            TextEncoding::Base64Json => {
                let text = decode_json_string(bytes);
                Cow::Owned(decode_base64_vec(&text).unwrap_or_else(|| text.as_bytes().to_vec()))
            }
        }
    }

    /// Length in bytes of a long text as stored (before decoding).
    pub fn text_len(&self, id: TextId) -> usize {
        self.text_bytes(id).0.len()
    }

    fn text_bytes(&self, id: TextId) -> (&[u8], TextEncoding) {
        match &self.texts[id.0 as usize] {
            TextSlot::Source {
                source,
                start,
                len,
                encoding,
            } => (
                &self.sources[*source as usize].bytes[*start..*start + *len as usize],
                *encoding,
            ),
            TextSlot::Owned { bytes, encoding } => (bytes, *encoding),
        }
    }

    /// Decodes a string lying in an input file.
    pub fn src_str(&self, s: SrcStr) -> Cow<'_, str> {
        let bytes = self
            .sources
            .get(s.source() as usize)
            .and_then(|src| src.bytes.get(s.offset()..s.offset() + s.len()))
            .unwrap_or_default();
        if s.escaped() {
            decode_json_string(bytes)
        } else {
            // Strict decoding is much faster than the lossy decoder; lossy only for bad input.
            match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            }
        }
    }

    /// Resolves a value for reading.
    pub fn value(&self, v: Value) -> ValueRef<'_> {
        match v {
            Value::Empty => ValueRef::Empty,
            Value::Str(s) => ValueRef::Str(Cow::Borrowed(self.str(s))),
            Value::Src(s) => ValueRef::Str(self.src_str(s)),
            Value::Text(t) => ValueRef::Str(self.text(t)),
            Value::Bool(b) => ValueRef::Bool(b),
            Value::Int(i) => ValueRef::Int(i),
            Value::Double(d) => ValueRef::Double(d),
            Value::Bytes(t) => ValueRef::Bytes(self.bytes(t)),
            Value::Array(r) => ValueRef::Array(self.array(r)),
            Value::KvList(r) => ValueRef::KvList(self.attrs(r)),
        }
    }

    /// A string value's bytes as stored, before any decoding (`None` for other values).
    pub fn value_raw_bytes(&self, v: Value) -> Option<&[u8]> {
        match v {
            Value::Str(s) => Some(self.str(s).as_bytes()),
            Value::Src(s) => self
                .sources
                .get(s.source() as usize)
                .and_then(|src| src.bytes.get(s.offset()..s.offset() + s.len())),
            Value::Text(t) => Some(self.text_bytes(t).0),
            _ => None,
        }
    }

    /// A value as JSON: strings as strings (JSON inside them is not parsed), bytes as base64,
    /// arrays and key-value lists as arrays and objects.
    pub fn value_json(&self, v: Value) -> serde_json::Value {
        match self.value(v) {
            ValueRef::Empty => serde_json::Value::Null,
            ValueRef::Str(s) => serde_json::Value::String(s.into_owned()),
            ValueRef::Bool(b) => b.into(),
            ValueRef::Int(i) => i.into(),
            ValueRef::Double(d) => d.into(),
            ValueRef::Bytes(b) => crate::id::encode_base64(&b).into(),
            ValueRef::Array(items) => items.iter().map(|&i| self.value_json(i)).collect(),
            ValueRef::KvList(kvs) => kvs
                .iter()
                .map(|a| (self.str(a.key).to_owned(), self.value_json(a.value)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// The string content of a value, if it is a string.
    pub fn value_str(&self, v: Value) -> Option<Cow<'_, str>> {
        match v {
            Value::Str(s) => Some(Cow::Borrowed(self.str(s))),
            Value::Src(s) => Some(self.src_str(s)),
            Value::Text(t) => Some(self.text(t)),
            _ => None,
        }
    }

    /// Line and column (1-based, column in bytes) of a byte offset in a source.
    pub fn line_column(&self, source: SourceId, offset: u64) -> (usize, usize) {
        line_column(&self.sources[source.0 as usize].bytes, offset as usize)
    }

    /// Approximate heap bytes held, input bytes included.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let texts_owned: usize = self
            .texts
            .iter()
            .map(|t| match t {
                TextSlot::Owned { bytes, .. } => bytes.len(),
                TextSlot::Source { .. } => 0,
            })
            .sum();
        self.strings.heap_bytes()
            + self
                .sources
                .iter()
                .map(|s| s.bytes.capacity())
                .sum::<usize>()
            + self.spans.capacity() * size_of::<Span>()
            + self.traces.capacity() * size_of::<Trace>()
            + self.attrs.capacity() * size_of::<Attr>()
            + self.array_values.capacity() * size_of::<Value>()
            + self.events.capacity() * size_of::<Event>()
            + self.links.capacity() * size_of::<Link>()
            + self.resources.capacity() * size_of::<Resource>()
            + self.scopes.capacity() * size_of::<Scope>()
            + self.texts.capacity() * size_of::<TextSlot>()
            + texts_owned
            + self
                .warnings
                .iter()
                .map(|w| w.message.capacity())
                .sum::<usize>()
    }
}

/// Iterates sibling spans by jumping over subtrees.
#[derive(Debug, Clone)]
pub struct TopLevel<'a> {
    spans: &'a [Span],
    next: u32,
    end: u32,
}

impl Iterator for TopLevel<'_> {
    type Item = SpanIx;
    fn next(&mut self) -> Option<SpanIx> {
        if self.next >= self.end {
            return None;
        }
        let ix = self.next;
        self.next = self.spans[ix as usize].subtree_end;
        Some(SpanIx(ix))
    }
}

/// A resolved value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueRef<'a> {
    /// No value.
    Empty,
    /// A string.
    Str(Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A double.
    Double(f64),
    /// Bytes.
    Bytes(Cow<'a, [u8]>),
    /// Items of an array.
    Array(&'a [Value]),
    /// Pairs of a key-value list.
    KvList(&'a [Attr]),
}

/// A span with its set, for convenient reading.
#[derive(Debug, Clone, Copy)]
pub struct SpanRef<'a> {
    /// The set.
    pub set: &'a TraceSet,
    /// Its index.
    pub ix: SpanIx,
    /// Its record.
    pub rec: &'a Span,
}

impl<'a> SpanRef<'a> {
    /// Name.
    pub fn name(&self) -> &'a str {
        self.set.str(self.rec.name)
    }

    /// Span id for display.
    pub fn span_id(&self) -> String {
        self.rec.span_id.display(&self.set.strings).to_string()
    }

    /// Parent id as given, for display.
    pub fn parent_id(&self) -> Option<String> {
        self.rec
            .parent_id
            .map(|p| p.display(&self.set.strings).to_string())
    }

    /// Trace id for display.
    pub fn trace_id(&self) -> String {
        self.set.traces[self.rec.trace.0 as usize]
            .id
            .display(&self.set.strings)
            .to_string()
    }

    /// Duration in ns.
    pub fn duration_ns(&self) -> u64 {
        self.rec.duration_ns()
    }

    /// Its attributes.
    pub fn attrs(&self) -> &'a [Attr] {
        self.set.attrs(self.rec.attrs)
    }

    /// The value of one attribute.
    pub fn attr(&self, key: &str) -> Option<Value> {
        let sym = self.set.strings.get(key)?;
        self.attrs().iter().find(|a| a.key == sym).map(|a| a.value)
    }

    /// The service that produced it (`service.name`), or empty.
    pub fn service(&self) -> &'a str {
        self.set
            .str(self.set.resources[self.rec.resource.0 as usize].service_name)
    }

    /// Whether its status is error.
    pub fn is_error(&self) -> bool {
        self.rec.status == StatusCode::Error
    }
}

/// Decodes the inside of a JSON string literal; borrows when there is nothing to unescape.
pub(crate) fn decode_json_string(inner: &[u8]) -> Cow<'_, str> {
    if !inner.contains(&b'\\') {
        return match std::str::from_utf8(inner) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(inner),
        };
    }
    let mut quoted = Vec::with_capacity(inner.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(inner);
    quoted.push(b'"');
    match serde_json::from_slice::<String>(&quoted) {
        Ok(s) => Cow::Owned(s),
        Err(_) => String::from_utf8_lossy(inner).into_owned().into(),
    }
}

/// 1-based line and byte column of `offset` in `bytes`.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes_stay_small() {
        // A million spans must fit comfortably: keep the hot records compact.
        assert!(size_of::<Span>() <= 144, "{}", size_of::<Span>());
        assert!(size_of::<Attr>() <= 24);
        assert!(size_of::<Value>() <= 16);
    }

    #[test]
    fn source_strings_pack_and_unpack() {
        let s = SrcStr::new(1023, (1 << 33) - 1, (1 << 20) - 1, true).expect("fits");
        assert_eq!(
            (s.source(), s.offset(), s.len(), s.escaped()),
            (1023, (1 << 33) - 1, (1 << 20) - 1, true)
        );
        let s = SrcStr::new(3, 12, 5, false).expect("fits");
        assert_eq!(
            (s.source(), s.offset(), s.len(), s.escaped()),
            (3, 12, 5, false)
        );
        assert!(SrcStr::new(1024, 0, 0, false).is_none());
        assert!(SrcStr::new(0, 1 << 33, 0, false).is_none());
        assert!(SrcStr::new(0, 0, 1 << 20, false).is_none());
    }

    #[test]
    fn line_column_counts_from_one() {
        let text = b"ab\ncd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(line_column(text, 6), (3, 1));
    }

    #[test]
    fn json_string_decoding() {
        assert_eq!(decode_json_string(br#"plain"#), "plain");
        assert_eq!(decode_json_string(br#"a\"b\u00e9\n"#), "a\"b\u{e9}\n");
    }

    #[test]
    fn kind_and_status_names() {
        assert_eq!(
            SpanKind::from_name("SPAN_KIND_SERVER"),
            Some(SpanKind::Server)
        );
        assert_eq!(SpanKind::from_name("client"), Some(SpanKind::Client));
        assert_eq!(SpanKind::from_otlp(4), Some(SpanKind::Producer));
        assert_eq!(SpanKind::from_otlp(9), None);
        assert_eq!(
            StatusCode::from_name("STATUS_CODE_ERROR"),
            Some(StatusCode::Error)
        );
        assert_eq!(StatusCode::from_otlp(1), Some(StatusCode::Ok));
    }
}

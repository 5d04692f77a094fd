//! The builder importers write into. [`Builder::finish`] links the tree and returns a [`TraceSet`].

use crate::id::{SpanId, TraceId};
use crate::intern::Sym;
use crate::limits::Limits;
use crate::model::{
    Attr, Event, Link, Origin, Range32, Resource, ResourceIx, Scope, ScopeIx, Source, SourceId,
    Span, SpanKind, SrcStr, StatusCode, TextEncoding, TextId, TextSlot, TraceIx, TraceSet,
    TreeFlags, Value,
};
use crate::warning::{WarningCode, WarningSink};
use rustc_hash::FxHashMap;

/// Strings shorter than this are interned; longer ones stay where they are and decode on demand.
pub const INLINE_STRING_MAX: usize = 96;

/// A span as an importer hands it over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewSpan {
    /// Trace id.
    pub trace_id: TraceId,
    /// Span id.
    pub span_id: SpanId,
    /// Parent id (`None` for a root).
    pub parent_id: Option<SpanId>,
    /// Interned name.
    pub name: Sym,
    /// Kind.
    pub kind: SpanKind,
    /// Status code.
    pub status: StatusCode,
    /// Status message.
    pub status_message: Sym,
    /// W3C trace state.
    pub trace_state: Sym,
    /// Trace flags.
    pub flags: u32,
    /// Start, unix ns.
    pub start_unix_ns: u64,
    /// End, unix ns.
    pub end_unix_ns: u64,
    /// Attributes (from [`Builder::commit_attrs`]).
    pub attrs: Range32,
    /// Events (from [`Builder::commit_events`]).
    pub events: Range32,
    /// Links (from [`Builder::commit_links`]).
    pub links: Range32,
    /// Resource.
    pub resource: ResourceIx,
    /// Scope.
    pub scope: ScopeIx,
    /// Byte offset in the input where the span is.
    pub offset: u64,
    /// Dropped counts: attributes, events, links.
    pub dropped: [u32; 3],
}

impl NewSpan {
    /// A span with the given ids and name and everything else empty.
    pub fn new(trace_id: TraceId, span_id: SpanId, name: Sym) -> Self {
        NewSpan {
            trace_id,
            span_id,
            parent_id: None,
            name,
            kind: SpanKind::Unspecified,
            status: StatusCode::Unset,
            status_message: Sym::EMPTY,
            trace_state: Sym::EMPTY,
            flags: 0,
            start_unix_ns: 0,
            end_unix_ns: 0,
            attrs: Range32::EMPTY,
            events: Range32::EMPTY,
            links: Range32::EMPTY,
            resource: ResourceIx(0),
            scope: ScopeIx(0),
            offset: 0,
            dropped: [0; 3],
        }
    }
}

/// Lengths of every table, to undo a file that failed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checkpoint {
    strings: usize,
    spans: usize,
    traces: usize,
    attrs: usize,
    values: usize,
    events: usize,
    links: usize,
    resources: usize,
    scopes: usize,
    texts: usize,
    source_spans: u32,
}

/// Collects spans from importers. Spans of one trace id join one trace, whatever file they came from.
#[derive(Debug)]
pub struct Builder {
    pub(crate) set: TraceSet,
    trace_map: FxHashMap<TraceId, u32>,
    pub(crate) warnings: WarningSink,
    current: SourceId,
    /// First resource added by the current file.
    file_first_resource: usize,
    /// The trace of the last span added, and its index.
    last_trace: Option<(TraceId, u32)>,
    attr_scratch: Vec<Attr>,
    value_scratch: Vec<Value>,
    event_scratch: Vec<Event>,
    link_scratch: Vec<Link>,
    /// Limits of the file being read: applied here, so every importer honours them.
    limits: Limits,
}

impl Default for Builder {
    fn default() -> Self {
        let mut set = TraceSet::default();
        // Index 0 of resources and scopes is the empty one, for formats without them.
        set.resources.push(Resource::default());
        set.scopes.push(Scope::default());
        Builder {
            set,
            trace_map: FxHashMap::default(),
            warnings: WarningSink::default(),
            current: SourceId(0),
            file_first_resource: 0,
            last_trace: None,
            attr_scratch: Vec::new(),
            value_scratch: Vec::new(),
            event_scratch: Vec::new(),
            link_scratch: Vec::new(),
            limits: Limits::default(),
        }
    }
}

impl Builder {
    /// Adds more files to a finished set: its spans are kept and the tree is rebuilt by the next `finish`.
    pub fn from_set(mut set: TraceSet) -> Self {
        let mut trace_map = FxHashMap::default();
        for (i, t) in set.traces.iter().enumerate() {
            trace_map.insert(t.id, i as u32);
        }
        let mut warnings = WarningSink::default();
        // Import warnings are kept; tree warnings are recomputed.
        for w in set.warnings.drain(..) {
            if !matches!(
                w.code,
                WarningCode::Orphan
                    | WarningCode::DuplicateSpanId
                    | WarningCode::Cycle
                    | WarningCode::More
            ) {
                let message = w.message;
                warnings.push(w.source, w.code, || message);
            }
        }
        for s in &mut set.spans {
            s.tree_flags = TreeFlags::default();
        }
        Builder {
            set,
            trace_map,
            warnings,
            current: SourceId(0),
            file_first_resource: 0,
            last_trace: None,
            attr_scratch: Vec::new(),
            value_scratch: Vec::new(),
            event_scratch: Vec::new(),
            link_scratch: Vec::new(),
            limits: Limits::default(),
        }
    }

    /// Registers an input file; later calls attach to it. Its bytes are stored by [`Builder::set_source_bytes`].
    pub(crate) fn begin_source(
        &mut self,
        name: &str,
        format: &'static str,
        compressed_len: Option<usize>,
    ) -> SourceId {
        let id = SourceId(self.set.sources.len() as u32);
        self.set.sources.push(Source {
            name: name.to_owned(),
            format,
            bytes: Vec::new(),
            compressed_len,
            span_count: 0,
        });
        self.current = id;
        self.file_first_resource = self.set.resources.len();
        id
    }

    pub(crate) fn set_source_bytes(&mut self, source: SourceId, bytes: Vec<u8>) {
        self.set.sources[source.0 as usize].bytes = bytes;
        self.resolve_service_names();
    }

    /// The file being imported.
    pub fn source(&self) -> SourceId {
        self.current
    }

    /// Spans added so far from the current file.
    pub fn current_span_count(&self) -> u32 {
        self.set.sources[self.current.0 as usize].span_count
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            strings: self.set.strings.len(),
            spans: self.set.spans.len(),
            traces: self.set.traces.len(),
            attrs: self.set.attrs.len(),
            values: self.set.array_values.len(),
            events: self.set.events.len(),
            links: self.set.links.len(),
            resources: self.set.resources.len(),
            scopes: self.set.scopes.len(),
            texts: self.set.texts.len(),
            source_spans: self
                .set
                .sources
                .get(self.current.0 as usize)
                .map_or(0, |s| s.span_count),
        }
    }

    /// Undoes what the current file added since `cp`, taken after [`Builder::begin_source`], and
    /// its warnings: an importer that gave up can then read the file again another way.
    pub(crate) fn rollback_source(&mut self, cp: Checkpoint) {
        let source = self.current;
        self.truncate_tables(cp);
        self.set.sources[source.0 as usize].span_count = cp.source_spans;
        self.warnings.truncate_source(source);
    }

    fn truncate_tables(&mut self, cp: Checkpoint) {
        let s = &mut self.set;
        s.strings.truncate(cp.strings);
        s.spans.truncate(cp.spans);
        s.traces.truncate(cp.traces);
        self.trace_map.retain(|_, ix| (*ix as usize) < cp.traces);
        self.last_trace = None;
        s.attrs.truncate(cp.attrs);
        s.array_values.truncate(cp.values);
        s.events.truncate(cp.events);
        s.links.truncate(cp.links);
        s.resources.truncate(cp.resources);
        s.scopes.truncate(cp.scopes);
        s.texts.truncate(cp.texts);
        self.attr_scratch.clear();
        self.value_scratch.clear();
        self.event_scratch.clear();
        self.link_scratch.clear();
    }

    /// Undoes everything since `cp`, including the file registered after it.
    pub(crate) fn rollback(&mut self, cp: Checkpoint, source: SourceId) {
        self.truncate_tables(cp);
        self.set.sources.truncate(source.0 as usize);
        self.warnings.truncate_source(source);
    }

    /// Interns a string.
    pub fn intern(&mut self, s: &str) -> Sym {
        self.set.strings.intern(s)
    }

    /// Resolves an interned string.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.set.strings.resolve(sym)
    }

    /// Sets the limits applied to what the importers add from now on.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Records a warning about the current file.
    pub fn warn(&mut self, code: WarningCode, message: impl FnOnce() -> String) {
        self.warnings.push(Some(self.current), code, message);
    }

    /// A long text that lies verbatim in the current file at `start..start + len`.
    pub fn text_in_source(&mut self, start: usize, len: usize, encoding: TextEncoding) -> TextId {
        let id = TextId(self.set.texts.len() as u32);
        self.set.texts.push(TextSlot::Source {
            source: self.current.0,
            start,
            len: u32::try_from(len).unwrap_or(u32::MAX),
            encoding,
        });
        id
    }

    /// A string value lying verbatim at `start..start + len` of the current file (`escaped`: JSON
    /// escapes still to decode). Falls back to a text slot when it cannot be packed.
    pub fn source_str(&mut self, start: usize, len: usize, escaped: bool) -> Value {
        match SrcStr::new(self.current.0, start, len, escaped) {
            Some(s) => Value::Src(s),
            None => Value::Text(self.text_in_source(
                start,
                len,
                if escaped {
                    TextEncoding::JsonString
                } else {
                    TextEncoding::Utf8
                },
            )),
        }
    }

    /// A long text that exists nowhere verbatim.
    pub fn text_owned(&mut self, bytes: Box<[u8]>, encoding: TextEncoding) -> TextId {
        let id = TextId(self.set.texts.len() as u32);
        self.set.texts.push(TextSlot::Owned { bytes, encoding });
        id
    }

    /// A string value: interned when short, stored as a text when long, cut (at a character
    /// boundary, with a `limit` warning) when over `max_value_bytes`.
    pub fn string_value(&mut self, s: &str) -> Value {
        let s = self.capped(s);
        if s.len() < INLINE_STRING_MAX {
            Value::Str(self.intern(s))
        } else {
            Value::Text(self.text_owned(s.as_bytes().into(), TextEncoding::Utf8))
        }
    }

    /// `s`, or its first `max_value_bytes` (at a character boundary) with a `limit` warning.
    pub(crate) fn capped<'s>(&mut self, s: &'s str) -> &'s str {
        let max = self.limits.max_value_bytes;
        if s.len() <= max {
            return s;
        }
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        let len = s.len();
        self.warn(WarningCode::Limit, || {
            format!("a string value of {len} bytes is over the limit of {max} bytes (max_value_bytes); its first {cut} bytes were kept")
        });
        &s[..cut]
    }

    /// Start of a list of attributes being collected (lists may nest).
    pub fn attr_mark(&self) -> usize {
        self.attr_scratch.len()
    }

    /// Adds an attribute to the list being collected.
    pub fn push_attr(&mut self, attr: Attr) {
        self.attr_scratch.push(attr);
    }

    /// Stores the attributes pushed since `mark` contiguously and returns their range.
    /// A list longer than `max_attrs_per_span` keeps its first ones, with a `limit` warning.
    pub fn commit_attrs(&mut self, mark: usize) -> Range32 {
        let max = self.limits.max_attrs_per_span;
        let (range, n) = commit(&mut self.attr_scratch, &mut self.set.attrs, mark, max);
        if n > max {
            self.warn(WarningCode::Limit, || {
                format!("a list of {n} attributes is over the limit of {max} (max_attrs_per_span); the first {max} were kept")
            });
        }
        range
    }

    /// Start of a list of array items being collected.
    pub fn value_mark(&self) -> usize {
        self.value_scratch.len()
    }

    /// Adds an item to the array being collected.
    pub fn push_value(&mut self, v: Value) {
        self.value_scratch.push(v);
    }

    /// Stores the items pushed since `mark` and returns their range.
    /// An array longer than `max_attrs_per_span` keeps its first items, with a `limit` warning.
    pub fn commit_values(&mut self, mark: usize) -> Range32 {
        let max = self.limits.max_attrs_per_span;
        let (range, n) = commit(
            &mut self.value_scratch,
            &mut self.set.array_values,
            mark,
            max,
        );
        if n > max {
            self.warn(WarningCode::Limit, || {
                format!("an array of {n} items is over the limit of {max} (max_attrs_per_span); the first {max} were kept")
            });
        }
        range
    }

    /// Start of a list of events being collected.
    pub fn event_mark(&self) -> usize {
        self.event_scratch.len()
    }

    /// Adds an event to the list being collected.
    pub fn push_event(&mut self, e: Event) {
        self.event_scratch.push(e);
    }

    /// Stores the events pushed since `mark` and returns their range.
    pub fn commit_events(&mut self, mark: usize) -> Range32 {
        commit(
            &mut self.event_scratch,
            &mut self.set.events,
            mark,
            usize::MAX,
        )
        .0
    }

    /// Start of a list of links being collected.
    pub fn link_mark(&self) -> usize {
        self.link_scratch.len()
    }

    /// Adds a link to the list being collected.
    pub fn push_link(&mut self, l: Link) {
        self.link_scratch.push(l);
    }

    /// Stores the links pushed since `mark` and returns their range.
    pub fn commit_links(&mut self, mark: usize) -> Range32 {
        commit(
            &mut self.link_scratch,
            &mut self.set.links,
            mark,
            usize::MAX,
        )
        .0
    }

    /// Adds a resource and returns its index.
    pub fn add_resource(&mut self, r: Resource) -> ResourceIx {
        self.set.resources.push(r);
        ResourceIx(self.set.resources.len() as u32 - 1)
    }

    /// Replaces a resource added earlier (when a format gives spans before their resource).
    pub fn set_resource(&mut self, ix: ResourceIx, r: Resource) {
        self.set.resources[ix.0 as usize] = r;
    }

    /// Adds a scope and returns its index.
    pub fn add_scope(&mut self, s: Scope) -> ScopeIx {
        self.set.scopes.push(s);
        ScopeIx(self.set.scopes.len() as u32 - 1)
    }

    /// Replaces a scope added earlier.
    pub fn set_scope(&mut self, ix: ScopeIx, s: Scope) {
        self.set.scopes[ix.0 as usize] = s;
    }

    /// Finds `service.name` among attributes when it is already interned. A name that lies in the
    /// input is resolved when the file's bytes are stored (see [`Builder::set_source_bytes`]).
    pub fn service_name_of(&self, attrs: Range32) -> Sym {
        let Some(key) = self.set.strings.get("service.name") else {
            return Sym::EMPTY;
        };
        self.set.attrs[attrs.as_range()]
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| match a.value {
                Value::Str(s) => Some(s),
                _ => None,
            })
            .unwrap_or(Sym::EMPTY)
    }

    /// Interns the `service.name` of the current file's resources whose name lies in its bytes.
    fn resolve_service_names(&mut self) {
        let Some(key) = self.set.strings.get("service.name") else {
            return;
        };
        for i in self.file_first_resource..self.set.resources.len() {
            let r = self.set.resources[i];
            if !r.service_name.is_empty() {
                continue;
            }
            let name = self.set.attrs[r.attrs.as_range()]
                .iter()
                .find(|a| a.key == key)
                .and_then(|a| self.set.value_str(a.value))
                .map(|c| c.into_owned());
            if let Some(name) = name {
                self.set.resources[i].service_name = self.set.strings.intern(&name);
            }
        }
    }

    /// Adds a span of the current file.
    pub fn add_span(&mut self, s: NewSpan) {
        let next = self.set.traces.len() as u32;
        // Consecutive spans almost always share a trace: skip the hash lookup then.
        let trace = match self.last_trace {
            Some((id, ix)) if id == s.trace_id => ix,
            _ => *self.trace_map.entry(s.trace_id).or_insert(next),
        };
        self.last_trace = Some((s.trace_id, trace));
        if trace == next {
            self.set.traces.push(crate::model::Trace {
                id: s.trace_id,
                spans: Range32::EMPTY,
                start_unix_ns: 0,
                end_unix_ns: 0,
            });
        }
        if s.end_unix_ns < s.start_unix_ns {
            let name = self.set.strings.resolve(s.name).to_owned();
            self.warn(WarningCode::ReversedTime, || {
                format!(
                    "span `{name}` ends {} ns before it starts; its duration is taken as 0",
                    s.start_unix_ns - s.end_unix_ns
                )
            });
        }
        self.set.sources[self.current.0 as usize].span_count += 1;
        self.set.spans.push(Span {
            trace: TraceIx(trace),
            span_id: s.span_id,
            parent_id: s.parent_id,
            name: s.name,
            kind: s.kind,
            status: s.status,
            tree_flags: TreeFlags::default(),
            status_message: s.status_message,
            trace_state: s.trace_state,
            flags: s.flags,
            start_unix_ns: s.start_unix_ns,
            end_unix_ns: s.end_unix_ns,
            attrs: s.attrs,
            events: s.events,
            links: s.links,
            resource: s.resource,
            scope: s.scope,
            origin: Origin {
                source: self.current,
                offset: s.offset,
            },
            dropped: s.dropped,
            parent: None,
            depth: 0,
            subtree_end: 0,
        });
    }

    /// Reserves room for about `spans` more spans (from a size estimate), so big files do not regrow
    /// their tables step by step. What is not used is given back by [`Builder::finish`].
    pub fn reserve_spans(&mut self, spans: usize) {
        self.set.spans.reserve(spans);
        self.set.attrs.reserve(spans * 10);
        self.set.texts.reserve(spans * 2);
        self.set.strings.reserve(spans * 2, spans * 48);
    }

    /// Links parents and children, orders everything, and returns the set.
    pub fn finish(self) -> TraceSet {
        let Builder {
            mut set, warnings, ..
        } = self;
        let mut warnings = warnings;
        crate::tree::link(&mut set, &mut warnings);
        set.warnings = warnings.finish();
        // Give back what size estimates reserved but did not use (a large realloc is a remap, not a copy).
        set.strings.shrink_to_fit();
        set.attrs.shrink_to_fit();
        set.array_values.shrink_to_fit();
        set.events.shrink_to_fit();
        set.links.shrink_to_fit();
        set.resources.shrink_to_fit();
        set.scopes.shrink_to_fit();
        set.texts.shrink_to_fit();
        set
    }
}

/// Moves the items collected in `scratch` since `mark` to the end of `arena`, at most `max` of
/// them; returns their range and how many there were before the cut.
fn commit<T>(
    scratch: &mut Vec<T>,
    arena: &mut Vec<T>,
    mark: usize,
    max: usize,
) -> (Range32, usize) {
    let n = scratch.len() - mark;
    scratch.truncate(mark + n.min(max));
    let start = arena.len() as u32;
    arena.extend(scratch.drain(mark..));
    let range = Range32 {
        start,
        len: arena.len() as u32 - start,
    };
    (range, n)
}

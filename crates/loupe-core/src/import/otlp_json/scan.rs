//! A hand-written reader for OTLP JSON as exporters write it, about twice as fast as the serde
//! seeds: it walks the bytes once, matches field names as byte strings, and finds string ends
//! eight bytes at a time.
//!
//! It makes exactly the builder calls the serde seeds make, in the same order, through the same
//! helpers, so a file it reads loads identically. It checks the JSON as strictly as serde_json
//! does. Whatever it does not handle itself (a syntax error, escapes in a field name or an id,
//! unusual numbers, nesting deeper than [`MAX_NEST`]) makes it give up with [`Bail`]; the caller
//! then undoes what it added and reads the file again with the seeds, which also report errors
//! with their positions.

use super::parts::{
    AttrCollector, Ctx, Id, SpanParts, capped_bytes, capped_string, count, finish_span, id_field,
    interned, keyed, too_deep,
};
use crate::builder::NewSpan;
use crate::id::{SpanId, TraceId};
use crate::import::common::{Scalar, scalar_value};
use crate::intern::Sym;
use crate::model::{Event, Link, Range32, Resource, ResourceIx, Scope, ScopeIx, StatusCode, Value};
use std::borrow::Cow;

/// The reader met something it leaves to the serde seeds.
#[derive(Debug)]
pub(super) struct Bail;

type R<T> = Result<T, Bail>;

/// Deepest nesting of objects and arrays read here (serde_json stops at 128).
const MAX_NEST: u32 = 100;

/// Reads one document (or one JSON Lines line): `text` holds it and nothing else but whitespace.
pub(super) fn document(ctx: &mut Ctx<'_>, text: &str) -> R<()> {
    let mut s = Scan {
        text,
        b: text.as_bytes(),
        pos: 0,
        nest: 0,
        ctx,
    };
    s.top()?;
    s.ws();
    if s.pos == s.b.len() {
        Ok(())
    } else {
        Err(Bail)
    }
}

struct Scan<'a, 'c, 'x> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// Objects and arrays open around the position.
    nest: u32,
    ctx: &'x mut Ctx<'c>,
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// From `i`, just after an opening quote: the index of the closing quote, and whether the string
/// holds escapes. Fails where serde_json fails: a control character, an unknown escape, `\u`
/// without four hex digits, or no closing quote.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> R<(usize, bool)> {
    let mut escaped = false;
    loop {
        // Eight bytes at a time up to a quote, a backslash or a control character: a byte is
        // flagged when it equals `"` or `\`, or is below 0x20 (the usual "has zero byte" trick;
        // borrows can only flag bytes after a true match, so the lowest flag is exact).
        while let Some(chunk) = b.get(i..i + 8) {
            let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let v = u64::from_le_bytes(word);
            let q = v ^ (LO * u64::from(b'"'));
            let s = v ^ (LO * u64::from(b'\\'));
            let m = ((q.wrapping_sub(LO) & !q)
                | (s.wrapping_sub(LO) & !s)
                | (v.wrapping_sub(LO * 0x20) & !v))
                & HI;
            if m != 0 {
                i += (m.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match b.get(i) {
            Some(b'"') => return Ok((i, escaped)),
            Some(b'\\') => {
                escaped = true;
                match b.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        let hex = b.get(i + 2..i + 6).ok_or(Bail)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(Bail);
                        }
                        i += 6;
                    }
                    _ => return Err(Bail),
                }
            }
            Some(&c) if c < 0x20 => return Err(Bail),
            Some(_) => i += 1,
            None => return Err(Bail),
        }
    }
}

/// From `i`, at a number's first byte: where it ends, checking JSON's grammar as serde_json does
/// (`-`, no leading zeros, digits after `.` and after the exponent).
fn number_end(b: &[u8], mut i: usize) -> R<usize> {
    let digits = |b: &[u8], mut i: usize| -> R<usize> {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start { Err(Bail) } else { Ok(i) }
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(Bail);
            }
        }
        Some(b'1'..=b'9') => i = digits(b, i)?,
        _ => return Err(Bail),
    }
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1)?;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        i = digits(b, i)?;
    }
    Ok(i)
}

impl<'a> Scan<'a, '_, '_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace and returns the next byte (not consumed).
    #[inline]
    fn next(&mut self) -> R<u8> {
        self.ws();
        self.peek().ok_or(Bail)
    }

    /// Consumes `[` or `{` (at the position).
    #[inline]
    fn open(&mut self) -> R<()> {
        self.nest += 1;
        self.pos += 1;
        if self.nest > MAX_NEST {
            return Err(Bail);
        }
        Ok(())
    }

    /// Consumes `word` (`true`, `false`, `null`).
    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes `null` if it is next.
    fn null(&mut self) -> R<bool> {
        if self.next()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Consumes `{` (after whitespace), failing on anything else.
    fn object(&mut self) -> R<()> {
        if self.next()? != b'{' {
            return Err(Bail);
        }
        self.open()
    }

    /// After `{`: the first key, or `None` at `}`.
    #[inline]
    fn first_key(&mut self) -> R<Option<&'a [u8]>> {
        if self.next()? == b'}' {
            self.pos += 1;
            self.nest -= 1;
            return Ok(None);
        }
        self.key().map(Some)
    }

    /// After a member's value: the next key, or `None` at `}`.
    #[inline]
    fn next_key(&mut self) -> R<Option<&'a [u8]>> {
        match self.next()? {
            b',' => {
                self.pos += 1;
                self.ws();
                self.key().map(Some)
            }
            b'}' => {
                self.pos += 1;
                self.nest -= 1;
                Ok(None)
            }
            _ => Err(Bail),
        }
    }

    /// A key and its colon. Keys with escapes are left to serde.
    #[inline]
    fn key(&mut self) -> R<&'a [u8]> {
        let key = self.plain_str()?;
        if self.next()? != b':' {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(key.as_bytes())
    }

    /// Consumes `[` (after whitespace); `false` for `null` (read as an empty list), failing on
    /// anything else.
    fn list(&mut self) -> R<bool> {
        match self.next()? {
            b'[' => {
                self.open()?;
                Ok(true)
            }
            b'n' => {
                self.literal(b"null")?;
                Ok(false)
            }
            _ => Err(Bail),
        }
    }

    /// After `[`: whether an element follows (else consumes `]`).
    #[inline]
    fn first_elem(&mut self) -> R<bool> {
        if self.next()? == b']' {
            self.pos += 1;
            self.nest -= 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After an element: whether another follows (else consumes `]`).
    #[inline]
    fn next_elem(&mut self) -> R<bool> {
        match self.next()? {
            b',' => {
                self.pos += 1;
                Ok(true)
            }
            b']' => {
                self.pos += 1;
                self.nest -= 1;
                Ok(false)
            }
            _ => Err(Bail),
        }
    }

    /// A string at the position (after whitespace): the range of its inside and whether it has escapes.
    #[inline]
    fn string(&mut self) -> R<(usize, usize, bool)> {
        if self.next()? != b'"' {
            return Err(Bail);
        }
        let start = self.pos + 1;
        let (end, escaped) = string_end(self.b, start)?;
        self.pos = end + 1;
        Ok((start, end, escaped))
    }

    /// A string without escapes, borrowed from the input.
    #[inline]
    fn plain_str(&mut self) -> R<&'a str> {
        let (start, end, escaped) = self.string()?;
        if escaped {
            return Err(Bail);
        }
        self.text.get(start..end).ok_or(Bail)
    }

    /// A number, as serde_json reads it into a [`Scalar`].
    fn number(&mut self) -> R<Scalar<'a>> {
        let start = self.pos;
        let mut end = start;
        let mut v: u64 = 0;
        while let Some(&d) = self.b.get(end).filter(|d| d.is_ascii_digit()) {
            v = v.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            end += 1;
        }
        let plain = end > start
            && end - start <= 19
            && !(end - start > 1 && self.b[start] == b'0')
            && !matches!(self.b.get(end), Some(b'.' | b'e' | b'E'));
        if plain {
            // At most 19 digits always fit a u64, which is what serde_json gives for them.
            self.pos = end;
            return Ok(Scalar::U64(v));
        }
        let end = number_end(self.b, start)?;
        self.pos = end;
        let text = self.text.get(start..end).ok_or(Bail)?;
        serde_json::from_str::<Scalar<'a>>(text).map_err(|_| Bail)
    }

    /// Any value, as the seeds' [`Scalar`] reads it (strings with escapes are left to serde).
    fn scalar(&mut self) -> R<Scalar<'a>> {
        match self.next()? {
            b'"' => Ok(Scalar::Str(Cow::Borrowed(self.plain_str()?))),
            b'{' | b'[' => {
                self.skip()?;
                Ok(Scalar::Complex)
            }
            b't' => self.literal(b"true").map(|()| Scalar::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Scalar::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Scalar::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Bail),
        }
    }

    /// A string field, interned as the seeds' `interned` does.
    fn sym(&mut self) -> R<Sym> {
        let v = self.scalar()?;
        Ok(interned(self.ctx.b, &v))
    }

    /// Skips any value, checking it as serde_json's `IgnoredAny` does.
    fn skip(&mut self) -> R<()> {
        match self.next()? {
            b'"' => {
                self.string()?;
            }
            b'{' => {
                self.open()?;
                let mut k = self.first_key()?;
                while k.is_some() {
                    self.skip()?;
                    k = self.next_key()?;
                }
            }
            b'[' => {
                self.open()?;
                let mut more = self.first_elem()?;
                while more {
                    self.skip()?;
                    more = self.next_elem()?;
                }
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => self.pos = number_end(self.b, self.pos)?,
            _ => return Err(Bail),
        }
        Ok(())
    }

    /// Any value's JSON text, as serde_json's `RawValue` gives it.
    fn raw(&mut self) -> R<&'a str> {
        self.ws();
        let start = self.pos;
        self.skip()?;
        self.text.get(start..self.pos).ok_or(Bail)
    }

    /// The top-level object (`TopField`).
    fn top(&mut self) -> R<()> {
        self.object()?;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"resourceSpans" | b"resource_spans" => {
                    if self.list()? {
                        let mut more = self.first_elem()?;
                        while more {
                            self.resource_spans()?;
                            more = self.next_elem()?;
                        }
                    }
                }
                b"result" => self.top()?,
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(())
    }

    /// `ResourceSpansSeed`.
    fn resource_spans(&mut self) -> R<()> {
        self.object()?;
        let ix = self.ctx.b.add_resource(Resource::default());
        let mut resource = Resource::default();
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"resource" => {
                    let (attrs, dropped) = self.attrs_holder()?;
                    resource.attrs = attrs;
                    resource.dropped_attrs = dropped;
                    resource.service_name = self.ctx.b.service_name_of(attrs);
                }
                b"scopeSpans"
                | b"scope_spans"
                | b"instrumentationLibrarySpans"
                | b"instrumentation_library_spans" => {
                    if self.list()? {
                        let mut more = self.first_elem()?;
                        while more {
                            self.scope_spans(ix)?;
                            more = self.next_elem()?;
                        }
                    }
                }
                b"schemaUrl" | b"schema_url" => {
                    let s = self.scalar()?;
                    resource.schema_url = s.as_str().map_or(Sym::EMPTY, |s| self.ctx.b.intern(s));
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        self.ctx.b.set_resource(ix, resource);
        Ok(())
    }

    /// `AttrsHolder`: a resource's attributes and dropped count.
    fn attrs_holder(&mut self) -> R<(Range32, u32)> {
        let (mut attrs, mut dropped) = (Range32::EMPTY, 0);
        if self.null()? {
            return Ok((attrs, dropped));
        }
        self.object()?;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"attributes" => attrs = self.attr_list()?,
                b"droppedAttributesCount" | b"dropped_attributes_count" => {
                    dropped = count(&self.scalar()?);
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok((attrs, dropped))
    }

    /// `ScopeSpansSeed`.
    fn scope_spans(&mut self, resource: ResourceIx) -> R<()> {
        self.object()?;
        let ix = self.ctx.b.add_scope(Scope::default());
        let mut scope = Scope::default();
        let mut schema_url = Sym::EMPTY;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"scope" | b"instrumentationLibrary" | b"instrumentation_library" => {
                    scope = self.scope()?;
                }
                b"spans" => {
                    if self.list()? {
                        let mut more = self.first_elem()?;
                        while more {
                            self.span(resource, ix)?;
                            more = self.next_elem()?;
                        }
                    }
                }
                b"schemaUrl" | b"schema_url" => {
                    let s = self.scalar()?;
                    schema_url = s.as_str().map_or(Sym::EMPTY, |s| self.ctx.b.intern(s));
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        scope.schema_url = schema_url;
        self.ctx.b.set_scope(ix, scope);
        Ok(())
    }

    /// `ScopeSeed`.
    fn scope(&mut self) -> R<Scope> {
        let mut scope = Scope::default();
        if self.null()? {
            return Ok(scope);
        }
        self.object()?;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"name" => scope.name = self.sym()?,
                b"version" => scope.version = self.sym()?,
                b"attributes" => scope.attrs = self.attr_list()?,
                b"droppedAttributesCount" | b"dropped_attributes_count" => {
                    scope.dropped_attrs = count(&self.scalar()?);
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(scope)
    }

    /// `SpanSeed`.
    fn span(&mut self, resource: ResourceIx, scope: ScopeIx) -> R<()> {
        self.object()?;
        let mut s = NewSpan::new(
            TraceId::Raw(Sym::EMPTY),
            SpanId::Raw(Sym::EMPTY),
            Sym::EMPTY,
        );
        s.resource = resource;
        s.scope = scope;
        let mut p = SpanParts::default();
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"traceId" | b"trace_id" => p.trace_id = Some(self.scalar()?),
                b"spanId" | b"span_id" => p.span_id = Some(self.scalar()?),
                b"parentSpanId" | b"parent_span_id" => p.parent_id = Some(self.scalar()?),
                b"traceState" | b"trace_state" => {
                    s.trace_state = self.sym()?;
                }
                b"flags" => s.flags = count(&self.scalar()?),
                b"name" => s.name = self.sym()?,
                b"kind" => p.kind = Some(self.scalar()?),
                b"startTimeUnixNano" | b"start_time_unix_nano" => p.start = Some(self.scalar()?),
                b"endTimeUnixNano" | b"end_time_unix_nano" => p.end = Some(self.scalar()?),
                b"attributes" => s.attrs = self.attr_list()?,
                b"droppedAttributesCount" | b"dropped_attributes_count" => {
                    s.dropped[0] = count(&self.scalar()?);
                }
                b"events" => s.events = self.events()?,
                b"droppedEventsCount" | b"dropped_events_count" => {
                    s.dropped[1] = count(&self.scalar()?);
                }
                b"links" => s.links = self.links()?,
                b"droppedLinksCount" | b"dropped_links_count" => {
                    s.dropped[2] = count(&self.scalar()?);
                }
                b"status" => {
                    let (code, message, bad) = self.status()?;
                    s.status = code;
                    s.status_message = message;
                    p.bad_status = bad;
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        finish_span(self.ctx, s, p);
        Ok(())
    }

    /// `StatusSeed`.
    fn status(&mut self) -> R<(StatusCode, Sym, Option<String>)> {
        let (mut code, mut message, mut bad) = (StatusCode::Unset, Sym::EMPTY, None);
        if self.null()? {
            return Ok((code, message, bad));
        }
        self.object()?;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"code" => {
                    let v = self.scalar()?;
                    match v
                        .as_i64()
                        .and_then(StatusCode::from_otlp)
                        .or_else(|| v.as_str().and_then(StatusCode::from_name))
                    {
                        Some(c) => code = c,
                        None if v == Scalar::Null => {}
                        None => bad = Some(v.describe()),
                    }
                }
                b"message" => message = self.sym()?,
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok((code, message, bad))
    }

    /// `EventList`.
    fn events(&mut self) -> R<Range32> {
        if !self.list()? {
            return Ok(Range32::EMPTY);
        }
        let mark = self.ctx.b.event_mark();
        let mut more = self.first_elem()?;
        while more {
            let e = self.event()?;
            self.ctx.b.push_event(e);
            more = self.next_elem()?;
        }
        Ok(self.ctx.b.commit_events(mark))
    }

    /// `EventSeed`.
    fn event(&mut self) -> R<Event> {
        self.object()?;
        let mut e = Event {
            time_unix_ns: 0,
            name: Sym::EMPTY,
            attrs: Range32::EMPTY,
            dropped_attrs: 0,
        };
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"timeUnixNano" | b"time_unix_nano" => {
                    e.time_unix_ns = self.scalar()?.as_u64().unwrap_or(0);
                }
                b"name" => e.name = self.sym()?,
                b"attributes" => e.attrs = self.attr_list()?,
                b"droppedAttributesCount" | b"dropped_attributes_count" => {
                    e.dropped_attrs = count(&self.scalar()?);
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(e)
    }

    /// `LinkList`.
    fn links(&mut self) -> R<Range32> {
        if !self.list()? {
            return Ok(Range32::EMPTY);
        }
        let mark = self.ctx.b.link_mark();
        let mut more = self.first_elem()?;
        while more {
            let l = self.link()?;
            self.ctx.b.push_link(l);
            more = self.next_elem()?;
        }
        Ok(self.ctx.b.commit_links(mark))
    }

    /// `LinkSeed`.
    fn link(&mut self) -> R<Link> {
        self.object()?;
        let mut l = Link {
            trace_id: TraceId::Raw(Sym::EMPTY),
            span_id: SpanId::Raw(Sym::EMPTY),
            trace_state: Sym::EMPTY,
            attrs: Range32::EMPTY,
            flags: 0,
            dropped_attrs: 0,
        };
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"traceId" | b"trace_id" => {
                    l.trace_id = match id_field::<16>(&self.scalar()?) {
                        Id::Bytes(b) => TraceId::Bytes(b),
                        Id::None => TraceId::Raw(Sym::EMPTY),
                        Id::Raw(t) => TraceId::Raw(self.ctx.b.intern(&t)),
                    };
                }
                b"spanId" | b"span_id" => {
                    l.span_id = match id_field::<8>(&self.scalar()?) {
                        Id::Bytes(b) => SpanId::Bytes(b),
                        Id::None => SpanId::Raw(Sym::EMPTY),
                        Id::Raw(t) => SpanId::Raw(self.ctx.b.intern(&t)),
                    };
                }
                b"traceState" | b"trace_state" => {
                    l.trace_state = self.sym()?;
                }
                b"attributes" => l.attrs = self.attr_list()?,
                b"droppedAttributesCount" | b"dropped_attributes_count" => {
                    l.dropped_attrs = count(&self.scalar()?);
                }
                b"flags" => l.flags = count(&self.scalar()?),
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(l)
    }

    /// `AttrList`.
    fn attr_list(&mut self) -> R<Range32> {
        if !self.list()? {
            return Ok(Range32::EMPTY);
        }
        let mut list = AttrCollector::start(self.ctx);
        let mut more = self.first_elem()?;
        while more {
            let kv = match self.hot_key_value()? {
                Some(attr) => Some(attr),
                None => self.key_value()?,
            };
            list.push(self.ctx, kv);
            more = self.next_elem()?;
        }
        Ok(list.commit(self.ctx))
    }

    /// The usual attribute, `{"key":"…","value":{"stringValue":"…"}}` with no spaces and no
    /// escapes in the key, read in one go; `None` (nothing consumed) for any other shape.
    #[inline]
    fn hot_key_value(&mut self) -> R<Option<crate::model::Attr>> {
        const HEAD: &[u8] = br#"{"key":""#;
        const MID: &[u8] = br#"","value":{"stringValue":""#;
        self.ws();
        let b = self.b;
        let key_start = self.pos + HEAD.len();
        if !b[self.pos..].starts_with(HEAD) {
            return Ok(None);
        }
        let (key_end, escaped) = string_end(b, key_start)?;
        if escaped || !b[key_end..].starts_with(MID) {
            return Ok(None);
        }
        let value_start = key_end + MID.len();
        let (value_end, _) = string_end(b, value_start)?;
        if !b[value_end + 1..].starts_with(b"}}") {
            return Ok(None);
        }
        let key = self.text.get(key_start..key_end).ok_or(Bail)?;
        let raw = self.text.get(value_start - 1..value_end + 1).ok_or(Bail)?;
        self.pos = value_end + 3;
        // The builder calls of `key_value` for this shape, in its order.
        let key = self.ctx.b.intern(key);
        let value = capped_string(self.ctx, raw);
        Ok(Some(crate::model::Attr { key, value }))
    }

    /// `KeyValueSeed`.
    fn key_value(&mut self) -> R<Option<crate::model::Attr>> {
        if self.null()? {
            return Ok(None);
        }
        self.object()?;
        let (mut key, mut value) = (None, Value::Empty);
        let mut k = self.first_key()?;
        while let Some(field) = k {
            match field {
                b"key" => key = Some(self.sym()?),
                b"value" => value = self.any_value()?,
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(keyed(self.ctx, key, value))
    }

    /// `AnyValueSeed`: an AnyValue object, or a bare JSON value.
    fn any_value(&mut self) -> R<Value> {
        match self.next()? {
            b'{' => self.any_value_object(),
            b'"' => {
                let s = self.plain_str()?;
                let ctx = &mut *self.ctx;
                Ok(scalar_value(
                    ctx.b,
                    ctx.input,
                    &Scalar::Str(Cow::Borrowed(s)),
                ))
            }
            b'[' => {
                if too_deep(self.ctx) {
                    self.skip()?;
                    return Ok(Value::Empty);
                }
                self.ctx.depth += 1;
                let mark = self.ctx.b.value_mark();
                self.open()?;
                let mut more = self.first_elem()?;
                while more {
                    let v = self.any_value()?;
                    self.ctx.b.push_value(v);
                    more = self.next_elem()?;
                }
                self.ctx.depth -= 1;
                Ok(Value::Array(self.ctx.b.commit_values(mark)))
            }
            b'n' => self.literal(b"null").map(|()| Value::Empty),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'-' | b'0'..=b'9' => match self.number()? {
                v @ Scalar::U64(_) => {
                    let ctx = &mut *self.ctx;
                    Ok(scalar_value(ctx.b, ctx.input, &v))
                }
                Scalar::I64(v) => Ok(Value::Int(v)),
                Scalar::F64(v) => Ok(Value::Double(v)),
                _ => Err(Bail),
            },
            _ => Err(Bail),
        }
    }

    /// The fields of an AnyValue object (`{"stringValue": …}` …).
    fn any_value_object(&mut self) -> R<Value> {
        self.open()?;
        let mut value = Value::Empty;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            value = match key {
                b"stringValue" | b"string_value" => {
                    let raw = self.raw()?;
                    capped_string(self.ctx, raw)
                }
                b"bytesValue" | b"bytes_value" => {
                    let raw = self.raw()?;
                    capped_bytes(self.ctx, raw)
                }
                b"intValue" | b"int_value" => {
                    let v = self.scalar()?;
                    match v.as_i64() {
                        Some(i) => Value::Int(i),
                        None => scalar_value(self.ctx.b, self.ctx.input, &v),
                    }
                }
                b"doubleValue" | b"double_value" => {
                    let v = self.scalar()?;
                    match v.as_f64() {
                        Some(d) => Value::Double(d),
                        None => scalar_value(self.ctx.b, self.ctx.input, &v),
                    }
                }
                b"boolValue" | b"bool_value" => {
                    let v = self.scalar()?;
                    match v.as_bool() {
                        Some(b) => Value::Bool(b),
                        None => scalar_value(self.ctx.b, self.ctx.input, &v),
                    }
                }
                b"arrayValue" | b"array_value" | b"kvlistValue" | b"kvlist_value"
                    if too_deep(self.ctx) =>
                {
                    self.skip()?;
                    Value::Empty
                }
                // An array's `values` count one level where they are read (in `any_value`).
                b"arrayValue" | b"array_value" => self.values_holder(false)?,
                b"kvlistValue" | b"kvlist_value" => {
                    self.ctx.depth += 1;
                    let v = self.values_holder(true)?;
                    self.ctx.depth -= 1;
                    v
                }
                _ => {
                    self.skip()?;
                    k = self.next_key()?;
                    continue;
                }
            };
            k = self.next_key()?;
        }
        Ok(value)
    }

    /// `ValuesHolder`: `{"values": [...]}` of an ArrayValue (`kv` false) or a KeyValueList (true).
    fn values_holder(&mut self, kv: bool) -> R<Value> {
        let mut value = if kv {
            Value::KvList(Range32::EMPTY)
        } else {
            Value::Array(Range32::EMPTY)
        };
        if self.null()? {
            return Ok(value);
        }
        self.object()?;
        let mut k = self.first_key()?;
        while let Some(key) = k {
            match key {
                b"values" if kv => value = Value::KvList(self.attr_list()?),
                b"values" => {
                    value = self.any_value()?;
                    if !matches!(value, Value::Array(_)) {
                        value = Value::Array(Range32::EMPTY);
                    }
                }
                _ => self.skip()?,
            }
            k = self.next_key()?;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_ends_and_checks() {
        let end = |s: &str| string_end(s.as_bytes(), 1).ok();
        assert_eq!(end(r#""abc""#), Some((4, false)));
        assert_eq!(
            end(r#""a long string past eight bytes""#),
            Some((31, false))
        );
        assert_eq!(end(r#""esc \" aped\\""#), Some((14, true)));
        assert_eq!(end(r#""\u00e9 and \/""#), Some((14, true)));
        assert_eq!(end("\"tab\there\""), None);
        assert_eq!(end(r#""bad \x escape""#), None);
        assert_eq!(end(r#""short \u00e""#), None);
        assert_eq!(end(r#""no end"#), None);
        assert_eq!(end("\"dél\u{7f}\""), Some((6, false)));
    }

    #[test]
    fn numbers_follow_the_grammar() {
        let end = |s: &str| number_end(s.as_bytes(), 0).ok();
        assert_eq!(end("0"), Some(1));
        assert_eq!(end("-12.5e+3,"), Some(8));
        assert_eq!(end("01"), None);
        assert_eq!(end("1."), None);
        assert_eq!(end("1e"), None);
        assert_eq!(end("-"), None);
        assert_eq!(end(".5"), None);
    }
}

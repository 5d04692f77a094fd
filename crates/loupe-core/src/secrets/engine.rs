//! The scanner: one text at a time, with its key's class. JSON texts are walked (keys and
//! string leaves scanned, JSON held in leaves followed up to [`MAX_JSON_IN_STRING`] levels);
//! anything else is scanned as plain text. A [`Sink`] hears every match and may return a
//! replacement, which the scanner splices in (inside JSON, as a re-encoded string, so the JSON
//! stays valid).

use super::detect::{self, Hit};
use super::json::{self, Lit, Visit};
use super::keys::{self, KeyClass, SecretBy};
use super::kind::{Kind, Kinds, MAX_JSON_IN_STRING, TextMatch};

/// Which rule matched.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub(crate) enum RuleRef {
    /// A built-in detector (or the built-in key rule, as [`Kind::SecretField`]).
    Builtin(Kind),
    /// A custom rule, by index.
    Custom(u16),
}

/// One match as the scanner reports it.
#[derive(Debug)]
pub(crate) struct TextHit<'a> {
    pub kind: Kind,
    pub rule: RuleRef,
    /// The matched text (never stored by sinks; they mask or hash it).
    pub matched: &'a str,
    /// Byte offset in the string holding it.
    pub offset: usize,
    /// The JSON path of that string, when inside JSON.
    pub json_path: Option<String>,
    /// Byte range of the match in the value as a whole (the decoded value scanned; for a match in
    /// JSON held in it, where the match's text lies in that JSON, escapes included).
    pub range: (usize, usize),
    /// A documentation example ([`detect::is_example`]): masked on export, not a finding.
    pub example: bool,
}

impl<'a> TextHit<'a> {
    /// A match of a whole value outside JSON (a number or a string under its key).
    pub fn whole(kind: Kind, rule: RuleRef, matched: &'a str) -> TextHit<'a> {
        TextHit {
            kind,
            rule,
            matched,
            offset: 0,
            json_path: None,
            range: (0, matched.len()),
            example: false,
        }
    }
}

/// The rule behind a value that is secret by its key's name: a custom key rule, or the built-in one.
fn by_name(by: SecretBy) -> (Kind, RuleRef) {
    match by {
        SecretBy::Custom(i) => (Kind::Custom, RuleRef::Custom(i)),
        _ => (Kind::SecretField, RuleRef::Builtin(Kind::SecretField)),
    }
}

/// What a bare number (an attribute's or a JSON number, as text) is by its key: any number under
/// a password-like or custom-rule key, or a card number under a card-named key.
pub(crate) fn number_rule(class: KeyClass, kinds: Kinds, number: &str) -> Option<(Kind, RuleRef)> {
    if keys::is_secret_number(class.secret) {
        return Some(by_name(class.secret));
    }
    (class.card && kinds.has(Kind::PaymentCard) && is_card_number(number.as_bytes()))
        .then_some((Kind::PaymentCard, RuleRef::Builtin(Kind::PaymentCard)))
}

/// Hears matches; returns a replacement text to rewrite, or `None` to leave it.
pub(crate) trait Sink {
    fn hit(&mut self, h: &TextHit<'_>) -> Option<String>;
}

/// Collects masked matches (for `scan_text`).
#[derive(Default, Debug)]
pub(crate) struct Collect {
    pub hits: Vec<TextMatch>,
}

impl Sink for Collect {
    fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
        if h.example {
            return None;
        }
        self.hits.push(TextMatch {
            kind: h.kind,
            offset: h.offset,
            json_path: h.json_path.clone(),
            masked: super::kind::mask(h.kind, h.matched),
        });
        None
    }
}

/// Replaces every match by `[REDACTED:<kind>]` (for names quoted in messages).
#[derive(Default, Debug)]
pub(crate) struct MaskAll;

impl Sink for MaskAll {
    fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
        Some(format!("[REDACTED:{}]", h.kind.as_str()))
    }
}

impl Scanner {
    /// `text` with every match masked, for quoting it in a message.
    pub fn masked<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match self.process(text, KeyClass::NONE, &mut MaskAll) {
            Some(s) => std::borrow::Cow::Owned(s),
            None => std::borrow::Cow::Borrowed(text),
        }
    }
}

/// A `*` wildcard pattern over keys, matched without regard to ASCII case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Glob(String);

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob(pattern.to_ascii_lowercase())
    }

    pub fn matches(&self, key: &str) -> bool {
        let (p, k) = (self.0.as_bytes(), key.as_bytes());
        // Greedy wildcard matching with one backtrack point: O(len(p) * len(k)) at worst.
        let (mut pi, mut ki) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while ki < k.len() {
            if pi < p.len() && p[pi] != b'*' && p[pi] == k[ki].to_ascii_lowercase() {
                pi += 1;
                ki += 1;
            } else if pi < p.len() && p[pi] == b'*' {
                star = Some((pi, ki));
                pi += 1;
            } else if let Some((sp, sk)) = star {
                pi = sp + 1;
                ki = sk + 1;
                star = Some((sp, sk + 1));
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|&b| b == b'*')
    }
}

/// A custom rule: a pattern for values, key patterns for whole values, or both.
#[derive(Clone, Debug)]
pub(crate) struct Custom {
    pub id: String,
    pub pattern: Option<regex_lite::Regex>,
    pub keys: Vec<Glob>,
}

/// Detectors and custom rules in force.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scanner {
    pub kinds: Kinds,
    pub custom: Vec<Custom>,
}

impl Scanner {
    /// The class of a key: the built-in key rules, then custom key rules (which win).
    pub fn key_class(&self, key: &str) -> KeyClass {
        let mut class = keys::classify(key);
        if !self.kinds.has(Kind::SecretField) && matches!(class.secret, SecretBy::Builtin { .. }) {
            class.secret = SecretBy::No;
        }
        if let Some(i) = self
            .custom
            .iter()
            .position(|c| c.keys.iter().any(|g| g.matches(key)))
        {
            class.secret = SecretBy::Custom(i as u16);
        }
        class
    }

    /// Scans one value's text; returns the rewritten text when the sink replaced anything.
    pub fn process(&self, text: &str, class: KeyClass, sink: &mut dyn Sink) -> Option<String> {
        self.level(text, class, 0, None, None, sink)
    }

    fn level(
        &self,
        text: &str,
        class: KeyClass,
        depth: u8,
        path: Option<&PathCx<'_>>,
        enclosing: Option<&Enclosing<'_>>,
        sink: &mut dyn Sink,
    ) -> Option<String> {
        if class.secret != SecretBy::No && keys::is_secret_value(text, class.secret) {
            let (kind, rule) = by_name(class.secret);
            return sink.hit(&TextHit {
                kind,
                rule,
                matched: text,
                offset: 0,
                json_path: path.map(PathCx::format),
                range: Enclosing::map(enclosing, 0, text.len()),
                example: false,
            });
        }
        if depth < MAX_JSON_IN_STRING
            && looks_like_json(text)
            && json::walk(text.as_bytes(), &mut json::Check)
        {
            let mut v = JsonLevel {
                scanner: self,
                text,
                depth,
                base: class,
                parent: path,
                enclosing,
                frames: Vec::new(),
                pool: Vec::new(),
                sink,
                out: None,
                last: 0,
            };
            json::walk(text.as_bytes(), &mut v);
            return v.finish();
        }
        self.plain(text, class, path, enclosing, sink)
    }

    fn plain(
        &self,
        text: &str,
        class: KeyClass,
        path: Option<&PathCx<'_>>,
        enclosing: Option<&Enclosing<'_>>,
        sink: &mut dyn Sink,
    ) -> Option<String> {
        let mut hits: Vec<Hit> = Vec::new();
        find_visible(text, class.hints(), self.kinds, &mut hits);
        find_percent_decoded(text, class.hints(), self.kinds, &mut hits);
        let mut custom: Vec<(usize, usize, u16)> = Vec::new();
        for (i, c) in self.custom.iter().enumerate() {
            if let Some(re) = &c.pattern {
                custom.extend(
                    re.find_iter(text)
                        .filter(|m| !m.is_empty())
                        .map(|m| (m.start(), m.end(), i as u16)),
                );
            }
        }
        if hits.is_empty() && custom.is_empty() {
            return None;
        }
        // Built-in and custom matches together; at one position the longest wins, built-ins first.
        let mut all: Vec<(usize, usize, RuleRef, Kind)> = hits
            .iter()
            .map(|h| (h.start, h.end, RuleRef::Builtin(h.kind), h.kind))
            .chain(
                custom
                    .into_iter()
                    .map(|(s, e, i)| (s, e, RuleRef::Custom(i), Kind::Custom)),
            )
            .collect();
        all.sort_unstable_by_key(|&(s, e, r, _)| (s, std::cmp::Reverse(e), r));
        let json_path = path.map(PathCx::format);
        let mut out: Option<String> = None;
        let (mut last, mut covered) = (0, 0);
        for (s, e, rule, kind) in all {
            if s < covered {
                continue;
            }
            covered = e;
            let matched = &text[s..e];
            let replacement = sink.hit(&TextHit {
                kind,
                rule,
                matched,
                offset: s,
                json_path: json_path.clone(),
                range: Enclosing::map(enclosing, s, e),
                example: matches!(rule, RuleRef::Builtin(_))
                    && detect::is_example(kind, &without_invisible(matched)),
            });
            if let Some(r) = replacement {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[last..s]);
                o.push_str(&r);
                last = e;
            }
        }
        out.map(|mut o| {
            o.push_str(&text[last..]);
            o
        })
    }
}

/// Characters that do not show but split a key in two for a matcher: NUL, zero-width spaces and
/// joiners, the word joiner, the byte-order mark and the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\0' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn without_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_invisible) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !is_invisible(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// [`detect::find`] over `text` read without its invisible characters, so `sk-pr\u{200B}oj-…`
/// is found whole; the hits are ranges of `text` (covering the invisible characters inside them).
fn find_visible(text: &str, hints: detect::KeyHints, kinds: Kinds, out: &mut Vec<Hit>) {
    // Every invisible character's UTF-8 starts with one of these bytes.
    let b = text.as_bytes();
    let maybe = memchr::memchr3(0, 0xE2, 0xEF, b).is_some() || memchr::memchr(0xC2, b).is_some();
    if !maybe || !text.chars().any(is_invisible) {
        detect::find(text, hints, kinds, out);
        return;
    }
    let mut visible = String::with_capacity(text.len());
    // For each byte of `visible`, its offset in `text`.
    let mut at: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        if !is_invisible(c) {
            visible.push(c);
            at.extend(i..i + c.len_utf8());
        }
    }
    at.push(text.len());
    let first = out.len();
    detect::find(&visible, hints, kinds, out);
    for h in &mut out[first..] {
        let end = if h.end == 0 { 0 } else { at[h.end - 1] + 1 };
        h.start = at[h.start];
        // The end is after the last visible byte; round up to a character boundary.
        let mut e = end.max(h.start);
        while !text.is_char_boundary(e) {
            e += 1;
        }
        h.end = e;
    }
}

/// [`find_visible`] over `text` with its percent-escapes (`%40`, `%20`, `%0A`, …) decoded, for
/// values written into URLs: `?q=sk-proj-…%0A…` or `user=grace.lee%40globex.io`. Hits are ranges
/// of `text` (each covering whole escapes); nothing is done when `text` holds no escape.
fn find_percent_decoded(text: &str, hints: detect::KeyHints, kinds: Kinds, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    let escape_at = |i: usize| -> Option<u8> {
        if b.get(i) != Some(&b'%') {
            return None;
        }
        let hex = |c: &u8| (*c as char).to_digit(16);
        Some((hex(b.get(i + 1)?)? * 16 + hex(b.get(i + 2)?)?) as u8)
    };
    let Some(first) = memchr::memchr_iter(b'%', b).find(|&i| escape_at(i).is_some()) else {
        return;
    };
    // Every escape decoded; if that is not UTF-8 (a stray `%FF`), only the ASCII ones.
    let decode = |ascii_only: bool| {
        let mut decoded = Vec::with_capacity(b.len());
        // For each byte of `decoded`, the range of `text` it came from.
        let mut from: Vec<(usize, usize)> = Vec::with_capacity(b.len());
        decoded.extend_from_slice(&b[..first]);
        from.extend((0..first).map(|i| (i, i + 1)));
        let mut i = first;
        while i < b.len() {
            match escape_at(i) {
                Some(v) if !ascii_only || v < 0x80 => {
                    decoded.push(v);
                    from.push((i, i + 3));
                    i += 3;
                }
                _ => {
                    decoded.push(b[i]);
                    from.push((i, i + 1));
                    i += 1;
                }
            }
        }
        String::from_utf8(decoded).ok().map(|d| (d, from))
    };
    let Some((decoded, from)) = decode(false).or_else(|| decode(true)) else {
        return;
    };
    let mut hits = Vec::new();
    find_visible(&decoded, hints, kinds, &mut hits);
    for h in hits {
        if h.end <= h.start || h.end > from.len() {
            continue;
        }
        let (start, mut end) = (from[h.start].0, from[h.end - 1].1);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(Hit { start, end, ..h });
    }
}

fn looks_like_json(text: &str) -> bool {
    let t = text.trim_ascii();
    matches!(
        (t.as_bytes().first(), t.as_bytes().last()),
        (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']'))
    )
}

/// Where the text of one JSON level (a string literal's content, decoded) lies in the text around
/// it, so offsets can be mapped back to the value the scan began with.
pub(crate) struct Enclosing<'o> {
    parent: Option<&'o Enclosing<'o>>,
    /// The enclosing text.
    outer: &'o str,
    /// The literal's content (between its quotes) in `outer`.
    inner: (usize, usize),
    escaped: bool,
}

impl Enclosing<'_> {
    /// Maps `start..end` of the innermost level's text to the outermost text.
    fn map(mut cur: Option<&Enclosing<'_>>, start: usize, end: usize) -> (usize, usize) {
        let (mut s, mut e) = (start, end);
        while let Some(c) = cur {
            if c.escaped {
                let raw = &c.outer.as_bytes()[c.inner.0..c.inner.1];
                s = raw_offset(raw, s, false);
                e = raw_offset(raw, e, true);
            }
            s = (s + c.inner.0).min(c.inner.1);
            e = (e + c.inner.0).min(c.inner.1);
            cur = c.parent;
        }
        (s, e)
    }
}

/// The offset in `raw` (a JSON string literal's content, escapes and all) of byte `decoded` of
/// its decoded text. An offset inside what one escape decodes to is rounded down to the escape's
/// start, or up to its end when `up`.
pub(crate) fn raw_offset(raw: &[u8], decoded: usize, up: bool) -> usize {
    let hex4 = |i: usize| -> Option<u32> {
        let h = raw.get(i..i + 4)?;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    let (mut i, mut dec) = (0, 0);
    while i < raw.len() && dec < decoded {
        // One unit: raw bytes and the decoded bytes they make.
        let (r, n) = if raw[i] != b'\\' {
            (1, 1)
        } else if raw.get(i + 1) == Some(&b'u') {
            match hex4(i + 2) {
                Some(0xD800..=0xDBFF)
                    if raw.get(i + 6..i + 8) == Some(b"\\u")
                        && hex4(i + 8).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
                {
                    (12, 4)
                }
                Some(cp) => (6, char::from_u32(cp).map_or(3, char::len_utf8)),
                None => (2, 1),
            }
        } else {
            (2, 1)
        };
        if dec + n > decoded {
            return if up { (i + r).min(raw.len()) } else { i };
        }
        i += r;
        dec += n;
    }
    i
}

/// Path segments of one JSON level and of the levels around it (for messages).
pub(crate) struct PathCx<'p> {
    parent: Option<&'p PathCx<'p>>,
    frames: &'p [Frame],
}

impl PathCx<'_> {
    fn format(&self) -> String {
        let mut levels = Vec::new();
        let mut cur = Some(self);
        while let Some(c) = cur {
            let mut s = String::from("$");
            for f in c.frames {
                if f.is_array {
                    s.push_str(&format!("[{}]", f.index));
                } else if f.has_key {
                    if f.key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        && !f.key.is_empty()
                    {
                        s.push('.');
                        s.push_str(&f.key);
                    } else {
                        s.push_str(&format!("[{:?}]", f.key));
                    }
                }
            }
            levels.push(s);
            cur = c.parent;
        }
        levels.reverse();
        levels.join(" > ")
    }
}

/// One open object or array.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    is_array: bool,
    /// The array's current element.
    index: usize,
    count: usize,
    /// The object's current member key (at most 64 characters kept).
    key: String,
    has_key: bool,
    /// The class the container's own key gave it.
    class: KeyClass,
    /// The class of the current member (its key under the container's class).
    member: KeyClass,
}

struct JsonLevel<'e, 'p, 's> {
    scanner: &'e Scanner,
    text: &'e str,
    depth: u8,
    base: KeyClass,
    parent: Option<&'p PathCx<'p>>,
    enclosing: Option<&'p Enclosing<'p>>,
    frames: Vec<Frame>,
    /// Frames popped, kept for their key buffers.
    pool: Vec<Frame>,
    sink: &'s mut dyn Sink,
    out: Option<String>,
    last: usize,
}

impl JsonLevel<'_, '_, '_> {
    fn current_class(&self) -> KeyClass {
        match self.frames.last() {
            None => self.base,
            Some(f) if f.is_array => f.class,
            Some(f) => f.member,
        }
    }

    fn replace(&mut self, start: usize, end: usize, with: &str) {
        let o = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.text.len()));
        o.push_str(&self.text[self.last..start]);
        o.push_str(with);
        self.last = end;
    }

    fn finish(self) -> Option<String> {
        let text = self.text;
        let last = self.last;
        self.out.map(|mut o| {
            o.push_str(&text[last..]);
            o
        })
    }
}

impl Visit for JsonLevel<'_, '_, '_> {
    fn value_start(&mut self) {
        if let Some(f) = self.frames.last_mut()
            && f.is_array
        {
            f.index = f.count;
            f.count += 1;
        }
    }

    fn open(&mut self, is_array: bool) {
        let class = self.current_class();
        let mut f = self.pool.pop().unwrap_or_default();
        f.is_array = is_array;
        f.index = 0;
        f.count = 0;
        f.key.clear();
        f.has_key = false;
        f.class = class;
        f.member = class;
        self.frames.push(f);
    }

    fn close(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.pool.push(f);
        }
    }

    fn key(&mut self, lit: Lit) {
        let key = lit.decode(self.text);
        let scanner = self.scanner;
        if let Some(f) = self.frames.last_mut() {
            f.key.clear();
            let mut cut = key.len().min(64);
            while !key.is_char_boundary(cut) {
                cut -= 1;
            }
            f.key.push_str(&key[..cut]);
            f.has_key = true;
            f.member = scanner.key_class(&key).under(f.class);
        }
        // The key itself may be personal data (an e-mail address as a key).
        let path = PathCx {
            parent: self.parent,
            frames: &self.frames,
        };
        let enclosing = Enclosing {
            parent: self.enclosing,
            outer: self.text,
            inner: (lit.start + 1, lit.end - 1),
            escaped: lit.escaped,
        };
        if let Some(new) = scanner.plain(
            &key,
            KeyClass::NONE,
            Some(&path),
            Some(&enclosing),
            &mut *self.sink,
        ) {
            // The member is read by the key as written, too, so that redacting the output again
            // changes nothing (`DB_PASSWORD=[REDACTED:…]` names a password).
            if let Some(f) = self.frames.last_mut() {
                f.member = f.member.under(scanner.key_class(&new));
            }
            let lit_text = serde_json::to_string(&new).unwrap_or_default();
            self.replace(lit.start, lit.end, &lit_text);
        }
    }

    fn string(&mut self, lit: Lit) {
        let leaf = lit.decode(self.text);
        let class = self.current_class();
        let path = PathCx {
            parent: self.parent,
            frames: &self.frames,
        };
        let enclosing = Enclosing {
            parent: self.enclosing,
            outer: self.text,
            inner: (lit.start + 1, lit.end - 1),
            escaped: lit.escaped,
        };
        if let Some(new) = self.scanner.level(
            &leaf,
            class,
            self.depth + 1,
            Some(&path),
            Some(&enclosing),
            &mut *self.sink,
        ) {
            let lit_text = serde_json::to_string(&new).unwrap_or_default();
            self.replace(lit.start, lit.end, &lit_text);
        }
    }

    fn number(&mut self, start: usize, end: usize) {
        let matched = &self.text[start..end];
        let Some((kind, rule)) = number_rule(self.current_class(), self.scanner.kinds, matched)
        else {
            return;
        };
        let path = PathCx {
            parent: self.parent,
            frames: &self.frames,
        };
        let hit = TextHit {
            json_path: Some(path.format()),
            range: Enclosing::map(self.enclosing, start, end),
            ..TextHit::whole(kind, rule, matched)
        };
        if let Some(new) = self.sink.hit(&hit) {
            let lit_text = serde_json::to_string(&new).unwrap_or_default();
            self.replace(start, end, &lit_text);
        }
    }
}

/// Whether a bare number (a JSON number or an integer attribute under a card-named key) is a card.
pub(crate) fn is_card_number(digits: &[u8]) -> bool {
    (13..=19).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && detect::known_issuer(digits)
        && detect::luhn(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Mask;
    impl Sink for Mask {
        fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
            Some(format!("[REDACTED:{}]", h.kind.as_str()))
        }
    }

    fn rewrite(text: &str) -> Option<String> {
        Scanner::default().process(text, KeyClass::NONE, &mut Mask)
    }

    #[test]
    fn json_leaves_and_keys_are_rewritten_in_place() {
        let text = r#"{"q": "mail jane.doe@acme-corp.io", "n": 3, "api_key": "abc", "jane@acme-corp.io": 1}"#;
        let out = rewrite(text).expect("rewritten");
        assert_eq!(
            out,
            r#"{"q": "mail [REDACTED:email]", "n": 3, "api_key": "[REDACTED:secret_field]", "[REDACTED:email]": 1}"#
        );
        serde_json::from_str::<serde_json::Value>(&out).expect("still JSON");
    }

    #[test]
    fn json_inside_json_strings() {
        let inner = r#"{"password":"hunter22","note":"ok"}"#;
        let text = serde_json::json!([{"role": "tool", "arguments": inner}]).to_string();
        let mut c = Collect::default();
        Scanner::default().process(&text, KeyClass::NONE, &mut c);
        assert_eq!(c.hits.len(), 1);
        assert_eq!(c.hits[0].kind, Kind::SecretField);
        assert_eq!(
            c.hits[0].json_path.as_deref(),
            Some("$[0].arguments > $.password")
        );
        assert_eq!(c.hits[0].masked, "h…");
        let out = rewrite(&text).expect("rewritten");
        assert!(!out.contains("hunter22"));
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let args: serde_json::Value =
            serde_json::from_str(v[0]["arguments"].as_str().expect("string")).expect("inner JSON");
        assert_eq!(args["password"], "[REDACTED:secret_field]");
        assert_eq!(args["note"], "ok");
    }

    #[test]
    fn plain_text_and_broken_json() {
        assert_eq!(
            rewrite("{ broken sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA").as_deref(),
            Some("{ broken [REDACTED:anthropic_key]")
        );
        assert_eq!(rewrite(r#"{"a": [1, 2, {"b": "clean"}]}"#), None);
    }

    #[test]
    fn card_numbers_as_json_numbers_under_card_keys() {
        let out = rewrite(r#"{"card_number": 4111111111111111, "tokens": 4111111111111111}"#)
            .expect("rewritten");
        assert_eq!(
            out,
            r#"{"card_number": "[REDACTED:payment_card]", "tokens": 4111111111111111}"#
        );
    }

    #[test]
    fn globs() {
        assert!(Glob::new("*.email").matches("user.Email"));
        assert!(Glob::new("app.*.secret*").matches("app.db.secret_value"));
        assert!(!Glob::new("app.*").matches("application"));
        assert!(Glob::new("*").matches(""));
    }

    #[test]
    fn raw_offsets_skip_escapes() {
        // Decoded "a\nb€c😀d" from raw `a\nb\u20acc\ud83d\ude00d`.
        let raw = br"a\nb\u20acc\ud83d\ude00d";
        assert_eq!(raw_offset(raw, 0, false), 0);
        assert_eq!(raw_offset(raw, 1, false), 1);
        assert_eq!(raw_offset(raw, 2, false), 3); // after "\n"
        assert_eq!(raw_offset(raw, 3, false), 4); // the € escape starts
        assert_eq!(raw_offset(raw, 4, false), 4); // inside € rounds down …
        assert_eq!(raw_offset(raw, 4, true), 10); // … or up
        assert_eq!(raw_offset(raw, 6, false), 10); // "c"
        assert_eq!(raw_offset(raw, 7, false), 11); // the surrogate pair
        assert_eq!(raw_offset(raw, 11, false), 23); // "d"
        assert_eq!(raw_offset(raw, 12, false), 24);
        assert_eq!(raw_offset(raw, 99, false), 24);
    }

    #[test]
    fn hits_carry_their_range_in_the_value() {
        struct Ranges(Vec<(usize, usize)>);
        impl Sink for Ranges {
            fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
                self.0.push(h.range);
                None
            }
        }
        let inner = r#"{"q":"mail jo.x@acme-corp.io"}"#;
        let text = serde_json::json!({"a": "é", "args": inner}).to_string();
        let mut r = Ranges(Vec::new());
        Scanner::default().process(&text, KeyClass::NONE, &mut r);
        assert_eq!(r.0.len(), 1);
        let (s, e) = r.0[0];
        assert_eq!(&text[s..e], "jo.x@acme-corp.io");
    }
}

//! Redaction: a new [`TraceSet`] in which every secret and piece of personal data the detectors
//! (and a policy's custom rules) find is masked, hashed with a per-export key, or dropped, and a
//! [`Manifest`] of what was done (counts only, never values).
//!
//! The structure stays: the same spans, ids, tree, timings, kinds, statuses, events, links and
//! numeric attributes (token counts included; a number changes only under a card-named key when it
//! is a card number). Only sensitive values change. A match inside JSON held in a string is
//! replaced inside the JSON text, which stays valid JSON. Any writer (`export::otlp_json::write`,
//! `export::otlp_proto::encode`) can write the result.
//!
//! The redacted set keeps nothing of what it replaced: strings are re-interned into a fresh pool,
//! and the input bytes it keeps (long values stay in them) are blanked everywhere except under the
//! values still in use, newlines kept so line numbers still hold.
//!
//! The core has no random numbers: the caller supplies the hash key (the CLI reads 32 bytes from
//! the operating system for each export).

mod key;
pub mod policy;
pub mod preview;
pub mod verify;

use crate::builder::INLINE_STRING_MAX;
use crate::intern::{Interner, Sym};
use crate::model::{Range32, SpanIx, TextEncoding, TextId, TextSlot, TraceIx, TraceSet, Value};
use crate::secrets::engine::{RuleRef, Sink, TextHit};
use crate::secrets::keys::KeyClass;
use crate::secrets::walk::{self, Slot};
use crate::secrets::{Kind, Place};
use hmac::{Hmac, Mac};
pub use key::{KeyError, MIN_KEY_BYTES, key_from_hex};
pub use policy::{Action, Policy, PolicyError, PolicyFile, RuleFile};
use rustc_hash::FxHashMap;
use sha2::Sha256;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

/// Schema name of the manifest.
pub const MANIFEST_SCHEMA: &str = "loupe.redaction/1";

/// What a redaction did: counts by kind and rule, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: &'static str,
    /// Matches replaced or dropped, in all.
    pub matches: u64,
    /// Matches by kind (`email`, `openai_key`, …, `custom`).
    pub by_kind: BTreeMap<String, u64>,
    /// Matches by rule and action.
    pub rules: Vec<RuleCount>,
    /// Values (attributes, array items, names, messages) that changed.
    pub values_changed: u64,
    /// Attributes dropped by a `drop` action.
    pub attributes_dropped: u64,
    /// Top-level attributes dropped because the allowlist does not name them.
    pub attributes_not_allowed: u64,
    /// Spans in the output (the same as in the input).
    pub spans: u64,
}

/// Matches of one rule with one action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleCount {
    /// The kind (`custom` for custom rules).
    pub kind: String,
    /// The detector id or custom rule id.
    pub rule: String,
    /// What was done.
    pub action: Action,
    /// How many matches.
    pub count: u64,
}

impl Manifest {
    /// One line per rule for people (`email: 3 hashed`), and the totals.
    pub fn summary(&self) -> String {
        let mut lines = vec![format!(
            "{} match{} redacted in {} value{}; {} attribute{} dropped by rules, {} not in the allowlist; {} spans kept",
            self.matches,
            if self.matches == 1 { "" } else { "es" },
            self.values_changed,
            if self.values_changed == 1 { "" } else { "s" },
            self.attributes_dropped,
            if self.attributes_dropped == 1 {
                ""
            } else {
                "s"
            },
            self.attributes_not_allowed,
            self.spans
        )];
        for r in &self.rules {
            let done = match r.action {
                Action::Mask => "masked",
                Action::Hash => "hashed",
                Action::Drop => "dropped",
            };
            if r.rule == r.kind {
                lines.push(format!("  {}: {} {done}", r.rule, r.count));
            } else {
                lines.push(format!("  {} ({}): {} {done}", r.rule, r.kind, r.count));
            }
        }
        lines.join("\n")
    }
}

/// A redacted set and what was done to it.
#[derive(Debug)]
pub struct Redacted {
    /// The set, ready for any writer.
    pub set: TraceSet,
    /// Counts of what was redacted.
    pub manifest: Manifest,
}

/// One value the redaction will change: where it is, what matched, and what will be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The trace of the span (`None` for an import warning).
    pub trace: Option<TraceIx>,
    /// The span whose data holds it; for a resource or scope, the first span using it; `None` for
    /// an import warning.
    pub span: Option<SpanIx>,
    /// Which part of the span.
    pub place: Place,
    /// The attribute key, with enclosing key-value list keys and `[i]` for array items; empty for
    /// names, status messages and warnings.
    pub key: String,
    /// Inside JSON held in the value: the path of the JSON string holding the match.
    pub json_path: Option<String>,
    /// Byte range of the match in the decoded value (for a match inside JSON held in the value,
    /// where its text lies in that JSON, escapes included).
    pub range: Range<usize>,
    /// What it is.
    pub kind: Kind,
    /// The detector id, or the custom rule's id.
    pub rule: String,
    /// What will be done.
    pub action: Action,
    /// What the match becomes (`[REDACTED:email]`, `[HASH:email:3f9a1c2b]`); for `drop`, what
    /// it would be masked as where the attribute cannot be dropped.
    pub replacement: String,
    value: Held,
}

/// Where a planned value is held, to read it back for display.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Held {
    Slot(Slot),
    Sym(Sym),
    Warning(usize),
    Number(String),
    Note(NoteText),
}

/// A text of the set's notes: a note's text or author, an opened bundle's title or description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteText {
    Text(usize),
    Author(usize),
    Title(usize),
    Description(usize),
}

impl NoteText {
    fn get(self, notes: &crate::model::notes::Notes) -> Option<&str> {
        match self {
            NoteText::Text(i) => notes.annotations.get(i).map(|a| a.text.as_str()),
            NoteText::Author(i) => notes.annotations.get(i)?.author.as_deref(),
            NoteText::Title(i) => notes.bundles.get(i).map(|b| b.title.as_str()),
            NoteText::Description(i) => notes.bundles.get(i).map(|b| b.description.as_str()),
        }
    }

    fn set(self, notes: &mut crate::model::notes::Notes, new: String) {
        match self {
            NoteText::Text(i) => notes.annotations[i].text = new,
            NoteText::Author(i) => notes.annotations[i].author = Some(new),
            NoteText::Title(i) => notes.bundles[i].title = new,
            NoteText::Description(i) => notes.bundles[i].description = new,
        }
    }

    fn key(self) -> &'static str {
        match self {
            NoteText::Text(_) => "text",
            NoteText::Author(_) => "author",
            NoteText::Title(_) => "title",
            NoteText::Description(_) => "description",
        }
    }
}

impl Planned {
    /// The whole value holding the match, decoded (the text `range` points into).
    pub fn value<'a>(&self, set: &'a TraceSet) -> Option<Cow<'a, str>> {
        match &self.value {
            Held::Slot(slot) => {
                let v = match *slot {
                    Slot::Attr(ix) => set.attrs.get(ix as usize)?.value,
                    Slot::Item(ix) => *set.array_values.get(ix as usize)?,
                };
                match v {
                    Value::Bytes(t) => match set.bytes(t) {
                        Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
                        Cow::Owned(b) => String::from_utf8(b).ok().map(Cow::Owned),
                    },
                    v => set.value_str(v),
                }
            }
            Held::Sym(s) => Some(Cow::Borrowed(set.str(*s))),
            Held::Warning(i) => set
                .warnings
                .get(*i)
                .map(|w| Cow::Borrowed(w.message.as_str())),
            Held::Number(digits) => Some(Cow::Owned(digits.clone())),
            Held::Note(n) => n.get(&set.notes).map(Cow::Borrowed),
        }
    }
}

/// Everything a redaction will do to a set, computed without writing anything: [`redact`] applies
/// exactly this, so a preview made from it cannot disagree with the export.
#[derive(Debug)]
pub struct Plan {
    /// Every match, in the order the redaction meets them: span attributes, event, link, resource
    /// and scope attributes, then names and status messages, service names, import warnings.
    pub items: Vec<Planned>,
    /// The manifest the redaction will report.
    pub manifest: Manifest,
    edits: Edits,
}

/// The changes themselves, applied by [`apply`].
#[derive(Debug, Default)]
struct Edits {
    values: Vec<(Slot, String, bool)>,
    dropped: Vec<bool>,
    /// Names, status messages and service names: the new text of each string that changes.
    syms: FxHashMap<Sym, Option<String>>,
    warnings: Vec<(usize, String)>,
    notes: Vec<(NoteText, String)>,
}

/// Computes what [`redact`] would do to `set` with `policy` and `key`, without doing it.
pub fn plan(set: &TraceSet, policy: &Policy, key: &[u8]) -> Plan {
    let scanner = &policy.scanner;
    let mut r = Redactor::new(policy, key);
    let mut manifest = Manifest {
        schema: MANIFEST_SCHEMA,
        spans: set.spans.len() as u64,
        ..Manifest::default()
    };

    // Which span each event, link, resource and scope belongs to (the first span using it).
    let mut event_of = vec![(SpanIx(0), 0u32); set.events.len()];
    let mut link_of = vec![(SpanIx(0), 0u32); set.links.len()];
    let mut resource_of: Vec<Option<SpanIx>> = vec![None; set.resources.len()];
    let mut scope_of: Vec<Option<SpanIx>> = vec![None; set.scopes.len()];
    for (i, s) in set.spans.iter().enumerate() {
        let ix = SpanIx(i as u32);
        for (k, e) in s.events.as_range().enumerate() {
            event_of[e] = (ix, k as u32);
        }
        for (k, l) in s.links.as_range().enumerate() {
            link_of[l] = (ix, k as u32);
        }
        resource_of[s.resource.0 as usize].get_or_insert(ix);
        scope_of[s.scope.0 as usize].get_or_insert(ix);
    }
    let trace_of = |s: Option<SpanIx>| s.map(|s| set.spans[s.0 as usize].trace);

    // Every attribute list once: spans', events', links', resources', scopes'.
    let mut lists: Vec<(Range32, Option<SpanIx>, Place)> = Vec::new();
    lists.extend(
        set.spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.attrs, Some(SpanIx(i as u32)), Place::SpanAttribute)),
    );
    lists.extend(
        set.events
            .iter()
            .zip(&event_of)
            .map(|(e, &(s, k))| (e.attrs, Some(s), Place::EventAttribute(k))),
    );
    lists.extend(
        set.links
            .iter()
            .zip(&link_of)
            .map(|(l, &(s, k))| (l.attrs, Some(s), Place::LinkAttribute(k))),
    );
    lists.extend(
        set.resources
            .iter()
            .zip(&resource_of)
            .map(|(x, &s)| (x.attrs, s, Place::ResourceAttribute)),
    );
    lists.extend(
        set.scopes
            .iter()
            .zip(&scope_of)
            .map(|(x, &s)| (x.attrs, s, Place::ScopeAttribute)),
    );

    let mut dropped = vec![false; set.attrs.len()];
    let mut values: Vec<(Slot, String, bool)> = Vec::new();
    // Attribute keys: each distinct key once (the plan names the first span holding it).
    let mut key_syms: FxHashMap<Sym, Option<String>> = FxHashMap::default();
    for (list, span, place) in lists {
        for ix in list.as_range() {
            if !policy.allows(set.str(set.attrs[ix].key)) && !dropped[ix] {
                dropped[ix] = true;
                manifest.attributes_not_allowed += 1;
            }
        }
        walk::walk_attrs(set, scanner, list, |item| {
            let leaf = match item {
                walk::Item::Key(ix) => {
                    let sym = set.attrs[ix as usize].key;
                    if dropped[ix as usize] || key_syms.contains_key(&sym) {
                        return;
                    }
                    r.site = ScanSite {
                        span,
                        trace: trace_of(span),
                        place: Place::AttributeKey,
                        key: String::new(),
                        value: Held::Sym(sym),
                    };
                    let new = scanner.process(set.str(sym), KeyClass::NONE, &mut r);
                    r.drop = false;
                    key_syms.insert(sym, new);
                    return;
                }
                walk::Item::Leaf(leaf) => leaf,
            };
            if dropped[leaf.top as usize] || dropped[leaf.owner as usize] {
                return;
            }
            let is_bytes = matches!(leaf.value, Value::Bytes(_));
            r.site = ScanSite {
                span,
                trace: trace_of(span),
                place,
                key: leaf.key.to_string(),
                value: Held::Slot(leaf.slot),
            };
            // A key that is rewritten (it held a secret) is read as written, too, so that the
            // output, redacted again, does not change: `note.DB_PASSWORD=[REDACTED:…]` names a
            // password where `note.DB_PASSWORD=Gq5T…` did not.
            let class = match key_syms.get(&set.attrs[leaf.owner as usize].key) {
                Some(Some(new_key)) => leaf.class.under(scanner.key_class(new_key)),
                _ => leaf.class,
            };
            let new = if let Some(text) = walk::leaf_text(set, leaf) {
                scanner.process(&text, class, &mut r)
            } else if let Some((kind, rule, digits)) = walk::numeric_hit(leaf, class, scanner) {
                r.site.value = Held::Number(digits.clone());
                r.hit(&TextHit::whole(kind, rule, &digits))
            } else {
                None
            };
            if std::mem::take(&mut r.drop) {
                dropped[leaf.owner as usize] = true;
                manifest.attributes_dropped += 1;
            } else if let Some(new) = new {
                values.push((leaf.slot, new, is_bytes));
            }
        });
    }
    manifest.values_changed += values.len() as u64;

    // Names, status messages, trace states, event names, scope names and service names held
    // outside attributes, and attribute keys: each string once (the plan names the first span
    // holding it).
    let mut syms: FxHashMap<Sym, Option<String>> = key_syms;
    let mut once = |r: &mut Redactor<'_>, sym: Sym, span: SpanIx, place: Place| {
        if syms.contains_key(&sym) {
            return;
        }
        let text = set.str(sym);
        let new = if text.is_empty() {
            None
        } else {
            r.site = ScanSite {
                // A scope or resource no span uses has no span to name.
                span: set.spans.get(span.0 as usize).map(|_| span),
                trace: set.spans.get(span.0 as usize).map(|s| s.trace),
                place,
                key: String::new(),
                value: Held::Sym(sym),
            };
            let new = scanner.process(text, KeyClass::NONE, r);
            r.drop = false;
            new
        };
        syms.insert(sym, new);
    };
    for (i, s) in set.spans.iter().enumerate() {
        once(&mut r, s.name, SpanIx(i as u32), Place::SpanName);
        once(
            &mut r,
            s.status_message,
            SpanIx(i as u32),
            Place::StatusMessage,
        );
        once(&mut r, s.trace_state, SpanIx(i as u32), Place::TraceState);
    }
    for (e, &(s, k)) in set.events.iter().zip(&event_of) {
        once(&mut r, e.name, s, Place::EventName(k));
    }
    for (l, &(s, k)) in set.links.iter().zip(&link_of) {
        once(&mut r, l.trace_state, s, Place::LinkTraceState(k));
    }
    for (sc, &s) in set.scopes.iter().zip(&scope_of) {
        let span = s.unwrap_or(SpanIx(0));
        once(&mut r, sc.name, span, Place::ScopeName);
        once(&mut r, sc.version, span, Place::ScopeName);
    }
    let service_key = set.strings.get("service.name");
    for (i, res) in set.resources.iter().enumerate() {
        // The service name follows its attribute when it has one, else is scanned itself.
        let held = set.attrs[res.attrs.as_range()]
            .iter()
            .enumerate()
            .find(|(_, a)| Some(a.key) == service_key)
            .is_some_and(|(k, _)| !dropped[res.attrs.start as usize + k]);
        if !held {
            let span = resource_of[i].unwrap_or(SpanIx(0));
            once(&mut r, res.service_name, span, Place::ServiceName);
        }
    }
    manifest.values_changed += syms.values().filter(|v| v.is_some()).count() as u64;
    // Warnings may quote values.
    let mut warnings = Vec::new();
    for (i, w) in set.warnings.iter().enumerate() {
        r.site = ScanSite {
            span: None,
            trace: None,
            place: Place::ImportWarning(i as u32),
            key: String::new(),
            value: Held::Warning(i),
        };
        if let Some(new) = scanner.process(&w.message, KeyClass::NONE, &mut r) {
            warnings.push((i, new));
        }
        r.drop = false;
    }
    // Notes (texts and authors) and the opened bundles' titles and descriptions: a `drop` masks.
    let mut notes = Vec::new();
    let mut texts: Vec<(NoteText, Place, Option<TraceIx>, Option<SpanIx>)> = Vec::new();
    for (i, a) in set.notes.annotations.iter().enumerate() {
        let trace = crate::notes::find_trace(set, &a.trace_id);
        let span = trace
            .zip(a.span_id.as_deref())
            .and_then(|(t, s)| crate::notes::find_span(set, t, s));
        let place = Place::Note(i as u32);
        texts.push((NoteText::Text(i), place, trace, span));
        texts.push((NoteText::Author(i), place, trace, span));
    }
    for i in 0..set.notes.bundles.len() {
        let place = Place::BundleText(i as u32);
        texts.push((NoteText::Title(i), place, None, None));
        texts.push((NoteText::Description(i), place, None, None));
    }
    for (which, place, trace, span) in texts {
        let Some(text) = which.get(&set.notes) else {
            continue;
        };
        r.site = ScanSite {
            span,
            trace,
            place,
            key: which.key().to_owned(),
            value: Held::Note(which),
        };
        if let Some(new) = scanner.process(text, KeyClass::NONE, &mut r) {
            notes.push((which, new));
        }
        r.drop = false;
    }
    manifest.values_changed += notes.len() as u64;

    for ((kind, rule, action), count) in std::mem::take(&mut r.counts) {
        manifest.matches += count;
        *manifest.by_kind.entry(kind.clone()).or_default() += count;
        manifest.rules.push(RuleCount {
            kind,
            rule,
            action,
            count,
        });
    }
    Plan {
        items: r.items,
        manifest,
        edits: Edits {
            values,
            dropped,
            syms,
            warnings,
            notes,
        },
    }
}

/// Redacts one text that is not part of a set (a bundle's title, say) with `policy` and `key`;
/// its matches are added to `manifest`. Returns the new text when anything matched.
pub fn redact_text(
    text: &str,
    policy: &Policy,
    key: &[u8],
    manifest: &mut Manifest,
) -> Option<String> {
    let mut r = Redactor::new(policy, key);
    let new = policy.scanner.process(text, KeyClass::NONE, &mut r);
    for ((kind, rule, action), count) in r.counts {
        manifest.matches += count;
        *manifest.by_kind.entry(kind.clone()).or_default() += count;
        match manifest
            .rules
            .iter_mut()
            .find(|c| c.kind == kind && c.rule == rule && c.action == action)
        {
            Some(c) => c.count += count,
            None => manifest.rules.push(RuleCount {
                kind,
                rule,
                action,
                count,
            }),
        }
    }
    if new.is_some() {
        manifest.values_changed += 1;
    }
    new
}

/// Redacts a copy of `set` (the original is left as it is). `key` keys the hashes: use fresh
/// random bytes for each export (32 are plenty).
pub fn redact(set: &TraceSet, policy: &Policy, key: &[u8]) -> Redacted {
    let p = plan(set, policy, key);
    apply(copy(set), p)
}

/// Redacts `set` in place of a copy (see [`redact`]).
pub fn redact_owned(set: TraceSet, policy: &Policy, key: &[u8]) -> Redacted {
    let p = plan(&set, policy, key);
    apply(set, p)
}

impl Plan {
    /// Applies this plan to a copy of the set it was made for.
    pub fn apply(self, set: &TraceSet) -> Redacted {
        apply(copy(set), self)
    }
}

fn copy(set: &TraceSet) -> TraceSet {
    TraceSet {
        strings: set.strings.clone(),
        sources: set.sources.clone(),
        spans: set.spans.clone(),
        traces: set.traces.clone(),
        attrs: set.attrs.clone(),
        array_values: set.array_values.clone(),
        events: set.events.clone(),
        links: set.links.clone(),
        resources: set.resources.clone(),
        scopes: set.scopes.clone(),
        texts: set.texts.clone(),
        warnings: set.warnings.clone(),
        notes: set.notes.clone(),
    }
}

/// What the redactor is scanning now, for the plan's items.
#[derive(Debug)]
struct ScanSite {
    span: Option<SpanIx>,
    trace: Option<TraceIx>,
    place: Place,
    key: String,
    value: Held,
}

impl Default for ScanSite {
    fn default() -> Self {
        ScanSite {
            span: None,
            trace: None,
            place: Place::SpanAttribute,
            key: String::new(),
            value: Held::Warning(0),
        }
    }
}

struct Redactor<'p> {
    policy: &'p Policy,
    mac: Hmac<Sha256>,
    counts: BTreeMap<(String, String, Action), u64>,
    /// A `drop` action matched in the value being scanned.
    drop: bool,
    items: Vec<Planned>,
    site: ScanSite,
}

impl<'p> Redactor<'p> {
    fn new(policy: &'p Policy, key: &[u8]) -> Self {
        Redactor {
            policy,
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length"),
            counts: BTreeMap::new(),
            drop: false,
            items: Vec::new(),
            site: ScanSite::default(),
        }
    }
}

impl Sink for Redactor<'_> {
    fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
        let (label, custom) = match h.rule {
            RuleRef::Builtin(k) => (k.as_str().to_owned(), None),
            RuleRef::Custom(i) => (self.policy.scanner.custom[i as usize].id.clone(), Some(i)),
        };
        let action = self.policy.action(h.kind, custom);
        *self
            .counts
            .entry((h.kind.as_str().to_owned(), label.clone(), action))
            .or_default() += 1;
        let replacement = match action {
            Action::Mask => format!("[REDACTED:{label}]"),
            Action::Drop => {
                self.drop = true;
                format!("[REDACTED:{label}]")
            }
            Action::Hash => {
                let mut mac = self.mac.clone();
                mac.update(label.as_bytes());
                mac.update(&[0]);
                mac.update(h.matched.as_bytes());
                let digest = mac.finalize().into_bytes();
                let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
                format!("[HASH:{label}:{hex}]")
            }
        };
        self.items.push(Planned {
            trace: self.site.trace,
            span: self.site.span,
            place: self.site.place,
            key: self.site.key.clone(),
            json_path: h.json_path.clone(),
            range: h.range.0..h.range.1,
            kind: h.kind,
            rule: label,
            action,
            replacement: replacement.clone(),
            value: self.site.value.clone(),
        });
        Some(replacement)
    }
}

/// Applies a plan to the set it was made for.
fn apply(mut set: TraceSet, plan: Plan) -> Redacted {
    let Plan {
        manifest, edits, ..
    } = plan;
    let Edits {
        values,
        dropped,
        syms,
        warnings,
        notes,
    } = edits;
    for (slot, text, is_bytes) in values {
        let value = if is_bytes {
            Value::Bytes(push_text(
                &mut set,
                text.into_bytes(),
                TextEncoding::RawBytes,
            ))
        } else if text.len() < INLINE_STRING_MAX {
            Value::Str(set.strings.intern(&text))
        } else {
            Value::Text(push_text(&mut set, text.into_bytes(), TextEncoding::Utf8))
        };
        match slot {
            Slot::Attr(ix) => set.attrs[ix as usize].value = value,
            Slot::Item(ix) => set.array_values[ix as usize] = value,
        }
    }
    let mut new_syms: FxHashMap<Sym, Sym> = FxHashMap::default();
    for (sym, new) in syms {
        if let Some(new) = new {
            new_syms.insert(sym, set.strings.intern(&new));
        }
    }
    let map = |s: Sym| new_syms.get(&s).copied().unwrap_or(s);
    for s in &mut set.spans {
        s.name = map(s.name);
        s.status_message = map(s.status_message);
        s.trace_state = map(s.trace_state);
    }
    for e in &mut set.events {
        e.name = map(e.name);
    }
    for l in &mut set.links {
        l.trace_state = map(l.trace_state);
    }
    for sc in &mut set.scopes {
        sc.name = map(sc.name);
        sc.version = map(sc.version);
    }
    for a in &mut set.attrs {
        a.key = map(a.key);
    }
    let service_key = set.strings.get("service.name");
    for i in 0..set.resources.len() {
        let res = set.resources[i];
        let attr = set.attrs[res.attrs.as_range()]
            .iter()
            .enumerate()
            .find(|(_, a)| Some(a.key) == service_key)
            .map(|(k, a)| (res.attrs.start as usize + k, a.value));
        set.resources[i].service_name = match attr {
            Some((ix, v)) if !dropped[ix] => match set.value_str(v).map(|c| c.into_owned()) {
                Some(name) => set.strings.intern(&name),
                None => res.service_name,
            },
            _ => map(res.service_name),
        };
    }
    for (i, new) in warnings {
        set.warnings[i].message = new;
    }
    for (which, new) in notes {
        which.set(&mut set.notes, new);
    }
    set.retain_attrs(|i, _| !dropped[i]);
    purge(&mut set);
    Redacted { set, manifest }
}

fn push_text(set: &mut TraceSet, bytes: Vec<u8>, encoding: TextEncoding) -> TextId {
    let id = TextId(set.texts.len() as u32);
    set.texts.push(TextSlot::Owned {
        bytes: bytes.into_boxed_slice(),
        encoding,
    });
    id
}

/// Rebuilds the string pool with only the strings in use, drops unused texts, and blanks the
/// input bytes everywhere but under values still in use.
fn purge(set: &mut TraceSet) {
    let old = std::mem::take(&mut set.strings);
    let mut map: Vec<u32> = vec![u32::MAX; old.len()];
    let mut new = Interner::default();
    let mut m = |s: Sym| -> Sym {
        let i = s.0 as usize;
        if map[i] == u32::MAX {
            map[i] = new.intern(old.resolve(s)).0;
        }
        Sym(map[i])
    };
    set.map_syms(&mut m);
    // Note which texts and input ranges values still use.
    let mut live_text = vec![false; set.texts.len()];
    let mut live: Vec<(u32, usize, usize)> = Vec::new();
    set.map_values(|v| match v {
        Value::Src(s) => live.push((s.source(), s.offset(), s.len())),
        Value::Text(t) | Value::Bytes(t) => live_text[t.0 as usize] = true,
        Value::Empty
        | Value::Str(_)
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Double(_)
        | Value::Array(_)
        | Value::KvList(_) => {}
    });
    for (t, &used) in set.texts.iter_mut().zip(&live_text) {
        match t {
            TextSlot::Source {
                source,
                start,
                len,
                encoding: _,
            } => {
                if used {
                    live.push((*source, *start, *len as usize));
                } else {
                    *len = 0;
                }
            }
            TextSlot::Owned { bytes, encoding: _ } => {
                if !used {
                    *bytes = Box::default();
                }
            }
        }
    }
    set.strings = new;
    // Blank the input bytes outside live ranges (newlines stay, so line numbers still hold).
    live.sort_unstable();
    for (si, src) in set.sources.iter_mut().enumerate() {
        let mut keep = vec![false; src.bytes.len()];
        let from = live.partition_point(|l| (l.0 as usize) < si);
        let to = live.partition_point(|l| (l.0 as usize) <= si);
        for &(_, start, len) in &live[from..to] {
            let end = (start + len).min(keep.len());
            for k in keep.iter_mut().take(end).skip(start) {
                *k = true;
            }
        }
        for (b, k) in src.bytes.iter_mut().zip(keep) {
            if !k && *b != b'\n' {
                *b = b' ';
            }
        }
    }
}

#[cfg(test)]
mod tests;

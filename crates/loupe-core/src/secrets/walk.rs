//! Walking a set's values: every attribute list, nested arrays and key-value lists, with an
//! explicit stack. Each string, bytes or number value is handed to a callback as a [`Leaf`], with
//! its key path and its key's class.

use super::engine::{RuleRef, Scanner, Sink, TextHit};
use super::keys::KeyClass;
use super::kind::{Kind, Place, SecretFinding};
use crate::model::{Range32, SpanIx, TraceIx, TraceSet, Value};
use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// Where a value sits in the set's arenas.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Slot {
    /// The value of the attribute at this index of the attribute arena.
    Attr(u32),
    /// The item at this index of the array-value arena.
    Item(u32),
}

/// One value to scan.
#[derive(Debug)]
pub(crate) struct Leaf<'a> {
    pub slot: Slot,
    /// The attribute holding it (itself, or the attribute whose array holds it).
    pub owner: u32,
    /// The top-level attribute of the list being walked.
    pub top: u32,
    pub value: Value,
    pub class: KeyClass,
    /// Key path: keys of enclosing key-value lists joined by `.`, `[i]` for array items.
    pub key: Cow<'a, str>,
}

enum Pending<'a> {
    Attr {
        ix: u32,
        prefix: Option<std::rc::Rc<str>>,
        class: KeyClass,
        top: u32,
    },
    Item {
        ix: u32,
        key: Cow<'a, str>,
        class: KeyClass,
        owner: u32,
        top: u32,
    },
}

/// What [`walk_attrs`] meets: an attribute (for its key; nested ones included), or a leaf value.
pub(crate) enum Item<'l, 'k> {
    /// The attribute at this index of the attribute arena, met before its value.
    Key(u32),
    /// A value to scan.
    Leaf(&'l Leaf<'k>),
}

/// Calls `f` for every attribute (its key) and every leaf under the attributes of `range`, in
/// document order.
pub(crate) fn walk_attrs<'a>(
    set: &'a TraceSet,
    scanner: &Scanner,
    range: Range32,
    mut f: impl FnMut(Item<'_, '_>),
) {
    let mut stack: Vec<Pending<'a>> = Vec::new();
    for ix in range.as_range().rev() {
        stack.push(Pending::Attr {
            ix: ix as u32,
            prefix: None,
            class: KeyClass::NONE,
            top: ix as u32,
        });
    }
    while let Some(p) = stack.pop() {
        let (slot, value, key, class, owner, top) = match p {
            Pending::Attr {
                ix,
                prefix,
                class,
                top,
            } => {
                let a = set.attrs[ix as usize];
                f(Item::Key(ix));
                let own = set.str(a.key);
                let key: Cow<'a, str> = match &prefix {
                    None => Cow::Borrowed(own),
                    Some(p) => Cow::Owned(format!("{p}.{own}")),
                };
                let class = scanner.key_class(own).under(class);
                (Slot::Attr(ix), a.value, key, class, ix, top)
            }
            Pending::Item {
                ix,
                key,
                class,
                owner,
                top,
            } => (
                Slot::Item(ix),
                set.array_values[ix as usize],
                key,
                class,
                owner,
                top,
            ),
        };
        match value {
            Value::Array(r) => {
                for (k, item) in r.as_range().enumerate().rev() {
                    stack.push(Pending::Item {
                        ix: item as u32,
                        key: Cow::Owned(format!("{key}[{k}]")),
                        class,
                        owner,
                        top,
                    });
                }
            }
            Value::KvList(r) => {
                let prefix: std::rc::Rc<str> = key.as_ref().into();
                for ix in r.as_range().rev() {
                    stack.push(Pending::Attr {
                        ix: ix as u32,
                        prefix: Some(prefix.clone()),
                        class,
                        top,
                    });
                }
            }
            Value::Empty | Value::Bool(_) => {}
            _ => f(Item::Leaf(&Leaf {
                slot,
                owner,
                top,
                value,
                class,
                key,
            })),
        }
    }
}

/// The text of a leaf to scan: strings, bytes that are UTF-8, and integers under card-named keys.
pub(crate) fn leaf_text<'a>(set: &'a TraceSet, leaf: &Leaf<'_>) -> Option<Cow<'a, str>> {
    match leaf.value {
        Value::Str(_) | Value::Src(_) | Value::Text(_) => set.value_str(leaf.value),
        Value::Bytes(t) => match set.bytes(t) {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
            Cow::Owned(b) => String::from_utf8(b).ok().map(Cow::Owned),
        },
        _ => None,
    }
}

/// A number that is a secret by its key ([`super::engine::number_rule`]): what matched and the
/// number's text.
pub(crate) fn numeric_hit(
    leaf: &Leaf<'_>,
    class: KeyClass,
    scanner: &Scanner,
) -> Option<(Kind, RuleRef, String)> {
    let text = match leaf.value {
        Value::Int(i) => i.to_string(),
        Value::Double(d) if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e19 => {
            format!("{d:.0}")
        }
        Value::Double(d) => d.to_string(),
        _ => return None,
    };
    let (kind, rule) = super::engine::number_rule(class, scanner.kinds, &text)?;
    Some((kind, rule, text))
}

/// Collects findings for one place of one span.
struct Finder<'o> {
    out: &'o mut Vec<SecretFinding>,
    scanner: &'o Scanner,
    trace: TraceIx,
    span: SpanIx,
    place: Place,
    key: String,
}

impl Sink for Finder<'_> {
    fn hit(&mut self, h: &TextHit<'_>) -> Option<String> {
        if h.example {
            return None;
        }
        self.out.push(SecretFinding {
            kind: h.kind,
            rule: match h.rule {
                RuleRef::Builtin(k) => k.as_str().to_owned(),
                RuleRef::Custom(i) => self.scanner.custom[i as usize].id.clone(),
            },
            trace: self.trace,
            span: self.span,
            place: self.place,
            key: self.key.clone(),
            json_path: h.json_path.clone(),
            offset: h.offset,
            masked: super::kind::mask(h.kind, h.matched),
        });
        None
    }
}

/// Attribute keys already scanned in this trace, and whether any held a match (then the key
/// paths of findings are masked too).
#[derive(Default)]
struct Keys {
    seen: FxHashSet<crate::intern::Sym>,
    dirty: bool,
}

fn scan_attrs(
    set: &TraceSet,
    scanner: &Scanner,
    range: Range32,
    finder: &mut Finder<'_>,
    keys: &mut Keys,
) {
    walk_attrs(set, scanner, range, |item| match item {
        Item::Key(ix) => {
            let sym = set.attrs[ix as usize].key;
            if keys.seen.insert(sym) {
                let place = std::mem::replace(&mut finder.place, Place::AttributeKey);
                let before = finder.out.len();
                scan_str(scanner, set.str(sym), finder);
                keys.dirty |= finder.out.len() > before;
                finder.place = place;
            }
        }
        Item::Leaf(leaf) => {
            finder.key.clear();
            if keys.dirty {
                finder.key.push_str(&scanner.masked(&leaf.key));
            } else {
                finder.key.push_str(&leaf.key);
            }
            if let Some(text) = leaf_text(set, leaf) {
                scanner.process(&text, leaf.class, finder);
            } else if let Some((kind, rule, digits)) = numeric_hit(leaf, leaf.class, scanner) {
                finder.hit(&TextHit::whole(kind, rule, &digits));
            }
        }
    });
}

fn scan_str(scanner: &Scanner, text: &str, finder: &mut Finder<'_>) {
    finder.key.clear();
    if !text.is_empty() {
        scanner.process(text, KeyClass::NONE, finder);
    }
}

/// Scans one trace: its spans' names, status messages, trace states, attributes (keys and
/// values), events, links (their trace states too), and each resource and scope it uses once
/// (credited to the first span using it).
pub(crate) fn scan_trace(
    set: &TraceSet,
    scanner: &Scanner,
    trace: TraceIx,
    out: &mut Vec<SecretFinding>,
) {
    let range = set.traces()[trace.0 as usize].spans.as_range();
    let mut resources = FxHashSet::default();
    let mut scopes = FxHashSet::default();
    let mut keys = Keys::default();
    for i in range {
        let span = SpanIx(i as u32);
        let s = set.spans[i];
        let mut f = Finder {
            out: &mut *out,
            scanner,
            trace,
            span,
            place: Place::SpanName,
            key: String::new(),
        };
        scan_str(scanner, set.str(s.name), &mut f);
        f.place = Place::StatusMessage;
        scan_str(scanner, set.str(s.status_message), &mut f);
        f.place = Place::TraceState;
        scan_str(scanner, set.str(s.trace_state), &mut f);
        f.place = Place::SpanAttribute;
        scan_attrs(set, scanner, s.attrs, &mut f, &mut keys);
        for (k, e) in set.events(s.events).iter().enumerate() {
            f.place = Place::EventName(k as u32);
            scan_str(scanner, set.str(e.name), &mut f);
            f.place = Place::EventAttribute(k as u32);
            scan_attrs(set, scanner, e.attrs, &mut f, &mut keys);
        }
        for (k, l) in set.links(s.links).iter().enumerate() {
            f.place = Place::LinkTraceState(k as u32);
            scan_str(scanner, set.str(l.trace_state), &mut f);
            f.place = Place::LinkAttribute(k as u32);
            scan_attrs(set, scanner, l.attrs, &mut f, &mut keys);
        }
        if resources.insert(s.resource) {
            let r = set.resource(s.resource);
            f.place = Place::ResourceAttribute;
            scan_attrs(set, scanner, r.attrs, &mut f, &mut keys);
            let service = set.str(r.service_name);
            let held = set.attrs(r.attrs).iter().any(|a| {
                set.str(a.key) == "service.name"
                    && set.value_str(a.value).as_deref() == Some(service)
            });
            if !held {
                f.place = Place::ServiceName;
                scan_str(scanner, service, &mut f);
            }
        }
        if scopes.insert(s.scope) {
            let sc = set.scope(s.scope);
            f.place = Place::ScopeName;
            scan_str(scanner, set.str(sc.name), &mut f);
            scan_str(scanner, set.str(sc.version), &mut f);
            f.place = Place::ScopeAttribute;
            scan_attrs(set, scanner, sc.attrs, &mut f, &mut keys);
        }
    }
}

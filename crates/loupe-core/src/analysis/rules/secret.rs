//! `secret`: a credential or personal data in a span's data.
//!
//! A span's data holds a credential (an API key, token, private key, password or credentials in a
//! URL: error) or personal data (an e-mail address, phone number, payment card or IBAN: warning).
//! Anyone who gets the trace file gets it too. Rotate exposed credentials, stop recording them, and
//! share the run only after `loupe redact`.
//!
//! # What it checks
//!
//! The detectors and key rules of `crates/loupe-core/src/secrets/` (the table in `detect.rs` and
//! the key rules in `keys.rs`; [redaction.md](redaction.md) lists them), over every string of a
//! span: attributes, names, status messages, and JSON held inside strings. A finding's severity is
//! error for credentials and warning for personal data; one finding per span and kind names the
//! first place (attribute key, JSON path, byte offset) and shows the value masked (`sk-…9f2a`),
//! never whole.
//!
//! # Why it matters
//!
//! Anyone who gets the trace file gets the secret too.
//!
//! # What to do
//!
//! Rotate exposed credentials, stop recording them, and share the run only after `loupe redact`.

use super::rule::{Context, Finding, Rule, Severity};
use crate::model::TraceIx;
use crate::secrets::engine::Scanner;
use crate::secrets::{Place, SecretFinding, walk};

/// `secret`: a credential (error) or personal data (warning) in a span's data.
#[derive(Debug)]
pub struct SecretRule;

impl Rule for SecretRule {
    fn id(&self) -> &'static str {
        "secret"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn explanation(&self) -> &'static str {
        "A span's data holds a credential (an API key, token, private key, password or credentials in a URL: error) or personal data (an e-mail address, phone number, payment card or IBAN: warning). Anyone who gets the trace file gets it too. Rotate exposed credentials, stop recording them, and share the run only after `loupe redact`."
    }
    fn masks_its_messages(&self) -> bool {
        true
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        let scanner = Scanner::default();
        let mut found = Vec::new();
        walk::scan_trace(cx.set, &scanner, trace, &mut found);
        // One finding per span and kind: the first place, and how many more.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut index: rustc_hash::FxHashMap<_, usize> = rustc_hash::FxHashMap::default();
        for (k, f) in found.iter().enumerate() {
            match index.entry((f.span, f.kind)) {
                std::collections::hash_map::Entry::Occupied(e) => groups[*e.get()].1 += 1,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(groups.len());
                    groups.push((k, 1));
                }
            }
        }
        for (first, n) in groups {
            let f = &found[first];
            out.push(Finding {
                kind: self.id(),
                severity: if f.kind.is_pii() {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                spans: vec![f.span],
                message: message(cx, &scanner, f, n - 1),
            });
        }
    }
}

fn message(cx: &Context<'_>, scanner: &Scanner, f: &SecretFinding, more: usize) -> String {
    let span = cx.set.span(f.span);
    let whose = match f.place {
        Place::ResourceAttribute | Place::ServiceName => {
            let svc = scanner.masked(span.service());
            if svc.is_empty() {
                "the resource of".to_owned()
            } else {
                format!("the resource (service `{svc}`) of")
            }
        }
        Place::ScopeAttribute | Place::ScopeName => "the instrumentation scope of".to_owned(),
        _ => String::new(),
    };
    let mut place = f.place.describe();
    if !f.key.is_empty() {
        place.push_str(&format!(" `{}`", f.key));
    }
    if let Some(p) = &f.json_path {
        place.push_str(&format!(" at {p}"));
    }
    format!(
        "{whose}{}`{}` holds {} ({}) in its {place}, byte {}{}; redact it before sharing (`loupe redact`)",
        if whose.is_empty() { "" } else { " " },
        scanner.masked(span.name()),
        f.kind.describe(),
        f.masked,
        f.offset,
        match more {
            0 => String::new(),
            1 => ", and 1 more like it".to_owned(),
            n => format!(", and {n} more like it"),
        }
    )
}

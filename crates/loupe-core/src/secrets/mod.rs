//! Secrets and personal data in trace values: API keys, tokens, private keys, credentials in URLs
//! and headers, e-mail addresses, phone numbers, payment cards and IBANs.
//!
//! Each detector is a rule with an id (the [`Kind`]'s name). Value detectors are small hand-written
//! matchers ([`detect`]), each one pass over the text; key rules ([`keys`]) flag the values of
//! attributes and JSON fields named like `password`, `api_key` or `authorization`. Every string is
//! scanned: span, event, link, resource and scope attributes, nested arrays and key-value lists,
//! span and event names, status messages, and JSON held inside strings (message parts, tool
//! arguments and results), whose keys and leaves are scanned in turn.
//!
//! Precision comes first: a run without secrets must come out clean, so ids, hashes, UUIDs,
//! timestamps, token counts and long numbers do not match (cards need a Luhn check, a known issuer
//! prefix and either card-like grouping or a card word nearby; documentation domains such as
//! `example.com` are not personal e-mail addresses).
//!
//! Nothing here recurses over the data: values and JSON are walked with explicit stacks. JSON
//! inside a string inside JSON is followed [`MAX_JSON_IN_STRING`] levels deep, so the work is
//! linear in the bytes. A [`SecretFinding`] never holds the value: only a masked form such as
//! `sk-…9f2a`.

pub mod detect;
pub(crate) mod engine;
mod json;
pub mod keys;
mod kind;
pub(crate) mod walk;

use crate::model::{TraceIx, TraceSet};

pub use kind::{Kind, Kinds, MAX_JSON_IN_STRING, Place, SecretFinding, TextMatch, mask};

/// Every secret and piece of personal data in a set, with the built-in detectors, trace by trace.
pub fn scan(set: &TraceSet) -> Vec<SecretFinding> {
    let scanner = engine::Scanner::default();
    let mut out = Vec::new();
    for t in 0..set.traces().len() {
        walk::scan_trace(set, &scanner, TraceIx(t as u32), &mut out);
    }
    out
}

/// Scans one text as a value would be scanned (JSON inside it included), with no key context.
pub fn scan_text(text: &str) -> Vec<TextMatch> {
    let scanner = engine::Scanner::default();
    let mut sink = engine::Collect::default();
    scanner.process(text, keys::KeyClass::NONE, &mut sink);
    sink.hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::BUILTIN.into_iter().chain([Kind::Custom]) {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
    }

    #[test]
    fn masks_show_little() {
        assert_eq!(
            mask(Kind::OpenAiKey, "sk-abcdefghijklmnopqrstuvwxyz0123459f2a"),
            "sk-…9f2a"
        );
        assert_eq!(mask(Kind::PaymentCard, "4111 1111 1111 1111"), "…1111");
        assert_eq!(mask(Kind::Email, "jo@x.io"), "j…");
        assert_eq!(mask(Kind::SecretField, "hunter2"), "h…");
        assert_eq!(mask(Kind::SecretField, "ab"), "…");
        assert_eq!(mask(Kind::Iban, "DE89370400440532013000"), "DE…3000");
    }
}

//! The verification pass after an export: the written bytes are read back the way a recipient
//! would read them (the same importers, sniffed by content) and planned for redaction again with
//! the same policy. A clean file plans nothing; anything the plan still finds is a leftover, named
//! by kind, span and place, and the export must not be called clean.
//!
//! This checks the writer as much as the redaction: a value the writer put where the redaction
//! never looked (or one a reader decodes differently) shows up here, not in the recipient's hands.

use super::{Policy, plan};
use crate::secrets::{Kind, Place};
use std::fmt;

/// What the re-scan of a written file found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// Spans read back.
    pub spans: u64,
    /// Matches still in the file, at most [`MAX_LEFTOVERS`] (the count is in `leftover_count`).
    pub leftovers: Vec<Leftover>,
    /// Matches still in the file, in all.
    pub leftover_count: u64,
    /// Why the file could not be read back, if it could not (then nothing is known about it).
    pub unreadable: Option<String>,
}

/// Leftovers listed, at most; the count covers all of them.
pub const MAX_LEFTOVERS: usize = 20;

/// One match still present in a written file. It never holds the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// What it is.
    pub kind: Kind,
    /// The detector or custom rule that found it.
    pub rule: String,
    /// The span holding it, as its id; empty for an import warning.
    pub span_id: String,
    /// Where in the span: "attribute `http.url`", "name", "trace state", …
    pub place: String,
}

impl Verification {
    /// The file was read back and nothing was found in it.
    pub fn is_clean(&self) -> bool {
        self.unreadable.is_none() && self.leftover_count == 0
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.unreadable {
            return write!(
                f,
                "the written file could not be read back, so it was not verified: {why}"
            );
        }
        if self.leftover_count == 0 {
            return write!(
                f,
                "verified: {} spans read back and scanned again, nothing found",
                self.spans
            );
        }
        write!(
            f,
            "NOT clean: {} match(es) still in the written file",
            self.leftover_count
        )?;
        for l in &self.leftovers {
            write!(f, "\n  {} ({}) in ", l.kind.as_str(), l.rule)?;
            if l.span_id.is_empty() {
                write!(f, "{}", l.place)?;
            } else {
                write!(f, "span {}, {}", l.span_id, l.place)?;
            }
        }
        if self.leftover_count > self.leftovers.len() as u64 {
            write!(
                f,
                "\n  … and {} more",
                self.leftover_count - self.leftovers.len() as u64
            )?;
        }
        Ok(())
    }
}

/// Reads `written` back (any format Loupe reads; `name` is for messages) and plans it with
/// `policy`: what is left is listed. Hashes and masks the redaction wrote are not matches.
pub fn verify(written: &[u8], name: &str, policy: &Policy) -> Verification {
    let set = match crate::load(name, written.to_vec()) {
        Ok(set) => set,
        Err(e) => {
            return Verification {
                unreadable: Some(e.to_string()),
                ..Verification::default()
            };
        }
    };
    // The key only shapes hashes, and nothing is written from this plan.
    let again = plan(&set, policy, &[0u8; super::MIN_KEY_BYTES]);
    // A key is shown only when no key is left dirty and it is short and plain, so a message
    // about a leftover never repeats a secret held in a key.
    let keys_dirty = again.items.iter().any(|p| p.place == Place::AttributeKey);
    let show_key = |k: &str| {
        !keys_dirty
            && k.len() <= 80
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-[]".contains(&b))
    };
    let leftovers = again
        .items
        .iter()
        .take(MAX_LEFTOVERS)
        .map(|p| Leftover {
            kind: p.kind,
            rule: p.rule.clone(),
            span_id: p.span.map(|ix| set.span(ix).span_id()).unwrap_or_default(),
            place: if p.key.is_empty() {
                place_words(p.place)
            } else if !show_key(&p.key) {
                format!("{} (key not shown)", place_words(p.place))
            } else {
                format!("{} `{}`", place_words(p.place), p.key)
            },
        })
        .collect();
    Verification {
        spans: set.span_count() as u64,
        leftovers,
        leftover_count: again.items.len() as u64,
        unreadable: None,
    }
}

/// Words for a place, for people (counting from 1: "event 2 attribute").
pub fn place_words(p: Place) -> String {
    match p {
        Place::SpanAttribute => "attribute".into(),
        Place::EventAttribute(i) => format!("event {} attribute", i + 1),
        Place::LinkAttribute(i) => format!("link {} attribute", i + 1),
        Place::ResourceAttribute => "resource attribute".into(),
        Place::ScopeAttribute => "scope attribute".into(),
        Place::SpanName => "span name".into(),
        Place::StatusMessage => "status message".into(),
        Place::EventName(i) => format!("event {} name", i + 1),
        Place::ServiceName => "service name".into(),
        Place::ImportWarning(i) => format!("import warning {}", i + 1),
        Place::Note(i) => format!("note {}", i + 1),
        Place::BundleText(i) => format!("bundle {}", i + 1),
        Place::TraceState => "trace state".into(),
        Place::LinkTraceState(i) => format!("link {} trace state", i + 1),
        Place::ScopeName => "instrumentation scope name".into(),
        Place::AttributeKey => "attribute key".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","name":"chat","startTimeUnixNano":"1","endTimeUnixNano":"9","attributes":[{"key":"prompt","value":{"stringValue":"mail jane.doe@acme-corp.io the key sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe"}}]}]}]}]}"#;

    #[test]
    fn a_redacted_export_verifies_clean_and_the_raw_file_does_not() {
        let policy = Policy::default();
        let raw = verify(DOC.as_bytes(), "raw.json", &policy);
        assert!(!raw.is_clean());
        assert_eq!(raw.leftover_count, 2, "{raw}");
        let kinds: Vec<&str> = raw.leftovers.iter().map(|l| l.kind.as_str()).collect();
        assert_eq!(kinds, ["email", "openai_key"]);
        assert_eq!(raw.leftovers[0].span_id, "00000000000000a1");
        assert_eq!(raw.leftovers[0].place, "attribute `prompt`");
        let text = raw.to_string();
        assert!(text.starts_with("NOT clean: 2 match(es)"), "{text}");
        assert!(
            !text.contains("jane.doe"),
            "a verification never holds the value: {text}"
        );

        let set = crate::load("raw.json", DOC.as_bytes().to_vec()).expect("loads");
        let out = super::super::redact(&set, &policy, &[7u8; 32]);
        for format in [
            crate::export::Format::OtlpJson,
            crate::export::Format::OtlpProto,
        ] {
            let mut bytes = Vec::new();
            format.write(&out.set, &mut bytes).expect("writes");
            let v = verify(&bytes, "out", &policy);
            assert!(v.is_clean(), "{format:?}: {v}");
            assert_eq!(v.spans, 1);
        }
    }

    #[test]
    fn hashes_verify_clean_and_unreadable_bytes_are_not_clean() {
        let policy = Policy::parse("default = \"hash\"\n").expect("policy");
        let set = crate::load("raw.json", DOC.as_bytes().to_vec()).expect("loads");
        let out = super::super::redact(&set, &policy, &[7u8; 32]);
        let mut bytes = Vec::new();
        crate::export::Format::OtlpJson
            .write(&out.set, &mut bytes)
            .expect("writes");
        assert!(String::from_utf8_lossy(&bytes).contains("[HASH:email:"));
        assert!(verify(&bytes, "out.json", &policy).is_clean());

        let v = verify(b"not a trace", "out.json", &policy);
        assert!(!v.is_clean());
        assert!(v.unreadable.is_some());
        assert!(v.to_string().contains("could not be read back"), "{v}");
    }
}

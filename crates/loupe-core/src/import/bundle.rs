//! Opening bundles (`loupe.bundle/1`, see `crate::bundle`, which writes them): a container, as
//! gzip is. [`open`] gives the trace document inside, read in place: the bundle's bytes with
//! everything outside `traces` blanked (newlines kept) and the line breaks inside it made spaces,
//! so offsets are the bundle file's own, and a warning's line is the one `traces` starts on (its
//! column counts on from there). The notes come out as data; the loader attaches them to spans
//! once the set is finished.

use crate::error::ImportError;
use crate::import::common::trim_start;
use crate::model::notes::{Annotation, BundleInfo, Label, Notes};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Schema name of a bundle.
pub const BUNDLE_SCHEMA: &str = "loupe.bundle/1";

/// The format name of a bundle in reports (`files[].format`).
pub const BUNDLE_FORMAT: &str = "loupe-bundle";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleIn<'a> {
    schema: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    created: String,
    #[serde(default)]
    generator: String,
    #[serde(borrow)]
    traces: &'a RawValue,
    #[serde(default)]
    annotations: Vec<Annotation>,
    #[serde(default)]
    tour: Vec<String>,
    /// Only whether it is null matters here.
    #[serde(default)]
    redaction: Option<serde::de::IgnoredAny>,
}

/// Whether `bytes` are a bundle: a JSON object whose first key is `"schema"` with a value
/// starting `loupe.bundle/` (so a bundle of a later version is recognised, and refused by name).
pub fn sniff(bytes: &[u8]) -> bool {
    let b = trim_start(bytes);
    let Some(rest) = b.strip_prefix(b"{") else {
        return false;
    };
    let rest = trim_start(rest);
    let Some(rest) = rest.strip_prefix(b"\"schema\"") else {
        return false;
    };
    let rest = trim_start(rest);
    let Some(rest) = rest.strip_prefix(b":") else {
        return false;
    };
    trim_start(rest).starts_with(b"\"loupe.bundle/")
}

/// A bundle opened: the bytes to read as the trace document, and its notes.
#[derive(Debug)]
pub struct Opened {
    /// The bundle's bytes with everything outside `traces` blanked, newlines kept.
    pub document: Vec<u8>,
    /// Its notes, tour and what it says of itself.
    pub notes: Notes,
}

/// Opens a bundle (see the module's doc). `name` is for messages.
pub fn open(name: &str, bytes: Vec<u8>) -> Result<Opened, ImportError> {
    let syntax = |e: &serde_json::Error, message: String| ImportError::Syntax {
        file: name.to_owned(),
        line: e.line(),
        column: e.column(),
        message,
    };
    let parsed: BundleIn<'_> = serde_json::from_slice(&bytes).map_err(|e| {
        let m = format!("{e}; expected a {BUNDLE_SCHEMA} document (docs/bundle.md)");
        syntax(&e, m)
    })?;
    if parsed.schema != BUNDLE_SCHEMA {
        return Err(ImportError::Syntax {
            file: name.to_owned(),
            line: 1,
            column: 1,
            message: format!(
                "a bundle of schema `{}`; this Loupe reads `{BUNDLE_SCHEMA}` (open it with a newer Loupe)",
                parsed.schema
            ),
        });
    }
    let raw = parsed.traces.get();
    let start = raw.as_ptr() as usize - bytes.as_ptr() as usize;
    let end = start + raw.len();
    // In the vocabulary's order, each once (no sort of labels: each sort of a new type adds
    // tens of KB to the viewer's wasm).
    let labels: Vec<Label> = Label::ALL
        .into_iter()
        .filter(|l| parsed.annotations.iter().any(|a| a.label == *l))
        .collect();
    let mut notes = Notes {
        annotations: parsed.annotations,
        tour: parsed.tour,
        bundles: Vec::new(),
    };
    let tour_steps = notes.tour_notes().len() as u32;
    notes.bundles.push(BundleInfo {
        file: name.to_owned(),
        title: parsed.title,
        description: parsed.description,
        created: parsed.created,
        generator: parsed.generator,
        redacted: parsed.redaction.is_some(),
        tour_steps,
        labels,
    });
    // Outside `traces`, blanks (newlines kept, so the lines before it keep their numbers);
    // inside, line breaks become spaces (the same JSON: a raw line break cannot be inside a JSON
    // string), so a document spread over lines is not mistaken for JSON Lines.
    let mut document = bytes;
    for (i, b) in document.iter_mut().enumerate() {
        let inside = (start..end).contains(&i);
        if (!inside && *b != b'\n') || (inside && matches!(*b, b'\n' | b'\r')) {
            *b = b' ';
        }
    }
    Ok(Opened { document, notes })
}

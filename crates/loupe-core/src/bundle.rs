//! Bundles: one `.loupe.json` file holding traces with their notes and tour, to hand to someone
//! (schema `loupe.bundle/1`, described in `docs/bundle.md` with a JSON Schema in
//! `docs/loupe.bundle-1.schema.json`).
//!
//! A bundle is a container, as gzip is: the [`Loader`](crate::Loader) opens it
//! ([`crate::import::bundle`], which also says how positions in it are kept) before sniffing the
//! format of what is inside (one OTLP JSON document under `traces`) and keeps its notes in the set.
//!
//! [`write`] redacts by default: the set (spans, notes) and the title and description go through
//! the policy, and the bytes written are read back and scanned again ([`verify`]); a bundle that
//! still holds a match is not returned. Writing unredacted data takes [`Redaction::Unredacted`],
//! the author's explicit choice, and the bundle says so (`"redaction": null`).

use crate::model::TraceSet;
use crate::model::notes::Annotation;
use crate::redact::verify::{Verification, verify};
use crate::redact::{Manifest, Policy, PolicyFile, redact_owned, redact_text};
use serde::Serialize;
use serde_json::value::RawValue;

pub use crate::import::bundle::{BUNDLE_FORMAT, BUNDLE_SCHEMA, Opened, open, sniff};

/// What a bundle says of itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleMeta {
    /// A title for lists ("Wrong tool on an internal question").
    pub title: String,
    /// What it shows, for the newcomer.
    pub description: String,
    /// When it was made (RFC 3339; the caller's clock).
    pub created: String,
    /// The Loupe that made it (`loupe 0.1.0`).
    pub generator: String,
}

/// Whether a bundle is redacted as it is written.
#[derive(Clone, Copy, Debug)]
pub enum Redaction<'a> {
    /// Redact with this policy; `key` keys its hashes (fresh random bytes for each export).
    Redact {
        /// The policy.
        policy: &'a Policy,
        /// The hash key.
        key: &'a [u8],
    },
    /// Write everything as it is: only by the author's explicit choice.
    Unredacted,
}

/// A bundle written.
#[derive(Debug)]
pub struct Written {
    /// The file.
    pub bytes: Vec<u8>,
    /// What the redaction did (`None` when unredacted).
    pub manifest: Option<Manifest>,
    /// The re-scan of the bytes (`None` when unredacted): always clean, or there is no bundle.
    pub verification: Option<Verification>,
}

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The re-scan found something the redaction left, so nothing is returned.
    #[error("the bundle was not written: {0}")]
    NotClean(Verification),
    /// A note of the tour that is not in the set.
    #[error("the tour names note `{0}`, which is not in the set")]
    Tour(String),
    /// Serialising failed (it does not, for these types).
    #[error("the bundle could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(Serialize)]
struct RedactionOut<'a> {
    policy: &'a PolicyFile,
    manifest: &'a Manifest,
}

#[derive(Serialize)]
struct BundleOut<'a> {
    schema: &'static str,
    title: &'a str,
    description: &'a str,
    created: &'a str,
    generator: &'a str,
    annotations: &'a [Annotation],
    tour: &'a [String],
    redaction: Option<RedactionOut<'a>>,
    traces: &'a RawValue,
}

/// Writes `set` (its spans and its notes) as a bundle, redacted unless `redaction` says
/// otherwise. `name` is for messages about the re-scan.
pub fn write(
    set: TraceSet,
    meta: &BundleMeta,
    redaction: Redaction<'_>,
    name: &str,
) -> Result<Written, BundleError> {
    for id in &set.notes().tour {
        if set.notes().get(id).is_none() {
            return Err(BundleError::Tour(id.clone()));
        }
    }
    let (set, meta, manifest, policy) = match redaction {
        Redaction::Unredacted => (set, meta.clone(), None, None),
        Redaction::Redact { policy, key } => {
            let mut r = redact_owned(set, policy, key);
            let mut meta = meta.clone();
            for text in [&mut meta.title, &mut meta.description] {
                if let Some(new) = redact_text(text, policy, key, &mut r.manifest) {
                    *text = new;
                }
            }
            (r.set, meta, Some(r.manifest), Some(policy))
        }
    };
    let mut traces = Vec::new();
    crate::export::otlp_json::write(&set, &mut traces).expect("writing to a Vec does not fail");
    let traces = String::from_utf8(traces).expect("the OTLP JSON writer writes UTF-8");
    let traces = RawValue::from_string(traces)?;
    let notes = set.notes();
    let out = BundleOut {
        schema: BUNDLE_SCHEMA,
        title: &meta.title,
        description: &meta.description,
        created: &meta.created,
        generator: &meta.generator,
        annotations: &notes.annotations,
        tour: &notes.tour,
        redaction: match (&manifest, policy) {
            (Some(m), Some(p)) => Some(RedactionOut {
                policy: p.file(),
                manifest: m,
            }),
            _ => None,
        },
        traces: &traces,
    };
    let mut bytes = serde_json::to_vec_pretty(&out)?;
    bytes.push(b'\n');
    let verification = match policy {
        None => None,
        Some(p) => {
            let v = verify(&bytes, name, p);
            if !v.is_clean() {
                return Err(BundleError::NotClean(v));
            }
            Some(v)
        }
    };
    Ok(Written {
        bytes,
        manifest,
        verification,
    })
}

#[cfg(test)]
mod tests;

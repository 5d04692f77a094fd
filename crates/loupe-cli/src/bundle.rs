//! `loupe bundle`: load trace files (and bundles) into one set, add notes from a notes file, and
//! write one `loupe.bundle/1` file to hand to someone. Redacted by default (the policy is
//! `--policy` or the default one; the bytes are read back and scanned again before they are
//! written); `--no-redact` writes the data as it is, and the bundle says so.

use crate::redact::{hash_key, load_policy};
use anyhow::Context;
use loupe_core::Limits;
use loupe_core::bundle::{BundleMeta, Redaction, Written, write};
use loupe_core::notes::file;
use std::path::{Path, PathBuf};

/// Arguments shared by `loupe bundle` and `loupe html`.
#[derive(clap::Args, Debug)]
pub struct BundleArgs {
    /// Notes to add (TOML or JSON, `[[note]]` entries; see docs/bundle.md).
    #[arg(long, value_name = "NOTES")]
    notes: Option<PathBuf>,
    /// The bundle's title (default: the one bundle's title, or the first file's name).
    #[arg(long, value_name = "T")]
    title: Option<String>,
    /// What it shows, for whoever opens it.
    #[arg(long, value_name = "D")]
    description: Option<String>,
    /// A redaction policy (TOML or JSON; see docs/redaction.md). Without one, every match is masked.
    #[arg(long, value_name = "FILE", conflicts_with = "no_redact")]
    policy: Option<PathBuf>,
    /// Write the data as it is, secrets and personal data included: only when you mean it.
    #[arg(long)]
    no_redact: bool,
    /// Write the bundle here.
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    pub(crate) output: PathBuf,
    /// Trace files and bundles (any format Loupe reads, optionally gzip); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

/// The time now, as RFC 3339 (UTC, seconds).
fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Loads the files, adds the notes and makes the bundle's bytes (not yet written). Returns the
/// bundle, a line on what is in it, and whether every input loaded.
pub(crate) fn build(args: &BundleArgs, limits: Limits) -> anyhow::Result<(Written, String, bool)> {
    // Problems with the arguments come before anything is loaded.
    let policy = load_policy(args.policy.as_deref())?;
    let entries = match &args.notes {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(file::parse(&text).with_context(|| format!("{}", path.display()))?)
        }
    };
    let (mut set, all_ok) = crate::input::load(&args.files, limits);
    if set.sources().is_empty() {
        anyhow::bail!("no input could be read, so nothing was written");
    }
    let created = now();
    if let (Some(entries), Some(path)) = (&entries, &args.notes) {
        let notes = file::resolve(entries, &set, &created)
            .with_context(|| format!("{}", path.display()))?;
        set.notes_mut().merge(notes);
    }
    let opened = &set.notes().bundles;
    let title = match (&args.title, opened.as_slice()) {
        (Some(t), _) => t.clone(),
        (None, [one]) if set.sources().len() == 1 => one.title.clone(),
        _ => Path::new(&set.sources()[0].name)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let description = match (&args.description, opened.as_slice()) {
        (Some(d), _) => d.clone(),
        (None, [one]) if set.sources().len() == 1 => one.description.clone(),
        _ => String::new(),
    };
    let meta = BundleMeta {
        title,
        description,
        created,
        generator: format!("loupe {}", env!("CARGO_PKG_VERSION")),
    };
    let key = hash_key()?;
    let redaction = if args.no_redact {
        Redaction::Unredacted
    } else {
        Redaction::Redact {
            policy: &policy,
            key: &key,
        }
    };
    // What the summary reports; the set itself goes into the bundle.
    let summary = format!(
        "{} spans in {} traces, {} notes ({} tour steps)",
        set.span_count(),
        set.traces().len(),
        set.notes().annotations.len(),
        set.notes().tour_notes().len()
    );
    let written = write(set, &meta, redaction, &args.output.display().to_string())?;
    Ok((written, summary, all_ok))
}

/// Runs `loupe bundle`; returns whether every input loaded (exit code 2 otherwise).
pub fn run(args: &BundleArgs, limits: Limits) -> anyhow::Result<bool> {
    let (written, summary, all_ok) = build(args, limits)?;
    let path = &args.output;
    std::fs::write(path, &written.bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    report(args, &written, &summary, path);
    Ok(all_ok)
}

/// The lines on standard error after a bundle (or a page holding one) was written.
pub(crate) fn report(args: &BundleArgs, written: &Written, summary: &str, path: &Path) {
    eprintln!(
        "loupe: wrote {} ({} bytes): {summary}",
        path.display(),
        written.bytes.len()
    );
    match (&written.manifest, &written.verification) {
        (Some(m), Some(v)) => {
            eprintln!("loupe: {}", m.summary());
            eprintln!("loupe: {v}");
        }
        _ => {
            debug_assert!(args.no_redact);
            eprintln!(
                "loupe: NOT redacted (--no-redact): secrets and personal data in the traces and notes are in the file as they were"
            );
        }
    }
}

//! `loupe redact`: load trace files into one set, as `analyze` does, mask or hash every secret and
//! piece of personal data, and write the result (OTLP JSON by default) with a manifest of what
//! was redacted. The bytes are read back and scanned again before they are written; a file that
//! still holds a match is not written at all.

use crate::output::Target;
use anyhow::Context;
use loupe_core::redact::verify::verify;
use loupe_core::redact::{Policy, redact_owned};
use std::io::{Read, Write};
use std::path::PathBuf;

/// Arguments of `loupe redact`.
#[derive(clap::Args, Debug)]
pub struct RedactArgs {
    /// Write the redacted set to this file (`-` is standard output, for OTLP JSON only).
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    output: PathBuf,
    /// A redaction policy (TOML or JSON; see docs/redaction.md). Without one, every match is masked.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "otlp-json")]
    to: Target,
    /// Also write the manifest (what was redacted: counts by kind and rule, never values) as JSON.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Trace files (any format Loupe reads, optionally gzip); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

/// The policy file given (`--policy`), or the default policy: mask every match.
pub(crate) fn load_policy(path: Option<&std::path::Path>) -> anyhow::Result<Policy> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Policy::parse(&text).with_context(|| format!("{}", path.display()))
}

/// 32 random bytes from the operating system: the key of this export's hashes, never stored.
pub(crate) fn hash_key() -> anyhow::Result<[u8; 32]> {
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .context("cannot read random bytes from /dev/urandom for the hash key")?;
    Ok(key)
}

/// Runs `loupe redact`; returns whether every input loaded (exit code 2 otherwise).
pub fn run(
    args: &RedactArgs,
    limits: loupe_core::Limits,
    stdout: &mut impl Write,
) -> anyhow::Result<bool> {
    let policy = load_policy(args.policy.as_deref())?;
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.to.is_binary() {
        anyhow::bail!(
            "{} is binary: write it to a file with `-o FILE`",
            args.to.name()
        );
    }
    let (set, all_ok) = crate::input::load(&args.files, limits);
    if set.sources().is_empty() {
        anyhow::bail!("no input could be read, so nothing was written");
    }
    let key = hash_key()?;
    let redacted = redact_owned(set, &policy, &key);
    let mut bytes = Vec::new();
    args.to.write(&redacted.set, &mut bytes)?;
    // The verification pass: the bytes about to be written, read back and scanned again.
    let verification = verify(&bytes, &args.output.display().to_string(), &policy);
    if !verification.is_clean() {
        anyhow::bail!("nothing was written: {verification}");
    }
    if to_stdout {
        stdout.write_all(&bytes)?;
        stdout.flush()?;
    } else {
        let path = &args.output;
        std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.manifest {
        let mut json = serde_json::to_vec_pretty(&redacted.manifest)?;
        json.push(b'\n');
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "loupe: redacted {} spans in {} traces into {}: {}",
        redacted.set.span_count(),
        redacted.set.traces().len(),
        if to_stdout {
            "standard output".to_owned()
        } else {
            args.output.display().to_string()
        },
        redacted.manifest.summary()
    );
    eprintln!("loupe: {verification}");
    Ok(all_ok)
}

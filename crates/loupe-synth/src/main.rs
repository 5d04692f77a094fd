//! `loupe-synth`: writes synthetic agent traces as OTLP JSON.
//!
//! ```text
//! loupe-synth --spans N [--out FILE] [--seed S] [--jsonl] [--one-trace]
//! loupe-synth leaks DIR
//! ```

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::time::Instant;

const USAGE: &str = "usage: loupe-synth --spans N [--out FILE] [--seed S] [--jsonl] [--one-trace]

Writes exactly N spans of synthetic agent traces as OTLP JSON (about 1 KB per span).
  --spans N    number of spans (required)
  --out FILE   output file (default: standard output)
  --seed S     seed; the same seed gives the same bytes (default: 1)
  --jsonl      JSON Lines: one ExportTraceServiceRequest per trace per line
  --one-trace  one trace: every agent run under one orchestrator root span

usage: loupe-synth leaks DIR

Writes traces with fake secrets planted in every position (planted.<format>.json for OTLP JSON,
Zipkin and Jaeger), their answer key (answers.json) and a file of clean look-alike values
(lookalikes.json) into DIR, for trying the redaction (see docs/redaction.md).";

/// `loupe-synth leaks DIR`.
fn leaks(dir: &str) -> Result<()> {
    use loupe_synth::leaks;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {dir}"))?;
    let write = |name: &str, bytes: &[u8]| {
        let path = std::path::Path::new(dir).join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    for format in leaks::INPUTS {
        if let Some((bytes, _)) = leaks::planted(format) {
            write(&format!("planted.{format}.json"), &bytes)?;
        }
    }
    let mut key = serde_json::to_vec_pretty(&leaks::answer_key())?;
    key.push(b'\n');
    write("answers.json", &key)?;
    write("lookalikes.json", &leaks::lookalikes())?;
    eprintln!(
        "loupe-synth: {} plants in {} formats, answer key and look-alikes in {dir}; redact with --max-value-bytes {} --policy (ip_address on)",
        leaks::plants().len() + 1,
        leaks::INPUTS.len(),
        leaks::CUT_MAX_VALUE_BYTES
    );
    Ok(())
}

fn main() -> Result<()> {
    let mut spans = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut jsonl = false;
    let mut one_trace = false;
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("leaks") {
        args.next();
        let Some(dir) = args.next() else {
            bail!("leaks needs a directory\n\n{USAGE}");
        };
        return leaks(&dir);
    }
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--spans" => {
                let v = value("--spans")?;
                spans = Some(parse_count(&v).with_context(|| format!("bad --spans {v:?}"))?);
            }
            "--out" | "-o" => out = Some(value("--out")?),
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().with_context(|| format!("bad --seed {v:?}"))?;
            }
            "--jsonl" => jsonl = true,
            "--one-trace" => one_trace = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    let Some(spans) = spans else {
        bail!("--spans is required\n\n{USAGE}");
    };
    let started = Instant::now();
    let stats = match &out {
        Some(path) if path != "-" => {
            let file =
                std::fs::File::create(path).with_context(|| format!("cannot create {path}"))?;
            loupe_synth::write_otlp_json_with(file, spans, seed, jsonl, one_trace)
                .with_context(|| format!("cannot write {path}"))?
        }
        _ => {
            let stdout = std::io::stdout().lock();
            let stats = loupe_synth::write_otlp_json_with(stdout, spans, seed, jsonl, one_trace)
                .context("cannot write to standard output")?;
            std::io::stdout().flush()?;
            stats
        }
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "loupe-synth: {} spans in {} traces, {} bytes ({:.0} bytes/span) in {:.2}s ({:.0} MB/s)",
        stats.spans,
        stats.traces,
        stats.bytes,
        stats.bytes_per_span(),
        secs,
        stats.bytes as f64 / 1e6 / secs.max(1e-9),
    );
    Ok(())
}

/// A count, allowing `_` separators and `k`/`m` suffixes (`100k`, `1m`).
fn parse_count(s: &str) -> Result<usize> {
    let s = s.replace('_', "");
    let (digits, mul) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1_000),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1_000_000),
        _ => (&s[..], 1),
    };
    let n: usize = digits.parse()?;
    n.checked_mul(mul).context("too large")
}

//! `loupe convert`: load trace files into one set, as `analyze` does, and write it in another format.

use anyhow::Context;
use loupe_core::TraceSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::output::Target;

/// Arguments of `loupe convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// Output format.
    #[arg(long, value_enum)]
    to: Target,
    /// Write to this file instead of standard output (`-` is standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// Trace files (any format Loupe reads, optionally gzip); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

/// Runs `loupe convert`; returns whether every input loaded (exit code 2 otherwise).
/// Writes nothing when no input could be read at all.
pub fn run(
    args: &ConvertArgs,
    limits: loupe_core::Limits,
    stdout: &mut impl Write,
) -> anyhow::Result<bool> {
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    if to_stdout && args.to.is_binary() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "{} is binary and standard output is a terminal, so nothing was written; \
             write it to a file with `-o FILE` or redirect the output (`> out.pb`)",
            args.to.name()
        );
    }
    let (set, all_ok) = crate::input::load(&args.files, limits);
    if set.sources().is_empty() {
        anyhow::bail!("no input could be read, so nothing was written");
    }
    let to = args.to;
    match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            to.write(&set, file)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "loupe: wrote {} ({}): {} spans in {} traces from {} file(s){}",
                path.display(),
                to.name(),
                set.span_count(),
                set.traces().len(),
                set.sources().len(),
                warnings_note(&set)
            );
        }
        None => {
            to.write(&set, &mut *stdout)?;
            let note = warnings_note(&set);
            if !note.is_empty() {
                eprintln!("loupe: converted{note}");
            }
        }
    }
    Ok(all_ok)
}

/// `; N warnings while reading (…)`, or nothing.
fn warnings_note(set: &TraceSet) -> String {
    match set.warnings().len() {
        0 => String::new(),
        n => format!(
            "; {n} warning{} while reading the input (`loupe analyze` lists them)",
            if n == 1 { "" } else { "s" }
        ),
    }
}

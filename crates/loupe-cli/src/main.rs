//! `loupe`: analyse agent traces from the command line and in CI pipelines.

mod convert;
mod lint;
mod redact;
mod render;

use anyhow::Context;
use clap::{Parser, Subcommand};
use loupe_core::analysis::pricing::{PriceTable, Prices};
use loupe_core::analysis::{Analysis, Options};
use loupe_core::report::AnalysisReport;
use loupe_core::{Loader, TraceSet};
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "loupe",
    version,
    about = "Open and analyse traces of AI-agent runs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load trace files (merged into one set) and summarise every trace.
    Analyze {
        /// Print the `loupe.analysis/1` JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Tree lines shown per trace in text output.
        #[arg(long, default_value_t = 40)]
        max_lines: usize,
        /// A price file in LiteLLM's JSON format; its models override the built-in prices.
        #[arg(long, value_name = "FILE")]
        prices: Option<String>,
        /// Trace files (any format Loupe reads, optionally gzip); `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Check traces against thresholds; exit 1 when a run breaks one (for CI pipelines).
    Lint(lint::LintArgs),
    /// Print the span tree of every trace, with durations and error marks.
    Tree {
        /// Lines shown per trace before the rest is elided.
        #[arg(long, default_value_t = 400)]
        max_lines: usize,
        /// Children shown per parent before the middle ones are elided.
        #[arg(long, default_value_t = 20)]
        max_children: usize,
        /// Trace files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Load trace files (merged into one set) and write them in another format.
    Convert(convert::ConvertArgs),
    /// Mask or hash secrets and personal data, and write the set for sharing (OTLP JSON by default).
    Redact(redact::RedactArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`loupe tree … | head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("loupe: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Analysis options: the user's price file, if given, over the built-in prices.
fn options(prices: Option<&str>) -> anyhow::Result<Options> {
    let user = match prices {
        None => None,
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
            Some(PriceTable::from_litellm_json(&text).with_context(|| path.to_owned())?)
        }
    };
    Ok(Options {
        prices: Prices { user },
    })
}

/// Loads every file; reports each that cannot be read on stderr. Returns the set and whether all loaded.
fn load(files: &[String]) -> (TraceSet, bool) {
    let mut loader = Loader::new();
    let mut all_ok = true;
    for path in files {
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("loupe: {e:#}");
                all_ok = false;
                continue;
            }
        };
        if let Err(e) = loader.add_file(path, bytes) {
            eprintln!("loupe: {e}");
            all_ok = false;
        }
    }
    (loader.finish(), all_ok)
}

fn read_input(path: &str) -> anyhow::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("cannot read {path}"))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let all_ok = match cli.command {
        Command::Analyze {
            json,
            max_lines,
            prices,
            files,
        } => {
            let opts = options(prices.as_deref())?;
            let (set, ok) = load(&files);
            let analysis = Analysis::run(&set, &opts);
            if json {
                let report = AnalysisReport::build(&set, &analysis);
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                render::analysis(&mut out, &set, &analysis, max_lines)?;
            }
            ok
        }
        Command::Lint(args) => {
            let code = lint::run(&args, &mut out)?;
            out.flush()?;
            return Ok(code);
        }
        Command::Tree {
            max_lines,
            max_children,
            files,
        } => {
            let (set, ok) = load(&files);
            render::trees(&mut out, &set, max_lines, max_children)?;
            ok
        }
        Command::Convert(args) => convert::run(&args, &mut out)?,
        Command::Redact(args) => redact::run(&args, &mut out)?,
    };
    out.flush()?;
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

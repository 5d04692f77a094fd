//! `loupe`: analyse agent traces from the command line and in CI pipelines.

mod bundle;
mod convert;
mod input;
mod lint;
mod output;
mod redact;
mod render;

use clap::{Parser, Subcommand};
use input::{load, options};
use loupe_core::analysis::{Analysis, Options};
use loupe_core::query::Query;
use loupe_core::report::AnalysisReport;
use loupe_core::{LimitOverrides, Limits};
use std::io::Write;
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
    #[command(flatten)]
    limits: LimitArgs,
}

/// Limits that protect against hostile or oversized files (any subcommand takes them).
#[derive(clap::Args, Debug)]
struct LimitArgs {
    /// Largest file read, in bytes (default 8 GiB); a larger one is an error.
    #[arg(long, global = true, value_name = "BYTES")]
    max_file_bytes: Option<usize>,
    /// Largest size a gzip file may inflate to, in bytes (default 8 GiB).
    #[arg(long, global = true, value_name = "BYTES")]
    max_decompressed_bytes: Option<usize>,
    /// Longest string value kept, in bytes (default 16 MiB); longer ones are cut, with a warning.
    #[arg(long, global = true, value_name = "BYTES")]
    max_value_bytes: Option<usize>,
    /// Most attributes kept in one list, or items in one array (default 100,000).
    #[arg(long, global = true, value_name = "N")]
    max_attrs_per_span: Option<usize>,
    /// Deepest nesting of arrays and key-value lists in one value (default 16).
    #[arg(long, global = true, value_name = "N")]
    max_value_depth: Option<usize>,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        LimitOverrides {
            max_file_bytes: self.max_file_bytes,
            max_decompressed_bytes: self.max_decompressed_bytes,
            max_value_bytes: self.max_value_bytes,
            max_attrs_per_span: self.max_attrs_per_span,
            max_value_depth: self.max_value_depth,
        }
        .limits()
    }
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
        /// Show only the spans matching this filter (the viewer's filter language: `kind:tool`,
        /// `status:error`, `>500ms`, `finding:loop`, `key=value` …) and their ancestors; matches
        /// are marked `»`, traces with none are left out.
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
        /// Trace files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Load trace files (merged into one set) and write them in another format.
    Convert(convert::ConvertArgs),
    /// Mask or hash secrets and personal data, and write the set for sharing (OTLP JSON by default).
    Redact(redact::RedactArgs),
    /// Write traces with notes and a tour as one `.loupe.json` bundle to hand over (redacted
    /// unless --no-redact).
    Bundle(bundle::BundleArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`loupe tree … | head`) is not an error worth a message.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("loupe: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether writing failed because the reader of standard output went away: an I/O error
/// anywhere in the chain, the JSON writer's included.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            json.io_error_kind()
        } else {
            None
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let limits = cli.limits.limits();
    let all_ok = match cli.command {
        Command::Analyze {
            json,
            max_lines,
            prices,
            files,
        } => {
            let opts = options(prices.as_deref())?;
            let (set, ok) = load(&files, limits);
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
            // Flushed by `lint::run`, which keeps its verdict when the pipe is closed.
            return lint::run(&args, limits, &mut out);
        }
        Command::Tree {
            max_lines,
            max_children,
            filter,
            files,
        } => {
            // A filter that cannot be read is an error before anything is loaded.
            let query = filter
                .as_deref()
                .map(Query::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--filter: {e}"))?;
            let (set, ok) = load(&files, limits);
            match query {
                None => render::trees(&mut out, &set, max_lines, max_children)?,
                Some(q) => {
                    let analysis = Analysis::run(&set, &Options::default());
                    let filter = render::TreeFilter::new(&set, &analysis, &q);
                    render::filtered_trees(&mut out, &set, &filter, max_lines, max_children)?;
                }
            }
            ok
        }
        Command::Convert(args) => convert::run(&args, limits, &mut out)?,
        Command::Redact(args) => redact::run(&args, limits, &mut out)?,
        Command::Bundle(args) => bundle::run(&args, limits)?,
    };
    out.flush()?;
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

//! `loupe lint`: gate CI pipelines on agent traces. Exit 0 when every run is within the thresholds,
//! 1 when one breaks one, 2 when an input could not be read.

use crate::input::{load, options};
use clap::{Args, ValueEnum};
use loupe_core::analysis::Analysis;
use loupe_core::analysis::rules::Severity;
use loupe_core::model::TraceIx;
use std::io::Write;
use std::process::ExitCode;

/// Severity that fails the run.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding of severity warning or error.
    Warning,
    /// Only findings of severity error.
    Error,
}

/// Arguments of `loupe lint`.
#[derive(Args, Debug)]
pub struct LintArgs {
    /// Fail when a finding of this severity or worse is present.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Fail when a trace costs more than this many US dollars (or its cost cannot be computed).
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,
    /// Fail when a trace uses more tokens than this (input + output).
    #[arg(long, value_name = "N")]
    max_tokens: Option<u64>,
    /// A price file in LiteLLM's JSON format; its models override the built-in prices.
    #[arg(long, value_name = "FILE")]
    prices: Option<String>,
    /// Trace files; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

/// Runs the checks and prints one line per broken threshold. The exit code is the verdict even
/// when the reader of the output has gone (`loupe lint … | head`): a closed pipe never turns a
/// failing run into a passing one.
pub fn run(
    args: &LintArgs,
    limits: loupe_core::Limits,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let mut text = Vec::new();
    let code = check(args, limits, &mut text)?;
    match out.write_all(&text).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(code),
    }
}

fn check(
    args: &LintArgs,
    limits: loupe_core::Limits,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let opts = options(args.prices.as_deref())?;
    let (set, loaded) = load(&args.files, limits);
    let analysis = Analysis::run(&set, &opts);
    let threshold = match args.fail_on {
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    let mut broken = 0usize;
    for (t, ta) in analysis.traces.iter().enumerate() {
        let id = set.traces()[t].id.display(set.strings()).to_string();
        let root = set
            .top_level(TraceIx(t as u32))
            .next()
            .map(|r| set.span(r).name().to_owned())
            .unwrap_or_default();
        for f in ta.findings.iter().filter(|f| f.severity >= threshold) {
            broken += 1;
            writeln!(
                out,
                "{id} ({root}): {}[{}]: {}",
                f.severity.as_str(),
                f.kind,
                f.message
            )?;
        }
        if let Some(max) = args.max_cost {
            match ta.cost_usd {
                Some(c) if c > max => {
                    broken += 1;
                    writeln!(out, "{id} ({root}): cost ${c:.4} is over --max-cost ${max}")?;
                }
                None if ta.tokens.any() => {
                    broken += 1;
                    writeln!(
                        out,
                        "{id} ({root}): cost unknown (no price for {}), so --max-cost ${max} cannot be checked; pass --prices FILE",
                        ta.unpriced_models.join(", ")
                    )?;
                }
                _ => {}
            }
        }
        if let Some(max) = args.max_tokens
            && ta.tokens.total() > max
        {
            broken += 1;
            writeln!(
                out,
                "{id} ({root}): {} tokens is over --max-tokens {max}",
                ta.tokens.total()
            )?;
        }
    }
    let runs = set.traces().len();
    if broken == 0 {
        writeln!(out, "ok: {runs} trace(s) within the thresholds")?;
    } else {
        writeln!(out, "{broken} problem(s) in {runs} trace(s)")?;
    }
    Ok(if !loaded {
        ExitCode::from(2)
    } else if broken > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

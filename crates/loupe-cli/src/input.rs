//! Reading what the user gave: trace files (or standard input) into one set, and the price file
//! into analysis options.

use anyhow::Context;
use loupe_core::analysis::Options;
use loupe_core::analysis::pricing::{PriceTable, Prices};
use loupe_core::{Limits, Loader, TraceSet};
use std::io::Read;

/// Analysis options: the user's price file, if given, over the built-in prices.
pub(crate) fn options(prices: Option<&str>) -> anyhow::Result<Options> {
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
pub(crate) fn load(files: &[String], limits: Limits) -> (TraceSet, bool) {
    let mut loader = Loader::with_limits(limits);
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

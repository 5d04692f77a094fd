//! Lossless round trips through Loupe's writers: every valid OTLP fixture and every corpus OTLP JSON
//! file, loaded, written as OTLP JSON and loaded again, gives the same set (the same `dump`, apart
//! from file names and the positions warnings cite) and the same analysis; writing it again gives
//! the same bytes.

use loupe_core::WarningCode;
use loupe_core::analysis::{Analysis, Options};
use loupe_core::export::otlp_json;
use loupe_core::report::{AnalysisReport, TraceReport};
use loupe_core::{TraceSet, Warning};
use loupe_tests::{corpus_dir, dump, files_in, fixtures_dir};
use std::path::{Path, PathBuf};

/// `dump` without the lines that name files or cite positions in them.
fn content(set: &TraceSet) -> String {
    dump(set)
        .lines()
        .filter(|l| !l.starts_with("file ") && !l.starts_with("warning["))
        .collect::<Vec<_>>()
        .join("\n")
}

fn codes(warnings: &[Warning]) -> Vec<WarningCode> {
    let mut codes: Vec<WarningCode> = warnings.iter().map(|w| w.code).collect();
    codes.sort();
    codes
}

/// The `traces` part of the analysis report (the `files` part names the files, which differ).
fn traces_report(set: &TraceSet) -> Vec<TraceReport> {
    let analysis = Analysis::run(set, &Options::default());
    AnalysisReport::build(set, &analysis).traces
}

fn to_otlp_json(set: &TraceSet) -> Vec<u8> {
    let mut out = Vec::new();
    otlp_json::write(set, &mut out).expect("write to a Vec");
    out
}

/// Loads `path`, round-trips it through OTLP JSON, and checks nothing changed. Returns the span count.
fn check_round_trip(path: &Path) -> usize {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original = loupe_core::load(&name, bytes).unwrap_or_else(|e| panic!("{e}"));
    let json = to_otlp_json(&original);
    let again = loupe_core::load("roundtrip.json", json.clone())
        .unwrap_or_else(|e| panic!("{name}: the written OTLP JSON does not load: {e}"));
    assert_eq!(again.sources()[0].format, "otlp-json");
    assert_eq!(
        content(&again),
        content(&original),
        "{name}: JSON → JSON changed the set"
    );
    // Every warning comes back: ids kept as given are written as given, orphans stay orphans.
    assert_eq!(
        codes(again.warnings()),
        codes(original.warnings()),
        "{name}: warnings"
    );
    assert_eq!(
        traces_report(&again),
        traces_report(&original),
        "{name}: analysis"
    );
    assert_eq!(
        to_otlp_json(&again),
        json,
        "{name}: writing the round-tripped set gives other bytes"
    );
    original.span_count()
}

fn otlp_fixtures() -> Vec<PathBuf> {
    files_in(&fixtures_dir().join("otlp/valid"))
}

#[test]
fn otlp_fixtures_round_trip_losslessly() {
    let files = otlp_fixtures();
    assert!(files.len() >= 8, "fixtures found: {files:?}");
    let mut spans = 0;
    for path in &files {
        spans += check_round_trip(path);
    }
    assert!(spans >= 30, "{spans} spans checked");
}

#[test]
fn genai_and_equivalence_json_round_trip_losslessly() {
    let mut checked = 0;
    for dir in [
        "genai",
        "equivalence/node-agent",
        "equivalence/python-agent",
    ] {
        for path in files_in(&fixtures_dir().join(dir)) {
            // Only the OTLP JSON files here; the other formats are not read by every build.
            let head = std::fs::read(&path).expect("read");
            if !head.starts_with(b"{") || !String::from_utf8_lossy(&head).contains("resourceSpans")
            {
                continue;
            }
            check_round_trip(&path);
            checked += 1;
        }
    }
    assert!(checked >= 5, "checked {checked} files");
}

#[test]
fn corpus_otlp_json_round_trips_losslessly() {
    let Some(corpus) = corpus_dir() else { return };
    let files = files_in(&corpus.join("otlp-json"));
    assert!(files.len() >= 7, "corpus files: {files:?}");
    for path in &files {
        check_round_trip(path);
    }
}

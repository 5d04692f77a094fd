//! Lossless round trips through Loupe's writers: every valid OTLP fixture and every corpus OTLP JSON
//! file, loaded, written as OTLP JSON and loaded again, gives the same set (the same `dump`, apart
//! from file names and the positions warnings cite) and the same analysis; writing it again gives
//! the same bytes. The same inputs written as OTLP protobuf and read back give the same set too, and
//! the real SDKs' JSON and protobuf exports of one run load to the same set and analysis.

use loupe_core::WarningCode;
use loupe_core::analysis::{Analysis, Options};
use loupe_core::export::{otlp_json, otlp_proto};
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

/// The OTLP JSON files among the GenAI and equivalence fixtures (the other formats there are not
/// read by every build).
fn genai_and_equivalence_json() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "genai",
        "equivalence/node-agent",
        "equivalence/python-agent",
    ] {
        for path in files_in(&fixtures_dir().join(dir)) {
            let head = std::fs::read(&path).expect("read");
            if head.starts_with(b"{") && String::from_utf8_lossy(&head).contains("resourceSpans") {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn genai_and_equivalence_json_round_trip_losslessly() {
    let files = genai_and_equivalence_json();
    assert!(files.len() >= 5, "checked {files:?}");
    for path in &files {
        check_round_trip(path);
    }
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

/// Loads `path`, writes it as OTLP protobuf, reads that back, and checks nothing changed (the same
/// `dump` apart from file names and warnings, the same analysis). Returns the span count.
fn check_proto_round_trip(path: &Path) -> usize {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original = loupe_core::load(&name, bytes).unwrap_or_else(|e| panic!("{e}"));
    let pb = otlp_proto::encode(&original);
    let again = loupe_core::load("roundtrip.pb", pb.clone())
        .unwrap_or_else(|e| panic!("{name}: the written OTLP protobuf does not load: {e}"));
    assert_eq!(again.sources()[0].format, "otlp-proto");
    assert_eq!(
        content(&again),
        content(&original),
        "{name}: JSON → protobuf → model changed the set"
    );
    assert_eq!(
        traces_report(&again),
        traces_report(&original),
        "{name}: analysis after protobuf"
    );
    // And on to JSON: the same document as writing the original as JSON.
    assert_eq!(
        String::from_utf8_lossy(&to_otlp_json(&again)),
        String::from_utf8_lossy(&to_otlp_json(&original)),
        "{name}: JSON → protobuf → JSON differs from JSON → JSON"
    );
    assert_eq!(
        otlp_proto::encode(&again),
        pb,
        "{name}: writing the round-tripped set gives other bytes"
    );
    original.span_count()
}

#[test]
fn otlp_fixtures_round_trip_through_protobuf() {
    let files = otlp_fixtures();
    let mut spans = 0;
    for path in &files {
        spans += check_proto_round_trip(path);
    }
    assert!(spans >= 30, "{spans} spans checked");
}

#[test]
fn genai_and_equivalence_json_round_trip_through_protobuf() {
    let files = genai_and_equivalence_json();
    assert!(files.len() >= 5, "checked {files:?}");
    for path in &files {
        check_proto_round_trip(path);
    }
}

#[test]
fn corpus_otlp_json_round_trips_through_protobuf() {
    let Some(corpus) = corpus_dir() else { return };
    let files = files_in(&corpus.join("otlp-json"));
    assert!(files.len() >= 7, "corpus files: {files:?}");
    for path in &files {
        check_proto_round_trip(path);
    }
}

/// The Node and Python SDKs exported one run each as OTLP JSON and as OTLP protobuf: both files
/// load to the same set and the same analysis (critical path, tokens, findings).
#[test]
fn sdk_json_and_protobuf_exports_load_alike() {
    for dir in ["node-agent", "python-agent"] {
        let dir = fixtures_dir().join("equivalence").join(dir);
        let load = |file: &str| {
            let path = dir.join(file);
            let name = path.display().to_string();
            loupe_core::load(&name, std::fs::read(&path).expect("read"))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let json = load("otlp.json");
        let pb = load("otlp.pb");
        assert_eq!(json.sources()[0].format, "otlp-json");
        assert_eq!(pb.sources()[0].format, "otlp-proto");
        assert!(
            pb.span_count() >= 10,
            "{}: {} spans",
            dir.display(),
            pb.span_count()
        );
        assert!(pb.warnings().is_empty(), "{:?}", pb.warnings());
        assert_eq!(
            content(&pb),
            content(&json),
            "{}: sets differ",
            dir.display()
        );
        assert_eq!(
            loupe_tests::report(&pb).traces,
            loupe_tests::report(&json).traces,
            "{}: analyses differ",
            dir.display()
        );
    }
}

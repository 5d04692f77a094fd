//! Loading behaviour across files: traces join across files, gzip is found by its magic bytes, and a
//! file that fails leaves everything loaded before it untouched.

use loupe_core::{ImportError, Loader, WarningCode};
use loupe_tests::{dump, fixtures_dir};
use std::io::Write;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(rel)).expect("fixture")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// Splits a JSON Lines file into two files; the trace must come out the same as from one file.
#[test]
fn spans_of_one_trace_join_across_files() {
    let whole = fixture("otlp/valid/collector-file-exporter.jsonl");
    let text = String::from_utf8(whole.clone()).expect("utf8");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3);
    let mut loader = Loader::new();
    loader
        .add_file("part-a.json", lines[0].as_bytes().to_vec())
        .expect("a");
    loader
        .add_file(
            "part-b.jsonl",
            format!("{}\n{}\n", lines[1], lines[2]).into_bytes(),
        )
        .expect("b");
    let split = loader.finish();
    assert_eq!(split.traces().len(), 1);
    assert_eq!(split.span_count(), 3);
    assert!(split.warnings().is_empty(), "{:?}", split.warnings());
    let joined = loupe_core::load("whole.jsonl", whole).expect("whole");
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.starts_with("file "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(dump(&split)), strip(dump(&joined)));
    // Each span remembers its file.
    let sources: Vec<u32> = split.spans().iter().map(|s| s.origin.source.0).collect();
    assert_eq!(sources.iter().filter(|&&s| s == 0).count(), 1);
}

#[test]
fn gzip_is_detected_by_content_not_name() {
    let plain = fixture("otlp/valid/agent-run-hex.json");
    let a = loupe_core::load("trace.json", plain.clone()).expect("plain");
    let b = loupe_core::load("no-extension", gzip(&plain)).expect("gzip");
    assert_eq!(a.span_count(), b.span_count());
    assert_eq!(
        loupe_tests::report(&a).traces,
        loupe_tests::report(&b).traces
    );
    assert!(b.sources()[0].compressed_len.is_some());
    // Long strings of gzip input point into the decompressed bytes and decode the same.
    let strip = |s: String| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(dump(&a)), strip(dump(&b)));
}

#[test]
fn gzip_jsonl_and_corrupt_gzip() {
    let lines = fixture("otlp/valid/collector-file-exporter.jsonl");
    let set = loupe_core::load("x.gz", gzip(&lines)).expect("gzip jsonl");
    assert_eq!(set.span_count(), 3);
    let mut broken = gzip(&lines);
    let mid = broken.len() / 2;
    broken.truncate(mid);
    let err = loupe_core::load("broken.gz", broken).expect_err("corrupt gzip");
    assert!(matches!(err, ImportError::Gzip { .. }), "{err}");
    assert!(err.to_string().starts_with("broken.gz"), "{err}");
}

#[test]
fn a_failed_file_leaves_the_loaded_ones_alone() {
    let mut loader = Loader::new();
    loader
        .add_file("good.json", fixture("otlp/valid/agent-run-hex.json"))
        .expect("good");
    let err = loader
        .add_file("bad.json", fixture("otlp/invalid/not-json.json"))
        .expect_err("bad");
    let ImportError::Syntax {
        file, line, column, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((file.as_str(), *line), ("bad.json", 3));
    assert!(*column > 1);
    let err = loader
        .add_file("other.json", fixture("otlp/invalid/no-resource-spans.json"))
        .expect_err("unrecognized");
    assert!(
        err.to_string().contains("otlp-json"),
        "says what was tried: {err}"
    );
    loader
        .add_file(
            "more.jsonl",
            fixture("otlp/valid/collector-file-exporter.jsonl"),
        )
        .expect("more");
    let set = loader.finish();
    assert_eq!(set.sources().len(), 2, "failed files are not listed");
    assert_eq!(set.span_count(), 6);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    // Strings interned by the failed files were rolled back, and texts still resolve.
    let d = dump(&set);
    assert!(d.contains("Plan a three-day trip to Lisbon"), "{d}");
}

#[test]
fn a_finished_set_takes_more_files() {
    let mut loader = Loader::new();
    let lines =
        String::from_utf8(fixture("otlp/valid/collector-file-exporter.jsonl")).expect("utf8");
    let lines: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    loader
        .add_file("a.json", lines[1].as_bytes().to_vec())
        .expect("child first");
    let first = loader.finish();
    assert_eq!(
        first
            .warnings()
            .iter()
            .filter(|w| w.code == WarningCode::Orphan)
            .count(),
        1
    );
    let mut loader = Loader::from_set(first, loupe_core::Limits::default());
    loader
        .add_file("b.json", lines[0].as_bytes().to_vec())
        .expect("parent later");
    let set = loader.finish();
    assert_eq!(set.span_count(), 2);
    assert!(
        set.warnings().is_empty(),
        "the orphan found its parent: {:?}",
        set.warnings()
    );
    assert_eq!(set.spans()[1].depth, 1);
}

#[test]
fn truncated_file_keeps_what_came_before() {
    let set = loupe_core::load(
        "truncated.json",
        fixture("otlp/invalid/truncated-after-first-span.json"),
    )
    .expect("partial data beats an abort");
    assert_eq!(set.span_count(), 1);
    let w = &set.warnings()[0];
    assert_eq!(w.code, WarningCode::Truncated);
    assert!(w.message.starts_with("truncated.json:1:"), "{}", w.message);
    assert!(w.message.contains("ends early"), "{}", w.message);
    assert!(w.message.contains("1 spans read before"), "{}", w.message);
}

#[test]
fn bad_lines_are_skipped_and_named() {
    let set =
        loupe_core::load("lines.jsonl", fixture("otlp/invalid/bad-lines.jsonl")).expect("load");
    assert_eq!(set.span_count(), 2);
    let bad: Vec<_> = set
        .warnings()
        .iter()
        .filter(|w| w.code == WarningCode::BadLine)
        .map(|w| w.message.clone())
        .collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].starts_with("line 2,"), "{bad:?}");
    assert!(bad[1].starts_with("line 3,"), "{bad:?}");
    // The span after the bad lines still found its parent.
    assert_eq!(set.spans()[1].depth, 1);
}

#[test]
fn empty_and_whitespace_files_are_clear_errors() {
    for (name, bytes) in [
        ("empty.json", Vec::new()),
        ("blank.json", b"  \n\t\n".to_vec()),
    ] {
        let err = loupe_core::load(name, bytes).expect_err("empty");
        assert!(matches!(err, ImportError::Empty { .. }), "{err}");
        assert!(err.to_string().contains("empty"), "{err}");
    }
}

#[test]
fn size_limits_are_enforced() {
    let limits = loupe_core::Limits {
        max_file_bytes: 100,
        max_decompressed_bytes: 1000,
        ..loupe_core::Limits::default()
    };
    let mut loader = Loader::with_limits(limits);
    let err = loader
        .add_file("big.json", fixture("otlp/valid/agent-run-hex.json"))
        .expect_err("over the limit");
    assert!(matches!(err, ImportError::Limit { .. }), "{err}");
    let bomb = gzip(&vec![b' '; 10_000]);
    assert!(bomb.len() <= 100);
    let err = loader
        .add_file("bomb.gz", bomb)
        .expect_err("decompression limit");
    assert!(
        err.to_string().contains("decompresses to more than"),
        "{err}"
    );
}

//! The shared public corpus, read in place: every file of a format Loupe reads loads with the span
//! count PROVENANCE.md gives. Skips, saying so, where the corpus is absent.

use loupe_tests::{corpus_dir, provenance_span_counts};

/// Corpus files Loupe must read, by path prefix. Every file under these prefixes must load with the
/// span count PROVENANCE.md gives.
const READ: &[&str] = &["otlp-json/"];

#[test]
fn corpus_files_load_with_provenance_span_counts() {
    let Some(corpus) = corpus_dir() else { return };
    let counts = provenance_span_counts(&corpus);
    assert!(
        counts.len() > 20,
        "PROVENANCE.md table parsed ({})",
        counts.len()
    );
    let mut checked = 0;
    for (file, expected) in &counts {
        if !READ.iter().any(|p| file.starts_with(p)) {
            continue;
        }
        let bytes = std::fs::read(corpus.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let set = loupe_core::load(file, bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.span_count() as u64, *expected, "{file}: span count");
        checked += 1;
    }
    // Every corpus file is in the table, so none escapes the check above.
    for dir in ["otlp-json", "jaeger-json", "zipkin-json", "genai", "other"] {
        let on_disk = std::fs::read_dir(corpus.join(dir))
            .expect("corpus dir")
            .count();
        let listed = counts
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{dir}/")))
            .count();
        assert_eq!(on_disk, listed, "{dir}: every file has a PROVENANCE row");
    }
    assert!(checked >= 7, "checked {checked} corpus files");
}

#[test]
fn corpus_details_that_matter() {
    let Some(corpus) = corpus_dir() else { return };
    let load =
        |f: &str| loupe_core::load(f, std::fs::read(corpus.join(f)).expect("read")).expect("load");

    // Uppercase hex ids come out lowercase; the missing parent makes an orphan.
    let set = load("otlp-json/otelproto-example-trace.json");
    let r = loupe_tests::report(&set);
    assert_eq!(r.traces[0].trace_id, "5b8efff798038103d269b633813fc60c");
    assert_eq!(r.traces[0].orphans.len(), 1);
    assert!(r.traces[0].roots.is_empty());

    // Base64 ids in JSON Lines: 19 traces, 13 orphans.
    let set = load("otlp-json/otlp2parquet-traces-base64.jsonl");
    let r = loupe_tests::report(&set);
    assert_eq!(r.traces.len(), 19);
    assert_eq!(r.traces.iter().map(|t| t.orphans.len()).sum::<usize>(), 13);
    assert!(r.traces.iter().all(|t| t.trace_id.len() == 32));

    // The exact duplicate is kept twice and flagged once.
    let set = load("otlp-json/jaegerui-telemetrygen-dup-spanid.json");
    assert_eq!(set.span_count(), 2);
    assert_eq!(
        set.warnings()
            .iter()
            .filter(|w| w.code == loupe_core::WarningCode::DuplicateSpanId)
            .count(),
        1
    );

    // JSON Lines whose parent links cross lines form one tree.
    let set = load("otlp-json/jaegerui-nodejs-sdk-multiline.jsonl");
    assert_eq!(set.traces().len(), 1);
    assert_eq!(set.spans().iter().map(|s| s.depth).max(), Some(2));
    assert!(set.warnings().is_empty());

    // api_v3 wrapper, int64 max as a string, bytes, kvlists.
    let set = load("otlp-json/jaeger-v3-api-anyvalue-probe.json");
    let dump = loupe_tests::dump(&set);
    assert!(dump.contains("9223372036854775807i"), "{dump}");
    assert!(dump.contains("bytes:"), "{dump}");
}

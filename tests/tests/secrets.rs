//! Secrets: clean traces come out clean; a trace full of planted secrets, redacted by
//! `loupe redact`, holds none of them and keeps every span, id, time and token count.

use loupe_core::secrets;
use std::path::{Path, PathBuf};

fn trace_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            trace_files(&p, out);
        } else if !loupe_tests::is_sidecar(&p)
            && !matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("py" | "md" | "txt" | "sh" | "snap")
            )
        {
            out.push(p);
        }
    }
}

/// Every finding of a file, as text (the masked value only).
fn findings_of(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("read");
    let Ok(set) = loupe_core::load(&path.to_string_lossy(), bytes) else {
        return Vec::new();
    };
    let mut out: Vec<String> = secrets::scan(&set)
        .iter()
        .map(|f| {
            format!(
                "{}: {} in {:?} `{}` {:?} @{} ({})",
                path.display(),
                f.kind.as_str(),
                f.place,
                f.key,
                f.json_path,
                f.offset,
                f.masked
            )
        })
        .collect();
    let report = loupe_tests::report(&set);
    for t in &report.traces {
        for a in t.anomalies.iter().filter(|a| a.kind == "secret") {
            out.push(format!("{}: anomaly {}", path.display(), a.message));
        }
    }
    out
}

#[test]
fn clean_fixtures_have_no_secret_findings() {
    let root = loupe_tests::fixtures_dir();
    let mut files = Vec::new();
    for dir in ["otlp/valid", "genai", "analysis"] {
        trace_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "{files:?}");
    let found: Vec<String> = files.iter().flat_map(|p| findings_of(p)).collect();
    assert!(found.is_empty(), "false positives:\n{}", found.join("\n"));
}

#[test]
fn the_corpus_has_no_secret_findings() {
    let Some(corpus) = loupe_tests::corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    trace_files(&corpus, &mut files);
    let found: Vec<String> = files.iter().flat_map(|p| findings_of(p)).collect();
    assert!(found.is_empty(), "false positives:\n{}", found.join("\n"));
}

#[test]
fn synthetic_runs_have_no_secret_findings() {
    let set = loupe_core::load("synth.json", loupe_synth::generate(3000, 7)).expect("loads");
    let found = secrets::scan(&set);
    assert!(found.is_empty(), "{found:?}");
}

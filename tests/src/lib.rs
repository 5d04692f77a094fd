//! Helpers for Loupe's cross-crate tests: where fixtures and the shared corpus are, and a
//! deterministic text dump of a loaded set for snapshots.

use loupe_core::model::{TraceIx, TreeFlags, Value};
use loupe_core::{TraceSet, ValueRef};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `tests/fixtures`.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// The shared public corpus (`../shared/corpus` beside the clone), or `None` with a note on stderr.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpus");
    if dir.join("PROVENANCE.md").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the shared corpus is not at {} (it sits beside the clone in CI); corpus tests did not run",
            dir.display()
        );
        None
    }
}

/// Whether a fixture path is a ground-truth sidecar (`x.json.expected.json`), not a trace.
pub fn is_sidecar(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".expected.json")
}

/// Files directly in `dir`, sorted, without sidecars.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file() && !is_sidecar(p))
        .collect();
    files.sort();
    files
}

/// Span counts by file from the corpus's PROVENANCE.md table (`| `dir/file` | … | Spans | …`).
pub fn provenance_span_counts(corpus: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(corpus.join("PROVENANCE.md")).expect("PROVENANCE.md");
    let mut header: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect();
        match &header {
            None => header = Some(cells),
            Some(h) => {
                let Some(col) = h.iter().position(|c| c == "Spans") else {
                    continue;
                };
                let file = cells[0].trim_matches('`').to_owned();
                let digits: String = cells
                    .get(col)
                    .map(|c| c.chars().take_while(char::is_ascii_digit).collect())
                    .unwrap_or_default();
                if let Ok(n) = digits.parse() {
                    out.push((file, n));
                }
            }
        }
    }
    out
}

const MAX_VALUE_CHARS: usize = 160;

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        format!("{s:?}")
    } else {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut:?}… ({} bytes)", s.len())
    }
}

/// A value as text: strings quoted, bytes in hex, lists and maps inline.
pub fn value_text(set: &TraceSet, v: Value) -> String {
    match set.value(v) {
        ValueRef::Empty => "(empty)".into(),
        ValueRef::Str(s) => clip(&s),
        ValueRef::Bool(b) => b.to_string(),
        ValueRef::Int(i) => format!("{i}i"),
        ValueRef::Double(d) => format!("{d:?}"),
        ValueRef::Bytes(b) => format!(
            "bytes:{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        ValueRef::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|&i| value_text(set, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ValueRef::KvList(kvs) => format!(
            "{{{}}}",
            kvs.iter()
                .map(|a| format!("{}: {}", set.str(a.key), value_text(set, a.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Everything a set holds, as stable text: files and warnings, then every trace's spans in
/// tree order with ids, kind, status, times, resource, scope, attributes, events and links.
pub fn dump(set: &TraceSet) -> String {
    let mut out = String::new();
    for s in set.sources() {
        let _ = writeln!(
            out,
            "file {} ({}, {} spans)",
            s.name, s.format, s.span_count
        );
    }
    for w in set.warnings() {
        let _ = writeln!(out, "warning[{}] {}", w.code.as_str(), w.message);
    }
    for (t, trace) in set.traces().iter().enumerate() {
        let _ = writeln!(
            out,
            "trace {} spans={} start={} end={}",
            trace.id.display(set.strings()),
            trace.spans.len,
            trace.start_unix_ns,
            trace.end_unix_ns
        );
        for span in set.trace_spans(TraceIx(t as u32)) {
            let r = span.rec;
            let pad = "  ".repeat(r.depth as usize + 1);
            let mut flags = String::new();
            for (bit, name) in [
                (TreeFlags::ORPHAN, " orphan"),
                (TreeFlags::CYCLE_CUT, " cycle-cut"),
                (TreeFlags::DUPLICATE_ID, " duplicate-id"),
            ] {
                if r.tree_flags.has(bit) {
                    flags.push_str(name);
                }
            }
            let _ = writeln!(
                out,
                "{pad}{:?} id={} parent={} kind={} status={}{} start={} end={}{flags}",
                span.name(),
                span.span_id(),
                span.parent_id().unwrap_or_else(|| "-".into()),
                r.kind.as_str(),
                r.status.as_str(),
                match set.str(r.status_message) {
                    "" => String::new(),
                    m => format!("({m:?})"),
                },
                r.start_unix_ns,
                r.end_unix_ns,
            );
            let res = set.resource(r.resource);
            let scope = set.scope(r.scope);
            let _ = writeln!(
                out,
                "{pad}  resource service={:?} attrs={} | scope {:?}@{:?} attrs={}{}{}",
                set.str(res.service_name),
                res.attrs.len,
                set.str(scope.name),
                set.str(scope.version),
                scope.attrs.len,
                match set.str(r.trace_state) {
                    "" => String::new(),
                    ts => format!(" | trace_state={ts:?}"),
                },
                if r.dropped == [0; 3] {
                    String::new()
                } else {
                    format!(" | dropped={:?}", r.dropped)
                }
            );
            for a in span.attrs() {
                let _ = writeln!(
                    out,
                    "{pad}  {} = {}",
                    set.str(a.key),
                    value_text(set, a.value)
                );
            }
            for e in set.events(r.events) {
                let attrs: Vec<String> = set
                    .attrs(e.attrs)
                    .iter()
                    .map(|a| format!("{}: {}", set.str(a.key), value_text(set, a.value)))
                    .collect();
                let _ = writeln!(
                    out,
                    "{pad}  event {:?} at {} {{{}}}",
                    set.str(e.name),
                    e.time_unix_ns,
                    attrs.join(", ")
                );
            }
            for l in set.links(r.links) {
                let attrs: Vec<String> = set
                    .attrs(l.attrs)
                    .iter()
                    .map(|a| format!("{}: {}", set.str(a.key), value_text(set, a.value)))
                    .collect();
                let _ = writeln!(
                    out,
                    "{pad}  link trace={} span={} state={:?} {{{}}}",
                    l.trace_id.display(set.strings()),
                    l.span_id.display(set.strings()),
                    set.str(l.trace_state),
                    attrs.join(", ")
                );
            }
        }
    }
    out
}

/// The `loupe.analysis/1` report of a set, with default options.
pub fn report(set: &TraceSet) -> loupe_core::report::AnalysisReport {
    let analysis =
        loupe_core::analysis::Analysis::run(set, &loupe_core::analysis::Options::default());
    loupe_core::report::AnalysisReport::build(set, &analysis)
}

/// The `loupe` binary of this build, as a command (built on demand when a test runs alone).
pub fn loupe_command() -> std::process::Command {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let bin = BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--quiet", "-p", "loupe-cli", "--bin", "loupe"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cannot build the loupe binary");
        dir.join(format!("loupe{}", std::env::consts::EXE_SUFFIX))
    });
    std::process::Command::new(bin)
}

//! Helpers for Loupe's cross-crate tests: where fixtures and the shared corpus are, and a
//! deterministic text dump of a loaded set for snapshots.

use loupe_core::model::{SpanIx, TraceIx, TreeFlags, Value};
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

/// Records that the running test skipped part or all of its work because an input is missing.
///
/// In CI (`CI=true`) a missing input is a failure: this panics with `reason`. Elsewhere it prints
/// `SKIPPED <test>: <reason>` to stderr and appends the line to the file named by `LOUPE_SKIP_LOG`
/// (set by `scripts/test.sh`), which counts the test as skipped, not passed, and lists it.
pub fn skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_owned();
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {reason} (in CI a missing input is a failure, not a skip)");
    }
    eprintln!("SKIPPED {test}: {reason}");
    if let Ok(log) = std::env::var("LOUPE_SKIP_LOG") {
        use std::io::Write as _;
        let line = format!("{test}\t{}\n", reason.replace(['\t', '\n'], " "));
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = appended {
            panic!("{test}: cannot record the skip in {log}: {e}");
        }
    }
}

/// The shared public corpus (`../shared/corpus` beside the clone), or `None` after recording a
/// [`skip`] (a failure in CI).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpus");
    if dir.join("PROVENANCE.md").is_file() {
        Some(dir)
    } else {
        skip(&format!(
            "the shared corpus is not at {} (it sits beside the clone in CI)",
            dir.display()
        ));
        None
    }
}

/// Trace files below `dir`, recursively and sorted: no sidecars, scripts, notes or snapshots, and
/// nothing from the SDK emitters' folder (`sdk/`) or `node_modules`.
pub fn trace_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if !p.ends_with("sdk") && !p.ends_with("node_modules") {
                    stack.push(p);
                }
            } else if !is_sidecar(&p)
                && !matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("py" | "md" | "txt" | "sh" | "snap" | "mjs")
                )
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Corpus files Loupe must read, by path prefix (relative to the corpus), from
/// `tests/corpus-read.json`, which the node tests read too. Every file under these prefixes must
/// load; the rest of the corpus is formats Loupe does not read.
pub fn corpus_read() -> &'static [String] {
    static READ: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    READ.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            read: Vec<String>,
        }
        let file: File = serde_json::from_str(include_str!("../corpus-read.json"))
            .expect("tests/corpus-read.json is {\"read\": [prefix, …]}");
        assert!(
            !file.read.is_empty(),
            "tests/corpus-read.json lists no prefix"
        );
        file.read
    })
}

/// The corpus files under [`corpus_read`]'s prefixes, sorted, as (path relative to the corpus, full path).
pub fn corpus_trace_files(corpus: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in ["otlp-json", "jaeger-json", "zipkin-json", "genai", "other"] {
        let entries = std::fs::read_dir(corpus.join(dir))
            .unwrap_or_else(|e| panic!("cannot list {}/{dir}: {e}", corpus.display()));
        for e in entries {
            let path = e.expect("dir entry").path();
            let rel = format!(
                "{dir}/{}",
                path.file_name().expect("name").to_string_lossy()
            );
            if corpus_read().iter().any(|p| rel.starts_with(p.as_str())) {
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
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

/// What must hold of a trace's critical path, checked from the model alone (not from the code
/// that computed the path). Returns one line per violation; empty when all hold.
///
/// - Every step is a span of the trace, listed once.
/// - The path is a chain: the first step is a top-level span; each later step is a child of the
///   step before or of one of its ancestors on the path (the trace itself for a top-level span),
///   and starts no earlier than the window of the previous step chosen under that same parent
///   ends.
/// - A step's window is its span clipped to its parent's window (the trace's span of time for a
///   top-level span), and a step's `on_path_ns` is at most its window's length.
/// - A step and the steps below it share exactly its window's length among them.
/// - Per trace, the sum of `on_path_ns` is at most the trace's span of time.
pub fn critical_path_violations(
    set: &TraceSet,
    trace: TraceIx,
    path: &[loupe_core::analysis::critical_path::PathStep],
) -> Vec<String> {
    let t = &set.traces()[trace.0 as usize];
    let range = t.spans.as_range();
    let spans = set.spans();
    let mut out = Vec::new();
    let name = |ix: usize| {
        format!(
            "{} ({})",
            set.span(SpanIx(ix as u32)).name(),
            spans[ix].span_id.display(set.strings())
        )
    };
    // Windows, in pre-order (a parent comes before its children).
    let trace_window = (t.start_unix_ns, t.end_unix_ns.max(t.start_unix_ns));
    let mut window: Vec<Option<(u64, u64)>> = vec![None; range.len()];
    for i in range.clone() {
        let s = &spans[i];
        let outer = match s.parent {
            None => Some(trace_window),
            Some(p) => window[p.0 as usize - range.start],
        };
        window[i - range.start] = outer.and_then(|(lo, hi)| {
            let (a, b) = (s.start_unix_ns.max(lo), s.end_unix_ns.min(hi));
            (a <= b).then_some((a, b))
        });
    }
    let mut seen = vec![false; range.len()];
    // The chain: ancestors of the previous step on the path, root first, with the end of the
    // window of the last child chosen under each.
    let mut stack: Vec<(usize, u64)> = Vec::new();
    let mut last_top_end = t.start_unix_ns;
    for (k, step) in path.iter().enumerate() {
        let i = step.span.0 as usize;
        if !range.contains(&i) {
            out.push(format!("step {k}: span index {i} is not in the trace"));
            continue;
        }
        let local = i - range.start;
        if std::mem::replace(&mut seen[local], true) {
            out.push(format!("step {k}: {} is listed twice", name(i)));
        }
        let Some((lo, hi)) = window[local] else {
            out.push(format!(
                "step {k}: {} lies outside its parent's window",
                name(i)
            ));
            continue;
        };
        if step.on_path_ns > hi - lo {
            out.push(format!(
                "step {k}: {} has {} ns on the path, more than its window of {} ns",
                name(i),
                step.on_path_ns,
                hi - lo
            ));
        }
        match spans[i].parent {
            None => {
                stack.clear();
                if lo < last_top_end {
                    out.push(format!(
                        "step {k}: top-level {} starts at {lo}, before the previous top-level step ends ({last_top_end})",
                        name(i)
                    ));
                }
                last_top_end = hi;
            }
            Some(p) => {
                let p = p.0 as usize;
                while stack.last().is_some_and(|&(a, _)| a != p) {
                    stack.pop();
                }
                match stack.last_mut() {
                    None => out.push(format!(
                        "step {k}: {} is not a child of the step before or of its ancestors on the path",
                        name(i)
                    )),
                    Some((_, last_child_end)) => {
                        if lo < *last_child_end {
                            out.push(format!(
                                "step {k}: {} starts at {lo}, before its previous sibling on the path ends ({last_child_end})",
                                name(i)
                            ));
                        }
                        *last_child_end = hi;
                    }
                }
            }
        }
        stack.push((i, lo));
    }
    // Each step and the steps below it share exactly its window.
    let mut below = vec![0u64; range.len()];
    for step in path.iter().rev() {
        let i = step.span.0 as usize;
        if !range.contains(&i) {
            continue;
        }
        let local = i - range.start;
        let share = below[local] + step.on_path_ns;
        if let Some((lo, hi)) = window[local]
            && share != hi - lo
        {
            out.push(format!(
                "{} and the steps below it share {share} ns, not its window of {} ns",
                name(i),
                hi - lo
            ));
        }
        if let Some(p) = spans[i].parent
            && let Some(b) = below.get_mut(p.0 as usize - range.start)
        {
            *b += share;
        }
    }
    let total: u64 = path.iter().map(|p| p.on_path_ns).sum();
    if total > t.duration_ns() {
        out.push(format!(
            "the path holds {total} ns, more than the trace's {} ns",
            t.duration_ns()
        ));
    }
    out
}

/// [`critical_path_violations`] for every trace of a set, with the analysis Loupe runs; each line
/// names the trace.
pub fn all_critical_path_violations(set: &TraceSet) -> Vec<String> {
    let analysis =
        loupe_core::analysis::Analysis::run(set, &loupe_core::analysis::Options::default());
    let mut out = Vec::new();
    for (t, ta) in analysis.traces.iter().enumerate() {
        let trace = TraceIx(t as u32);
        for v in critical_path_violations(set, trace, &ta.critical_path) {
            out.push(format!(
                "trace {}: {v}",
                set.traces()[t].id.display(set.strings())
            ));
        }
    }
    out
}

/// Runs `command` with its standard output a pipe whose reader goes away after the first 64
/// bytes, as `loupe … | head -c 64` would, and returns its exit status and everything it wrote
/// to standard error.
pub fn run_with_stdout_closed_early(
    mut command: std::process::Command,
) -> (std::process::ExitStatus, String) {
    use std::io::Read as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    (child.wait().expect("wait"), err)
}

//! The same run, any format: one agent run, emitted once by a real OpenTelemetry SDK through its
//! OTLP/JSON, OTLP/protobuf and Zipkin exporters at the same time (tests/fixtures/sdk), gives the
//! same tree, critical path, token totals and findings in `loupe analyze --json`.
//!
//! Zipkin's known losses, which this comparison does not look at: span kinds other than client,
//! server, producer and consumer (internal spans arrive without a kind); span links (Zipkin has
//! none); resource attributes other than `service.name`; the instrumentation scope; event
//! attributes from exporters that keep only the event name.

use loupe_core::report::TraceReport;
use loupe_tests::{dump, fixtures_dir, report};

fn load(run: &str, file: &str) -> loupe_core::TraceSet {
    let path = fixtures_dir().join("equivalence").join(run).join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    loupe_core::load(file, bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// What must agree across formats.
#[derive(Debug, PartialEq)]
struct Essence {
    /// Every trace's spans in tree order: depth, name, span id, start, end, error.
    tree: Vec<(u32, String, String, u64, u64, bool)>,
    critical_path: Vec<Vec<(String, String, u64)>>,
    tokens: Vec<(u64, u64, u64)>,
    cost_usd: Vec<Option<f64>>,
    findings: Vec<Vec<(String, Vec<String>)>>,
    first_suspect: Vec<Option<(String, String)>>,
}

fn essence(set: &loupe_core::TraceSet) -> Essence {
    let r = report(set);
    let traces: &[TraceReport] = &r.traces;
    Essence {
        tree: set
            .spans()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let sr = set.span(loupe_core::SpanIx(i as u32));
                (
                    s.depth,
                    sr.name().to_owned(),
                    sr.span_id(),
                    s.start_unix_ns,
                    s.end_unix_ns,
                    sr.is_error(),
                )
            })
            .collect(),
        critical_path: traces
            .iter()
            .map(|t| {
                t.critical_path
                    .iter()
                    .map(|p| (p.span_id.clone(), p.name.clone(), p.on_path_ns))
                    .collect()
            })
            .collect(),
        tokens: traces
            .iter()
            .map(|t| (t.tokens.input, t.tokens.output, t.tokens.cache_read))
            .collect(),
        cost_usd: traces.iter().map(|t| t.cost_usd).collect(),
        findings: traces
            .iter()
            .map(|t| {
                let mut f: Vec<_> = t
                    .anomalies
                    .iter()
                    .map(|a| (a.kind.clone(), a.span_ids.clone()))
                    .collect();
                f.sort();
                f
            })
            .collect(),
        first_suspect: traces
            .iter()
            .map(|t| {
                t.first_suspect
                    .as_ref()
                    .map(|s| (s.span_id.clone(), s.kind.clone()))
            })
            .collect(),
    }
}

#[test]
fn the_same_run_in_three_formats_gives_the_same_analysis() {
    for run in ["node-agent", "python-agent"] {
        let json = load(run, "otlp.json");
        let proto = load(run, "otlp.pb");
        let zipkin = load(run, "zipkin.json");
        assert_eq!(json.sources()[0].format, "otlp-json");
        assert_eq!(proto.sources()[0].format, "otlp-proto");
        assert_eq!(zipkin.sources()[0].format, "zipkin-json");
        let (a, b, c) = (essence(&json), essence(&proto), essence(&zipkin));
        assert!(!a.tree.is_empty());
        assert!(
            a.findings.iter().any(|f| !f.is_empty()),
            "{run}: the run has findings to compare"
        );
        assert!(
            a.tokens.iter().any(|t| t.0 > 0),
            "{run}: the run has tokens to compare"
        );
        assert_eq!(a, b, "{run}: OTLP JSON and OTLP protobuf");
        assert_eq!(a, c, "{run}: OTLP JSON and Zipkin");
        // JSON and protobuf carry everything: the whole model is the same.
        let strip = |s: String| {
            s.lines()
                .filter(|l| !l.starts_with("file "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip(dump(&json)),
            strip(dump(&proto)),
            "{run}: full dump, JSON vs protobuf"
        );
    }
}

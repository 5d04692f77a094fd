//! Traces written by real OpenTelemetry SDKs (see tests/fixtures/sdk): Loupe's import must agree with
//! what the emitting program recorded about the spans it created (the `.expected.json` sidecars).

use loupe_tests::fixtures_dir;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize, Debug)]
struct Expected {
    span_count: usize,
    trace_count: usize,
    roots: Vec<Root>,
    services: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Root {
    span_id: String,
    name: String,
    duration_ns: u64,
}

fn sidecars() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() && !p.ends_with("node_modules") {
                stack.push(p);
            } else if loupe_tests::is_sidecar(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn sdk_output_matches_what_the_sdk_created() {
    let mut checked = 0;
    for sidecar in sidecars() {
        let trace = PathBuf::from(sidecar.to_string_lossy().trim_end_matches(".expected.json"));
        let name = trace.display().to_string();
        let bytes = std::fs::read(&trace).unwrap_or_else(|e| panic!("{name}: {e}"));
        let set = match loupe_core::load(&name, bytes) {
            Ok(set) => set,
            // Formats a later importer reads (protobuf, Zipkin) are checked where that importer is.
            Err(loupe_core::ImportError::Unrecognized { .. }) => continue,
            Err(e) => panic!("{e}"),
        };
        let expected: Expected = serde_json::from_slice(&std::fs::read(&sidecar).expect("sidecar"))
            .expect("sidecar json");
        let report = loupe_tests::report(&set);
        assert_eq!(set.span_count(), expected.span_count, "{name}: span count");
        assert_eq!(
            report.traces.len(),
            expected.trace_count,
            "{name}: trace count"
        );
        let mut roots: Vec<Root> = report
            .traces
            .iter()
            .flat_map(|t| &t.roots)
            .map(|r| Root {
                span_id: r.span_id.clone(),
                name: r.name.clone(),
                duration_ns: r.duration_ns,
            })
            .collect();
        roots.sort();
        let mut want = expected.roots.clone();
        want.sort();
        assert_eq!(roots, want, "{name}: roots and their durations");
        let mut services: Vec<String> = report
            .traces
            .iter()
            .flat_map(|t| t.services.clone())
            .collect();
        services.sort();
        services.dedup();
        let mut want_services = expected.services.clone();
        want_services.sort();
        assert_eq!(services, want_services, "{name}: services");
        assert!(set.warnings().is_empty(), "{name}: {:?}", set.warnings());
        checked += 1;
    }
    assert!(checked >= 4, "checked {checked} SDK outputs");
}

//! Invariants of the analysis, checked on every fixture, every real-SDK fixture, the shared
//! corpus and random trees, so no snapshot can freeze a result that breaks them. The checks live
//! in `loupe_tests::critical_path_violations` and work from the model alone.

use loupe_core::SpanKind;
use loupe_tests::{all_critical_path_violations, corpus_dir, corpus_trace_files, fixtures_dir};
use proptest::prelude::*;

#[test]
fn the_critical_path_holds_its_invariants_on_every_fixture() {
    let files = loupe_tests::trace_files_below(&fixtures_dir());
    assert!(files.len() > 80, "found only {} fixture files", files.len());
    let mut checked = 0;
    let mut spans = 0;
    let mut broken = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(fixtures_dir())
            .expect("below fixtures")
            .display()
            .to_string();
        let bytes = std::fs::read(path).expect("read");
        let set = match loupe_core::load(&name, bytes) {
            Ok(set) => set,
            // Fixtures meant to be refused whole; those that load partly are checked.
            Err(_) if name.contains("/invalid/") => continue,
            Err(e) => panic!("{name}: a valid fixture does not load: {e}"),
        };
        checked += 1;
        spans += set.span_count();
        broken.extend(
            all_critical_path_violations(&set)
                .into_iter()
                .map(|v| format!("{name}: {v}")),
        );
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(checked > 60, "checked {checked} fixtures");
    assert!(spans > 300, "checked {spans} spans");
}

#[test]
fn the_critical_path_holds_its_invariants_on_the_corpus() {
    let Some(corpus) = corpus_dir() else { return };
    let files = corpus_trace_files(&corpus);
    assert!(files.len() > 20, "{files:?}");
    let mut broken = Vec::new();
    for (name, path) in &files {
        let set = loupe_core::load(name, std::fs::read(path).expect("read"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        broken.extend(
            all_critical_path_violations(&set)
                .into_iter()
                .map(|v| format!("{name}: {v}")),
        );
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_critical_path_holds_its_invariants_on_a_synthetic_fleet() {
    let set = loupe_core::load("synth.json", loupe_synth::generate(3000, 11)).expect("loads");
    assert!(set.traces().len() > 10);
    let broken = all_critical_path_violations(&set);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_checker_catches_a_broken_path() {
    // The check itself must be able to fail: feed it paths that break each rule.
    use loupe_core::analysis::critical_path::PathStep;
    use loupe_core::model::{SpanIx, TraceIx};
    let set = tree(&[
        (1, None, 0, 100, SpanKind::Internal),
        (2, Some(1), 10, 40, SpanKind::Internal),
        (3, Some(1), 50, 90, SpanKind::Internal),
        (4, None, 20, 60, SpanKind::Internal),
    ]);
    let step = |i: u32, on_path_ns: u64| PathStep {
        span: SpanIx(i),
        on_path_ns,
    };
    let t = TraceIx(0);
    let check = |p: &[PathStep]| loupe_tests::critical_path_violations(&set, t, p);
    // Pre-order: 1, 2, 3, then the top-level 4 (index 3).
    let good = [step(0, 30), step(1, 30), step(2, 40)];
    assert_eq!(check(&good), Vec::<String>::new());
    let too_long = [step(0, 31), step(1, 30), step(2, 40)];
    assert!(!check(&too_long).is_empty(), "shares over the window");
    let out_of_order = [step(0, 30), step(2, 40), step(1, 30)];
    assert!(
        !check(&out_of_order).is_empty(),
        "siblings out of time order"
    );
    let not_a_chain = [step(1, 30)];
    assert!(
        !check(&not_a_chain).is_empty(),
        "a child without its parent"
    );
    let overlapping_tops = [step(0, 30), step(1, 30), step(2, 40), step(3, 40)];
    assert!(
        !check(&overlapping_tops).is_empty(),
        "overlapping top-level spans"
    );
    let twice = [step(0, 0), step(1, 30), step(1, 30), step(2, 40)];
    assert!(!check(&twice).is_empty(), "a span listed twice");
}

/// (id, parent, start, end, kind), as an OTLP JSON document loaded by Loupe.
fn tree(spans: &[(u64, Option<u64>, u64, u64, SpanKind)]) -> loupe_core::TraceSet {
    let spans: Vec<serde_json::Value> = spans
        .iter()
        .map(|&(id, parent, start, end, kind)| {
            serde_json::json!({
                "traceId": "0000000000000000000000000000000a",
                "spanId": format!("{id:016x}"),
                "parentSpanId": parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
                "name": format!("s{id}"),
                "kind": kind as u8,
                "startTimeUnixNano": (1_000_000 + start).to_string(),
                "endTimeUnixNano": (1_000_000 + end).to_string(),
            })
        })
        .collect();
    let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]});
    loupe_core::load("random.json", serde_json::to_vec(&doc).expect("json")).expect("loads")
}

fn kind() -> impl Strategy<Value = SpanKind> {
    prop_oneof![
        Just(SpanKind::Internal),
        Just(SpanKind::Client),
        Just(SpanKind::Server),
        Just(SpanKind::Producer),
        Just(SpanKind::Consumer),
    ]
}

/// Random trees: each span's parent is an earlier span, none (a root), or an id not in the trace
/// (an orphan); times are anywhere in a small range, so children start before their parents,
/// outlive them, lie wholly outside them, touch their siblings and tie with them.
fn random_tree() -> impl Strategy<Value = Vec<(u64, Option<u64>, u64, u64, SpanKind)>> {
    prop::collection::vec((0u32..40, 0u64..200, 0u64..120, kind()), 1..60).prop_map(|raw| {
        raw.iter()
            .enumerate()
            .map(|(i, &(p, start, len, kind))| {
                let id = i as u64 + 1;
                let parent = match p {
                    0..=3 => None,
                    4 => Some(10_000 + id), // missing: an orphan
                    _ if i == 0 => None,
                    _ => Some(u64::from(p) % id.max(2) + 1).filter(|&q| q < id),
                };
                (id, parent, start, start + len, kind)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_critical_path_holds_its_invariants_on_random_trees(spans in random_tree()) {
        let set = tree(&spans);
        let broken = all_critical_path_violations(&set);
        prop_assert!(broken.is_empty(), "{}\n{spans:?}", broken.join("\n"));
    }
}

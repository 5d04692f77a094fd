//! The analysis pass (steps, self time, usage and cost, critical paths, rules, audit) over sets
//! loaded from `loupe_synth` inputs, and the critical path of one single-root session of 100k spans.
//!
//! ```text
//! cargo bench -p loupe-core --bench analysis
//! LOUPE_BENCH_1M=1 cargo bench -p loupe-core --bench analysis   # adds the 1M-span case
//! ```

use divan::Bencher;
use loupe_core::analysis::{Analysis, Options, critical_path};
use loupe_core::model::TraceIx;
use std::fmt::Write as _;

const SEED: u64 = 1;

fn main() {
    divan::main();
}

fn big() -> bool {
    std::env::var("LOUPE_BENCH_1M").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn load(bytes: Vec<u8>) -> loupe_core::TraceSet {
    let mut l = loupe_core::Loader::new();
    l.add_file("bench.json", bytes).expect("loads");
    l.finish()
}

fn analyse(bencher: Bencher<'_, '_>, spans: usize) {
    let set = load(loupe_synth::generate(spans, SEED));
    assert_eq!(set.span_count(), spans);
    bencher
        .counter(divan::counter::ItemsCount::new(spans))
        .bench_local(|| Analysis::run(divan::black_box(&set), &Options::default()));
}

/// The whole analysis of 100k spans (365 traces).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn analysis_100k(bencher: Bencher<'_, '_>) {
    analyse(bencher, 100_000);
}

/// The whole analysis of 1M spans (3,631 traces); only with `LOUPE_BENCH_1M=1`.
#[divan::bench(sample_count = 3, sample_size = 1, ignore = !big())]
fn analysis_1m(bencher: Bencher<'_, '_>) {
    analyse(bencher, 1_000_000);
}

/// One agent session with a single root and 100,000 spans: 10,000 turns (chat + tool calls),
/// every tenth turn a sub-agent with its own nested calls. Jaeger UI's recursive critical path
/// overflows the stack near 6,000 spans in one session and is quadratic on wide parents.
fn single_root_session(spans: usize) -> Vec<u8> {
    let trace = "7f3e2d1c0b0a09080706050403020100";
    let mut out = String::with_capacity(spans * 220);
    out.push_str(r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent-runtime"}}]},"scopeSpans":[{"scope":{"name":"bench"},"spans":["#);
    let mut id = 1u64;
    let mut t = 1_000_000u64;
    let push = |out: &mut String, id: u64, parent: u64, name: &str, start: u64, end: u64| {
        if id > 1 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"traceId":"{trace}","spanId":"{id:016x}","parentSpanId":"{}","name":"{name}","startTimeUnixNano":"{start}","endTimeUnixNano":"{end}"}}"#,
            if parent == 0 {
                String::new()
            } else {
                format!("{parent:016x}")
            }
        );
    };
    let root = id;
    let mut body = String::new();
    let mut turn = 0u64;
    while (id as usize) < spans {
        turn += 1;
        let parent = if turn.is_multiple_of(10) && id > 2 {
            id - 1
        } else {
            root
        };
        for k in 0..4u64 {
            if (id as usize) >= spans {
                break;
            }
            id += 1;
            let name = if k == 0 {
                "chat gpt-4o"
            } else {
                "execute_tool search"
            };
            push(&mut body, id, parent, name, t, t + 700);
            t += 1_000;
        }
    }
    push(&mut out, root, 0, "invoke_agent planner", 0, t + 1_000);
    out.push_str(&body);
    out.push_str("]}]}]}");
    out.into_bytes()
}

/// The critical path of one root with 100k descendants.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn critical_path_single_root_100k(bencher: Bencher<'_, '_>) {
    let set = load(single_root_session(100_000));
    assert_eq!(set.span_count(), 100_000);
    assert_eq!(set.traces().len(), 1);
    let path = critical_path::of_trace(&set, TraceIx(0));
    assert!(path.len() > 1000, "{} spans on the path", path.len());
    bencher
        .counter(divan::counter::ItemsCount::new(100_000usize))
        .bench_local(|| critical_path::of_trace(divan::black_box(&set), TraceIx(0)));
}

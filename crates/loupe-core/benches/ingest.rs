//! Ingest throughput: Loupe's OTLP JSON import against the floor of a serde_json skip-parse.
//!
//! Inputs come from `loupe_synth::generate` (seed 1), built once per size outside the timed loop.
//! The Loupe benchmark takes a fresh copy of the input for each iteration (`add_file` takes the
//! bytes by value); divan makes that copy outside the timed region and drops the resulting set
//! outside it too. Each sample times one iteration.
//!
//! ```text
//! cargo bench -p loupe-core --bench ingest
//! LOUPE_BENCH_1M=1 cargo bench -p loupe-core --bench ingest   # adds the 1M-span (~1.2 GB) case
//! ```

use divan::Bencher;
use divan::counter::BytesCount;
use serde::de::IgnoredAny;

const SEED: u64 = 1;
const SIZES: &[usize] = &[10_000, 100_000];
const BIG: usize = 1_000_000;

fn main() {
    for &n in SIZES.iter().chain(big().then_some(&BIG)) {
        let stats = loupe_synth::write_otlp_json(std::io::sink(), n, SEED, false)
            .expect("writing to a sink cannot fail");
        println!(
            "input {n} spans: {} traces, {} bytes ({:.0} bytes/span)",
            stats.traces,
            stats.bytes,
            stats.bytes_per_span()
        );
    }
    divan::main();
}

/// Whether the 1M-span case runs (`LOUPE_BENCH_1M=1`).
fn big() -> bool {
    std::env::var("LOUPE_BENCH_1M").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn floor(bencher: Bencher<'_, '_>, spans: usize) {
    let bytes = loupe_synth::generate(spans, SEED);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench_local(|| {
            serde_json::from_slice::<IgnoredAny>(divan::black_box(&bytes)).expect("valid JSON")
        });
}

fn loupe(bencher: Bencher<'_, '_>, spans: usize) {
    let bytes = loupe_synth::generate(spans, SEED);
    // Check once, untimed, that every span is read.
    let set = load(bytes.clone());
    assert_eq!(set.span_count(), spans);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    drop(set);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .with_inputs(|| bytes.clone())
        .bench_local_values(load);
}

fn load(bytes: Vec<u8>) -> loupe_core::TraceSet {
    let mut l = loupe_core::Loader::new();
    l.add_file("bench.json", bytes).expect("loads");
    l.finish()
}

/// `serde_json::from_slice::<IgnoredAny>`: parse and skip every value.
#[divan::bench(args = SIZES, sample_count = 30, sample_size = 1)]
fn floor_skip_parse(bencher: Bencher<'_, '_>, spans: usize) {
    floor(bencher, spans);
}

/// `Loader::add_file` then `finish`: a full import into a `TraceSet`.
#[divan::bench(args = SIZES, sample_count = 30, sample_size = 1)]
fn loupe_ingest(bencher: Bencher<'_, '_>, spans: usize) {
    loupe(bencher, spans);
}

/// The skip-parse floor at 1M spans.
#[divan::bench(sample_count = 5, sample_size = 1, ignore = !big())]
fn floor_skip_parse_1m(bencher: Bencher<'_, '_>) {
    floor(bencher, BIG);
}

/// Loupe ingest at 1M spans.
#[divan::bench(sample_count = 5, sample_size = 1, ignore = !big())]
fn loupe_ingest_1m(bencher: Bencher<'_, '_>) {
    loupe(bencher, BIG);
}

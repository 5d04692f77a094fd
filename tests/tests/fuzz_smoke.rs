//! The fuzz targets' bodies (`fuzz/fuzz_targets/bodies.rs`) on stable, as CI runs them: each
//! over a deterministic stream of inputs mutated from the project's fixtures (bit flips, cuts,
//! insertions of JSON punctuation and secret-like tokens, splices of two seeds), for a bounded
//! number of inputs and at most a few seconds per target. A panic is reported with the input in
//! base64, to replay it with `cargo fuzz run <target> <file>`.

#[allow(dead_code, unused_imports)]
mod bodies {
    include!("../../fuzz/fuzz_targets/bodies.rs");
}

use std::path::Path;
use std::time::{Duration, Instant};

/// Inputs per target (20,000 in all).
const INPUTS_PER_TARGET: usize = 5_000;
/// Time budget per target; the count stops early on a slow machine.
const BUDGET: Duration = Duration::from_secs(8);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"-1",
    b"18446744073709551616",
    b"1e999",
    b"\"resourceSpans\"",
    b"\"spans\"",
    b"\"attributes\"",
    b"\"kvlistValue\":{\"values\":[",
    b"\"arrayValue\":{\"values\":[",
    b"\"stringValue\":",
    b"\"parentSpanId\":\"",
    b"\xff\xfe",
    b"\x1f\x8b",
    b"sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA",
    b"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln",
    b"4111 1111 1111 1111",
    b"jane@acme-corp.io",
    b"-----BEGIN PRIVATE KEY-----",
    b"Authorization: Bearer ",
    b"https://u:p4ss@h.io/",
    b"+1 415 555 2671",
    b"DE89370400440532013000",
    b"{\"password\":\"",
    b"\"api_key\":",
];

fn seeds() -> Vec<Vec<u8>> {
    let root = loupe_tests::fixtures_dir();
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.to_string_lossy();
            if name.contains("node_modules") {
                continue;
            }
            if p.is_dir() {
                dirs.push(p);
            } else if is_trace(&p) && p.metadata().is_ok_and(|m| m.len() <= 48 << 10) {
                out.push(std::fs::read(&p).expect("read"));
            }
        }
    }
    out.extend(TOKENS.iter().map(|t| t.to_vec()));
    out
}

fn is_trace(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("json" | "jsonl" | "pb" | "gz")
    ) && !loupe_tests::is_sidecar(p)
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut d = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(d.len() + 1);
        match rng.below(7) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 => d.truncate(at),
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                d.splice(at..at, t.iter().copied());
            }
            3 if at < d.len() => {
                let end = (at + 1 + rng.below(64)).min(d.len());
                d.drain(at..end);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let to = (from + rng.below(256)).min(other.len());
                d.splice(at..at, other[from..to].iter().copied());
            }
            5 if at < d.len() => {
                let end = (at + rng.below(32)).min(d.len());
                let chunk = d[at..end].to_vec();
                for _ in 0..rng.below(8) {
                    d.splice(at..at, chunk.iter().copied());
                }
            }
            _ => {
                let i = rng.below(d.len() + 1);
                d.insert(i, rng.next() as u8);
            }
        }
    }
    d
}

fn run(name: &str, seed: u64, body: fn(&[u8])) {
    let seeds = seeds();
    let mut rng = Rng(seed);
    let start = Instant::now();
    let mut failures = Vec::new();
    let mut ran = 0;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..INPUTS_PER_TARGET {
        let input = if i < seeds.len() {
            seeds[i].clone()
        } else {
            mutate(&mut rng, &seeds)
        };
        ran += 1;
        if std::panic::catch_unwind(|| body(&input)).is_err() {
            failures.push(input);
        }
        if start.elapsed() > BUDGET || failures.len() >= 3 {
            break;
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz_smoke {name}: {ran} inputs in {:.1} s, {} failures",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    if let Some(first) = failures.first() {
        // Re-run the first failure with the panic message shown.
        let encoded = loupe_core::id::encode_base64(&first[..first.len().min(4096)]);
        eprintln!(
            "{name}: failing input ({} bytes), base64: {encoded}",
            first.len()
        );
        body(first);
    }
    assert!(ran >= 200, "{name}: only {ran} inputs ran");
}

#[test]
fn load_any() {
    run("load_any", 0x9e37_79b9_7f4a_7c15, bodies::load_any);
}

#[test]
fn otlp_json() {
    run("otlp_json", 0xd1b5_4a32_d192_ed03, bodies::otlp_json);
}

#[test]
fn secrets_scan() {
    run("secrets_scan", 0x2545_f491_4f6c_dd1d, bodies::secrets_scan);
}

#[test]
fn redact_roundtrip() {
    run(
        "redact_roundtrip",
        0x1405_7b7e_f767_814f,
        bodies::redact_roundtrip,
    );
}

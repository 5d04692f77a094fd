//! The fuzz targets' bodies (`fuzz/fuzz_targets/bodies.rs`) on stable, as CI runs them: each
//! over a deterministic stream of inputs mutated from the project's fixtures (bit flips, cuts,
//! insertions of JSON punctuation and secret-like tokens, splices of two seeds), a fixed number of
//! inputs per target from a fixed seed, so every run tries exactly the same inputs whatever the
//! machine's speed. A panic is reported with the input in base64, to replay it with
//! `cargo fuzz run <target> <file>`.

#[allow(dead_code, unused_imports)]
mod bodies {
    include!("../../fuzz/fuzz_targets/bodies.rs");
}

use std::path::Path;

// Inputs per target, the fixtures first: each takes a few seconds in a debug build on two cores
// (the redaction round trip loads, scans, redacts, writes and reloads each input: it is slowest).
const LOAD_ANY_INPUTS: usize = 20_000;
const OTLP_JSON_INPUTS: usize = 40_000;
const SECRETS_SCAN_INPUTS: usize = 20_000;
const REDACT_ROUNDTRIP_INPUTS: usize = 5_000;

/// Trace fixtures of at most 48 KiB under `tests/fixtures` (88 when this was written).
const MIN_FIXTURE_SEEDS: usize = 60;

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
    b"?access_token=",
    b"password: ",
    b"DB_PASSWORD=",
    b"%40",
    b"%E2%80%8B",
    b"%0A",
    b"\xe2\x80\x8b",
    b"512-44-7319",
    b"SSN ",
    b"81.2.69.160",
    b"2a02:1205::1f",
    b"glpat-xY3kP9qLm2Nv8Rt4Wz6B",
    b"aws_secret_access_key = ",
    b"hooks.slack.com/services/T0/B0/x",
    b"\"traceState\":\"",
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

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Silences panic messages on this thread while `on` (the caught panics of a run), leaving other
/// threads' (the other tests running in parallel) as they are.
fn quiet_panics(on: bool) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(on));
}

fn run(name: &str, seed: u64, inputs: usize, body: fn(&[u8])) {
    let seeds = seeds();
    // The stream starts with every seed as it is, then mutates them.
    assert!(
        seeds.len() >= MIN_FIXTURE_SEEDS + TOKENS.len(),
        "{name}: only {} seeds: the fixtures were not found",
        seeds.len()
    );
    assert!(inputs > seeds.len(), "{name}: no input would be mutated");
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let mut ran = 0;
    quiet_panics(true);
    for i in 0..inputs {
        let input = if i < seeds.len() {
            seeds[i].clone()
        } else {
            mutate(&mut rng, &seeds)
        };
        ran += 1;
        if std::panic::catch_unwind(|| body(&input)).is_err() {
            failures.push(input);
            if failures.len() >= 3 {
                break;
            }
        }
    }
    quiet_panics(false);
    eprintln!(
        "fuzz_smoke {name}: {ran} inputs, {} failures",
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
        panic!("{name}: an input panicked under catch_unwind but not when run again");
    }
    assert_eq!(ran, inputs, "{name}: every input ran");
}

#[test]
fn load_any() {
    run(
        "load_any",
        0x9e37_79b9_7f4a_7c15,
        LOAD_ANY_INPUTS,
        bodies::load_any,
    );
}

#[test]
fn otlp_json() {
    run(
        "otlp_json",
        0xd1b5_4a32_d192_ed03,
        OTLP_JSON_INPUTS,
        bodies::otlp_json,
    );
}

#[test]
fn secrets_scan() {
    run(
        "secrets_scan",
        0x2545_f491_4f6c_dd1d,
        SECRETS_SCAN_INPUTS,
        bodies::secrets_scan,
    );
}

#[test]
fn redact_roundtrip() {
    run(
        "redact_roundtrip",
        0x1405_7b7e_f767_814f,
        REDACT_ROUNDTRIP_INPUTS,
        bodies::redact_roundtrip,
    );
}

/// The harness itself: a body that panics on some inputs fails the test, with its own message.
#[test]
#[should_panic(expected = "a document that starts with a brace")]
fn a_panicking_body_fails_the_run() {
    run("panicking", 1, 200, |data| {
        assert!(
            data.first() != Some(&b'{'),
            "a document that starts with a brace"
        );
    });
}

//! Reads one trace file, for profilers and quick timing: `ingest_once FILE [floor|analyze|compare [N]]`.
//! With `floor`, only serde_json's skip-parse runs (the benchmark's floor); with `analyze`, the
//! analysis runs after the ingest; with `compare`, the floor and Loupe's ingest run alternately N
//! times (default 11) and the fastest and median times of each are printed; otherwise Loupe's
//! ingest alone.

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: ingest_once FILE [floor|analyze|compare [N]]";
    let path = args.next().expect(usage);
    let bytes = std::fs::read(&path).expect("read the file");
    let mode = args.next();
    match mode.as_deref() {
        Some("floor") => {
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("valid JSON");
        }
        Some("compare") => {
            let n = args.next().map_or(11, |n| n.parse().expect(usage));
            compare(&path, &bytes, n);
        }
        None | Some("analyze") => {
            let mut loader = loupe_core::Loader::new();
            loader.add_file(&path, bytes).expect("loads");
            let set = loader.finish();
            println!("{} spans", set.span_count());
            if mode.is_some() {
                let a = loupe_core::analysis::Analysis::run(
                    &set,
                    &loupe_core::analysis::Options::default(),
                );
                println!("{} traces analysed", a.traces.len());
            }
        }
        Some(_) => panic!("{usage}"),
    }
}

/// Floor and Loupe alternately, so both see the same machine load; the input copy and the drop
/// of the set are outside the timed region, as in the `ingest` benchmark.
fn compare(path: &str, bytes: &[u8], n: usize) {
    let (mut floor, mut loupe, mut add, mut finish) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let t = Instant::now();
        serde_json::from_slice::<serde::de::IgnoredAny>(std::hint::black_box(bytes))
            .expect("valid JSON");
        floor.push(t.elapsed());
        let copy = bytes.to_vec();
        let t0 = Instant::now();
        let mut loader = loupe_core::Loader::new();
        loader.add_file(path, copy).expect("loads");
        let t1 = Instant::now();
        let set = loader.finish();
        let t2 = Instant::now();
        drop(std::hint::black_box(set));
        loupe.push(t2 - t0);
        add.push(t1 - t0);
        finish.push(t2 - t1);
    }
    let mb = bytes.len() as f64 / 1e6;
    let stats = |v: &mut Vec<Duration>| {
        v.sort_unstable();
        (v[0].as_secs_f64(), v[v.len() / 2].as_secs_f64())
    };
    let (f0, fm) = stats(&mut floor);
    let (l0, lm) = stats(&mut loupe);
    let (a0, am) = stats(&mut add);
    let (z0, zm) = stats(&mut finish);
    println!("{n} runs of {mb:.1} MB; fastest / median");
    println!(
        "floor   {:7.1} / {:7.1} ms  {:6.0} / {:6.0} MB/s",
        f0 * 1e3,
        fm * 1e3,
        mb / f0,
        mb / fm
    );
    println!(
        "loupe   {:7.1} / {:7.1} ms  {:6.0} / {:6.0} MB/s",
        l0 * 1e3,
        lm * 1e3,
        mb / l0,
        mb / lm
    );
    println!(
        "  add_file {:7.1} / {:7.1} ms, finish {:7.1} / {:7.1} ms",
        a0 * 1e3,
        am * 1e3,
        z0 * 1e3,
        zm * 1e3
    );
    println!("ratio   {:.3} (fastest) / {:.3} (median)", f0 / l0, fm / lm);
}

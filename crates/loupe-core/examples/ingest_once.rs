//! Reads one trace file once, for profilers: `ingest_once FILE [floor|analyze]`. With `floor`, only
//! serde_json's skip-parse runs (the benchmark's floor); with `analyze`, the analysis runs after the
//! ingest; otherwise Loupe's ingest alone.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: ingest_once FILE [floor|analyze]");
    let bytes = std::fs::read(&path).expect("read the file");
    let mode = args.next();
    if mode.as_deref() == Some("floor") {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("valid JSON");
        return;
    }
    let mut loader = loupe_core::Loader::new();
    loader.add_file(&path, bytes).expect("loads");
    let set = loader.finish();
    println!("{} spans", set.span_count());
    if mode.as_deref() == Some("analyze") {
        let a =
            loupe_core::analysis::Analysis::run(&set, &loupe_core::analysis::Options::default());
        println!("{} traces analysed", a.traces.len());
    }
}

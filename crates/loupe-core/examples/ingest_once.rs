//! Reads one trace file once, for profilers: `ingest_once FILE [floor]`. With `floor`, only
//! serde_json's skip-parse runs (the benchmark's floor); otherwise Loupe's full ingest.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: ingest_once FILE [floor]");
    let bytes = std::fs::read(&path).expect("read the file");
    if args.next().as_deref() == Some("floor") {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("valid JSON");
        return;
    }
    let mut loader = loupe_core::Loader::new();
    loader.add_file(&path, bytes).expect("loads");
    let set = loader.finish();
    println!("{} spans", set.span_count());
}

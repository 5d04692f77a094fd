// The bodies of the fuzz targets, shared by the cargo-fuzz binaries (`include!`d) and by the
// stable smoke test `tests/tests/fuzz_smoke.rs`. Each must never panic, whatever the bytes.

use loupe_core::analysis::{Analysis, Options};
use loupe_core::import::Importer;

/// Any bytes through the loader (every importer, gzip), then the whole analysis and report.
pub fn load_any(data: &[u8]) {
    let mut loader = loupe_core::Loader::new();
    let _ = loader.add_file("fuzz", data.to_vec());
    let set = loader.finish();
    let analysis = Analysis::run(&set, &Options::default());
    let _ = loupe_core::report::AnalysisReport::build(&set, &analysis);
}

/// The OTLP JSON importer alone (no sniffing), then both writers and reading the JSON back.
pub fn otlp_json(data: &[u8]) {
    let mut loader = loupe_core::Loader::new();
    let importer = loupe_core::import::otlp_json::OtlpJson;
    if importer.sniff(data).is_err() {
        // Still read it: the importer must cope with whatever it is handed.
        let mut wrapped = b"{\"resourceSpans\":".to_vec();
        wrapped.extend_from_slice(data);
        wrapped.push(b'}');
        let _ = loader.add_file("fuzz.json", wrapped);
    } else {
        let _ = loader.add_file("fuzz.json", data.to_vec());
    }
    let set = loader.finish();
    let mut out = Vec::new();
    loupe_core::export::otlp_json::write(&set, &mut out).expect("writing to a Vec cannot fail");
    let _ = loupe_core::export::otlp_proto::encode(&set);
    if set.span_count() > 0 {
        let again = loupe_core::load("again.json", out).expect("the writer's output loads");
        assert_eq!(again.span_count(), set.span_count(), "a round trip keeps every span");
    }
}

/// Any text through the secret scanner (plain text, JSON, JSON inside JSON).
pub fn secrets_scan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for m in loupe_core::secrets::scan_text(&text) {
        assert!(m.offset <= text.len());
        // A mask never holds more than a few characters of the value.
        assert!(m.masked.chars().count() <= 32, "{m:?}");
    }
}

/// A set made from the bytes (as the value of a span attribute, and as a file), redacted and
/// written: the output loads, keeps every span, and scans clean of built-in secrets.
pub fn redact_roundtrip(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":{name},"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{{"key":"v","value":{{"stringValue":{value}}}}},{{"key":"n","value":{{"intValue":"7"}}}}]}}]}}]}}]}}"#,
        name = json_string(&text.chars().take(64).collect::<String>()),
        value = json_string(&text),
    );
    for input in [doc.into_bytes(), data.to_vec()] {
        let Ok(set) = loupe_core::load("fuzz", input) else {
            continue;
        };
        let policy = loupe_core::redact::Policy::default();
        let redacted = loupe_core::redact::redact(&set, &policy, &[7; 32]);
        let mut out = Vec::new();
        loupe_core::export::otlp_json::write(&redacted.set, &mut out).expect("writes");
        if set.span_count() == 0 {
            continue;
        }
        let again = loupe_core::load("again.json", out).expect("the redacted output loads");
        assert_eq!(again.span_count(), set.span_count());
        let left = loupe_core::secrets::scan(&again);
        assert!(left.is_empty(), "left after redaction: {left:?}");
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

//! `loupe convert` end to end: the output reads back as the same traces, `-o`, merging, exit codes.

use serde_json::Value;

use std::process::{Command, Output, Stdio};

mod common;
use common::{fixture, loupe, temp_path};

const TMP: &str = "convert-tests";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `traces` of `loupe analyze --json` (the `files` part names the paths, which differ).
fn analyzed_traces(path: &str) -> Value {
    let out = loupe(&["analyze", "--json", path]);
    assert!(out.status.success(), "analyze {path}: {}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("analysis JSON");
    v["traces"].clone()
}

/// The spans and distinct trace ids of an OTLP JSON document that `convert` wrote.
fn spans_and_traces(doc: &Value) -> (usize, usize) {
    let spans: Vec<&Value> = doc["resourceSpans"]
        .as_array()
        .expect("resourceSpans")
        .iter()
        .flat_map(|r| r["scopeSpans"].as_array().expect("scopeSpans"))
        .flat_map(|s| s["spans"].as_array().expect("spans"))
        .collect();
    let traces: std::collections::BTreeSet<&str> = spans
        .iter()
        .map(|s| s["traceId"].as_str().expect("traceId"))
        .collect();
    (spans.len(), traces.len())
}

#[test]
fn converted_json_analyses_like_the_original() {
    for (rel, spans, traces) in [
        ("otlp/valid/sdk-node-agent.jsonl", 10, 1),
        ("otlp/valid/sdk-python-agent.json", 13, 2),
        ("otlp/valid/snake-case-and-old-names.json", 2, 1),
        ("otlp/valid/base64-ids-enum-names.json", 2, 1),
        ("genai/openinference-agent.json", 4, 1),
    ] {
        let input = fixture(rel);
        let out = loupe(&["convert", "--to", "otlp-json", &input]);
        assert!(out.status.success(), "{rel}: {}", stderr(&out));
        assert!(
            out.stderr.is_empty(),
            "{rel}: quiet on success: {}",
            stderr(&out)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
        assert_eq!(spans_and_traces(&doc), (spans, traces), "{rel}");
        let converted = temp_path(TMP, &format!("{}.otlp.json", rel.replace('/', "_")));
        std::fs::write(&converted, &out.stdout).expect("write");
        let converted = converted.display().to_string();
        assert_eq!(
            analyzed_traces(&converted),
            analyzed_traces(&input),
            "{rel}: same traces, roots, services and orphans after conversion"
        );
        // Converting the converted file again changes nothing.
        let again = loupe(&["convert", "--to", "otlp-json", &converted]);
        assert!(again.status.success(), "{rel}: {}", stderr(&again));
        assert_eq!(again.stdout, out.stdout, "{rel}: conversion is idempotent");
    }
}

#[test]
fn output_file_and_summary() {
    let path = temp_path(TMP, "out.json");
    let p = path.display().to_string();
    let out = loupe(&[
        "convert",
        &fixture("otlp/valid/agent-run-hex.json"),
        "--to",
        "otlp-json",
        "-o",
        &p,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout with -o");
    let err = stderr(&out);
    assert!(
        err.contains(&p) && err.contains("3 spans in 1 traces"),
        "{err}"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("written")).expect("JSON");
    assert_eq!(spans_and_traces(&doc), (3, 1), "what the summary says");
    let span = &doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(span["spanId"], "00f067aa0ba902b7");
    // `-o -` is standard output.
    let out = loupe(&[
        "convert",
        "--to",
        "otlp-json",
        "--output",
        "-",
        &fixture("otlp/valid/agent-run-hex.json"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, std::fs::read(&path).expect("read"));
}

#[test]
fn files_are_merged_into_one_document() {
    let a = fixture("otlp/valid/agent-run-hex.json");
    let b = fixture("otlp/valid/sdk-node-agent.jsonl");
    let out = loupe(&["convert", "--to", "otlp-json", &a, &b]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(spans_and_traces(&doc), (3 + 10, 2));
}

#[test]
fn exit_codes_follow_analyze() {
    // An input that cannot be read at all: 2, and the file is named.
    let missing = temp_path(TMP, "does-not-exist.json").display().to_string();
    let path = temp_path(TMP, "partial.json");
    let out = loupe(&[
        "convert",
        "--to",
        "otlp-json",
        "-o",
        &path.display().to_string(),
        &fixture("otlp/valid/agent-run-hex.json"),
        &missing,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does-not-exist.json"),
        "{}",
        stderr(&out)
    );
    // What did load is still written.
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("written")).expect("JSON");
    assert_eq!(spans_and_traces(&doc), (3, 1));

    // Nothing readable: 2, and no output file.
    let path = temp_path(TMP, "nothing.json");
    let out = loupe(&[
        "convert",
        "--to",
        "otlp-json",
        "-o",
        &path.display().to_string(),
        &fixture("otlp/invalid/not-json.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("not-json.json:3:"),
        "names file, line and column: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!path.exists(), "no output file when nothing loaded");

    // A partly readable file: 0, with the warnings counted on stderr.
    let out = loupe(&[
        "convert",
        "--to",
        "otlp-json",
        &fixture("otlp/invalid/bad-lines.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 warnings"), "{}", stderr(&out));
    // The two good lines' spans (the second a child of the first), not the two bad lines.
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(spans_and_traces(&doc), (2, 1));

    // An unknown target format is a usage error naming the ones there are.
    let out = loupe(&[
        "convert",
        "--to",
        "xml",
        &fixture("otlp/valid/agent-run-hex.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("otlp-json"), "{}", stderr(&out));
}

#[test]
fn standard_input_is_read() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(["convert", "--to", "otlp-json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let bytes = std::fs::read(fixture("otlp/valid/agent-run-hex.json")).expect("fixture");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(spans_and_traces(&doc), (3, 1));
    assert_eq!(
        doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"],
        "invoke_agent travel-planner"
    );
}

#[test]
fn json_to_protobuf_and_back_keeps_the_traces() {
    for rel in [
        "otlp/valid/sdk-node-agent.jsonl",
        "otlp/valid/sdk-python-agent.json",
        "otlp/valid/anyvalue-every-kind.json",
        "otlp/valid/base64-ids-enum-names.json",
        "genai/openinference-agent.json",
    ] {
        let input = fixture(rel);
        let pb = temp_path(TMP, &format!("{}.pb", rel.replace('/', "_")));
        let pb_path = pb.display().to_string();
        let out = loupe(&["convert", "--to", "otlp-proto", "-o", &pb_path, &input]);
        assert!(out.status.success(), "{rel}: {}", stderr(&out));
        assert!(stderr(&out).contains("(otlp-proto)"), "{}", stderr(&out));
        let bytes = std::fs::read(&pb).expect("written");
        assert_eq!(bytes.first(), Some(&0x0a), "{rel}: starts with field 1");
        assert_eq!(
            analyzed_traces(&pb_path),
            analyzed_traces(&input),
            "{rel}: same traces, roots, services and orphans in protobuf"
        );
        // Back to JSON: the very document a direct conversion writes.
        let back = loupe(&["convert", "--to", "otlp-json", &pb_path]);
        assert!(back.status.success(), "{rel}: {}", stderr(&back));
        let direct = loupe(&["convert", "--to", "otlp-json", &input]);
        assert!(direct.status.success(), "{rel}: {}", stderr(&direct));
        assert_eq!(
            String::from_utf8_lossy(&back.stdout),
            String::from_utf8_lossy(&direct.stdout),
            "{rel}: JSON → protobuf → JSON is JSON → JSON"
        );
        // To standard output when it is not a terminal (here a pipe): the same bytes.
        let piped = loupe(&["convert", "--to", "otlp-proto", &input]);
        assert!(piped.status.success(), "{rel}: {}", stderr(&piped));
        assert_eq!(piped.stdout, bytes, "{rel}");
    }
}

#[test]
fn protobuf_is_not_written_to_a_terminal() {
    // `script` (util-linux) runs the command with a pseudo-terminal as its standard output.
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        loupe_tests::skip(
            "`script` (util-linux) is not installed, so no terminal can be given to loupe",
        );
        return;
    }
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let input = fixture("otlp/valid/agent-run-hex.json");
    let command = format!(
        "{} convert --to otlp-proto {}",
        quote(env!("CARGO_BIN_EXE_loupe")),
        quote(&input)
    );
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("otlp-proto is binary and standard output is a terminal")
            && text.contains("-o FILE"),
        "{text}"
    );
    assert!(
        !text.contains('\u{fffd}'),
        "no binary on the terminal: {text}"
    );
    // JSON is fine on a terminal.
    let command = format!(
        "{} convert --to otlp-json {}",
        quote(env!("CARGO_BIN_EXE_loupe")),
        quote(&input)
    );
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("resourceSpans"));
}

//! The `loupe` binary end to end: exit codes, the JSON document, text output, big files.

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use std::process::Output;

mod common;
use common::{fixture, loupe, temp_path};

const TMP: &str = "cli-tests";

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "loupe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[test]
fn analyze_json_has_the_public_shape() {
    let out = loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/valid/agent-run-hex.json"),
    ]);
    let v = json(&out);
    assert_eq!(v["schema"], "loupe.analysis/1");
    let file = &v["files"][0];
    assert_eq!(file["format"], "otlp-json");
    assert_eq!(file["span_count"], 3);
    assert!(
        file["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("agent-run-hex.json"))
    );
    assert_eq!(file["warnings"], serde_json::json!([]));
    let t = &v["traces"][0];
    assert_eq!(t["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(t["span_count"], 3);
    assert_eq!(t["start_unix_nano"], 1_767_225_600_000_000_000u64);
    assert_eq!(t["end_unix_nano"], 1_767_225_604_500_000_000u64);
    assert_eq!(t["services"], serde_json::json!(["agent-runtime"]));
    assert_eq!(
        t["roots"],
        serde_json::json!([{"span_id": "00f067aa0ba902b7", "name": "invoke_agent travel-planner", "duration_ns": 4_500_000_000u64}])
    );
    assert_eq!(t["orphans"], serde_json::json!([]));
}

#[test]
fn orphans_and_warnings_in_json() {
    let out = loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/invalid/bad-lines.jsonl"),
    ]);
    let v = json(&out);
    let codes: Vec<&str> = v["files"][0]["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["bad_line", "bad_line"]);
    let out = loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/invalid/wrong-types-and-odd-ids.json"),
    ]);
    let v = json(&out);
    let orphan = v["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .flat_map(|t| t["orphans"].as_array().expect("orphans").clone())
        .next()
        .expect("one orphan");
    assert_eq!(orphan["missing_parent_id"], "01234567");
    // Ids that are not hex come out as given.
    let ids: BTreeSet<&str> = v["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .map(|t| t["trace_id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains("0123456789abcdef0123456789abcde"), "{ids:?}");
}

#[test]
fn base64_ids_from_the_python_sdk_come_out_as_hex() {
    let v = json(&loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/valid/sdk-python-agent.json"),
    ]));
    let roots: Vec<&str> = v["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .flat_map(|t| t["roots"].as_array().expect("roots"))
        .map(|r| r["span_id"].as_str().expect("id"))
        .collect();
    assert_eq!(roots.len(), 2);
    for id in roots {
        assert_eq!(id.len(), 16);
        assert!(
            id.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
            "{id}"
        );
    }
}

#[test]
fn files_are_merged_and_gzip_is_read() {
    let src = std::fs::read(fixture("otlp/valid/sdk-node-agent.jsonl")).expect("fixture");
    let gz = temp_path(TMP, "node-agent.data");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&src).expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    let plain = json(&loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/valid/sdk-node-agent.jsonl"),
    ]));
    let zipped = json(&loupe(&["analyze", "--json", &gz.display().to_string()]));
    assert_eq!(plain["traces"], zipped["traces"]);
    assert_eq!(zipped["traces"][0]["span_count"], 10);
    let both = json(&loupe(&[
        "analyze",
        "--json",
        &fixture("otlp/valid/agent-run-hex.json"),
        &fixture("otlp/valid/sdk-node-agent.jsonl"),
    ]));
    assert_eq!(both["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(both["traces"].as_array().map(Vec::len), Some(2));
}

#[test]
fn unreadable_input_exits_2_and_keeps_the_rest() {
    let missing = temp_path(TMP, "does-not-exist.json").display().to_string();
    let out = loupe(&[
        "analyze",
        "--json",
        &missing,
        &fixture("otlp/valid/agent-run-hex.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does-not-exist.json"), "{stderr}");
    let v: Value =
        serde_json::from_slice(&out.stdout).expect("the readable file is still reported");
    assert_eq!(v["traces"][0]["span_count"], 3);

    let out = loupe(&["analyze", &fixture("otlp/invalid/not-json.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not-json.json:3:"),
        "file, line and column: {stderr}"
    );

    let out = loupe(&["analyze", &fixture("otlp/invalid/no-resource-spans.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Tried: otlp-json"));
}

#[test]
fn partly_broken_input_loads_with_exit_0() {
    let out = loupe(&[
        "analyze",
        &fixture("otlp/invalid/truncated-after-first-span.json"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning[truncated]"), "{text}");
}

#[test]
fn human_output_and_tree() {
    let out = loupe(&["analyze", &fixture("otlp/valid/agent-run-hex.json")]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "trace 4bf92f3577b34da6a3ce929d0e0e4736  3 spans  4.50 s",
        "services: agent-runtime",
        "root: invoke_agent travel-planner (4.50 s, span 00f067aa0ba902b7)",
        "warnings: 1 error spans",
        "first suspect: execute_tool search_flights [tool_error] (span 2222222222222222)",
        "error   tool_error      `search_flights` failed under `invoke_agent travel-planner`: error type `TimeoutError`, \"upstream timed out\"",
        "critical path: 3 spans, 4.50 s",
        "tokens: 1200 in (0 cached), 85 out (0 reasoning); cost $0.003850",
        "  ●   execute_tool search_flights  1.00 s ✗ error: upstream timed out",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let out = loupe(&["tree", &fixture("otlp/valid/sdk-node-agent.jsonl")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("  invoke_agent travel-planner")),
        "{text}"
    );
    assert!(text.contains("✗ error"), "{text}");
}

/// A trace of one root with 1,000 children and a 300-deep chain: elided, never flooded.
#[test]
fn tree_filter_keeps_matches_and_their_ancestors() {
    let file = fixture("otlp/valid/sdk-python-agent.json");
    let out = loupe(&["tree", "--filter", "kind:tool", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("11 spans, 4 matching"), "{text}");
    // The agent (an ancestor, unmarked), then its four tool calls, marked; nothing else.
    assert!(
        lines[1]
            .trim_start()
            .starts_with("invoke_agent support-bot"),
        "{text}"
    );
    let marked: Vec<&str> = lines.iter().filter(|l| l.contains("» ")).copied().collect();
    assert_eq!(marked.len(), 4, "{text}");
    assert!(
        marked.iter().all(|l| l.contains("» execute_tool")),
        "{text}"
    );
    assert!(
        !text.contains("chat "),
        "a chat span is neither a match nor an ancestor: {text}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("4 spans in 1 of 2 traces match the filter")
    );
    // Durations and the filter's other terms work as in the viewer.
    let out = loupe(&[
        "tree",
        "--filter",
        "gen_ai.tool.name=lookup_order >450ms",
        &file,
    ]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(
        text.matches("» ").count(),
        1,
        "only the 484 ms call: {text}"
    );
    // A filter that cannot be read is an error that says why, before anything is loaded.
    let out = loupe(&["tree", "--filter", "status:nonsense", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--filter: `status:nonsense`: expected status:error"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn long_and_wide_trees_are_elided() {
    let mut spans = Vec::new();
    let trace = "abababababababababababababababab";
    spans.push(format!(r#"{{"traceId":"{trace}","spanId":"{:016x}","name":"root","startTimeUnixNano":"0","endTimeUnixNano":"1000000"}}"#, 1));
    for i in 0..1000u64 {
        spans.push(format!(r#"{{"traceId":"{trace}","spanId":"{:016x}","parentSpanId":"{:016x}","name":"child {i}","startTimeUnixNano":"{i}","endTimeUnixNano":"{}"}}"#, 100 + i, 1, i + 10));
    }
    for d in 0..300u64 {
        let parent = if d == 0 { 1 } else { 5000 + d - 1 };
        spans.push(format!(r#"{{"traceId":"{trace}","spanId":"{:016x}","parentSpanId":"{parent:016x}","name":"level {d}","startTimeUnixNano":"{}","endTimeUnixNano":"2000"}}"#, 5000 + d, 2000 + d));
    }
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    let path = temp_path(TMP, "wide-and-deep.json");
    std::fs::write(&path, doc).expect("write");
    let out = loupe(&["tree", "--max-lines", "100", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().count() <= 103,
        "{} lines",
        text.lines().count()
    );
    assert!(text.contains("… 981 more siblings"), "{text}");
    assert!(
        text.contains("more spans (raise --max-lines to see them)"),
        "{text}"
    );
    let out = loupe(&["tree", "--max-lines", "100000", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[depth 299] level 298"),
        "deep lines show their depth"
    );
}

// ---- The 200k-span file, checked against an independent parse ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Req {
    resource_spans: Vec<Rs>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rs {
    scope_spans: Vec<Ss>,
}
#[derive(Deserialize)]
struct Ss {
    spans: Vec<RawSpan>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpan {
    trace_id: String,
    span_id: String,
    #[serde(default)]
    parent_span_id: String,
    name: String,
    start_time_unix_nano: String,
    end_time_unix_nano: String,
}

#[test]
fn a_200k_span_file_gives_exact_counts_roots_and_durations() {
    const SPANS: usize = 200_000;
    let path = temp_path(TMP, "synth-200k.json");
    let file = std::fs::File::create(&path).expect("create");
    let stats = loupe_synth::write_otlp_json(std::io::BufWriter::new(file), SPANS, 7, false)
        .expect("generate");
    assert_eq!(stats.spans, SPANS);

    // Ground truth from a plain serde parse of the same file.
    let req: Req = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("parse");
    let mut spans_per_trace: BTreeMap<String, u64> = BTreeMap::new();
    let mut roots: BTreeSet<(String, String, u64)> = BTreeSet::new();
    for s in req
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
    {
        *spans_per_trace
            .entry(s.trace_id.to_lowercase())
            .or_default() += 1;
        if s.parent_span_id.is_empty() {
            let d = s.end_time_unix_nano.parse::<u64>().expect("end")
                - s.start_time_unix_nano.parse::<u64>().expect("start");
            roots.insert((s.span_id.to_lowercase(), s.name.clone(), d));
        }
    }
    drop(req);

    let v = json(&loupe(&["analyze", "--json", &path.display().to_string()]));
    assert_eq!(v["files"][0]["span_count"], SPANS as u64);
    let traces = v["traces"].as_array().expect("traces");
    let got_counts: BTreeMap<String, u64> = traces
        .iter()
        .map(|t| {
            (
                t["trace_id"].as_str().expect("id").to_owned(),
                t["span_count"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got_counts, spans_per_trace);
    let got_roots: BTreeSet<(String, String, u64)> = traces
        .iter()
        .flat_map(|t| t["roots"].as_array().expect("roots"))
        .map(|r| {
            (
                r["span_id"].as_str().expect("id").to_owned(),
                r["name"].as_str().expect("name").to_owned(),
                r["duration_ns"].as_u64().expect("duration"),
            )
        })
        .collect();
    assert_eq!(got_roots, roots);
    assert!(
        traces
            .iter()
            .all(|t| t["orphans"].as_array().is_some_and(Vec::is_empty))
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn limits_are_set_on_the_command_line() {
    let file = fixture("zipkin/valid/sdk-python-agent.json");
    let codes = |out: &Output| -> Vec<String> {
        json(out)["files"][0]["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .map(|w| w["code"].as_str().expect("code").to_owned())
            .collect()
    };
    let plain = loupe(&["analyze", "--json", &file]);
    assert!(!codes(&plain).contains(&"limit".to_owned()));
    // The options go before or after the subcommand.
    let cut = loupe(&["--max-value-bytes", "40", "analyze", "--json", &file]);
    assert!(
        codes(&cut).contains(&"limit".to_owned()),
        "{:?}",
        codes(&cut)
    );
    let few = loupe(&["tree", "--max-attrs-per-span", "2", &file]);
    assert_eq!(few.status.code(), Some(0));
    let few = loupe(&["analyze", "--json", "--max-attrs-per-span", "2", &file]);
    let v = json(&few);
    assert!(
        v["files"][0]["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "limit"
                && w["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("(max_attrs_per_span)"))),
        "{}",
        v["files"][0]["warnings"]
    );
    let small = loupe(&["analyze", "--max-file-bytes", "100", &file]);
    assert_eq!(small.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&small.stderr);
    assert!(stderr.contains("over the limit of 100 bytes"), "{stderr}");
}

/// `loupe … | head`: when the reader of its output goes away, loupe stops quietly with exit 0,
/// for the text, the tree and the JSON alike.
#[test]
fn a_closed_pipe_is_a_normal_end() {
    use std::process::Command;
    let path = temp_path(TMP, "synth-20k.json");
    let file = std::fs::File::create(&path).expect("create");
    loupe_synth::write_otlp_json(std::io::BufWriter::new(file), 20_000, 3, false)
        .expect("generate");
    let path = path.display().to_string();
    for args in [
        vec![
            "tree",
            "--max-lines",
            "1000000",
            "--max-children",
            "1000000",
        ],
        vec!["analyze", "--max-lines", "1000000"],
        vec!["analyze", "--json"],
        vec!["convert", "--to", "otlp-json"],
        vec!["redact", "-o", "-"],
    ] {
        // Several times what a pipe holds (64 KiB), so loupe is still writing when the
        // reader goes.
        let all = loupe(&[args.as_slice(), &[path.as_str()]].concat());
        assert_eq!(all.status.code(), Some(0), "{args:?}");
        assert!(
            all.stdout.len() > 256 << 10,
            "{args:?}: {} bytes",
            all.stdout.len()
        );
        let mut command = Command::new(env!("CARGO_BIN_EXE_loupe"));
        command.args(&args).arg(&path);
        let (status, err) = loupe_tests::run_with_stdout_closed_early(command);
        assert_eq!(
            status.code(),
            Some(0),
            "{args:?}: {status:?}, stderr: {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
    std::fs::remove_file(&path).ok();
}

//! `loupe lint` gates CI pipelines: exit 0 within thresholds, 1 when a run breaks one, 2 when an
//! input cannot be read.

use std::path::Path;

mod common;
use common::{fixture, loupe, stdout};

#[test]
fn a_clean_run_passes() {
    let o = loupe(&["lint", &fixture("genai/openai-v2-agent.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("ok: 1 trace(s) within the thresholds"));
}

#[test]
fn errors_fail_by_default_and_warnings_on_request() {
    // A tool error is an error: fails by default.
    let o = loupe(&["lint", &fixture("analysis/tool_error/positive.json")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[tool_error]: `search_hotels` failed"),
        "{}",
        stdout(&o)
    );
    // A loop is a warning: passes by default, fails with --fail-on warning.
    let loop_file = fixture("analysis/loop/positive.json");
    assert_eq!(loupe(&["lint", &loop_file]).status.code(), Some(0));
    let o = loupe(&["lint", "--fail-on", "warning", &loop_file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("warning[loop]"), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("1 problem(s) in 1 trace(s)\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn cost_and_token_budgets() {
    let f = fixture("analysis/conventions/no-double-count.json");
    // 3000 input + 300 output tokens, about $0.01.
    assert_eq!(
        loupe(&["lint", "--max-tokens", "3300", &f]).status.code(),
        Some(0)
    );
    let o = loupe(&["lint", "--max-tokens", "3299", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("3300 tokens is over --max-tokens 3299"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        loupe(&["lint", "--max-cost", "0.02", &f]).status.code(),
        Some(0)
    );
    let o = loupe(&["lint", "--max-cost", "0.005", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("is over --max-cost $0.005"),
        "{}",
        stdout(&o)
    );
    // An unknown price cannot pass a cost budget: it says so.
    let unknown = fixture("analysis/conventions/unknown-model.json");
    let o = loupe(&["lint", "--max-cost", "100", &unknown]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("cost unknown (no price for acme-llm-7)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_price_file_prices_unknown_models() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-tests");
    std::fs::create_dir_all(&dir).expect("dir");
    let prices = dir.join("prices.json");
    std::fs::write(
        &prices,
        r#"{"acme-llm-7": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}"#,
    )
    .expect("write");
    let unknown = fixture("analysis/conventions/unknown-model.json");
    let o = loupe(&[
        "lint",
        "--max-cost",
        "1",
        "--prices",
        &prices.display().to_string(),
        &unknown,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let bad = dir.join("bad-prices.json");
    std::fs::write(&bad, "[1, 2]").expect("write");
    let o = loupe(&["lint", "--prices", &bad.display().to_string(), &unknown]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad-prices.json"));
}

#[test]
fn unreadable_input_is_exit_2() {
    let o = loupe(&["lint", &fixture("otlp/invalid/not-json.json")]);
    assert_eq!(o.status.code(), Some(2));
}

/// `loupe lint … | head`: the reader going away early does not turn a failing run into a pass.
#[test]
fn a_closed_pipe_keeps_the_verdict() {
    use std::process::Command;
    // One agent with 3,000 failed tool calls: far more lines than a pipe holds (64 KiB).
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let mut spans = vec![format!(
        r#"{{"traceId":"{trace}","spanId":"a000000000000001","name":"invoke_agent ops","startTimeUnixNano":"1000","endTimeUnixNano":"9000000"}}"#
    )];
    for i in 0..3000u64 {
        spans.push(format!(
            r#"{{"traceId":"{trace}","spanId":"{:016x}","parentSpanId":"a000000000000001","name":"execute_tool fetch","startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{{"key":"gen_ai.operation.name","value":{{"stringValue":"execute_tool"}}}},{{"key":"gen_ai.tool.name","value":{{"stringValue":"fetch"}}}}],"status":{{"code":2,"message":"upstream timed out, call {i}"}}}}"#,
            0xe000_0000_0000_0000u64 + i,
            2000 + i,
            3000 + i
        ));
    }
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-tests");
    std::fs::create_dir_all(&path).expect("dir");
    let path = path.join("many-tool-errors.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
            spans.join(",")
        ),
    )
    .expect("write");
    let path = path.display().to_string();
    let all = loupe(&["lint", &path]);
    assert_eq!(all.status.code(), Some(1));
    assert!(all.stdout.len() > 256 << 10, "{} bytes", all.stdout.len());
    assert!(
        stdout(&all).ends_with("3000 problem(s) in 1 trace(s)\n"),
        "{}",
        &stdout(&all)[stdout(&all).len().saturating_sub(200)..]
    );

    let mut command = Command::new(env!("CARGO_BIN_EXE_loupe"));
    command.args(["lint", &path]);
    let (status, err) = loupe_tests::run_with_stdout_closed_early(command);
    assert_eq!(status.code(), Some(1), "still a failing run: {err}");
    assert!(err.is_empty(), "quiet about the closed pipe: {err}");
}

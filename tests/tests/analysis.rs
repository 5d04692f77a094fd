//! The analysis end to end: every anomaly rule on its positive and negative fixture, the GenAI
//! conventions, usage counted once, costs, the critical path, and snapshots of the analysis of every
//! analysis fixture and every real-SDK run.

use loupe_core::TraceSet;
use loupe_core::analysis::genai::Operation;
use loupe_core::analysis::messages::{Part, transcript};
use loupe_core::analysis::{Analysis, Options};
use loupe_core::model::SpanIx;
use loupe_core::report::AnalysisReport;
use loupe_tests::{corpus_dir, fixtures_dir};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn load(path: &Path) -> TraceSet {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    loupe_core::load(&name, bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn analysis_fixture(rel: &str) -> (TraceSet, Analysis, AnalysisReport) {
    let set = load(&fixtures_dir().join("analysis").join(rel));
    let a = Analysis::run(&set, &Options::default());
    let r = AnalysisReport::build(&set, &a);
    (set, a, r)
}

fn kinds(r: &AnalysisReport) -> BTreeSet<&str> {
    r.traces
        .iter()
        .flat_map(|t| &t.anomalies)
        .map(|a| a.kind.as_str())
        .collect()
}

/// The names of the spans a rule's findings concern, in order.
fn flagged(set: &TraceSet, a: &Analysis, kind: &str) -> Vec<Vec<String>> {
    a.traces
        .iter()
        .flat_map(|t| &t.findings)
        .filter(|f| f.kind == kind)
        .map(|f| {
            f.spans
                .iter()
                .map(|&s| set.span(s).name().to_owned())
                .collect()
        })
        .collect()
}

const RULES: &[&str] = &[
    "loop",
    "tool_error",
    "retry",
    "truncated",
    "empty_result",
    "slow_outlier",
    "orphan",
    "disconnected",
    "outlives_parent",
    "clock_skew",
    "secret",
];

#[test]
fn every_rule_fires_on_its_positive_fixture_and_not_on_its_negative() {
    // Every rule the engine has is covered here.
    let engine: BTreeSet<&str> = loupe_core::analysis::rules::rules()
        .iter()
        .map(|r| r.id())
        .collect();
    assert_eq!(engine, RULES.iter().copied().collect());
    for rule in RULES {
        let (_, _, pos) = analysis_fixture(&format!("{rule}/positive.json"));
        assert!(
            kinds(&pos).contains(rule),
            "{rule}: positive fixture gives {:?}",
            kinds(&pos)
        );
        let (_, _, neg) = analysis_fixture(&format!("{rule}/negative.json"));
        assert!(
            !kinds(&neg).contains(rule),
            "{rule}: negative fixture gives {:?}",
            kinds(&neg)
        );
    }
}

#[test]
fn findings_name_the_right_spans_and_say_what_happened() {
    let (set, a, r) = analysis_fixture("loop/positive.json");
    assert_eq!(
        flagged(&set, &a, "loop"),
        [vec!["execute_tool lookup_order"; 3]]
    );
    let msg = &r.traces[0].anomalies[0].message;
    assert_eq!(
        msg,
        "`lookup_order` was called 3 times in a row with the same arguments {\"order_id\":\"A-1\"} under `invoke_agent support`"
    );

    let (set, a, _) = analysis_fixture("retry/positive.json");
    assert_eq!(
        flagged(&set, &a, "retry"),
        [vec!["execute_tool search_hotels"; 2]]
    );

    let (set, a, _) = analysis_fixture("truncated/positive.json");
    // Both conventions: gen_ai finish reasons and OpenInference's llm.finish_reason.
    assert_eq!(
        flagged(&set, &a, "truncated"),
        [vec!["chat gpt-4o"], vec!["ChatCompletion"]]
    );

    let (set, a, r) = analysis_fixture("empty_result/positive.json");
    assert_eq!(
        flagged(&set, &a, "empty_result"),
        [vec!["execute_tool search_kb", "chat gpt-4o"]]
    );
    assert!(
        r.traces[0].anomalies[0]
            .message
            .contains("returned an empty result ([])")
    );

    let (set, a, r) = analysis_fixture("slow_outlier/positive.json");
    assert_eq!(
        flagged(&set, &a, "slow_outlier"),
        [vec!["execute_tool fetch_page"]]
    );
    assert!(
        r.traces[0].anomalies[0]
            .message
            .contains("took 5.00 s, 42× the median"),
        "{}",
        r.traces[0].anomalies[0].message
    );

    let (set, a, r) = analysis_fixture("disconnected/positive.json");
    assert_eq!(
        flagged(&set, &a, "disconnected"),
        [vec!["tools/call lookup_order", "execute_tool lookup_order"]]
    );
    let server_trace = r
        .traces
        .iter()
        .find(|t| !t.inferred_links.is_empty())
        .expect("inferred link");
    assert!(server_trace.inferred_links[0].inferred);
    assert_eq!(
        server_trace.inferred_links[0].client_span_id,
        "e000000000000001"
    );
    assert_eq!(a.inferred_links.len(), 1);

    let (set, a, r) = analysis_fixture("clock_skew/positive.json");
    assert_eq!(
        flagged(&set, &a, "clock_skew"),
        [vec!["POST /orders/lookup", "execute_tool lookup_order"]]
    );
    let m = &r.traces[0]
        .anomalies
        .iter()
        .find(|x| x.kind == "clock_skew")
        .expect("skew")
        .message;
    assert!(m.contains("starts 250 ms before"), "{m}");
    assert!(m.contains("about 300 ms behind"), "{m}");

    let (set, a, _) = analysis_fixture("outlives_parent/positive.json");
    assert_eq!(
        flagged(&set, &a, "outlives_parent"),
        [vec!["execute_tool send_email", "invoke_agent support"]]
    );
}

/// The span ids and severities of a rule's findings, in the report's order.
fn flagged_ids<'r>(r: &'r AnalysisReport, kind: &str) -> Vec<(Vec<String>, &'r str)> {
    r.traces
        .iter()
        .flat_map(|t| &t.anomalies)
        .filter(|a| a.kind == kind)
        .map(|a| (a.span_ids.clone(), a.severity.as_str()))
        .collect()
}

fn ids(ids: &[&str], severity: &'static str) -> (Vec<String>, &'static str) {
    (ids.iter().map(|&s| s.to_owned()).collect(), severity)
}

#[test]
fn tool_error_orphan_and_secret_flag_the_right_spans() {
    // tool_error: the failed tool call, not the agent above it nor the model call beside it.
    let (_, _, r) = analysis_fixture("tool_error/positive.json");
    assert_eq!(
        flagged_ids(&r, "tool_error"),
        [ids(&["e000000000000001"], "error")]
    );
    let tool_error = r.traces[0]
        .anomalies
        .iter()
        .find(|a| a.kind == "tool_error")
        .expect("tool_error");
    assert_eq!(
        tool_error.message,
        "`search_hotels` failed under `invoke_agent support`: error type `TimeoutError`, \"search_hotels raised TimeoutError\""
    );
    // The negative fixture has a failed *model* call (a rate limit) and a tool that succeeded.
    let (_, _, r) = analysis_fixture("tool_error/negative.json");
    assert_eq!(flagged_ids(&r, "tool_error"), []);

    // orphan: the span whose parent ffffffffffff0001 is missing, not the real root.
    let (_, _, r) = analysis_fixture("orphan/positive.json");
    assert_eq!(
        flagged_ids(&r, "orphan"),
        [ids(&["e000000000000001"], "warning")]
    );
    let orphan = &r.traces[0].anomalies[0];
    assert!(
        orphan.message.starts_with(
            "`execute_tool lookup_order` names parent ffffffffffff0001, which is not in the loaded files"
        ),
        "{}",
        orphan.message
    );
    let (_, _, r) = analysis_fixture("orphan/negative.json");
    assert_eq!(flagged_ids(&r, "orphan"), []);

    // secret: the API key in one tool's arguments (an error). The other tool's result holds an
    // address at example.org, a documentation domain (RFC 2606), which is not personal data.
    let (_, _, r) = analysis_fixture("secret/positive.json");
    assert_eq!(
        flagged_ids(&r, "secret"),
        [ids(&["e000000000000001"], "error")]
    );
    for a in r.traces[0].anomalies.iter().filter(|a| a.kind == "secret") {
        assert!(
            a.message
                .contains("attribute `gen_ai.tool.call.arguments` at $.api_key"),
            "{}",
            a.message
        );
        assert!(
            !a.message.contains("Xq3mN8vT2wL5pR9kJ7hF4dS6aG1zC0bV")
                && !a.message.contains("ada.lovelace@example.org"),
            "the finding does not repeat the secret: {}",
            a.message
        );
    }
    // Look-alikes: a UUID, a SHA-256, an invoice number, a 16-digit order number.
    let (_, _, r) = analysis_fixture("secret/negative.json");
    assert_eq!(flagged_ids(&r, "secret"), []);
}

#[test]
fn first_suspect_is_the_earliest_warning_or_worse() {
    let (_, _, r) = analysis_fixture("retry/positive.json");
    let s = r.traces[0].first_suspect.as_ref().expect("suspect");
    assert_eq!(
        (s.span_id.as_str(), s.kind.as_str()),
        ("e000000000000001", "tool_error")
    );
    let (_, _, r) = analysis_fixture("loop/negative.json");
    assert_eq!(r.traces[0].first_suspect, None);
    // Info findings (disconnected) do not make a suspect.
    let (_, _, r) = analysis_fixture("disconnected/positive.json");
    assert_eq!(r.traces.len(), 2, "the client's trace and the server's");
    assert!(r.traces.iter().all(|t| t.first_suspect.is_none()));
}

#[test]
fn usage_is_counted_once_and_priced() {
    let (_, a, r) = analysis_fixture("conventions/no-double-count.json");
    let t = &r.traces[0].tokens;
    // The agent's own 3000/300 is the sum of its model calls: not added again.
    assert_eq!((t.input, t.output, t.cache_read), (3000, 300, 400));
    assert_eq!(t.by_model["gpt-4o"].input, 3000);
    assert!(!a.counts_usage[0], "the agent span's usage does not count");
    assert_eq!(a.inclusive_tokens[0], 3300);
    // gpt-4o: 2600 plain input at 2.5e-6, 400 cached at 1.25e-6, 300 output at 1e-5.
    let expected = 2600.0 * 2.5e-6 + 400.0 * 1.25e-6 + 300.0 * 1e-5;
    let cost = r.traces[0].cost_usd.expect("priced");
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");

    let (_, _, r) = analysis_fixture("conventions/unknown-model.json");
    assert_eq!(r.traces[0].cost_usd, None, "never a guess");
    assert_eq!(r.traces[0].unpriced_models, ["acme-llm-7"]);
    assert_eq!(r.traces[0].warnings.len(), 1);
    assert_eq!(r.traces[0].warnings[0].code, "unpriced_model");
    assert!(
        r.traces[0].warnings[0]
            .message
            .starts_with("no price for model `acme-llm-7` (1 call(s), 540 tokens)")
    );

    let (_, _, r) = analysis_fixture("conventions/reported-cost.json");
    assert_eq!(
        r.traces[0].cost_usd,
        Some(0.012),
        "reported cost is used as reported"
    );

    // A user's price file overrides the built-in table.
    let set = load(&fixtures_dir().join("analysis/conventions/unknown-model.json"));
    let user = loupe_core::analysis::pricing::PriceTable::from_litellm_json(
        r#"{"acme-llm-7": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}"#,
    )
    .expect("prices");
    let opts = Options {
        prices: loupe_core::analysis::pricing::Prices { user: Some(user) },
    };
    let r = AnalysisReport::build(&set, &Analysis::run(&set, &opts));
    assert_eq!(r.traces[0].cost_usd, Some(500.0 * 1e-6 + 40.0 * 2e-6));
}

#[test]
fn openllmetry_and_old_events_are_read() {
    let (set, a, r) = analysis_fixture("conventions/openllmetry-flattened.json");
    let t = &r.traces[0].tokens;
    assert_eq!((t.input, t.output, t.cache_read), (120, 30, 64));
    let ops: Vec<Operation> = a.steps.iter().map(|s| s.op).collect();
    assert_eq!(
        ops,
        [Operation::Workflow, Operation::Chat, Operation::ExecuteTool]
    );
    assert_eq!(a.steps[2].tool_name.get(&set), "lookup_order");
    assert!(a.steps[2].tool_arguments.is_some() && a.steps[2].tool_result.is_some());
    let tr = transcript(&set, SpanIx(1));
    assert_eq!(tr.source, "openllmetry");
    assert_eq!(tr.system, [Part::Text("You are a support agent.".into())]);
    assert_eq!(tr.input.len(), 1);
    assert_eq!(tr.output[0].finish_reason.as_deref(), Some("tool_calls"));
    assert!(
        matches!(&tr.output[0].parts[0], Part::ToolCall { name, .. } if name == "lookup_order")
    );

    let (set, a, r) = analysis_fixture("conventions/old-message-events.json");
    let tr = transcript(&set, SpanIx(0));
    assert_eq!(tr.source, "gen_ai events");
    assert_eq!(tr.system, [Part::Text("Be brief.".into())]);
    assert_eq!(tr.input[0].parts, [Part::Text("Hi there".into())]);
    assert_eq!(tr.output[0].parts, [Part::Text("Hello!".into())]);
    assert_eq!(tr.output[0].finish_reason.as_deref(), Some("end_turn"));
    assert!(a.steps[0].has_input_messages && a.steps[0].has_output_messages);
    assert_eq!(a.steps[0].provider.get(&set), "anthropic");
    assert!(
        r.traces[0].cost_usd.is_some(),
        "dated Claude names are priced"
    );

    // LiteLLM lists Claude 3.5 Sonnet only under cloud resellers (Bedrock, Vertex), not under
    // Anthropic itself: a reseller's price would be a guess, so the cost stays unknown.
    let prices = loupe_core::analysis::pricing::Prices::default();
    assert!(
        prices
            .lookup("claude-3-5-sonnet-20241022", "anthropic")
            .is_none()
    );
    assert!(
        prices
            .lookup("claude-sonnet-4-5-20250929", "anthropic")
            .is_some()
    );
}

#[test]
fn the_three_instrumentations_agree_on_the_same_run() {
    // One run of the openai client against a local fake server, instrumented by three libraries.
    let mut seen = Vec::new();
    for f in [
        "openai-v2-agent.json",
        "openinference-agent.json",
        "openllmetry-agent.json",
    ] {
        let set = load(&fixtures_dir().join("genai").join(f));
        let a = Analysis::run(&set, &Options::default());
        let r = AnalysisReport::build(&set, &a);
        let t = &r.traces[0];
        assert!(
            t.anomalies.is_empty(),
            "{f}: a clean run comes out clean: {:?}",
            t.anomalies
        );
        let ops: Vec<&str> = a.steps.iter().map(|s| s.op.as_str()).collect();
        let models: BTreeSet<&str> = t.tokens.by_model.keys().map(String::as_str).collect();
        // Every model call has its transcript with the tool call in the first answer.
        let calls: Vec<SpanIx> = (0..set.span_count() as u32)
            .map(SpanIx)
            .filter(|&i| a.steps[i.0 as usize].op.is_model_call())
            .collect();
        assert_eq!(calls.len(), 2, "{f}");
        let first = transcript(&set, calls[0]);
        assert!(
            first
                .output
                .iter()
                .flat_map(|m| &m.parts)
                .any(|p| matches!(p, Part::ToolCall { name, .. } if name == "get_weather")),
            "{f}: {first:?}"
        );
        seen.push((
            f,
            t.tokens.input,
            t.tokens.output,
            ops,
            models.len(),
            t.critical_path.len(),
        ));
    }
    for s in &seen {
        assert_eq!((s.1, s.2), (seen[0].1, seen[0].2), "same tokens: {seen:?}");
        assert_eq!(s.3, seen[0].3, "same operations: {seen:?}");
        assert_eq!(s.5, seen[0].5, "same critical path length");
    }
}

#[test]
fn critical_path_in_the_report() {
    let (_, _, r) = analysis_fixture("loop/positive.json");
    let cp = &r.traces[0].critical_path;
    assert_eq!(cp[0].name, "invoke_agent support");
    let total: u64 = cp.iter().map(|p| p.on_path_ns).sum();
    // Sequential children inside the root: the shares add up to the root's duration.
    assert_eq!(total, r.traces[0].roots[0].duration_ns);
    assert_eq!(cp.len(), 8);
}

#[test]
fn corpus_attribute_maps_read_the_same_call_in_both_conventions() {
    let Some(corpus) = corpus_dir() else { return };
    // The same LLM call as OpenInference and as OTel GenAI attribute maps: wrap each in a span.
    let mut steps = Vec::new();
    for f in [
        "genai/openinference-attrs-llm-tool-calls.json",
        "genai/otel-genai-attrs-llm-tool-calls.json",
    ] {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&std::fs::read(corpus.join(f)).expect("read")).expect("json");
        let attrs: Vec<serde_json::Value> = map
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::Number(n) if n.is_i64() => serde_json::json!({"intValue": n.to_string()}),
                    serde_json::Value::Number(n) => serde_json::json!({"doubleValue": n}),
                    serde_json::Value::Array(items) => serde_json::json!({"arrayValue": {"values": items.iter().map(|i| serde_json::json!({"stringValue": i})).collect::<Vec<_>>()}}),
                    other => serde_json::json!({"stringValue": other.as_str().map_or(other.to_string(), str::to_owned)}),
                };
                serde_json::json!({"key": k, "value": value})
            })
            .collect();
        let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0123456789abcdef0123456789abcdef", "spanId": "0123456789abcdef", "name": "llm",
            "startTimeUnixNano": "1", "endTimeUnixNano": "2", "attributes": attrs}]}]}]});
        let set = loupe_core::load(f, doc.to_string().into_bytes()).expect("load");
        let a = Analysis::run(&set, &Options::default());
        let tr = transcript(&set, SpanIx(0));
        let roles: Vec<String> = tr.input.iter().map(|m| m.role.clone()).collect();
        let tool_calls = tr
            .input
            .iter()
            .flat_map(|m| &m.parts)
            .filter(|p| matches!(p, Part::ToolCall { .. }))
            .count();
        let st = a.steps[0];
        steps.push((
            st.op,
            st.tokens.input,
            st.tokens.output,
            roles,
            tool_calls,
            st.provider.get(&set).into_owned(),
        ));
    }
    // Both files carry 97 prompt and 52 completion tokens (`llm.token_count.*` and
    // `gen_ai.usage.*`): each convention's usage is read, not only the two compared.
    assert_eq!((steps[0].1, steps[0].2), (97, 52), "OpenInference tokens");
    assert_eq!((steps[1].1, steps[1].2), (97, 52), "OTel GenAI tokens");
    assert_eq!(steps[0].0, Operation::Chat);
    assert_eq!(steps[0].0, steps[1].0);
    assert_eq!(steps[0].3, ["user", "assistant", "tool"]);
    assert_eq!(steps[0].3, steps[1].3, "same roles: {steps:?}");
    assert_eq!(steps[0].4, 1);
    assert_eq!(steps[0].4, steps[1].4, "same tool calls");
    assert_eq!(steps[0].5, "openai");
    assert_eq!(steps[0].5, steps[1].5, "same provider");
}

// ---- Snapshots of the analysis ----

fn snapshot_inputs() -> Vec<PathBuf> {
    let base = fixtures_dir();
    let mut out = Vec::new();
    let mut stack = vec![base.join("analysis")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    for dir in ["genai", "otlp/valid"] {
        out.extend(
            loupe_tests::files_in(&base.join(dir))
                .into_iter()
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("sdk-") || dir == "genai")
                }),
        );
    }
    out.sort();
    out
}

fn snapshot_name(p: &Path) -> String {
    p.strip_prefix(fixtures_dir())
        .expect("under fixtures")
        .to_string_lossy()
        .replace(['/', '\\', '.'], "__")
}

#[test]
fn analysis_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/analysis");
    let _guard = settings.bind_to_scope();
    let inputs = snapshot_inputs();
    assert!(inputs.len() >= 25, "{}", inputs.len());
    for p in inputs {
        let set = load(&p);
        let report = loupe_tests::report(&set);
        insta::assert_json_snapshot!(snapshot_name(&p), report.traces);
    }
}

#[test]
fn no_unreferenced_analysis_snapshots() {
    let expected: BTreeSet<String> = snapshot_inputs()
        .iter()
        .map(|p| format!("{}.snap", snapshot_name(p)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/analysis");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list the snapshots in {}: {e}", dir.display()));
    let stale: Vec<String> = entries
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !expected.contains(n))
        .collect();
    assert!(stale.is_empty(), "snapshots without an input: {stale:?}");
}

/// Each rule's source file, by id. It opens with the doc block docs/rules.md is generated from.
const RULE_SOURCES: &[(&str, &str)] = &[
    (
        "tool_error",
        include_str!("../../crates/loupe-core/src/analysis/rules/tool_error.rs"),
    ),
    (
        "retry",
        include_str!("../../crates/loupe-core/src/analysis/rules/retry.rs"),
    ),
    (
        "loop",
        include_str!("../../crates/loupe-core/src/analysis/rules/loop.rs"),
    ),
    (
        "truncated",
        include_str!("../../crates/loupe-core/src/analysis/rules/truncated.rs"),
    ),
    (
        "empty_result",
        include_str!("../../crates/loupe-core/src/analysis/rules/empty_result.rs"),
    ),
    (
        "slow_outlier",
        include_str!("../../crates/loupe-core/src/analysis/rules/slow_outlier.rs"),
    ),
    (
        "orphan",
        include_str!("../../crates/loupe-core/src/analysis/rules/orphan.rs"),
    ),
    (
        "disconnected",
        include_str!("../../crates/loupe-core/src/analysis/rules/disconnected.rs"),
    ),
    (
        "outlives_parent",
        include_str!("../../crates/loupe-core/src/analysis/rules/outlives_parent.rs"),
    ),
    (
        "clock_skew",
        include_str!("../../crates/loupe-core/src/analysis/rules/clock_skew.rs"),
    ),
    (
        "secret",
        include_str!("../../crates/loupe-core/src/analysis/rules/secret.rs"),
    ),
];

/// Where the generated part of docs/rules.md starts and ends.
const RULES_DOC_BEGIN: &str = "<!-- Generated from the doc blocks of crates/loupe-core/src/analysis/rules/*.rs; do not edit by hand. -->\n";
const RULES_DOC_END: &str = "<!-- End of the generated part. -->\n";

/// A rule file's opening doc block: its first line, the explanation, and the three sections.
struct RuleDoc {
    title: String,
    summary: String,
    sections: Vec<(&'static str, String)>,
}

/// Reads the `//!` block a rule file opens with, checking its fixed shape.
fn parse_rule_doc(id: &str, src: &str) -> Result<RuleDoc, String> {
    let lines: Vec<&str> = src
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.strip_prefix("//! ").unwrap_or(&l[3..]))
        .collect();
    let prefix = format!("`{id}`: ");
    let title = lines
        .first()
        .and_then(|l| l.strip_prefix(&prefix))
        .ok_or(format!("the first line must start with \"{prefix}\""))?;
    if lines.get(1) != Some(&"") {
        return Err("a blank line must follow the first line".into());
    }
    let mut at = 2;
    let mut summary = Vec::new();
    while at < lines.len() && !lines[at].is_empty() {
        summary.push(lines[at]);
        at += 1;
    }
    if summary.is_empty() {
        return Err("the explanation must follow the first line".into());
    }
    let mut sections = Vec::new();
    for heading in ["What it checks", "Why it matters", "What to do"] {
        while at < lines.len() && lines[at].is_empty() {
            at += 1;
        }
        if lines.get(at) != Some(&format!("# {heading}").as_str()) {
            return Err(format!("expected `# {heading}` at doc line {}", at + 1));
        }
        at += 1;
        let begin = at;
        while at < lines.len() && !lines[at].starts_with('#') {
            at += 1;
        }
        let body = lines[begin..at].join("\n").trim().to_owned();
        if body.is_empty() {
            return Err(format!("`# {heading}` is empty"));
        }
        sections.push((heading, body));
    }
    if at < lines.len() {
        return Err(format!(
            "unexpected heading `{}` after `# What to do`",
            lines[at]
        ));
    }
    Ok(RuleDoc {
        title: title.to_owned(),
        summary: summary.join(" "),
        sections,
    })
}

/// The generated part of docs/rules.md: the table, then a section per rule, in the registry's order.
fn rules_doc_generated() -> String {
    let registry = loupe_core::analysis::rules::rules();
    let ids: Vec<&str> = registry.iter().map(|r| r.id()).collect();
    let sources: Vec<&str> = RULE_SOURCES.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        sources, ids,
        "RULE_SOURCES must list every rule's file, in the registry's order"
    );
    let mut table =
        String::from("| id | severity | what it means and what to do |\n|---|---|---|\n");
    let mut sections = String::new();
    for (r, (_, src)) in registry.iter().zip(RULE_SOURCES) {
        let doc = parse_rule_doc(r.id(), src)
            .unwrap_or_else(|e| panic!("the doc block of rule `{}`: {e}", r.id()));
        assert_eq!(
            doc.summary,
            r.explanation(),
            "rule `{}`: the paragraph after the doc block's first line must be its explanation, word for word",
            r.id()
        );
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id(),
            r.severity().as_str(),
            r.explanation()
        ));
        let mut title = doc.title.clone();
        if let Some(c) = title.get(..1) {
            title = c.to_uppercase() + &title[1..];
        }
        sections.push_str(&format!(
            "\n## `{}`\n\n{title} Severity: {}.\n",
            r.id(),
            r.severity().as_str()
        ));
        for (heading, body) in &doc.sections {
            sections.push_str(&format!("\n### {heading}\n\n{body}\n"));
        }
    }
    format!("{RULES_DOC_BEGIN}{table}{sections}{RULES_DOC_END}")
}

/// docs/rules.md is generated from the rule files' doc blocks: its table gives every rule's
/// severity and explanation word for word, then a section per rule. Rewrite it with
/// `UPDATE_RULES_DOC=1 cargo test -p loupe-tests --test analysis rules_doc`.
#[test]
fn rules_doc_is_generated_from_the_rule_files() {
    let path = loupe_tests::workspace_root().join("docs/rules.md");
    let doc = std::fs::read_to_string(&path).expect("docs/rules.md");
    let (Some(b), Some(e)) = (doc.find(RULES_DOC_BEGIN), doc.find(RULES_DOC_END)) else {
        panic!(
            "docs/rules.md lacks the markers of its generated part:\n{RULES_DOC_BEGIN}{RULES_DOC_END}"
        );
    };
    assert!(
        b < e,
        "docs/rules.md: the generated part ends before it begins"
    );
    let want = format!(
        "{}{}{}",
        &doc[..b],
        rules_doc_generated(),
        &doc[e + RULES_DOC_END.len()..]
    );
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules.md");
        return;
    }
    if doc != want {
        let line = doc
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map_or(doc.lines().count().min(want.lines().count()), |n| n)
            + 1;
        panic!(
            "docs/rules.md is out of date with the rules' doc blocks (first difference at line {line}:\n  have: {:?}\n  want: {:?}).\nRegenerate it with: UPDATE_RULES_DOC=1 cargo test -p loupe-tests --test analysis rules_doc",
            doc.lines().nth(line - 1).unwrap_or(""),
            want.lines().nth(line - 1).unwrap_or("")
        );
    }
}

/// The GenAI traces of the shared corpus (real agent runs): read, understood and analysed.
#[test]
fn corpus_genai_runs_are_analysed() {
    let Some(corpus) = corpus_dir() else { return };
    let run = |f: &str| {
        let set = loupe_core::load(
            f,
            std::fs::read(corpus.join("genai").join(f)).expect("read"),
        )
        .expect("load");
        let a = Analysis::run(&set, &Options::default());
        let r = AnalysisReport::build(&set, &a);
        (set, a, r)
    };
    // any-agent exports of real runs: model calls with tokens and prices, tool calls, one agent.
    // Tokens are the sums of the files' `gen_ai.usage.*_tokens`; the tools those of their
    // `execute_tool` spans.
    for (f, input, output, tools) in [
        (
            "anyagent-openai-agents-trace.json",
            1020,
            76,
            &["get_current_time", "write_file"][..],
        ),
        (
            "anyagent-google-adk-trace.json",
            2251,
            86,
            &["final_output", "get_current_time", "write_file"],
        ),
        (
            "anyagent-llamaindex-trace.json",
            1308,
            255,
            &["final_output", "get_current_time", "write_file"],
        ),
        (
            "anyagent-langchain-trace.json",
            1262,
            125,
            &["get_current_time", "write_file"],
        ),
    ] {
        let (_, _, r) = run(f);
        assert_eq!(r.traces.len(), 1, "{f}");
        let t = &r.traces[0];
        assert_eq!(
            (t.tokens.input, t.tokens.output),
            (input, output),
            "{f}: tokens"
        );
        assert!(t.cost_usd.is_some_and(|c| c > 0.0), "{f}: priced");
        let calls: Vec<(&str, u32)> = t
            .by_tool
            .iter()
            .map(|(k, v)| (k.as_str(), v.calls))
            .collect();
        let want: Vec<(&str, u32)> = tools.iter().map(|&k| (k, 1)).collect();
        assert_eq!(calls, want, "{f}: tool calls");
        assert!(!t.critical_path.is_empty());
        // A tool that writes and returns null is not an empty result papered over.
        assert!(
            t.anomalies
                .iter()
                .all(|x| !(x.kind == "empty_result" && x.message.contains("write_file"))),
            "{f}: {:?}",
            t.anomalies
        );
        assert!(
            t.anomalies.iter().all(|x| x.kind != "secret"),
            "{f}: no secrets in a clean run"
        );
    }
    // OpenAI Agents SDK export: agents, handoffs and function tools become GenAI steps.
    let (_, a, r) = run("openai-agents-ingest-router-handoff.jsonl");
    assert!(
        r.traces[0].by_agent.contains_key("Data Router Agent"),
        "{:?}",
        r.traces[0].by_agent.keys()
    );
    assert!(a.steps.iter().any(|s| s.op == Operation::ExecuteTool));
    // Jaeger UI's GenAI trace: 57 spans, two agents, real token counts.
    let (set, _, r) = run("jaegerui-genai-semconv-trace.json");
    assert_eq!(set.span_count(), 57);
    assert_eq!(r.traces[0].by_agent.len(), 2);
    assert_eq!(r.traces[0].tokens.input + r.traces[0].tokens.output, 9460);
}

/// Findings other than `secret` quote span names and status messages; a secret in those is
/// masked in the message, never repeated.
#[test]
fn findings_never_quote_a_secret() {
    let key = "sk-proj-Xq7RtY2mN9pL4vB8cK3dF6gH1jW5sZ0aE2uI9oP4";
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[
        {{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000001","name":"invoke_agent ops","startTimeUnixNano":"1000","endTimeUnixNano":"9000"}},
        {{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000002","parentSpanId":"a000000000000001","name":"execute_tool call_api",
          "startTimeUnixNano":"2000","endTimeUnixNano":"3000",
          "attributes":[{{"key":"gen_ai.operation.name","value":{{"stringValue":"execute_tool"}}}},{{"key":"gen_ai.tool.name","value":{{"stringValue":"call_api"}}}}],
          "status":{{"code":2,"message":"401 for key {key} (owner dana.ops@acme-corp.io)"}}}}]}}]}}]}}"#
    );
    let set = loupe_core::load("leak.json", doc.into_bytes()).expect("loads");
    let a = Analysis::run(&set, &Options::default());
    let r = AnalysisReport::build(&set, &a);
    let tool_error: Vec<_> = r.traces[0]
        .anomalies
        .iter()
        .filter(|x| x.kind == "tool_error")
        .collect();
    assert_eq!(tool_error.len(), 1, "{:?}", r.traces[0].anomalies);
    let json = serde_json::to_string(&r).expect("json");
    assert!(!json.contains(key), "the key is in the report: {json}");
    assert!(
        !json.contains("dana.ops@acme-corp.io"),
        "the email is in the report"
    );
    assert!(
        tool_error[0].message.contains("[REDACTED:openai_key]")
            && tool_error[0].message.contains("[REDACTED:email]"),
        "{}",
        tool_error[0].message
    );
}

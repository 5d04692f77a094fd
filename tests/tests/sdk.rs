//! Traces written by real OpenTelemetry SDKs (see tests/fixtures/sdk): Loupe's import and analysis
//! must agree with what the emitting program knew about the spans it created (the
//! `.expected.json` sidecars): their shape, every model call's model, usage and finish reason,
//! every tool call, the events and links, the token totals and cost, and the faults it planted.
//!
//! Every sidecar is checked. What a format or an instrumentation library cannot carry is listed in
//! [`gaps`] with the reason, and each gap is itself asserted (the fact really is absent), so an
//! exception can neither hide a regression nor outlive its cause.

use loupe_core::TraceSet;
use loupe_core::analysis::genai::{Step, Tokens, finish_reasons};
use loupe_core::analysis::pricing::Prices;
use loupe_core::analysis::{Analysis, Options};
use loupe_core::model::SpanIx;
use loupe_tests::fixtures_dir;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

/// The number of sidecars under tests/fixtures (the outputs listed in tests/fixtures/sdk/README.md).
const SIDECARS: usize = 14;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expected {
    span_count: usize,
    trace_count: usize,
    roots: Vec<Root>,
    services: Vec<String>,
    traces: Vec<TraceTotals>,
    chats: Vec<Chat>,
    tools: Vec<Tool>,
    events: Vec<SpanEvent>,
    links: Vec<SpanLink>,
    faults: Vec<Fault>,
}

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
#[serde(deny_unknown_fields)]
struct Root {
    span_id: String,
    name: String,
    duration_ns: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TraceTotals {
    trace_id: String,
    input_tokens: u64,
    output_tokens: u64,
    /// Absent when the emitter set no cache-read count.
    cache_read_tokens: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Chat {
    span_id: String,
    request_model: String,
    response_model: String,
    input_tokens: u64,
    output_tokens: u64,
    /// Absent when the emitter set no cache-read count.
    cache_read_tokens: Option<u64>,
    finish_reason: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Tool {
    span_id: String,
    tool: String,
    failed: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct SpanEvent {
    span_id: String,
    name: String,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct SpanLink {
    span_id: String,
    linked_trace_id: String,
    linked_span_id: String,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Fault {
    /// The Loupe rule that must find it (`tool_error`, `retry`, `loop`, `empty_result`, `truncated`).
    kind: String,
    /// The spans the finding must name, in order.
    span_ids: Vec<String>,
}

/// Facts a file cannot carry, each with the reason.
#[derive(Debug, Default)]
struct Gaps {
    /// The format has no links.
    links: Option<&'static str>,
    /// Events arrive with their names only.
    event_attributes: Option<&'static str>,
    /// The chat spans carry no cache-read count.
    cache_read: Option<&'static str>,
    /// The chat spans carry the response's model only.
    request_model: Option<&'static str>,
    /// The instrumentation writes a finish reason the API returned under another name:
    /// (as returned, as written, why).
    finish_reason_renamed: Option<(&'static str, &'static str, &'static str)>,
}

/// What each output cannot carry (see tests/fixtures/sdk/README.md, "The runs").
fn gaps(rel: &str, format: &str) -> Gaps {
    let mut g = Gaps::default();
    if format == "zipkin-json" {
        g.links = Some("Zipkin v2 has no links; the Zipkin exporters drop them");
        if rel.contains("node-agent") {
            g.event_attributes = Some(
                "the JS Zipkin exporter writes events as annotations carrying only the event name",
            );
        }
    }
    match rel {
        "genai/openai-v2-agent.json" => {
            g.cache_read = Some(
                "opentelemetry-instrumentation-openai-v2 2.4b0 does not record usage.prompt_tokens_details.cached_tokens",
            );
        }
        "genai/openinference-agent.json" => {
            g.request_model = Some(
                "OpenInference records only llm.model_name, the response's model; the request's is inside the llm.invocation_parameters JSON",
            );
        }
        "genai/openllmetry-agent.json" => {
            g.finish_reason_renamed = Some((
                "tool_calls",
                "tool_call",
                "OpenLLMetry 0.62.4 writes the GenAI semconv's `tool_call` for OpenAI's `tool_calls`",
            ));
        }
        _ => {}
    }
    g
}

fn sidecars() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() && !p.ends_with("node_modules") {
                stack.push(p);
            } else if loupe_tests::is_sidecar(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Mismatches of one file, reported together.
struct Check {
    file: String,
    failures: Vec<String>,
}

impl Check {
    fn eq<T: PartialEq + Debug + ?Sized>(&mut self, what: &str, got: &T, want: &T) {
        if got != want {
            self.failures.push(format!(
                "{}: {what}:\n    got  {got:?}\n    want {want:?}",
                self.file
            ));
        }
    }
    fn fail(&mut self, what: &str) {
        self.failures.push(format!("{}: {what}", self.file));
    }
}

fn span_by_id(set: &TraceSet) -> BTreeMap<String, SpanIx> {
    (0..set.span_count() as u32)
        .map(|i| (set.span(SpanIx(i)).span_id(), SpanIx(i)))
        .collect()
}

fn attrs_json(
    set: &TraceSet,
    attrs: &[loupe_core::model::Attr],
) -> serde_json::Map<String, serde_json::Value> {
    attrs
        .iter()
        .map(|a| (set.str(a.key).to_owned(), set.value_json(a.value)))
        .collect()
}

/// The cost of the sidecar's model calls at Loupe's built-in prices, from the emitter's tokens.
fn expected_cost_usd(
    chats: &[&Chat],
    model_of: &dyn Fn(&Chat) -> String,
    cache_read_carried: bool,
) -> Option<f64> {
    let prices = Prices::default();
    chats
        .iter()
        .map(|c| {
            let (_, price) = prices.lookup(&model_of(c), "openai")?;
            let tokens = Tokens {
                input: c.input_tokens,
                output: c.output_tokens,
                cache_read: if cache_read_carried {
                    c.cache_read_tokens.unwrap_or(0)
                } else {
                    0
                },
                ..Tokens::default()
            };
            Some(price.cost(&tokens))
        })
        .sum()
}

fn check_file(sidecar: &Path) -> Vec<String> {
    let fixtures = fixtures_dir();
    let rel_sidecar = sidecar
        .strip_prefix(&fixtures)
        .unwrap_or(sidecar)
        .display()
        .to_string();
    let trace = PathBuf::from(sidecar.to_string_lossy().trim_end_matches(".expected.json"));
    let rel = trace
        .strip_prefix(&fixtures)
        .unwrap_or(&trace)
        .display()
        .to_string();
    let mut ck = Check {
        file: rel.clone(),
        failures: Vec::new(),
    };
    let expected: Expected = match std::fs::read(sidecar)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => return vec![format!("{rel_sidecar}: unreadable sidecar: {e}")],
    };
    let bytes = match std::fs::read(&trace) {
        Ok(b) => b,
        Err(e) => {
            return vec![format!(
                "{rel_sidecar}: its trace {rel} cannot be read: {e}"
            )];
        }
    };
    let set = match loupe_core::load(&rel, bytes) {
        Ok(set) => set,
        Err(e) => return vec![format!("{rel}: does not load: {e}")],
    };
    let analysis = Analysis::run(&set, &Options::default());
    let report = loupe_core::report::AnalysisReport::build(&set, &analysis);
    let format = report.files[0].format.as_str();
    let gaps = gaps(&rel, format);
    let by_id = span_by_id(&set);
    let step = |id: &str| -> Option<(SpanIx, &Step)> {
        by_id
            .get(id)
            .map(|&ix| (ix, &analysis.steps[ix.0 as usize]))
    };
    ck.eq("warnings", &set.warnings().len(), &0);

    // ------------------------------------------------------------ shape
    ck.eq("span count", &set.span_count(), &expected.span_count);
    ck.eq("trace count", &report.traces.len(), &expected.trace_count);
    let mut roots: Vec<Root> = report
        .traces
        .iter()
        .flat_map(|t| &t.roots)
        .map(|r| Root {
            span_id: r.span_id.clone(),
            name: r.name.clone(),
            duration_ns: r.duration_ns,
        })
        .collect();
    roots.sort();
    let mut want_roots = expected.roots.clone();
    want_roots.sort();
    ck.eq("roots and their durations", &roots, &want_roots);
    let mut services: Vec<String> = report
        .traces
        .iter()
        .flat_map(|t| t.services.clone())
        .collect();
    services.sort();
    services.dedup();
    let mut want_services = expected.services.clone();
    want_services.sort();
    ck.eq("services", &services, &want_services);

    // ------------------------------------------------------ model calls
    let model_calls = analysis
        .steps
        .iter()
        .filter(|s| s.op.is_model_call())
        .count();
    ck.eq(
        "model calls (no more, no fewer)",
        &model_calls,
        &expected.chats.len(),
    );
    let mut cache_read_seen = false;
    for c in &expected.chats {
        let Some((_, st)) = step(&c.span_id) else {
            ck.fail(&format!("chat span {} is missing", c.span_id));
            continue;
        };
        let at = |what: &str| format!("chat {}: {what}", c.span_id);
        ck.eq(&at("is a model call"), &st.op.is_model_call(), &true);
        let want_request_model = match gaps.request_model {
            None => c.request_model.clone(),
            Some(_) => String::new(),
        };
        ck.eq(
            &format!(
                "chat {}: request model{}",
                c.span_id,
                gaps.request_model
                    .map(|why| format!(" (none expected: {why})"))
                    .unwrap_or_default()
            ),
            &st.request_model.get(&set).into_owned(),
            &want_request_model,
        );
        ck.eq(
            &at("response model"),
            &st.response_model.get(&set).into_owned(),
            &c.response_model.clone(),
        );
        ck.eq(&at("input tokens"), &st.tokens.input, &c.input_tokens);
        ck.eq(&at("output tokens"), &st.tokens.output, &c.output_tokens);
        cache_read_seen |= st.tokens.present & Tokens::CACHE_READ != 0;
        if let Some(want) = c.cache_read_tokens
            && gaps.cache_read.is_none()
        {
            ck.eq(&at("cache-read tokens"), &st.tokens.cache_read, &want);
        }
        let want_finish = match gaps.finish_reason_renamed {
            Some((returned, written, _)) if c.finish_reason == returned => written.to_owned(),
            _ => c.finish_reason.clone(),
        };
        ck.eq(
            &format!(
                "chat {}: finish reasons{}",
                c.span_id,
                gaps.finish_reason_renamed
                    .map(|(_, _, why)| format!(" ({why})"))
                    .unwrap_or_default()
            ),
            &finish_reasons(&set, st),
            &vec![want_finish],
        );
    }
    if let Some(why) = gaps.cache_read {
        // The gap is real: no chat span carries a cache-read count.
        ck.eq(
            &format!("a cache-read count on a chat span, which this file should lack ({why})"),
            &cache_read_seen,
            &false,
        );
    }

    // ------------------------------------------------------- tool calls
    let tool_calls = analysis
        .steps
        .iter()
        .filter(|s| s.op == loupe_core::analysis::genai::Operation::ExecuteTool)
        .count();
    ck.eq(
        "tool calls (no more, no fewer)",
        &tool_calls,
        &expected.tools.len(),
    );
    for t in &expected.tools {
        let Some((_, st)) = step(&t.span_id) else {
            ck.fail(&format!("tool span {} is missing", t.span_id));
            continue;
        };
        let at = |what: &str| format!("tool {}: {what}", t.span_id);
        ck.eq(
            &at("is a tool call"),
            &st.op,
            &loupe_core::analysis::genai::Operation::ExecuteTool,
        );
        ck.eq(
            &at("tool name"),
            &st.tool_name.get(&set).into_owned(),
            &t.tool.clone(),
        );
        ck.eq(&at("failed"), &st.failed, &t.failed);
    }

    // ------------------------------------------------ totals and cost
    for tt in &expected.traces {
        let Some(tr) = report.traces.iter().find(|t| t.trace_id == tt.trace_id) else {
            ck.fail(&format!("trace {} is missing", tt.trace_id));
            continue;
        };
        let at = |what: &str| format!("trace {}: {what}", tt.trace_id);
        ck.eq(&at("input tokens"), &tr.tokens.input, &tt.input_tokens);
        ck.eq(&at("output tokens"), &tr.tokens.output, &tt.output_tokens);
        if let Some(want) = tt.cache_read_tokens
            && gaps.cache_read.is_none()
        {
            ck.eq(&at("cache-read tokens"), &tr.tokens.cache_read, &want);
        }
        // The trace's model calls, from the sidecar.
        let chats: Vec<&Chat> = expected
            .chats
            .iter()
            .filter(|c| {
                by_id
                    .get(&c.span_id)
                    .is_some_and(|&ix| set.span(ix).trace_id() == tt.trace_id)
            })
            .collect();
        // Loupe keys usage by the request's model, else the response's.
        let model_of = |c: &Chat| match gaps.request_model {
            None => c.request_model.clone(),
            Some(_) => c.response_model.clone(),
        };
        let mut by_model: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for c in &chats {
            let e = by_model.entry(model_of(c)).or_default();
            e.0 += c.input_tokens;
            e.1 += c.output_tokens;
        }
        let got_by_model: BTreeMap<String, (u64, u64)> = tr
            .tokens
            .by_model
            .iter()
            .map(|(m, t)| (m.clone(), (t.input, t.output)))
            .collect();
        ck.eq(&at("tokens by model"), &got_by_model, &by_model);
        match (
            tr.cost_usd,
            expected_cost_usd(&chats, &model_of, gaps.cache_read.is_none()),
        ) {
            (Some(got), Some(want)) if (got - want).abs() <= 1e-8 => {}
            (got, want) => ck.fail(&format!(
                "trace {}: cost {got:?} USD, want {want:?} (the emitter's tokens at the built-in prices)",
                tt.trace_id
            )),
        }
    }
    let mut by_tool: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for t in &expected.tools {
        let e = by_tool.entry(t.tool.clone()).or_default();
        e.0 += 1;
        e.1 += u32::from(t.failed);
    }
    let mut got_by_tool: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for tr in &report.traces {
        for (name, s) in &tr.by_tool {
            let e = got_by_tool.entry(name.clone()).or_default();
            e.0 += s.calls;
            e.1 += s.errors;
        }
    }
    ck.eq("tool calls and errors by tool", &got_by_tool, &by_tool);

    // ------------------------------------------------- events and links
    let mut want_events: BTreeMap<&str, Vec<(String, serde_json::Value)>> = BTreeMap::new();
    for e in &expected.events {
        want_events.entry(&e.span_id).or_default().push((
            e.name.clone(),
            match gaps.event_attributes {
                None => serde_json::Value::Object(e.attributes.clone()),
                Some(_) => serde_json::Value::Null,
            },
        ));
    }
    for (id, &ix) in &by_id {
        let evs = set.events(set.span_record(ix).events);
        let got: Vec<(String, serde_json::Value)> = evs
            .iter()
            .map(|e| {
                (
                    set.str(e.name).to_owned(),
                    match gaps.event_attributes {
                        None => serde_json::Value::Object(attrs_json(&set, set.attrs(e.attrs))),
                        Some(_) => serde_json::Value::Null,
                    },
                )
            })
            .collect();
        if let Some(why) = gaps.event_attributes {
            let with_attrs = evs.iter().filter(|e| e.attrs.len > 0).count();
            ck.eq(
                &format!("span {id}: events with attributes, which this format drops ({why})"),
                &with_attrs,
                &0,
            );
        }
        ck.eq(
            &format!("span {id}: events"),
            &got,
            &want_events.remove(id.as_str()).unwrap_or_default(),
        );
    }
    for id in want_events.keys() {
        ck.fail(&format!("events on span {id}, which is missing"));
    }
    let got_links: Vec<(String, String, String, serde_json::Value)> = by_id
        .iter()
        .flat_map(|(id, &ix)| {
            set.links(set.span_record(ix).links)
                .iter()
                .map(|l| {
                    (
                        id.clone(),
                        l.trace_id.display(set.strings()).to_string(),
                        l.span_id.display(set.strings()).to_string(),
                        serde_json::Value::Object(attrs_json(&set, set.attrs(l.attrs))),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    match gaps.links {
        Some(why) => ck.eq(
            &format!("links, which this format cannot carry ({why})"),
            &got_links.len(),
            &0,
        ),
        None => {
            let mut want: Vec<(String, String, String, serde_json::Value)> = expected
                .links
                .iter()
                .map(|l| {
                    (
                        l.span_id.clone(),
                        l.linked_trace_id.clone(),
                        l.linked_span_id.clone(),
                        serde_json::Value::Object(l.attributes.clone()),
                    )
                })
                .collect();
            want.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
            ck.eq("links", &got_links, &want);
        }
    }

    // --------------------------------------------------------- findings
    // Exactly the planted faults, on the spans the emitter planted them on: a clean span flagged
    // is as wrong as a fault missed.
    let mut got_findings: Vec<(String, Vec<String>)> = report
        .traces
        .iter()
        .flat_map(|t| &t.anomalies)
        .map(|a| (a.kind.to_owned(), a.span_ids.clone()))
        .collect();
    got_findings.sort();
    let mut want_findings: Vec<(String, Vec<String>)> = expected
        .faults
        .iter()
        .map(|f| (f.kind.clone(), f.span_ids.clone()))
        .collect();
    want_findings.sort();
    ck.eq("findings (kind, spans)", &got_findings, &want_findings);

    ck.failures
}

#[test]
fn sdk_output_matches_what_the_sdk_created() {
    let sidecars = sidecars();
    let mut checked = 0;
    let mut failures = Vec::new();
    for sidecar in &sidecars {
        let f = check_file(sidecar);
        checked += usize::from(f.is_empty());
        failures.extend(f);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(checked, sidecars.len(), "sidecars checked clean");
    assert_eq!(
        sidecars.len(),
        SIDECARS,
        "sidecars under tests/fixtures: {sidecars:#?}"
    );
}

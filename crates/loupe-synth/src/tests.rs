use super::*;
use serde_json::Value;

fn spans_in(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for rs in doc["resourceSpans"].as_array().expect("resourceSpans") {
        for ss in rs["scopeSpans"].as_array().expect("scopeSpans") {
            out.extend(ss["spans"].as_array().expect("spans"));
        }
    }
    out
}

fn attr<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| &a["value"])
}

#[test]
fn exact_span_counts_single_document() {
    for n in [0, 1, 7, 49, 50, 51, 1000] {
        let bytes = generate(n, 42);
        let doc: Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(spans_in(&doc).len(), n, "spans for n={n}");
        assert!(bytes.ends_with(b"\n"));
    }
}

#[test]
fn exact_span_counts_json_lines() {
    for n in [1, 7, 1000] {
        let mut bytes = Vec::new();
        let stats = write_otlp_json(&mut bytes, n, 7, true).unwrap();
        assert_eq!(stats.bytes, bytes.len() as u64);
        let text = std::str::from_utf8(&bytes).unwrap();
        let mut total = 0;
        let mut lines = 0;
        for line in text.lines() {
            let doc: Value = serde_json::from_str(line).expect("each line is JSON");
            assert_eq!(doc["resourceSpans"].as_array().unwrap().len(), 1);
            total += spans_in(&doc).len();
            lines += 1;
        }
        assert_eq!(total, n);
        assert_eq!(stats.spans, n);
        assert_eq!(stats.traces, lines);
    }
}

#[test]
fn same_seed_same_bytes() {
    assert_eq!(generate(1000, 3), generate(1000, 3));
    assert_ne!(generate(1000, 3), generate(1000, 4));
    let mut a = Vec::new();
    let mut b = Vec::new();
    write_otlp_json(&mut a, 777, 9, true).unwrap();
    write_otlp_json(&mut b, 777, 9, true).unwrap();
    assert_eq!(a, b);
}

#[test]
fn stats_match_output() {
    let mut bytes = Vec::new();
    let stats = write_otlp_json(&mut bytes, 1000, 1, false).unwrap();
    assert_eq!(stats.spans, 1000);
    assert_eq!(stats.bytes, bytes.len() as u64);
    assert!(stats.traces >= 2 && stats.traces <= 20, "{stats:?}");
    assert_eq!(bytes, generate(1000, 1));
}

#[test]
fn trees_are_well_formed() {
    let bytes = generate(5000, 11);
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let num = |v: &Value| v.as_str().unwrap().parse::<u64>().unwrap();
    let mut saw = (0, 0, 0, 0, 0); // chats, tools, failures, sub-agents, links
    for rs in doc["resourceSpans"].as_array().unwrap() {
        let spans = rs["scopeSpans"][0]["spans"].as_array().unwrap();
        let trace_id = spans[0]["traceId"].as_str().unwrap();
        assert_eq!(trace_id.len(), 32);
        let mut by_id = std::collections::HashMap::new();
        for s in spans {
            assert_eq!(s["traceId"], trace_id);
            assert_eq!(s["spanId"].as_str().unwrap().len(), 16);
            by_id.insert(s["spanId"].as_str().unwrap(), s);
        }
        assert_eq!(by_id.len(), spans.len(), "span ids are unique");
        let roots = spans.iter().filter(|s| s.get("parentSpanId").is_none());
        assert_eq!(roots.count(), 1);
        for s in spans {
            let (start, end) = (num(&s["startTimeUnixNano"]), num(&s["endTimeUnixNano"]));
            assert!(start < end);
            let op = attr(s, "gen_ai.operation.name").unwrap()["stringValue"]
                .as_str()
                .unwrap();
            if let Some(p) = s.get("parentSpanId") {
                let parent = by_id[p.as_str().unwrap()];
                assert!(num(&parent["startTimeUnixNano"]) <= start);
                assert!(end <= num(&parent["endTimeUnixNano"]));
                if op == "invoke_agent" {
                    saw.3 += 1;
                }
            }
            match op {
                "chat" => {
                    saw.0 += 1;
                    assert_eq!(s["kind"], 3);
                    assert!(s["name"].as_str().unwrap().starts_with("chat "));
                    for k in ["gen_ai.input.messages", "gen_ai.output.messages"] {
                        let text = attr(s, k).unwrap()["stringValue"].as_str().unwrap();
                        let inner: Value =
                            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
                        assert!(inner[0]["parts"].is_array());
                    }
                    assert!(attr(s, "gen_ai.usage.input_tokens").unwrap()["intValue"].is_string());
                    assert!(
                        attr(s, "gen_ai.response.finish_reasons").unwrap()["arrayValue"]["values"]
                            .is_array()
                    );
                    assert!(
                        attr(s, "gen_ai.request.temperature").unwrap()["doubleValue"].is_number()
                    );
                }
                "execute_tool" => {
                    saw.1 += 1;
                    let args = attr(s, "gen_ai.tool.call.arguments").unwrap()["stringValue"]
                        .as_str()
                        .unwrap();
                    let _: Value = serde_json::from_str(args).expect("arguments are JSON");
                    if s["status"]["code"] == 2 {
                        saw.2 += 1;
                        assert!(attr(s, "error.type").is_some());
                        assert_eq!(s["events"][0]["name"], "exception");
                    } else {
                        let result = attr(s, "gen_ai.tool.call.result").unwrap()["stringValue"]
                            .as_str()
                            .unwrap();
                        let _: Value = serde_json::from_str(result).expect("result is JSON");
                    }
                }
                "invoke_agent" => assert!(s["name"].as_str().unwrap().starts_with("invoke_agent ")),
                other => panic!("unexpected operation {other}"),
            }
            if s.get("links").is_some() {
                saw.4 += 1;
            }
        }
    }
    assert!(
        saw.0 > 0 && saw.1 > 0 && saw.2 > 0 && saw.3 > 0 && saw.4 > 0,
        "{saw:?}"
    );
}

#[test]
fn rng_below_stays_in_range() {
    let mut r = Rng::new(5);
    for n in [1u64, 2, 3, 10, 1 << 40] {
        for _ in 0..1000 {
            assert!(r.below(n) < n);
        }
    }
}

#[test]
fn one_trace_holds_every_span_under_one_root() {
    for jsonl in [false, true] {
        let mut bytes = Vec::new();
        let stats = write_otlp_json_with(&mut bytes, 3000, 5, jsonl, true).unwrap();
        assert_eq!((stats.spans, stats.traces), (3000, 1));
        assert_eq!(stats.bytes, bytes.len() as u64);
        let text = std::str::from_utf8(&bytes).unwrap();
        let docs: Vec<Value> = if jsonl {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            vec![serde_json::from_str(text).unwrap()]
        };
        let spans: Vec<&Value> = docs.iter().flat_map(spans_in).collect();
        assert_eq!(spans.len(), 3000);
        let trace = &spans[0]["traceId"];
        assert!(spans.iter().all(|s| &s["traceId"] == trace));
        let roots: Vec<&&Value> = spans
            .iter()
            .filter(|s| s.get("parentSpanId").is_none())
            .collect();
        assert_eq!(roots.len(), 1);
        let root = roots[0];
        assert_eq!(root["name"], "invoke_agent orchestrator");
        let ids: std::collections::HashSet<&str> = spans
            .iter()
            .map(|s| s["spanId"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 3000, "span ids are unique");
        assert!(
            spans
                .iter()
                .filter_map(|s| s.get("parentSpanId"))
                .all(|p| ids.contains(p.as_str().unwrap()))
        );
        let num = |v: &Value| v.as_str().unwrap().parse::<u64>().unwrap();
        let (start, end) = (
            num(&root["startTimeUnixNano"]),
            num(&root["endTimeUnixNano"]),
        );
        assert!(spans.iter().all(|s| num(&s["startTimeUnixNano"]) >= start && num(&s["endTimeUnixNano"]) <= end));
    }
}

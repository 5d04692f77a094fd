//! The engine on the project's own SDK fixtures, natively.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/otlp/valid/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn open(names: &[&str]) -> Engine {
    let mut e = Engine::new();
    for n in names {
        let out = e.add_file(n, fixture(n));
        assert!(out.error.is_none(), "{out:?}");
    }
    e.finish();
    e
}

fn view(e: &mut Engine, trace: u32, query: &str, hide: bool, critical_only: bool) -> ViewInfo {
    match e.handle(Request::SetView {
        trace,
        critical_only,
        query: query.into(),
        hide,
    }) {
        Response::View(v) => v,
        other => panic!("{other:?}"),
    }
}

fn rows(e: &mut Engine, start: u32, count: u32) -> Vec<Row> {
    match e.handle(Request::Rows { start, count }) {
        Response::Rows(w) => w.rows,
        other => panic!("{other:?}"),
    }
}

/// The trace with the most spans.
fn biggest(e: &Engine) -> TraceSummary {
    let s = e.summary();
    s.traces
        .into_iter()
        .max_by_key(|t| t.spans)
        .expect("a trace")
}

#[test]
fn summary_lists_files_and_traces() {
    let e = open(&["sdk-python-agent.json"]);
    let s = e.summary();
    assert_eq!(s.files.len(), 1);
    assert_eq!(s.files[0].format, "otlp-json");
    assert_eq!(s.span_count, 13);
    assert_eq!(s.traces.len(), 2);
    let t = biggest(&e);
    assert_eq!(t.root, "invoke_agent support-bot");
    assert_eq!(t.spans, 11);
    assert_eq!(t.findings, 3);
    assert_eq!(t.worst.as_deref(), Some("warning"));
    assert!(t.tokens_in > 0 && t.cost_usd.is_some());
}

#[test]
fn span_detail_groups_attributes_and_reads_the_transcript() {
    let mut e = open(&["sdk-node-agent.jsonl"]);
    let t = biggest(&e);
    view(&mut e, t.ix, "", false, false);
    let all = rows(&mut e, 0, 100);
    let chat = all.iter().find(|r| r.op == "chat").expect("a chat span");
    let d = e.span_detail(chat.span).expect("detail");
    assert_eq!(d.op, "chat");
    assert_eq!(d.subject, "gpt-4o");
    let names: Vec<&str> = d.groups.iter().map(|g| g.name.as_str()).collect();
    assert!(
        names.contains(&"GenAI") && names.contains(&"Resource"),
        "{names:?}"
    );
    let tr = d.transcript.expect("a transcript");
    assert!(!tr.input.is_empty() && !tr.output.is_empty());
    assert!(d.origin.starts_with("sdk-node-agent.jsonl:"));
    let tool = all.iter().find(|r| r.op == "execute_tool").expect("a tool");
    let d = e.span_detail(tool.span).expect("detail");
    assert!(d.groups.iter().any(|g| g.name == "Tool"));
}

#[test]
fn a_bad_file_is_reported_and_the_open_set_stays() {
    let mut e = open(&["sdk-python-agent.json"]);
    let out = e.add_file("broken.json", b"{\"resourceSpans\": [".to_vec());
    let msg = out.error.expect("an error");
    assert!(msg.starts_with("broken.json"), "{msg}");
    let s = e.finish();
    assert_eq!(s.span_count, 13);
    assert_eq!(s.files.len(), 1);
    // Merging a second file adds its traces.
    e.add_file("sdk-node-agent.jsonl", fixture("sdk-node-agent.jsonl"));
    let s = e.finish();
    assert_eq!(s.files.len(), 2);
    assert!(s.traces.len() > 2);
}

#[test]
fn locate_finds_ids_and_messages_round_trip_as_json() {
    let mut e = open(&["sdk-python-agent.json"]);
    let t = biggest(&e);
    let detail = e.trace_detail(t.ix).expect("detail");
    assert!(detail.findings_in_reading_order()[0].first_suspect);
    let suspect = detail
        .report
        .first_suspect
        .as_ref()
        .and_then(|s| s.span)
        .expect("a suspect");
    let sid = e.span_detail(suspect).expect("span").span_id;
    let r = e.handle(Request::Locate {
        trace_id: t.trace_id.clone(),
        span_id: Some(sid),
    });
    assert_eq!(
        r,
        Response::Located {
            trace: Some(t.ix),
            span: Some(suspect)
        }
    );
    let text = serde_json::to_string(&Response::Trace(Box::new(detail.clone()))).expect("json");
    let back: Response = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, Response::Trace(Box::new(detail)));
    let req: Request = serde_json::from_str(r#"{"t":"rows","start":0,"count":5}"#).expect("req");
    assert_eq!(req, Request::Rows { start: 0, count: 5 });
}

#[test]
fn span_detail_lists_inferred_links_both_ways() {
    let dir = format!(
        "{}/../tests/fixtures/analysis/disconnected",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut e = Engine::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|f| f.expect("entry").path())
        .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    names.sort();
    for p in &names {
        let out = e.add_file(
            &p.file_name().unwrap().to_string_lossy(),
            std::fs::read(p).expect("read"),
        );
        assert!(out.error.is_none(), "{out:?}");
    }
    e.finish();
    let set = e.set().expect("set");
    let (client, server) = (0..set.span_count() as u32)
        .find_map(|i| {
            let d = e.span_detail(i)?;
            d.inferred
                .iter()
                .find(|x| x.role == "server")
                .map(|x| (i, x.span))
        })
        .expect("an inferred link");
    let back = e.span_detail(server).expect("server");
    assert!(
        back.inferred
            .iter()
            .any(|x| x.role == "client" && x.span == client)
    );
}

#[test]
fn traces_carry_their_conversation() {
    let doc = |trace: u32, span: u32, conv: &str| {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{trace:032x}","spanId":"{span:016x}","name":"chat","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{{"key":"gen_ai.conversation.id","value":{{"stringValue":"{conv}"}}}}]}}]}}]}}]}}"#
        )
    };
    let mut e = Engine::new();
    e.add_file("a.json", doc(1, 1, "conv-1").into_bytes());
    e.add_file("b.json", doc(2, 2, "").into_bytes());
    let s = e.finish();
    let mut got: Vec<(String, Option<String>)> = s
        .traces
        .iter()
        .map(|t| (t.trace_id.clone(), t.conversation.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (format!("{:032x}", 1), Some("conv-1".to_owned())),
            (format!("{:032x}", 2), None),
        ]
    );
}

//! The worker protocol on the wire: every request and every response survives the encoding the
//! page and the worker use ([`to_wire`] / [`from_wire`]) unchanged, and carries the tag and field
//! names the other end reads.
//!
//! Exhaustive by construction: [`request_tag`], [`response_tag`] and [`part_tag`] match every
//! variant with no wildcard (a new variant does not compile until it is named there), and
//! `every_*_variant_has_a_sample` compares the samples' tags with the variant list serde itself
//! reports, so a new variant without a sample fails.

use super::*;
use crate::engine::Engine;
use loupe_core::analysis::messages::Part;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// The wire tag of a request.
fn request_tag(r: &Request) -> &'static str {
    match r {
        Request::Open => "open",
        Request::Summary => "summary",
        Request::SetView { .. } => "set_view",
        Request::Toggle { .. } => "toggle",
        Request::CollapseTo { .. } => "collapse_to",
        Request::Reveal { .. } => "reveal",
        Request::Rows { .. } => "rows",
        Request::NextMatch { .. } => "next_match",
        Request::Span { .. } => "span",
        Request::Trace { .. } => "trace",
        Request::Zoom { .. } => "zoom",
        Request::Locate { .. } => "locate",
        Request::RedactPlan { .. } => "redact_plan",
        Request::RedactExport { .. } => "redact_export",
    }
}

/// The wire tag of a response.
fn response_tag(r: &Response) -> &'static str {
    match r {
        Response::Loaded(_) => "loaded",
        Response::Summary(_) => "summary",
        Response::View(_) => "view",
        Response::Rows(_) => "rows",
        Response::Span(_) => "span",
        Response::Trace(_) => "trace",
        Response::Located { .. } => "located",
        Response::Error { .. } => "error",
        Response::RedactPlan(_) => "redact_plan",
        Response::Redacted(_) => "redacted",
        Response::Crashed { .. } => "crashed",
    }
}

/// The wire tag of a transcript part.
fn part_tag(p: &Part) -> &'static str {
    match p {
        Part::Text(_) => "text",
        Part::ToolCall { .. } => "tool_call",
        Part::ToolCallResponse { .. } => "tool_call_response",
        Part::Reasoning(_) => "reasoning",
        Part::Media { .. } => "media",
        Part::Other { .. } => "other",
    }
}

/// The variants serde knows for an internally tagged enum, read from its "unknown variant"
/// error, which lists them all.
fn serde_variants<T: DeserializeOwned + Debug>(tag_key: &str) -> BTreeSet<String> {
    let e = serde_json::from_value::<T>(json!({ tag_key: "no such variant" }))
        .expect_err("an unknown tag is refused")
        .to_string();
    let (_, list) = e
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("serde's message changed: {e}"));
    let names: BTreeSet<String> = list
        .split(", ")
        .map(|v| v.trim().trim_matches('`').to_owned())
        .collect();
    assert!(names.len() > 1, "{e}");
    names
}

/// Encodes and decodes `msg` as the worker and the client do; the result must be equal, and
/// encoding it again must give the same text. Returns the JSON.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(msg: &T) -> Value {
    let text = to_wire(msg).unwrap_or_else(|e| panic!("{msg:?} does not encode: {e}"));
    let back: T = from_wire(&text).unwrap_or_else(|e| panic!("{text} does not decode: {e}"));
    assert_eq!(&back, msg, "changed on the wire: {text}");
    assert_eq!(to_wire(&back).expect("encodes"), text, "not stable");
    serde_json::from_str(&text).expect("JSON")
}

fn settings() -> RedactSettings {
    RedactSettings {
        action: "hash".into(),
        key: "ab".repeat(32),
        off: vec!["jwt".into(), "slack_token".into()],
        on: vec!["ip_address".into()],
        rules: vec![
            CustomRule {
                id: "employee".into(),
                pattern: Some("EMP-[0-9]{6}".into()),
                keys: vec!["user.*".into(), "*.secret".into()],
            },
            CustomRule {
                id: "keys-only".into(),
                pattern: None,
                keys: vec!["password".into()],
            },
        ],
        actions: BTreeMap::from([
            ("aws_access_key_id".to_owned(), "drop".to_owned()),
            ("employee".to_owned(), "mask".to_owned()),
        ]),
    }
}

fn settings_json() -> Value {
    json!({
        "action": "hash",
        "key": "ab".repeat(32),
        "off": ["jwt", "slack_token"],
        "on": ["ip_address"],
        "rules": [
            { "id": "employee", "pattern": "EMP-[0-9]{6}", "keys": ["user.*", "*.secret"] },
            { "id": "keys-only", "pattern": null, "keys": ["password"] },
        ],
        "actions": { "aws_access_key_id": "drop", "employee": "mask" },
    })
}

/// Requests with every field set to something other than its default, and their JSON.
fn request_samples() -> Vec<(Request, Value)> {
    vec![
        (Request::Open, json!({ "t": "open" })),
        (Request::Summary, json!({ "t": "summary" })),
        (
            Request::SetView {
                trace: 3,
                critical_only: true,
                query: r#"kind:tool name:"a \"b\"" ünï & more"#.into(),
                hide: true,
            },
            json!({ "t": "set_view", "trace": 3, "critical_only": true,
                    "query": r#"kind:tool name:"a \"b\"" ünï & more"#, "hide": true }),
        ),
        (
            Request::Toggle { span: 7 },
            json!({ "t": "toggle", "span": 7 }),
        ),
        (
            Request::CollapseTo { depth: Some(2) },
            json!({ "t": "collapse_to", "depth": 2 }),
        ),
        (
            Request::CollapseTo { depth: None },
            json!({ "t": "collapse_to", "depth": null }),
        ),
        (
            Request::Reveal { span: u32::MAX },
            json!({ "t": "reveal", "span": u32::MAX }),
        ),
        (
            Request::Rows {
                start: 5,
                count: 200,
            },
            json!({ "t": "rows", "start": 5, "count": 200 }),
        ),
        (
            Request::NextMatch {
                from: -1,
                back: true,
            },
            json!({ "t": "next_match", "from": -1, "back": true }),
        ),
        (
            Request::NextMatch {
                from: i64::from(u32::MAX) + 1,
                back: false,
            },
            json!({ "t": "next_match", "from": 4_294_967_296_i64, "back": false }),
        ),
        (
            Request::Span { span: 11 },
            json!({ "t": "span", "span": 11 }),
        ),
        (
            Request::Trace { trace: 1 },
            json!({ "t": "trace", "trace": 1 }),
        ),
        (
            Request::Zoom { span: Some(4) },
            json!({ "t": "zoom", "span": 4 }),
        ),
        (
            Request::Zoom { span: None },
            json!({ "t": "zoom", "span": null }),
        ),
        (
            Request::Locate {
                trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
                span_id: Some("b7ad6b7169203331".into()),
            },
            json!({ "t": "locate", "trace_id": "0af7651916cd43dd8448eb211c80319c",
                    "span_id": "b7ad6b7169203331" }),
        ),
        (
            Request::Locate {
                trace_id: "not & an = id %".into(),
                span_id: None,
            },
            json!({ "t": "locate", "trace_id": "not & an = id %", "span_id": null }),
        ),
        (
            Request::RedactPlan {
                settings: settings(),
            },
            json!({ "t": "redact_plan", "settings": settings_json() }),
        ),
        (
            Request::RedactExport {
                settings: settings(),
                format: Format::OtlpProto,
            },
            json!({ "t": "redact_export", "settings": settings_json(), "format": "otlp-proto" }),
        ),
    ]
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/otlp/valid/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Responses as the engine really gives them, on the SDK fixtures (every span's details, every
/// trace's panels), and the ones only the page makes.
fn response_samples() -> Vec<Response> {
    let mut e = Engine::new();
    let mut files = Vec::new();
    for name in ["sdk-python-agent.json", "sdk-node-agent.jsonl"] {
        let out = e.add_file(name, fixture(name));
        assert!(out.error.is_none(), "{out:?}");
        files.push(out);
    }
    let bad = e.add_file("broken.json", b"{\"resourceSpans\": [".to_vec());
    assert!(bad.error.is_some());
    files.push(bad);
    let summary = e.finish();
    assert!(summary.traces.len() >= 2 && summary.span_count > 20);
    let mut out = vec![Response::Loaded(LoadReport {
        files,
        summary: summary.clone(),
        millis: Some(12.5),
    })];
    let mut ask = |req: Request, want: &str| {
        let r = e.handle(req.clone());
        assert_eq!(response_tag(&r), want, "{req:?} was answered {r:?}");
        r
    };
    out.push(ask(Request::Summary, "summary"));
    // The node agent's run nests an agent in the top one.
    let trace = summary
        .traces
        .iter()
        .find(|t| t.root == "invoke_agent travel-planner")
        .expect("the node agent's trace")
        .clone();
    out.push(ask(
        Request::SetView {
            trace: trace.ix,
            critical_only: false,
            query: "kind:tool".into(),
            hide: false,
        },
        "view",
    ));
    out.push(ask(
        Request::Rows {
            start: 0,
            count: 100,
        },
        "rows",
    ));
    let Response::Rows(w) = out.last().expect("rows").clone() else {
        unreachable!()
    };
    // A span with children, to zoom to (the view then has a breadcrumb).
    let parent = w
        .rows
        .iter()
        .find(|r| r.depth > 0 && r.descendants > 0)
        .unwrap_or_else(|| panic!("no nested span in {w:?}"));
    out.push(ask(
        Request::Zoom {
            span: Some(parent.span),
        },
        "view",
    ));
    out.push(ask(Request::Toggle { span: parent.span }, "view"));
    out.push(ask(Request::CollapseTo { depth: Some(1) }, "view"));
    out.push(ask(Request::Reveal { span: parent.span }, "view"));
    out.push(ask(
        Request::NextMatch {
            from: -1,
            back: false,
        },
        "view",
    ));
    out.push(ask(
        Request::Rows {
            start: 0,
            count: 100,
        },
        "rows",
    ));
    for span in 0..summary.span_count as u32 {
        out.push(ask(Request::Span { span }, "span"));
    }
    for t in &summary.traces {
        out.push(ask(Request::Trace { trace: t.ix }, "trace"));
    }
    out.push(ask(
        Request::Locate {
            trace_id: trace.trace_id,
            span_id: None,
        },
        "located",
    ));
    out.push(ask(Request::Span { span: u32::MAX }, "error"));
    let mut s = settings();
    s.action = "mask".into();
    out.push(ask(
        Request::RedactPlan {
            settings: s.clone(),
        },
        "redact_plan",
    ));
    let (bytes, file) = e.export_redacted(&s, Format::OtlpJson).expect("exports");
    assert!(!bytes.is_empty());
    out.push(Response::Redacted(file));
    out.push(Response::Located {
        trace: Some(1),
        span: Some(9),
    });
    out.push(Response::Located {
        trace: None,
        span: None,
    });
    out.push(Response::cancelled());
    out.push(Response::Crashed {
        message: "Loupe ran out of memory while reading big.json (2.1 GB).".into(),
    });
    out
}

fn part_samples() -> Vec<Part> {
    vec![
        Part::Text("hello \"world\"\n".into()),
        Part::ToolCall {
            id: Some("call-1".into()),
            name: "search".into(),
            arguments: r#"{"q":"flights"}"#.into(),
        },
        Part::ToolCall {
            id: None,
            name: "noop".into(),
            arguments: String::new(),
        },
        Part::ToolCallResponse {
            id: Some("call-1".into()),
            response: "[]".into(),
        },
        Part::Reasoning("think".into()),
        Part::Media {
            kind: "blob".into(),
            modality: "image".into(),
            detail: "image/png, 3 bytes".into(),
        },
        Part::Other {
            kind: "x-custom".into(),
            json: r#"{"a":1}"#.into(),
        },
    ]
}

#[test]
fn every_request_variant_has_a_sample() {
    let sampled: BTreeSet<String> = request_samples()
        .iter()
        .map(|(r, _)| request_tag(r).to_owned())
        .collect();
    assert_eq!(sampled, serde_variants::<Request>("t"));
}

#[test]
fn every_response_variant_has_a_sample() {
    let sampled: BTreeSet<String> = response_samples()
        .iter()
        .map(|r| response_tag(r).to_owned())
        .collect();
    assert_eq!(sampled, serde_variants::<Response>("t"));
}

#[test]
fn every_transcript_part_has_a_sample() {
    let sampled: BTreeSet<String> = part_samples()
        .iter()
        .map(|p| part_tag(p).to_owned())
        .collect();
    assert_eq!(sampled, serde_variants::<Part>("type"));
}

#[test]
fn requests_round_trip_with_their_wire_shape() {
    for (req, want) in request_samples() {
        let got = round_trip(&req);
        assert_eq!(got, want, "{req:?}");
        assert_eq!(got["t"], request_tag(&req));
        // The engine's side reads the JSON the page wrote.
        let text = serde_json::to_string(&want).expect("JSON");
        assert_eq!(from_wire::<Request>(&text), Ok(req));
    }
}

#[test]
fn responses_round_trip_tagged_by_kind() {
    let samples = response_samples();
    let mut transcripts = 0;
    for resp in &samples {
        let got = round_trip(resp);
        assert_eq!(got["t"], response_tag(resp), "{got}");
        if let Response::Span(d) = resp {
            transcripts += usize::from(d.transcript.is_some());
        }
    }
    assert!(transcripts > 0, "the samples include transcripts");
}

#[test]
fn transcript_parts_round_trip_tagged_by_type() {
    for part in part_samples() {
        let got = round_trip(&part);
        assert_eq!(got["type"], part_tag(&part), "{got}");
    }
}

#[test]
fn the_cancelled_answer_is_an_error_the_page_recognises() {
    let text = Response::cancelled().to_wire_text();
    assert_eq!(text, r#"{"t":"error","message":"cancelled"}"#);
    match from_wire::<Response>(&text) {
        Ok(Response::Error { message }) => assert_eq!(message, CANCELLED),
        other => panic!("{other:?}"),
    }
}

#[test]
fn progress_round_trips() {
    let p = Progress {
        file: "big run.jsonl".into(),
        index: 2,
        count: 3,
        stage: Stage::Parsing,
        done: 1 << 40,
        total: (1 << 40) + 1,
    };
    let got = round_trip(&p);
    assert_eq!(
        got,
        json!({ "file": "big run.jsonl", "index": 2, "count": 3, "stage": "parsing",
                "done": 1_u64 << 40, "total": (1_u64 << 40) + 1 })
    );
}

#[test]
fn stages_travel_as_snake_case_words() {
    for (stage, word) in [
        (Stage::Reading, "reading"),
        (Stage::Parsing, "parsing"),
        (Stage::Analysing, "analysing"),
    ] {
        assert_eq!(round_trip(&stage), json!(word));
    }
    assert!(from_wire::<Stage>(r#""Reading""#).is_err());
}

/// The wire tag of a message from the worker.
fn from_worker_tag(m: &FromWorker) -> &'static str {
    match m {
        FromWorker::Answer { .. } => "answer",
        FromWorker::Progress(_) => "progress",
        FromWorker::Panic { .. } => "panic",
    }
}

#[test]
fn requests_travel_in_an_envelope_with_their_id() {
    for (req, want) in request_samples() {
        let msg = ToWorker {
            id: 4_000_000_000,
            req: req.clone(),
        };
        let got = round_trip(&msg);
        assert_eq!(got, json!({ "id": 4_000_000_000_u32, "req": want }));
        let text = to_wire(&msg).expect("encodes");
        assert_eq!(ToWorker::from_wire_text(&text), Ok(msg));
    }
}

#[test]
fn a_request_the_engine_does_not_know_is_refused_with_its_id() {
    let (id, e) =
        ToWorker::from_wire_text(r#"{"id":7,"req":{"t":"no_such_request"}}"#).expect_err("refused");
    assert_eq!(id, Some(7));
    assert!(e.contains("no_such_request"), "{e}");
    let (id, _) = ToWorker::from_wire_text("not json").expect_err("refused");
    assert_eq!(id, None);
    // The export format is typed: a format Loupe does not write is refused on arrival.
    let (id, e) = ToWorker::from_wire_text(
        r#"{"id":9,"req":{"t":"redact_export","settings":{"action":"mask","key":"","off":[],"rules":[],"actions":{}},"format":"csv"}}"#,
    )
    .expect_err("refused");
    assert_eq!(id, Some(9));
    assert!(e.contains("csv") && e.contains("otlp-json"), "{e}");
}

#[test]
fn messages_from_the_worker_round_trip_tagged_by_kind() {
    let progress = Progress {
        file: "run.jsonl".into(),
        index: 0,
        count: 1,
        stage: Stage::Reading,
        done: 5,
        total: 10,
    };
    let mut samples: Vec<FromWorker> = response_samples()
        .into_iter()
        .enumerate()
        .map(|(n, resp)| FromWorker::Answer { id: n as u32, resp })
        .collect();
    samples.push(FromWorker::Progress(progress));
    samples.push(FromWorker::Panic {
        message: "panicked at engine.rs:1:1: capacity overflow".into(),
    });
    let mut tags = BTreeSet::new();
    for msg in &samples {
        let got = round_trip(msg);
        assert_eq!(got["t"], from_worker_tag(msg), "{got}");
        tags.insert(from_worker_tag(msg).to_owned());
        if let FromWorker::Answer { id, resp } = msg {
            assert_eq!(got["id"], *id, "{got}");
            assert_eq!(got["resp"]["t"], response_tag(resp), "{got}");
        }
    }
    assert_eq!(tags, serde_variants::<FromWorker>("t"));
    assert_eq!(
        round_trip(&samples[samples.len() - 2]),
        json!({ "t": "progress", "file": "run.jsonl", "index": 0, "count": 1,
                "stage": "reading", "done": 5, "total": 10 })
    );
}

#[test]
fn an_answer_the_page_cannot_read_still_names_its_request() {
    let (id, e) = FromWorker::from_wire_text(r#"{"t":"answer","id":9,"resp":{"t":"nope"}}"#)
        .expect_err("refused");
    assert_eq!(id, Some(9));
    assert!(e.contains("nope"), "{e}");
    let (id, _) = FromWorker::from_wire_text(r#"{"t":"nope"}"#).expect_err("refused");
    assert_eq!(id, None);
}

#[test]
fn an_answer_always_encodes() {
    let msg = FromWorker::Answer {
        id: 3,
        resp: Response::cancelled(),
    };
    let text = msg.to_wire_text();
    assert_eq!(
        text,
        r#"{"t":"answer","id":3,"resp":{"t":"error","message":"cancelled"}}"#
    );
    assert_eq!(from_wire::<FromWorker>(&text), Ok(msg));
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

/// `open_files` / `open_bytes` resolve with the load report and `summary()` returns the summary
/// as JS objects: pages read these fields by name.
#[test]
fn the_load_report_and_summary_keep_the_names_pages_read() {
    let Some(Response::Loaded(report)) = response_samples().into_iter().next() else {
        panic!("the first sample is the load report")
    };
    let v = round_trip(&report);
    assert_eq!(keys(&v), ["files", "millis", "summary"]);
    assert_eq!(keys(&v["files"][0]), ["error", "format", "name", "spans"]);
    assert_eq!(v["files"][0]["name"], "sdk-python-agent.json");
    assert_eq!(v["files"][0]["spans"], 13);
    assert!(
        v["files"][2]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("broken.json"))
    );
    assert_eq!(keys(&v["summary"]), ["files", "span_count", "traces"]);
    assert_eq!(
        v["summary"]["span_count"], report.summary.span_count,
        "{}",
        v["summary"]
    );
    assert_eq!(
        v["summary"]["files"][1]["name"], "sdk-node-agent.jsonl",
        "{}",
        v["summary"]
    );
    let trace = &v["summary"]["traces"][0];
    for k in ["ix", "trace_id", "root", "spans", "errors", "findings"] {
        assert!(trace.get(k).is_some(), "{k} missing in {trace}");
    }
}

/// The one dispatcher answers an export with the file's bytes beside the response, and an open
/// (the loader's, which reads files) with an error.
#[test]
fn the_dispatcher_answers_an_export_with_its_bytes() {
    let mut e = Engine::new();
    let out = e.add_file("sdk-node-agent.jsonl", fixture("sdk-node-agent.jsonl"));
    assert!(out.error.is_none(), "{out:?}");
    e.finish();
    let req = Request::RedactExport {
        settings: settings(),
        format: Format::OtlpJson,
    };
    let (resp, bytes) = e.answer(req.clone());
    let Response::Redacted(file) = resp else {
        panic!("not exported: {resp:?}")
    };
    let bytes = bytes.expect("the file's bytes");
    assert!(file.spans > 0 && !bytes.is_empty(), "{file:?}");
    assert!(matches!(e.handle(req), Response::Redacted(_)));
    let (open, none) = e.answer(Request::Open);
    assert!(matches!(open, Response::Error { .. }) && none.is_none());
}

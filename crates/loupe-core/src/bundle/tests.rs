use super::*;
use crate::notes::Label;
use crate::notes::file::{parse, resolve};

const KEY: [u8; 32] = [7; 32];

/// Checks a written bundle against docs/loupe.bundle-1.schema.json (every bundle these tests write).
fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/loupe.bundle-1.schema.json")).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(bytes: &[u8]) {
    let validator = validator();
    let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the bundle does not match its schema: {errors:#?}"
    );
}
const SECRET: &str = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";

fn doc() -> String {
    let a = "0af7651916cd43dd8448eb211c80319c";
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"agent"}}}}]}},"scopeSpans":[{{"spans":[
{{"traceId":"{a}","spanId":"a000000000000001","name":"invoke_agent","startTimeUnixNano":"1000","endTimeUnixNano":"9000"}},
{{"traceId":"{a}","spanId":"a000000000000002","parentSpanId":"a000000000000001","name":"chat","startTimeUnixNano":"2000","endTimeUnixNano":"8000",
 "attributes":[{{"key":"gen_ai.prompt","value":{{"stringValue":"use key {SECRET} please"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"42"}}}}]}}
]}}]}}]}}"#
    )
}

fn annotated() -> TraceSet {
    let mut set = crate::load("run.json", doc().into_bytes()).unwrap();
    let entries = parse(&format!(
        "[[note]]\nspan = \"a000000000000002\"\nlabel = \"root-cause\"\ntext = \"\"\"the prompt leaks {SECRET}\n<script>alert(1)</script>\"\"\"\nstep = 1\nauthor = \"lead@acme-corp.io\"\n\n[[note]]\nspan = \"a000000000000001\"\nlabel = \"goal\"\ntext = \"answer the question\"\nstep = 2\n"
    ))
    .unwrap();
    *set.notes_mut() = resolve(&entries, &set, "2026-12-04T10:00:00Z").unwrap();
    set
}

fn meta(title: &str) -> BundleMeta {
    BundleMeta {
        title: title.into(),
        description: "what the agent got wrong".into(),
        created: "2026-12-04T10:00:00Z".into(),
        generator: "loupe test".into(),
    }
}

#[test]
fn a_bundle_is_redacted_by_default_everywhere_and_verified() {
    let policy = Policy::default();
    let w = write(
        annotated(),
        &meta(&format!("leak {SECRET}")),
        Redaction::Redact {
            policy: &policy,
            key: &KEY,
        },
        "b.loupe.json",
    )
    .unwrap();
    assert_valid(&w.bytes);
    let text = String::from_utf8(w.bytes.clone()).unwrap();
    assert!(!text.contains(SECRET), "no secret left anywhere");
    assert!(
        !text.contains("lead@acme-corp.io"),
        "the author's email is personal data"
    );
    assert!(text.contains("[REDACTED:openai_key]"));
    assert!(w.verification.as_ref().unwrap().is_clean());
    let manifest = w.manifest.unwrap();
    // The prompt, the note's text, its author and the title.
    assert_eq!(manifest.matches, 4, "{manifest:?}");
    let v: serde_json::Value = serde_json::from_slice(&w.bytes).unwrap();
    assert_eq!(v["schema"], BUNDLE_SCHEMA);
    assert_eq!(v["redaction"]["manifest"]["schema"], "loupe.redaction/1");
    assert_eq!(v["redaction"]["policy"], serde_json::json!({}));
    assert_eq!(v["tour"], serde_json::json!(["n1", "n2"]));
    // Markup in notes is kept as text: it is data, never HTML.
    assert!(
        v["annotations"][0]["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")
    );
}

#[test]
fn writing_then_opening_is_lossless() {
    let set = annotated();
    let w = write(
        annotated(),
        &meta("t"),
        Redaction::Unredacted,
        "b.loupe.json",
    )
    .unwrap();
    assert!(w.manifest.is_none() && w.verification.is_none());
    assert_valid(&w.bytes);
    let v: serde_json::Value = serde_json::from_slice(&w.bytes).unwrap();
    assert!(v["redaction"].is_null(), "unredacted says so");
    let back = crate::load("b.loupe.json", w.bytes.clone()).unwrap();
    assert_eq!(back.sources()[0].format, BUNDLE_FORMAT);
    assert_eq!(back.notes().annotations, set.notes().annotations);
    assert_eq!(back.notes().tour, set.notes().tour);
    let info = &back.notes().bundles[0];
    assert_eq!(
        (info.title.as_str(), info.redacted, info.tour_steps),
        ("t", false, 2)
    );
    assert_eq!(info.labels, [Label::Goal, Label::RootCause]);
    // The same spans, written the same way.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    crate::export::otlp_json::write(&set, &mut a).unwrap();
    crate::export::otlp_json::write(&back, &mut b).unwrap();
    assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    // And again: a bundle of an opened bundle is the same bundle.
    let again = write(back, &meta("t"), Redaction::Unredacted, "b.loupe.json").unwrap();
    assert_valid(&again.bytes);
    assert_eq!(
        String::from_utf8(again.bytes).unwrap(),
        String::from_utf8(w.bytes).unwrap()
    );
}

#[test]
fn a_tour_naming_a_missing_note_is_refused() {
    let mut set = annotated();
    set.notes_mut().tour.push("n9".into());
    let e = write(set, &meta("t"), Redaction::Unredacted, "b").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the tour names note `n9`, which is not in the set"
    );
}

#[test]
fn bundles_are_sniffed_by_their_first_key() {
    assert!(sniff(
        b"  {\n  \"schema\" : \"loupe.bundle/1\", \"traces\": {}}"
    ));
    assert!(sniff(b"{\"schema\":\"loupe.bundle/2\"}"));
    assert!(!sniff(
        b"{\"resourceSpans\": [], \"schema\": \"loupe.bundle/1\"}"
    ));
    assert!(!sniff(b"{\"schema\":\"loupe.analysis/1\"}"));
    assert!(!sniff(b"[]"));
}

#[test]
fn a_broken_or_newer_bundle_is_a_clear_error_and_warnings_keep_the_bundle_s_lines() {
    let e = crate::load(
        "new.loupe.json",
        br#"{"schema":"loupe.bundle/2","traces":{}}"#.to_vec(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("this Loupe reads `loupe.bundle/1`"),
        "{e}"
    );
    let e = crate::load(
        "cut.loupe.json",
        b"{\"schema\":\"loupe.bundle/1\",\n\"traces\": {\"resourceSpans\": [".to_vec(),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("cut.loupe.json:2:"), "{e}");
    let e = crate::load(
        "x.loupe.json",
        br#"{"schema":"loupe.bundle/1","traces":{"resourceSpans":[]},"colour":1}"#.to_vec(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    // A document spread over lines inside a bundle is one document, not JSON Lines.
    let bundle = "{\"schema\": \"loupe.bundle/1\",\n\"title\": \"x\",\n\"traces\": {\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [\n{\"traceId\": \"0af7651916cd43dd8448eb211c80319c\", \"spanId\": \"a000000000000001\", \"name\": \"n\", \"startTimeUnixNano\": \"9\", \"endTimeUnixNano\": \"1\"}\n]}]}]}}\n";
    let set = crate::load("w.loupe.json", bundle.as_bytes().to_vec()).unwrap();
    assert_eq!(set.span_count(), 1, "{:?}", set.warnings());
    assert_eq!(set.notes().bundles[0].title, "x");
}

#[test]
fn a_note_whose_span_is_gone_is_kept_with_a_warning() {
    let w = write(annotated(), &meta("t"), Redaction::Unredacted, "b").unwrap();
    let text = String::from_utf8(w.bytes)
        .unwrap()
        .replace("a000000000000002", "c000000000000002");
    // The span id changed in the traces and the note alike... except the note keeps the old one.
    let text = text.replacen(
        "\"span_id\": \"c000000000000002\"",
        "\"span_id\": \"d000000000000002\"",
        1,
    );
    let set = crate::load("b.loupe.json", text.clone().into_bytes()).unwrap();
    let n1 = set.notes().get("n1").unwrap();
    assert_eq!(
        n1.span_id.as_deref(),
        Some("c000000000000002"),
        "re-attached by path"
    );
    // Rename the span too: now nothing fits.
    let text = text.replace("\"name\":\"chat\"", "\"name\":\"chat v2\"");
    let set = crate::load("b.loupe.json", text.into_bytes()).unwrap();
    assert!(
        set.warnings()
            .iter()
            .any(|w| w.code == crate::WarningCode::DetachedNote
                && w.message
                    .starts_with("note n1 (root-cause) points at span d000000000000002")),
        "{:?}",
        set.warnings()
    );
    assert_eq!(
        set.notes().annotations.len(),
        2,
        "the detached note is kept"
    );
}

#[test]
fn the_schema_refuses_what_loupe_does_not_write() {
    let w = write(annotated(), &meta("t"), Redaction::Unredacted, "b").unwrap();
    let good: serde_json::Value = serde_json::from_slice(&w.bytes).unwrap();
    let v = validator();
    assert!(v.is_valid(&good));
    let broken = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut doc = good.clone();
        f(&mut doc);
        v.is_valid(&doc)
    };
    assert!(!broken(&|d| d["annotations"][0]["label"] = "oops".into()));
    assert!(!broken(
        &|d| d["annotations"][0]["created"] = "yesterday".into()
    ));
    assert!(!broken(&|d| d["schema"] = "loupe.bundle/2".into()));
    assert!(!broken(&|d| {
        d.as_object_mut().unwrap().remove("redaction");
    }));
    assert!(!broken(&|d| d["colour"] = 1.into()));
}

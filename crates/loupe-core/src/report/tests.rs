//! The report's tests: the document, the indexed report, the panels.

use super::*;
use crate::analysis::{Analysis, Options};
use crate::model::{SpanIx, TraceIx, TraceSet};

fn sample() -> (TraceSet, Analysis) {
    let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"invoke_agent a",
         "startTimeUnixNano":"1000","endTimeUnixNano":"9000"},
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","parentSpanId":"b7ad6b7169203331",
         "name":"execute_tool t","startTimeUnixNano":"2000","endTimeUnixNano":"8000","status":{"code":2},
         "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}}]},
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203333","parentSpanId":"ffffffffffffffff",
         "name":"lost","startTimeUnixNano":"3000","endTimeUnixNano":"4000"}]}]}]}"#;
    let mut loader = crate::Loader::new();
    loader
        .add_file("t.json", doc.as_bytes().to_vec())
        .expect("loads");
    let set = loader.finish();
    let analysis = Analysis::run(&set, &Options::default());
    (set, analysis)
}

#[test]
fn the_indexed_report_is_the_document_plus_indices() {
    let (set, an) = sample();
    let doc = TraceReport::build(&set, &an, TraceIx(0));
    let indexed = TraceReport::build_indexed(&set, &an, TraceIx(0));
    assert_ne!(doc, indexed, "the indexed build adds indices");
    assert!(indexed.critical_path.iter().all(|p| p.span.is_some()));
    assert!(indexed.orphans.iter().all(|o| o.span.is_some()));
    assert!(!indexed.orphans.is_empty());
    for f in &indexed.anomalies {
        assert_eq!(f.spans.len(), f.span_ids.len());
        assert_eq!(f.span_names.len(), f.span_ids.len());
        for (&ix, id) in f.spans.iter().zip(&f.span_ids) {
            assert_eq!(
                &set.span(SpanIx(ix)).span_id(),
                id,
                "each index names its id's span"
            );
        }
    }
    assert_eq!(indexed.unindexed(), doc);
    // The document carries no index field at all.
    let text = serde_json::to_string(&doc).expect("json");
    for key in [
        "\"span\":",
        "\"spans\":",
        "\"span_names\"",
        "\"first_suspect\":true",
        "client_span",
    ] {
        assert!(!text.contains(key), "{key} in {text}");
    }
    // And the viewer's payloads survive the wire.
    let detail = TraceDetail::build(&set, &an, TraceIx(0));
    let back: TraceDetail =
        serde_json::from_str(&serde_json::to_string(&detail).expect("json")).expect("parses");
    assert_eq!(back, detail);
    let findings = span::FindingsBySpan::build(&an);
    for ix in 0..set.span_count() as u32 {
        let r = SpanReport::build(&set, &an, &findings, SpanIx(ix)).expect("a span");
        let back: SpanReport =
            serde_json::from_str(&serde_json::to_string(&r).expect("json")).expect("parses");
        assert_eq!(back, r);
    }
    assert!(SpanReport::build(&set, &an, &findings, SpanIx(99)).is_none());
}

#[test]
fn the_summary_counts_errors_and_services() {
    let (set, an) = sample();
    let s = SetSummary::build(&set, &an);
    assert_eq!(s.span_count, 3);
    assert_eq!(s.traces.len(), 1);
    assert_eq!(s.traces[0].errors, 1);
    assert_eq!(s.traces[0].services, vec!["agent".to_owned()]);
    assert_eq!(s.files[0].name, "t.json");
}

//! Unit tests of the span_events importer.

use super::*;

#[test]
fn line_kinds_are_read_generously() {
    for s in [
        "span_started",
        "span_start",
        "start",
        "span.begin",
        "LLM-Start",
        "on_tool_start",
    ] {
        assert_eq!(line_kind(s), LineKind::Start, "{s}");
    }
    for s in [
        "span_finished",
        "span_end",
        "end",
        "completed",
        "span.done",
        "on_chain_end",
    ] {
        assert_eq!(line_kind(s), LineKind::Finish, "{s}");
    }
    for s in ["span_error", "failed", "on_llm_error"] {
        assert_eq!(line_kind(s), LineKind::Fail, "{s}");
    }
    for s in ["token", "weekend", "log", ""] {
        assert_eq!(line_kind(s), LineKind::Other, "{s}");
    }
}

/// Each format's sample is claimed by its own importer and by no other.
#[test]
fn each_sniffer_claims_only_its_own_format() {
    let samples: &[(&str, &str)] = &[
        (
            "jaeger-json",
            r#"{"data": [{"traceID": "ab", "spans": [{"traceID": "ab", "spanID": "01", "operationName": "x", "startTime": 1, "duration": 1}]}]}"#,
        ),
        (
            "jaeger-json",
            r#"[{"traceId": "AAAAAAAAAAAAAAAAAAAAAQ==", "spanId": "AAAAAAAAAAE=", "operationName": "x"}]"#,
        ),
        (
            "zipkin-json",
            r#"[{"traceId": "ab", "id": "01", "name": "x", "timestamp": 1, "localEndpoint": {"serviceName": "s"}}]"#,
        ),
        (
            "zipkin-json",
            r#"{"traceId": "ab", "id": "01", "annotations": [{"value": "cs", "timestamp": 1}]}"#,
        ),
        (
            "openai-agents-json",
            r#"{"data": [{"object": "trace.span", "id": "span_1", "trace_id": "trace_1", "span_data": {"type": "agent"}}]}"#,
        ),
        (
            "any-agent-json",
            r#"{"spans": [{"name": "x", "context": {"trace_id": 1, "span_id": 2}, "start_time": 1}]}"#,
        ),
        (
            "span-events-jsonl",
            concat!(
                r#"{"event": "span_started", "run_id": "r", "span_id": "a", "ts": 1}"#,
                "\n"
            ),
        ),
        (
            "span-events-jsonl",
            concat!(
                r#"{"type": "start", "traceId": "r", "id": "a", "time": 1}"#,
                "\n",
                r#"{"type": "end", "traceId": "r", "id": "a", "time": 2}"#,
                "\n"
            ),
        ),
    ];
    for (format, text) in samples {
        let claimed: Vec<&str> = crate::import::importers()
            .iter()
            .filter(|imp| imp.sniff(text.as_bytes()).is_ok())
            .map(|imp| imp.format())
            .collect();
        assert_eq!(claimed, [*format], "{text}");
        let set = crate::load("sample", text.as_bytes().to_vec()).expect(text);
        assert_eq!(set.sources()[0].format, *format);
        assert!(set.span_count() >= 1, "{text}");
    }
}

#[test]
fn statuses() {
    assert_eq!(status_of("OK"), Some(StatusCode::Ok));
    assert_eq!(status_of("failed"), Some(StatusCode::Error));
    assert_eq!(status_of("maybe"), None);
}

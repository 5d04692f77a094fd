use super::*;

#[test]
fn operations_round_trip_through_their_names() {
    let names: std::collections::BTreeSet<&str> =
        Operation::ALL.iter().map(|op| op.as_str()).collect();
    assert_eq!(names.len(), Operation::ALL.len(), "names are distinct");
    for op in Operation::ALL {
        assert_eq!(Operation::from_name(op.as_str()), Some(op));
    }
    assert_eq!(Operation::from_name("banana"), None);
}

fn span(trace: u8, id: u8, parent: Option<u8>, attrs: &[(&str, &str)]) -> String {
    let attrs: Vec<String> = attrs
        .iter()
        .map(|(k, v)| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#))
        .collect();
    format!(
        r#"{{"traceId":"{trace:032x}","spanId":"{id:016x}","parentSpanId":"{}","name":"s{id}","startTimeUnixNano":"{}","endTimeUnixNano":"1000","attributes":[{}]}}"#,
        parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
        u32::from(id),
        attrs.join(",")
    )
}

#[test]
fn a_trace_takes_the_conversation_of_its_shallowest_span() {
    let spans = [
        // Trace 1: the root has none; its children name the session and, deeper, another id.
        span(1, 1, None, &[]),
        span(1, 2, Some(1), &[("session.id", "sess-a")]),
        span(1, 3, Some(2), &[("gen_ai.conversation.id", "deeper")]),
        span(1, 4, Some(1), &[("session.id", "later")]),
        // Trace 2: the conversation id wins over the session id on the same span.
        span(
            2,
            5,
            None,
            &[("session.id", "s"), ("gen_ai.conversation.id", "conv-b")],
        ),
        // Trace 3: `gen_ai.session.id` is read too.
        span(3, 6, None, &[("gen_ai.session.id", "g")]),
        // Trace 4: none.
        span(4, 7, None, &[("user.id", "u")]),
    ];
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    let set = crate::load("c.json", doc.into_bytes()).expect("loads");
    let steps = steps(&set);
    let by_trace: Vec<Option<String>> = (0..set.traces().len() as u32)
        .map(|t| trace_conversation(&set, &steps, TraceIx(t)))
        .collect();
    let mut ids: Vec<(String, Option<String>)> = set
        .traces()
        .iter()
        .zip(by_trace)
        .map(|(t, c)| (t.id.display(set.strings()).to_string(), c))
        .collect();
    ids.sort();
    let want = |t: u8, c: Option<&str>| (format!("{t:032x}"), c.map(str::to_owned));
    assert_eq!(
        ids,
        [
            want(1, Some("sess-a")),
            want(2, Some("conv-b")),
            want(3, Some("g")),
            want(4, None),
        ]
    );
    assert_eq!(trace_conversation(&set, &steps, TraceIx(99)), None);
}

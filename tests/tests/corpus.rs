//! The shared public corpus, read in place: every file of a format Loupe reads loads with the span
//! count PROVENANCE.md gives. Skips, saying so, where the corpus is absent.

use loupe_tests::{corpus_dir, corpus_read, provenance_span_counts};

/// Files where Loupe's span count differs from PROVENANCE.md's on purpose: (file, PROVENANCE count,
/// Loupe's count, why). Each must still load with exactly Loupe's count, and the table must match
/// PROVENANCE.md, so a change on either side is noticed.
const COUNT_EXCEPTIONS: &[(&str, u64, u64, &str)] = &[
    (
        "zipkin-json/zipkin-v1-span-rpc.json",
        1,
        2,
        "a Zipkin v1 span with cs/sr/ss/cr annotations is both halves of one RPC; it becomes a client \
         and a server span, as Zipkin's own v1 converter makes them",
    ),
    (
        "zipkin-json/zipkin-lens-smartthings-mobile-web-install.json",
        1041,
        957,
        "84 pieces without timestamp or kind share id and local service with a timed server half; \
         they are merged into it, as Zipkin merges spans reported in pieces",
    ),
];

#[test]
fn corpus_files_load_with_provenance_span_counts() {
    let Some(corpus) = corpus_dir() else { return };
    let counts = provenance_span_counts(&corpus);
    assert!(
        counts.len() > 20,
        "PROVENANCE.md table parsed ({})",
        counts.len()
    );
    let mut checked = 0;
    for (file, expected) in &counts {
        if !corpus_read().iter().any(|p| file.starts_with(p.as_str())) {
            continue;
        }
        let bytes = std::fs::read(corpus.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let set = loupe_core::load(file, bytes).unwrap_or_else(|e| panic!("{e}"));
        let expected = match COUNT_EXCEPTIONS.iter().find(|(f, ..)| f == file) {
            Some((_, provenance, loupe, why)) => {
                assert_eq!(
                    provenance, expected,
                    "{file}: PROVENANCE count changed; see: {why}"
                );
                loupe
            }
            None => expected,
        };
        assert_eq!(set.span_count() as u64, *expected, "{file}: span count");
        checked += 1;
    }
    for (file, ..) in COUNT_EXCEPTIONS {
        assert!(
            counts.iter().any(|(f, _)| f == file),
            "{file}: an exception for a file PROVENANCE.md does not list"
        );
    }
    // Every corpus file is in the table, so none escapes the check above.
    for dir in ["otlp-json", "jaeger-json", "zipkin-json", "genai", "other"] {
        let on_disk = std::fs::read_dir(corpus.join(dir))
            .expect("corpus dir")
            .count();
        let listed = counts
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{dir}/")))
            .count();
        assert_eq!(on_disk, listed, "{dir}: every file has a PROVENANCE row");
    }
    assert!(checked >= 7, "checked {checked} corpus files");
}

#[test]
fn corpus_details_that_matter() {
    let Some(corpus) = corpus_dir() else { return };
    let load =
        |f: &str| loupe_core::load(f, std::fs::read(corpus.join(f)).expect("read")).expect("load");

    // Uppercase hex ids come out lowercase; the missing parent makes an orphan.
    let set = load("otlp-json/otelproto-example-trace.json");
    let r = loupe_tests::report(&set);
    assert_eq!(r.traces[0].trace_id, "5b8efff798038103d269b633813fc60c");
    assert_eq!(r.traces[0].orphans.len(), 1);
    assert!(r.traces[0].roots.is_empty());

    // Base64 ids in JSON Lines: 19 traces, 13 orphans.
    let set = load("otlp-json/otlp2parquet-traces-base64.jsonl");
    let r = loupe_tests::report(&set);
    assert_eq!(r.traces.len(), 19);
    assert_eq!(r.traces.iter().map(|t| t.orphans.len()).sum::<usize>(), 13);
    assert!(r.traces.iter().all(|t| t.trace_id.len() == 32));

    // The same generator's protobuf export reads to the same traces, orphans and analysis.
    let pb = load("other/otlp2parquet-traces.pb");
    assert_eq!(pb.sources()[0].format, "otlp-proto");
    assert_eq!(loupe_tests::report(&pb).traces, r.traces);

    // The exact duplicate is kept twice and flagged once.
    let set = load("otlp-json/jaegerui-telemetrygen-dup-spanid.json");
    assert_eq!(set.span_count(), 2);
    assert_eq!(
        set.warnings()
            .iter()
            .filter(|w| w.code == loupe_core::WarningCode::DuplicateSpanId)
            .count(),
        1
    );

    // JSON Lines whose parent links cross lines form one tree.
    let set = load("otlp-json/jaegerui-nodejs-sdk-multiline.jsonl");
    assert_eq!(set.traces().len(), 1);
    assert_eq!(set.spans().iter().map(|s| s.depth).max(), Some(2));
    assert!(set.warnings().is_empty());

    // api_v3 wrapper, int64 max as a string, bytes, kvlists.
    let set = load("otlp-json/jaeger-v3-api-anyvalue-probe.json");
    let dump = loupe_tests::dump(&set);
    assert!(dump.contains("9223372036854775807i"), "{dump}");
    assert!(dump.contains("bytes:"), "{dump}");
}

/// The span with this id (as displayed), for the Jaeger, Zipkin and GenAI checks below.
fn span_by_id<'a>(set: &'a loupe_core::TraceSet, id: &str) -> loupe_core::SpanRef<'a> {
    (0..set.span_count() as u32)
        .map(|i| set.span(loupe_core::SpanIx(i)))
        .find(|s| s.span_id() == id)
        .unwrap_or_else(|| panic!("no span {id}"))
}

fn warnings_of(set: &loupe_core::TraceSet, code: loupe_core::WarningCode) -> usize {
    set.warnings().iter().filter(|w| w.code == code).count()
}

#[test]
fn corpus_jaeger_zipkin_and_genai_details() {
    use loupe_core::{SpanKind, StatusCode, Value, WarningCode};
    let Some(corpus) = corpus_dir() else { return };
    let load =
        |f: &str| loupe_core::load(f, std::fs::read(corpus.join(f)).expect("read")).expect("load");
    let services = |set: &loupe_core::TraceSet| {
        let mut s: Vec<String> = loupe_tests::report(set)
            .traces
            .iter()
            .flat_map(|t| t.services.clone())
            .collect();
        s.sort();
        s.dedup();
        s.len()
    };

    // Jaeger: hex that lost its leading zeros is padded, a 64-bit trace id becomes 128-bit.
    let set = load("jaeger-json/jaegerui-petclinic-odd-length-ids.json");
    assert_eq!(
        set.traces()[0].id.display(set.strings()).to_string(),
        "0df84e36b9e2ee3815d07f0867a5be1f"
    );
    // PROVENANCE.md's note says 15 sibling DB spans; the file holds 14 (17 spans less 3 HTTP ones).
    let db = span_by_id(&set, "0a68c6983a6d81a2");
    assert_eq!(db.parent_id().as_deref(), Some("6f9bbe751e5fd944"));
    assert_eq!(
        set.children(span_by_id(&set, "6f9bbe751e5fd944").ix)
            .count(),
        14
    );
    assert_eq!(loupe_tests::report(&set).traces[0].roots.len(), 1);
    assert_eq!(services(&set), 2);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    let set = load("jaeger-json/jaeger-query-selftrace-api.json");
    assert_eq!(
        set.traces()[0].id.display(set.strings()).to_string(),
        "00000000000000002db17286b3e6b148"
    );
    let child = span_by_id(&set, "0ec2b4e0bcea566d");
    assert_eq!(child.rec.depth, 1);
    assert_eq!(child.service(), "jaeger-query");
    assert_eq!(
        span_by_id(&set, "2db17286b3e6b148").rec.kind,
        SpanKind::Server
    );

    // Non-hex ids are legal in Jaeger UI files: kept as given, no bad_id warning. FOLLOWS_FROM
    // alone makes the parent (and stays a link); the `error` tag as the string "true" counts.
    let set = load("jaeger-json/jaegerui-nonhex-ids-followsfrom.json");
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    assert_eq!(
        set.traces()[0].id.display(set.strings()).to_string(),
        "trace-123"
    );
    assert_eq!(
        span_by_id(&set, "span-2_1").parent_id().as_deref(),
        Some("span-1")
    );
    let consumer = span_by_id(&set, "span-7");
    assert_eq!(consumer.parent_id().as_deref(), Some("span-6"));
    assert_eq!(set.links(consumer.rec.links).len(), 1);
    assert!(span_by_id(&set, "span-2").is_error());
    assert_eq!(services(&set), 2);

    // The first CHILD_OF in the span's own trace is the parent (not the one into another trace);
    // the rest are links. int64 beyond 2^53 stays exact, in UI JSON (a string) and in api_v2 (a
    // JSON number); both files hold the same trace.
    for file in [
        "jaeger-json/jaeger-uimodel-ui-01.json",
        "jaeger-json/jaeger-apiv2-protojson-base64.json",
    ] {
        let set = load(file);
        let refs = span_by_id(&set, "0000000000000004");
        assert_eq!(
            refs.parent_id().as_deref(),
            Some("0000000000000002"),
            "{file}"
        );
        assert_eq!(set.links(refs.rec.links).len(), 2, "{file}");
        let tagged = (0..set.span_count() as u32)
            .map(|i| set.span(loupe_core::SpanIx(i)))
            .find(|s| s.attr("javascript_limit").is_some())
            .expect("tagged span");
        assert_eq!(
            tagged.attr("javascript_limit"),
            Some(Value::Int(9_223_372_036_854_775_222)),
            "{file}"
        );
        assert_eq!(
            tagged.attr("temperature"),
            Some(Value::Double(72.5)),
            "{file}"
        );
        assert!(tagged.is_error(), "{file}");
        assert_eq!(warnings_of(&set, WarningCode::DuplicateSpanId), 1, "{file}");
        assert_eq!(set.span_count(), 5);
    }
    let set = load("jaeger-json/jaeger-apiv2-protojson-base64.json");
    let s = span_by_id(&set, "0000000000000005");
    assert_eq!(s.rec.start_unix_ns, 1_485_467_191_639_875_139);
    assert_eq!(s.duration_ns(), 4000);

    // A bare array with the process inline; the root's parent is not in the file.
    let set = load("jaeger-json/jaeger-anonymizer-span-array.json");
    assert_eq!(warnings_of(&set, WarningCode::Orphan), 1);
    assert!(span_by_id(&set, "7bd66f09ba90ea3d").is_error());
    assert_eq!(services(&set), 2);

    // Jaeger UI's GenAI trace: 57 spans, 10 services, one error; token counts are numbers.
    let set = load("genai/jaegerui-genai-semconv-trace.json");
    assert_eq!(services(&set), 10);
    assert_eq!(
        set.spans()
            .iter()
            .filter(|s| s.status == StatusCode::Error)
            .count(),
        1
    );
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());

    // Zipkin skew: the client and server halves of one RPC share an id; the server half gets
    // `<id>-server` under its client half, and the server's child hangs under the server half.
    let set = load("zipkin-json/zipkin-lens-skew.json");
    let client = span_by_id(&set, "74280ae0c10d8062");
    let server = span_by_id(&set, "74280ae0c10d8062-server");
    assert_eq!(client.rec.kind, SpanKind::Client);
    assert_eq!(client.service(), "servicea");
    assert_eq!(server.rec.kind, SpanKind::Server);
    assert_eq!(server.service(), "serviceb");
    assert_eq!(server.rec.parent, Some(client.ix));
    let async_child = span_by_id(&set, "43210ae0c10d1234");
    assert_eq!(async_child.rec.parent, Some(server.ix));
    assert_eq!(async_child.rec.depth, 3);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());

    // Shared spans in real captures: every server half found its client half.
    for (file, halves, services_n, errors) in [
        (
            "zipkin-json/zipkin-lens-smartthings-mobile-web-install.json",
            294,
            16,
            2,
        ),
        (
            "zipkin-json/zipkin-lens-smartthings-oauth-authorization.json",
            45,
            8,
            2,
        ),
        ("zipkin-json/zipkin-lens-yelp.json", 3, 6, 0),
        ("zipkin-json/zipkin-lens-messaging-kafka.json", 0, 2, 3),
    ] {
        let set = load(file);
        let server_halves: Vec<_> = (0..set.span_count() as u32)
            .map(|i| set.span(loupe_core::SpanIx(i)))
            .filter(|s| s.span_id().contains("-server"))
            .collect();
        assert_eq!(server_halves.len(), halves, "{file}");
        assert!(
            server_halves.iter().all(|s| s
                .rec
                .parent
                .is_some_and(|p| set.span(p).rec.kind == SpanKind::Client)),
            "{file}: a server half not under its client half"
        );
        assert_eq!(services(&set), services_n, "{file}");
        assert_eq!(
            set.spans()
                .iter()
                .filter(|s| s.status == StatusCode::Error)
                .count(),
            errors,
            "{file}"
        );
        assert!(set.warnings().is_empty(), "{file}: {:?}", set.warnings());
    }
    // One request fanned out to five server halves: each gets its own id.
    let set = load("zipkin-json/zipkin-lens-smartthings-oauth-authorization.json");
    assert_eq!(
        span_by_id(&set, "9d2d35b746db84f3-server-5")
            .parent_id()
            .as_deref(),
        Some("9d2d35b746db84f3")
    );
    let set = load("zipkin-json/zipkin-lens-messaging2.json");
    assert_eq!(warnings_of(&set, WarningCode::Orphan), 6);

    // Zipkin v1: one span object with cs/sr/ss/cr is a client span and its server half.
    let set = load("zipkin-json/zipkin-v1-span-rpc.json");
    let client = span_by_id(&set, "d673d7abe80d2f3f");
    let server = span_by_id(&set, "d673d7abe80d2f3f-server");
    assert_eq!(
        (client.service(), client.duration_ns()),
        ("zipkin-web", 51_000_000)
    );
    assert_eq!(
        (server.service(), server.duration_ns()),
        ("zipkin-query", 4_000_000)
    );
    assert_eq!(server.rec.parent, Some(client.ix));
    assert!(client.attr("http.uri").is_some() && server.attr("http.path").is_some());

    // otel.status_code / otel.status_description tags → status; a 128-bit trace id.
    let set = load("zipkin-json/otelcontrib-zipkinreceiver-sample3.json");
    let s = span_by_id(&set, "4d1e00c0db9010db");
    assert!(s.is_error());
    assert_eq!(set.str(s.rec.status_message), "Something failed");
    assert_eq!(s.attr("otel.status_code"), None);
    assert_eq!(s.rec.kind, SpanKind::Client);

    // any-agent: 128-bit trace ids and 64-bit span ids as DECIMAL numbers, read exactly.
    let set = load("genai/anyagent-openai-agents-trace.json");
    assert_eq!(
        set.traces()[0].id.display(set.strings()).to_string(),
        format!(
            "{:032x}",
            100_927_429_609_276_267_646_756_448_943_279_827_607_u128
        )
    );
    let root = span_by_id(&set, &format!("{:016x}", 12_324_293_800_750_531_911_u64));
    assert_eq!(root.name(), "invoke_agent [any_agent]");
    assert_eq!(root.parent_id(), None);
    assert_eq!(set.children(root.ix).count(), 5);
    let llm = span_by_id(&set, &format!("{:016x}", 9_295_669_169_508_793_927_u64));
    assert_eq!(llm.attr("gen_ai.usage.input_tokens"), Some(Value::Int(269)));
    assert_eq!(llm.service(), "unknown_service");
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    let set = load("genai/anyagent-google-adk-trace.json");
    assert_eq!(warnings_of(&set, WarningCode::Orphan), 6);

    // OpenAI Agents ingest: only `trace.span` items are spans (the `trace` items are not);
    // string ids are kept as given without bad_id warnings; children come before parents.
    for (file, spans, traces, orphans, trace_objects) in [
        (
            "genai/openai-agents-ingest-recipe-hierarchy.jsonl",
            13,
            3,
            2,
            2,
        ),
        (
            "genai/openai-agents-ingest-router-handoff.jsonl",
            7,
            1,
            4,
            1,
        ),
    ] {
        let text = std::fs::read_to_string(corpus.join(file)).expect("read");
        let mut counted = (0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let body: serde_json::Value = serde_json::from_str(line).expect("line");
            for item in body["data"].as_array().expect("data") {
                match item["object"].as_str() {
                    Some("trace.span") => counted.0 += 1,
                    Some("trace") => counted.1 += 1,
                    other => panic!("{file}: {other:?}"),
                }
            }
        }
        assert_eq!(counted, (spans, trace_objects), "{file}");
        let set = load(file);
        assert_eq!(set.span_count(), spans, "{file}");
        assert_eq!(set.traces().len(), traces, "{file}");
        assert_eq!(warnings_of(&set, WarningCode::Orphan), orphans, "{file}");
        assert_eq!(warnings_of(&set, WarningCode::BadId), 0, "{file}");
        assert_eq!(
            set.warnings().len(),
            orphans,
            "{file}: {:?}",
            set.warnings()
        );
    }
    let set = load("genai/openai-agents-ingest-router-handoff.jsonl");
    let agent = span_by_id(&set, "span_c20df6e8a4cf402e80c695dc");
    assert_eq!(agent.name(), "invoke_agent Data Router Agent");
    assert_eq!(set.children(agent.ix).count(), 2);
    assert!(agent.attr("openai_agents.workflow_name").is_some());
    let tool = span_by_id(&set, "span_7bcef2bb963b42e28a8d4f51");
    assert_eq!(tool.name(), "execute_tool analyze_data");
    assert!(tool.attr("gen_ai.tool.call.arguments").is_some());
    assert!(tool.attr("gen_ai.tool.call.result").is_some());
    // The trace without a trace object has no workflow name.
    let set = load("genai/openai-agents-ingest-recipe-hierarchy.jsonl");
    let composer = span_by_id(&set, "span_e6a4e759a5db4b7aafeec6e3");
    assert_eq!(composer.attr("openai_agents.workflow_name"), None);
    assert_eq!(
        span_by_id(&set, "span_a2abbacc64414aacac786275")
            .attr("gen_ai.agent.name")
            .map(|v| set.value_str(v).map(|s| s.into_owned())),
        Some(Some("Main Chat Agent".to_owned()))
    );
}

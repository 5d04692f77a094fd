//! Hostile files, generated here (nothing big is committed): each gives a clear error or loads what
//! is valid with warnings, never a panic, and every later step (analysis, secret scan, redaction,
//! both writers, reading the output back) takes what loaded without panicking. The CLI run on a
//! few exits 0 or 2, never by a signal.

use loupe_core::analysis::{Analysis, Options};
use loupe_core::{Limits, Loader, TraceSet, WarningCode};

/// Everything that can be done with a loaded set, so a hostile set gets through all of it.
fn exercise(set: &TraceSet) {
    let analysis = Analysis::run(set, &Options::default());
    let report = loupe_core::report::AnalysisReport::build(set, &analysis);
    serde_json::to_string(&report).expect("the report serialises");
    loupe_core::secrets::scan(set);
    let redacted =
        loupe_core::redact::redact(set, &loupe_core::redact::Policy::default(), &[9; 32]);
    assert_eq!(redacted.set.span_count(), set.span_count());
    let mut json = Vec::new();
    loupe_core::export::otlp_json::write(&redacted.set, &mut json).expect("writes");
    let pb = loupe_core::export::otlp_proto::encode(set);
    if set.span_count() > 0 {
        let again = loupe_core::load("again.json", json).expect("the output loads again");
        assert_eq!(again.span_count(), set.span_count());
        let again = loupe_core::load("again.pb", pb).expect("the protobuf output loads again");
        assert_eq!(again.span_count(), set.span_count());
    }
}

/// A loaded set whose `Debug` is one line (a failed `expect_err` must not print megabytes).
struct Loaded(TraceSet);

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a set of {} spans", self.0.span_count())
    }
}

impl std::ops::Deref for Loaded {
    type Target = TraceSet;
    fn deref(&self) -> &TraceSet {
        &self.0
    }
}

/// Loads with `limits`; exercises what loaded; returns the set, or the error's message.
fn load_with(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Loaded, String> {
    let mut loader = Loader::with_limits(limits);
    match loader.add_file(name, bytes) {
        Ok(_) => {
            let set = loader.finish();
            exercise(&set);
            Ok(Loaded(set))
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(name), "the error names the file: {msg}");
            Err(msg)
        }
    }
}

fn load(name: &str, bytes: Vec<u8>) -> Result<Loaded, String> {
    load_with(name, bytes, Limits::default())
}

fn has_warning(set: &TraceSet, code: WarningCode) -> bool {
    set.warnings().iter().any(|w| w.code == code)
}

/// A deterministic byte stream (xorshift).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn doc(spans: &str) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"scope":{{"name":"s"}},"spans":[{spans}]}}]}}]}}"#
    )
}

fn span(id: &str, parent: &str, extra: &str) -> String {
    format!(
        r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}","name":"op {id}","startTimeUnixNano":"1000","endTimeUnixNano":"2000"{extra}}}"#
    )
}

#[test]
fn empty_and_random_bytes() {
    assert!(
        load("empty.json", Vec::new())
            .expect_err("empty")
            .contains("empty")
    );
    assert!(load("blank.json", b"  \n\t ".to_vec()).is_err());
    // Random bytes of 2 B to 64 KiB are no format: an error naming the file, never an empty set.
    for seed in 1..40 {
        let bytes = noise(seed, 1 << (seed % 17));
        let len = bytes.len();
        load("random.bin", bytes)
            .expect_err(&format!("{len} random bytes (seed {seed}) are not a trace"));
    }
    // Random bytes behind a valid gzip header: a gzip error.
    let e = load(
        "bad.gz",
        [&[0x1f, 0x8b, 8, 0][..], &noise(5, 4096)].concat(),
    )
    .expect_err("corrupt gzip");
    assert!(e.contains("gzip"), "{e}");
    // A gzip bomb, cut by the decompressed-size limit.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![b' '; 8 << 20]).expect("gzip");
    let bomb = gz.finish().expect("gzip");
    let limits = Limits {
        max_decompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = load_with("bomb.json.gz", bomb, limits).expect_err("over the limit");
    assert!(e.contains("decompresses to more than"), "{e}");
    let e = load_with(
        "big.json",
        vec![b' '; 4096],
        Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        },
    )
    .expect_err("too big");
    assert!(e.contains("over the limit"), "{e}");
}

#[test]
fn truncated_json_at_every_point() {
    let text = doc(&[
        span(
            "a000000000000001",
            "",
            r#","attributes":[{"key":"k","value":{"stringValue":"v\"w"}}]"#,
        ),
        span(
            "a000000000000002",
            "a000000000000001",
            r#","events":[{"timeUnixNano":"1500","name":"e"}]"#,
        ),
    ]
    .join(","));
    // Every cut is an error, or keeps the spans before it with a `truncated` warning: never a
    // smaller set that looks whole. A span is kept once its closing brace is in; before the
    // first one's, nothing is (an error, whose message names the file: `load` checks).
    let first_end = text.find(r#",{"traceId"#).expect("second span");
    let second_end = text.len() - "]}]}]}".len();
    for cut in 0..text.len() {
        let want = if cut < first_end {
            0
        } else if cut < second_end {
            1
        } else {
            2
        };
        match load("cut.json", text.as_bytes()[..cut].to_vec()) {
            Err(e) => assert_eq!(want, 0, "cut at {cut} of {}: {e}", text.len()),
            Ok(set) => {
                assert_eq!(set.span_count(), want, "cut at {cut} of {}", text.len());
                assert!(
                    has_warning(&set, WarningCode::Truncated),
                    "cut at {cut} of {}: {} spans and no `truncated` warning: {:?}",
                    text.len(),
                    set.span_count(),
                    set.warnings()
                );
            }
        }
    }
}

/// Every single-document fixture of every JSON format, cut at every byte: an error, or what came
/// before with a `truncated` warning. (JSON Lines and concatenated objects are left out: cut
/// between two lines, they are whole files.)
#[test]
fn every_json_format_cut_at_every_byte_says_so() {
    let files = [
        "jaeger/valid/api-v2-protojson.json",
        "jaeger/valid/query-api-data.json",
        "jaeger/valid/span-array-inline-process.json",
        "jaeger/valid/trace-object-nonhex-ids.json",
        "zipkin/valid/api-trace-list.json",
        "zipkin/valid/v1-annotations.json",
        "zipkin/valid/v2-fragments-merged.json",
        "zipkin/valid/v2-shared-rpc.json",
        "any-agent/valid/agent-trace.json",
        "openai-agents/valid/single-body.json",
        "span-events/valid/array-of-events.json",
        "otlp/valid/agent-run-hex.json",
        "otlp/valid/anyvalue-every-kind.json",
        "otlp/valid/api-v3-result-wrapper.json",
        "otlp/valid/base64-ids-enum-names.json",
        "otlp/valid/snake-case-and-old-names.json",
    ];
    for rel in files {
        let bytes = std::fs::read(loupe_tests::fixtures_dir().join(rel)).expect(rel);
        let whole = load(rel, bytes.clone()).expect(rel);
        assert!(!has_warning(&whole, WarningCode::Truncated), "{rel}");
        let end = bytes.trim_ascii_end().len();
        let mut partial = 0;
        for cut in 0..end {
            if let Ok(set) = load(rel, bytes[..cut].to_vec()) {
                assert!(
                    has_warning(&set, WarningCode::Truncated),
                    "{rel} cut at {cut} of {end}: {} of {} spans and no `truncated` warning: {:?}",
                    set.span_count(),
                    whole.span_count(),
                    set.warnings()
                );
                assert!(set.span_count() <= whole.span_count(), "{rel} cut at {cut}");
                partial += 1;
            }
        }
        if rel.starts_with("span-events/") {
            // A JSON array of span events is read whole (a start and its finish may be far
            // apart): cut, it is an error.
            assert_eq!(partial, 0, "{rel}");
        } else {
            // At least the cut just before the closing bracket keeps spans.
            assert!(partial > 0, "{rel}: no cut kept anything");
        }
    }
}

#[test]
fn nesting_200000_levels_deep() {
    let n = 200_000;
    // As the document itself: serde_json's recursion limit turns it into a syntax error.
    // An unknown field is skipped without recursion: the file loads, with no spans.
    let deep = format!(
        r#"{{"resourceSpans":[{{"skipped":{}{}}}]}}"#,
        "[".repeat(n),
        "]".repeat(n)
    );
    let set = load("deep.json", deep.into_bytes());
    assert_eq!(set.map(|s| s.span_count()), Ok(0));
    // Where a ResourceSpans object is expected: a clear error.
    let deep = format!(r#"{{"resourceSpans":{}{}}}"#, "[".repeat(n), "]".repeat(n));
    let e = load("deep.json", deep.into_bytes()).expect_err("not OTLP");
    assert!(e.contains("deep.json:1:"), "{e}");
    // Where a value is read: cut at `max_value_depth`, the rest skipped without recursion.
    let deep = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"k","value":{}{}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        "[".repeat(n),
        "]".repeat(n),
        span("a000000000000001", "", "")
    );
    let set = load("deep3.json", deep.into_bytes()).expect("loads");
    assert!(has_warning(&set, WarningCode::Limit));
    assert_eq!(set.span_count(), 1);
    // As bare arrays and objects: no format reads them, an error.
    for open in ["[", "{\"a\":"] {
        let close = if open == "[" { "]" } else { "}" };
        let text = format!("{}{}", open.repeat(n), close.repeat(n));
        load("deep2.json", text.into_bytes()).expect_err(open);
    }
    // Inside an attribute value, as OTLP nests AnyValues: within JSON's 128 levels the value is
    // cut at `max_value_depth` with a `limit` warning.
    let nested = |levels: usize| {
        let mut v = r#"{"stringValue":"leaf"}"#.to_owned();
        for _ in 0..levels {
            v = format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#);
        }
        doc(&span(
            "a000000000000001",
            "",
            &format!(r#","attributes":[{{"key":"deep","value":{v}}}]"#),
        ))
    };
    let set = load("nested.json", nested(20).into_bytes()).expect("loads");
    assert_eq!(set.span_count(), 1);
    assert!(
        has_warning(&set, WarningCode::Limit),
        "{:?}",
        set.warnings()
    );
    let set = load("nested.json", nested(10).into_bytes()).expect("loads");
    assert!(!has_warning(&set, WarningCode::Limit));
    let tight = Limits {
        max_value_depth: 2,
        ..Limits::default()
    };
    let set = load_with("nested.json", nested(10).into_bytes(), tight).expect("loads");
    assert!(has_warning(&set, WarningCode::Limit));
    // 200,000 levels of AnyValues: cut at the limit, the rest skipped; the span loads.
    let set = load("nested.json", nested(n).into_bytes()).expect("loads");
    assert_eq!(set.span_count(), 1);
    assert!(has_warning(&set, WarningCode::Limit));
    // Inside a string, as JSON text: the secret scanner walks it with a heap stack.
    let text = format!(
        "{}\"sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA\"{}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let escaped = serde_json::to_string(&text).expect("json");
    let set = load(
        "deep-string.json",
        doc(&span(
            "a000000000000001",
            "",
            &format!(r#","attributes":[{{"key":"blob","value":{{"stringValue":{escaped}}}}}]"#),
        ))
        .into_bytes(),
    )
    .expect("loads");
    let found = loupe_core::secrets::scan(&set);
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_50_mb_string_value() {
    let big = "x".repeat(50 << 20);
    let text = doc(&span(
        "a000000000000001",
        "",
        &format!(r#","attributes":[{{"key":"big","value":{{"stringValue":"{big}"}}}}]"#),
    ));
    drop(big);
    let set = load("big.json", text.clone().into_bytes()).expect("loads");
    assert!(
        has_warning(&set, WarningCode::Limit),
        "{:?}",
        set.warnings()
    );
    let v = set.span(loupe_core::SpanIx(0)).attr("big").expect("kept");
    assert_eq!(
        set.value_str(v).expect("string").len(),
        Limits::default().max_value_bytes
    );
    // Raised, the whole value is kept.
    let roomy = Limits {
        max_value_bytes: 64 << 20,
        ..Limits::default()
    };
    let set = load_with("big.json", text.into_bytes(), roomy).expect("loads");
    assert!(!has_warning(&set, WarningCode::Limit));
    // With escapes, the cut lands on a character boundary.
    let escaped = serde_json::to_string(&"é\"\n".repeat(10_000)).expect("json");
    let text = doc(&span(
        "a000000000000001",
        "",
        &format!(r#","attributes":[{{"key":"big","value":{{"stringValue":{escaped}}}}}]"#),
    ));
    let tight = Limits {
        max_value_bytes: 1001,
        ..Limits::default()
    };
    let set = load_with("esc.json", text.into_bytes(), tight).expect("loads");
    let v = set.span(loupe_core::SpanIx(0)).attr("big").expect("kept");
    assert!(set.value_str(v).expect("string").len() <= 1001);
}

#[test]
fn a_million_attributes_on_one_span() {
    let mut attrs = String::with_capacity(45 << 20);
    for i in 0..1_000_000 {
        if i > 0 {
            attrs.push(',');
        }
        attrs.push_str(&format!(r#"{{"key":"k{i}","value":{{"intValue":"{i}"}}}}"#));
    }
    let text = doc(&span(
        "a000000000000001",
        "",
        &format!(r#","attributes":[{attrs}]"#),
    ));
    drop(attrs);
    let set = load("wide.json", text.into_bytes()).expect("loads");
    let kept = set.span(loupe_core::SpanIx(0)).attrs().len();
    assert_eq!(kept, Limits::default().max_attrs_per_span);
    assert!(has_warning(&set, WarningCode::Limit));
}

#[test]
fn parent_cycles_and_a_100000_deep_chain() {
    let cycle = doc(&[
        span("a000000000000001", "a000000000000002", ""),
        span("a000000000000002", "a000000000000001", ""),
        span("a000000000000003", "a000000000000003", ""),
    ]
    .join(","));
    let set = load("cycle.json", cycle.into_bytes()).expect("loads");
    assert_eq!(set.span_count(), 3);
    assert!(has_warning(&set, WarningCode::Cycle));

    let n = 100_000u64;
    let spans: Vec<String> = (1..=n)
        .map(|i| {
            let parent = if i == 1 {
                String::new()
            } else {
                format!("{:016x}", i - 1)
            };
            span(&format!("{i:016x}"), &parent, "")
        })
        .collect();
    let set = load("chain.json", doc(&spans.join(",")).into_bytes()).expect("loads");
    assert_eq!(set.span_count(), n as usize);
    assert_eq!(
        set.spans().iter().map(|s| s.depth).max(),
        Some(n as u32 - 1)
    );
}

#[test]
fn ids_of_every_wrong_length() {
    let mut spans = Vec::new();
    for len in 0..40 {
        let hex: String = "0123456789abcdef".chars().cycle().take(len).collect();
        spans.push(format!(
            r#"{{"traceId":"{hex}","spanId":"{}","parentSpanId":"{}","name":"n{len}"}}"#,
            &hex[..len.min(20)],
            &hex[..len.min(18)]
        ));
    }
    spans.push(r#"{"traceId":12,"spanId":null,"parentSpanId":[],"name":"wrong types"}"#.into());
    spans.push(r#"{"traceId":"!!","spanId":"é€😀","name":"not hex"}"#.into());
    let set = load("ids.json", doc(&spans.join(",")).into_bytes()).expect("loads");
    assert_eq!(set.span_count(), 42);
    assert!(has_warning(&set, WarningCode::BadId));
}

#[test]
fn negative_huge_and_reversed_timestamps() {
    let times = [
        ("\"-5\"", "\"10\""),
        ("-5", "10"),
        ("\"18446744073709551615\"", "\"0\""),
        ("\"99999999999999999999999999\"", "1"),
        ("1.5e30", "-1e308"),
        ("\"abc\"", "{}"),
        ("2000", "1000"),
        ("null", "[]"),
        ("9223372036854775807", "9223372036854775808"),
    ];
    let spans: Vec<String> = times
        .iter()
        .enumerate()
        .map(|(i, (s, e))| {
            format!(
                r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{:016x}","name":"t{i}","startTimeUnixNano":{s},"endTimeUnixNano":{e},"events":[{{"timeUnixNano":{s},"name":"e"}}]}}"#,
                i + 1
            )
        })
        .collect();
    let set = load("times.json", doc(&spans.join(",")).into_bytes()).expect("loads");
    assert_eq!(set.span_count(), times.len());
    assert!(has_warning(&set, WarningCode::ReversedTime));
}

#[test]
fn invalid_utf8_inside_strings() {
    let mut text = doc(&span(
        "a000000000000001",
        "",
        r#","attributes":[{"key":"kXX","value":{"stringValue":"vXXw sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA"}}],"status":{"message":"mXX"}"#,
    ))
    .into_bytes();
    // Replace each `XX` with bytes that are not UTF-8.
    while let Some(at) = text.windows(2).position(|w| w == b"XX") {
        text[at] = 0xff;
        text[at + 1] = 0xc3;
    }
    // A text file that is not UTF-8 is read lossily, with a warning naming the first bad byte.
    let first_bad = text.iter().position(|&b| b == 0xff).expect("a bad byte");
    let set = load("utf8.json", text.clone()).expect("read lossily");
    assert_eq!(set.span_count(), 1);
    let w = set
        .warnings()
        .iter()
        .find(|w| w.code == WarningCode::InvalidUtf8)
        .expect("an invalid_utf8 warning");
    assert!(
        w.message
            .contains(&format!("the first at byte offset {first_bad};")),
        "{}",
        w.message
    );
    // As one line of JSON Lines, every line is kept, with the same warning.
    let good = doc(&span("a000000000000002", "", "")).into_bytes();
    let lines = [good.clone(), text, good].join(&b'\n');
    let set = load("utf8.jsonl", lines).expect("loads");
    assert_eq!(set.span_count(), 3);
    assert!(has_warning(&set, WarningCode::InvalidUtf8));
    // Invalid UTF-8 that reaches the model (through a long value held as bytes) is read lossily.
    let raw = [&b"sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA \xff\xfe"[..]].concat();
    let found = loupe_core::secrets::scan_text(&String::from_utf8_lossy(&raw));
    assert_eq!(found.len(), 1);
}

/// Every value of a small valid document replaced, in turn, by a value of every wrong JSON type.
#[test]
fn wrong_json_types_everywhere() {
    let base: serde_json::Value = serde_json::from_str(&doc(&[
        span(
            "a000000000000001",
            "",
            r#","kind":2,"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"i","value":{"intValue":"5"}}]}}}],"events":[{"timeUnixNano":"1500","name":"e","attributes":[]}],"links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000009"}],"status":{"code":2,"message":"m"},"droppedAttributesCount":1"#,
        ),
        span("a000000000000002", "a000000000000001", ""),
    ]
    .join(",")))
    .expect("valid");
    let wrong = [
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!(-1),
        serde_json::json!(1.5e300),
        serde_json::json!("s"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!([{"x": 1}]),
    ];
    // Every path into the document, found with an explicit stack.
    let mut paths: Vec<Vec<serde_json::Value>> = Vec::new();
    let mut stack = vec![(Vec::new(), &base)];
    while let Some((path, v)) = stack.pop() {
        match v {
            serde_json::Value::Object(m) => {
                for (k, c) in m {
                    let mut p = path.clone();
                    p.push(serde_json::json!(k));
                    stack.push((p, c));
                }
            }
            serde_json::Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(serde_json::json!(i));
                    stack.push((p, c));
                }
            }
            _ => {}
        }
        paths.push(path);
    }
    // The document and every object, array and scalar in it.
    assert_eq!(paths.len(), 52);
    let mut loaded = 0;
    for path in &paths {
        for w in &wrong {
            let mut d = base.clone();
            let mut cur = &mut d;
            for seg in path {
                cur = match seg {
                    serde_json::Value::String(k) => &mut cur[k.as_str()],
                    serde_json::Value::Number(i) => &mut cur[i.as_u64().expect("index") as usize],
                    _ => unreachable!(),
                };
            }
            *cur = w.clone();
            if let Ok(set) = load("types.json", d.to_string().into_bytes()) {
                assert!(set.span_count() <= 2, "{path:?} = {w}");
                loaded += 1;
            }
        }
    }
    // Many variants are rejected whole (with an error naming the file); the rest load.
    let variants = paths.len() * wrong.len();
    assert!(loaded > 0 && loaded < variants, "{loaded} of {variants}");
}

// ---------------------------------------------------------------------------------------------
// The CLI on hostile files: the exit code each must give (0 or 2), never a signal.

fn loupe() -> std::process::Command {
    loupe_tests::loupe_command()
}

#[test]
fn the_cli_exits_0_or_2_on_hostile_files() {
    let dir = std::env::temp_dir().join(format!("loupe-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let n = 100_000u64;
    let chain: Vec<String> = (1..=n)
        .map(|i| {
            let parent = if i == 1 {
                String::new()
            } else {
                format!("{:016x}", i - 1)
            };
            span(&format!("{i:016x}"), &parent, "")
        })
        .collect();
    let files: Vec<(&str, Vec<u8>, i32)> = vec![
        ("empty.json", Vec::new(), 2),
        ("random.bin", noise(3, 100_000), 2),
        (
            "truncated.json",
            doc(&span("a000000000000001", "", "")).as_bytes()[..150].to_vec(),
            2,
        ),
        (
            "deep.json",
            format!(
                r#"{{"resourceSpans":{}{}}}"#,
                "[".repeat(200_000),
                "]".repeat(200_000)
            )
            .into_bytes(),
            2,
        ),
        (
            "cycle.json",
            doc(&[
                span("a000000000000001", "a000000000000002", ""),
                span("a000000000000002", "a000000000000001", ""),
            ]
            .join(","))
            .into_bytes(),
            0,
        ),
        ("chain.json", doc(&chain.join(",")).into_bytes(), 0),
    ];
    for (name, bytes, want) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        for args in [
            vec!["analyze"],
            vec!["analyze", "--json"],
            vec!["tree"],
            vec!["lint"],
        ] {
            let out = loupe().args(&args).arg(&path).output().expect("runs");
            let code = out.status.code();
            assert!(
                code.is_some(),
                "{name} {args:?}: killed by a signal: {:?}",
                out.status
            );
            // `lint` too: an unreadable file is 2; the readable ones (plain `op …` spans, a cut
            // cycle, a long chain) break no threshold, so 0, not 1.
            assert_eq!(
                code,
                Some(*want),
                "{name} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            if code == Some(2) {
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(
                    err.contains(name),
                    "{name} {args:?}: the error names the file: {err}"
                );
            } else if args[0] == "lint" {
                let text = String::from_utf8_lossy(&out.stdout);
                assert_eq!(text, "ok: 1 trace(s) within the thresholds\n", "{name}");
            }
        }
        let redacted = dir.join(format!("{name}.redacted.json"));
        let out = loupe()
            .args(["redact", "-o"])
            .arg(&redacted)
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(*want),
            "{name} redact: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The value-size, attribute-count and depth limits hold for every format, not only OTLP JSON:
/// the builder applies them to what any importer adds. Each limit that cuts says so in its own
/// `limit` warning; the size limits reject a file of any format.
#[test]
fn limits_hold_in_every_format() {
    let long = "v".repeat(3000);
    let tight = Limits {
        max_value_bytes: 1000,
        max_attrs_per_span: 10,
        max_value_depth: 3,
        ..Limits::default()
    };
    let jaeger_tags: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"key":"k{i}","type":"string","value":"{long}"}}"#))
        .collect();
    let jaeger = format!(
        r#"{{"data":[{{"traceID":"0af7651916cd43dd8448eb211c80319c","spans":[{{"traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"a000000000000001","operationName":"op","startTime":1000,"duration":5,"tags":[{}],"processID":"p1"}}],"processes":{{"p1":{{"serviceName":"svc","tags":[]}}}}}}]}}"#,
        jaeger_tags.join(",")
    );
    let zipkin_tags: Vec<String> = (0..40).map(|i| format!(r#""k{i}":"{long}""#)).collect();
    let zipkin = format!(
        r#"[{{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"a000000000000001","name":"op","timestamp":1000,"duration":5,"localEndpoint":{{"serviceName":"svc"}},"tags":{{{}}}}}]"#,
        zipkin_tags.join(",")
    );
    // OTLP protobuf, written from a JSON set loaded whole: 40 long strings and a deep list.
    let mut nested = r#"{"stringValue":"leaf"}"#.to_owned();
    for _ in 0..8 {
        nested = format!(r#"{{"kvlistValue":{{"values":[{{"key":"in","value":{nested}}}]}}}}"#);
    }
    let mut otlp_attrs: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"key":"k{i}","value":{{"stringValue":"{long}"}}}}"#))
        .collect();
    otlp_attrs.insert(0, format!(r#"{{"key":"deep","value":{nested}}}"#));
    let json = doc(&span(
        "a000000000000001",
        "",
        &format!(r#","attributes":[{}]"#, otlp_attrs.join(",")),
    ));
    let whole = load("whole.json", json.into_bytes()).expect("loads");
    assert_eq!(whole.span(loupe_core::SpanIx(0)).attrs().len(), 41);
    let proto = loupe_core::export::otlp_proto::encode(&whole);

    // The JSON-object formats: the same 40 long strings and a plain JSON object 8 levels deep,
    // first in the span's attributes.
    let mut deep_json = r#""leaf""#.to_owned();
    for _ in 0..8 {
        deep_json = format!(r#"{{"in":{deep_json}}}"#);
    }
    let mut members: Vec<String> = (0..40).map(|i| format!(r#""k{i}":"{long}""#)).collect();
    let items: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    members.insert(0, format!(r#""list":[{}]"#, items.join(",")));
    members.insert(0, format!(r#""deep":{deep_json}"#));
    let members = members.join(",");
    let span_events = format!(
        "{}\n{}\n",
        format_args!(
            r#"{{"event":"span_started","run_id":"run-1","span_id":"s1","name":"op","ts":1000,"metadata":{{{members}}}}}"#
        ),
        r#"{"event":"span_finished","run_id":"run-1","span_id":"s1","ts":2000}"#
    );
    let any_agent = format!(
        r#"{{"spans":[{{"name":"op","context":{{"trace_id":1,"span_id":2}},"parent":null,"start_time":1000,"end_time":2000,"attributes":{{{members}}}}}]}}"#
    );
    let openai_agents = format!(
        r#"{{"data":[{{"object":"trace.span","id":"span_1","trace_id":"trace_1","parent_id":null,"started_at":"2025-03-02T12:00:00.000Z","ended_at":"2025-03-02T12:00:01.000Z","span_data":{{"type":"custom",{members}}}}}]}}"#
    );

    for (name, format, bytes, deep) in [
        ("jaeger.json", "jaeger-json", jaeger.into_bytes(), None),
        ("zipkin.json", "zipkin-json", zipkin.into_bytes(), None),
        ("otlp.pb", "otlp-proto", proto, Some("deep")),
        (
            "events.jsonl",
            "span-events-jsonl",
            span_events.into_bytes(),
            Some("deep"),
        ),
        (
            "any-agent.json",
            "any-agent-json",
            any_agent.into_bytes(),
            Some("deep"),
        ),
        (
            "openai-agents.json",
            "openai-agents-json",
            openai_agents.into_bytes(),
            Some("openai_agents.deep"),
        ),
    ] {
        // Default limits keep everything.
        let set = load(name, bytes.clone()).expect("loads");
        assert_eq!(set.sources()[0].format, format, "{name}");
        assert_eq!(set.span_count(), 1, "{name}");
        assert!(
            !has_warning(&set, WarningCode::Limit),
            "{name}: {:?}",
            set.warnings()
        );
        let span = set.span(loupe_core::SpanIx(0));
        assert!(span.attrs().len() >= 40, "{name}");
        let k5 = |set: &TraceSet| {
            let span = set.span(loupe_core::SpanIx(0));
            span.attr("k5")
                .or_else(|| span.attr("openai_agents.k5"))
                .map(|v| set.value_str(v).expect("str").len())
        };
        assert_eq!(k5(&set), Some(3000), "{name}");
        if let Some(key) = deep {
            assert_eq!(kv_levels(&set, span.attr(key).expect(key)).0, 8, "{name}");
        }
        let list = |set: &TraceSet| {
            let span = set.span(loupe_core::SpanIx(0));
            let v = span
                .attr("list")
                .or_else(|| span.attr("openai_agents.list"))?;
            match set.value(v) {
                loupe_core::ValueRef::Array(items) => Some(items.len()),
                _ => None,
            }
        };
        // The formats whose attributes are plain JSON objects carry the 40-item list too.
        let has_list = deep.is_some() && format != "otlp-proto";
        if has_list {
            assert_eq!(list(&set), Some(40), "{name}");
        }

        // Tight limits cut, and each says so.
        let set = load_with(name, bytes.clone(), tight).expect("loads");
        let limit_warnings: Vec<&str> = set
            .warnings()
            .iter()
            .filter(|w| w.code == WarningCode::Limit)
            .map(|w| w.message.as_str())
            .collect();
        let span = set.span(loupe_core::SpanIx(0));
        assert_eq!(
            span.attrs().len(),
            10,
            "{name}: {} attributes",
            span.attrs().len()
        );
        assert!(
            limit_warnings
                .iter()
                .any(|m| m.contains("(max_attrs_per_span)")),
            "{name}: {limit_warnings:?}"
        );
        // The long strings kept (k0.. among the first ten) are cut to 1000 bytes, with a warning.
        let mut cut = 0;
        for a in span.attrs() {
            if let Some(s) = set.value_str(a.value) {
                assert!(s.len() <= 1000, "{name}: a value of {} bytes", s.len());
                cut += usize::from(s.len() == 1000);
            }
        }
        assert!(cut >= 5, "{name}: {cut} values cut to the limit");
        assert!(
            limit_warnings
                .iter()
                .any(|m| m.contains("(max_value_bytes)")),
            "{name}: {limit_warnings:?}"
        );
        if has_list {
            // An array keeps its first `max_attrs_per_span` items, and says so.
            assert_eq!(list(&set), Some(10), "{name}");
            assert!(
                limit_warnings
                    .iter()
                    .any(|m| m.starts_with("an array of 40 items")
                        && m.contains("(max_attrs_per_span)")),
                "{name}: {limit_warnings:?}"
            );
        }
        if let Some(key) = deep {
            // The deep value is cut below the third level, with a warning: protobuf leaves the
            // rest out; the JSON formats keep it as JSON text.
            let (levels, rest) = kv_levels(&set, span.attr(key).expect(key));
            assert_eq!(levels, 3, "{name}");
            if format == "otlp-proto" {
                assert_eq!(rest, loupe_core::Value::Empty, "{name}");
            } else {
                assert_eq!(
                    set.value_str(rest).as_deref(),
                    Some(r#"{"in":{"in":{"in":{"in":{"in":"leaf"}}}}}"#),
                    "{name}"
                );
            }
            assert!(
                limit_warnings
                    .iter()
                    .any(|m| m.contains("(max_value_depth)")),
                "{name}: {limit_warnings:?}"
            );
        }

        // The size limits reject the file, plain or gzip.
        let e = load_with(
            name,
            bytes.clone(),
            Limits {
                max_file_bytes: bytes.len() - 1,
                ..Limits::default()
            },
        )
        .expect_err("over max_file_bytes");
        assert!(e.contains("over the limit"), "{name}: {e}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let set = load(name, gz.clone()).expect("gzip loads");
        assert_eq!(set.sources()[0].format, format, "{name}");
        let e = load_with(
            name,
            gz,
            Limits {
                max_decompressed_bytes: bytes.len() - 1,
                ..Limits::default()
            },
        )
        .expect_err("over max_decompressed_bytes");
        assert!(e.contains("decompresses to more than"), "{name}: {e}");
    }
}

/// Values an importer keeps as JSON text (the Agents SDK's tool input and output, a model's
/// messages) are cut at `max_value_bytes` like strings.
#[test]
fn json_text_values_are_cut_at_the_value_limit() {
    let long = "v".repeat(3000);
    let body = format!(
        r#"{{"data":[{{"object":"trace.span","id":"span_1","trace_id":"trace_1","parent_id":null,"started_at":"2025-03-02T12:00:00.000Z","ended_at":"2025-03-02T12:00:01.000Z","span_data":{{"type":"function","name":"search","input":{{"q":"{long}"}},"output":["{long}"]}}}},{{"object":"trace.span","id":"span_2","trace_id":"trace_1","parent_id":"span_1","started_at":"2025-03-02T12:00:00.000Z","ended_at":"2025-03-02T12:00:01.000Z","span_data":{{"type":"generation","model":"gpt-4.1","input":[{{"role":"user","content":"{long}"}}],"output":[{{"role":"assistant","content":"{long}"}}]}}}}]}}"#
    );
    let tight = Limits {
        max_value_bytes: 1000,
        ..Limits::default()
    };
    let keys = [
        (0, "gen_ai.tool.call.arguments"),
        (0, "gen_ai.tool.call.result"),
        (1, "gen_ai.input.messages"),
        (1, "gen_ai.output.messages"),
    ];
    let whole = load("agents.json", body.clone().into_bytes()).expect("loads");
    let set = load_with("agents.json", body.into_bytes(), tight).expect("loads");
    for (ix, key) in keys {
        let len = |set: &TraceSet| {
            let v = set.span(loupe_core::SpanIx(ix)).attr(key).expect(key);
            set.value_str(v).expect("text").len()
        };
        assert!(len(&whole) > 3000, "{key}: kept whole by default");
        assert_eq!(len(&set), 1000, "{key}");
    }
    let cuts = set
        .warnings()
        .iter()
        .filter(|w| w.code == WarningCode::Limit && w.message.contains("(max_value_bytes)"))
        .count();
    assert_eq!(cuts, 4, "{:?}", set.warnings());
}

/// How many key-value lists of one entry nest at `v`, and the value inside the last one.
fn kv_levels(set: &TraceSet, mut v: loupe_core::Value) -> (usize, loupe_core::Value) {
    let mut levels = 0;
    while let loupe_core::Value::KvList(r) = v {
        assert_eq!(set.attrs(r).len(), 1);
        levels += 1;
        v = set.attrs(r)[0].value;
    }
    (levels, v)
}

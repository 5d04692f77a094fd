//! Unit tests of the otlp_json importer.

use super::*;
use crate::import::Limits;

/// The set (and result) from reading `bytes` the usual way (`fast`) or with the seeds alone.
fn load_with(bytes: &[u8], limits: Limits, fast: bool) -> String {
    let mut b = Builder::default();
    let source = b.begin_source("f.json", "otlp-json", None);
    let input = Input {
        name: "f.json",
        bytes,
        limits,
    };
    let r = if fast {
        OtlpJson.import(&input, &mut b)
    } else {
        let text = std::str::from_utf8(bytes).ok();
        OtlpJson.import_seeds(&input, &mut b, text, is_json_lines(bytes))
    };
    b.set_source_bytes(source, bytes.to_vec());
    format!("{r:?}\n{:#?}", b.finish())
}

/// Whether the fast reader reads `bytes` by itself, without giving up.
fn fast_reads(bytes: &[u8]) -> bool {
    let mut b = Builder::default();
    b.begin_source("f.json", "otlp-json", None);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut ctx = Ctx {
        b: &mut b,
        input: InputBounds::of(bytes),
        bytes,
        limits: Limits::default(),
        depth: 0,
    };
    scan_text(&mut ctx, text, is_json_lines(bytes)).is_ok()
}

fn assert_same(bytes: &[u8], what: &str) {
    let tight = Limits {
        max_value_bytes: 8,
        max_attrs_per_span: 2,
        max_value_depth: 1,
        ..Limits::default()
    };
    for limits in [Limits::default(), tight] {
        let (fast, seeds) = (
            load_with(bytes, limits, true),
            load_with(bytes, limits, false),
        );
        assert!(
            fast == seeds,
            "{what}: the readers differ\n{fast}\n---\n{seeds}"
        );
    }
}

/// The OTLP JSON fixtures, by name.
fn fixtures() -> Vec<(&'static str, &'static [u8])> {
    macro_rules! fixture {
        ($name:literal) => {
            (
                $name,
                &include_bytes!(concat!("../../../../../tests/fixtures/", $name))[..],
            )
        };
    }
    vec![
        fixture!("otlp/valid/agent-run-hex.json"),
        fixture!("otlp/valid/anyvalue-every-kind.json"),
        fixture!("otlp/valid/api-v3-result-wrapper.json"),
        fixture!("otlp/valid/base64-ids-enum-names.json"),
        fixture!("otlp/valid/collector-file-exporter.jsonl"),
        fixture!("otlp/valid/sdk-node-agent.jsonl"),
        fixture!("otlp/valid/sdk-python-agent.json"),
        fixture!("otlp/valid/snake-case-and-old-names.json"),
        fixture!("otlp/invalid/bad-lines.jsonl"),
        fixture!("otlp/invalid/not-json.json"),
        fixture!("otlp/invalid/parent-cycle.json"),
        fixture!("otlp/invalid/truncated-after-first-span.json"),
        fixture!("otlp/invalid/wrong-types-and-odd-ids.json"),
        fixture!("equivalence/node-agent/otlp.json"),
        fixture!("equivalence/python-agent/otlp.json"),
        fixture!("genai/openai-v2-agent.json"),
        fixture!("genai/openinference-agent.json"),
        fixture!("genai/openllmetry-agent.json"),
        fixture!("analysis/conventions/old-message-events.json"),
        fixture!("analysis/conventions/openllmetry-flattened.json"),
        fixture!("analysis/secret/positive.json"),
        fixture!("analysis/truncated/positive.json"),
    ]
}

#[test]
fn fast_reader_matches_the_seeds_on_every_fixture_and_its_truncations() {
    let synth = loupe_synth::generate(300, 7);
    let mut inputs = fixtures();
    inputs.push(("loupe-synth, 300 spans", &synth));
    let mut read_fast = 0;
    for (what, bytes) in inputs {
        assert!(OtlpJson.sniff(bytes).is_ok(), "{what}");
        read_fast += usize::from(fast_reads(bytes));
        assert_same(bytes, what);
        // Cut short at a few places: the fast reader gives up and the seeds report the error.
        for cut in [1, 2, 3, 5, 8, 13].map(|k| bytes.len() * k / 21) {
            assert_same(&bytes[..cut], &format!("{what} cut at {cut}"));
        }
    }
    assert!(
        read_fast >= 15,
        "the fast reader read only {read_fast} inputs"
    );
    assert!(fast_reads(&synth));
}

#[test]
fn fast_reader_matches_the_seeds_on_odd_input() {
    let cases: &[&str] = &[
        // Escapes in keys, names and ids; lone surrogates; unknown fields of every type.
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","n\u0061me":"a","x":[1,-2.5e3,true,null,{"y":"\ud800"}]}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"caf\u00e9 \"q\""}]}]}]}"#,
        // Values of every shape, bare values, nulls, numbers as strings and numbers.
        r#"{"resourceSpans":[{"resource":null,"scopeSpans":[{"scope":null,"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1.7e18","status":{"code":"STATUS_CODE_ERROR","message":"m"},"attributes":[null,{"value":{"stringValue":"no key"}},{"key":"a","value":"bare"},{"key":"b","value":12},{"key":"c","value":-3},{"key":"d","value":0.25},{"key":"e","value":[1,"x",[2]]},{"key":"f","value":{"intValue":"x"}},{"key":"g","value":{"doubleValue":"NaN"}},{"key":"h","value":{"boolValue":"true"}},{"key":"i","value":{"bytesValue":"aGVsbG8="}},{"key":"j","value":{"kvlistValue":{"values":[{"key":"k","value":{"arrayValue":{"values":[{"stringValue":"deep \n text"}]}}}]}}},{"key":"l","value":{"arrayValue":null}},{"key":"m","value":{"arrayValue":{"values":"no"}}},{"key":"n","value":{"stringValue":12}},{"key":"o","value":{"stringValue":"a string longer than eight bytes, \u00e9"}},{"key":"p","value":{"intValue":18446744073709551616}},{"key":"q","value":{"doubleValue":1e400}}]}]}]}]}"#,
        // Bad ids, missing fields, reversed times, bad kind and status, events and links.
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"nothex","spanId":"","parentSpanId":"zz","name":"b","kind":9,"startTimeUnixNano":"5","endTimeUnixNano":"4","status":{"code":7},"events":[{"timeUnixNano":"6","name":"e","attributes":[{"key":"x","value":{"stringValue":"y"}}]}],"links":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","traceState":"t","flags":1}]},{"name":"no ids"}]}]}]}"#,
        // The api_v3 wrapper, snake_case, old names, schema urls, whitespace everywhere.
        "\u{feff} { \"result\" : { \"resource_spans\" : [ { \"schema_url\" : \"s\" , \"instrumentation_library_spans\" : [ { \"instrumentation_library\" : { \"name\" : \"lib\" , \"version\" : 1 } , \"spans\" : [ { \"trace_id\" : \"W47/95gDgQPSabYzgT/GDA==\" , \"span_id\" : \"7uGbfsPBsXQ=\" , \"dropped_attributes_count\" : 3 } ] } ] } ] } }\r\n",
        // Syntax errors the fast reader must not accept.
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a",}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"}]}]}]} x"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","x":01}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","x":"tab	in string"}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","x":"\q"}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","x":[1,]}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","x":tru}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"}]}]}],}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[null]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","events":[null]}]}]}]}"#,
        r#"{"resourceSpans":{"scopeSpans":[]}}"#,
        // JSON Lines, one line broken.
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"l1\"}]}]}]}\n\n{\"resourceSpans\":[]}\r\n{\"resourceSpans\":[\n",
        "{\"resourceSpans\":[]}\n{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"l2\"}]}]}]}\n",
    ];
    for (i, case) in cases.iter().enumerate() {
        assert_same(case.as_bytes(), &format!("case {i}"));
    }
    // Nesting deeper than the fast reader goes, and deeper than serde_json goes.
    for levels in [90, 200] {
        let deep = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"name":"d","x":{}{}}}]}}]}}]}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        );
        assert_same(deep.as_bytes(), &format!("{levels} levels"));
    }
    // Invalid UTF-8 in a value; long text of two- and three-byte characters.
    let head = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"#;
    let mut bad = head.as_bytes().to_vec();
    bad.extend_from_slice(b"\"a\xff b\"}]}]}]}");
    assert_same(&bad, "invalid UTF-8");
    for pad in [0, 1, 2] {
        let long = format!(
            r#"{head}"né","attributes":[{{"key":"k","value":{{"stringValue":"{}{}"}}}},{{"key":"été","value":{{"stringValue":"€"}}}}]}}]}}]}}]}}"#,
            "x".repeat(pad),
            "\u{e9}\u{20ac}".repeat(70_000 / 5)
        );
        assert!(fast_reads(long.as_bytes()));
        assert_same(long.as_bytes(), &format!("long text, pad {pad}"));
    }
    // The usual shape is read by the fast reader itself.
    assert!(fast_reads(cases[3].as_bytes()));
    assert!(fast_reads(cases[4].as_bytes()));
    assert!(!fast_reads(cases[0].as_bytes()));
}

//! Secrets: clean traces come out clean; a trace full of planted secrets, redacted by
//! `loupe redact`, holds none of them and keeps every span, id, time and token count.

use loupe_core::secrets;
use std::path::Path;

/// Every finding of a file, as text (the masked value only).
fn findings_of(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("read");
    // A file that does not load was not scanned: that is a failure, never "no false positives".
    let set = loupe_core::load(&path.to_string_lossy(), bytes).unwrap_or_else(|e| {
        panic!(
            "{}: does not load, so it was not scanned: {e}",
            path.display()
        )
    });
    let mut out: Vec<String> = secrets::scan(&set)
        .iter()
        .map(|f| {
            format!(
                "{}: {} in {:?} `{}` {:?} @{} ({})",
                path.display(),
                f.kind.as_str(),
                f.place,
                f.key,
                f.json_path,
                f.offset,
                f.masked
            )
        })
        .collect();
    let report = loupe_tests::report(&set);
    for t in &report.traces {
        for a in t.anomalies.iter().filter(|a| a.kind == "secret") {
            out.push(format!("{}: anomaly {}", path.display(), a.message));
        }
    }
    out
}

#[test]
fn clean_fixtures_have_no_secret_findings() {
    let root = loupe_tests::fixtures_dir();
    let mut files = Vec::new();
    for dir in ["otlp/valid", "genai", "analysis"] {
        files.extend(loupe_tests::trace_files_below(&root.join(dir)));
    }
    // The `secret` rule's own positive fixture is the one file meant to hold secrets.
    files.retain(|p| !p.ends_with("analysis/secret/positive.json"));
    assert!(files.len() > 20, "{files:?}");
    let found: Vec<String> = files.iter().flat_map(|p| findings_of(p)).collect();
    assert!(found.is_empty(), "false positives:\n{}", found.join("\n"));
}

#[test]
fn the_corpus_has_no_secret_findings() {
    let Some(corpus) = loupe_tests::corpus_dir() else {
        return;
    };
    let files = loupe_tests::corpus_trace_files(&corpus);
    assert!(files.len() > 20, "{files:?}");
    let found: Vec<String> = files.iter().flat_map(|(_, p)| findings_of(p)).collect();
    assert!(found.is_empty(), "false positives:\n{}", found.join("\n"));
}

#[test]
fn synthetic_runs_have_no_secret_findings() {
    let set = loupe_core::load("synth.json", loupe_synth::generate(3000, 7)).expect("loads");
    let found = secrets::scan(&set);
    assert!(found.is_empty(), "{found:?}");
}

// ---------------------------------------------------------------------------------------------
// A trace full of planted secrets, redacted by `loupe redact`.

fn loupe() -> std::process::Command {
    loupe_tests::loupe_command()
}

fn google_key() -> String {
    format!(
        "AIza{}",
        "SyB4k9X2mQ7wL1vN8cR5tY3uJ6hF0dS2gA7xQ"
            .get(..35)
            .expect("35")
    )
}

/// Every planted value, each as it must never appear in the output.
fn planted() -> Vec<String> {
    [
        "sk-proj-Rk3T9vXq2LmN8bW4yZ7cE1fH6jK0pS5uA3dG",
        "sk-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz12345678",
        "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa987654321-AA",
        "AKIAZ7Q3EXAMPLE4KEY9",
        "ASIAY34FZKBOKMUTVV7A",
        "ghp_R7x2Lk9Qm4Tz8Wv1Yc6Nb3Hd5Jf0Gs2Pa8Ue",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
        "xoxb-2048123456-5098765432101-q8Rz4LmN2vXc7TbK9wYh3Jdp",
        "sk_live_51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kP",
        "rk_live_51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kQ",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "MIIEowIBAAKCAQEA7bq9Xh2kPqL0vRt",
        "tok9f8e7d6c5b4a3210fedcba",
        "Tr0ub4dor&3",
        "jane.doe@acme-corp.io",
        "r.ortiz@globex-mail.co.uk",
        "+1 415-555-2671",
        "4111 1111 1111 1111",
        "5555555555554444",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "correct-horse-battery-staple",
        "s3ss10n-c00kie-value-abcdef",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([google_key()])
    .chain(
        [
            "glpat-xY3kP9qLm2Nv8Rt4Wz6B",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
            "npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7C9d",
            "https://hooks.slack.com/services/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",
            "wJa1rXUtnFEMI/K7MDENG/bPxRfiCYz9xq3KEYab",
            "219-09-9999",
        ]
        .map(str::to_owned),
    )
    .collect()
}

#[allow(clippy::needless_pass_by_value)] // built inline by json! at every call site
fn kv(key: &str, value: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"key": key, "value": value})
}

fn s(v: &str) -> serde_json::Value {
    serde_json::json!({"stringValue": v})
}

fn int(v: i64) -> serde_json::Value {
    serde_json::json!({"intValue": v.to_string()})
}

/// An agent run whose every corner holds a secret: attributes, nested lists, message parts, tool
/// arguments (JSON inside JSON inside a string), events, links, the resource, names and statuses.
fn planted_trace() -> String {
    let p = planted();
    let trace = "5b8efff798038103d269b633813fc60c";
    let messages = serde_json::json!([
        {"role": "system", "parts": [{"type": "text", "content": format!("Use key {} for OpenAI and {} for Anthropic.", p[0], p[2])}]},
        {"role": "user", "parts": [{"type": "text", "content": format!("I'm {}, call me on {}. My card is {} and my IBAN {}.", p[14], p[16], p[17], p[19])}]},
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1", "name": "deploy",
            "arguments": serde_json::json!({"repo": format!("https://deploy:{}@git.acme-corp.io/app.git", p[13]),
                                             "env": {"AWS_ACCESS_KEY_ID": p[3], "GITHUB_TOKEN": p[5]}}).to_string()}]}
    ])
    .to_string();
    let tool_args = serde_json::json!({
        "headers": {"Cookie": p[22]},
        "command": format!("curl -H 'Authorization: Bearer {}' https://api.acme-corp.io/v1", p[12]),
        "payload": serde_json::json!({"jwt": p[10], "password": p[21], "card_number": 5555555555554444u64}).to_string(),
        "pem": format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", p[11]),
    })
    .to_string();
    let span = |id: &str,
                parent: Option<&str>,
                name: &str,
                start: u64,
                end: u64,
                attrs: Vec<serde_json::Value>| {
        let mut v = serde_json::json!({
            "traceId": trace, "spanId": id, "name": name, "kind": 1,
            "startTimeUnixNano": start.to_string(), "endTimeUnixNano": end.to_string(),
            "attributes": attrs,
        });
        if let Some(parent) = parent {
            v["parentSpanId"] = parent.into();
        }
        v
    };
    let t0 = 1_750_000_000_000_000_000u64;
    let mut root = span(
        "a000000000000001",
        None,
        "invoke_agent deployer",
        t0,
        t0 + 9_000_000_000,
        vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s("deployer")),
            kv("user.email", s(&p[15])),
        ],
    );
    root["links"] = serde_json::json!([{"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "attributes": [kv("note", s(&format!("previous run used {}", p[7])))]}]);
    let chat = span(
        "a000000000000002",
        Some("a000000000000001"),
        "chat gpt-4o",
        t0 + 100_000_000,
        t0 + 2_100_000_000,
        vec![
            kv("gen_ai.operation.name", s("chat")),
            kv("gen_ai.request.model", s("gpt-4o")),
            kv("gen_ai.usage.input_tokens", int(1234)),
            kv("gen_ai.usage.output_tokens", int(567)),
            kv("gen_ai.request.max_tokens", int(4096)),
            kv("gen_ai.input.messages", s(&messages)),
        ],
    );
    let mut tool = span(
        "a000000000000003",
        Some("a000000000000001"),
        &format!("execute_tool notify {}", p[14]),
        t0 + 2_200_000_000,
        t0 + 3_000_000_000,
        vec![
            kv("gen_ai.operation.name", s("execute_tool")),
            kv("gen_ai.tool.name", s("notify")),
            kv("gen_ai.tool.call.arguments", s(&tool_args)),
            kv(
                "http.request.header.x-api-key",
                serde_json::json!({"arrayValue": {"values": [s(&p[8])]}}),
            ),
            kv(
                "config",
                serde_json::json!({"kvlistValue": {"values": [
                    kv("stripe", s(&p[9])), kv("google", s(&google_key())), kv("retries", int(3)),
                    kv("inner", serde_json::json!({"kvlistValue": {"values": [kv("slack", s(&p[7])), kv("github", s(&p[6]))]}})),
                ]}}),
            ),
            kv("payment.card_number", int(4111111111111111)),
        ],
    );
    tool["status"] =
        serde_json::json!({"code": 2, "message": format!("401 for token {} at {}", p[1], p[4])});
    tool["events"] = serde_json::json!([{"timeUnixNano": (t0 + 2_500_000_000u64).to_string(), "name": "exception",
        "attributes": [kv("exception.message", s(&format!("bad IBAN {} / card {}", p[20], p[18])))]}]);
    let chat2 = span("a000000000000004", Some("a000000000000001"), "chat gpt-4o", t0 + 3_100_000_000, t0 + 8_900_000_000, vec![
        kv("gen_ai.operation.name", s("chat")),
        kv("gen_ai.request.model", s("gpt-4o")),
        kv("gen_ai.usage.input_tokens", int(2000)),
        kv("gen_ai.usage.output_tokens", int(100)),
        kv("gen_ai.output.messages", s(&serde_json::json!([{"role": "assistant", "parts": [{"type": "text", "content": "Deployed. Nothing else to report."}]}]).to_string())),
        kv("gen_ai.tool.call.result", s(&format!(
            "GITLAB_TOKEN={} HF_TOKEN={}\n//registry.npmjs.org/:_authToken={}\nwebhook {}\n[default]\naws_secret_access_key = {}\nSSN {}\n",
            p[24], p[25], p[26], p[27], p[28], p[29]
        ))),
    ]);
    serde_json::json!({"resourceSpans": [{
        "resource": {"attributes": [kv("service.name", s("deployer")), kv("deployment.owner", s(&p[14]))]},
        "scopeSpans": [{"scope": {"name": "agent", "attributes": [kv("api_key", s(&p[0]))]}, "spans": [root, chat, tool, chat2]}]
    }]})
    .to_string()
}

/// The parts of `analyze --json` that must not change: ids, counts, times, tokens, the tree.
fn structure(report: &serde_json::Value) -> serde_json::Value {
    let traces: Vec<serde_json::Value> = report["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .map(|t| {
            serde_json::json!({
                "trace_id": t["trace_id"], "span_count": t["span_count"],
                "start": t["start_unix_nano"], "end": t["end_unix_nano"],
                "tokens": t["tokens"], "services": t["services"],
                "roots": t["roots"].as_array().expect("roots").iter().map(|r| (r["span_id"].clone(), r["duration_ns"].clone())).collect::<Vec<_>>(),
                "critical_path": t["critical_path"].as_array().expect("path").iter().map(|p| (p["span_id"].clone(), p["on_path_ns"].clone())).collect::<Vec<_>>(),
                "by_tool": t["by_tool"],
            })
        })
        .collect();
    serde_json::Value::Array(traces)
}

fn analyze_json(path: &Path) -> serde_json::Value {
    let out = loupe()
        .args(["analyze", "--json"])
        .arg(path)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Spans as (trace, span, parent, start, end, kind, status) and every numeric attribute.
fn skeleton(set: &loupe_core::TraceSet) -> Vec<String> {
    let mut out = Vec::new();
    for (t, _) in set.traces().iter().enumerate() {
        for span in set.trace_spans(loupe_core::TraceIx(t as u32)) {
            let mut nums: Vec<String> = span
                .attrs()
                .iter()
                .filter(|a| !set.str(a.key).contains("card"))
                .filter_map(|a| match a.value {
                    loupe_core::Value::Int(i) => Some(format!("{}={i}", set.str(a.key))),
                    loupe_core::Value::Double(d) => Some(format!("{}={d}", set.str(a.key))),
                    _ => None,
                })
                .collect();
            nums.sort();
            out.push(format!(
                "{} {} {:?} {}..{} {:?} {:?} depth={} events={} links={} {}",
                span.trace_id(),
                span.span_id(),
                span.parent_id(),
                span.rec.start_unix_ns,
                span.rec.end_unix_ns,
                span.rec.kind,
                span.rec.status,
                span.rec.depth,
                span.rec.events.len,
                span.rec.links.len,
                nums.join(",")
            ));
        }
    }
    out
}

#[test]
fn planted_secrets_are_all_found() {
    let text = planted_trace();
    let set = loupe_core::load("planted.json", text.into_bytes()).expect("loads");
    let found = secrets::scan(&set);
    let kinds: std::collections::BTreeSet<&str> = found.iter().map(|f| f.kind.as_str()).collect();
    for k in secrets::Kind::BUILTIN
        .into_iter()
        .filter(|k| k.on_by_default())
    {
        assert!(
            kinds.contains(k.as_str()),
            "no {} found: {kinds:?}",
            k.as_str()
        );
    }
    // Findings carry masks, never the values.
    let debug = format!("{found:?}");
    for p in planted() {
        assert!(!debug.contains(&p), "{p} leaked into a finding");
    }
    // The analysis reports them as `secret` anomalies: errors for credentials, warnings for PII.
    let report = loupe_tests::report(&set);
    let anomalies: Vec<_> = report.traces[0]
        .anomalies
        .iter()
        .filter(|a| a.kind == "secret")
        .collect();
    assert!(anomalies.iter().any(|a| a.severity == "error"));
    assert!(
        anomalies
            .iter()
            .any(|a| a.severity == "warning" && a.message.contains("e-mail"))
    );
    let messages = format!("{anomalies:?}");
    for p in planted() {
        assert!(!messages.contains(&p), "{p} leaked into a message");
    }
    assert!(
        messages.contains("$[2].parts[0].arguments > $.env.GITHUB_TOKEN"),
        "{messages}"
    );
}

#[test]
fn loupe_redact_removes_every_planted_secret_and_keeps_the_structure() {
    let dir = std::env::temp_dir().join(format!("loupe-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("planted.json");
    std::fs::write(&input, planted_trace()).expect("write");
    let raw = std::fs::read(&input).expect("read");
    for p in planted() {
        let needle = serde_json::to_string(&p).expect("json");
        let needle = needle.trim_matches('"');
        assert!(
            memmem(&raw, needle.as_bytes()) || memmem(&raw, p.as_bytes()),
            "the input lacks {p}"
        );
    }

    for (to, out_name) in [
        ("otlp-json", "redacted.json"),
        ("otlp-proto", "redacted.pb"),
    ] {
        let output = dir.join(out_name);
        let manifest = dir.join(format!("{out_name}.manifest.json"));
        let run = loupe()
            .args(["redact", "--to", to, "-o"])
            .arg(&output)
            .arg("--manifest")
            .arg(&manifest)
            .arg(&input)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("matches redacted"), "{stderr}");
        let bytes = std::fs::read(&output).expect("output");
        for p in planted() {
            assert!(!memmem(&bytes, p.as_bytes()), "{to}: {p} survived");
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            if p.starts_with("4111") || p.starts_with("5555") {
                assert!(
                    !memmem(&bytes, digits.as_bytes()),
                    "{to}: {digits} survived"
                );
            }
        }
        // The manifest counts, and holds no value.
        let m = std::fs::read(&manifest).expect("manifest");
        let mj: serde_json::Value = serde_json::from_slice(&m).expect("manifest JSON");
        assert_eq!(mj["schema"], "loupe.redaction/1");
        assert!(
            mj["matches"].as_u64().expect("count") >= planted().len() as u64,
            "{mj}"
        );
        for p in planted() {
            assert!(!memmem(&m, p.as_bytes()));
        }
        // Same spans, ids, tree, times and token counts; it loads again, and scans clean.
        assert_eq!(
            structure(&analyze_json(&output)),
            structure(&analyze_json(&input))
        );
        let before = loupe_core::load("in", raw.clone()).expect("loads");
        let after = loupe_core::load("out", bytes).expect("loads again");
        assert_eq!(skeleton(&after), skeleton(&before));
        let rest = secrets::scan(&after);
        assert!(rest.is_empty(), "{to}: still found {rest:?}");
    }
    // Message parts and tool arguments are still JSON, with the secret replaced inside.
    let text = std::fs::read_to_string(dir.join("redacted.json")).expect("json");
    let set = loupe_core::load("r", text.into_bytes()).expect("loads");
    let chat = set.span(loupe_core::SpanIx(1));
    let msgs = set
        .value_str(chat.attr("gen_ai.input.messages").expect("messages"))
        .expect("string")
        .into_owned();
    let v: serde_json::Value = serde_json::from_str(&msgs).expect("messages are JSON");
    let args: serde_json::Value =
        serde_json::from_str(v[2]["parts"][0]["arguments"].as_str().expect("args"))
            .expect("args JSON");
    assert_eq!(args["env"]["GITHUB_TOKEN"], "[REDACTED:secret_field]");
    assert_eq!(
        args["repo"],
        "https://[REDACTED:basic_auth]@git.acme-corp.io/app.git"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn redact_with_a_policy_hashes_and_drops() {
    let dir = std::env::temp_dir().join(format!("loupe-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("planted.json");
    std::fs::write(&input, planted_trace()).expect("write");
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "default = \"mask\"\n[actions]\nemail = \"hash\"\n[[rule]]\nid = \"owner\"\nkeys = [\"deployment.owner\"]\naction = \"drop\"\n",
    )
    .expect("policy");
    let output = dir.join("out.json");
    let run = loupe()
        .args(["redact", "--policy"])
        .arg(&policy)
        .arg("-o")
        .arg(&output)
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = std::fs::read_to_string(&output).expect("out");
    assert!(out.contains("[HASH:email:"), "{out}");
    assert!(!out.contains("deployment.owner"), "dropped");
    for p in planted() {
        assert!(!out.contains(&p), "{p}");
    }
    // A bad policy is a clear error and exit code 2.
    std::fs::write(&policy, "default = \"shred\"").expect("policy");
    let run = loupe()
        .args(["redact", "--policy"])
        .arg(&policy)
        .arg("-o")
        .arg(&output)
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("unknown action `shred`"));
    let _ = std::fs::remove_dir_all(&dir);
}

//! Agent traces with fake secrets and personal data planted everywhere, and an answer key: the
//! input of the redaction recall test (`tests/tests/redaction_recall.rs`), and of anyone trying
//! Loupe's redaction as an adversary would.
//!
//! Every [`Plant`] (a value of one kind, in one of the shapes agents leak it in) is written in every
//! position a format has: message parts, tool arguments (JSON inside JSON inside a string), tool
//! results, URLs (percent-encoded), header attributes, event attributes and names, span names,
//! status messages, resource and scope attributes, the scope name, trace states, link attributes
//! and attribute keys. [`planted`] writes one file per input format (OTLP JSON, Zipkin v2 JSON,
//! Jaeger JSON); [`answer_key`] lists what each file holds and which text must not survive a
//! redaction ([`Plant::needles`]). One more span holds a key cut by the value-size limit: run the
//! redaction with `max_value_bytes` = [`CUT_MAX_VALUE_BYTES`].
//!
//! [`lookalikes`] is the opposite: an OTLP JSON file of values that look like secrets and are not
//! (ids, hashes, UUIDs, base64 images, git SHAs, timestamps, token counts, versions, file names,
//! provider request ids), on which a scan must find nothing.
//!
//! All values are made up; none is a real credential. Everything here is a pure function.

use serde_json::{Value, json};

/// One planted value: its kind (the detector id that should catch it), the shape it comes in, the
/// text written into the trace, and the parts of it that must not be in a redacted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plant {
    /// The detector id expected to catch it (`openai_key`, `ssn`, …).
    pub kind: &'static str,
    /// The shape: `plain`, `wrapped across lines`, `in a query string`, …
    pub case: &'static str,
    /// What is written into the trace.
    pub text: String,
    /// What must not survive, in any form (raw, JSON-decoded, URL-decoded).
    pub needles: Vec<String>,
}

/// The value-size limit under which the cut key is cut (the redaction must run with it).
pub const CUT_MAX_VALUE_BYTES: usize = 4096;

/// The input formats [`planted`] writes.
pub const INPUTS: [&str; 3] = ["otlp-json", "zipkin", "jaeger"];

fn plant(kind: &'static str, case: &'static str, text: &str, needles: &[&str]) -> Plant {
    Plant {
        kind,
        case,
        text: text.to_owned(),
        needles: if needles.is_empty() {
            vec![text.to_owned()]
        } else {
            needles.iter().map(|s| (*s).to_owned()).collect()
        },
    }
}

/// Every planted value. Kinds off by default (`ip_address`) are included: the redaction under
/// test turns them on.
pub fn plants() -> Vec<Plant> {
    let google = format!(
        "AIza{}",
        "SyB4k9X2mQ7wL1vN8cR5tY3uJ6hF0dS2gA7xQ"
            .get(..35)
            .unwrap_or("")
    );
    vec![
        plant(
            "private_key",
            "PEM block",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBk9Xq2Lm7Rt4Wz8Yc1Vb6Nd3Hf0Jg5Ks2Pa7Ue4Ti9Ow1Qx3Rz5Sy2Mv8\n-----END OPENSSH PRIVATE KEY-----",
            &[
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
                "QyNTUxOQAAACBk9Xq2Lm7Rt4Wz8Yc1Vb6Nd3Hf0Jg5Ks2Pa7Ue4Ti9Ow1Qx3Rz5Sy2Mv8",
            ],
        ),
        plant(
            "jwt",
            "plain",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ODIxMyIsIm5hbWUiOiJSb3NhIn0.Tq3kLm9Xv2Nc8Rb5Yw1Zh7Jd4Pf6Gs0Ua3Ke9Oi2Ql",
            &[
                "eyJzdWIiOiI4ODIxMyIsIm5hbWUiOiJSb3NhIn0",
                "Tq3kLm9Xv2Nc8Rb5Yw1Zh7Jd4Pf6Gs0Ua3Ke9Oi2Ql",
            ],
        ),
        plant(
            "anthropic_key",
            "plain",
            "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa987654321-AA",
            &["Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa987654321"],
        ),
        plant(
            "openai_key",
            "plain",
            "sk-proj-Rk3T9vXq2LmN8bW4yZ7cE1fH6jK0pS5uA3dG",
            &["Rk3T9vXq2LmN8bW4yZ7cE1fH6jK0pS5uA3dG"],
        ),
        plant(
            "openai_key",
            "wrapped across lines",
            "sk-proj-Wm4Hq7Tz2Lx9Rb\nK5Nv8Cy3Jf6Pd1Gs0Ua4Ke",
            &["Wm4Hq7Tz2Lx9Rb", "K5Nv8Cy3Jf6Pd1Gs0Ua4Ke"],
        ),
        plant(
            "github_token",
            "zero-width space inside",
            "ghp_R7x2Lk9Qm4\u{200B}Tz8Wv1Yc6Nb3Hd5Jf0Gs2Pa8Ue",
            &["R7x2Lk9Qm4", "Tz8Wv1Yc6Nb3Hd5Jf0Gs2Pa8Ue"],
        ),
        plant(
            "github_token",
            "NUL inside",
            "gho_Bq8Xn3Kd6Lw1\u{0}Ry4Tm7Vc2Hz5Jg9Pf0Sa3Ue6",
            &["Bq8Xn3Kd6Lw1", "Ry4Tm7Vc2Hz5Jg9Pf0Sa3Ue6"],
        ),
        plant("google_api_key", "plain", &google, &[]),
        plant("aws_access_key_id", "plain", "AKIAZ7Q3MJXR4KEY9W2T", &[]),
        plant(
            "aws_access_key_id",
            "documentation example",
            "AKIAIOSFODNN7EXAMPLE",
            &[],
        ),
        plant(
            "aws_secret_access_key",
            "INI line",
            "[default]\naws_access_key_id = AKIAQ4RZ7TXM2KEY5N8P\naws_secret_access_key = wJa1rXUtnFEMI/K7MDENG/bPxRfiCYz9xq3KEYab\n",
            &[
                "wJa1rXUtnFEMI/K7MDENG/bPxRfiCYz9xq3KEYab",
                "AKIAQ4RZ7TXM2KEY5N8P",
            ],
        ),
        plant(
            "aws_secret_access_key",
            "shell assignment",
            "export AWS_SECRET_ACCESS_KEY=Hq2Lx9Rb4Nv7Cy1Jf6Pd3Gs8Ua5Ke0Ti2Ow7Qz3X",
            &["Hq2Lx9Rb4Nv7Cy1Jf6Pd3Gs8Ua5Ke0Ti2Ow7Qz3X"],
        ),
        plant(
            "github_token",
            "plain",
            "ghp_Zc5Nb8Hd1Jf4Gs7Pa0Ue3Rx6Lk9Qm2Tz5Wv8Y",
            &[],
        ),
        plant(
            "github_token",
            "fine-grained",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
            &["0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"],
        ),
        plant(
            "gitlab_token",
            "plain",
            "glpat-xY3kP9qLm2Nv8Rt4Wz6B",
            &["xY3kP9qLm2Nv8Rt4Wz6B"],
        ),
        plant(
            "slack_token",
            "bot token",
            "xoxb-2048123456-5098765432101-q8Rz4LmN2vXc7TbK9wYh3Jdp",
            &["q8Rz4LmN2vXc7TbK9wYh3Jdp"],
        ),
        plant(
            "slack_token",
            "app token",
            "xapp-1-A05B6C7D8E9-6012345678901-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
            &["0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"],
        ),
        plant(
            "slack_webhook",
            "plain",
            "https://hooks.slack.com/services/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",
            &["Xk2Lm9Np4Qr7St1Uv6Wx3Yz8"],
        ),
        plant(
            "huggingface_token",
            "plain",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
            &[],
        ),
        plant(
            "npm_token",
            "in .npmrc",
            "//registry.npmjs.org/:_authToken=npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7C9d",
            &["Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7C9d"],
        ),
        plant(
            "stripe_key",
            "secret key",
            "sk_live_51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kP",
            &["51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kP"],
        ),
        plant(
            "stripe_key",
            "restricted key",
            "rk_live_51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kQ",
            &["51H8xKqLmN3vB7cR2tY9wZ4dF6gJ0kQ"],
        ),
        plant(
            "bearer_token",
            "authorization header",
            "Authorization: Bearer tok9f8e7d6c5b4a3210fedcbaQ7",
            &["tok9f8e7d6c5b4a3210fedcbaQ7"],
        ),
        plant(
            "basic_auth",
            "postgres URL, # and / in the password",
            "postgres://app_rw:p#ss/w0rd-Xy7q@db.acme-corp.io:5432/prod",
            &["p#ss/w0rd-Xy7q", "app_rw:p"],
        ),
        plant(
            "basic_auth",
            "mongodb+srv URL",
            "mongodb+srv://etl:Qm7Rk2#Lx9Vb@cluster0.acme-corp.io/db",
            &["Qm7Rk2#Lx9Vb", "etl:Qm"],
        ),
        plant(
            "basic_auth",
            "redis URL",
            "redis://default:Zt4Wn8/Hc2Jq6@cache.acme-corp.io:6379/0",
            &["Zt4Wn8/Hc2Jq6"],
        ),
        plant(
            "basic_auth",
            "amqp URL",
            "amqp://worker:Kd3Fx7Mq1Vz5@mq.acme-corp.io:5672/",
            &["Kd3Fx7Mq1Vz5"],
        ),
        plant(
            "basic_auth",
            "https URL",
            "https://deploy:Tr0ub4dor&3xQ@git.acme-corp.io/app.git",
            &["Tr0ub4dor&3xQ"],
        ),
        plant(
            "secret_field",
            "password line",
            "password: correct-horse-battery-staple-42",
            &["correct-horse-battery-staple-42"],
        ),
        plant(
            "secret_field",
            "password starting like a template",
            "{\"password\": \"$9fKq2LmN8vXc7TbK#w\"}",
            &["9fKq2LmN8vXc7TbK"],
        ),
        plant(
            "secret_field",
            "pwd field",
            "{\"user\": \"svc-etl\", \"pwd\": \"Vb6Nc3Xz9Lk2Jh5\"}",
            &["Vb6Nc3Xz9Lk2Jh5"],
        ),
        plant(
            "secret_field",
            "credentials field",
            "{\"credentials\": \"Yq1Wr4Et7Ui0Op3As\"}",
            &["Yq1Wr4Et7Ui0Op3As"],
        ),
        plant(
            "secret_field",
            "password as a JSON number",
            "{\"password\": 93817462}",
            &["93817462"],
        ),
        plant(
            "secret_field",
            "api_key in a query string",
            "GET https://api.acme-corp.io/v2/report?format=csv&api_key=Pf6Gs0Ua3Ke9Oi2QlTq3&page=2",
            &["Pf6Gs0Ua3Ke9Oi2QlTq3"],
        ),
        plant(
            "secret_field",
            "access_token in a query string",
            "https://api.acme-corp.io/cb?access_token=Lm9Xv2Nc8Rb5Yw1Zh7Jd&state=ok",
            &["Lm9Xv2Nc8Rb5Yw1Zh7Jd"],
        ),
        plant(
            "secret_field",
            "x-api-key line of an HTTP dump",
            "HTTP/1.1 200 OK\nx-api-key: Hd5Jf0Gs2Pa8UeR7x2Lk\ncontent-type: application/json\n",
            &["Hd5Jf0Gs2Pa8UeR7x2Lk"],
        ),
        plant(
            "secret_field",
            "cookie line",
            "Cookie: session=s3ss10n-c00kie-value-abcdef",
            &["s3ss10n-c00kie-value-abcdef"],
        ),
        plant(
            "secret_field",
            ".env line",
            "DB_PASSWORD=Gq5Tw8Ze1Rx4Cv7B",
            &["Gq5Tw8Ze1Rx4Cv7B"],
        ),
        plant("payment_card", "spaced", "4539 1488 0343 6467", &[]),
        plant(
            "payment_card",
            "digits after a card word",
            "card 5555555555554444",
            &["5555555555554444"],
        ),
        plant("iban", "spaced", "DE89 3704 0044 0532 0130 00", &[]),
        plant("iban", "compact", "GB82WEST12345698765432", &[]),
        plant("email", "plain", "jane.doe@acme-corp.io", &[]),
        plant(
            "email",
            "percent-encoded in a URL",
            "https://crm.acme-corp.io/find?user=grace.lee%40globex-mail.co.uk",
            &["grace.lee@globex-mail.co.uk", "grace.lee"],
        ),
        plant("email", "documentation domain", "jane.doe@example.com", &[]),
        plant("phone", "international", "+1 415-555-2671", &[]),
        plant(
            "phone",
            "after a phone label",
            "phone: (415) 555-0132",
            &["555-0132"],
        ),
        plant("ssn", "dashed", "512-44-7319", &[]),
        plant("ssn", "after an SSN label", "SSN 512447320", &["512447320"]),
        plant(
            "ip_address",
            "IPv4",
            "client 81.2.69.160 connected",
            &["81.2.69.160"],
        ),
        plant(
            "ip_address",
            "IPv6",
            "from 2a02:1205:34c6:9d40::1f",
            &["2a02:1205:34c6:9d40::1f"],
        ),
    ]
}

/// The key cut by the value-size limit: a value of filler with the key at its end, of which only
/// the first part is kept under [`CUT_MAX_VALUE_BYTES`].
pub fn cut_plant() -> Plant {
    let key = "sk-proj-Cq8Vn2Hx5Lt9Rw3Zb6Km1Pd4Gf7Js0Ua";
    let filler = "x".repeat(CUT_MAX_VALUE_BYTES - 24);
    Plant {
        kind: "openai_key",
        case: "cut by the value-size limit",
        text: format!("{filler} {key} and more text after it"),
        // What is kept: `sk-proj-Cq8Vn2Hx5L` (the first 23 bytes after the filler and space).
        needles: vec!["Cq8Vn2Hx5L".to_owned()],
    }
}

/// Where one plant sits in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Index into [`plants`] (`plants().len()` for [`cut_plant`]).
    pub plant: usize,
    /// The position's name (`message part`, `trace state`, …).
    pub position: &'static str,
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex_id(n: u64, len: usize) -> String {
    format!("{n:0len$x}")
}

#[allow(clippy::needless_pass_by_value)] // built inline by json! at every call site
fn kv(key: &str, value: Value) -> Value {
    json!({"key": key, "value": value})
}

fn sv(v: &str) -> Value {
    json!({"stringValue": v})
}

/// The texts every format's span carries, by position.
struct Texts {
    message: String,
    output: String,
    arguments: String,
    result: String,
    url: String,
    name: String,
    status: String,
    event: String,
}

fn texts(text: &str) -> Texts {
    let message = json!([{"role": "user", "parts": [{"type": "text", "content": format!("Here is what I found:\n{text}\nPlease use it.")}]}]).to_string();
    let output = json!([{"role": "assistant", "parts": [{"type": "tool_call", "id": "call_7", "name": "store",
        "arguments": json!({"value": text}).to_string()}]}])
    .to_string();
    // JSON inside JSON inside a string.
    let arguments =
        json!({"query": "lookup", "payload": json!({"note": text}).to_string()}).to_string();
    Texts {
        message,
        output,
        arguments,
        result: format!("tool output:\n{text}\n(end)"),
        url: format!(
            "https://api.acme-corp.io/v1/search?q={}",
            percent_encode(text)
        ),
        name: format!("execute_tool store {text}"),
        status: format!("store failed for {text}"),
        event: format!("could not store {text}"),
    }
}

/// The plants of one file: every plant, then the cut key.
fn all_plants() -> Vec<Plant> {
    let mut p = plants();
    p.push(cut_plant());
    p
}

/// One input file with every plant in every position of its format, and where each sits.
/// `format` is one of [`INPUTS`].
pub fn planted(format: &str) -> Option<(Vec<u8>, Vec<Placed>)> {
    let plants = all_plants();
    let cut = plants.len() - 1;
    let mut placed = Vec::new();
    let doc = match format {
        "otlp-json" => otlp(&plants, cut, &mut placed),
        "zipkin" => zipkin(&plants, cut, &mut placed),
        "jaeger" => jaeger(&plants, cut, &mut placed),
        _ => return None,
    };
    Some((doc.to_string().into_bytes(), placed))
}

const T0: u64 = 1_750_000_000_000_000_000;

fn otlp(plants: &[Plant], cut: usize, placed: &mut Vec<Placed>) -> Value {
    let mut resource_spans = Vec::new();
    for (i, p) in plants.iter().enumerate() {
        let trace = hex_id(0x5b8e_0000 + i as u64, 32);
        let root_id = hex_id(0xa000 + 16 * i as u64, 16);
        let start = T0 + i as u64 * 10_000_000_000;
        let mut at = |position| placed.push(Placed { plant: i, position });
        if i == cut {
            let span = json!({"traceId": trace, "spanId": root_id, "name": "execute_tool fetch", "kind": 1,
                "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + 1_000_000).to_string(),
                "attributes": [kv("gen_ai.operation.name", sv("execute_tool")), kv("gen_ai.tool.call.result", sv(&p.text))]});
            at("tool result");
            resource_spans.push(
                json!({"resource": {"attributes": [kv("service.name", sv("fetcher"))]},
                "scopeSpans": [{"scope": {"name": "agent"}, "spans": [span]}]}),
            );
            continue;
        }
        let t = texts(&p.text);
        let chat_id = hex_id(0xb000 + 16 * i as u64, 16);
        let tool_id = hex_id(0xc000 + 16 * i as u64, 16);
        let root = json!({"traceId": trace, "spanId": root_id, "name": "invoke_agent keeper", "kind": 1,
            "traceState": format!("acme=t61rcWkgMzE,note={}", p.text),
            "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + 9_000_000_000u64).to_string(),
            "attributes": [kv("gen_ai.operation.name", sv("invoke_agent")), kv("gen_ai.agent.name", sv("keeper")),
                           kv(&format!("note.{}", p.text), sv("see key"))],
            "links": [{"traceId": hex_id(0x0af7_0000 + i as u64, 32), "spanId": hex_id(0xd000 + i as u64, 16),
                       "traceState": format!("acme={}", p.text),
                       "attributes": [kv("link.note", sv(&p.text))]}]});
        at("trace state");
        at("attribute key");
        at("link trace state");
        at("link attribute");
        let chat = json!({"traceId": trace, "spanId": chat_id, "parentSpanId": root_id, "name": "chat gpt-4o", "kind": 3,
            "startTimeUnixNano": (start + 100_000_000).to_string(), "endTimeUnixNano": (start + 2_000_000_000u64).to_string(),
            "attributes": [kv("gen_ai.operation.name", sv("chat")), kv("gen_ai.request.model", sv("gpt-4o")),
                kv("gen_ai.usage.input_tokens", json!({"intValue": "1234"})),
                kv("gen_ai.input.messages", sv(&t.message)), kv("gen_ai.output.messages", sv(&t.output))]});
        at("message part");
        at("tool call in a message");
        let tool = json!({"traceId": trace, "spanId": tool_id, "parentSpanId": root_id, "name": t.name, "kind": 1,
            "startTimeUnixNano": (start + 2_100_000_000u64).to_string(), "endTimeUnixNano": (start + 3_000_000_000u64).to_string(),
            "attributes": [kv("gen_ai.operation.name", sv("execute_tool")), kv("gen_ai.tool.name", sv("store")),
                kv("gen_ai.tool.call.arguments", sv(&t.arguments)), kv("gen_ai.tool.call.result", sv(&t.result)),
                kv("url.full", sv(&t.url)),
                kv("http.request.header.x-debug-note", json!({"arrayValue": {"values": [sv(&p.text)]}})),
                kv("config", json!({"kvlistValue": {"values": [kv("retries", json!({"intValue": "3"})),
                    kv("inner", json!({"kvlistValue": {"values": [kv("note", sv(&p.text))]}}))]}}))],
            "status": {"code": 2, "message": t.status},
            "events": [{"timeUnixNano": (start + 2_500_000_000u64).to_string(), "name": t.event,
                        "attributes": [kv("exception.message", sv(&t.event))]}]});
        for position in [
            "span name",
            "tool arguments",
            "tool result",
            "URL",
            "header",
            "nested attribute",
            "status message",
            "event name",
            "event attribute",
        ] {
            at(position);
        }
        resource_spans.push(json!({
            "resource": {"attributes": [kv("service.name", sv("keeper")), kv("deployment.note", sv(&p.text))]},
            "scopeSpans": [{"scope": {"name": format!("agent {}", p.text), "version": "1.0",
                                       "attributes": [kv("scope.note", sv(&p.text))]},
                            "spans": [root, chat, tool]}]}));
        at("resource attribute");
        at("scope name");
        at("scope attribute");
    }
    json!({ "resourceSpans": resource_spans })
}

fn zipkin(plants: &[Plant], cut: usize, placed: &mut Vec<Placed>) -> Value {
    let mut spans = Vec::new();
    for (i, p) in plants.iter().enumerate() {
        let trace = hex_id(0x7a00_0000 + i as u64, 32);
        let root_id = hex_id(0xa100 + 16 * i as u64, 16);
        let start_us = T0 / 1000 + i as u64 * 10_000_000;
        let mut at = |position| placed.push(Placed { plant: i, position });
        if i == cut {
            spans.push(json!({"traceId": trace, "id": root_id, "name": "execute_tool fetch", "timestamp": start_us,
                "duration": 1000, "localEndpoint": {"serviceName": "fetcher"},
                "tags": {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.call.result": p.text}}));
            at("tool result");
            continue;
        }
        let t = texts(&p.text);
        let mut tags = serde_json::Map::new();
        for (k, v) in [
            ("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.name", "store"),
            ("gen_ai.input.messages", &t.message),
            ("gen_ai.output.messages", &t.output),
            ("gen_ai.tool.call.arguments", &t.arguments),
            ("gen_ai.tool.call.result", &t.result),
            ("url.full", &t.url),
            ("http.request.header.x-debug-note", &p.text),
            ("error", &t.status),
        ] {
            tags.insert(k.to_owned(), Value::String(v.to_owned()));
        }
        tags.insert(format!("note.{}", p.text), Value::String("see key".into()));
        spans.push(
            json!({"traceId": trace, "id": root_id, "name": t.name, "kind": "CLIENT",
            "timestamp": start_us, "duration": 900_000,
            "localEndpoint": {"serviceName": "keeper"}, "tags": tags,
            "annotations": [{"timestamp": start_us + 500_000, "value": t.event}]}),
        );
        for position in [
            "span name",
            "message part",
            "tool call in a message",
            "tool arguments",
            "tool result",
            "URL",
            "header",
            "status message",
            "attribute key",
            "event name",
        ] {
            at(position);
        }
    }
    Value::Array(spans)
}

fn jaeger(plants: &[Plant], cut: usize, placed: &mut Vec<Placed>) -> Value {
    let mut data = Vec::new();
    for (i, p) in plants.iter().enumerate() {
        let trace = hex_id(0x3e00_0000 + i as u64, 32);
        let root_id = hex_id(0xa200 + 16 * i as u64, 16);
        let start_us = T0 / 1000 + i as u64 * 10_000_000;
        let tag = |k: &str, v: &str| json!({"key": k, "type": "string", "value": v});
        let mut at = |position| placed.push(Placed { plant: i, position });
        if i == cut {
            data.push(json!({"traceID": trace, "spans": [{"traceID": trace, "spanID": root_id, "operationName": "execute_tool fetch",
                "references": [], "startTime": start_us, "duration": 1000, "processID": "p1",
                "tags": [tag("gen_ai.tool.call.result", &p.text)], "logs": []}],
                "processes": {"p1": {"serviceName": "fetcher", "tags": []}}}));
            at("tool result");
            continue;
        }
        let t = texts(&p.text);
        let span = json!({"traceID": trace, "spanID": root_id, "operationName": t.name, "references": [],
            "startTime": start_us, "duration": 900_000, "processID": "p1",
            "tags": [tag("gen_ai.operation.name", "execute_tool"), tag("gen_ai.input.messages", &t.message),
                     tag("gen_ai.output.messages", &t.output),
                     tag("gen_ai.tool.call.arguments", &t.arguments), tag("gen_ai.tool.call.result", &t.result),
                     tag("url.full", &t.url), tag("http.request.header.x-debug-note", &p.text),
                     json!({"key": "error", "type": "bool", "value": true}),
                     tag("otel.status_description", &t.status),
                     tag(&format!("note.{}", p.text), "see key")],
            "logs": [{"timestamp": start_us + 500_000, "fields": [tag("event", "exception"), tag("exception.message", &t.event)]}]});
        data.push(json!({"traceID": trace, "spans": [span],
            "processes": {"p1": {"serviceName": "keeper", "tags": [tag("deployment.note", &p.text)]}}}));
        for position in [
            "span name",
            "message part",
            "tool call in a message",
            "tool arguments",
            "tool result",
            "URL",
            "header",
            "status message",
            "attribute key",
            "event attribute",
            "resource attribute",
        ] {
            at(position);
        }
    }
    json!({ "data": data })
}

/// The answer key: for each input format, every plant and the positions it sits in, as JSON
/// (`{"max_value_bytes": …, "files": [{"format", "plants": [{"kind", "case", "needles",
/// "positions"}]}]}`).
pub fn answer_key() -> Value {
    let plants = all_plants();
    let files: Vec<Value> = INPUTS
        .iter()
        .filter_map(|f| planted(f).map(|(_, placed)| (f, placed)))
        .map(|(f, placed)| {
            let list: Vec<Value> = plants
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let positions: Vec<&str> = placed
                        .iter()
                        .filter(|x| x.plant == i)
                        .map(|x| x.position)
                        .collect();
                    json!({"kind": p.kind, "case": p.case, "needles": p.needles, "positions": positions})
                })
                .collect();
            json!({"format": f, "file": format!("planted.{f}.json"), "plants": list})
        })
        .collect();
    json!({"max_value_bytes": CUT_MAX_VALUE_BYTES, "files": files})
}

/// Deterministic bytes for look-alike values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 24) as u8).collect()
    }
    fn hex(&mut self, n: usize) -> String {
        self.bytes(n.div_ceil(2))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()[..n]
            .to_owned()
    }
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The categories of [`lookalikes`] and how many values each holds.
pub fn lookalike_values() -> Vec<(&'static str, Vec<String>)> {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cat = |n: usize, f: &mut dyn FnMut(&mut Rng, usize) -> String| -> Vec<String> {
        (0..n).map(|i| f(&mut r, i)).collect()
    };
    vec![
        (
            "trace and span ids",
            cat(40, &mut |r, i| {
                if i % 2 == 0 { r.hex(32) } else { r.hex(16) }
            }),
        ),
        ("SHA-256 hashes", cat(30, &mut |r, _| r.hex(64))),
        (
            "git SHAs",
            cat(30, &mut |r, i| {
                if i % 2 == 0 {
                    r.hex(40)
                } else {
                    format!("commit {}", r.hex(7))
                }
            }),
        ),
        (
            "UUIDs",
            cat(30, &mut |r, _| {
                let h = r.hex(32);
                format!(
                    "{}-{}-4{}-a{}-{}",
                    &h[..8],
                    &h[8..12],
                    &h[13..16],
                    &h[17..20],
                    &h[20..]
                )
            }),
        ),
        (
            "base64 images",
            cat(10, &mut |r, _| {
                format!("data:image/png;base64,iVBORw0KGgo{}", base64(&r.bytes(600)))
            }),
        ),
        (
            "content digests",
            cat(20, &mut |r, i| {
                if i % 2 == 0 {
                    format!("sha256:{}", r.hex(64))
                } else {
                    format!("sha512-{}", base64(&r.bytes(64)))
                }
            }),
        ),
        (
            "Unix timestamps",
            cat(30, &mut |r, i| {
                let s = 1_700_000_000 + r.next() % 100_000_000;
                match i % 3 {
                    0 => s.to_string(),
                    1 => format!("{s}{:03}", r.next() % 1000),
                    _ => format!("+{s}"),
                }
            }),
        ),
        (
            "dates and times",
            cat(20, &mut |r, i| {
                let (m, d, h) = (1 + r.next() % 12, 1 + r.next() % 28, r.next() % 24);
                if i % 2 == 0 {
                    format!("2025-{m:02}-{d:02}T{h:02}:14:07.123456Z")
                } else {
                    format!("2025-{m:02}-{d:02} {h:02}:30")
                }
            }),
        ),
        (
            "token counts and costs",
            cat(30, &mut |r, i| match i % 3 {
                0 => format!("input_tokens={}", r.next() % 200_000),
                1 => format!("{} tokens", r.next() % 9_000_000),
                _ => format!("${}.{:04}", r.next() % 100, r.next() % 10_000),
            }),
        ),
        (
            "versions",
            cat(20, &mut |r, i| match i % 4 {
                0 => format!("{}.{}.{}", r.next() % 20, r.next() % 40, r.next() % 200),
                1 => format!(
                    "v{}.{}.{}-rc.{}",
                    r.next() % 5,
                    r.next() % 30,
                    r.next() % 9,
                    r.next() % 9
                ),
                2 => format!(
                    "gpt-4o-2024-{:02}-{:02}",
                    1 + r.next() % 12,
                    1 + r.next() % 28
                ),
                _ => format!(
                    "claude-3-5-sonnet-2024{:02}{:02}",
                    1 + r.next() % 12,
                    1 + r.next() % 28
                ),
            }),
        ),
        (
            "file names and paths",
            cat(20, &mut |r, i| match i % 4 {
                0 => format!(
                    "IMG_2025{:02}{:02}_{:06}.jpg",
                    1 + r.next() % 12,
                    1 + r.next() % 28,
                    r.next() % 240_000
                ),
                1 => format!("/var/lib/app/cache/{}.parquet", r.hex(16)),
                2 => format!(
                    "report-2025-{:02}-{:02}.pdf",
                    1 + r.next() % 12,
                    1 + r.next() % 28
                ),
                _ => format!(
                    "src/components/{}/index.test.tsx",
                    ["button", "modal", "table"][(r.next() % 3) as usize]
                ),
            }),
        ),
        (
            "provider request ids",
            cat(30, &mut |r, i| match i % 5 {
                0 => format!("chatcmpl-{}", base64(&r.bytes(21)).replace(['+', '/'], "x")),
                1 => format!("call_{}", base64(&r.bytes(18)).replace(['+', '/'], "y")),
                2 => format!("msg_01{}", base64(&r.bytes(18)).replace(['+', '/'], "z")),
                3 => format!("toolu_01{}", base64(&r.bytes(18)).replace(['+', '/'], "q")),
                _ => format!("req_{}", r.hex(24)),
            }),
        ),
        (
            "numbers of every size",
            cat(30, &mut |r, i| match i % 3 {
                0 => (r.next() % 10_000_000_000_000_000).to_string(),
                1 => format!("order #{}", r.next() % 1_000_000_000),
                _ => format!("{}.{}", r.next() % 100_000, r.next() % 100_000_000),
            }),
        ),
    ]
}

/// An OTLP JSON file of look-alike values (see [`lookalike_values`]), each as a span attribute,
/// in a chat message, and in a tool result: a scan must find nothing in it.
pub fn lookalikes() -> Vec<u8> {
    let mut spans = Vec::new();
    let trace = hex_id(0x1111_2222, 32);
    let mut n = 0u64;
    for (category, values) in lookalike_values() {
        for v in values {
            n += 1;
            let start = T0 + n * 1_000_000;
            let message = json!([{"role": "user", "parts": [{"type": "text", "content": format!("The {category} value is {v}.")}]}]).to_string();
            spans.push(json!({"traceId": trace, "spanId": hex_id(0xe000 + n, 16), "name": "execute_tool lookup", "kind": 1,
                "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + 500_000).to_string(),
                "attributes": [kv("value", sv(&v)), kv("gen_ai.input.messages", sv(&message)),
                               kv("gen_ai.tool.call.result", sv(&json!({"category": category, "value": v}).to_string()))]}));
        }
    }
    json!({"resourceSpans": [{"resource": {"attributes": [kv("service.name", sv("lookalikes"))]},
        "scopeSpans": [{"scope": {"name": "loupe-synth"}, "spans": spans}]}]})
    .to_string()
    .into_bytes()
}

use super::*;

fn load(json: &str) -> TraceSet {
    crate::load("t.json", json.as_bytes().to_vec()).expect("loads")
}

const DOC: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]},"scopeSpans":[{"spans":[
      {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","name":"mail jane.doe@acme-corp.io","startTimeUnixNano":"1","endTimeUnixNano":"9",
       "attributes":[
         {"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}},
         {"key":"api_key","value":{"stringValue":"abcd1234efgh5678"}},
         {"key":"user.email","value":{"stringValue":"jane.doe@acme-corp.io"}},
         {"key":"args","value":{"stringValue":"{\"to\":\"jane.doe@acme-corp.io\",\"n\":1}"}},
         {"key":"nested","value":{"kvlistValue":{"values":[{"key":"password","value":{"stringValue":"hunter22"}},{"key":"ok","value":{"stringValue":"fine"}}]}}},
         {"key":"list","value":{"arrayValue":{"values":[{"stringValue":"x"},{"stringValue":"AKIAIOSFODNN7EXAMPLE"}]}}}
       ]}]}]}]}"#;

fn json(set: &TraceSet) -> String {
    let mut out = Vec::new();
    crate::export::otlp_json::write(set, &mut out).expect("write");
    String::from_utf8(out).expect("utf8")
}

#[test]
fn masks_everything_and_keeps_the_rest() {
    let set = load(DOC);
    let r = redact(&set, &Policy::default(), &[7; 32]);
    let out = json(&r.set);
    for secret in [
        "jane.doe",
        "abcd1234efgh5678",
        "hunter22",
        "AKIAIOSFODNN7EXAMPLE",
    ] {
        assert!(!out.contains(secret), "{secret} in {out}");
    }
    assert!(out.contains(r#""name":"mail [REDACTED:email]""#), "{out}");
    assert!(out.contains(r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}}"#));
    assert!(out.contains(r#"\"to\":\"[REDACTED:email]\""#), "{out}");
    assert!(out.contains(r#"{"key":"ok","value":{"stringValue":"fine"}}"#));
    assert_eq!(r.manifest.matches, 6, "{:?}", r.manifest);
    assert_eq!(r.manifest.by_kind["email"], 3);
    // Neither the pool nor the kept input bytes hold a replaced value.
    for s in &r.set.sources {
        let text = String::from_utf8_lossy(&s.bytes);
        assert!(
            !text.contains("jane.doe") && !text.contains("hunter22"),
            "{text}"
        );
    }
    for i in 0..r.set.strings.len() {
        let s = r.set.strings.resolve(Sym(i as u32));
        assert!(!s.contains("jane.doe") && !s.contains("hunter22"), "{s}");
    }
    // The original is untouched.
    assert!(json(&set).contains("hunter22"));
}

#[test]
fn hash_is_keyed_and_stable_within_an_export() {
    let set = load(DOC);
    let p = Policy::parse("default = \"hash\"").expect("policy");
    let a = json(&redact(&set, &p, &[1; 32]).set);
    let b = json(&redact(&set, &p, &[2; 32]).set);
    let tag = |s: &str| {
        let at = s.find("[HASH:email:").expect("hashed") + 12;
        s[at..at + 8].to_owned()
    };
    assert_ne!(tag(&a), tag(&b), "another key, another hash");
    // The three copies of the address hash alike within one export.
    assert_eq!(
        a.matches(&format!("[HASH:email:{}]", tag(&a))).count(),
        3,
        "{a}"
    );
}

#[test]
fn drop_and_allowlist() {
    let set = load(DOC);
    let p = Policy::parse("[actions]\nsecret_field = \"drop\"\naws_access_key_id = \"drop\"")
        .expect("policy");
    let r = redact(&set, &p, &[0; 32]);
    let out = json(&r.set);
    assert!(
        !out.contains("\"api_key\"") && !out.contains("\"list\""),
        "{out}"
    );
    assert!(
        !out.contains("\"password\"") && out.contains("\"ok\""),
        "{out}"
    );
    assert_eq!(r.manifest.attributes_dropped, 3);
    let p = Policy::parse("allowlist = [\"gen_ai.*\", \"service.name\"]").expect("policy");
    let r = redact(&set, &p, &[0; 32]);
    let out = json(&r.set);
    assert!(
        out.contains("gen_ai.usage.input_tokens") && !out.contains("user.email"),
        "{out}"
    );
    assert_eq!(r.manifest.attributes_not_allowed, 5);
    assert!(out.contains("\"service.name\""));
    // The output loads again with the same span.
    let again = load(&out);
    assert_eq!(again.span_count(), 1);
}

#[test]
fn custom_rules() {
    let set = load(&DOC.replace("\"fine\"", "\"EMP-123456 fine\""));
    let p = Policy::parse(
            "[[rule]]\nid = \"employee\"\npattern = \"EMP-[0-9]{6}\"\n[[rule]]\nid = \"mailbox\"\nkeys = [\"user.*\"]\naction = \"hash\"",
        )
        .expect("policy");
    let out = json(&redact(&set, &p, &[0; 32]).set);
    assert!(out.contains("[REDACTED:employee] fine"), "{out}");
    assert!(out.contains("[HASH:mailbox:"), "{out}");
}

#[test]
fn plan_lists_every_match_where_it_is() {
    let set = load(DOC);
    let p = plan(&set, &Policy::default(), &[7; 32]);
    assert_eq!(p.items.len() as u64, p.manifest.matches, "{:?}", p.items);
    let spots: Vec<(Place, &str, &str, Option<&str>)> = p
        .items
        .iter()
        .map(|i| {
            (
                i.place,
                i.key.as_str(),
                i.rule.as_str(),
                i.json_path.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        spots,
        [
            (Place::SpanAttribute, "api_key", "secret_field", None),
            (Place::SpanAttribute, "user.email", "email", None),
            (Place::SpanAttribute, "args", "email", Some("$.to")),
            (
                Place::SpanAttribute,
                "nested.password",
                "secret_field",
                None
            ),
            (Place::SpanAttribute, "list[1]", "aws_access_key_id", None),
            (Place::SpanName, "", "email", None),
        ]
    );
    for item in &p.items {
        assert_eq!(item.span, Some(SpanIx(0)));
        assert_eq!(item.trace, Some(TraceIx(0)));
        assert_eq!(item.action, Action::Mask);
        assert_eq!(item.replacement, format!("[REDACTED:{}]", item.rule));
        let value = item.value(&set).expect("a text value");
        let matched = &value[item.range.clone()];
        let expect = match item.rule.as_str() {
            "email" => "jane.doe@acme-corp.io",
            "aws_access_key_id" => "AKIAIOSFODNN7EXAMPLE",
            _ if item.key == "api_key" => "abcd1234efgh5678",
            _ => "hunter22",
        };
        assert_eq!(matched, expect, "{item:?}");
    }
    // The args value is the JSON text; the range points into it.
    let args = &p.items[2];
    assert_eq!(
        args.value(&set).as_deref(),
        Some(r#"{"to":"jane.doe@acme-corp.io","n":1}"#)
    );
    assert_eq!(args.range, 7..28);
}

#[test]
fn plan_ranges_follow_escapes_and_json_inside_json() {
    // A PEM block with newlines inside JSON inside a JSON string: the range covers its escaped
    // text in the value, and hashing, custom rules and actions are planned as applied.
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----";
    let inner = serde_json::json!({"key": pem, "note": "café EMP-123456"}).to_string();
    let outer = serde_json::json!({"arguments": inner}).to_string();
    let doc = DOC.replace(
        r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}},"#,
        &format!(
            r#"{{"key":"tool.call","value":{{"stringValue":{}}}}},"#,
            serde_json::to_string(&outer).expect("json")
        ),
    );
    let set = load(&doc);
    let policy = Policy::parse(
            "[actions]\nprivate_key = \"hash\"\n[[rule]]\nid = \"employee\"\npattern = \"EMP-[0-9]{6}\"",
        )
        .expect("policy");
    let p = plan(&set, &policy, &[3; 32]);
    let pem_item = p
        .items
        .iter()
        .find(|i| i.rule == "private_key")
        .expect("PEM planned");
    let value = pem_item.value(&set).expect("text");
    assert_eq!(value, outer);
    let shown = &value[pem_item.range.clone()];
    assert!(
        shown.starts_with("-----BEGIN RSA PRIVATE KEY-----\\\\n"),
        "{shown}"
    );
    assert!(shown.ends_with("-----END RSA PRIVATE KEY-----"), "{shown}");
    assert_eq!(pem_item.action, Action::Hash);
    assert!(pem_item.replacement.starts_with("[HASH:private_key:"));
    assert_eq!(pem_item.json_path.as_deref(), Some("$.arguments > $.key"));
    let emp = p
        .items
        .iter()
        .find(|i| i.rule == "employee")
        .expect("custom");
    assert_eq!(emp.kind, Kind::Custom);
    assert_eq!(&value[emp.range.clone()], "EMP-123456");
    // The redaction applies the plan: the same output and manifest, and each replacement is in it.
    let manifest = p.manifest.clone();
    let replacements: Vec<String> = p.items.iter().map(|i| i.replacement.clone()).collect();
    let via_plan = json(&p.apply(&set).set);
    let direct = redact(&set, &policy, &[3; 32]);
    assert_eq!(direct.manifest, manifest);
    assert_eq!(json(&direct.set), via_plan);
    for r in replacements {
        let escaped = serde_json::to_string(&r).expect("json");
        assert!(
            via_plan.contains(&r) || via_plan.contains(escaped.trim_matches('"')),
            "{r} in {via_plan}"
        );
    }
    assert!(!via_plan.contains("MIIBOgIBAAJBAKj34"));
}

#[test]
fn plan_follows_the_policy() {
    let set = load(DOC);
    let all = plan(&set, &Policy::default(), &[0; 32]);
    let off = Policy::parse("[detectors]\nemail = false").expect("policy");
    let fewer = plan(&set, &off, &[0; 32]);
    assert_eq!(fewer.items.len(), all.items.len() - 3);
    assert!(fewer.items.iter().all(|i| i.kind != Kind::Email));
    let drop = Policy::parse("default = \"drop\"").expect("policy");
    let p = plan(&set, &drop, &[0; 32]);
    assert!(p.items.iter().all(|i| i.action == Action::Drop));
    assert_eq!(p.manifest.attributes_dropped, 5);
    // Nothing in a clean set.
    let clean = load(
        &DOC.replace("jane.doe@acme-corp.io", "ok")
            .replace(
                r#"{"key":"api_key","value":{"stringValue":"abcd1234efgh5678"}},"#,
                "",
            )
            .replace("hunter22", "")
            .replace("AKIAIOSFODNN7EXAMPLE", "y"),
    );
    let p = plan(&clean, &Policy::default(), &[0; 32]);
    assert!(p.items.is_empty(), "{:?}", p.items);
    assert_eq!(p.manifest.matches, 0);
}

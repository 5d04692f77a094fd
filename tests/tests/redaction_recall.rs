//! Redaction recall and precision, tried as an adversary would: the generator
//! `loupe_synth::leaks` plants fake secrets and personal data of every kind in every position of
//! OTLP JSON, Zipkin and Jaeger traces, with an answer key. Each file goes through `loupe redact`
//! into each format Loupe writes (OTLP JSON and OTLP protobuf), and no planted text may survive in
//! any form: raw, JSON-decoded at every level (JSON inside JSON inside a string), or URL-decoded.
//! Each planted text must be in the unredacted export first, so a plant the importer drops cannot
//! pass for one the redaction removed. The look-alike file (ids, hashes, UUIDs, base64 images, git
//! SHAs, timestamps, token counts, versions, file names, provider ids) must give no match at all.
//!
//! The test prints the recall by kind and the look-alike counts (the table in docs/redaction.md).

use loupe_synth::leaks;
use std::collections::BTreeMap;
use std::path::Path;

/// A fresh scratch directory for one test (removed when dropped).
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("loupe-recall-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn loupe() -> std::process::Command {
    loupe_tests::loupe_command()
}

/// Every form a reader could decode a string of `doc` to: the strings and keys of the JSON, each
/// also URL-decoded, and the strings of any JSON held in them, at every level.
fn forms(doc: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => add(s, depth, out),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, depth, out)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    add(k, depth, out);
                    walk(x, depth, out);
                }
            }
            _ => {}
        }
    }
    fn add(s: &str, depth: usize, out: &mut Vec<String>) {
        out.push(s.to_owned());
        if s.contains('%') {
            out.push(url_decode(s));
        }
        let t = s.trim();
        if depth < 8
            && (t.starts_with('{') || t.starts_with('['))
            && let Ok(inner) = serde_json::from_str::<serde_json::Value>(t)
        {
            walk(&inner, depth + 1, out);
        }
    }
    let mut out = vec![doc.to_owned()];
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(doc) {
        walk(&v, 0, &mut out);
    }
    out
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn holds(forms: &[String], needle: &str) -> bool {
    forms.iter().any(|f| f.contains(needle))
}

fn run(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().expect("loupe runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?} failed: {stderr}");
    stderr
}

/// The written OTLP file as JSON text: OTLP JSON as it is, protobuf read back and written as JSON
/// by the core (its raw bytes are checked too, as text).
fn as_json(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("written");
    if path.extension().is_some_and(|e| e == "pb") {
        let set = loupe_core::load("out.pb", bytes.clone()).expect("the protobuf loads");
        let mut json = Vec::new();
        loupe_core::export::otlp_json::write(&set, &mut json).expect("writes");
        let mut f = forms(&String::from_utf8_lossy(&json));
        f.push(String::from_utf8_lossy(&bytes).into_owned());
        f
    } else {
        forms(&String::from_utf8_lossy(&bytes))
    }
}

#[test]
fn no_planted_value_survives_redaction_in_any_form() {
    let dir = Scratch::new("planted");
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[detectors]\nip_address = true\n").expect("policy");
    let limit = leaks::CUT_MAX_VALUE_BYTES.to_string();
    let plants: Vec<leaks::Plant> = leaks::plants()
        .into_iter()
        .chain([leaks::cut_plant()])
        .collect();
    // By kind: (needle checks, survivors).
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut survivors = Vec::new();
    for format in leaks::INPUTS {
        let (bytes, placed) = leaks::planted(format).expect("a format the generator writes");
        let input = dir.path().join(format!("planted.{format}.json"));
        std::fs::write(&input, bytes).expect("input");
        let base = dir.path().join(format!("base.{format}.json"));
        run(loupe()
            .args([
                "convert",
                "--to",
                "otlp-json",
                "--max-value-bytes",
                &limit,
                "-o",
            ])
            .arg(&base)
            .arg(&input));
        let base_forms = as_json(&base);
        for (to, ext) in [("otlp-json", "json"), ("otlp-proto", "pb")] {
            let out = dir.path().join(format!("redacted.{format}.{ext}"));
            let stderr = run(loupe()
                .args([
                    "redact",
                    "--to",
                    to,
                    "--max-value-bytes",
                    &limit,
                    "--policy",
                ])
                .arg(&policy)
                .arg("-o")
                .arg(&out)
                .arg(&input));
            assert!(
                stderr.contains("verified:") && stderr.contains("nothing found"),
                "{format} → {to}: {stderr}"
            );
            let out_forms = as_json(&out);
            for (i, p) in plants.iter().enumerate() {
                let positions: Vec<&str> = placed
                    .iter()
                    .filter(|x| x.plant == i)
                    .map(|x| x.position)
                    .collect();
                assert!(!positions.is_empty(), "{format}: plant {i} is placed");
                for needle in &p.needles {
                    assert!(
                        holds(&base_forms, needle),
                        "{format}: the unredacted export lacks {:?} ({}, {}): the plant never got in",
                        needle,
                        p.kind,
                        p.case
                    );
                    let e = by_kind.entry(p.kind).or_default();
                    e.0 += 1;
                    if holds(&out_forms, needle) {
                        e.1 += 1;
                        survivors.push(format!(
                            "{format} → {to}: {} ({}) {needle:?}",
                            p.kind, p.case
                        ));
                    }
                }
            }
        }
    }
    println!("recall by kind (needles × 3 inputs × 2 outputs):");
    for (kind, (n, left)) in &by_kind {
        println!("  {kind}: {}/{n} removed", n - left);
    }
    assert!(
        survivors.is_empty(),
        "{} planted values survived:\n{}",
        survivors.len(),
        survivors.join("\n")
    );
    // Every built-in kind is planted (custom rules are the policy's).
    for kind in loupe_core::secrets::Kind::BUILTIN {
        if kind.as_str() != "custom" {
            assert!(
                by_kind.contains_key(kind.as_str()),
                "the generator plants no {}",
                kind.as_str()
            );
        }
    }
}

#[test]
fn the_look_alikes_give_no_match() {
    let set = loupe_core::load("lookalikes.json", leaks::lookalikes()).expect("loads");
    assert!(set.span_count() > 300, "{}", set.span_count());
    let findings = loupe_core::secrets::scan(&set);
    let listed: Vec<String> = findings
        .iter()
        .map(|f| format!("{} at {}", f.kind.as_str(), f.key))
        .collect();
    assert!(listed.is_empty(), "false matches:\n{}", listed.join("\n"));
    // Nor would the export change anything.
    let plan = loupe_core::redact::plan(&set, &loupe_core::redact::Policy::default(), &[1u8; 32]);
    assert!(plan.items.is_empty(), "{:?}", plan.items.first());
    println!("look-alikes with no match:");
    for (category, values) in leaks::lookalike_values() {
        println!("  {category}: {}", values.len());
    }
}

#[test]
fn the_answer_key_lists_every_plant_in_every_file() {
    let key = leaks::answer_key();
    let files = key["files"].as_array().expect("files");
    assert_eq!(files.len(), leaks::INPUTS.len());
    for f in files {
        let plants = f["plants"].as_array().expect("plants");
        assert_eq!(plants.len(), leaks::plants().len() + 1);
        for p in plants {
            assert!(
                !p["positions"].as_array().expect("positions").is_empty(),
                "{p}"
            );
        }
    }
    // The OTLP file puts each plant (but the cut key) in all 18 of its positions.
    let otlp = &files[0]["plants"][0]["positions"];
    assert_eq!(otlp.as_array().map(Vec::len), Some(18), "{otlp}");
}

#[test]
fn a_file_with_bytes_that_are_not_utf8_can_be_redacted() {
    let dir = Scratch::new("utf8");
    let (mut bytes, _) = leaks::planted("otlp-json").expect("otlp");
    // An invalid byte inside the first string value.
    let at = bytes
        .windows(12)
        .position(|w| w == b"invoke_agent")
        .expect("a span name");
    bytes[at + 6] = 0xff;
    let input = dir.path().join("bad.json");
    std::fs::write(&input, bytes).expect("input");
    let out = dir.path().join("out.json");
    let stderr = run(loupe()
        .args(["redact", "--max-value-bytes"])
        .arg(leaks::CUT_MAX_VALUE_BYTES.to_string())
        .arg("-o")
        .arg(&out)
        .arg(&input));
    assert!(stderr.contains("verified:"), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("UTF-8 output");
    assert!(
        text.contains("invoke\u{fffd}agent"),
        "the replacement character is kept"
    );
    assert!(!text.contains("Rk3T9vXq2LmN8bW4yZ7cE1fH6jK0pS5uA3dG"));
}

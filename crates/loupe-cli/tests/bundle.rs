//! `loupe bundle` end to end: notes files, redaction by default (and only `--no-redact` keeps the
//! data as it was), bad notes files, and bundles read back by `analyze`, `tree`, `convert` and
//! `redact`. Every bundle written is checked against docs/loupe.bundle-1.schema.json.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{fixture, loupe, stdout, temp_path};

const TMP: &str = "bundle-tests";
const SECRETS: &str = "analysis/secret/positive.json";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(name: &str, text: &str) -> PathBuf {
    let p = temp_path(TMP, name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Reads a bundle the CLI wrote and checks it against the schema.
fn read_valid(path: &Path) -> Value {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/loupe.bundle-1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let doc: Value =
        serde_json::from_slice(&std::fs::read(path).expect("the bundle was written")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not match the schema: {errors:#?}",
        path.display()
    );
    doc
}

const NOTES: &str = r#"
[[note]]
span = "e000000000000001"
label = "root-cause"
text = """The key went into the tool's arguments.
<img src=x onerror=alert(1)> stays text."""
step = 1
author = "lead"

[[note]]
span = "a000000000000001"
label = "goal"
text = "Answer the customer."
step = 2
"#;

#[test]
fn a_bundle_is_redacted_by_default_and_keeps_notes_and_tour() {
    let notes = write("notes.toml", NOTES);
    let out_path = temp_path(TMP, "run.loupe.json");
    let out = loupe(&[
        "bundle",
        &fixture(SECRETS),
        "--notes",
        notes.to_str().unwrap(),
        "--title",
        "Leaked key",
        "--description",
        "Where the key went",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("4 spans in 1 traces, 2 notes (2 tour steps)"),
        "{err}"
    );
    assert!(
        err.contains("verified: 4 spans read back and scanned again, nothing found"),
        "{err}"
    );
    let doc = read_valid(&out_path);
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(!text.contains("sk-proj-"), "the key is gone");
    assert!(
        !text.contains("ada.lovelace@example.org"),
        "the email is gone"
    );
    assert!(text.contains("[REDACTED:"));
    assert_eq!(doc["title"], "Leaked key");
    assert_eq!(doc["description"], "Where the key went");
    assert_eq!(doc["tour"], serde_json::json!(["n1", "n2"]));
    assert_eq!(
        doc["annotations"][0]["path"],
        serde_json::json!(["invoke_agent support", "execute_tool call_api"])
    );
    assert_eq!(doc["redaction"]["manifest"]["matches"], 2);
    assert!(doc["generator"].as_str().unwrap().starts_with("loupe "));

    // The bundle reads like any trace file.
    let analyzed = loupe(&["analyze", "--json", out_path.to_str().unwrap()]);
    assert!(analyzed.status.success(), "{}", stderr(&analyzed));
    let report: Value = serde_json::from_slice(&analyzed.stdout).unwrap();
    assert_eq!(report["files"][0]["format"], "loupe-bundle");
    assert_eq!(report["traces"][0]["span_count"], 4);
    let text = stdout(&loupe(&["analyze", out_path.to_str().unwrap()]));
    assert!(
        text.contains("  bundle \"Leaked key\": 2 tour steps, labels: goal, root-cause; redacted"),
        "{text}"
    );
    assert!(text.contains("1 traces, 4 spans, 2 notes"), "{text}");
    assert!(text.contains("  notes:\n    1. [root-cause] execute_tool call_api (span e000000000000001): The key went into the tool's arguments. <img src=x onerror=alert(1)> stays text.\n    2. [goal] invoke_agent support (span a000000000000001): Answer the customer.\n"), "{text}");
    let filtered = stdout(&loupe(&[
        "tree",
        "--filter",
        "note:root-cause",
        out_path.to_str().unwrap(),
    ]));
    assert!(filtered.contains("» execute_tool call_api"), "{filtered}");
    assert!(!filtered.contains("lookup_customer"), "{filtered}");
    let tree = loupe(&["tree", out_path.to_str().unwrap()]);
    assert!(
        stdout(&tree).contains("execute_tool call_api"),
        "{}",
        stdout(&tree)
    );
    let converted = temp_path(TMP, "converted.json");
    let c = loupe(&[
        "convert",
        "--to",
        "otlp-json",
        out_path.to_str().unwrap(),
        "-o",
        converted.to_str().unwrap(),
    ]);
    assert!(c.status.success(), "{}", stderr(&c));
    let otlp: Value = serde_json::from_slice(&std::fs::read(&converted).unwrap()).unwrap();
    assert!(otlp["resourceSpans"].is_array());
    let redacted = temp_path(TMP, "redacted.json");
    let r = loupe(&[
        "redact",
        out_path.to_str().unwrap(),
        "-o",
        redacted.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("0 matches redacted"),
        "already clean: {}",
        stderr(&r)
    );

    // A bundle of the bundle keeps its title, notes and tour.
    let again = temp_path(TMP, "again.loupe.json");
    let a = loupe(&[
        "bundle",
        out_path.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(a.status.success(), "{}", stderr(&a));
    let doc2 = read_valid(&again);
    assert_eq!(doc2["title"], "Leaked key");
    assert_eq!(doc2["annotations"], doc["annotations"]);
    assert_eq!(doc2["tour"], doc["tour"]);
}

#[test]
fn only_no_redact_writes_the_data_as_it_was_and_says_so() {
    let out_path = temp_path(TMP, "raw.loupe.json");
    let out = loupe(&[
        "bundle",
        &fixture(SECRETS),
        "--no-redact",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("NOT redacted (--no-redact)"),
        "{}",
        stderr(&out)
    );
    let doc = read_valid(&out_path);
    assert!(doc["redaction"].is_null());
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(text.contains("sk-proj-") && text.contains("ada.lovelace@example.org"));
    // --no-redact and a policy contradict each other.
    let policy = write("policy.toml", "default = \"hash\"\n");
    let both = loupe(&[
        "bundle",
        &fixture(SECRETS),
        "--no-redact",
        "--policy",
        policy.to_str().unwrap(),
        "-o",
        "x",
    ]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn a_secret_in_a_note_is_redacted_too() {
    let notes = write(
        "leaky.toml",
        "[[note]]\nspan = \"e000000000000001\"\ntext = \"mail ada.lovelace@example.org about it\"\nauthor = \"someone@acme-corp.io\"\n",
    );
    let out_path = temp_path(TMP, "leaky.loupe.json");
    let out = loupe(&[
        "bundle",
        &fixture(SECRETS),
        "--notes",
        notes.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = read_valid(&out_path);
    assert_eq!(
        doc["annotations"][0]["text"],
        "mail [REDACTED:email] about it"
    );
    assert_eq!(doc["annotations"][0]["author"], "[REDACTED:email]");
    assert_eq!(doc["annotations"][0]["label"], "note", "the default label");
}

#[test]
fn bad_notes_files_name_the_entry_and_write_nothing() {
    let cases = [
        (
            "label.toml",
            "[[note]]\nspan = \"e000000000000001\"\nlabel = \"blame\"\n",
            "note 1 (span `e000000000000001`): unknown label `blame`; expected one of goal, context",
        ),
        (
            "span.toml",
            "[[note]]\nspan = \"e000000000000001\"\n\n[[note]]\nspan = \"0123456789abcdef\"\n",
            "note 2 (span `0123456789abcdef`): no span with this id in the files",
        ),
        (
            "syntax.toml",
            "[[note]\nspan = 1\n",
            "the notes file is not valid TOML",
        ),
        (
            "field.json",
            "{\"note\": [{\"span\": \"e000000000000001\", \"colour\": \"red\"}]}",
            "unknown field `colour`",
        ),
        (
            "empty.toml",
            "# nothing yet\n",
            "the notes file has no [[note]] entries",
        ),
    ];
    for (name, text, expected) in cases {
        let notes = write(name, text);
        let out_path = temp_path(TMP, &format!("{name}.loupe.json"));
        let out = loupe(&[
            "bundle",
            &fixture(SECRETS),
            "--notes",
            notes.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(notes.to_str().unwrap()) && err.contains(expected),
            "{name}: {err}"
        );
        assert!(!out_path.exists(), "{name}: nothing is written");
    }
    let missing = loupe(&[
        "bundle",
        &fixture(SECRETS),
        "--notes",
        "/nonexistent/notes.toml",
        "-o",
        "x",
    ]);
    assert!(
        stderr(&missing).contains("cannot read /nonexistent/notes.toml"),
        "{}",
        stderr(&missing)
    );
}

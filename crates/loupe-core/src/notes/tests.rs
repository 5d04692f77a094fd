use super::file::{NotesFileError, parse, resolve};
use super::*;

// Two traces: a root with two children (a tool call under a chat), and a second trace with the
// same names, so a path is unique only within a trace.
fn set() -> TraceSet {
    let span = |t: &str, id: &str, parent: Option<&str>, name: &str| {
        format!(
            r#"{{"traceId":"{t}","spanId":"{id}",{}"name":"{name}","startTimeUnixNano":"1","endTimeUnixNano":"9"}}"#,
            parent
                .map(|p| format!(r#""parentSpanId":"{p}","#))
                .unwrap_or_default()
        )
    };
    let a = "0af7651916cd43dd8448eb211c80319c";
    let b = "1af7651916cd43dd8448eb211c80319c";
    let spans = [
        span(a, "a000000000000001", None, "invoke_agent"),
        span(a, "a000000000000002", Some("a000000000000001"), "chat"),
        span(
            a,
            "a000000000000003",
            Some("a000000000000002"),
            "execute_tool search",
        ),
        span(b, "b000000000000001", None, "invoke_agent"),
        span(b, "b000000000000002", Some("b000000000000001"), "chat"),
        span(
            b,
            "a000000000000003",
            Some("b000000000000002"),
            "execute_tool fetch",
        ),
    ];
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    crate::load("t.json", doc.into_bytes()).expect("loads")
}

#[test]
fn labels_round_trip_by_name_and_serde() {
    for l in Label::ALL {
        assert_eq!(Label::from_name(l.as_str()), Some(l));
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, format!("\"{}\"", l.as_str()));
        assert_eq!(serde_json::from_str::<Label>(&json).unwrap(), l);
    }
    assert_eq!(Label::from_name("wrong"), None);
    assert!(Label::names().contains("first-wrong-decision"));
}

#[test]
fn a_notes_file_resolves_spans_paths_and_the_tour() {
    let set = set();
    let entries = parse(
        r#"
[[note]]
span = "A000000000000002"
label = "decision"
text = "picked the tool\non the second line"
step = 2

[[note]]
span = "b000000000000002"
label = "first-wrong-decision"
step = 1
author = "lead"
"#,
    )
    .unwrap();
    let notes = resolve(&entries, &set, "2026-12-04T00:00:00Z").unwrap();
    assert_eq!(notes.annotations.len(), 2);
    let n1 = &notes.annotations[0];
    assert_eq!(n1.id, "n1");
    assert_eq!(n1.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(n1.span_id.as_deref(), Some("a000000000000002"));
    assert_eq!(n1.path, ["invoke_agent", "chat"]);
    assert_eq!(n1.text, "picked the tool\non the second line");
    assert_eq!(notes.annotations[1].author.as_deref(), Some("lead"));
    assert_eq!(notes.tour, ["n2", "n1"]);
    assert_eq!(
        notes
            .tour_notes()
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["n2", "n1"]
    );
}

#[test]
fn bad_entries_name_the_entry_and_say_what_to_do() {
    let set = set();
    let err = |text: &str| {
        resolve(&parse(text).unwrap(), &set, "t")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("[[note]]\nspan = \"a000000000000002\"\nlabel = \"oops\"\n"),
        format!(
            "note 1 (span `a000000000000002`): unknown label `oops`; expected one of {}",
            Label::names()
        )
    );
    assert_eq!(
        err("[[note]]\nspan = \"a000000000000002\"\n[[note]]\nspan = \"ffffffffffffffff\"\n"),
        "note 2 (span `ffffffffffffffff`): no span with this id in the files"
    );
    assert!(
        err("[[note]]\nspan = \"a000000000000003\"\n")
            .contains("2 traces have a span with this id; add `trace")
    );
    assert_eq!(
        err(
            "[[note]]\nspan = \"a000000000000003\"\ntrace = \"2af7651916cd43dd8448eb211c80319c\"\n"
        ),
        "note 1 (span `a000000000000003`): no trace `2af7651916cd43dd8448eb211c80319c` in the files"
    );
    assert!(err("[[note]]\nspan = \"xyz\"\n").contains("16 hex digits"));
    assert!(
        err("[[note]]\nspan = \"a000000000000001\"\nstep = 1\n[[note]]\nspan = \"a000000000000002\"\nstep = 1\n")
            .ends_with("step 1 is also note 1's")
    );
    // The trace names which of the two spans is meant.
    let ok = parse(
        "[[note]]\nspan = \"a000000000000003\"\ntrace = \"1af7651916cd43dd8448eb211c80319c\"\n",
    )
    .unwrap();
    let n = resolve(&ok, &set, "t").unwrap();
    assert_eq!(
        n.annotations[0].path,
        ["invoke_agent", "chat", "execute_tool fetch"]
    );
}

#[test]
fn a_notes_file_that_is_not_toml_or_json_or_has_no_notes_is_refused() {
    assert!(matches!(
        parse("[[note]\n"),
        Err(NotesFileError::Syntax { format: "TOML", .. })
    ));
    assert!(matches!(
        parse("{\"note\": 3}"),
        Err(NotesFileError::Syntax { format: "JSON", .. })
    ));
    assert_eq!(parse("# nothing\n"), Err(NotesFileError::Empty));
    let e = parse("[[note]]\nspan = \"a000000000000001\"\ncolour = \"red\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("colour"), "{e}");
    // JSON works the same.
    let json = parse(r#"{"note": [{"span": "a000000000000001", "label": "goal"}]}"#).unwrap();
    assert_eq!(json[0].label.as_deref(), Some("goal"));
}

#[test]
fn notes_whose_ids_changed_reattach_by_path_and_others_stay_detached() {
    let set = set();
    let note = |trace: &str, span: &str, path: &[&str]| Annotation {
        id: "n1".into(),
        trace_id: trace.into(),
        span_id: Some(span.into()),
        path: path.iter().map(|s| s.to_string()).collect(),
        label: Label::Note,
        text: String::new(),
        author: None,
        created: "t".into(),
        updated: "t".into(),
        step: None,
    };
    let mut notes = Notes {
        annotations: vec![
            // Right ids.
            note("0af7651916cd43dd8448eb211c80319c", "a000000000000002", &[]),
            // The span id changed; the path is unique within its trace.
            note(
                "0af7651916cd43dd8448eb211c80319c",
                "dddddddddddddddd",
                &["invoke_agent", "chat"],
            ),
            // Both ids changed; the path is unique in the whole set.
            note(
                "ffffffffffffffffffffffffffffffff",
                "dddddddddddddddd",
                &["invoke_agent", "chat", "execute_tool fetch"],
            ),
            // Both changed, and two traces have this path: detached.
            note(
                "ffffffffffffffffffffffffffffffff",
                "dddddddddddddddd",
                &["invoke_agent", "chat"],
            ),
            // A path that is only a suffix of real paths fits nothing.
            note(
                "ffffffffffffffffffffffffffffffff",
                "dddddddddddddddd",
                &["execute_tool fetch"],
            ),
        ],
        ..Notes::default()
    };
    let landed = attach(&mut notes, &set);
    assert!(matches!(landed[0], Attached::Exact(TraceIx(0), Some(_))));
    assert_eq!(
        notes.annotations[0].path,
        ["invoke_agent", "chat"],
        "the path is filled in"
    );
    assert!(matches!(landed[1], Attached::ByPath(TraceIx(0), _)));
    assert_eq!(
        notes.annotations[1].span_id.as_deref(),
        Some("a000000000000002")
    );
    assert!(matches!(landed[2], Attached::ByPath(TraceIx(1), _)));
    assert_eq!(
        notes.annotations[2].trace_id,
        "1af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(landed[3], Attached::Detached);
    assert_eq!(landed[4], Attached::Detached);
}

#[test]
fn merging_renames_ids_that_collide_and_the_tour_follows() {
    let a = |id: &str| Annotation {
        id: id.into(),
        trace_id: "t".into(),
        span_id: None,
        path: vec![],
        label: Label::Goal,
        text: id.into(),
        author: None,
        created: "t".into(),
        updated: "t".into(),
        step: None,
    };
    let mut one = Notes {
        annotations: vec![a("n1"), a("n2")],
        tour: vec!["n1".into()],
        ..Notes::default()
    };
    let two = Notes {
        annotations: vec![a("n1")],
        tour: vec!["n1".into()],
        ..Notes::default()
    };
    one.merge(two);
    let ids: Vec<&str> = one.annotations.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["n1", "n2", "n3"]);
    assert_eq!(one.tour, ["n1", "n3"]);
    assert_eq!(
        one.get("n3").unwrap().text,
        "n1",
        "the renamed note is the second set's"
    );
}

//! The view on the project's own SDK fixtures.

use super::*;

/// The project's own SDK fixtures (`tests/fixtures/otlp/valid/`), built in.
fn fixture(name: &str) -> &'static [u8] {
    match name {
        "sdk-python-agent.json" => {
            include_bytes!("../../../../tests/fixtures/otlp/valid/sdk-python-agent.json")
        }
        "sdk-node-agent.jsonl" => {
            include_bytes!("../../../../tests/fixtures/otlp/valid/sdk-node-agent.jsonl")
        }
        other => panic!("no fixture {other}"),
    }
}

fn open(names: &[&str]) -> Session {
    let mut loader = crate::Loader::new();
    for n in names {
        loader.add_file(n, fixture(n).to_vec()).expect("loads");
    }
    Session::new(loader.finish(), &Options::default(), 0)
}

fn view(e: &mut Session, trace: u32, query: &str, hide: bool, critical_only: bool) -> ViewInfo {
    e.set_view(trace, critical_only, query, hide)
        .expect("a view")
}

fn rows(e: &Session, start: u32, count: u32) -> Vec<Row> {
    e.rows(start, count).expect("rows").rows
}

/// The trace with the most spans.
fn biggest(e: &Session) -> crate::report::TraceSummary {
    e.summary()
        .traces
        .into_iter()
        .max_by_key(|t| t.spans)
        .expect("a trace")
}

#[test]
fn rows_collapse_reveal_and_critical_path() {
    let mut e = open(&["sdk-python-agent.json"]);
    let t = biggest(&e);
    let v = view(&mut e, t.ix, "", false, false);
    assert_eq!(v.rows, 11);
    let all = rows(&e, 0, 100);
    assert_eq!(all.len(), 11);
    assert_eq!(all[0].name, "invoke_agent support-bot");
    assert_eq!(all[0].depth, 0);
    assert_eq!(all[0].descendants, 10);
    assert!(all[0].critical);
    assert!(
        all.iter()
            .any(|r| r.suspect && r.findings.iter().any(|f| f.0 == "loop"))
    );
    // A window.
    let w = rows(&e, 3, 2);
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].span, all[3].span);
    // Collapse the root: one row; reveal a child: all again.
    let root = all[0].span;
    let v = e.toggle(root).expect("a view");
    assert_eq!(v.rows, 1);
    assert!(rows(&e, 0, 10)[0].collapsed);
    let v = e.reveal(all[5].span).expect("a view");
    assert_eq!((v.rows, v.row), (11, Some(5)));
    // Critical path only: every row is on it.
    let v = view(&mut e, t.ix, "", false, true);
    let cp = rows(&e, 0, 100);
    assert_eq!(cp.len() as u32, v.rows);
    assert!(cp.iter().all(|r| r.critical));
    let detail = e.trace_detail(t.ix).expect("detail");
    assert_eq!(detail.report.critical_path.len(), cp.len());
    // Collapse everything below depth 0, then expand all.
    let v = e.collapse_to(Some(0)).expect("a view");
    assert_eq!(v.rows, 1);
    let v = e.collapse_to(None).expect("a view");
    assert_eq!(v.rows as usize, cp.len());
}

#[test]
fn filter_marks_or_hides() {
    let mut e = open(&["sdk-python-agent.json"]);
    let t = biggest(&e);
    let v = view(&mut e, t.ix, "kind:tool", false, false);
    assert_eq!((v.rows, v.matches), (11, 4));
    let v = view(&mut e, t.ix, "kind:tool", true, false);
    // Four tool calls and their parent.
    assert_eq!(v.rows, 5);
    let r = rows(&e, 0, 10);
    assert!(!r[0].matched && r[1..].iter().all(|r| r.matched));
    // Collapsed rows count the matches inside them.
    view(&mut e, t.ix, "kind:tool", false, false);
    let root = rows(&e, 0, 1)[0].span;
    e.toggle(root).expect("toggle");
    let r = rows(&e, 0, 1);
    assert_eq!((r[0].collapsed, r[0].hidden_matches), (true, 4));
    e.toggle(root).expect("toggle");
    let v = view(&mut e, t.ix, "finding:loop", true, false);
    assert!(v.matches >= 1);
    let v = view(
        &mut e,
        t.ix,
        "gen_ai.tool.name=lookup_order >450ms",
        false,
        false,
    );
    assert_eq!(v.matches, 1, "only the 484 ms call");
    let v = view(&mut e, t.ix, "status:nonsense", false, false);
    assert!(v.query_error.is_some());
    // Next match walks in tree order and wraps.
    view(&mut e, t.ix, "kind:tool", false, false);
    let a = e.next_match(0, false).expect("a view");
    let b = e.next_match(a.row.unwrap() as i64, false).expect("a view");
    assert!(b.row > a.row);
    let c = e.next_match(0, true).expect("a view");
    let last = c.row.expect("a match") as usize;
    let all = rows(&e, 0, 100);
    assert_eq!(all[last].op, "execute_tool");
    assert!(
        all[last + 1..].iter().all(|r| r.op != "execute_tool"),
        "the last tool call"
    );
}

#[test]
fn zoom_narrows_rows_and_time_to_a_subtree() {
    let mut e = open(&["sdk-node-agent.jsonl"]);
    let t = biggest(&e);
    let all = view(&mut e, t.ix, "kind:tool", false, false);
    let whole = rows(&e, 0, 100);
    assert_eq!(whole.len() as u32, all.rows);
    let agent = whole
        .iter()
        .find(|r| r.name == "invoke_agent flight-search")
        .expect("sub-agent")
        .clone();
    let z = e.zoom(Some(agent.span)).expect("a view");
    // Its subtree only, with its own time as the waterfall's width.
    assert_eq!(z.zoom, Some(agent.span));
    assert_eq!(z.rows, agent.descendants + 1);
    assert_eq!(z.row, Some(0));
    assert_eq!(z.duration_ns, agent.duration_ns);
    let names: Vec<String> = z.zoom_path.iter().map(|(_, n)| n.clone()).collect();
    assert_eq!(
        names,
        ["invoke_agent travel-planner", "invoke_agent flight-search"]
    );
    let sub = rows(&e, 0, 100);
    assert_eq!(sub[0].span, agent.span);
    assert_eq!(sub[0].start_ns, 0);
    assert!(
        sub.iter()
            .all(|r| r.span >= agent.span && r.span <= agent.span + agent.descendants)
    );
    // Matches count inside the subtree only, and stay there when jumping.
    let inside = whole[1..]
        .iter()
        .filter(|r| r.span > agent.span && r.span <= agent.span + agent.descendants && r.matched)
        .count() as u32;
    assert!(
        inside > 0 && inside < all.matches,
        "{inside} of {}",
        all.matches
    );
    assert_eq!(z.matches, inside);
    let m = e.next_match(0, false).expect("a view");
    assert!(
        m.span
            .is_some_and(|s| s > agent.span && s <= agent.span + agent.descendants)
    );
    assert_eq!(m.zoom, Some(agent.span));
    // The zoom survives a filter change, and showing a span outside it lifts it.
    let f = view(&mut e, t.ix, "", false, false);
    assert_eq!((f.zoom, f.rows), (Some(agent.span), agent.descendants + 1));
    let r = e.reveal(whole[0].span).expect("a view");
    assert_eq!((r.zoom, r.rows, r.row), (None, whole.len() as u32, Some(0)));
    // Back to the whole trace; a span that is not in it cannot be zoomed to.
    e.zoom(Some(agent.span)).expect("zoom");
    let b = e.zoom(None).expect("a view");
    assert_eq!(
        (b.zoom, b.rows, b.duration_ns),
        (None, whole.len() as u32, t.duration_ns)
    );
    assert_eq!(
        e.zoom(Some(1_000_000)),
        Err(ViewError::NotInTrace(1_000_000))
    );
}

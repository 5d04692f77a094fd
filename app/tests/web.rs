//! Component tests in headless Chromium (wasm-bindgen-test): the app mounted into a plain
//! element, fed through its public API, with the engine on the page's thread, or in a real Web
//! Worker started from `www/worker.js` as the page does; and deep links read from the fragment.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect, Uint8Array};
use loupe_app::protocol::{Progress, Request, Response, Stage};
use loupe_app::web::client::Client;
use loupe_app::{LoupeApp, mount};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../../tests/fixtures/otlp/valid/sdk-node-agent.jsonl");

fn host() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn app_in(el: &HtmlElement) -> LoupeApp {
    let opts = Object::new();
    Reflect::set(&opts, &"hash".into(), &JsValue::FALSE).unwrap();
    mount(el.clone(), &opts)
}

async fn open(app: &LoupeApp, name: &str, bytes: &[u8]) -> JsValue {
    let arr = Uint8Array::from(bytes);
    answered(
        &format!("the load report of {name}"),
        JsFuture::from(app.open_bytes(name, &arr).unwrap()),
    )
    .await
    .unwrap()
}

/// How long a condition wait may take before the test fails: generous, since speed belongs to
/// the benchmarks; the limit only turns a hang into a failure that says what it waited for.
const WAIT_LIMIT_MS: f64 = 90_000.0;

/// Resolves after `ms` milliseconds (a pause between checks, never an assertion).
async fn pause(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Awaits `fut` (an answer of the engine), failing after [`WAIT_LIMIT_MS`] with `what` instead
/// of hanging when no answer comes.
async fn answered<T>(what: &str, fut: impl Future<Output = T>) -> T {
    let mut fut = std::pin::pin!(fut);
    let mut limit = std::pin::pin!(pause(WAIT_LIMIT_MS as i32));
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(cx) {
            return std::task::Poll::Ready(v);
        }
        assert!(
            limit.as_mut().poll(cx).is_pending(),
            "gave up after {} s waiting for {what}",
            WAIT_LIMIT_MS / 1000.0
        );
        std::task::Poll::Pending
    })
    .await
}

/// Waits until `cond` holds, letting Leptos apply its DOM updates (they are asynchronous) and the
/// engine answer between checks. Fails only after [`WAIT_LIMIT_MS`], naming what it awaited.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = js_sys::Date::now() + WAIT_LIMIT_MS;
    loop {
        leptos::task::tick().await;
        if cond() {
            return;
        }
        assert!(
            js_sys::Date::now() < deadline,
            "gave up after {} s waiting for {what}",
            WAIT_LIMIT_MS / 1000.0
        );
        pause(10).await;
    }
}

fn all(el: &HtmlElement, sel: &str) -> Vec<Element> {
    let list = el.query_selector_all(sel).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

fn text(el: &HtmlElement, sel: &str) -> String {
    el.query_selector(sel)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn mounts_into_an_element_and_shows_the_start_page() {
    let el = host();
    let app = app_in(&el);
    wait_until("the start page", || !all(&el, ".start").is_empty()).await;
    assert!(text(&el, ".dropzone").contains("Drop trace files"));
    assert!(!app.in_worker(), "no worker URL given: same thread");
    app.unmount();
    assert_eq!(el.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn opening_bytes_shows_the_tree_and_a_span_with_its_transcript() {
    let el = host();
    let app = app_in(&el);
    let report = open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    let files = Reflect::get(&report, &"files".into()).unwrap();
    let first = Reflect::get(&files, &0.into()).unwrap();
    assert_eq!(
        Reflect::get(&first, &"spans".into()).unwrap().as_f64(),
        Some(10.0)
    );
    // One trace: it opens directly.
    wait_until("ten rows", || all(&el, ".tree-body .row").len() == 10).await;
    assert_eq!(
        text(&el, "[data-testid=trace-title]"),
        "invoke_agent travel-planner"
    );
    let rows = all(&el, ".tree-body .row");
    assert_eq!(
        rows.iter()
            .filter(|r| r.get_attribute("data-critical").as_deref() == Some("true"))
            .count(),
        rows.len(),
        "a sequential run: every span is on the critical path"
    );
    // Click the first model call.
    let chat = rows
        .iter()
        .find(|r| r.text_content().unwrap_or_default().contains("chat gpt-4o"))
        .expect("a chat row")
        .clone();
    chat.unchecked_ref::<HtmlElement>().click();
    wait_until("the span detail", || {
        !all(&el, "[data-testid=transcript]").is_empty()
    })
    .await;
    let detail = text(&el, "[data-testid=span-detail]");
    assert!(detail.contains("gen_ai.request.model"), "{detail}");
    assert!(detail.contains("GenAI attributes"));
    assert!(!all(&el, ".transcript .msg").is_empty());
    app.unmount();
}

#[wasm_bindgen_test]
async fn a_bad_file_shows_its_error_and_the_open_trace_stays() {
    let el = host();
    let app = app_in(&el);
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    wait_until("rows", || all(&el, ".tree-body .row").len() == 10).await;
    open(
        &app,
        "broken.json",
        br#"{"resourceSpans": [{"scopeSpans": "#,
    )
    .await;
    wait_until("the error", || !all(&el, ".notice.error").is_empty()).await;
    let msg = text(&el, ".notice.error");
    assert!(msg.starts_with("broken.json"), "{msg}");
    assert_eq!(all(&el, ".tree-body .row").len(), 10);
    app.unmount();
}

#[wasm_bindgen_test]
async fn trace_strings_are_text_never_markup() {
    let el = host();
    let app = app_in(&el);
    let payload =
        r#"<img src=x onerror=\"window.__loupe_pwned=1\"><script>window.__loupe_pwned=2</script>"#;
    let trace = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{payload}"}}}}]}},
        "scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
        "name":"{payload}","startTimeUnixNano":"1000000000","endTimeUnixNano":"2000000000",
        "attributes":[{{"key":"javascript:alert(1)","value":{{"stringValue":"{payload}"}}}}]}}]}}]}}]}}"#
    );
    open(&app, "evil.json", trace.as_bytes()).await;
    wait_until("the row", || all(&el, ".tree-body .row").len() == 1).await;
    let name = text(&el, ".tree-body .row .name");
    assert!(name.starts_with("<img src=x"), "{name}");
    all(&el, ".tree-body .row")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    wait_until("the detail", || {
        !all(&el, "[data-testid=span-detail]").is_empty()
    })
    .await;
    assert!(
        all(&el, "img, script").is_empty(),
        "no element was created from trace text"
    );
    let pwned = Reflect::get(&js_sys::global(), &"__loupe_pwned".into()).unwrap();
    assert!(pwned.is_undefined());
    app.unmount();
}

#[wasm_bindgen_test]
async fn collapsing_a_span_hides_its_subtree_and_the_filter_marks_matches() {
    let el = host();
    let app = app_in(&el);
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    wait_until("rows", || all(&el, ".tree-body .row").len() == 10).await;
    // The nested agent has three spans below it.
    let agent = all(&el, ".tree-body .row")
        .into_iter()
        .find(|r| {
            r.text_content()
                .unwrap_or_default()
                .contains("invoke_agent flight-search")
        })
        .expect("the nested agent");
    agent
        .query_selector(".twisty")
        .unwrap()
        .expect("a toggle")
        .unchecked_into::<HtmlElement>()
        .click();
    wait_until("seven rows", || all(&el, ".tree-body .row").len() == 7).await;
    assert!(text(&el, ".tree-body").contains("+3"));
    // Type a filter: matching rows are marked, the collapsed agent counts the match inside it.
    let input: web_sys::HtmlInputElement = el
        .query_selector("[data-testid=filter]")
        .unwrap()
        .expect("the filter")
        .unchecked_into();
    input.set_value("kind:tool");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    wait_until("the matches", || text(&el, ".filter-status") == "4 matches").await;
    assert_eq!(all(&el, ".tree-body .row.matched").len(), 3);
    assert!(text(&el, ".tree-body").contains("1 inside"));
    app.unmount();
}

fn click(el: &HtmlElement, sel: &str) {
    el.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn the_span_panel_zooms_to_a_subtree_and_the_breadcrumb_zooms_out() {
    let el = host();
    let app = app_in(&el);
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    wait_until("rows", || all(&el, ".tree-body .row").len() == 10).await;
    all(&el, ".tree-body .row")
        .into_iter()
        .find(|r| {
            r.text_content()
                .unwrap_or_default()
                .contains("invoke_agent flight-search")
        })
        .expect("the nested agent")
        .unchecked_into::<HtmlElement>()
        .click();
    wait_until("the span panel", || {
        !all(&el, "[data-testid=zoom]").is_empty()
    })
    .await;
    click(&el, "[data-testid=zoom]");
    // The agent and the three spans below it; the breadcrumb names the way there.
    wait_until("four rows", || all(&el, ".tree-body .row").len() == 4).await;
    assert_eq!(
        text(&el, ".tree-body .row .name"),
        "invoke_agent flight-search"
    );
    assert_eq!(
        text(&el, "[data-testid=zoom-crumbs] button.crumb"),
        "invoke_agent travel-planner"
    );
    assert_eq!(text(&el, "[data-testid=zoom]"), "⤢ Whole trace");
    click(&el, "[data-testid=zoom-crumbs] .btn");
    wait_until("every row", || all(&el, ".tree-body .row").len() == 10).await;
    assert!(all(&el, "[data-testid=zoom-crumbs]").is_empty());
    app.unmount();
}

#[wasm_bindgen_test]
async fn traces_of_one_conversation_are_grouped_in_the_list() {
    let el = host();
    let app = app_in(&el);
    let span = |trace: u32, conv: &str| {
        let attrs = if conv.is_empty() {
            String::new()
        } else {
            format!(r#"{{"key":"gen_ai.conversation.id","value":{{"stringValue":"{conv}"}}}}"#)
        };
        format!(
            r#"{{"traceId":"{trace:032x}","spanId":"{trace:016x}","name":"turn {trace}","startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{attrs}]}}"#,
            u64::from(trace) * 1_000_000_000,
            u64::from(trace) * 1_000_000_000 + 500_000_000
        )
    };
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{},{},{}]}}]}}]}}"#,
        span(1, "c-1"),
        span(2, ""),
        span(3, "c-1")
    );
    open(&app, "turns.json", doc.as_bytes()).await;
    wait_until("the group", || !all(&el, "tbody.conversation").is_empty()).await;
    let members: Vec<String> = all(&el, "tbody.conversation .trace-row .name")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(members, ["turn 1", "turn 3"]);
    assert_eq!(text(&el, ".group-count"), "2 traces");
    assert_eq!(all(&el, ".trace-row").len(), 3);
    click(&el, ".group-toggle");
    wait_until("folded", || all(&el, ".trace-row").len() == 1).await;
    assert_eq!(text(&el, ".trace-row .name"), "turn 2");
    app.unmount();
}

/// The node agent sample's one trace, as displayed.
const NODE_TRACE: &str = "f2375243e512011845516c7d47ff7c28";
/// Its nested agent's span id.
const NODE_AGENT_SPAN: &str = "a273aaf9e098ede6";
const PYTHON: &[u8] = include_bytes!("../../tests/fixtures/otlp/valid/sdk-python-agent.json");

/// A URL for the real `www/worker.js`, loading this test's module instead of the app's: the
/// runner serves the test's JS glue (with `worker_main` and the engine) and its wasm at the
/// server's root. The glue of a test module has no default wasm path, so it is given.
fn worker_url() -> String {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let mut src = include_str!("../../www/worker.js").to_owned();
    for (from, to) in [
        (
            "'./loupe_app.js'",
            format!("'{origin}/wasm-bindgen-test.js'"),
        ),
        (
            "await init();",
            format!("await init({{ module_or_path: '{origin}/wasm-bindgen-test_bg.wasm' }});"),
        ),
    ] {
        assert!(src.contains(from), "worker.js has {from}");
        src = src.replace(from, &to);
    }
    blob_url(&src)
}

/// An object URL for a module script.
fn blob_url(src: &str) -> String {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&src.into()), &opts).unwrap();
    let url = Reflect::get(&js_sys::global(), &"URL".into()).unwrap();
    let create: js_sys::Function = Reflect::get(&url, &"createObjectURL".into())
        .unwrap()
        .unchecked_into();
    create.call1(&url, &blob).unwrap().as_string().unwrap()
}

/// One question to the engine, and its answer (within the wait limit).
async fn ask(client: &Client, req: &Request) -> Response {
    answered(&format!("the answer to {req:?}"), client.call(req)).await
}

fn file(name: &str, bytes: &[u8]) -> web_sys::File {
    web_sys::File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)), name).unwrap()
}

#[wasm_bindgen_test]
async fn the_real_worker_answers_every_kind_of_question() {
    let progress: Rc<RefCell<Vec<Progress>>> = Rc::default();
    let seen = progress.clone();
    let client = Client::new(Some(worker_url()), move |p| seen.borrow_mut().push(p));
    assert!(client.in_worker(), "the worker started");
    let resp = answered(
        "the load",
        client.open(Array::of1(&file("sdk-node-agent.jsonl", SAMPLE))),
    )
    .await;
    let Response::Loaded(report) = resp else {
        panic!("not loaded: {resp:?}")
    };
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].name, "sdk-node-agent.jsonl");
    assert_eq!(report.files[0].spans, Some(10), "{:?}", report.files[0]);
    assert_eq!(report.files[0].error, None);
    assert_eq!(report.summary.span_count, 10);
    assert_eq!(report.summary.traces.len(), 1);
    assert_eq!(report.summary.traces[0].trace_id, NODE_TRACE);
    // The worker reported its stages while it loaded.
    let stages: Vec<Stage> = progress.borrow().iter().map(|p| p.stage).collect();
    for stage in [Stage::Reading, Stage::Parsing, Stage::Analysing] {
        assert!(stages.contains(&stage), "{stage:?} in {stages:?}");
    }
    assert_eq!(
        ask(&client, &Request::Summary).await,
        Response::Summary(report.summary.clone())
    );
    let Response::View(v) = ask(
        &client,
        &Request::SetView {
            trace: 0,
            critical_only: false,
            query: "kind:tool".into(),
            hide: false,
        },
    )
    .await
    else {
        panic!("no view")
    };
    assert_eq!((v.trace, v.rows, v.matches), (0, 10, 4));
    let Response::Rows(w) = ask(
        &client,
        &Request::Rows {
            start: 0,
            count: 100,
        },
    )
    .await
    else {
        panic!("no rows")
    };
    assert_eq!(w.version, v.version);
    assert_eq!(w.rows.len(), 10);
    assert_eq!(w.rows[0].name, "invoke_agent travel-planner");
    assert_eq!(w.rows.iter().filter(|r| r.matched).count(), 4);
    let chat = w
        .rows
        .iter()
        .find(|r| r.op == "chat")
        .expect("a model call");
    let Response::Span(d) = ask(&client, &Request::Span { span: chat.span }).await else {
        panic!("no span detail")
    };
    assert_eq!(d.span, chat.span);
    assert_eq!(d.trace_id, NODE_TRACE);
    assert!(d.groups.iter().any(|g| g.name == "GenAI"), "{:?}", d.groups);
    assert!(d.transcript.is_some(), "the model call's conversation");
    let Response::Trace(t) = ask(&client, &Request::Trace { trace: 0 }).await else {
        panic!("no trace detail")
    };
    assert_eq!(t.summary, report.summary.traces[0]);
    assert!(!t.report.critical_path.is_empty());
    let agent = w
        .rows
        .iter()
        .find(|r| r.name == "invoke_agent flight-search")
        .expect("the nested agent");
    assert_eq!(
        ask(
            &client,
            &Request::Locate {
                trace_id: NODE_TRACE.into(),
                span_id: Some(NODE_AGENT_SPAN.into()),
            }
        )
        .await,
        Response::Located {
            trace: Some(0),
            span: Some(agent.span)
        }
    );
    // A file's bytes come back beside the answer.
    let settings = loupe_app::protocol::RedactSettings {
        action: "mask".into(),
        key: "00".repeat(32),
        ..Default::default()
    };
    let (out, bytes) = answered(
        "the export",
        client.redact_export(settings, loupe_app::protocol::Format::OtlpJson),
    )
    .await
    .expect("exported");
    assert_eq!(out.spans, 10);
    let bytes = bytes.to_vec();
    assert!(bytes.starts_with(b"{"), "OTLP JSON");
    // A request the engine cannot answer is answered, not dropped.
    assert!(matches!(
        ask(&client, &Request::Span { span: 999_999 }).await,
        Response::Error { .. }
    ));
    // Closed, the worker is gone and nothing answers any more: a request is refused at once,
    // not run on the page's own engine.
    client.close();
    assert!(!client.in_worker());
    let Response::Error { message } = ask(&client, &Request::Summary).await else {
        panic!("a closed client answered")
    };
    assert_eq!(message, "the viewer was closed");
}

#[wasm_bindgen_test]
async fn the_viewer_runs_on_a_real_worker() {
    let el = host();
    let opts = Object::new();
    Reflect::set(&opts, &"hash".into(), &JsValue::FALSE).unwrap();
    Reflect::set(&opts, &"worker".into(), &worker_url().into()).unwrap();
    let app = mount(el.clone(), &opts);
    assert!(app.in_worker());
    let report = open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    let files = Reflect::get(&report, &"files".into()).unwrap();
    let first = Reflect::get(&files, &0.into()).unwrap();
    assert_eq!(
        Reflect::get(&first, &"spans".into()).unwrap().as_f64(),
        Some(10.0)
    );
    wait_until("ten rows", || all(&el, ".tree-body .row").len() == 10).await;
    all(&el, ".tree-body .row")
        .into_iter()
        .find(|r| r.text_content().unwrap_or_default().contains("chat gpt-4o"))
        .expect("a chat row")
        .unchecked_into::<HtmlElement>()
        .click();
    wait_until("the transcript", || {
        !all(&el, "[data-testid=transcript]").is_empty()
    })
    .await;
    assert!(text(&el, "[data-testid=span-detail]").contains("gen_ai.request.model"));
    let summary = app.summary();
    assert_eq!(
        Reflect::get(&summary, &"span_count".into())
            .unwrap()
            .as_f64(),
        Some(10.0)
    );
    app.unmount();
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_start_is_not_restarted_in_a_loop() {
    let client = Client::new(Some(blob_url("throw new Error('no engine here');")), |_| {});
    assert!(client.in_worker(), "the Worker object was created");
    let resp = answered(
        "the load",
        client.open(Array::of1(&file("sdk-node-agent.jsonl", SAMPLE))),
    )
    .await;
    let Response::Crashed { message } = resp else {
        panic!("not a crash: {resp:?}")
    };
    assert!(message.contains("sdk-node-agent.jsonl"), "{message}");
    // No fresh worker that would die the same way: the engine goes on on the page's thread.
    assert!(!client.in_worker());
    let resp = answered(
        "the load",
        client.open(Array::of1(&file("sdk-node-agent.jsonl", SAMPLE))),
    )
    .await;
    let Response::Loaded(report) = resp else {
        panic!("not loaded: {resp:?}")
    };
    assert_eq!(report.summary.span_count, 10);
    client.close();
}

/// Sets the page's URL fragment (`""` clears it).
fn set_fragment(f: &str) {
    let w = web_sys::window().unwrap();
    let url = if f.is_empty() {
        w.location().pathname().unwrap()
    } else {
        f.to_owned()
    };
    w.history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .unwrap();
}

fn fragment() -> String {
    web_sys::window().unwrap().location().hash().unwrap()
}

/// A viewer that keeps its state in the fragment, mounted after `f` was set.
fn app_with_fragment(el: &HtmlElement, f: &str) -> LoupeApp {
    set_fragment(f);
    mount(el.clone(), &Object::new())
}

fn info(el: &HtmlElement) -> String {
    all(el, ".notice.info")
        .iter()
        .filter_map(|n| n.text_content())
        .collect::<Vec<_>>()
        .join("\n")
}

fn checked(el: &HtmlElement, sel: &str) -> bool {
    el.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .unchecked_into::<web_sys::HtmlInputElement>()
        .checked()
}

fn value(el: &HtmlElement, sel: &str) -> String {
    el.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

#[wasm_bindgen_test]
async fn a_garbage_fragment_is_ignored_named_and_replaced_by_what_is_shown() {
    let el = host();
    let app = app_with_fragment(
        &el,
        "#trace=abc&span=-1&foo=1&q=%ZZ&cp=1&trace=999999&zoom=&%",
    );
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    // Nothing in the link can be followed: the one trace opens as it would without a link.
    wait_until("ten rows", || all(&el, ".tree-body .row").len() == 10).await;
    assert_eq!(
        text(&el, "[data-testid=trace-title]"),
        "invoke_agent travel-planner"
    );
    wait_until("the notice", || !info(&el).is_empty()).await;
    let said = info(&el);
    for part in [
        "trace `abc` (not among the open traces)",
        "`foo=1` (unknown key)",
        "`q=%ZZ` (not a valid %-escape)",
        "`trace=999999` (repeated)",
        "`zoom=` (empty)",
        "`%` (unknown key)",
    ] {
        assert!(said.contains(part), "{part} in {said}");
    }
    // The link's filter and critical-path setting were not applied without its trace.
    assert_eq!(value(&el, "[data-testid=filter]"), "");
    assert!(!checked(&el, "[data-testid=critical-only]"));
    assert!(all(&el, ".row.selected").is_empty());
    wait_until("the fragment of what is shown", || {
        fragment() == format!("#trace={NODE_TRACE}")
    })
    .await;
    app.unmount();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_link_to_a_trace_not_open_keeps_the_list_and_is_followed_once_its_file_opens() {
    let el = host();
    let link = format!("#trace={NODE_TRACE}&span={NODE_AGENT_SPAN}");
    let app = app_with_fragment(&el, &link);
    open(&app, "sdk-python-agent.json", PYTHON).await;
    wait_until("the trace list", || all(&el, ".trace-row").len() == 2).await;
    wait_until("the notice", || !info(&el).is_empty()).await;
    assert!(
        info(&el).contains(&format!("trace `{NODE_TRACE}` (not among the open traces)")),
        "{}",
        info(&el)
    );
    assert!(all(&el, ".tree-body .row").is_empty(), "no trace is shown");
    assert_eq!(fragment(), link, "the link waits");
    // Its file opens: the link is followed, and what was open stays open.
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    wait_until("the linked span", || {
        text(&el, ".row.selected .name") == "invoke_agent flight-search"
    })
    .await;
    assert_eq!(all(&el, ".tree-body .row").len(), 10);
    let summary = app.summary();
    let traces = Reflect::get(&summary, &"traces".into()).unwrap();
    assert_eq!(Array::from(&traces).length(), 3);
    app.unmount();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_link_whose_span_and_zoom_are_not_in_its_trace_opens_the_trace_with_its_filter() {
    let el = host();
    let app = app_with_fragment(
        &el,
        &format!("#trace={NODE_TRACE}&span=-1&zoom=18446744073709551616&q=kind%3Atool&unknown"),
    );
    open(&app, "sdk-node-agent.jsonl", SAMPLE).await;
    wait_until("the matches", || text(&el, ".filter-status") == "4 matches").await;
    assert_eq!(all(&el, ".tree-body .row").len(), 10, "not zoomed");
    assert!(all(&el, "[data-testid=zoom-crumbs]").is_empty());
    assert!(all(&el, ".row.selected").is_empty());
    assert_eq!(value(&el, "[data-testid=filter]"), "kind:tool");
    wait_until("the notice", || !info(&el).is_empty()).await;
    let said = info(&el);
    for part in [
        "span `-1` (not in that trace)",
        "zoom `18446744073709551616` (not in that trace)",
        "`unknown` (unknown key)",
    ] {
        assert!(said.contains(part), "{part} in {said}");
    }
    app.unmount();
    set_fragment("");
}

//! Component tests in headless Chromium (wasm-bindgen-test): the app mounted into a plain
//! element, fed through its public API, with the engine on the page's thread.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, Uint8Array};
use loupe_app::{LoupeApp, mount};
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
    JsFuture::from(app.open_bytes(name, &arr).unwrap())
        .await
        .unwrap()
}

/// Lets Leptos apply its DOM updates (they are asynchronous) until `cond` holds.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..200 {
        leptos::task::tick().await;
        if cond() {
            return;
        }
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
                .unwrap();
        });
        JsFuture::from(p).await.unwrap();
    }
    panic!("timed out waiting for {what}");
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
    until("the start page", || !all(&el, ".start").is_empty()).await;
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
    until("ten rows", || all(&el, ".tree-body .row").len() == 10).await;
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
    until("the span detail", || {
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
    until("rows", || all(&el, ".tree-body .row").len() == 10).await;
    open(
        &app,
        "broken.json",
        br#"{"resourceSpans": [{"scopeSpans": "#,
    )
    .await;
    until("the error", || !all(&el, ".notice.error").is_empty()).await;
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
    until("the row", || all(&el, ".tree-body .row").len() == 1).await;
    let name = text(&el, ".tree-body .row .name");
    assert!(name.starts_with("<img src=x"), "{name}");
    all(&el, ".tree-body .row")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    until("the detail", || {
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
    until("rows", || all(&el, ".tree-body .row").len() == 10).await;
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
    until("seven rows", || all(&el, ".tree-body .row").len() == 7).await;
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
    until("the matches", || text(&el, ".filter-status") == "4 matches").await;
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
    until("rows", || all(&el, ".tree-body .row").len() == 10).await;
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
    until("the span panel", || {
        !all(&el, "[data-testid=zoom]").is_empty()
    })
    .await;
    click(&el, "[data-testid=zoom]");
    // The agent and the three spans below it; the breadcrumb names the way there.
    until("four rows", || all(&el, ".tree-body .row").len() == 4).await;
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
    until("every row", || all(&el, ".tree-body .row").len() == 10).await;
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
    until("the group", || !all(&el, "tbody.conversation").is_empty()).await;
    let members: Vec<String> = all(&el, "tbody.conversation .trace-row .name")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(members, ["turn 1", "turn 3"]);
    assert_eq!(text(&el, ".group-count"), "2 traces");
    assert_eq!(all(&el, ".trace-row").len(), 3);
    click(&el, ".group-toggle");
    until("folded", || all(&el, ".trace-row").len() == 1).await;
    assert_eq!(text(&el, ".trace-row .name"), "turn 2");
    app.unmount();
}

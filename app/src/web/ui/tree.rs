//! The trace page: the span tree and its waterfall side by side in one virtual list (only the rows
//! in view are in the DOM), the filter bar, and keyboard navigation.

use super::{ROW_H, Store, Tab, fmt, panels, run, use_store};
use crate::protocol::Row;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Keyboard shortcuts on the whole page.
pub fn on_key(st: Store, ev: &web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let key = ev.key();
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let in_field = target
        .as_ref()
        .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    // Keys belong to Loupe only when focus is inside it or nowhere in particular.
    let inside = match (&target, st.root.with_value(Clone::clone)) {
        (Some(t), Some(root)) => {
            root.contains(Some(t)) || t.tag_name() == "BODY" || t.tag_name() == "HTML"
        }
        _ => true,
    };
    if !inside {
        return;
    }
    if key == "Escape" {
        if st.help.get_untracked() {
            st.help.set(false);
        } else if st.paste.get_untracked() {
            st.paste.set(false);
        } else if in_field {
            if let Some(t) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = t.blur();
            }
        } else if st.selected.get_untracked().is_some() {
            st.selected.set(None);
            st.detail.set(None);
            st.tab.set(Tab::Findings);
        } else if st.trace.get_untracked().is_some() && st.view.with_untracked(|v| v.zoom.is_some())
        {
            run(st.zoom(None));
        } else if st.trace.get_untracked().is_some() {
            st.close_trace();
        }
        return;
    }
    if in_field {
        if key == "Enter" && st.trace.get_untracked().is_some() {
            run(st.next_match(ev.shift_key()));
        }
        return;
    }
    if key == "?" {
        st.help.update(|h| *h = !*h);
        ev.prevent_default();
        return;
    }
    if st.trace.get_untracked().is_none() {
        let handled = match key.as_str() {
            "j" | "ArrowDown" => move_list_focus(st, 1),
            "k" | "ArrowUp" => move_list_focus(st, -1),
            "/" => web_sys::window()
                .and_then(|w| w.document())
                .and_then(|doc| root_query(st, &doc, "[data-testid=list-filter]"))
                .is_some_and(|el| el.focus().is_ok()),
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
        return;
    }
    let row = st.selected_row.get_untracked();
    let handled = match key.as_str() {
        "/" => {
            if let Some(doc) = web_sys::window().and_then(|w| w.document())
                && let Some(el) = root_query(st, &doc, "[data-testid=filter]")
            {
                let _ = el.focus();
            }
            true
        }
        "j" | "ArrowDown" => {
            run(st.select_row(row.map_or(0, |r| r + 1)));
            true
        }
        "k" | "ArrowUp" => {
            run(st.select_row(row.map_or(0, |r| r.saturating_sub(1))));
            true
        }
        "Enter" | "ArrowLeft" | "ArrowRight" | " " => {
            if let Some(span) = st.selected.get_untracked() {
                let collapsed = st.window.with_untracked(|w| {
                    w.rows
                        .iter()
                        .find(|r| r.span == span)
                        .map(|r| (r.collapsed, r.descendants > 0))
                });
                if let Some((collapsed, has_kids)) = collapsed {
                    let want = match key.as_str() {
                        "ArrowLeft" => !collapsed && has_kids,
                        "ArrowRight" => collapsed,
                        _ => has_kids,
                    };
                    if want {
                        run(st.toggle(span));
                    }
                }
            }
            true
        }
        "n" => {
            run(st.next_match(false));
            true
        }
        "N" => {
            run(st.next_match(true));
            true
        }
        "c" => {
            st.critical_only.update(|c| *c = !*c);
            run(st.refresh_view());
            true
        }
        "z" => {
            let zoom = st.view.with_untracked(|v| v.zoom);
            match st.selected.get_untracked() {
                Some(s) if zoom != Some(s) => run(st.zoom(Some(s))),
                _ if zoom.is_some() => run(st.zoom(None)),
                _ => {}
            }
            true
        }
        "f" => {
            if let Some(s) = st
                .trace_detail
                .with_untracked(|d| d.as_ref().and_then(|d| d.first_suspect))
            {
                run(st.reveal(s));
            }
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// Moves the focus to the next (`by` 1) or previous (-1) row of the trace list.
fn move_list_focus(st: Store, by: i32) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let rows = match st.root.with_value(Clone::clone) {
        Some(root) => root.query_selector_all(".trace-row"),
        None => doc.query_selector_all(".trace-row"),
    };
    let Ok(rows) = rows else { return false };
    let n = rows.length();
    if n == 0 {
        return false;
    }
    let active = doc.active_element();
    let at = (0..n).find(|&i| {
        rows.get(i)
            .is_some_and(|r| active.as_ref().is_some_and(|a| r.is_same_node(Some(a))))
    });
    let next = match at {
        Some(i) => (i as i64 + i64::from(by)).clamp(0, i64::from(n) - 1) as u32,
        None => 0,
    };
    rows.get(next)
        .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|r| r.focus().is_ok())
}

fn root_query(st: Store, doc: &web_sys::Document, sel: &str) -> Option<web_sys::HtmlElement> {
    let found = match st.root.with_value(Clone::clone) {
        Some(root) => root.query_selector(sel).ok().flatten(),
        None => doc.query_selector(sel).ok().flatten(),
    };
    found.and_then(|e| e.dyn_into().ok())
}

/// Saves the shown trace's `loupe.analysis/1` report (as the core wrote it) as a file.
fn export_trace(st: Store) {
    let Some(d) = st.trace_detail.get_untracked() else {
        return;
    };
    let doc = serde_json::json!({ "schema": "loupe.analysis/1", "traces": [d.report] });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let name = format!("{}.analysis.json", d.entry.trace_id);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    if let Err(e) = super::redact::download(&name, &parts, "application/json") {
        st.notify(
            "error",
            format!("the export failed: {}", super::super::io::describe(&e)),
        );
    }
}

/// The keyboard help.
#[component]
pub fn Help() -> impl IntoView {
    let st = use_store();
    let keys = [
        ("j / ↓", "next span (in the list: next trace)"),
        ("k / ↑", "previous span (in the list: previous trace)"),
        ("Enter / Space", "collapse or expand"),
        ("← / →", "collapse / expand"),
        ("/", "filter"),
        ("n / N", "next / previous match"),
        ("c", "critical path only"),
        (
            "z",
            "zoom to the selected span's subtree (again: whole trace)",
        ),
        ("f", "jump to the first suspect"),
        (
            "Esc",
            "close, clear the selection, leave the zoom, back to the list",
        ),
        ("?", "this help"),
    ];
    view! {
        <Show when=move || st.help.get()>
            <div class="modal-backdrop" on:click=move |_| st.help.set(false)>
                <div class="modal" role="dialog" aria-label="Keyboard shortcuts">
                    <h2>"Keyboard"</h2>
                    <table class="kv">
                        {keys
                            .iter()
                            .map(|(k, what)| view! {
                                <tr>
                                    <th><kbd>{*k}</kbd></th>
                                    <td>{*what}</td>
                                </tr>
                            })
                            .collect_view()}
                    </table>
                    <h2>"Filter"</h2>
                    <p class="small">
                        "Terms must all hold; -term negates. "
                        <code>"word"</code>", "<code>"key=value"</code>", "<code>"key~regex"</code>", "
                        <code>"key=*"</code>", "<code>"status:error"</code>", "<code>"kind:tool"</code>" (model, agent, chat, server…), "
                        <code>"finding:loop"</code>" (or any), "<code>"service:name"</code>", "
                        <code>">500ms"</code>", "<code>"<2s"</code>", "<code>"critical"</code>"."
                    </p>
                </div>
            </div>
        </Show>
    }
}

/// One trace: header, filter bar, tree and waterfall, side panel.
#[component]
pub fn TraceView() -> impl IntoView {
    let st = use_store();
    let entry = move || {
        let t = st.trace.get()?;
        st.summary.with(|s| s.traces.get(t as usize).cloned())
    };
    let suspect = move || {
        st.trace_detail
            .with(|d| d.as_ref().and_then(|d| d.first_suspect))
    };
    view! {
        <main class="trace-page">
            <div class="trace-head">
                <button class="btn" on:click=move |_| st.close_trace() title="All traces (Esc)">
                    "← Traces"
                </button>
                {move || {
                    entry()
                        .map(|t| {
                            view! {
                                <h1 class="trace-title" data-testid="trace-title">
                                    {t.root.clone()}
                                </h1>
                                <span class="trace-meta">
                                    <span>{fmt::dur(t.duration_ns)}</span>
                                    <span>{format!("{} spans", fmt::int(u64::from(t.spans)))}</span>
                                    <span>{t.services.join(", ")}</span>
                                    <span>
                                        {format!(
                                            "{} in / {} out tokens",
                                            fmt::int(t.tokens_in),
                                            fmt::int(t.tokens_out),
                                        )}
                                    </span>
                                    <span>{fmt::usd(t.cost_usd)}</span>
                                    {(t.errors > 0)
                                        .then(|| view! {
                                            <span class="status error">
                                                {format!("{} error{}", t.errors, if t.errors == 1 { "" } else { "s" })}
                                            </span>
                                        })}
                                    <span class="mono muted small" title=format!("Trace id {}", t.trace_id)>
                                        {t.trace_id.chars().take(16).collect::<String>()}
                                    </span>
                                </span>
                            }
                        })
                }}
                <button
                    class="btn"
                    title="Download this trace's analysis (loupe.analysis/1 JSON)"
                    on:click=move |_| export_trace(st)
                >
                    "Export JSON"
                </button>
                {move || {
                    suspect()
                        .map(|s| {
                            view! {
                                <button
                                    class="btn suspect-btn"
                                    title="Jump to the earliest span with a warning or worse (f)"
                                    on:click=move |_| run(st.reveal(s))
                                >
                                    "⚑ First suspect"
                                </button>
                            }
                        })
                }}
            </div>
            <FilterBar/>
            <ZoomCrumbs/>
            <div class="split">
                <SpanTree/>
                <panels::SidePanel/>
            </div>
        </main>
    }
}

/// Where the zoomed view is: the way from the trace's top to the zoomed span, each a step back.
#[component]
fn ZoomCrumbs() -> impl IntoView {
    let st = use_store();
    move || {
        let path = st.view.with(|v| v.zoom_path.clone());
        let (last, above) = path.split_last()?;
        let last = last.1.clone();
        let above = above.to_vec();
        Some(view! {
            <nav class="zoom-crumbs" aria-label="Zoomed to a subtree" data-testid="zoom-crumbs">
                <button class="btn" title="Back to the whole trace (Esc)" on:click=move |_| run(st.zoom(None))>
                    "⤢ Whole trace"
                </button>
                {above
                    .into_iter()
                    .map(|(span, name)| view! {
                        <span class="crumb-sep" aria-hidden="true">"›"</span>
                        <button class="link-btn crumb" title="Zoom out to this span" on:click=move |_| run(st.zoom(Some(span)))>
                            {name}
                        </button>
                    })
                    .collect_view()}
                <span class="crumb-sep" aria-hidden="true">"›"</span>
                <span class="crumb current" aria-current="location">{last}</span>
            </nav>
        })
    }
}

#[component]
fn FilterBar() -> impl IntoView {
    let st = use_store();
    let timer = StoredValue::new_local(None::<i32>);
    let on_input = move |ev: web_sys::Event| {
        st.query.set(event_target_value(&ev));
        // Debounced: refilter 150 ms after the last key.
        let Some(w) = web_sys::window() else { return };
        if let Some(t) = timer.get_value() {
            w.clear_timeout_with_handle(t);
        }
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || run(st.refresh_view()));
        timer.set_value(
            w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 150)
                .ok(),
        );
    };
    let status = move || {
        let v = st.view.get();
        if let Some(e) = v.query_error {
            return (true, e);
        }
        if st.query.with(|q| q.trim().is_empty()) {
            return (false, String::new());
        }
        if st.query.get() != st.applied_query.get() {
            return (false, "…".to_owned());
        }
        (
            false,
            format!(
                "{} match{}",
                v.matches,
                if v.matches == 1 { "" } else { "es" }
            ),
        )
    };
    view! {
        <div class="toolbar">
            <input
                type="search"
                class="filter"
                data-testid="filter"
                placeholder="Filter ( / )   kind:tool  status:error  >500ms  key=value"
                aria-label="Filter spans"
                spellcheck="false"
                prop:value=move || st.query.get()
                on:input=on_input
            />
            <span class="filter-status" class:error=move || status().0>
                {move || status().1}
            </span>
            <button class="btn icon" title="Previous match (N)" on:click=move |_| run(st.next_match(true))>
                "↑"
            </button>
            <button class="btn icon" title="Next match (n)" on:click=move |_| run(st.next_match(false))>
                "↓"
            </button>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || st.hide.get()
                    on:change=move |ev| {
                        st.hide.set(event_target_checked(&ev));
                        run(st.refresh_view());
                    }
                />
                "Hide others"
            </label>
            <label class="check cp-toggle">
                <input
                    type="checkbox"
                    data-testid="critical-only"
                    prop:checked=move || st.critical_only.get()
                    on:change=move |ev| {
                        st.critical_only.set(event_target_checked(&ev));
                        run(st.refresh_view());
                    }
                />
                "Critical path only"
            </label>
            <span class="spacer"></span>
            <button class="btn" title="Collapse below the top level" on:click=move |_| run(st.collapse_to(Some(1)))>
                "Collapse"
            </button>
            <button class="btn" title="Expand everything" on:click=move |_| run(st.collapse_to(None))>
                "Expand"
            </button>
        </div>
    }
}

fn ticks(duration_ns: u64) -> Vec<(f64, String)> {
    (0..=4)
        .map(|i| {
            let f = f64::from(i) / 4.0;
            let label = if i == 0 {
                "0".to_owned()
            } else {
                fmt::dur((duration_ns as f64 * f) as u64)
            };
            (f * 100.0, label)
        })
        .collect()
}

/// Drags the divider between the tree and the timeline: sets `--tree-w` on the pane (through the
/// CSSOM, which the CSP allows) until the mouse is released.
fn start_resize(pane: NodeRef<html::Section>, ev: &web_sys::MouseEvent) {
    use wasm_bindgen::closure::Closure;
    ev.prevent_default();
    let Some(el) = pane.get_untracked() else {
        return;
    };
    let el: web_sys::HtmlElement = el.unchecked_into();
    let Some(window) = web_sys::window() else {
        return;
    };
    let _ = el.class_list().add_1("resizing");
    let target = el.clone();
    let on_move = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let width = f64::from(target.offset_width());
        if width <= 0.0 {
            return;
        }
        let x = f64::from(ev.client_x() - target.offset_left());
        let pct = (x / width * 100.0).clamp(15.0, 85.0);
        let _ = target
            .style()
            .set_property("--tree-w", &format!("{pct:.1}%"));
    });
    let moved = on_move.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let _ = window.add_event_listener_with_callback("mousemove", &moved);
    on_move.forget();
    let w = window.clone();
    let on_up = Closure::once_into_js(move || {
        let _ = w.remove_event_listener_with_callback("mousemove", &moved);
        let _ = el.class_list().remove_1("resizing");
    });
    let opts = web_sys::AddEventListenerOptions::new();
    opts.set_once(true);
    let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
        "mouseup",
        on_up.unchecked_ref(),
        &opts,
    );
}

/// Rows beyond each edge of the viewport that count as in view when fetching rows.
const PREFETCH: u32 = 12;

#[component]
fn SpanTree() -> impl IntoView {
    let st = use_store();
    let scroller = NodeRef::<html::Div>::new();
    let pane = NodeRef::<html::Section>::new();
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            let el: web_sys::HtmlDivElement = el;
            let first = (f64::from(el.scroll_top()) / ROW_H).floor().max(0.0) as u32;
            let count = (f64::from(el.client_height().max(200)) / ROW_H).ceil() as u32 + 1;
            // Count a few rows beyond each edge as in view, so the next window is asked for
            // before the scroll reaches the edge of the rows there are.
            let ahead = first.min(PREFETCH);
            let (first, count) = (first - ahead, count + ahead + PREFETCH);
            if st.viewport.get_untracked() != (first, count) {
                st.viewport.set((first, count));
            }
        }
    };
    // Fetch rows when the viewport moves past what was fetched (view changes fetch their own).
    Effect::new(move |_| {
        let _ = st.viewport.get();
        run(st.fetch_rows());
    });
    // Scroll a requested row into view.
    Effect::new(move |_| {
        let Some(row) = st.scroll_to.get() else {
            return;
        };
        let Some(el) = scroller.get() else { return };
        let el: web_sys::HtmlDivElement = el;
        let top = f64::from(row) * ROW_H;
        let view_top = f64::from(el.scroll_top());
        let h = f64::from(el.client_height());
        if top < view_top || top + ROW_H > view_top + h {
            el.set_scroll_top((top - h / 3.0).max(0.0) as i32);
        }
        st.scroll_to.set(None);
        measure();
    });
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let dur = move || st.view.with(|v| v.duration_ns);
    view! {
        <section class="tree-pane" node_ref=pane aria-label="Span tree and timeline">
            <div class="tree-header">
                <div class="cell-tree">
                    "Span"
                    <span
                        class="col-resize"
                        title="Drag to resize the tree and the timeline"
                        on:mousedown=move |ev: web_sys::MouseEvent| start_resize(pane, &ev)
                    ></span>
                </div>
                <div class="cell-wf ruler">
                    {move || {
                        ticks(dur())
                            .into_iter()
                            .map(|(at, label)| {
                                view! {
                                    <span class="tick" style:left=format!("{at}%")>
                                        {label}
                                    </span>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </div>
            <div class="tree-scroll" node_ref=scroller on:scroll=move |_| measure() role="tree" data-testid="tree">
                <div
                    class="tree-body"
                    style:height=move || format!("{}px", f64::from(st.view.with(|v| v.rows)) * ROW_H)
                >
                    <div class="grid-lines" aria-hidden="true">
                        <span style:left="25%"></span>
                        <span style:left="50%"></span>
                        <span style:left="75%"></span>
                    </div>
                    <For
                        each=move || {
                            let w = st.window.get();
                            let v = st.view.with(|v| v.version);
                            if w.version != v {
                                return Vec::new();
                            }
                            w.rows
                                .into_iter()
                                .enumerate()
                                .map(|(i, r)| (w.version, w.start + i as u32, r))
                                .collect::<Vec<_>>()
                        }
                        key=|(v, row, r)| (*v, *row, r.span)
                        children=move |(_, row, r)| view! { <SpanRow row=row r=r/> }
                    />
                </div>
                {move || {
                    (st.view.with(|v| v.rows == 0 && v.version > 0))
                        .then(|| view! { <p class="empty">"No span matches the filter."</p> })
                }}
            </div>
        </section>
    }
}

#[component]
fn SpanRow(row: u32, r: Row) -> impl IntoView {
    let st = use_store();
    let span = r.span;
    let total = st.view.with_untracked(|v| v.duration_ns.max(1)) as f64;
    let left = r.start_ns as f64 / total * 100.0;
    let width = (r.duration_ns as f64 / total * 100.0).max(0.15);
    let filtering = !st.query.with_untracked(|q| q.trim().is_empty()) && !st.hide.get_untracked();
    let label_left = left + width > 70.0;
    let op = fmt::op_label(&r.op);
    let toggle = (r.descendants > 0).then(|| {
        let collapsed = r.collapsed;
        view! {
            <button
                class="twisty"
                aria-label=if collapsed { "Expand" } else { "Collapse" }
                title=if collapsed { format!("Expand ({} below)", r.descendants) } else { "Collapse".to_owned() }
                on:click=move |ev| {
                    ev.stop_propagation();
                    run(st.toggle(span));
                }
            >
                {if collapsed { "▸" } else { "▾" }}
            </button>
        }
    });
    let hidden = (r.collapsed && r.descendants > 0).then(|| {
        view! { <span class="hidden-count">{format!("+{}", r.descendants)}</span> }
    });
    let hidden_matches = (r.hidden_matches > 0).then(|| {
        view! {
            <span class="badge match" title="Spans inside it match the filter">
                {format!("{} inside", r.hidden_matches)}
            </span>
        }
    });
    let title = format!(
        "{}\n{} · starts at {} · {}{}",
        r.name,
        if r.service.is_empty() {
            "no service"
        } else {
            r.service.as_str()
        },
        fmt::dur(r.start_ns),
        fmt::dur(r.duration_ns),
        if r.critical {
            " · on the critical path"
        } else {
            ""
        }
    );
    let dur_label = fmt::dur(r.duration_ns);
    view! {
        <div
            class="row"
            class:selected=move || st.selected.get() == Some(span)
            class:cp=r.critical
            class:err=r.error
            class:matched=r.matched
            class:dim=filtering && !r.matched && r.hidden_matches == 0
            class:suspect=r.suspect
            style:top=format!("{}px", f64::from(row) * ROW_H)
            role="treeitem"
            data-depth=r.depth.to_string()
            aria-selected=move || (st.selected.get() == Some(span)).to_string()
            aria-expanded=(r.descendants > 0).then(|| (!r.collapsed).to_string())
            data-span=span.to_string()
            data-critical=r.critical.to_string()
            title=title
            on:click=move |_| run(st.select(span, Some(row)))
        >
            <div class="cell-tree" style:padding-left=format!("{}px", 6 + r.depth.min(40) * 14)>
                <span class="twisty-slot">{toggle}</span>
                {r.critical.then(|| view! { <span class="cp-mark" title="On the critical path">"●"</span> })}
                {(!op.is_empty()).then(|| view! { <span class=format!("op op-{op}")>{op}</span> })}
                <span class="name">{r.name.clone()}</span>
                {(r.new_service && !r.service.is_empty()).then(|| view! { <span class="svc">{r.service.clone()}</span> })}
                {hidden}
                {hidden_matches}
                {r.error.then(|| view! { <span class="err-mark" title="Error status">"!"</span> })}
                {r.detached.then(|| view! { <span class="badge info" title="Its parent is not in the open files">"orphan"</span> })}
                {r.suspect.then(|| view! { <span class="badge suspect" title="First suspect: start reading here">"⚑"</span> })}
                {r
                    .findings
                    .iter()
                    .map(|(kind, sev)| view! { <span class=format!("badge {sev}") title=format!("{sev}: {kind}")>{kind.clone()}</span> })
                    .collect_view()}
            </div>
            <div class="cell-wf">
                <div
                    class=format!("bar op-{}", if op.is_empty() { "other" } else { op })
                    class:cp=r.critical
                    class:err=r.error
                    style:left=format!("{left:.3}%")
                    style:width=format!("{width:.3}%")
                ></div>
                {r
                    .marks
                    .iter()
                    .map(|&(at, exc)| {
                        let x = (at as f64 / total * 100.0).clamp(0.0, 100.0);
                        view! { <span class="mark" class:exc=exc style:left=format!("{x:.3}%")></span> }
                    })
                    .collect_view()}
                <span
                    class="dur"
                    class:inside-left=label_left
                    style:left=if label_left { format!("calc({left:.3}% - 4px)") } else { format!("calc({:.3}% + 4px)", left + width) }
                >
                    {dur_label}
                </span>
            </div>
        </div>
    }
}

//! The trace page: the span tree and its waterfall side by side in one virtual list (only the rows
//! in view are in the DOM), under the filter bar (`filter.rs`).

use super::export::export_trace;
use super::filter::FilterBar;
use super::state::{ROW_H, use_viewer};
use super::{fmt, panels};
use crate::protocol::Row;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One trace: header, filter bar, tree and waterfall, side panel.
#[component]
pub fn TraceView() -> impl IntoView {
    let st = use_viewer();
    let entry = move || {
        let t = st.trace.get()?;
        st.summary.with(|s| s.traces.get(t as usize).cloned())
    };
    let suspect = move || {
        st.trace_detail.with(|d| {
            d.as_ref()
                .and_then(|d| d.report.first_suspect.as_ref()?.span)
        })
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
                                    <span>{fmt::duration(t.duration_ns)}</span>
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
                                    on:click=move |_| st.run(st.reveal(s))
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
    let st = use_viewer();
    move || {
        let path = st.view.with(|v| v.zoom_path.clone());
        let (last, above) = path.split_last()?;
        let last = last.1.clone();
        let above = above.to_vec();
        Some(view! {
            <nav class="zoom-crumbs" aria-label="Zoomed to a subtree" data-testid="zoom-crumbs">
                <button class="btn" title="Back to the whole trace (Esc)" on:click=move |_| st.run(st.zoom(None))>
                    "⤢ Whole trace"
                </button>
                {above
                    .into_iter()
                    .map(|(span, name)| view! {
                        <span class="crumb-sep" aria-hidden="true">"›"</span>
                        <button class="link-btn crumb" title="Zoom out to this span" on:click=move |_| st.run(st.zoom(Some(span)))>
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

fn ticks(duration_ns: u64) -> Vec<(f64, String)> {
    (0..=4)
        .map(|i| {
            let f = f64::from(i) / 4.0;
            let label = if i == 0 {
                "0".to_owned()
            } else {
                fmt::duration((duration_ns as f64 * f) as u64)
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
    let st = use_viewer();
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
        st.run(st.fetch_rows());
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
    let st = use_viewer();
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
                    st.run(st.toggle(span));
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
        fmt::duration(r.start_ns),
        fmt::duration(r.duration_ns),
        if r.critical {
            " · on the critical path"
        } else {
            ""
        }
    );
    let dur_label = fmt::duration(r.duration_ns);
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
            on:click=move |_| st.run(st.select(span, Some(row)))
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
                {(!r.note_labels.is_empty()).then(|| {
                    let labels: Vec<&str> = r.note_labels.iter().map(|l| l.as_str()).collect();
                    view! { <span class="badge note" data-testid="note-mark" title=format!("Notes: {}", labels.join(", "))>{format!("✎ {}", labels[0])}</span> }.into_any()
                })}
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

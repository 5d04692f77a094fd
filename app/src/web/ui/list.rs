//! The trace list: one row per trace, sortable by every column.

use super::{SortKey, fmt, run, use_store};
use crate::protocol::TraceEntry;
use leptos::prelude::*;

fn sorted(mut traces: Vec<TraceEntry>, key: SortKey, desc: bool) -> Vec<TraceEntry> {
    traces.sort_by(|a, b| {
        let o = match key {
            SortKey::Start => a.start_unix_ns.cmp(&b.start_unix_ns),
            SortKey::Name => a.root.to_lowercase().cmp(&b.root.to_lowercase()),
            SortKey::Status => a.errors.cmp(&b.errors),
            SortKey::Duration => a.duration_ns.cmp(&b.duration_ns),
            SortKey::Spans => a.spans.cmp(&b.spans),
            SortKey::Tokens => (a.tokens_in + a.tokens_out).cmp(&(b.tokens_in + b.tokens_out)),
            SortKey::Cost => a
                .cost_usd
                .unwrap_or(-1.0)
                .total_cmp(&b.cost_usd.unwrap_or(-1.0)),
            SortKey::Findings => a.findings.cmp(&b.findings),
        };
        let o = o.then(a.ix.cmp(&b.ix));
        if desc { o.reverse() } else { o }
    });
    traces
}

#[component]
fn Th(key: SortKey, label: &'static str, #[prop(optional)] num: bool) -> impl IntoView {
    let st = use_store();
    let arrow = move || {
        let (k, desc) = st.sort.get();
        if k == key {
            if desc { " ▼" } else { " ▲" }
        } else {
            ""
        }
    };
    let aria = move || {
        let (k, desc) = st.sort.get();
        if k != key {
            "none"
        } else if desc {
            "descending"
        } else {
            "ascending"
        }
    };
    view! {
        <th class:num=num aria-sort=aria>
            <button
                class="th-btn"
                on:click=move |_| {
                    st.sort
                        .update(|s| {
                            *s = if s.0 == key {
                                (key, !s.1)
                            } else {
                                (key, !matches!(key, SortKey::Name | SortKey::Start))
                            };
                        });
                }
            >
                {label}
                {arrow}
            </button>
        </th>
    }
}

/// Every open trace.
#[component]
pub fn TraceList() -> impl IntoView {
    let st = use_store();
    let rows = move || {
        let (k, d) = st.sort.get();
        let needle = st.list_filter.with(|f| f.trim().to_lowercase());
        let traces = st.summary.with(|s| {
            s.traces
                .iter()
                .filter(|t| {
                    needle.is_empty()
                        || t.root.to_lowercase().contains(&needle)
                        || t.trace_id.contains(&needle)
                        || t.services
                            .iter()
                            .any(|s| s.to_lowercase().contains(&needle))
                })
                .cloned()
                .collect()
        });
        sorted(traces, k, d)
    };
    let heading = move || {
        st.summary.with(|s| {
            format!(
                "{} trace{} · {} spans · {} file{}",
                s.traces.len(),
                if s.traces.len() == 1 { "" } else { "s" },
                fmt::int(s.span_count),
                s.files.len(),
                if s.files.len() == 1 { "" } else { "s" }
            )
        })
    };
    view! {
        <main class="list-page">
            <h1 class="list-title">{heading}</h1>
            <div class="list-tools">
                <input
                    type="search"
                    class="filter"
                    placeholder="Find a trace: root span, service or trace id"
                    aria-label="Find a trace"
                    prop:value=move || st.list_filter.get()
                    on:input=move |ev| st.list_filter.set(event_target_value(&ev))
                />
            </div>
            <div class="table-wrap">
                <table class="traces" data-testid="trace-list">
                    <thead>
                        <tr>
                            <Th key=SortKey::Name label="Root span"/>
                            <Th key=SortKey::Status label="Status"/>
                            <Th key=SortKey::Start label="Started"/>
                            <Th key=SortKey::Duration label="Duration" num=true/>
                            <Th key=SortKey::Spans label="Spans" num=true/>
                            <Th key=SortKey::Tokens label="Tokens in / out" num=true/>
                            <Th key=SortKey::Cost label="Cost" num=true/>
                            <Th key=SortKey::Findings label="Findings" num=true/>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=rows
                            key=|t| (t.ix, t.trace_id.clone())
                            children=move |t| {
                                let ix = t.ix;
                                let started = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
                                        (t.start_unix_ns / 1_000_000) as f64,
                                    ))
                                    .to_iso_string()
                                    .as_string()
                                    .unwrap_or_default()
                                    .replace('T', " ")
                                    .trim_end_matches('Z')
                                    .to_owned();
                                let status = if t.errors > 0 {
                                    format!("{} error{}", t.errors, if t.errors == 1 { "" } else { "s" })
                                } else {
                                    "ok".to_owned()
                                };
                                let sev = t.worst.clone().unwrap_or_default();
                                let status_class = if t.errors > 0 { "status error" } else { "status ok" };
                                view! {
                                    <tr
                                        class="trace-row"
                                        tabindex="0"
                                        on:click=move |_| run(st.select_trace(ix))
                                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                                            if ev.key() == "Enter" {
                                                run(st.select_trace(ix));
                                            }
                                        }
                                    >
                                        <td class="root-name">
                                            <span class="name">{t.root.clone()}</span>
                                            <span class="muted small mono">
                                                {format!(" {}", t.trace_id.chars().take(12).collect::<String>())}
                                            </span>
                                            <div class="muted small">{t.services.join(", ")}</div>
                                        </td>
                                        <td>
                                            <span class=status_class>
                                                {status}
                                            </span>
                                        </td>
                                        <td class="small mono">{started}</td>
                                        <td class="num">{fmt::dur(t.duration_ns)}</td>
                                        <td class="num">{fmt::int(u64::from(t.spans))}</td>
                                        <td class="num">
                                            {format!("{} / {}", fmt::int(t.tokens_in), fmt::int(t.tokens_out))}
                                        </td>
                                        <td class="num">{fmt::usd(t.cost_usd)}</td>
                                        <td class="num">
                                            {if t.findings > 0 {
                                                view! {
                                                    <span class=format!("badge {sev}")>{t.findings}</span>
                                                }
                                                    .into_any()
                                            } else {
                                                view! { <span class="muted">"0"</span> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
        </main>
    }
}

//! The trace list: one row per trace, sortable by every column; traces of one conversation or
//! session are grouped under a header with their totals, which folds them away.

use super::fmt;
use super::state::{SortKey, use_viewer};
use crate::protocol::TraceSummary;
use leptos::prelude::*;

fn sorted(mut traces: Vec<TraceSummary>, key: SortKey, desc: bool) -> Vec<TraceSummary> {
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
    let st = use_viewer();
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

/// A line of the list: a trace on its own, or the traces of one conversation.
enum Item {
    One(TraceSummary),
    Group(String, Vec<TraceSummary>),
}

/// Groups sorted traces by conversation; a group stands where its first trace would.
fn grouped(traces: Vec<TraceSummary>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = Default::default();
    for t in traces {
        match t.conversation.clone() {
            None => items.push(Item::One(t)),
            Some(c) => match at.get(&c) {
                Some(&i) => {
                    if let Item::Group(_, v) = &mut items[i] {
                        v.push(t);
                    }
                }
                None => {
                    at.insert(c.clone(), items.len());
                    items.push(Item::Group(c, vec![t]));
                }
            },
        }
    }
    items
}

fn started(start_unix_ns: u64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        (start_unix_ns / 1_000_000) as f64,
    ))
    .to_iso_string()
    .as_string()
    .unwrap_or_default()
    .replace('T', " ")
    .trim_end_matches('Z')
    .to_owned()
}

fn status_text(errors: u32) -> (String, &'static str) {
    if errors > 0 {
        (
            format!("{} error{}", errors, if errors == 1 { "" } else { "s" }),
            "status error",
        )
    } else {
        ("ok".to_owned(), "status ok")
    }
}

fn findings_cell(n: u32, sev: &str) -> AnyView {
    if n > 0 {
        view! { <span class=format!("badge {sev}")>{n}</span> }.into_any()
    } else {
        view! { <span class="muted">"0"</span> }.into_any()
    }
}

#[component]
fn TraceRow(t: TraceSummary, #[prop(optional)] member: bool) -> impl IntoView {
    let st = use_viewer();
    let ix = t.ix;
    let (status, status_class) = status_text(t.errors);
    let sev = t.worst.clone().unwrap_or_default();
    view! {
        <tr
            class="trace-row"
            class:member=member
            tabindex="0"
            on:click=move |_| st.run(st.select_trace(ix))
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Enter" {
                    st.run(st.select_trace(ix));
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
                <span class=status_class>{status}</span>
            </td>
            <td class="small mono">{started(t.start_unix_ns)}</td>
            <td class="num">{fmt::duration(t.duration_ns)}</td>
            <td class="num">{fmt::int(u64::from(t.spans))}</td>
            <td class="num">{format!("{} / {}", fmt::int(t.tokens_in), fmt::int(t.tokens_out))}</td>
            <td class="num">{fmt::usd(t.cost_usd)}</td>
            <td class="num">{findings_cell(t.findings, &sev)}</td>
        </tr>
    }
}

/// A conversation's header row (its totals; folds its traces) and its traces.
#[component]
fn GroupRows(id: String, traces: Vec<TraceSummary>) -> impl IntoView {
    let st = use_viewer();
    let key = id.clone();
    let label = id.clone();
    let folded = {
        let key = key.clone();
        Memo::new(move |_| st.folded.with(|f| f.contains(&key)))
    };
    let n = traces.len();
    let start = traces.iter().map(|t| t.start_unix_ns).min().unwrap_or(0);
    let end = traces
        .iter()
        .map(|t| t.start_unix_ns.saturating_add(t.duration_ns))
        .max()
        .unwrap_or(0);
    let errors: u32 = traces.iter().map(|t| t.errors).sum();
    let spans: u64 = traces.iter().map(|t| u64::from(t.spans)).sum();
    let tin: u64 = traces.iter().map(|t| t.tokens_in).sum();
    let tout: u64 = traces.iter().map(|t| t.tokens_out).sum();
    let cost: Option<f64> = traces.iter().map(|t| t.cost_usd).sum();
    let findings: u32 = traces.iter().map(|t| t.findings).sum();
    let worst = traces
        .iter()
        .filter_map(|t| t.worst.clone())
        .max_by_key(|w| match w.as_str() {
            "error" => 2,
            "warning" => 1,
            _ => 0,
        })
        .unwrap_or_default();
    let (status, status_class) = status_text(errors);
    let toggle = move |_| {
        st.folded.update(|f| {
            if !f.remove(&key) {
                f.insert(key.clone());
            }
        });
    };
    view! {
        <tbody class="conversation" data-conversation=id>
            <tr class="group-row">
                <td class="root-name">
                    <button
                        class="group-toggle"
                        aria-expanded=move || (!folded.get()).to_string()
                        title="Show or hide this conversation's traces"
                        on:click=toggle
                    >
                        <span class="twisty" aria-hidden="true">{move || if folded.get() { "▸" } else { "▾" }}</span>
                        <span class="group-label">"Conversation "</span>
                        <span class="group-id mono">{label}</span>
                    </button>
                    <div class="muted small group-count">
                        {format!("{n} trace{}", if n == 1 { "" } else { "s" })}
                    </div>
                </td>
                <td>
                    <span class=status_class>{status}</span>
                </td>
                <td class="small mono">{started(start)}</td>
                <td class="num" title="From the first trace's start to the last one's end">
                    {fmt::duration(end.saturating_sub(start))}
                </td>
                <td class="num">{fmt::int(spans)}</td>
                <td class="num">{format!("{} / {}", fmt::int(tin), fmt::int(tout))}</td>
                <td class="num">{fmt::usd(cost)}</td>
                <td class="num">{findings_cell(findings, &worst)}</td>
            </tr>
            {move || {
                (!folded.get())
                    .then(|| {
                        traces
                            .clone()
                            .into_iter()
                            .map(|t| view! { <TraceRow t=t member=true/> })
                            .collect_view()
                    })
            }}
        </tbody>
    }
}

/// Every open trace.
#[component]
pub fn TraceList() -> impl IntoView {
    let st = use_viewer();
    // Rows (traces, or conversations with their traces) rendered: a page at a time, so a set of
    // thousands of traces keeps the table a few hundred rows; the search box narrows the rest.
    let shown = RwSignal::new(LIST_PAGE);
    let items = move || {
        let (k, d) = st.sort.get();
        let needle = st.list_filter.with(|f| f.trim().to_lowercase());
        let traces = st.summary.with(|s| {
            s.traces
                .iter()
                .filter(|t| {
                    needle.is_empty()
                        || t.root.to_lowercase().contains(&needle)
                        || t.trace_id.contains(&needle)
                        || t.conversation
                            .as_ref()
                            .is_some_and(|c| c.to_lowercase().contains(&needle))
                        || t.services
                            .iter()
                            .any(|s| s.to_lowercase().contains(&needle))
                })
                .cloned()
                .collect()
        });
        grouped(sorted(traces, k, d))
    };
    let heading = move || {
        st.summary.with(|s| {
            let conversations: std::collections::HashSet<&str> = s
                .traces
                .iter()
                .filter_map(|t| t.conversation.as_deref())
                .collect();
            let groups = if conversations.is_empty() {
                String::new()
            } else {
                format!(
                    " · {} conversation{}",
                    conversations.len(),
                    if conversations.len() == 1 { "" } else { "s" }
                )
            };
            format!(
                "{} trace{}{groups} · {} spans · {} file{}",
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
                    data-testid="list-filter"
                    placeholder="Find a trace ( / ): root span, service, trace or conversation id"
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
                    {move || {
                        let all = items();
                        let total = all.len();
                        let n = shown.get().min(total);
                        let rows = all
                            .into_iter()
                            .take(n)
                            .map(|item| match item {
                                Item::One(t) => view! { <tbody><TraceRow t=t/></tbody> }.into_any(),
                                Item::Group(id, traces) => view! { <GroupRows id=id traces=traces/> }.into_any(),
                            })
                            .collect_view();
                        let more = (total > n).then(|| {
                            let next = (total - n).min(LIST_PAGE);
                            view! {
                                <tbody>
                                    <tr class="list-more">
                                        <td colspan="8" class="muted">
                                            {format!("Showing {} of {} rows. ", fmt::int(n as u64), fmt::int(total as u64))}
                                            <button
                                                class="link-btn"
                                                data-testid="list-more"
                                                on:click=move |_| shown.update(|s| *s += LIST_PAGE)
                                            >
                                                {format!("Show {} more", fmt::int(next as u64))}
                                            </button>
                                            " or narrow the list with the search box."
                                        </td>
                                    </tr>
                                </tbody>
                            }
                        });
                        view! { {rows} {more} }
                    }}
                </table>
            </div>
        </main>
    }
}

/// Rows of the trace list rendered at first, and added by each "Show more".
const LIST_PAGE: usize = 200;

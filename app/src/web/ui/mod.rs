//! The Leptos views. All state lives in one [`ViewerState`] (signals plus the engine client,
//! `state.rs`), provided as context; views read it and call its actions (`actions.rs`). Every
//! string from a trace is rendered as a text node or an attribute value set through the DOM API,
//! never as HTML. This file holds the root views; the URL fragment is `route.rs`'s, the
//! page-wide keys `keys.rs`'s.

mod actions;
mod export;
mod filter;
mod fmt;
mod help;
mod keys;
mod list;
mod panels;
mod redact;
mod route;
mod start;
mod state;
mod tree;

use crate::protocol::Stage;
use leptos::prelude::*;
use state::use_viewer;

pub use actions::file_of_bytes;
pub use fmt::duration;
pub use start::file_list as start_file_list;
pub use state::{Settings, ViewerState};

/// The whole app.
#[component]
pub fn App(state: ViewerState) -> impl IntoView {
    provide_context(state);
    let st = state;
    let keys = window_event_listener(leptos::ev::keydown, move |ev| keys::on_key(st, &ev));
    let paste = window_event_listener(leptos::ev::paste, move |ev| start::on_paste(st, &ev));
    on_cleanup(move || {
        keys.remove();
        paste.remove();
    });
    let has_traces = move || !st.summary.with(|s| s.traces.is_empty());
    view! {
        <div
            class="app"
            class:dragging=move || st.dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                st.dragging.set(true);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                if ev.related_target().is_none() {
                    st.dragging.set(false);
                }
            }
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                st.dragging.set(false);
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    let arr = start::file_list(&files);
                    st.run(async move {
                        st.open(arr).await;
                    });
                }
            }
        >
            <start::TopBar/>
            <Notices/>
            <ProgressBar/>
            {move || {
                if st.trace.get().is_some() {
                    view! { <tree::TraceView/> }.into_any()
                } else if has_traces() {
                    view! { <list::TraceList/> }.into_any()
                } else {
                    view! { <start::StartPage/> }.into_any()
                }
            }}
            <start::PasteDialog/>
            <redact::RedactView/>
            <help::Help/>
            <div class="drop-hint" aria-hidden="true">"Drop trace files to open them"</div>
        </div>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let st = use_viewer();
    view! {
        <div class="notices" role="status" aria-live="polite">
            <For
                each=move || st.notices.get()
                key=|n| n.id
                children=move |n| {
                    let id = n.id;
                    view! {
                        <div class=format!("notice {}", n.level)>
                            <span class="notice-text">{n.text.clone()}</span>
                            <button
                                class="icon"
                                title="Dismiss"
                                aria-label="Dismiss"
                                on:click=move |_| st.notices.update(|v| v.retain(|x| x.id != id))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}

#[component]
fn ProgressBar() -> impl IntoView {
    let st = use_viewer();
    let label = move || match st.progress.get() {
        None => "Starting…".to_owned(),
        Some(p) => {
            let of = if p.count > 1 {
                format!(" ({} of {})", p.index + 1, p.count)
            } else {
                String::new()
            };
            match p.stage {
                Stage::Reading => format!(
                    "Reading {}{of}: {} of {}",
                    p.file,
                    fmt::bytes(p.done),
                    fmt::bytes(p.total)
                ),
                Stage::Parsing => format!("Parsing {}{of} ({})", p.file, fmt::bytes(p.total)),
                Stage::Analysing => "Analysing…".to_owned(),
            }
        }
    };
    let determinate = move || {
        st.progress
            .get()
            .filter(|p| p.stage == Stage::Reading && p.total > 0)
            .map(|p| p.done as f64 / p.total as f64)
    };
    view! {
        <Show when=move || st.loading.get()>
            <div class="progress" role="progressbar" aria-label="Loading">
                <div class="progress-track">
                    <div
                        class="progress-fill"
                        class:indeterminate=move || determinate().is_none()
                        style:width=move || {
                            determinate().map_or("30%".to_owned(), |f| format!("{:.1}%", f * 100.0))
                        }
                    ></div>
                </div>
                <span class="progress-label">{label}</span>
                <button class="btn" on:click=move |_| st.cancel()>
                    "Cancel"
                </button>
            </div>
        </Show>
    }
}

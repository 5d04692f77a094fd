//! The top bar, the start page (drop, pick, paste, sample) and the paste dialog.

use super::state::{ViewerState, use_viewer};
use js_sys::Array;
use leptos::html;
use leptos::prelude::*;
use web_sys::{FileList, HtmlInputElement};

/// A `FileList` as an array of `File`s.
pub fn file_list(files: &FileList) -> Array {
    let arr = Array::new();
    for i in 0..files.length() {
        if let Some(f) = files.get(i) {
            arr.push(&f);
        }
    }
    arr
}

/// Ctrl+V outside a text field opens the clipboard's text as a trace (when the paste is this
/// viewer's: see [`super::keys::owned_target`]).
pub fn on_paste(st: ViewerState, ev: &web_sys::ClipboardEvent) {
    let Some(t) = super::keys::owned_target(st, ev) else {
        return;
    };
    if t.tag_name() == "INPUT" || t.tag_name() == "TEXTAREA" {
        return;
    }
    let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
        return;
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        ev.prevent_default();
        st.run(st.open_text(text));
    }
}

#[component]
fn OpenButton(#[prop(optional)] primary: bool) -> impl IntoView {
    let st = use_viewer();
    let input = NodeRef::<html::Input>::new();
    view! {
        <label class="btn file-btn" class:primary=primary>
            "Open files…"
            <input
                node_ref=input
                type="file"
                multiple
                class="visually-hidden"
                data-testid="file-input"
                on:change=move |_| {
                    let Some(el) = input.get() else { return };
                    let el: HtmlInputElement = el;
                    if let Some(files) = el.files() {
                        let arr = file_list(&files);
                        el.set_value("");
                        st.run(async move {
                            st.open(arr).await;
                        });
                    }
                }
            />
        </label>
    }
}

/// The bar at the top of every page.
#[component]
pub fn TopBar() -> impl IntoView {
    let st = use_viewer();
    // Keyed by position too: two files may have the same name (e.g. two pastes).
    let file_items = move || {
        st.summary
            .with(|s| s.files.iter().cloned().enumerate().collect::<Vec<_>>())
    };
    view! {
        <header class="topbar">
            <button
                class="brand"
                title="All traces"
                on:click=move |_| st.close_trace()
            >
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                "Loupe"
            </button>
            <div class="files" aria-label="Open files">
                <For
                    each=file_items
                    key=|(i, f)| (*i, f.name.clone())
                    children=move |(_, f)| {
                        let warn = f.warnings.len();
                        let title = f
                            .warnings
                            .iter()
                            .map(|(c, m)| format!("{c}: {m}"))
                            .collect::<Vec<_>>()
                            .join("\n");
                        let listing = format!(
                            "{}: {warn} warning{} while reading it (what was kept and why)\n{title}",
                            f.name,
                            if warn == 1 { "" } else { "s" },
                        );
                        let listing = StoredValue::new(listing);
                        view! {
                            <span class="file-chip" title=title>
                                <span class="file-name">{f.name.clone()}</span>
                                <span class="muted">
                                    {format!(" {} · {} spans", f.format, f.spans)}
                                </span>
                                {(warn > 0)
                                    .then(|| {
                                        view! {
                                            <button
                                                class="badge warning chip-btn"
                                                title="Show the warnings"
                                                on:click=move |_| st.notify("info", listing.get_value())
                                            >
                                                {format!("{warn} warning{}", if warn == 1 { "" } else { "s" })}
                                            </button>
                                        }
                                    })}
                            </span>
                        }
                    }
                />
            </div>
            <div class="topbar-actions">
                <super::redact::RedactButton/>
                <OpenButton/>
                <button class="btn" on:click=move |_| st.paste.set(true)>
                    "Paste"
                </button>
                <button class="btn icon" title="Keyboard shortcuts (?)" on:click=move |_| st.help.set(true)>
                    "?"
                </button>
            </div>
        </header>
    }
}

/// What a first visit shows.
#[component]
pub fn StartPage() -> impl IntoView {
    let st = use_viewer();
    let has_samples = st.settings.with_value(|s| !s.samples.is_empty());
    view! {
        <main class="start">
            <section class="dropzone">
                <h1>"See what your agent did, and why."</h1>
                <p class="lead">
                    "Drop trace files anywhere on this page, pick them, or paste JSON. Loupe shows the span tree and timeline, the critical path, tokens and cost, and what looks wrong: loops, retries, truncated answers, tool errors."
                </p>
                <div class="start-actions">
                    <OpenButton primary=true/>
                    <button class="btn" on:click=move |_| st.paste.set(true)>
                        "Paste JSON"
                    </button>
                    {has_samples
                        .then(|| {
                            view! {
                                <button
                                    class="btn"
                                    data-testid="sample"
                                    on:click=move |_| st.run(st.open_samples())
                                >
                                    "Try a sample"
                                </button>
                            }
                        })}
                </div>
                <p class="muted small">
                    "Files are read in this tab and never uploaded. Several files open together are merged: spans of one trace join across files."
                </p>
            </section>
            <section class="formats">
                <h2>"Reads"</h2>
                <ul>
                    <li>"OTLP JSON and JSON Lines (Collector file exporter), OTLP protobuf"</li>
                    <li>"Jaeger JSON, Zipkin JSON (v1, v2)"</li>
                    <li>"OpenAI Agents SDK traces, any-agent traces, span-event JSON Lines"</li>
                    <li>"Any of these gzip-compressed"</li>
                </ul>
            </section>
        </main>
    }
}

/// A dialog to paste JSON text.
#[component]
pub fn PasteDialog() -> impl IntoView {
    let st = use_viewer();
    let area = NodeRef::<html::Textarea>::new();
    let submit = move || {
        if let Some(a) = area.get() {
            let text = a.value();
            a.set_value("");
            st.paste.set(false);
            st.run(st.open_text(text));
        }
    };
    Effect::new(move |_| {
        if st.paste.get()
            && let Some(a) = area.get()
        {
            let _ = a.focus();
        }
    });
    view! {
        <Show when=move || st.paste.get()>
            <div class="modal-backdrop" on:click=move |_| st.paste.set(false)>
                <div
                    class="modal"
                    role="dialog"
                    aria-label="Paste trace JSON"
                    on:click=|ev| ev.stop_propagation()
                >
                    <h2>"Paste trace JSON"</h2>
                    <textarea
                        node_ref=area
                        data-testid="paste-text"
                        rows="12"
                        placeholder="{\"resourceSpans\": [...]}"
                        spellcheck="false"
                    ></textarea>
                    <div class="modal-actions">
                        <button class="btn" on:click=move |_| st.paste.set(false)>
                            "Cancel"
                        </button>
                        <button class="btn primary" data-testid="paste-open" on:click=move |_| submit()>
                            "Open"
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

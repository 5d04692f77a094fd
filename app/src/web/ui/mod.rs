//! The Leptos views. All state lives in one [`Store`] (signals plus the engine client), provided
//! as context; views read it and call its actions. Every string from a trace is rendered as a
//! text node or an attribute value set through the DOM API, never as HTML.

mod fmt;
mod list;
mod panels;
mod redact;
mod start;
mod tree;

use super::client::{Client, Failure};
use crate::link::Link;
use crate::protocol::*;
use js_sys::Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

pub use fmt::dur;
pub use start::file_list as start_file_list;

/// Height of one tree row in pixels (the virtual list depends on it).
pub const ROW_H: f64 = 26.0;
/// Rows fetched beyond the visible ones on each side.
pub const OVERSCAN: u32 = 30;

/// The right-hand panel's tab.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The selected span.
    Span,
    /// Findings of the trace.
    Findings,
    /// Critical path, tokens and cost.
    Cost,
    /// The instrumentation audit.
    Audit,
}

/// A column of the trace list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Start time.
    Start,
    /// Root name.
    Name,
    /// Error count.
    Status,
    /// Duration.
    Duration,
    /// Span count.
    Spans,
    /// Tokens.
    Tokens,
    /// Cost.
    Cost,
    /// Findings.
    Findings,
}

/// A message at the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Unique id.
    pub id: u32,
    /// `error` or `info`.
    pub level: &'static str,
    /// The text.
    pub text: String,
}

/// Settings given to `mount`.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// URL of `worker.js`; `None` runs the engine on the page's thread.
    pub worker: Option<String>,
    /// Sample files offered by "Try a sample".
    pub samples: Vec<String>,
    /// Keep the trace, span and filter in the URL fragment.
    pub hash: bool,
}

/// The app's state: one store, so later features (annotations, comparisons) hook in here.
#[derive(Clone, Copy, Debug)]
pub struct Store {
    /// The engine.
    pub client: StoredValue<Client, LocalStorage>,
    /// Inputs open now (`File`s), reopened after a cancel.
    pub retained: StoredValue<Vec<JsValue>, LocalStorage>,
    /// Settings.
    pub settings: StoredValue<Settings>,
    /// The root element events are scoped to.
    pub root: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    /// Files and traces open.
    pub summary: RwSignal<Summary>,
    /// Errors and messages.
    pub notices: RwSignal<Vec<Notice>>,
    /// A load in progress.
    pub progress: RwSignal<Option<Progress>>,
    /// Whether a load runs.
    pub loading: RwSignal<bool>,
    /// The trace shown (`None`: the list or the start page).
    pub trace: RwSignal<Option<u32>>,
    /// Its panels.
    pub trace_detail: RwSignal<Option<TraceDetail>>,
    /// The current view of its rows.
    pub view: RwSignal<ViewInfo>,
    /// The rows fetched.
    pub window: RwSignal<RowWindow>,
    /// The selected span.
    pub selected: RwSignal<Option<u32>>,
    /// Its row in the view.
    pub selected_row: RwSignal<Option<u32>>,
    /// Its details.
    pub detail: RwSignal<Option<SpanDetail>>,
    /// Critical path only.
    pub critical_only: RwSignal<bool>,
    /// The filter text.
    pub query: RwSignal<String>,
    /// The filter text the current view was computed with.
    pub applied_query: RwSignal<String>,
    /// Hide non-matching spans.
    pub hide: RwSignal<bool>,
    /// The right panel's tab.
    pub tab: RwSignal<Tab>,
    /// The trace list's order.
    pub sort: RwSignal<(SortKey, bool)>,
    /// Text the trace list is narrowed to (root name, service or trace id).
    pub list_filter: RwSignal<String>,
    /// Conversations folded in the trace list.
    pub folded: RwSignal<std::collections::HashSet<String>>,
    /// The keyboard help.
    pub help: RwSignal<bool>,
    /// The paste dialog.
    pub paste: RwSignal<bool>,
    /// A row the tree should scroll to.
    pub scroll_to: RwSignal<Option<u32>>,
    /// The tree's visible rows (first, count).
    pub viewport: RwSignal<(u32, u32)>,
    /// A file is dragged over the page.
    pub dragging: RwSignal<bool>,
    /// The "Redact & export" view is open.
    pub redact: RwSignal<bool>,
    next_notice: StoredValue<u32>,
}

impl Store {
    /// A store with a started engine.
    pub fn new(settings: Settings, root: Option<web_sys::HtmlElement>) -> Store {
        let progress = RwSignal::new(None);
        let client = Client::new(settings.worker.clone(), move |p| {
            progress.set(Some(p));
        });
        Store {
            client: StoredValue::new_local(client),
            retained: StoredValue::new_local(Vec::new()),
            settings: StoredValue::new(settings),
            root: StoredValue::new_local(root),
            summary: RwSignal::new(Summary::default()),
            notices: RwSignal::new(Vec::new()),
            progress,
            loading: RwSignal::new(false),
            trace: RwSignal::new(None),
            trace_detail: RwSignal::new(None),
            view: RwSignal::new(ViewInfo::default()),
            window: RwSignal::new(RowWindow::default()),
            selected: RwSignal::new(None),
            selected_row: RwSignal::new(None),
            detail: RwSignal::new(None),
            critical_only: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            applied_query: RwSignal::new(String::new()),
            hide: RwSignal::new(false),
            tab: RwSignal::new(Tab::Findings),
            sort: RwSignal::new((SortKey::Start, false)),
            list_filter: RwSignal::new(String::new()),
            folded: RwSignal::new(Default::default()),
            help: RwSignal::new(false),
            paste: RwSignal::new(false),
            scroll_to: RwSignal::new(None),
            viewport: RwSignal::new((0, 40)),
            dragging: RwSignal::new(false),
            redact: RwSignal::new(false),
            next_notice: StoredValue::new(1),
        }
    }

    fn client(&self) -> Client {
        self.client.get_value()
    }

    /// Shows a message.
    pub fn notify(&self, level: &'static str, text: String) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| n.push(Notice { id, level, text }));
    }

    /// Opens `File`s or `Blob`s, merged into what is open. Resolves with the load report.
    pub async fn open(self, inputs: Array) -> Option<LoadReport> {
        if inputs.length() == 0 {
            return None;
        }
        self.loading.set(true);
        self.progress.set(None);
        let keep_trace = self
            .trace
            .get_untracked()
            .and_then(|t| self.summary.get_untracked().traces.get(t as usize).cloned())
            .map(|t| t.trace_id);
        let resp = self.client().load(inputs.clone()).await;
        self.loading.set(false);
        self.progress.set(None);
        match resp {
            Ok(report) => {
                for (f, input) in report.files.iter().zip(inputs.iter()) {
                    match &f.error {
                        Some(e) => self.notify("error", e.clone()),
                        None => self.retained.update_value(|r| r.push(input)),
                    }
                }
                let traces = report.summary.traces.len();
                self.summary.set(report.summary.clone());
                let mut target = None;
                if let Some(id) = keep_trace
                    && let Ok((trace, _)) = self.client().locate(id, None).await
                {
                    target = trace;
                }
                let from_hash = target.is_none() && self.apply_hash().await;
                if target.is_none() && traces == 1 {
                    target = Some(0);
                }
                if from_hash {
                    // The URL fragment chose the trace and span.
                } else if let Some(t) = target {
                    self.select_trace(t).await;
                } else if self.trace.get_untracked().is_some() {
                    self.trace.set(None);
                }
                Some(report)
            }
            Err(Failure::Crashed(message)) => {
                self.recover(message).await;
                None
            }
            Err(f) if f.cancelled() => {
                self.notify(
                    "info",
                    "Loading was cancelled; the files open before are still open.".into(),
                );
                self.restore().await;
                None
            }
            Err(Failure::Error(message)) => {
                self.notify("error", message);
                None
            }
            Err(Failure::Unexpected) => None,
        }
    }

    /// After the engine stopped (out of memory): says so, and reopens what was open.
    pub async fn recover(self, message: String) {
        self.notify("error", message);
        self.restore().await;
    }

    /// Reopens the retained inputs in a fresh worker (after a cancel or a crash). A crash while
    /// reopening does not loop: the inputs are taken out first.
    async fn restore(self) {
        let inputs: Array = self.retained.with_value(|r| r.iter().collect());
        self.retained.set_value(Vec::new());
        let trace = self.trace.get_untracked();
        if inputs.length() > 0 {
            Box::pin(self.open(inputs)).await;
        }
        if let Some(t) = trace {
            self.select_trace(t).await;
        }
    }

    /// Cancels a load.
    pub fn cancel(&self) {
        if !self.client().cancel() {
            self.notify(
                "info",
                "This load runs on the page's thread and cannot be cancelled.".into(),
            );
        }
    }

    /// Fetches sample files and opens them.
    pub async fn open_samples(self) {
        let urls = self.settings.with_value(|s| s.samples.clone());
        let inputs = Array::new();
        for url in urls {
            match fetch_file(&url).await {
                Ok(f) => {
                    inputs.push(&f);
                }
                Err(e) => self.notify(
                    "error",
                    format!("{url}: the sample could not be fetched ({e})"),
                ),
            }
        }
        self.open(inputs).await;
    }

    /// Opens pasted text as a file named `pasted.json`.
    pub async fn open_text(self, text: String) {
        if text.trim().is_empty() {
            return;
        }
        match file_of_bytes("pasted.json", text.as_bytes()) {
            Ok(f) => {
                self.open(Array::of1(&f)).await;
            }
            Err(e) => self.notify("error", e),
        }
    }

    /// Shows a trace.
    pub async fn select_trace(self, t: u32) {
        let same = self.trace.get_untracked() == Some(t);
        self.trace.set(Some(t));
        if !same {
            self.selected.set(None);
            self.selected_row.set(None);
            self.detail.set(None);
            self.window.set(RowWindow::default());
            self.scroll_to.set(Some(0));
        }
        let client = self.client();
        self.refresh_view().await;
        if let Ok(d) = client.trace(t).await {
            let has_findings = !d.findings.is_empty();
            self.trace_detail.set(Some(d));
            if !same && self.selected.get_untracked().is_none() {
                self.tab.set(if has_findings {
                    Tab::Findings
                } else {
                    Tab::Cost
                });
            }
        }
        self.write_hash();
    }

    /// Back to the list.
    pub fn close_trace(&self) {
        self.trace.set(None);
        self.trace_detail.set(None);
        self.selected.set(None);
        self.detail.set(None);
        self.write_hash();
    }

    /// Applies the critical-path, filter and hide settings.
    pub async fn refresh_view(self) {
        let Some(t) = self.trace.get_untracked() else {
            return;
        };
        let query = self.query.get_untracked();
        let resp = self
            .client()
            .set_view(
                t,
                self.critical_only.get_untracked(),
                query.clone(),
                self.hide.get_untracked(),
            )
            .await;
        self.applied_query.set(query);
        self.take_view(resp).await;
        self.write_hash();
    }

    async fn take_view(self, resp: Result<ViewInfo, Failure>) -> Option<ViewInfo> {
        match resp {
            Ok(v) => {
                self.view.set(v.clone());
                if let Some(s) = self.selected.get_untracked() {
                    // The selected span's row may have moved.
                    if v.span != Some(s) {
                        self.selected_row.set(None);
                    }
                }
                self.fetch_rows().await;
                Some(v)
            }
            Err(Failure::Error(message)) => {
                self.notify("error", message);
                None
            }
            Err(_) => None,
        }
    }

    /// Fetches the rows around the viewport unless they are there.
    pub async fn fetch_rows(self) {
        let v = self.view.get_untracked();
        let (first, count) = self.viewport.get_untracked();
        let w = self.window.get_untracked();
        let end = (first + count).min(v.rows);
        if w.version == v.version
            && w.start <= first
            && w.start as usize + w.rows.len() >= end as usize
            && !(v.rows > 0 && w.rows.is_empty())
        {
            return;
        }
        let start = first.saturating_sub(OVERSCAN);
        let resp = self.client().rows(start, count + 2 * OVERSCAN).await;
        if let Ok(w) = resp
            && w.version == self.view.get_untracked().version
        {
            if let Some(s) = self.selected.get_untracked()
                && let Some(i) = w.rows.iter().position(|r| r.span == s)
            {
                self.selected_row.set(Some(w.start + i as u32));
            }
            self.window.set(w);
        }
    }

    /// Collapses or expands a span.
    pub async fn toggle(self, span: u32) {
        let resp = self.client().toggle(span).await;
        self.take_view(resp).await;
    }

    /// Collapses from a depth on, or expands all.
    pub async fn collapse_to(self, depth: Option<u32>) {
        let resp = self.client().collapse_to(depth).await;
        self.take_view(resp).await;
    }

    /// Selects a span shown on `row`.
    pub async fn select(self, span: u32, row: Option<u32>) {
        self.selected.set(Some(span));
        self.selected_row.set(row);
        self.tab.set(Tab::Span);
        self.write_hash();
        if let Ok(d) = self.client().span(span).await
            && self.selected.get_untracked() == Some(span)
        {
            self.detail.set(Some(d));
            self.write_hash();
        }
    }

    /// Shows a span wherever it is: switches trace, expands its ancestors, scrolls, selects.
    pub async fn reveal(self, span: u32) {
        let resp = self.client().reveal(span).await;
        if let Ok(v) = &resp
            && self.trace.get_untracked() != Some(v.trace)
        {
            self.trace.set(Some(v.trace));
            if let Ok(d) = self.client().trace(v.trace).await {
                self.trace_detail.set(Some(d));
            }
        }
        if let Some(v) = self.take_view(resp).await {
            if let Some(row) = v.row {
                self.scroll_to.set(Some(row));
            }
            self.select(span, v.row).await;
        }
    }

    /// Selects the row `row` (keyboard navigation).
    pub async fn select_row(self, row: u32) {
        let v = self.view.get_untracked();
        if v.rows == 0 {
            return;
        }
        let row = row.min(v.rows - 1);
        let w = self.window.get_untracked();
        let span = match w.rows.get(row.wrapping_sub(w.start) as usize) {
            Some(r) if row >= w.start => Some(r.span),
            _ => match self.client().rows(row, 1).await {
                Ok(w) => w.rows.first().map(|r| r.span),
                Err(_) => None,
            },
        };
        if let Some(span) = span {
            self.scroll_to.set(Some(row));
            self.select(span, Some(row)).await;
        }
    }

    /// Narrows the tree and timeline to a span's subtree (`None`: the whole trace again).
    pub async fn zoom(self, span: Option<u32>) {
        let resp = self.client().zoom(span).await;
        if let Some(v) = self.take_view(resp).await {
            self.scroll_to.set(Some(v.row.unwrap_or(0)));
            if let (Some(s), Some(row)) = (span, v.row) {
                self.select(s, Some(row)).await;
            }
        }
        self.write_hash();
    }

    /// Jumps to the next (or previous) match of the filter.
    pub async fn next_match(self, back: bool) {
        let from = self.selected_row.get_untracked().map_or(-1, i64::from);
        let resp = self.client().next_match(from, back).await;
        if let Some(v) = self.take_view(resp).await
            && let (Some(span), Some(row)) = (v.span, v.row)
        {
            self.scroll_to.set(Some(row));
            self.select(span, Some(row)).await;
        }
    }

    /// Writes the trace id, span id and filter into the URL fragment (never trace content).
    fn write_hash(&self) {
        if !self.settings.with_value(|s| s.hash) {
            return;
        }
        let summary = self.summary.get_untracked();
        let mut parts = Vec::new();
        if let Some(t) = self
            .trace
            .get_untracked()
            .and_then(|t| summary.traces.get(t as usize))
        {
            parts.push(format!("trace={}", enc(&t.trace_id)));
            if let Some(d) = self
                .detail
                .get_untracked()
                .filter(|d| Some(d.span) == self.selected.get_untracked())
            {
                parts.push(format!("span={}", enc(&d.span_id)));
            }
            let q = self.query.get_untracked();
            if !q.is_empty() {
                parts.push(format!("q={}", enc(&q)));
            }
            if let Some(z) = self.view.get_untracked().zoom_span_id.filter(|_| {
                self.view.with_untracked(|v| Some(v.trace)) == self.trace.get_untracked()
            }) {
                parts.push(format!("zoom={}", enc(&z)));
            }
            if self.critical_only.get_untracked() {
                parts.push("cp=1".into());
            }
        }
        let hash = if parts.is_empty() {
            String::new()
        } else {
            format!("#{}", parts.join("&"))
        };
        if let Some(w) = web_sys::window() {
            let cur = w.location().hash().unwrap_or_default();
            if cur != hash
                && let Ok(h) = w.history()
            {
                let url = if hash.is_empty() {
                    w.location().pathname().unwrap_or_default()
                        + &w.location().search().unwrap_or_default()
                } else {
                    hash
                };
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
            }
        }
    }

    /// Opens the trace, span and filter named in the URL fragment. Returns whether it did. Parts
    /// that cannot be used (see [`Link`]), a trace that is not open, or a span or zoom that is not
    /// in it are left alone, and a notice says which; the filter and critical-path setting of a
    /// link apply only with its trace.
    async fn apply_hash(self) -> bool {
        if !self.settings.with_value(|s| s.hash) {
            return false;
        }
        let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
            return false;
        };
        let link = Link::parse(&hash);
        let mut ignored = link.ignored.clone();
        let shown = |id: &str| {
            let mut s: String = id.chars().take(60).collect();
            if s.len() < id.len() {
                s.push('…');
            }
            s
        };
        let found = match &link.trace {
            None => None,
            Some(trace_id) => match self
                .client()
                .locate(trace_id.clone(), link.span.clone())
                .await
            {
                Ok((Some(t), span)) => Some((t, span)),
                _ => {
                    ignored.insert(
                        0,
                        format!("trace `{}` (not among the open traces)", shown(trace_id)),
                    );
                    None
                }
            },
        };
        let Some((t, span)) = found else {
            self.say_ignored(&ignored);
            return false;
        };
        if let (Some(id), None) = (&link.span, span) {
            ignored.push(format!("span `{}` (not in that trace)", shown(id)));
        }
        let zoom = match &link.zoom {
            Some(z) => {
                let at = match self
                    .client()
                    .locate(link.trace.clone().unwrap_or_default(), Some(z.clone()))
                    .await
                {
                    Ok((_, span)) => span,
                    Err(_) => None,
                };
                if at.is_none() {
                    ignored.push(format!("zoom `{}` (not in that trace)", shown(z)));
                }
                at
            }
            None => None,
        };
        if let Some(q) = link.query {
            self.query.set(q);
        }
        if let Some(cp) = link.critical_only {
            self.critical_only.set(cp);
        }
        self.select_trace(t).await;
        if zoom.is_some() {
            self.zoom(zoom).await;
        }
        if let Some(s) = span {
            self.reveal(s).await;
        }
        self.say_ignored(&ignored);
        true
    }

    /// Says which parts of the URL fragment were not followed.
    fn say_ignored(&self, ignored: &[String]) {
        if !ignored.is_empty() {
            self.notify(
                "info",
                format!("Ignored in the link: {}.", ignored.join("; ")),
            );
        }
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// A `File` holding these bytes.
pub fn file_of_bytes(name: &str, bytes: &[u8]) -> Result<web_sys::File, String> {
    let arr = js_sys::Uint8Array::from(bytes);
    web_sys::File::new_with_u8_array_sequence(&Array::of1(&arr), name)
        .map_err(|e| super::io::describe(&e))
}

async fn fetch_file(url: &str) -> Result<web_sys::File, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| super::io::describe(&e))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response")?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let blob = JsFuture::from(resp.blob().map_err(|e| super::io::describe(&e))?)
        .await
        .map_err(|e| super::io::describe(&e))?;
    let name = url.rsplit('/').next().unwrap_or(url);
    web_sys::File::new_with_blob_sequence(&Array::of1(&blob), name)
        .map_err(|e| super::io::describe(&e))
}

/// The store of the enclosing app.
pub fn use_store() -> Store {
    expect_context::<Store>()
}

/// Runs an action in the background.
pub fn run(f: impl Future<Output = ()> + 'static) {
    spawn_local(f);
}

/// The whole app.
#[component]
pub fn App(store: Store) -> impl IntoView {
    provide_context(store);
    let st = store;
    let keys = window_event_listener(leptos::ev::keydown, move |ev| tree::on_key(st, &ev));
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
                    run(async move {
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
            <tree::Help/>
            <div class="drop-hint" aria-hidden="true">"Drop trace files to open them"</div>
        </div>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let st = use_store();
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
    let st = use_store();
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

//! The actions: what the views and keys ask for (open files, show a trace, select, zoom, …),
//! each an async method of [`ViewerState`] that asks the engine and sets the signals.

use super::super::client::Failure;
use super::super::io::describe;
use super::state::{OVERSCAN, Tab, ViewerState};
use crate::protocol::*;
use js_sys::Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

impl ViewerState {
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
                self.emit("loaded", &ViewerState::load_detail(&report));
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
            let has_findings = !d.report.anomalies.is_empty();
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
            self.announce_selection(&d.trace_id, &d.span_id);
            self.detail.set(Some(d));
            self.write_hash();
        }
    }

    /// Shows the trace and span with these ids (as displayed); returns whether the trace is open.
    /// Without a span id, or with one not in the trace, the trace is shown with nothing selected.
    pub async fn go_to(self, trace_id: String, span_id: Option<String>) -> bool {
        let Ok((Some(t), span)) = self.client().locate(trace_id, span_id).await else {
            return false;
        };
        if self.trace.get_untracked() != Some(t) {
            self.select_trace(t).await;
        }
        if let Some(s) = span {
            self.reveal(s).await;
        }
        true
    }

    /// Fetches a trace file by URL (same-origin, or a server that allows this origin by CORS;
    /// cookies only to the same origin, as `fetch` does by default) and opens it.
    pub async fn open_url(self, url: String) -> Option<LoadReport> {
        match fetch_file(&url).await {
            Ok(f) => self.open(Array::of1(&f)).await,
            Err(e) => {
                self.notify(
                    "error",
                    format!(
                        "{url}: could not be fetched ({e}). Loupe opens URLs on this page's origin, or on servers that allow it by CORS."
                    ),
                );
                None
            }
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

    /// Opens the trace, span and filter named in the URL fragment (see [`ViewerState::route`]).
    /// Returns whether it did.
    async fn apply_hash(self) -> bool {
        let Some(r) = self.route().await else {
            return false;
        };
        if let Some(q) = r.query {
            self.query.set(q);
        }
        if let Some(cp) = r.critical_only {
            self.critical_only.set(cp);
        }
        self.select_trace(r.trace).await;
        if r.zoom.is_some() {
            self.zoom(r.zoom).await;
        }
        if let Some(s) = r.span {
            self.reveal(s).await;
        }
        self.say_ignored(&r.ignored);
        true
    }
}

/// A `File` holding these bytes.
pub fn file_of_bytes(name: &str, bytes: &[u8]) -> Result<web_sys::File, String> {
    let arr = js_sys::Uint8Array::from(bytes);
    web_sys::File::new_with_u8_array_sequence(&Array::of1(&arr), name).map_err(|e| describe(&e))
}

async fn fetch_file(url: &str) -> Result<web_sys::File, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| describe(&e))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response")?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let blob = JsFuture::from(resp.blob().map_err(|e| describe(&e))?)
        .await
        .map_err(|e| describe(&e))?;
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or(url);
    web_sys::File::new_with_blob_sequence(&Array::of1(&blob), name).map_err(|e| describe(&e))
}

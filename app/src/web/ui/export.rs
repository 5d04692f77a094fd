//! "Export JSON": the shown trace's analysis as a file.

use super::state::ViewerState;
use leptos::prelude::*;

/// Saves the shown trace's `loupe.analysis/1` report (as the core wrote it) as a file.
pub fn export_trace(st: ViewerState) {
    let Some(d) = st.trace_detail.get_untracked() else {
        return;
    };
    let name = format!("{}.analysis.json", d.summary.trace_id);
    let doc = serde_json::json!({ "schema": "loupe.analysis/1", "traces": [d.report.unindexed()] });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    if let Err(e) = super::redact::download(&name, &parts, "application/json") {
        st.notify(
            "error",
            format!("the export failed: {}", super::super::io::describe(&e)),
        );
    }
}

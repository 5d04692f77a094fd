//! URL routing: the trace, span, filter, zoom and critical-path setting shown are kept in the URL
//! fragment (ids and the filter only, never trace content), and a fragment given is followed
//! (parsed by [`Link`]).

use super::state::ViewerState;
use crate::link::Link;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Where the link in the URL fragment leads, its ids found among the open traces.
#[derive(Debug)]
pub struct Route {
    /// Trace index.
    pub trace: u32,
    /// The span to reveal.
    pub span: Option<u32>,
    /// The span to zoom to.
    pub zoom: Option<u32>,
    /// The filter.
    pub query: Option<String>,
    /// Critical path only.
    pub critical_only: Option<bool>,
    /// The parts of the link not followed, for a notice.
    pub ignored: Vec<String>,
}

impl ViewerState {
    /// Writes the trace id, span id and filter into the URL fragment (never trace content).
    pub(super) fn write_hash(&self) {
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

    /// Reads the link in the URL fragment and finds its trace, span and zoom. Parts that cannot
    /// be used (see [`Link`]), a trace that is not open, or a span or zoom that is not in it are
    /// left out and listed in [`Route::ignored`]; the filter and critical-path setting of a link
    /// apply only with its trace. `None` (after a notice of what was ignored) when there is no
    /// trace to show.
    pub(super) async fn route(&self) -> Option<Route> {
        if !self.settings.with_value(|s| s.hash) {
            return None;
        }
        let hash = web_sys::window().and_then(|w| w.location().hash().ok())?;
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
            return None;
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
        Some(Route {
            trace: t,
            span,
            zoom,
            query: link.query,
            critical_only: link.critical_only,
            ignored,
        })
    }

    /// Says which parts of the URL fragment were not followed.
    pub(super) fn say_ignored(&self, ignored: &[String]) {
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

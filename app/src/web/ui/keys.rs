//! Keyboard shortcuts on the whole page (the list's, the trace page's, and Esc and ? everywhere).

use super::state::{Tab, ViewerState};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The element a page-wide event (a key, a paste) happened on, when the event is this viewer's:
/// focus is inside it, or (on Loupe's own page, not when embedded) nowhere in particular. The
/// element is the first of the event's composed path, so a viewer inside a shadow root (the
/// `<loupe-viewer>` element) sees its own input fields, not the host element.
pub fn owned_target(st: ViewerState, ev: &web_sys::Event) -> Option<web_sys::Element> {
    let target = ev
        .composed_path()
        .get(0)
        .dyn_into::<web_sys::Element>()
        .ok()
        .or_else(|| ev.target().and_then(|t| t.dyn_into().ok()))?;
    let page_keys = st.settings.with_value(|s| s.page_keys);
    let inside = match st.root.with_value(Clone::clone) {
        Some(root) => {
            root.contains(Some(&target))
                || (page_keys && matches!(target.tag_name().as_str(), "BODY" | "HTML"))
        }
        None => true,
    };
    inside.then_some(target)
}

/// Keyboard shortcuts on the whole page.
pub fn on_key(st: ViewerState, ev: &web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let key = ev.key();
    let Some(target) = owned_target(st, ev) else {
        return;
    };
    let target = Some(target);
    let in_field = target
        .as_ref()
        .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
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
            st.run(st.zoom(None));
        } else if st.trace.get_untracked().is_some() {
            st.close_trace();
        }
        return;
    }
    if in_field {
        if key == "Enter" && st.trace.get_untracked().is_some() {
            st.run(st.next_match(ev.shift_key()));
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
            st.run(st.select_row(row.map_or(0, |r| r + 1)));
            true
        }
        "k" | "ArrowUp" => {
            st.run(st.select_row(row.map_or(0, |r| r.saturating_sub(1))));
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
                        st.run(st.toggle(span));
                    }
                }
            }
            true
        }
        "n" => {
            st.run(st.next_match(false));
            true
        }
        "N" => {
            st.run(st.next_match(true));
            true
        }
        "c" => {
            st.critical_only.update(|c| *c = !*c);
            st.run(st.refresh_view());
            true
        }
        "z" => {
            let zoom = st.view.with_untracked(|v| v.zoom);
            match st.selected.get_untracked() {
                Some(s) if zoom != Some(s) => st.run(st.zoom(Some(s))),
                _ if zoom.is_some() => st.run(st.zoom(None)),
                _ => {}
            }
            true
        }
        "f" => {
            if let Some(s) = st.trace_detail.with_untracked(|d| {
                d.as_ref()
                    .and_then(|d| d.report.first_suspect.as_ref()?.span)
            }) {
                st.run(st.reveal(s));
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
fn move_list_focus(st: ViewerState, by: i32) -> bool {
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

fn root_query(st: ViewerState, doc: &web_sys::Document, sel: &str) -> Option<web_sys::HtmlElement> {
    let found = match st.root.with_value(Clone::clone) {
        Some(root) => root.query_selector(sel).ok().flatten(),
        None => doc.query_selector(sel).ok().flatten(),
    };
    found.and_then(|e| e.dyn_into().ok())
}

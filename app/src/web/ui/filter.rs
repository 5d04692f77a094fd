//! The trace page's filter bar: the filter (debounced), matches, hide and critical-path toggles,
//! collapse and expand.

use super::state::use_viewer;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The filter bar.
#[component]
pub fn FilterBar() -> impl IntoView {
    let st = use_viewer();
    let timer = StoredValue::new_local(None::<i32>);
    // A refilter due after the viewer is gone would find nothing to refresh.
    on_cleanup(move || {
        if let (Some(Some(t)), Some(w)) = (timer.try_get_value(), web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
    });
    let on_input = move |ev: web_sys::Event| {
        st.query.set(event_target_value(&ev));
        // Debounced: refilter 150 ms after the last key.
        let Some(w) = web_sys::window() else { return };
        if let Some(t) = timer.get_value() {
            w.clear_timeout_with_handle(t);
        }
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || st.run(st.refresh_view()));
        timer.set_value(
            w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 150)
                .ok(),
        );
    };
    let status = move || {
        let v = st.view.get();
        if let Some(e) = v.query_error {
            return (true, e);
        }
        if st.query.with(|q| q.trim().is_empty()) {
            return (false, String::new());
        }
        if st.query.get() != st.applied_query.get() {
            return (false, "…".to_owned());
        }
        (
            false,
            format!(
                "{} match{}",
                v.matches,
                if v.matches == 1 { "" } else { "es" }
            ),
        )
    };
    view! {
        <div class="toolbar">
            <input
                type="search"
                class="filter"
                data-testid="filter"
                placeholder="Filter ( / )   kind:tool  status:error  >500ms  key=value"
                aria-label="Filter spans"
                spellcheck="false"
                prop:value=move || st.query.get()
                on:input=on_input
            />
            <span class="filter-status" class:error=move || status().0>
                {move || status().1}
            </span>
            <button class="btn icon" title="Previous match (N)" on:click=move |_| st.run(st.next_match(true))>
                "↑"
            </button>
            <button class="btn icon" title="Next match (n)" on:click=move |_| st.run(st.next_match(false))>
                "↓"
            </button>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || st.hide.get()
                    on:change=move |ev| {
                        st.hide.set(event_target_checked(&ev));
                        st.run(st.refresh_view());
                    }
                />
                "Hide others"
            </label>
            <label class="check cp-toggle">
                <input
                    type="checkbox"
                    data-testid="critical-only"
                    prop:checked=move || st.critical_only.get()
                    on:change=move |ev| {
                        st.critical_only.set(event_target_checked(&ev));
                        st.run(st.refresh_view());
                    }
                />
                "Critical path only"
            </label>
            <span class="spacer"></span>
            <button class="btn" title="Collapse below the top level" on:click=move |_| st.run(st.collapse_to(Some(1)))>
                "Collapse"
            </button>
            <button class="btn" title="Expand everything" on:click=move |_| st.run(st.collapse_to(None))>
                "Expand"
            </button>
        </div>
    }
}

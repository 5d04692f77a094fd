//! The JS API: one way in (`mount`), one way to give it input (`open_files` / `open_bytes`).
//!
//! ```js
//! import init, { mount } from './loupe_app.js';
//! await init();
//! const loupe = mount(element, { worker: new URL('./worker.js', import.meta.url).href });
//! await loupe.open_files(input.files);          // File, FileList or an array of Files/Blobs
//! await loupe.open_bytes('run.json', bytes);    // Uint8Array
//! loupe.unmount();
//! ```

use super::ui::{App, Settings, ViewerState};
use js_sys::{Array, Promise, Reflect, Uint8Array};
use leptos::mount::{UnmountHandle, mount_to};
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos::tachys::view::any_view::AnyViewState;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// A mounted viewer.
#[wasm_bindgen]
pub struct LoupeApp {
    state: ViewerState,
    owner: Owner,
    handle: Option<UnmountHandle<AnyViewState>>,
}

impl std::fmt::Debug for LoupeApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoupeApp").finish_non_exhaustive()
    }
}

fn settings_of(options: &JsValue) -> Settings {
    let get = |k: &str| {
        Reflect::get(options, &k.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    Settings {
        worker: get("worker").and_then(|v| v.as_string()),
        samples: get("samples")
            .and_then(|v| v.dyn_into::<Array>().ok())
            .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default(),
        hash: get("hash").and_then(|v| v.as_bool()).unwrap_or(true),
        page_keys: get("pageKeys").and_then(|v| v.as_bool()).unwrap_or(true),
    }
}

/// Mounts the viewer into `el` (its content is replaced). Options: `worker` (URL of
/// `worker.js`; without it parsing runs on the page's thread), `samples` (URLs offered by "Try a
/// sample"), `hash` (keep the trace, span and filter in the URL fragment; default true),
/// `pageKeys` (answer keys pressed while focus is on the page's body; default true; an
/// embedded viewer sets it false and takes keys only while focus is inside it).
#[wasm_bindgen]
pub fn mount(el: HtmlElement, options: &JsValue) -> LoupeApp {
    console_error_panic_hook::set_once();
    el.set_text_content(None);
    let settings = settings_of(options);
    let owner = Owner::new();
    let state = owner.with(|| ViewerState::new(settings, Some(el.clone())));
    let handle = owner.with(|| mount_to(el, move || view! { <App state=state/> }.into_any()));
    LoupeApp {
        state,
        owner,
        handle: Some(handle),
    }
}

fn report_promise(state: ViewerState, inputs: Array) -> Promise {
    let load = state.while_alive(async move { state.open(inputs).await });
    wasm_bindgen_futures::future_to_promise(async move {
        Ok(load
            .await
            .flatten()
            .as_ref()
            .map_or(JsValue::NULL, ViewerState::load_detail))
    })
}

#[wasm_bindgen]
impl LoupeApp {
    /// Opens files, merged into what is open. Takes a `File`, a `FileList`, or an array of
    /// `File`s / `Blob`s. Resolves with what a load tells the host ([`ViewerState::load_detail`]:
    /// per file spans or the error text, per trace its id and span count), `null` when nothing
    /// was loaded.
    pub fn open_files(&self, files: JsValue) -> Promise {
        let arr = if let Some(list) = files.dyn_ref::<web_sys::FileList>() {
            super::ui::start_file_list(list)
        } else if files.is_instance_of::<web_sys::Blob>() {
            Array::of1(&files)
        } else {
            files.dyn_into::<Array>().unwrap_or_default()
        };
        report_promise(self.state, arr)
    }

    /// Opens bytes under a name (the name is used in messages only).
    pub fn open_bytes(&self, name: &str, bytes: &Uint8Array) -> Result<Promise, JsValue> {
        let file = web_sys::File::new_with_u8_array_sequence(&Array::of1(bytes), name)?;
        Ok(report_promise(self.state, Array::of1(&file)))
    }

    /// Opens a trace file by URL: same-origin, or a server that allows this origin by CORS. The
    /// trace is only fetched, never sent anywhere. Resolves with the load report (or `null`
    /// when the fetch failed; the `error` event and the viewer say why).
    pub fn open_url(&self, url: String) -> Promise {
        let state = self.state;
        let load = state.while_alive(async move { state.open_url(url).await });
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(load
                .await
                .flatten()
                .as_ref()
                .map_or(JsValue::NULL, ViewerState::load_detail))
        })
    }

    /// Shows the trace `trace_id` and selects its span `span_id` (ids as displayed; `span_id`
    /// may be empty). Resolves with whether the trace is open.
    pub fn select(&self, trace_id: String, span_id: Option<String>) -> Promise {
        let state = self.state;
        let found = state.while_alive(async move {
            state
                .go_to(trace_id, span_id.filter(|s| !s.is_empty()))
                .await
        });
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(JsValue::from_bool(found.await.unwrap_or(false)))
        })
    }

    /// Sets the one listener of the viewer's events: `listener(name, detail)` for `loaded`
    /// (the load report), `select` (`{traceId, spanId}`) and `error` (`{message}`); `null`
    /// removes it. (The package's `Viewer.on` keeps any number of listeners over this one.)
    pub fn set_listener(&self, listener: Option<js_sys::Function>) {
        self.state.listener.set_value(listener);
    }

    /// Whether parsing runs in a Web Worker.
    pub fn in_worker(&self) -> bool {
        self.state.client.with_value(|c| c.in_worker())
    }

    /// Files and traces open now (the summary the trace list shows).
    pub fn summary(&self) -> JsValue {
        let s = self.state.summary.get_untracked();
        js_sys::JSON::parse(&crate::protocol::to_wire(&s).unwrap_or_default())
            .unwrap_or(JsValue::NULL)
    }

    /// Removes the viewer and stops its worker. A load or request in flight resolves with
    /// `null` (`false` for `select`); nothing the viewer started runs on after this.
    pub fn unmount(mut self) {
        self.state.close();
        self.handle.take();
        self.owner.cleanup();
    }
}

//! The viewer's state: every signal of the page and the engine client, in one [`ViewerState`]
//! provided as context. Views read it; the actions (`actions.rs`) change it.

use super::super::client::Client;
use crate::protocol::*;
use leptos::prelude::*;
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::JsValue;

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
    /// Answer keys pressed while focus is nowhere in particular (the page's body), not only
    /// inside the viewer; off for an embedded viewer, which takes keys only while focused.
    pub page_keys: bool,
}

/// The app's state, in one place, so later features (annotations, comparisons) hook in here.
#[derive(Clone, Copy, Debug)]
pub struct ViewerState {
    /// The engine.
    pub client: StoredValue<Client, LocalStorage>,
    /// Inputs open now (`File`s), reopened after a cancel.
    pub retained: StoredValue<Vec<JsValue>, LocalStorage>,
    /// Settings.
    pub settings: StoredValue<Settings>,
    /// The root element events are scoped to.
    pub root: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    /// Files and traces open.
    pub summary: RwSignal<SetSummary>,
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
    pub detail: RwSignal<Option<SpanReport>>,
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
    /// The embedding host's listener: called with an event name (`loaded`, `select`, `error`)
    /// and its detail.
    pub listener: StoredValue<Option<js_sys::Function>, LocalStorage>,
    /// The span last announced by a `select` event (trace id, span id), so a host that answers
    /// a `select` by selecting the same span does not start a loop.
    announced: StoredValue<Option<(String, String)>>,
    next_notice: StoredValue<u32>,
    /// Cleared when the viewer is unmounted: its tasks are polled no further (see
    /// [`ViewerState::run`]).
    alive: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

/// A task of a viewer: runs `task` until it completes or the viewer is unmounted, and is not
/// polled after that (everything it would touch is gone).
struct WhileAlive<F> {
    alive: Rc<Cell<bool>>,
    task: Pin<Box<F>>,
}

impl<F: Future> Future for WhileAlive<F> {
    /// `None`: the viewer was unmounted first.
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.alive.get() {
            return Poll::Ready(None);
        }
        self.task.as_mut().poll(cx).map(Some)
    }
}

impl ViewerState {
    /// The state of a fresh viewer, with a started engine.
    pub fn new(settings: Settings, root: Option<web_sys::HtmlElement>) -> ViewerState {
        let progress = RwSignal::new(None);
        let client = Client::new(settings.worker.clone(), move |p| {
            progress.set(Some(p));
        });
        ViewerState {
            client: StoredValue::new_local(client),
            retained: StoredValue::new_local(Vec::new()),
            settings: StoredValue::new(settings),
            root: StoredValue::new_local(root),
            summary: RwSignal::new(SetSummary::default()),
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
            listener: StoredValue::new_local(None),
            announced: StoredValue::new(None),
            next_notice: StoredValue::new(1),
            alive: StoredValue::new_local(Rc::new(Cell::new(true))),
        }
    }

    /// `task`, ended early if the viewer is unmounted while it waits: `None` then. Whatever
    /// awaits the engine, a fetch or a timer and then touches the viewer's signals goes through
    /// here, so nothing touches them once they are disposed. A viewer already unmounted gives
    /// `None` without starting `task`.
    pub fn while_alive<F: Future + 'static>(
        &self,
        task: F,
    ) -> impl Future<Output = Option<F::Output>> + 'static {
        let alive = self
            .alive
            .try_with_value(Rc::clone)
            .unwrap_or_else(|| Rc::new(Cell::new(false)));
        WhileAlive {
            alive,
            task: Box::pin(task),
        }
    }

    /// Runs an action in the background, while the viewer is mounted.
    pub fn run(&self, task: impl Future<Output = ()> + 'static) {
        let task = self.while_alive(task);
        leptos::task::spawn_local(async move {
            // `None`: dropped unfinished, the viewer went away.
            let _ = task.await;
        });
    }

    /// Ends the viewer's tasks and stops its engine (unmounting; the signals go next).
    pub fn close(&self) {
        if let Some(alive) = self.alive.try_with_value(Rc::clone) {
            alive.set(false);
        }
        self.listener.set_value(None);
        if let Some(c) = self.client.try_get_value() {
            c.close();
        }
    }

    /// The engine client.
    pub(super) fn client(&self) -> Client {
        self.client.get_value()
    }

    /// Tells the embedding host, if it listens: `event` with `detail`.
    pub fn emit(&self, event: &str, detail: &JsValue) {
        if let Some(f) = self.listener.with_value(Clone::clone) {
            // A host's listener that throws must not break the viewer.
            let _ = f.call2(&JsValue::NULL, &JsValue::from_str(event), detail);
        }
    }

    /// What a load tells the host (the `loaded` event and what `open` resolves with): per input
    /// `{name, spans, format, error}`, per trace `{trace_id, span_count, root, services, errors,
    /// findings, duration_ns, start_unix_ns}` with the start time a `BigInt` (nanoseconds since
    /// 1970 are beyond a Number's 2^53), and `millis`.
    pub fn load_detail(report: &LoadReport) -> JsValue {
        let set = |o: &js_sys::Object, k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(o, &k.into(), v);
        };
        let out = js_sys::Object::new();
        let files = to_wire(&report.files)
            .ok()
            .and_then(|t| js_sys::JSON::parse(&t).ok())
            .unwrap_or_else(|| js_sys::Array::new().into());
        set(&out, "files", &files);
        let traces = js_sys::Array::new();
        for t in &report.summary.traces {
            let o = js_sys::Object::new();
            set(&o, "trace_id", &t.trace_id.as_str().into());
            set(&o, "span_count", &t.spans.into());
            set(&o, "root", &t.root.as_str().into());
            let services: js_sys::Array = t.services.iter().map(|s| JsValue::from_str(s)).collect();
            set(&o, "services", &services);
            set(&o, "errors", &t.errors.into());
            set(&o, "findings", &t.findings.into());
            set(
                &o,
                "duration_ns",
                &js_sys::BigInt::from(t.duration_ns).into(),
            );
            set(
                &o,
                "start_unix_ns",
                &js_sys::BigInt::from(t.start_unix_ns).into(),
            );
            traces.push(&o);
        }
        set(&out, "traces", &traces);
        set(
            &out,
            "millis",
            &report.millis.map_or(JsValue::NULL, JsValue::from),
        );
        out.into()
    }

    /// Announces the selected span (`select`), unless it was the last one announced.
    pub fn announce_selection(&self, trace_id: &str, span_id: &str) {
        let now = Some((trace_id.to_owned(), span_id.to_owned()));
        if self.announced.with_value(|a| *a == now) {
            return;
        }
        self.announced.set_value(now);
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"traceId".into(), &trace_id.into());
        let _ = js_sys::Reflect::set(&detail, &"spanId".into(), &span_id.into());
        self.emit("select", &detail);
    }

    /// Shows a message (an `error` is also an event for the host).
    pub fn notify(&self, level: &'static str, text: String) {
        if level == "error" {
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&detail, &"message".into(), &text.as_str().into());
            self.emit("error", &detail);
        }
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| n.push(Notice { id, level, text }));
    }
}

/// The state of the enclosing app.
pub fn use_viewer() -> ViewerState {
    expect_context::<ViewerState>()
}

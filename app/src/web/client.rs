//! The UI's side of the protocol: sends requests to the engine and awaits the answers.
//!
//! The engine runs in a module Web Worker when a worker URL is given and the browser can start
//! it; otherwise on this thread (component tests, or hosts that forbid workers). Both paths go
//! through the same messages ([`ToWorker`] and [`FromWorker`], as wire text). The UI asks with the
//! typed methods ([`Client::rows`], [`Client::set_view`], …): each sends one [`Request`] and
//! returns what its [`Response`] carries, or a [`Failure`]. Cancelling terminates the worker, starts a fresh one and
//! reopens the files that were open before, so a cancelled load leaves the earlier state.
//!
//! When the worker dies (its WebAssembly ran out of memory and trapped, or it failed otherwise),
//! the same happens: a fresh worker, and every pending request is answered with
//! [`Response::Crashed`], whose message names the file being read and says what to do; the UI
//! then reopens the files that were open. A worker that dies before it ever answered could not
//! start (its module failed to load): it is not restarted, and the engine goes on on this thread.

use super::io::{OUT_OF_MEMORY_ADVICE, describe, megabytes, serve};
use super::post::Posted;
use crate::engine::Engine;
use crate::protocol::{
    CANCELLED, Format, FromWorker, LoadReport, Progress, RedactPreview, RedactSettings,
    RedactedFile, Request, Response, RowWindow, SpanReport, Stage, ToWorker, TraceDetail, ViewInfo,
    from_wire, to_wire,
};
use js_sys::Uint8Array;
use js_sys::{Array, Function, Promise, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

type ProgressFn = Rc<dyn Fn(Progress)>;
type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type OnError = Closure<dyn FnMut(JsValue)>;
/// An answer: the response, and the bytes of an export's file.
type Answer = (Response, Option<Uint8Array>);

/// A request awaiting its answer, and what it was doing (for a message if the worker dies).
struct Pending {
    /// Resolves the promise the request awaits, once `answer` holds its answer.
    resolve: Function,
    answer: Rc<RefCell<Option<Answer>>>,
    /// The inputs of an `Open`: name and size in bytes.
    files: Vec<(String, f64)>,
    /// What any other request was doing ("writing the redacted file").
    doing: &'static str,
}

impl Pending {
    /// Answers the request waiting here.
    fn answer(self, resp: Response, bytes: Option<Uint8Array>) {
        *self.answer.borrow_mut() = Some((resp, bytes));
        let _ = self.resolve.call0(&JsValue::NULL);
    }
}

/// Encodes and decodes a message as the worker path does.
fn through_wire<T: Serialize + DeserializeOwned>(msg: &T) -> Result<T, String> {
    from_wire(&to_wire(msg)?)
}

/// Why a typed question got no answer of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The engine could not answer ([`Response::Error`]); its message is [`CANCELLED`] when the
    /// request was pending as a load was cancelled.
    Error(String),
    /// The engine stopped while answering and was restarted empty ([`Response::Crashed`]).
    Crashed(String),
    /// It answered with another kind of response.
    Unexpected,
}

impl Failure {
    fn of(resp: Response) -> Failure {
        match resp {
            Response::Error { message } => Failure::Error(message),
            Response::Crashed { message } => Failure::Crashed(message),
            _ => Failure::Unexpected,
        }
    }

    /// Whether the request was pending when its load was cancelled.
    pub fn cancelled(&self) -> bool {
        matches!(self, Failure::Error(m) if m == CANCELLED)
    }
}

/// A handle on the engine.
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("worker", &self.inner.worker.borrow().is_some())
            .finish()
    }
}

struct Inner {
    worker_url: Option<String>,
    worker: RefCell<Option<Worker>>,
    on_message: RefCell<Option<OnMessage>>,
    on_error: RefCell<Option<OnError>>,
    pending: RefCell<HashMap<u32, Pending>>,
    /// The file the worker said it was working on, and the stage.
    current: RefCell<Option<(String, Stage)>>,
    /// The worker's last panic message (it traps right after).
    panic: RefCell<Option<String>>,
    next_id: Cell<u32>,
    engine: Rc<RefCell<Engine>>,
    progress: ProgressFn,
    /// Spawn generation: answers of a terminated worker are ignored.
    generation: Cell<u32>,
    /// Whether the current worker has sent anything: one that dies before that could not start
    /// (its module failed to load), and starting another would fail the same way, in a loop.
    started: Cell<bool>,
    /// Closed for good ([`Client::close`]): every request is answered with an error at once.
    closed: Cell<bool>,
}

impl Client {
    /// Starts the engine: in a worker at `worker_url` when possible, else on this thread.
    pub fn new(worker_url: Option<String>, progress: impl Fn(Progress) + 'static) -> Client {
        let client = Client {
            inner: Rc::new(Inner {
                worker_url,
                worker: RefCell::new(None),
                on_message: RefCell::new(None),
                on_error: RefCell::new(None),
                pending: RefCell::new(HashMap::new()),
                current: RefCell::new(None),
                panic: RefCell::new(None),
                next_id: Cell::new(1),
                engine: Rc::new(RefCell::new(Engine::new())),
                progress: Rc::new(progress),
                generation: Cell::new(0),
                started: Cell::new(false),
                closed: Cell::new(false),
            }),
        };
        client.spawn();
        client
    }

    /// Whether the engine runs in a worker.
    pub fn in_worker(&self) -> bool {
        self.inner.worker.borrow().is_some()
    }

    fn spawn(&self) {
        let Some(url) = self.inner.worker_url.clone() else {
            return;
        };
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        opts.set_name("loupe-engine");
        let worker = match Worker::new_with_options(&url, &opts) {
            Ok(w) => w,
            Err(e) => {
                web_sys::console::warn_1(
                    &format!(
                        "Loupe: could not start the worker ({}); parsing on the page's thread",
                        describe(&e)
                    )
                    .into(),
                );
                return;
            }
        };
        let weak = Rc::downgrade(&self.inner);
        let generation = self.inner.generation.get();
        self.inner.started.set(false);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            if inner.generation.get() != generation {
                return;
            }
            inner.started.set(true);
            let posted = Posted::from_js(&ev.data());
            match FromWorker::from_wire_text(&posted.text) {
                Ok(FromWorker::Progress(p)) => {
                    *inner.current.borrow_mut() = Some((p.file.clone(), p.stage));
                    (inner.progress)(p);
                }
                Ok(FromWorker::Panic { message }) => *inner.panic.borrow_mut() = Some(message),
                Ok(FromWorker::Answer { id, resp }) => {
                    let pending = inner.pending.borrow_mut().remove(&id);
                    if let Some(p) = pending {
                        inner.current.borrow_mut().take();
                        p.answer(resp, posted.bytes);
                    }
                }
                Err((id, e)) => {
                    let pending = id.and_then(|id| inner.pending.borrow_mut().remove(&id));
                    match pending {
                        Some(p) => {
                            inner.current.borrow_mut().take();
                            let message = format!("the engine's answer could not be read: {e}");
                            p.answer(Response::Error { message }, None);
                        }
                        None => web_sys::console::warn_1(
                            &format!("Loupe: a message of the worker could not be read: {e}")
                                .into(),
                        ),
                    }
                }
            }
        });
        let weak = Rc::downgrade(&self.inner);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            if inner.generation.get() != generation {
                return;
            }
            if let Some(e) = ev.dyn_ref::<web_sys::Event>() {
                e.prevent_default();
            }
            let what = Reflect::get(&ev, &"message".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_else(|| "the worker stopped".to_owned());
            Client { inner }.crashed(&what);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.inner.on_message.borrow_mut() = Some(on_message);
        *self.inner.on_error.borrow_mut() = Some(on_error);
        *self.inner.worker.borrow_mut() = Some(worker);
    }

    /// The worker died: answer what was pending with [`Response::Crashed`] and start a fresh one;
    /// or, when it died before it ever answered (it could not start), go on on this thread.
    fn crashed(&self, error: &str) {
        let started = self.inner.started.get();
        let Stopped {
            pending,
            current,
            panic,
            ..
        } = self.stop_worker();
        // Rust aborts on a failed allocation (a trap, `unreachable`, with no panic before it);
        // a size beyond what 32-bit memory can address panics with `capacity overflow`.
        let oom = match &panic {
            Some(p) => p.contains("capacity overflow") || p.contains("memory allocation"),
            None => {
                let e = error.to_ascii_lowercase();
                e.contains("unreachable") || e.contains("memory")
            }
        };
        let detail = panic.unwrap_or_else(|| error.to_owned());
        web_sys::console::warn_1(&format!("Loupe: the engine stopped: {detail}").into());
        for p in pending {
            let message = crash_message(oom, &p, current.as_ref(), &detail);
            p.answer(Response::Crashed { message }, None);
        }
        if started {
            self.spawn();
        } else {
            web_sys::console::warn_1(
                &"Loupe: the worker failed while starting; parsing on the page's thread".into(),
            );
        }
    }

    /// Asks the engine one question.
    pub async fn call(&self, req: &Request) -> Response {
        self.send(req.clone(), None).await.0
    }

    /// Opens `File`s or `Blob`s (merged into what is open).
    pub async fn open(&self, inputs: Array) -> Response {
        self.send(Request::Open, Some(inputs)).await.0
    }

    async fn send(&self, req: Request, inputs: Option<Array>) -> Answer {
        if self.inner.closed.get() {
            return (closed(), None);
        }
        let worker = self.inner.worker.borrow().clone();
        let Some(worker) = worker else {
            // On this thread: the same messages, through the same encoding.
            let req = match through_wire(&req) {
                Ok(r) => r,
                Err(message) => return (Response::Error { message }, None),
            };
            let progress = self.inner.progress.clone();
            let (resp, bytes) = serve(&self.inner.engine, req, inputs, &*progress).await;
            let resp = through_wire(&resp).unwrap_or_else(|e| Response::Error {
                message: format!("the engine's answer could not be read: {e}"),
            });
            return (resp, bytes.map(|b| Uint8Array::from(&b[..])));
        };
        let id = self.inner.next_id.get();
        self.inner.next_id.set(id.wrapping_add(1));
        let files: Vec<(String, f64)> = inputs
            .as_ref()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(n, v)| {
                        let size = v.dyn_ref::<web_sys::Blob>().map_or(0.0, |b| b.size());
                        (super::io::input_name(&v, n), size)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let doing = match req {
            Request::Open => "reading",
            Request::RedactPlan { .. } => "finding what to redact",
            Request::RedactExport { .. } => "writing the redacted file",
            _ => "answering the viewer",
        };
        let text = match to_wire(&ToWorker { id, req }) {
            Ok(t) => t,
            Err(message) => return (Response::Error { message }, None),
        };
        let answer = Rc::new(RefCell::new(None));
        let promise = Promise::new(&mut |resolve, _reject| {
            self.inner.pending.borrow_mut().insert(
                id,
                Pending {
                    resolve,
                    answer: answer.clone(),
                    files: files.clone(),
                    doing,
                },
            );
        });
        let (msg, _) = Posted {
            text,
            inputs,
            bytes: None,
        }
        .to_js();
        if let Err(e) = worker.post_message(&msg) {
            self.inner.pending.borrow_mut().remove(&id);
            let message = describe(&e);
            return (Response::Error { message }, None);
        }
        if let Err(e) = JsFuture::from(promise).await {
            return (
                Response::Error {
                    message: describe(&e),
                },
                None,
            );
        }
        answer.borrow_mut().take().unwrap_or_else(|| {
            let message = "the engine's answer was lost".to_owned();
            (Response::Error { message }, None)
        })
    }

    /// Opens `File`s or `Blob`s (merged into what is open): what each did, and what is open.
    pub async fn load(&self, inputs: Array) -> Result<LoadReport, Failure> {
        match self.open(inputs).await {
            Response::Loaded(r) => Ok(r),
            other => Err(Failure::of(other)),
        }
    }

    /// Where a trace (and a span in it) with these ids is: trace and span index.
    pub async fn locate(
        &self,
        trace_id: String,
        span_id: Option<String>,
    ) -> Result<(Option<u32>, Option<u32>), Failure> {
        match self.call(&Request::Locate { trace_id, span_id }).await {
            Response::Located { trace, span } => Ok((trace, span)),
            other => Err(Failure::of(other)),
        }
    }

    /// Shows a trace with these settings (see [`Request::SetView`]).
    pub async fn set_view(
        &self,
        trace: u32,
        critical_only: bool,
        query: String,
        hide: bool,
    ) -> Result<ViewInfo, Failure> {
        self.view(Request::SetView {
            trace,
            critical_only,
            query,
            hide,
        })
        .await
    }

    /// Collapses or expands a span of the current view.
    pub async fn toggle(&self, span: u32) -> Result<ViewInfo, Failure> {
        self.view(Request::Toggle { span }).await
    }

    /// Expands everything (`None`) or collapses every span at `depth` and below.
    pub async fn collapse_to(&self, depth: Option<u32>) -> Result<ViewInfo, Failure> {
        self.view(Request::CollapseTo { depth }).await
    }

    /// Expands a span's ancestors; the view says on which row it is.
    pub async fn reveal(&self, span: u32) -> Result<ViewInfo, Failure> {
        self.view(Request::Reveal { span }).await
    }

    /// Narrows the view to a span's subtree (`None`: the whole trace).
    pub async fn zoom(&self, span: Option<u32>) -> Result<ViewInfo, Failure> {
        self.view(Request::Zoom { span }).await
    }

    /// The next (or previous) match after row `from`; the view says which span, on which row.
    pub async fn next_match(&self, from: i64, back: bool) -> Result<ViewInfo, Failure> {
        self.view(Request::NextMatch { from, back }).await
    }

    async fn view(&self, req: Request) -> Result<ViewInfo, Failure> {
        match self.call(&req).await {
            Response::View(v) => Ok(v),
            other => Err(Failure::of(other)),
        }
    }

    /// A window of the current view's rows.
    pub async fn rows(&self, start: u32, count: u32) -> Result<RowWindow, Failure> {
        match self.call(&Request::Rows { start, count }).await {
            Response::Rows(w) => Ok(w),
            other => Err(Failure::of(other)),
        }
    }

    /// One span's details.
    pub async fn span(&self, span: u32) -> Result<SpanReport, Failure> {
        match self.call(&Request::Span { span }).await {
            Response::Span(d) => Ok(*d),
            other => Err(Failure::of(other)),
        }
    }

    /// One trace's panels.
    pub async fn trace(&self, trace: u32) -> Result<TraceDetail, Failure> {
        match self.call(&Request::Trace { trace }).await {
            Response::Trace(d) => Ok(*d),
            other => Err(Failure::of(other)),
        }
    }

    /// What a redaction with these settings would change.
    pub async fn redact_plan(&self, settings: RedactSettings) -> Result<RedactPreview, Failure> {
        match self.call(&Request::RedactPlan { settings }).await {
            Response::RedactPlan(p) => Ok(*p),
            other => Err(Failure::of(other)),
        }
    }

    /// The open set redacted with these settings, written in `format`: what was written and the
    /// file's bytes.
    pub async fn redact_export(
        &self,
        settings: RedactSettings,
        format: Format,
    ) -> Result<(RedactedFile, Uint8Array), Failure> {
        match self
            .send(Request::RedactExport { settings, format }, None)
            .await
        {
            (Response::Redacted(file), Some(bytes)) => Ok((file, bytes)),
            (Response::Redacted(_), None) => {
                Err(Failure::Error("the engine sent no file; try again".into()))
            }
            (other, _) => Err(Failure::of(other)),
        }
    }

    /// Stops whatever the worker is doing by terminating it, and starts a fresh one. Pending
    /// requests are answered with a `cancelled` error. Returns whether there was a worker to stop.
    pub fn cancel(&self) -> bool {
        let Stopped {
            pending,
            had_worker,
            ..
        } = self.stop_worker();
        for p in pending {
            p.answer(Response::cancelled(), None);
        }
        if had_worker {
            self.spawn();
        }
        had_worker
    }

    /// Terminates the worker (if any) and takes what it left: the requests waiting for an answer,
    /// the file it was reading, and the panic it reported.
    fn stop_worker(&self) -> Stopped {
        let worker = self.inner.worker.borrow_mut().take();
        let had_worker = worker.is_some();
        if let Some(w) = worker {
            w.terminate();
        }
        self.inner.generation.set(self.inner.generation.get() + 1);
        let pending = self
            .inner
            .pending
            .borrow_mut()
            .drain()
            .map(|x| x.1)
            .collect();
        Stopped {
            pending,
            current: self.inner.current.borrow_mut().take(),
            panic: self.inner.panic.borrow_mut().take(),
            had_worker,
        }
    }

    /// Terminates the worker for good. What was pending is answered with an error (so the
    /// tasks awaiting it end instead of waiting forever), and so is every later request.
    pub fn close(&self) {
        self.inner.closed.set(true);
        let Stopped { pending, .. } = self.stop_worker();
        self.inner.on_message.borrow_mut().take();
        self.inner.on_error.borrow_mut().take();
        for p in pending {
            p.answer(closed(), None);
        }
    }
}

/// The answer of a closed engine.
fn closed() -> Response {
    Response::Error {
        message: "the viewer was closed".to_owned(),
    }
}

/// What a stopped worker left behind.
struct Stopped {
    pending: Vec<Pending>,
    current: Option<(String, Stage)>,
    panic: Option<String>,
    had_worker: bool,
}

/// The message for a request the worker died answering: which file, what happened, what to do.
fn crash_message(
    oom: bool,
    p: &Pending,
    current: Option<&(String, Stage)>,
    detail: &str,
) -> String {
    let file = |(name, size): &(String, f64)| format!("{name} ({})", megabytes(*size));
    let doing = if p.files.is_empty() {
        p.doing.to_owned()
    } else {
        let at = current.and_then(|(name, _)| p.files.iter().find(|f| &f.0 == name));
        match at {
            Some(f) => format!("reading {}", file(f)),
            None => {
                let names: Vec<String> = p.files.iter().map(file).collect();
                let verb = match current {
                    Some((_, Stage::Analysing)) => "analysing",
                    _ => "reading",
                };
                format!("{verb} {}", names.join(", "))
            }
        }
    };
    let reopen = "The engine was restarted; the files open before are reopened.";
    if oom {
        format!("Loupe ran out of memory while {doing}. {reopen} {OUT_OF_MEMORY_ADVICE}.")
    } else {
        format!(
            "The engine stopped while {doing} ({detail}). {reopen} If it happens again with this file, please report it."
        )
    }
}

//! The UI's side of the protocol: sends requests to the engine and awaits the answers.
//!
//! The engine runs in a module Web Worker when a worker URL is given and the browser can start
//! it; otherwise on this thread (component tests, or hosts that forbid workers). Both paths go
//! through the same JSON messages. Cancelling terminates the worker, starts a fresh one and
//! reopens the files that were open before, so a cancelled load leaves the earlier state.
//!
//! When the worker dies (its WebAssembly ran out of memory and trapped, or it failed otherwise),
//! the same happens: a fresh worker, and every pending request is answered with
//! [`Response::Crashed`], whose message names the file being read and says what to do; the UI
//! then reopens the files that were open. A worker that dies before it ever answered could not
//! start (its module failed to load): it is not restarted, and the engine goes on on this thread.

use super::io::{OUT_OF_MEMORY_ADVICE, describe, megabytes, serve};
use crate::engine::Engine;
use crate::protocol::{Progress, Request, Response, from_wire, to_wire};
use js_sys::Uint8Array;
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

type ProgressFn = Rc<dyn Fn(Progress)>;
type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type OnError = Closure<dyn FnMut(JsValue)>;

/// A request awaiting its answer, and what it was doing (for a message if the worker dies).
struct Pending {
    resolve: Function,
    /// The inputs of an `Open`: name and size in bytes.
    files: Vec<(String, f64)>,
    /// What any other request was doing ("writing the redacted file").
    doing: &'static str,
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
    current: RefCell<Option<(String, String)>>,
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
            let data = ev.data();
            if let Some(p) = Reflect::get(&data, &"progress".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                if let Ok(p) = from_wire::<Progress>(&p) {
                    *inner.current.borrow_mut() = Some((p.file.clone(), p.stage.clone()));
                    (inner.progress)(p);
                }
                return;
            }
            if let Some(p) = Reflect::get(&data, &"panic".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                *inner.panic.borrow_mut() = Some(p);
                return;
            }
            let id = Reflect::get(&data, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as u32);
            let pending = id.and_then(|id| inner.pending.borrow_mut().remove(&id));
            if let Some(p) = pending {
                inner.current.borrow_mut().take();
                let _ = p.resolve.call1(&JsValue::NULL, &data);
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
            let text = Response::Crashed { message }.to_wire_text();
            let answer = Object::new();
            let _ = Reflect::set(&answer, &"res".into(), &text.into());
            let _ = p.resolve.call1(&JsValue::NULL, &answer);
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
        self.send(req, None).await.0
    }

    /// Asks the engine for a file: the answer, and the file's bytes when it sent them.
    pub async fn call_bytes(&self, req: &Request) -> (Response, Option<Uint8Array>) {
        self.send(req, None).await
    }

    /// Opens `File`s or `Blob`s (merged into what is open).
    pub async fn open(&self, inputs: Array) -> Response {
        self.send(&Request::Open, Some(inputs)).await.0
    }

    async fn send(&self, req: &Request, inputs: Option<Array>) -> (Response, Option<Uint8Array>) {
        let text = match to_wire(req) {
            Ok(t) => t,
            Err(message) => return (Response::Error { message }, None),
        };
        let worker = self.inner.worker.borrow().clone();
        let (answer, bytes) = match worker {
            None => {
                let progress = self.inner.progress.clone();
                let (text, bytes) = serve(&self.inner.engine, &text, inputs, &*progress).await;
                (text, bytes.map(|b| Uint8Array::from(&b[..])))
            }
            Some(worker) => {
                let id = self.inner.next_id.get();
                self.inner.next_id.set(id.wrapping_add(1));
                let inner = self.inner.clone();
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
                let promise = Promise::new(&mut |resolve, _reject| {
                    inner.pending.borrow_mut().insert(
                        id,
                        Pending {
                            resolve,
                            files: files.clone(),
                            doing,
                        },
                    );
                });
                let msg = Object::new();
                let _ = Reflect::set(&msg, &"id".into(), &id.into());
                let _ = Reflect::set(&msg, &"req".into(), &text.into());
                if let Some(inputs) = &inputs {
                    let _ = Reflect::set(&msg, &"inputs".into(), inputs);
                }
                if let Err(e) = worker.post_message(&msg) {
                    self.inner.pending.borrow_mut().remove(&id);
                    let message = describe(&e);
                    return (Response::Error { message }, None);
                }
                match JsFuture::from(promise).await {
                    Ok(data) => {
                        let res = Reflect::get(&data, &"res".into())
                            .ok()
                            .and_then(|v| v.as_string())
                            .unwrap_or_default();
                        let bytes = Reflect::get(&data, &"bytes".into())
                            .ok()
                            .and_then(|v| v.dyn_into::<Uint8Array>().ok());
                        (res, bytes)
                    }
                    Err(e) => (describe(&e), None),
                }
            }
        };
        let resp = from_wire(&answer).unwrap_or_else(|e| Response::Error {
            message: format!("the engine's answer could not be read: {e}"),
        });
        (resp, bytes)
    }

    /// Stops whatever the worker is doing by terminating it, and starts a fresh one. Pending
    /// requests are answered with a `cancelled` error. Returns whether there was a worker to stop.
    pub fn cancel(&self) -> bool {
        let Stopped {
            pending,
            had_worker,
            ..
        } = self.stop_worker();
        let cancelled = Object::new();
        let _ = Reflect::set(
            &cancelled,
            &"res".into(),
            &Response::cancelled().to_wire_text().into(),
        );
        for p in pending {
            let _ = p.resolve.call1(&JsValue::NULL, &cancelled);
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

    /// Terminates the worker for good.
    pub fn close(&self) {
        if let Some(w) = self.inner.worker.borrow_mut().take() {
            w.terminate();
        }
        self.inner.generation.set(self.inner.generation.get() + 1);
        self.inner.on_message.borrow_mut().take();
        self.inner.on_error.borrow_mut().take();
    }
}

/// What a stopped worker left behind.
struct Stopped {
    pending: Vec<Pending>,
    current: Option<(String, String)>,
    panic: Option<String>,
    had_worker: bool,
}

/// The message for a request the worker died answering: which file, what happened, what to do.
fn crash_message(
    oom: bool,
    p: &Pending,
    current: Option<&(String, String)>,
    detail: &str,
) -> String {
    let file = |(name, size): &(String, f64)| format!("{name} ({})", megabytes(*size));
    let doing = if p.files.is_empty() {
        p.doing.to_owned()
    } else {
        let at = current.and_then(|(name, stage)| {
            let f = p.files.iter().find(|f| &f.0 == name)?;
            Some((f, stage.as_str()))
        });
        match at {
            Some((f, _)) => format!("reading {}", file(f)),
            None => {
                let names: Vec<String> = p.files.iter().map(file).collect();
                let verb = match current {
                    Some((_, stage)) if stage == "analysing" => "analysing",
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

//! The UI's side of the protocol: sends requests to the engine and awaits the answers.
//!
//! The engine runs in a module Web Worker when a worker URL is given and the browser can start
//! it; otherwise on this thread (component tests, or hosts that forbid workers). Both paths go
//! through the same JSON messages. Cancelling terminates the worker, starts a fresh one and
//! reopens the files that were open before, so a cancelled load leaves the earlier state.

use super::io::serve;
use crate::engine::Engine;
use crate::protocol::{Progress, Request, Response};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

type ProgressFn = Rc<dyn Fn(Progress)>;
type OnMessage = Closure<dyn FnMut(MessageEvent)>;

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
    pending: RefCell<HashMap<u32, Function>>,
    next_id: Cell<u32>,
    engine: Rc<RefCell<Engine>>,
    progress: ProgressFn,
    /// Spawn generation: answers of a terminated worker are ignored.
    generation: Cell<u32>,
}

impl Client {
    /// Starts the engine: in a worker at `worker_url` when possible, else on this thread.
    pub fn new(worker_url: Option<String>, progress: impl Fn(Progress) + 'static) -> Client {
        let client = Client {
            inner: Rc::new(Inner {
                worker_url,
                worker: RefCell::new(None),
                on_message: RefCell::new(None),
                pending: RefCell::new(HashMap::new()),
                next_id: Cell::new(1),
                engine: Rc::new(RefCell::new(Engine::new())),
                progress: Rc::new(progress),
                generation: Cell::new(0),
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
                        super::io::describe(&e)
                    )
                    .into(),
                );
                return;
            }
        };
        let weak = Rc::downgrade(&self.inner);
        let generation = self.inner.generation.get();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            if inner.generation.get() != generation {
                return;
            }
            let data = ev.data();
            if let Some(p) = Reflect::get(&data, &"progress".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                if let Ok(p) = serde_json::from_str::<Progress>(&p) {
                    (inner.progress)(p);
                }
                return;
            }
            let id = Reflect::get(&data, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as u32);
            let res = Reflect::get(&data, &"res".into()).unwrap_or(JsValue::NULL);
            let resolve = id.and_then(|id| inner.pending.borrow_mut().remove(&id));
            if let Some(resolve) = resolve {
                let _ = resolve.call1(&JsValue::NULL, &res);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        *self.inner.on_message.borrow_mut() = Some(on_message);
        *self.inner.worker.borrow_mut() = Some(worker);
    }

    /// Asks the engine one question.
    pub async fn call(&self, req: &Request) -> Response {
        self.send(req, None).await
    }

    /// Opens `File`s or `Blob`s (merged into what is open).
    pub async fn open(&self, inputs: Array) -> Response {
        self.send(&Request::Open, Some(inputs)).await
    }

    async fn send(&self, req: &Request, inputs: Option<Array>) -> Response {
        let text = match serde_json::to_string(req) {
            Ok(t) => t,
            Err(e) => {
                return Response::Error {
                    message: e.to_string(),
                };
            }
        };
        let worker = self.inner.worker.borrow().clone();
        let answer = match worker {
            None => {
                let progress = self.inner.progress.clone();
                serve(&self.inner.engine, &text, inputs, &*progress).await
            }
            Some(worker) => {
                let id = self.inner.next_id.get();
                self.inner.next_id.set(id.wrapping_add(1));
                let inner = self.inner.clone();
                let promise = Promise::new(&mut |resolve, _reject| {
                    inner.pending.borrow_mut().insert(id, resolve);
                });
                let msg = Object::new();
                let _ = Reflect::set(&msg, &"id".into(), &id.into());
                let _ = Reflect::set(&msg, &"req".into(), &text.into());
                if let Some(inputs) = &inputs {
                    let _ = Reflect::set(&msg, &"inputs".into(), inputs);
                }
                if let Err(e) = worker.post_message(&msg) {
                    self.inner.pending.borrow_mut().remove(&id);
                    return Response::Error {
                        message: super::io::describe(&e),
                    };
                }
                match JsFuture::from(promise).await {
                    Ok(v) => v.as_string().unwrap_or_default(),
                    Err(e) => super::io::describe(&e),
                }
            }
        };
        serde_json::from_str(&answer).unwrap_or_else(|e| Response::Error {
            message: format!("the engine's answer could not be read: {e}"),
        })
    }

    /// Stops whatever the worker is doing by terminating it, and starts a fresh one. Pending
    /// requests are answered with a `cancelled` error. Returns whether there was a worker to stop.
    pub fn cancel(&self) -> bool {
        let Some(worker) = self.inner.worker.borrow_mut().take() else {
            return false;
        };
        worker.terminate();
        self.inner.generation.set(self.inner.generation.get() + 1);
        let cancelled = JsValue::from(r#"{"t":"error","message":"cancelled"}"#);
        let pending: Vec<Function> = self
            .inner
            .pending
            .borrow_mut()
            .drain()
            .map(|x| x.1)
            .collect();
        for resolve in pending {
            let _ = resolve.call1(&JsValue::NULL, &cancelled);
        }
        self.spawn();
        true
    }

    /// Terminates the worker for good.
    pub fn close(&self) {
        if let Some(w) = self.inner.worker.borrow_mut().take() {
            w.terminate();
        }
        self.inner.generation.set(self.inner.generation.get() + 1);
        self.inner.on_message.borrow_mut().take();
    }
}

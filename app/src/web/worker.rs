//! The worker's message loop: requests are served one at a time, in the order they came.

use super::io::serve;
use super::post::Posted;
use crate::engine::Engine;
use crate::protocol::{FromWorker, Progress, Response, ToWorker};
use js_sys::{Array, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

struct State {
    engine: RefCell<Engine>,
    queue: RefCell<VecDeque<JsValue>>,
    busy: Cell<bool>,
    scope: DedicatedWorkerGlobalScope,
}

/// The worker's entry point (see `www/worker.js`): serves the messages queued while the module
/// loaded, then every later one.
#[wasm_bindgen]
pub fn worker_main(queued: &Array) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A panic ends the module (it traps next): tell the page why before that, so it can say so.
    let page = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.to_string();
        let (msg, _) = Posted::text(FromWorker::Panic { message }.to_wire_text()).to_js();
        let _ = page.post_message(&msg);
        console_error_panic_hook::hook(info);
    }));
    let state = Rc::new(State {
        engine: RefCell::new(Engine::new()),
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(false),
        scope: scope.clone(),
    });
    let s = state.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        enqueue(&s, ev.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    for ev in queued.iter() {
        if let Some(ev) = ev.dyn_ref::<MessageEvent>() {
            enqueue(&state, ev.data());
        }
    }
}

fn enqueue(state: &Rc<State>, data: JsValue) {
    state.queue.borrow_mut().push_back(data);
    if !state.busy.replace(true) {
        wasm_bindgen_futures::spawn_local(pump(state.clone()));
    }
}

async fn pump(state: Rc<State>) {
    loop {
        let next = state.queue.borrow_mut().pop_front();
        let Some(data) = next else { break };
        let posted = Posted::from_js(&data);
        let scope = state.scope.clone();
        let progress = move |p: Progress| {
            let (msg, _) = Posted::text(FromWorker::Progress(p).to_wire_text()).to_js();
            let _ = scope.post_message(&msg);
        };
        let (id, resp, bytes) = match ToWorker::from_wire_text(&posted.text) {
            Ok(ToWorker { id, req }) => {
                let (resp, bytes) = serve(&state.engine, req, posted.inputs, &progress).await;
                (Some(id), resp, bytes)
            }
            Err((id, e)) => {
                let message = format!("bad request: {e}");
                (id, Response::Error { message }, None)
            }
        };
        // Without an id nothing waits for the answer.
        let Some(id) = id else { continue };
        let answer = Posted {
            text: FromWorker::Answer { id, resp }.to_wire_text(),
            inputs: None,
            // The file's bytes go beside the answer, transferred rather than copied.
            bytes: bytes.map(|b| Uint8Array::from(&b[..])),
        };
        let (msg, transfer) = answer.to_js();
        let _ = if transfer.length() > 0 {
            state.scope.post_message_with_transfer(&msg, &transfer)
        } else {
            state.scope.post_message(&msg)
        };
    }
    state.busy.set(false);
}

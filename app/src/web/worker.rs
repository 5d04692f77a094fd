//! The worker's message loop: requests are served one at a time, in the order they came.

use super::io::serve;
use crate::engine::Engine;
use crate::protocol::{Progress, to_wire};
use js_sys::{Array, Object, Reflect};
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
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"panic".into(), &info.to_string().into());
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
        let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
        let req = Reflect::get(&data, &"req".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let inputs = Reflect::get(&data, &"inputs".into())
            .ok()
            .and_then(|v| v.dyn_into::<Array>().ok());
        let scope = state.scope.clone();
        let progress = move |p: Progress| {
            let msg = Object::new();
            let _ = Reflect::set(
                &msg,
                &"progress".into(),
                &to_wire(&p).unwrap_or_default().into(),
            );
            let _ = scope.post_message(&msg);
        };
        let (res, bytes) = serve(&state.engine, &req, inputs, &progress).await;
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &id);
        let _ = Reflect::set(&msg, &"res".into(), &res.into());
        match bytes {
            Some(b) => {
                // The file's bytes go beside the answer, transferred rather than copied.
                let arr = js_sys::Uint8Array::from(&b[..]);
                drop(b);
                let _ = Reflect::set(&msg, &"bytes".into(), &arr);
                let _ = state
                    .scope
                    .post_message_with_transfer(&msg, &Array::of1(&arr.buffer()));
            }
            None => {
                let _ = state.scope.post_message(&msg);
            }
        }
    }
    state.busy.set(false);
}

//! The JS glue of the worker protocol, and the only code that reads or writes the JS objects
//! messages travel in: `{ msg, inputs?, bytes? }`, where `msg` is a [`ToWorker`] or [`FromWorker`]
//! as wire text and the files travel beside it (an open's `File`s, an export's bytes,
//! transferred).
//!
//! [`ToWorker`]: crate::protocol::ToWorker
//! [`FromWorker`]: crate::protocol::FromWorker

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

const MSG: &str = "msg";
const INPUTS: &str = "inputs";
const BYTES: &str = "bytes";

/// A message as posted: the envelope's wire text and what travels beside it.
#[derive(Debug, Default)]
pub struct Posted {
    /// The envelope, encoded with [`crate::protocol::to_wire`].
    pub text: String,
    /// The `File`s or `Blob`s of an open.
    pub inputs: Option<Array>,
    /// The bytes of an exported file.
    pub bytes: Option<Uint8Array>,
}

impl Posted {
    /// A message with nothing beside it.
    pub fn text(text: String) -> Posted {
        Posted {
            text,
            ..Posted::default()
        }
    }

    /// The object to post, and the buffers to transfer with it (the bytes').
    pub fn to_js(&self) -> (JsValue, Array) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &MSG.into(), &self.text.as_str().into());
        if let Some(inputs) = &self.inputs {
            let _ = Reflect::set(&msg, &INPUTS.into(), inputs);
        }
        let transfer = Array::new();
        if let Some(bytes) = &self.bytes {
            let _ = Reflect::set(&msg, &BYTES.into(), bytes);
            transfer.push(&bytes.buffer());
        }
        (msg.into(), transfer)
    }

    /// A posted message's parts (what is missing is empty).
    pub fn from_js(data: &JsValue) -> Posted {
        let get = |k: &str| Reflect::get(data, &k.into()).ok();
        Posted {
            text: get(MSG).and_then(|v| v.as_string()).unwrap_or_default(),
            inputs: get(INPUTS).and_then(|v| v.dyn_into::<Array>().ok()),
            bytes: get(BYTES).and_then(|v| v.dyn_into::<Uint8Array>().ok()),
        }
    }
}

//! The wasm-bindgen layer: [`api`](crate::api)'s calls with JS values in and out. The package's
//! JavaScript calls these (`raw` below means this module's exports); users call the package.
//!
//! Values go out through `serde-wasm-bindgen` with 64-bit integers as `BigInt` (nanosecond times
//! are beyond `Number`'s 2^53), maps as plain objects and `None` as `null`, so a document has the
//! shape `loupe analyze --json` prints. `reportText` gives those exact bytes instead.

use crate::api::{self, LoadOptions, Loaded, LoupeError};
use js_sys::Uint8Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::new()
        .serialize_large_number_types_as_bigints(true)
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true)
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serializer())
        .map_err(|e| error(LoupeError::new("internal", e.to_string())))
}

/// A `LoupeError` as a plain object (`{code, message, file, line, column}`); the package's
/// JavaScript makes it an `Error`.
fn error(e: LoupeError) -> JsValue {
    e.serialize(&serializer())
        .unwrap_or_else(|_| JsValue::from(e.message))
}

/// A loaded set (the package wraps it as `TraceSet`).
#[wasm_bindgen]
#[derive(Debug)]
pub struct RawSet {
    inner: Loaded,
}

/// Reserves room for what reading `total` bytes of input builds, so the parse does not grow the
/// memory step by step; an error when it does not fit.
fn reserve(total: usize) -> Result<(), JsValue> {
    let mut room: Vec<u8> = Vec::new();
    room.try_reserve_exact(total.saturating_mul(2))
        .map_err(|_| {
            error(LoupeError::new(
                "memory",
                format!(
                    "{total} bytes of input do not fit in this WebAssembly memory (4 GiB at most); \
                 open fewer or smaller files"
                ),
            ))
        })
}

/// Loads and analyses inputs: `names[i]` names `data[i]`. `options` as in `LoadOptions`.
#[wasm_bindgen(js_name = loadRaw)]
pub fn load_raw(
    names: Vec<String>,
    data: Vec<Uint8Array>,
    options: JsValue,
) -> Result<RawSet, JsValue> {
    let options: LoadOptions = if options.is_undefined() || options.is_null() {
        LoadOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options)
            .map_err(|e| error(LoupeError::new("options", format!("options: {e}"))))?
    };
    let total: usize = data.iter().map(|d| d.length() as usize).sum();
    reserve(total)?;
    let inputs = names
        .into_iter()
        .zip(data.iter().map(Uint8Array::to_vec))
        .collect();
    drop(data);
    api::load(inputs, &options)
        .map(|inner| RawSet { inner })
        .map_err(error)
}

#[wasm_bindgen]
impl RawSet {
    /// The `loupe.analysis/1` document.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.report())
    }

    /// The document as `loupe analyze --json` prints it (pretty JSON and a newline).
    #[wasm_bindgen(js_name = reportText)]
    pub fn report_text(&self) -> Result<String, JsValue> {
        let mut text = serde_json::to_string_pretty(&self.inner.report())
            .map_err(|e| error(LoupeError::new("internal", e.to_string())))?;
        text.push('\n');
        Ok(text)
    }

    /// Inputs that could not be read (`LoupeError` objects).
    pub fn errors(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.errors())
    }

    /// Per input: `{name, spans, format, error}`.
    pub fn outcomes(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.outcomes())
    }

    /// Every finding with its trace id.
    pub fn findings(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.findings())
    }

    /// A page of a trace's spans.
    pub fn spans(&self, trace_id: &str, offset: u32, limit: u32) -> Result<JsValue, JsValue> {
        to_js(&self.inner.spans(trace_id, offset, limit).map_err(error)?)
    }

    /// Secrets and personal data found, masked.
    #[wasm_bindgen(js_name = scanSecrets)]
    pub fn scan_secrets(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.scan_secrets())
    }

    /// `{bytes, manifest, verification}`; `policy` is a policy file's text (empty: the default).
    pub fn redact(&self, policy: &str, format: &str, key: &[u8]) -> Result<JsValue, JsValue> {
        let out = self.inner.redact(policy, format, key).map_err(error)?;
        let result = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&result, &k.into(), v);
        set("bytes", &Uint8Array::from(out.bytes.as_slice()).into())?;
        set("manifest", &to_js(&out.manifest)?)?;
        set("verification", &out.verification.into())?;
        Ok(result.into())
    }

    /// The set written as `otlp-json` or `otlp-proto`.
    pub fn convert(&self, format: &str) -> Result<Uint8Array, JsValue> {
        let bytes = self.inner.convert(format).map_err(error)?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }
}

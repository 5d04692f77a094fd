//! Reading inputs and serving one request: shared by the worker and the same-thread fallback.

use crate::engine::Engine;
use crate::protocol::{LoadReport, Progress, Request, Response};
use js_sys::{Array, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

/// Bytes read per step, so progress moves and memory grows in a few large steps.
const CHUNK: f64 = 16.0 * 1024.0 * 1024.0;

/// An input's name: a `File`'s name, else "input N".
pub fn input_name(v: &JsValue, n: usize) -> String {
    v.dyn_ref::<File>()
        .map(File::name)
        .unwrap_or_else(|| format!("input {}", n + 1))
}

/// Reads a `Blob` into memory in large slices. The buffer is reserved at the file's size before
/// reading, so wasm memory grows once instead of doubling many times.
pub async fn read_blob(blob: &Blob, mut progress: impl FnMut(u64, u64)) -> Result<Vec<u8>, String> {
    let size = blob.size();
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(size as usize)
        .map_err(|_| format!("{size} bytes do not fit in this tab's memory"))?;
    let mut at = 0.0;
    while at < size {
        let end = (at + CHUNK).min(size);
        let part = blob
            .slice_with_f64_and_f64(at, end)
            .map_err(|e| describe(&e))?;
        let buf = JsFuture::from(part.array_buffer())
            .await
            .map_err(|e| describe(&e))?;
        let arr = Uint8Array::new(&buf);
        let len = arr.length() as usize;
        let from = out.len();
        out.resize(from + len, 0);
        arr.copy_to(&mut out[from..]);
        at = end;
        progress(at as u64, size as u64);
    }
    Ok(out)
}

/// A JS error as text.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Answers one request (JSON text) with its response (JSON text). `inputs` are the `File`s or
/// `Blob`s of an `Open`. The engine is borrowed only in synchronous stretches.
pub async fn serve(
    engine: &RefCell<Engine>,
    req: &str,
    inputs: Option<Array>,
    progress: &dyn Fn(Progress),
) -> String {
    let resp = match serde_json::from_str::<Request>(req) {
        Err(e) => Response::Error {
            message: format!("bad request: {e}"),
        },
        Ok(Request::Open) => Response::Loaded(open(engine, inputs, progress).await),
        Ok(r) => engine.borrow_mut().handle(r),
    };
    serde_json::to_string(&resp).unwrap_or_else(|e| {
        format!(r#"{{"t":"error","message":"the response could not be encoded: {e}"}}"#)
    })
}

async fn open(
    engine: &RefCell<Engine>,
    inputs: Option<Array>,
    progress: &dyn Fn(Progress),
) -> LoadReport {
    let t0 = js_sys::Date::now();
    let inputs: Vec<JsValue> = inputs.map(|a| a.iter().collect()).unwrap_or_default();
    let count = inputs.len() as u32;
    // Read everything first, then parse in one synchronous stretch: the open set stays
    // readable while files are read.
    let mut read = Vec::with_capacity(inputs.len());
    for (n, v) in inputs.iter().enumerate() {
        let name = input_name(v, n);
        let Some(blob) = v.dyn_ref::<Blob>() else {
            read.push((name, Err("not a file".to_owned())));
            continue;
        };
        let r = read_blob(blob, |done, total| {
            progress(Progress {
                file: name.clone(),
                index: n as u32,
                count,
                stage: "reading".into(),
                done,
                total,
            });
        })
        .await;
        read.push((name, r));
    }
    let mut files = Vec::with_capacity(read.len());
    let mut e = engine.borrow_mut();
    for (n, (name, r)) in read.into_iter().enumerate() {
        match r {
            Ok(bytes) => {
                progress(Progress {
                    file: name.clone(),
                    index: n as u32,
                    count,
                    stage: "parsing".into(),
                    done: bytes.len() as u64,
                    total: bytes.len() as u64,
                });
                files.push(e.add_file(&name, bytes));
            }
            Err(why) => files.push(Engine::unreadable(&name, &why)),
        }
    }
    progress(Progress {
        file: String::new(),
        index: count,
        count,
        stage: "analysing".into(),
        done: 0,
        total: 0,
    });
    let summary = e.finish();
    LoadReport {
        files,
        summary,
        millis: Some(js_sys::Date::now() - t0),
    }
}

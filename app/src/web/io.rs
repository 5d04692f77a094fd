//! Reading inputs and serving one request: shared by the worker and the same-thread fallback.

use crate::engine::Engine;
use crate::protocol::{FileOutcome, LoadReport, Progress, Request, Response, Stage};
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

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The buffer for it could not be reserved: it does not fit in the tab's memory.
    TooLarge,
    /// The browser failed to read it.
    Browser(String),
}

/// Reads a `Blob` into memory in large slices. The buffer is reserved at the file's size before
/// reading, so wasm memory grows once instead of doubling many times; when that reservation
/// fails, nothing is read.
pub async fn read_blob(
    blob: &Blob,
    mut progress: impl FnMut(u64, u64),
) -> Result<Vec<u8>, ReadError> {
    let size = blob.size();
    let mut out: Vec<u8> = Vec::new();
    let want = usize::try_from(size as u64).map_err(|_| ReadError::TooLarge)?;
    out.try_reserve_exact(want)
        .map_err(|_| ReadError::TooLarge)?;
    let failed = |e: &JsValue| ReadError::Browser(describe(e));
    let mut at = 0.0;
    while at < size {
        let end = (at + CHUNK).min(size);
        let part = blob
            .slice_with_f64_and_f64(at, end)
            .map_err(|e| failed(&e))?;
        let buf = JsFuture::from(part.array_buffer())
            .await
            .map_err(|e| failed(&e))?;
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

/// A size the browser reports (a `File`'s, the heap's) in megabytes.
pub fn megabytes(bytes: f64) -> String {
    loupe_core::units::megabytes(bytes as u64)
}

/// Bytes of WebAssembly memory this thread's module holds now.
pub fn memory_bytes() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    mem.buffer()
        .dyn_into::<js_sys::ArrayBuffer>()
        .map_or(0.0, |b| f64::from(b.byte_length()))
}

/// What to do when a file does not fit, for messages.
pub const OUT_OF_MEMORY_ADVICE: &str = "What to do: a browser tab's WebAssembly memory holds at most 4 GB (less on some devices), and a file takes about twice its (decompressed) size once read; open a smaller part of it (split the file, or one run at a time), close other files first, or use the `loupe` command (`loupe analyze FILE`), which is not bound by the tab's memory";

/// The outcome of a file whose buffer could not be reserved.
fn too_large(name: &str, size: f64) -> FileOutcome {
    FileOutcome {
        name: name.to_owned(),
        spans: None,
        format: None,
        error: Some(format!(
            "{name} ({}) does not fit in this tab's memory: a buffer for it could not be reserved (the engine already holds {}). Nothing of it was read, and the files open stay open. {OUT_OF_MEMORY_ADVICE}.",
            megabytes(size),
            megabytes(memory_bytes()),
        )),
    }
}

/// A JS error as text.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Answers one request with its response and, for an export, the file's bytes. `inputs` are
/// the `File`s or `Blob`s of an `Open`, the one request the engine cannot answer itself (it
/// reads files); every other goes to [`Engine::answer`]. The engine is borrowed only in
/// synchronous stretches.
pub async fn serve(
    engine: &RefCell<Engine>,
    req: Request,
    inputs: Option<Array>,
    progress: &dyn Fn(Progress),
) -> (Response, Option<Vec<u8>>) {
    match req {
        Request::Open => (Response::Loaded(open(engine, inputs, progress).await), None),
        req => engine.borrow_mut().answer(req),
    }
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
            read.push((name, Err(ReadError::Browser("not a file".to_owned())), 0.0));
            continue;
        };
        let r = read_blob(blob, |done, total| {
            progress(Progress {
                file: name.clone(),
                index: n as u32,
                count,
                stage: Stage::Reading,
                done,
                total,
            });
        })
        .await;
        read.push((name, r, blob.size()));
    }
    let mut files = Vec::with_capacity(read.len());
    let mut e = engine.borrow_mut();
    for (n, (name, r, size)) in read.into_iter().enumerate() {
        match r {
            Ok(bytes) => {
                progress(Progress {
                    file: name.clone(),
                    index: n as u32,
                    count,
                    stage: Stage::Parsing,
                    done: bytes.len() as u64,
                    total: bytes.len() as u64,
                });
                files.push(e.add_file(&name, bytes));
            }
            Err(ReadError::TooLarge) => files.push(too_large(&name, size)),
            Err(ReadError::Browser(why)) => files.push(Engine::unreadable(&name, &why)),
        }
    }
    progress(Progress {
        file: String::new(),
        index: count,
        count,
        stage: Stage::Analysing,
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

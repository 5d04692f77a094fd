//! Loupe's analysis library for JavaScript (the npm package `loupe-trace`, built by `make pkg`).
//!
//! - [`api`]: the calls as plain Rust over `loupe-core`: [`api::load`] and what a
//!   [`api::Loaded`] set answers (the `loupe.analysis/1` document, findings, span pages, secrets,
//!   redaction, conversion). Built and tested natively.
//! - `js` (wasm32 only): the same calls through wasm-bindgen. The package's JavaScript
//!   (`crates/loupe-wasm/js/`) wraps them: it reads `File`s and `Blob`s, turns errors into
//!   `LoupeError`s and finds the module in browsers and in Node.

pub mod api;

#[cfg(target_arch = "wasm32")]
mod js;

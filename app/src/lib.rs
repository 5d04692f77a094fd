//! Loupe's browser viewer.
//!
//! - [`protocol`]: the messages between the UI and the engine.
//! - [`engine`]: the worker's side: it owns the `TraceSet` and its `Analysis` and answers requests.
//! - [`link`]: deep links, what the URL fragment names.
//! - [`query`]: the filter language of the span tree.
//! - [`redaction`]: the redaction preview and export of "Redact & export".
//!
//! On wasm32 only: the Leptos UI, the worker entry point and the JS API (`mount`, `open_files`,
//! `open_bytes`). Natively the crate is just the engine, so the workspace's native builds and
//! tests stay fast and need no browser crates.

pub mod engine;
pub mod link;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub use web::api::{LoupeApp, mount};
#[cfg(target_arch = "wasm32")]
pub use web::worker::worker_main;

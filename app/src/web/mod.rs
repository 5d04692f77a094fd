//! Everything that needs a browser: the worker's message loop, the UI's client for it, the Leptos
//! views and the JS API. Compiled for wasm32 only.

pub mod api;
pub mod client;
pub mod io;
pub mod post;
pub mod ui;
pub mod worker;

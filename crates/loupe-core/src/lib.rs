//! Loupe's core: trace importers, the span model and its analyses.
//!
//! Pure Rust with no I/O, threads or clocks, so the same code runs natively (the CLI) and in
//! wasm32 (the viewer). Bytes go in through [`Loader::add_file`]; a [`TraceSet`] comes out.

pub mod analysis;
mod builder;
mod error;
pub mod export;
pub mod id;
pub mod import;
mod intern;
pub mod model;
pub mod redact;
pub mod report;
pub mod secrets;
mod tree;
mod warning;

pub use builder::{Builder, INLINE_STRING_MAX, NewSpan};
pub use error::ImportError;
pub use id::{SpanId, TraceId};
pub use import::{FileSummary, Importer, Limits, Loader, load};
pub use intern::{Interner, Sym};
pub use model::{
    Attr, Event, Link, Range32, Resource, Scope, Source, SourceId, Span, SpanIx, SpanKind, SpanRef,
    StatusCode, Trace, TraceIx, TraceSet, Value, ValueRef,
};
pub use warning::{Warning, WarningCode};

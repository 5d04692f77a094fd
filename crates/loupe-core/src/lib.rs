//! Loupe's core: trace importers, the span model and its analyses.
//!
//! Pure Rust with no I/O, threads or clocks, so the same code runs natively (the CLI) and in
//! wasm32 (the viewer). Bytes go in through [`Loader::add_file`]; a [`TraceSet`] comes out.
//!
//! ```
//! use loupe_core::analysis::{Analysis, Options};
//! use loupe_core::report::AnalysisReport;
//!
//! // One OTLP JSON trace: an agent run whose only tool call failed.
//! let file = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[
//!   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000001",
//!    "name":"invoke_agent support","startTimeUnixNano":"1000000000","endTimeUnixNano":"3000000000",
//!    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}}]},
//!   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"e000000000000001",
//!    "parentSpanId":"a000000000000001","name":"execute_tool lookup_order",
//!    "startTimeUnixNano":"1500000000","endTimeUnixNano":"2500000000","status":{"code":2},
//!    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},
//!                  {"key":"gen_ai.tool.name","value":{"stringValue":"lookup_order"}}]}
//! ]}]}]}"#;
//! let set = loupe_core::load("run.json", file.to_vec())?;
//! assert_eq!(set.span_count(), 2);
//!
//! let analysis = Analysis::run(&set, &Options::default());
//! let report = AnalysisReport::build(&set, &analysis);
//! let trace = &report.traces[0];
//! // The tool ran for the middle second; the agent itself for the other two.
//! let path: Vec<(&str, u64)> =
//!     trace.critical_path.iter().map(|p| (p.name.as_str(), p.on_path_ns)).collect();
//! assert_eq!(path, [("invoke_agent support", 1_000_000_000), ("execute_tool lookup_order", 1_000_000_000)]);
//! assert!(trace.anomalies.iter().any(|a| a.kind == "tool_error"));
//! # Ok::<(), loupe_core::ImportError>(())
//! ```

pub mod analysis;
mod builder;
pub mod bundle;
mod error;
pub mod export;
pub mod id;
pub mod import;
mod intern;
mod limits;
pub mod model;
pub mod notes;
pub mod query;
pub mod redact;
pub mod report;
pub mod secrets;
mod tree;
pub mod units;
pub mod view;
mod warning;

pub use builder::{Builder, INLINE_STRING_MAX, NewSpan};
pub use error::ImportError;
pub use id::{SpanId, TraceId};
pub use import::{FileRead, Importer, Limits, Loader, load};
pub use intern::{Interner, Sym};
pub use limits::LimitOverrides;
pub use model::{
    Attr, Event, Link, Range32, Resource, Scope, Source, SourceId, Span, SpanIx, SpanKind, SpanRef,
    StatusCode, Trace, TraceIx, TraceSet, Value, ValueRef,
};
pub use warning::{Warning, WarningCode};

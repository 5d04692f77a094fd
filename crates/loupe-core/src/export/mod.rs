//! Writers: a loaded [`crate::TraceSet`] out again in a standard format.
//!
//! Writers stream to any [`std::io::Write`]; they open no files themselves (the core does no I/O).

pub mod otlp_json;
pub mod otlp_proto;

//! Writers: a loaded [`crate::TraceSet`] out again in a standard format.
//!
//! Writers stream to any [`std::io::Write`]; they open no files themselves (the core does no I/O).

pub mod otlp_json;
pub mod otlp_proto;

use crate::model::TraceSet;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// A format Loupe writes (on the wire: `"otlp-json"`, `"otlp-proto"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// One OTLP JSON `TracesData` document.
    #[default]
    OtlpJson,
    /// One binary OTLP protobuf `TracesData` message (as `ExportTraceServiceRequest`).
    OtlpProto,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 2] = [Format::OtlpJson, Format::OtlpProto];

    /// Its name (`otlp-json`, `otlp-proto`).
    pub fn name(self) -> &'static str {
        match self {
            Format::OtlpJson => "otlp-json",
            Format::OtlpProto => "otlp-proto",
        }
    }

    /// The format named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The file extension for it, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::OtlpJson => "json",
            Format::OtlpProto => "pb",
        }
    }

    /// Whether it is binary (a terminal would show it as garbage).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::OtlpProto)
    }

    /// Writes `set` in this format.
    pub fn write(self, set: &TraceSet, mut out: impl Write) -> std::io::Result<()> {
        match self {
            Format::OtlpJson => otlp_json::write(set, out),
            Format::OtlpProto => {
                out.write_all(&otlp_proto::encode(set))?;
                out.flush()
            }
        }
    }
}

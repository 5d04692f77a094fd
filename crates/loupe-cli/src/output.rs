//! The formats Loupe writes (`convert --to`, `redact --to`).

use loupe_core::TraceSet;
use std::io::Write;

/// Formats Loupe writes (`convert --to`, `redact --to`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// One OTLP JSON `TracesData` document.
    OtlpJson,
    /// One binary OTLP protobuf `TracesData` message (as `ExportTraceServiceRequest`).
    OtlpProto,
}

impl Target {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Target::OtlpJson => "otlp-json",
            Target::OtlpProto => "otlp-proto",
        }
    }

    /// Whether the output is binary, which a terminal would show as garbage.
    pub(crate) fn is_binary(self) -> bool {
        match self {
            Target::OtlpJson => false,
            Target::OtlpProto => true,
        }
    }

    pub(crate) fn write(self, set: &TraceSet, mut out: impl Write) -> std::io::Result<()> {
        match self {
            Target::OtlpJson => loupe_core::export::otlp_json::write(set, out),
            Target::OtlpProto => {
                out.write_all(&loupe_core::export::otlp_proto::encode(set))?;
                out.flush()
            }
        }
    }
}

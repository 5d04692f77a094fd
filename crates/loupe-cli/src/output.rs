//! The formats Loupe writes (`convert --to`, `redact --to`): the core's [`Format`], as a
//! command-line choice.

use loupe_core::TraceSet;
use loupe_core::export::Format;
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
    /// The core's format.
    pub(crate) fn format(self) -> Format {
        match self {
            Target::OtlpJson => Format::OtlpJson,
            Target::OtlpProto => Format::OtlpProto,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        self.format().name()
    }

    /// Whether the output is binary, which a terminal would show as garbage.
    pub(crate) fn is_binary(self) -> bool {
        self.format().is_binary()
    }

    pub(crate) fn write(self, set: &TraceSet, out: impl Write) -> std::io::Result<()> {
        self.format().write(set, out)
    }
}

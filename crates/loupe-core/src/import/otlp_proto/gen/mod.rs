//! The OTLP protobuf message types, as prost-build generated them for the `opentelemetry-proto`
//! crate (0.33.1), vendored because that crate cannot be a dependency: every version of it requires
//! `opentelemetry_sdk`, which does not build for wasm32-unknown-unknown. See `NOTICE` beside this
//! file for the source and the Apache-2.0 license.
//!
//! The modules are laid out as the protobuf packages are (`opentelemetry.proto.trace.v1` is
//! `opentelemetry::proto::trace::v1`), so the generated `super::` paths resolve. The generated files
//! are included verbatim, so rustfmt leaves them alone and their lints are allowed here.

/// `opentelemetry.proto.*` packages.
#[allow(
    missing_docs,
    missing_debug_implementations,
    unused_qualifications,
    clippy::all
)]
pub mod opentelemetry {
    /// `opentelemetry.proto.*` packages.
    pub mod proto {
        /// `opentelemetry.proto.common`.
        pub mod common {
            /// `opentelemetry.proto.common.v1`: AnyValue, KeyValue, InstrumentationScope.
            pub mod v1 {
                include!("opentelemetry.proto.common.v1.rs");
            }
        }
        /// `opentelemetry.proto.resource`.
        pub mod resource {
            /// `opentelemetry.proto.resource.v1`: Resource.
            pub mod v1 {
                include!("opentelemetry.proto.resource.v1.rs");
            }
        }
        /// `opentelemetry.proto.trace`.
        pub mod trace {
            /// `opentelemetry.proto.trace.v1`: TracesData, ResourceSpans, ScopeSpans, Span.
            pub mod v1 {
                include!("opentelemetry.proto.trace.v1.rs");
            }
        }
        /// `opentelemetry.proto.collector`.
        pub mod collector {
            /// `opentelemetry.proto.collector.trace`.
            pub mod trace {
                /// `opentelemetry.proto.collector.trace.v1`: ExportTraceServiceRequest.
                pub mod v1 {
                    include!("opentelemetry.proto.collector.trace.v1.rs");
                }
            }
        }
    }
}

//! `disconnected`: a separate trace that looks like the server side of a tool call in another trace.
//!
//! A separate trace looks like the server side of a tool call in another trace (same tool name,
//! inside the call's time window), but no trace context connects them. Loupe links them as an
//! inferred edge; propagate trace context (e.g. W3C traceparent in MCP requests) to make the link
//! real.
//!
//! # What it checks
//!
//! A top-level span of one trace is a server span, an MCP span or a tool span. It names the same
//! tool as an `execute_tool` span in another trace, and lies inside that call's window ±50 ms. When
//! several calls qualify, the closest start wins. The pair is reported as an inferred link
//! (`inferred_links`, `"inferred": true`).
//!
//! # Why it matters
//!
//! No trace context connects the two, so the client's call and the server's work read as two
//! unrelated runs. Loupe links them as an inferred edge.
//!
//! # What to do
//!
//! Propagate trace context (e.g. W3C traceparent in MCP requests) to make the link real.

use super::rule::{Context, Finding, Rule, Severity};
use crate::analysis::genai::Operation;
use crate::model::{SpanIx, SpanKind, TraceIx, TreeFlags};

/// A link Loupe inferred between traces (no trace context connects them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InferredLink {
    /// The client span (e.g. `execute_tool lookup_order`).
    pub client: SpanIx,
    /// The top span of the trace that looks like its server side.
    pub server: SpanIx,
}

/// `disconnected`: a separate trace that looks like the server side of a tool call in another trace.
#[derive(Debug)]
pub struct DisconnectedRule;

/// Slack around the client's window when matching a server-side trace, in ns.
pub const DISCONNECTED_SLACK_NS: u64 = 50_000_000;

impl DisconnectedRule {
    /// The client tool call a trace's top-level span most likely served, if any.
    pub fn match_client(cx: &Context<'_>, server: SpanIx) -> Option<SpanIx> {
        let step = cx.step(server);
        let s = cx.set.span_record(server);
        if s.parent_id.is_some() && !s.tree_flags.has(TreeFlags::ORPHAN) {
            return None;
        }
        let serverish = s.kind == SpanKind::Server
            || matches!(step.op, Operation::ExecuteTool | Operation::Mcp);
        if !serverish || step.tool_name.is_empty() {
            return None;
        }
        cx.tool_calls
            .get(step.tool_name.get(cx.set).as_ref())?
            .iter()
            .copied()
            .filter(|&c| c != server && cx.set.span_record(c).trace != s.trace)
            .filter(|&c| {
                let c = cx.set.span_record(c);
                s.start_unix_ns + DISCONNECTED_SLACK_NS >= c.start_unix_ns
                    && s.end_unix_ns <= c.end_unix_ns + DISCONNECTED_SLACK_NS
            })
            .min_by_key(|&c| {
                s.start_unix_ns
                    .abs_diff(cx.set.span_record(c).start_unix_ns)
            })
    }

    /// Every link this rule infers from a trace's top-level spans, in top-level order: what its
    /// findings report and what the analysis lists as `inferred_links`.
    pub fn links(cx: &Context<'_>, trace: TraceIx) -> Vec<InferredLink> {
        cx.set
            .top_level(trace)
            .filter_map(|server| {
                Self::match_client(cx, server).map(|client| InferredLink { client, server })
            })
            .collect()
    }
}

impl Rule for DisconnectedRule {
    fn id(&self) -> &'static str {
        "disconnected"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn explanation(&self) -> &'static str {
        "A separate trace looks like the server side of a tool call in another trace (same tool name, inside the call's time window), but no trace context connects them. Loupe links them as an inferred edge; propagate trace context (e.g. W3C traceparent in MCP requests) to make the link real."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for InferredLink { client, server } in Self::links(cx, trace) {
            let c = cx.set.span(client);
            out.push(Finding {
                kind: self.id(),
                severity: self.severity(),
                spans: vec![server, client],
                message: format!(
                    "trace {} (`{}`{}) looks like the server side of `{}` in trace {}: same tool `{}`, inside its time window; linked as an inferred edge",
                    cx.set.span(server).trace_id(),
                    cx.name(server),
                    match cx.set.str(cx.service(server)) {
                        "" => String::new(),
                        svc => format!(", service {svc}"),
                    },
                    c.name(),
                    c.trace_id(),
                    cx.tool(server)
                ),
            });
        }
    }
}

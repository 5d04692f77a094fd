//! `tool_error`: a tool call that failed.
//!
//! A tool call failed (error status or an error type). Check the tool's error message and whether
//! the agent noticed the failure.
//!
//! # What it checks
//!
//! A span whose operation is `execute_tool` and that failed: its status is error, or it records an
//! error type (`error.type`). The finding quotes the error type and the start of the status
//! message.
//!
//! # Why it matters
//!
//! A failed tool call leaves the agent without the data or the effect it asked for. If the agent
//! carries on as if the call had succeeded, what it does next rests on nothing.
//!
//! # What to do
//!
//! Check the tool's error message and whether the agent noticed the failure.

use super::rule::{Context, Finding, Rule, Severity, preview, trace_spans};
use crate::analysis::genai::Operation;
use crate::model::TraceIx;

/// `tool_error`: a tool span that failed.
#[derive(Debug)]
pub struct ToolErrorRule;

impl Rule for ToolErrorRule {
    fn id(&self) -> &'static str {
        "tool_error"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn explanation(&self) -> &'static str {
        "A tool call failed (error status or an error type). Check the tool's error message and whether the agent noticed the failure."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let step = cx.step(ix);
            if step.op != Operation::ExecuteTool || !step.failed {
                continue;
            }
            let s = cx.set.span_record(ix);
            let mut why = Vec::new();
            if !step.error_type.is_empty() {
                why.push(format!("error type `{}`", step.error_type.get(cx.set)));
            }
            let msg = cx.set.str(s.status_message);
            if !msg.is_empty() {
                why.push(format!("\"{}\"", preview(msg, 120)));
            }
            out.push(Finding {
                kind: self.id(),
                severity: self.severity(),
                spans: vec![ix],
                message: format!(
                    "`{}` failed {}{}",
                    cx.tool(ix),
                    cx.under(ix),
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", why.join(", "))
                    }
                ),
            });
        }
    }
}

//! `retry`: a failed tool call followed by another call of the same tool under the same parent.
//!
//! A tool call failed and the same tool was called again under the same parent. Retries cost time
//! and tokens; check whether the failure was transient or the agent repeated a bad call.
//!
//! # What it checks
//!
//! A failed tool call, then a later call of the same tool under the same parent. The finding gives
//! the time between the two and says whether the retry failed too.
//!
//! # Why it matters
//!
//! Retries cost time and tokens, and a retry that repeats a bad call fails again.
//!
//! # What to do
//!
//! Check whether the failure was transient or the agent repeated a bad call.

use super::rule::{Context, Finding, Rule, Severity, sibling_groups};
use crate::analysis::genai::Operation;
use crate::model::{SpanIx, TraceIx};
use crate::units::duration;

/// `retry`: a failed tool call followed by another call of the same tool under the same parent.
#[derive(Debug)]
pub struct RetryRule;

impl Rule for RetryRule {
    fn id(&self) -> &'static str {
        "retry"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A tool call failed and the same tool was called again under the same parent. Retries cost time and tokens; check whether the failure was transient or the agent repeated a bad call."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            let tools: Vec<SpanIx> = group
                .into_iter()
                .filter(|&ix| cx.step(ix).op == Operation::ExecuteTool)
                .collect();
            for (i, &failed) in tools.iter().enumerate() {
                let step = cx.step(failed);
                if !step.failed || step.tool_name.is_empty() {
                    continue;
                }
                if let Some(&again) = tools[i + 1..]
                    .iter()
                    .find(|&&x| cx.step(x).tool_name.get(cx.set) == step.tool_name.get(cx.set))
                {
                    let (f, a) = (cx.set.span_record(failed), cx.set.span_record(again));
                    out.push(Finding {
                        kind: self.id(),
                        severity: self.severity(),
                        spans: vec![failed, again],
                        message: format!(
                            "`{}` failed and was called again {} later {}{}",
                            cx.tool(failed),
                            duration(a.start_unix_ns.saturating_sub(f.end_unix_ns)),
                            cx.under(failed),
                            if cx.step(again).failed {
                                "; the retry failed too"
                            } else {
                                "; the retry succeeded"
                            }
                        ),
                    });
                }
            }
        }
    }
}

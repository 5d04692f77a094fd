//! `loop`: three or more consecutive calls of one tool with the same arguments under one parent.
//!
//! The agent called the same tool with the same arguments three or more times in a row (model calls
//! in between are allowed). It is probably stuck: the result did not change what it did next.
//!
//! # What it checks
//!
//! 3 or more tool calls in a row, under one parent, with the same tool and the same arguments.
//! Arguments are compared as canonical JSON: JSON inside strings is parsed, keys are sorted and
//! whitespace is dropped. Model calls between the tool calls do not break the run. Calls whose
//! arguments were not recorded are never called equal.
//!
//! # Why it matters
//!
//! The agent is probably stuck: the result did not change what it did next. Every further call
//! costs time and tokens and brings nothing new.
//!
//! # What to do
//!
//! Read what the repeated call returned and the model call that followed it, to see why the model
//! did not act on the result; make the tool's answer say clearly what went wrong, or stop the agent
//! after repeated identical calls.

use super::rule::{Context, Finding, Rule, Severity, canonical_json, preview, sibling_groups};
use crate::analysis::genai::Operation;
use crate::model::{SpanIx, TraceIx};

/// `loop`: three or more consecutive calls of one tool with the same arguments under one parent.
#[derive(Debug)]
pub struct LoopRule;

/// Calls in a row that make a loop.
pub const LOOP_MIN_CALLS: usize = 3;

impl Rule for LoopRule {
    fn id(&self) -> &'static str {
        "loop"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "The agent called the same tool with the same arguments three or more times in a row (model calls in between are allowed). It is probably stuck: the result did not change what it did next."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            // The sequence of tool calls under this parent, with their tool names.
            let calls: Vec<(SpanIx, String)> = group
                .into_iter()
                .filter(|&ix| cx.step(ix).op == Operation::ExecuteTool)
                .map(|ix| (ix, cx.step(ix).tool_name.get(cx.set).into_owned()))
                .collect();
            let mut i = 0;
            while i < calls.len() {
                // A run of calls of one tool; arguments are canonicalised only inside such runs.
                let mut end = i + 1;
                while end < calls.len() && calls[end].1 == calls[i].1 {
                    end += 1;
                }
                if end - i < LOOP_MIN_CALLS || calls[i].1.is_empty() {
                    i = end;
                    continue;
                }
                let args: Vec<Option<String>> = calls[i..end]
                    .iter()
                    .map(|(ix, _)| {
                        cx.step(*ix)
                            .tool_arguments
                            .map(|v| canonical_json(cx.set, v))
                    })
                    .collect();
                let mut k = 0;
                while k < args.len() {
                    let mut j = k + 1;
                    while j < args.len() && args[j] == args[k] {
                        j += 1;
                    }
                    // Arguments must be known to call two calls the same.
                    if j - k >= LOOP_MIN_CALLS && args[k].is_some() {
                        let spans: Vec<SpanIx> = calls[i + k..i + j].iter().map(|c| c.0).collect();
                        out.push(Finding {
                            kind: self.id(),
                            severity: self.severity(),
                            message: format!(
                                "`{}` was called {} times in a row with the same arguments {} {}",
                                calls[i].1,
                                j - k,
                                preview(args[k].as_deref().unwrap_or(""), 120),
                                cx.under(spans[0])
                            ),
                            spans,
                        });
                    }
                    k = j;
                }
                i = end;
            }
        }
    }
}

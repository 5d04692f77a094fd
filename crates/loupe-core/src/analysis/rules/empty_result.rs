//! `empty_result`: a successful tool call returned nothing and the run carried on.
//!
//! A tool call succeeded but returned nothing ("", [], {} or null), and the run went on. Check
//! whether the model noticed, or answered as if it had data.
//!
//! # What it checks
//!
//! The result is `""`, `[]`, `{}` or `null` after canonicalisation, the call did not fail, and a
//! later sibling starts after it ends. Tools called for their effect are skipped: for a tool whose
//! name starts with a verb such as `write`, `save`, `send`, `delete`, `update`, `create`, `log` or
//! `publish` (`write_file`, `sendEmail`), `null` means "done", not "nothing found".
//!
//! # Why it matters
//!
//! A model that gets nothing back may not notice, and answer as if it had data: the answer then
//! rests on nothing.
//!
//! # What to do
//!
//! Check whether the model noticed, or answered as if it had data.

use super::rule::{
    Context, Finding, Rule, Severity, canonical_json, is_empty_result, sibling_groups,
};
use crate::analysis::genai::Operation;
use crate::model::TraceIx;

/// `empty_result`: a successful tool call returned nothing and the run carried on.
#[derive(Debug)]
pub struct EmptyResultRule;

impl Rule for EmptyResultRule {
    fn id(&self) -> &'static str {
        "empty_result"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A tool call succeeded but returned nothing (\"\", [], {} or null), and the run went on. Check whether the model noticed, or answered as if it had data."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            for (i, &ix) in group.iter().enumerate() {
                let step = cx.step(ix);
                if step.op != Operation::ExecuteTool || step.failed {
                    continue;
                }
                let Some(result) = step.tool_result else {
                    continue;
                };
                if !is_empty_result(cx.set, result) || has_side_effect_name(&cx.tool(ix)) {
                    continue;
                }
                let end = cx.set.span_record(ix).end_unix_ns;
                let Some(&next) = group[i + 1..]
                    .iter()
                    .find(|&&n| cx.set.span_record(n).start_unix_ns >= end)
                else {
                    continue;
                };
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix, next],
                    message: format!(
                        "`{}` returned an empty result ({}) {} and the run carried on with `{}`",
                        cx.tool(ix),
                        canonical_json(cx.set, result),
                        cx.under(ix),
                        cx.name(next)
                    ),
                });
            }
        }
    }
}

/// Verbs that start the names of tools called for their effect, whose empty result (`null`) means
/// "done", not "nothing found".
pub const SIDE_EFFECT_VERBS: &[&str] = &[
    "write", "save", "store", "send", "post", "put", "delete", "remove", "update", "set", "create",
    "insert", "upload", "notify", "log", "emit", "publish", "append", "move", "rename", "close",
];

/// Whether a tool's name says it is called for its effect (`write_file`, `sendEmail`, `delete-row`).
fn has_side_effect_name(tool: &str) -> bool {
    let lower = tool.to_ascii_lowercase();
    SIDE_EFFECT_VERBS.iter().any(|v| {
        lower.strip_prefix(v).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with(['_', '-', '.', ' '])
                || tool[v.len()..].starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

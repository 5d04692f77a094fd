//! `truncated`: a model call that stopped at its token limit.
//!
//! A model call stopped because it hit its output token limit (finish reason `length` /
//! `max_tokens`). Its answer is cut off; what came after may rest on half an answer. Raise the
//! limit or shorten the task.
//!
//! # What it checks
//!
//! A model call whose finish reason is `length`, `max_tokens`, `max_output_tokens`,
//! `max_completion_tokens` or `token_limit` (any case), read from `gen_ai.response.finish_reasons`,
//! `llm.finish_reason` or `gen_ai.completion.N.finish_reason`.
//!
//! # Why it matters
//!
//! Its answer is cut off; what came after may rest on half an answer.
//!
//! # What to do
//!
//! Raise the limit or shorten the task.

use super::rule::{Context, Finding, Rule, Severity, trace_spans};
use crate::analysis::genai::{Tokens, finish_reasons, is_truncation};
use crate::model::TraceIx;

/// `truncated`: a model call that stopped at its token limit.
#[derive(Debug)]
pub struct TruncatedRule;

impl Rule for TruncatedRule {
    fn id(&self) -> &'static str {
        "truncated"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A model call stopped because it hit its output token limit (finish reason `length` / `max_tokens`). Its answer is cut off; what came after may rest on half an answer. Raise the limit or shorten the task."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let step = cx.step(ix);
            if !step.op.is_model_call() {
                continue;
            }
            let reasons = finish_reasons(cx.set, step);
            if let Some(r) = reasons.iter().find(|r| is_truncation(r)) {
                let model = step.model().get(cx.set);
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix],
                    message: format!(
                        "`{}`{} stopped at its token limit (finish reason `{r}`{}) {}",
                        cx.name(ix),
                        if model.is_empty() || cx.name(ix).contains(model.as_ref()) {
                            String::new()
                        } else {
                            format!(" ({model})")
                        },
                        if step.tokens.present & Tokens::OUTPUT != 0 {
                            format!(", {} output tokens", step.tokens.output)
                        } else {
                            String::new()
                        },
                        cx.under(ix)
                    ),
                });
            }
        }
    }
}

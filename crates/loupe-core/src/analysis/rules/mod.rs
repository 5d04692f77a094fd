//! Anomaly rules. Each is a plug-in: an id (part of the public JSON), a default severity, an
//! explanation a person can act on, and a check that emits findings naming the spans they concern.
//! Precision matters as much as recall: every rule is written so that a clean run comes out clean.
//!
//! This module holds the [`Rule`] trait, what rules see ([`Context`]), what they emit
//! ([`Finding`], [`Severity`]), the registry ([`rules`]) and the helpers rules share. Each rule
//! lives in its own file named after its id, which opens with a doc block of a fixed shape: a
//! first line, the rule's explanation (word for word what [`Rule::explanation`] returns), then
//! the sections "What it checks", "Why it matters" and "What to do". `docs/rules.md` is generated
//! from those blocks, and a test in `tests/tests/analysis.rs` fails when it is out of date.

use crate::model::TraceIx;

mod clock_skew;
mod disconnected;
mod empty_result;
mod r#loop;
mod orphan;
mod outlives_parent;
mod retry;
mod secret;
mod slow_outlier;
mod tool_error;
mod truncated;

pub use clock_skew::ClockSkewRule;
pub use disconnected::{DISCONNECTED_SLACK_NS, DisconnectedRule, InferredLink};
pub use empty_result::{EmptyResultRule, SIDE_EFFECT_VERBS};
pub use r#loop::{LOOP_MIN_CALLS, LoopRule};
pub use orphan::OrphanRule;
pub use outlives_parent::OutlivesParentRule;
pub use retry::RetryRule;
pub use secret::SecretRule;
pub use slow_outlier::{SLOW_FACTOR, SLOW_MIN_EXCESS_NS, SLOW_MIN_SIBLINGS, SlowOutlierRule};
pub use tool_error::ToolErrorRule;
pub use truncated::TruncatedRule;

mod rule;
pub use rule::{Context, Finding, Rule, Severity, canonical_json, is_empty_result};

/// What rule `id` means and what to do about its findings (empty for an unknown id).
pub fn explanation(id: &str) -> &'static str {
    rules()
        .iter()
        .find(|r| r.id() == id)
        .map_or("", |r| r.explanation())
}

/// Every rule, in the order findings are reported.
pub fn rules() -> &'static [&'static dyn Rule] {
    &[
        &ToolErrorRule,
        &RetryRule,
        &LoopRule,
        &TruncatedRule,
        &EmptyResultRule,
        &SlowOutlierRule,
        &OrphanRule,
        &DisconnectedRule,
        &OutlivesParentRule,
        &ClockSkewRule,
        &SecretRule,
    ]
}

/// Runs every rule over a trace.
pub fn check_trace(cx: &Context<'_>, trace: TraceIx) -> Vec<Finding> {
    let mut out = Vec::new();
    // Messages quote span names, tool names and status messages: a secret in one of those is
    // masked here, so no finding repeats it (the `secret` rule masks its own).
    let masker = crate::secrets::engine::Scanner::default();
    for r in rules() {
        let first = out.len();
        r.check(cx, trace, &mut out);
        if r.masks_its_messages() {
            continue;
        }
        for f in &mut out[first..] {
            if let std::borrow::Cow::Owned(m) = masker.masked(&f.message) {
                f.message = m;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_explained() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id()).collect();
        assert!(rules().iter().all(|r| r.explanation().len() > 40));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules().len());
    }
}

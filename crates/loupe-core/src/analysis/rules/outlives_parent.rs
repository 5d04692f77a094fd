//! `outlives_parent`: a child that ends after its parent ends, in the same service.
//!
//! A span ends after its parent ended, in the same service: work left running in the background
//! (fire-and-forget), or a span ended in the wrong place. Only its part inside its parent's time
//! counts toward the critical path.
//!
//! # What it checks
//!
//! The child ends after its parent ends, and both are in the same service.
//!
//! # Why it matters
//!
//! It is work left running in the background (fire-and-forget), or a span ended in the wrong place.
//! Only its part inside its parent's time counts toward the critical path.
//!
//! # What to do
//!
//! Check whether the work was meant to outlive its parent; if not, end the span where its work
//! ends.

use super::rule::{Context, Finding, Rule, Severity, trace_spans};
use crate::model::TraceIx;
use crate::units::duration;

/// `outlives_parent`: a child that ends after its parent ends, in the same service.
#[derive(Debug)]
pub struct OutlivesParentRule;

impl Rule for OutlivesParentRule {
    fn id(&self) -> &'static str {
        "outlives_parent"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span ends after its parent ended, in the same service: work left running in the background (fire-and-forget), or a span ended in the wrong place. Only its part inside its parent's time counts toward the critical path."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let s = cx.set.span_record(ix);
            let Some(p) = s.parent else { continue };
            let ps = cx.set.span_record(p);
            if s.end_unix_ns > ps.end_unix_ns && cx.service(ix) == cx.service(p) {
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix, p],
                    message: format!(
                        "`{}` ends {} after its parent `{}` ended",
                        cx.name(ix),
                        duration(s.end_unix_ns - ps.end_unix_ns),
                        cx.name(p)
                    ),
                });
            }
        }
    }
}

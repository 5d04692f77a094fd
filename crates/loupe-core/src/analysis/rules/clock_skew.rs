//! `clock_skew`: a child in another service that starts before its parent or ends after it.
//!
//! A span in another service starts before its parent starts or ends after it ends, which a
//! synchronous call cannot do: the two hosts' clocks disagree. The estimate centres the child
//! inside its parent (as Zipkin does). Read cross-service ordering with care, or sync the clocks.
//!
//! # What it checks
//!
//! The child is in another service and starts before its parent starts or ends after it ends.
//! Producer and consumer spans are skipped, since asynchronous work may legitimately do this. The
//! skew estimate centres the child in its parent, as Zipkin does.
//!
//! # Why it matters
//!
//! A synchronous call cannot do this: the two hosts' clocks disagree, so the order and the gaps
//! between the two services' spans are off by the skew.
//!
//! # What to do
//!
//! Read cross-service ordering with care, or sync the clocks.

use super::rule::{Context, Finding, Rule, Severity, trace_spans};
use crate::model::{SpanKind, TraceIx};
use crate::units::duration;

/// `clock_skew`: a child in another service that starts before its parent or ends after it.
#[derive(Debug)]
pub struct ClockSkewRule;

impl Rule for ClockSkewRule {
    fn id(&self) -> &'static str {
        "clock_skew"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span in another service starts before its parent starts or ends after it ends, which a synchronous call cannot do: the two hosts' clocks disagree. The estimate centres the child inside its parent (as Zipkin does). Read cross-service ordering with care, or sync the clocks."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in trace_spans(cx.set, trace) {
            let s = cx.set.span_record(ix);
            let Some(p) = s.parent else { continue };
            let ps = cx.set.span_record(p);
            if cx.service(ix) == cx.service(p)
                || matches!(s.kind, SpanKind::Consumer | SpanKind::Producer)
                || matches!(ps.kind, SpanKind::Producer | SpanKind::Consumer)
            {
                continue;
            }
            if s.start_unix_ns >= ps.start_unix_ns && s.end_unix_ns <= ps.end_unix_ns {
                continue;
            }
            // Centre the child in the parent: half the spare time on each side.
            let skew = if s.duration_ns() <= ps.duration_ns() {
                let latency = (ps.duration_ns() - s.duration_ns()) / 2;
                s.start_unix_ns as i128 - (ps.start_unix_ns + latency) as i128
            } else {
                s.start_unix_ns as i128 - ps.start_unix_ns as i128
            };
            let (svc, psvc) = (cx.set.str(cx.service(ix)), cx.set.str(cx.service(p)));
            out.push(Finding {
                kind: self.id(),
                severity: self.severity(),
                spans: vec![ix, p],
                message: format!(
                    "`{}` ({svc}) {} its parent `{}` ({psvc}); the clock of {svc} looks about {} {} that of {psvc}",
                    cx.name(ix),
                    if s.start_unix_ns < ps.start_unix_ns {
                        format!("starts {} before", duration(ps.start_unix_ns - s.start_unix_ns))
                    } else {
                        format!("ends {} after", duration(s.end_unix_ns - ps.end_unix_ns))
                    },
                    cx.name(p),
                    duration(skew.unsigned_abs() as u64),
                    if skew < 0 { "behind" } else { "ahead of" }
                ),
            });
        }
    }
}

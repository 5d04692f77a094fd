//! `slow_outlier`: a span far slower than its same-name siblings.
//!
//! A span took at least 10 times the median of its same-name siblings (at least 3 of them) and at
//! least 100 ms more. The median of the others is used, so one outlier cannot hide itself. Look at
//! what was different about this call.
//!
//! # What it checks
//!
//! A span at least 10× the median of its same-name siblings, with at least 3 siblings, and at least
//! 100 ms slower. The median is taken over the *other* siblings, so the outlier cannot pull it up.
//!
//! # Why it matters
//!
//! A call that takes ten times as long as its peers stretches the whole run, and usually went down
//! a different path than they did.
//!
//! # What to do
//!
//! Look at what was different about this call.

use super::rule::{Context, Finding, Rule, Severity, sibling_groups};
use crate::intern::Sym;
use crate::model::{SpanIx, TraceIx};
use crate::units::duration;
use rustc_hash::FxHashMap;

/// `slow_outlier`: a span far slower than its same-name siblings.
#[derive(Debug)]
pub struct SlowOutlierRule;

/// How many times slower than the median of its same-name siblings a span must be.
pub const SLOW_FACTOR: u64 = 10;
/// How many same-name siblings (besides itself) a span needs to be compared.
pub const SLOW_MIN_SIBLINGS: usize = 3;
/// How much slower than the median, at least, in ns (so microsecond noise is not flagged).
pub const SLOW_MIN_EXCESS_NS: u64 = 100_000_000;

impl Rule for SlowOutlierRule {
    fn id(&self) -> &'static str {
        "slow_outlier"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span took at least 10 times the median of its same-name siblings (at least 3 of them) and at least 100 ms more. The median of the others is used, so one outlier cannot hide itself. Look at what was different about this call."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for group in sibling_groups(cx.set, trace) {
            let mut by_name: FxHashMap<Sym, Vec<SpanIx>> = FxHashMap::default();
            for ix in group {
                by_name
                    .entry(cx.set.span_record(ix).name)
                    .or_default()
                    .push(ix);
            }
            let mut names: Vec<_> = by_name.into_iter().collect();
            names.sort_by_key(|(_, v)| v[0]);
            for (_, members) in names {
                if members.len() < SLOW_MIN_SIBLINGS + 1 {
                    continue;
                }
                let mut durs: Vec<(u64, SpanIx)> = members
                    .iter()
                    .map(|&ix| (cx.set.span_record(ix).duration_ns(), ix))
                    .collect();
                durs.sort_unstable();
                let k = durs.len();
                for (pos, &(d, ix)) in durs.iter().enumerate() {
                    // Median of the others: ranks of the remaining k-1 values skip `pos`.
                    let at = |r: usize| durs[if r < pos { r } else { r + 1 }].0;
                    let m = k - 1;
                    let median = if m % 2 == 1 {
                        at(m / 2)
                    } else {
                        (at(m / 2 - 1) + at(m / 2)) / 2
                    };
                    if d >= median.saturating_mul(SLOW_FACTOR) && d >= median + SLOW_MIN_EXCESS_NS {
                        out.push(Finding {
                            kind: self.id(),
                            severity: self.severity(),
                            spans: vec![ix],
                            message: format!(
                                "`{}` took {}, {} the median of its {} same-name siblings ({}) {}",
                                cx.name(ix),
                                duration(d),
                                if median == 0 {
                                    "far above".to_owned()
                                } else {
                                    format!("{:.0}×", d as f64 / median as f64)
                                },
                                m,
                                duration(median),
                                cx.under(ix)
                            ),
                        });
                    }
                }
            }
        }
    }
}

//! The critical path: the chain of work that decided when each root finished.
//!
//! CP(s) = s, then CP(c1) … CP(ck), where the children are chosen walking backwards from
//! `cursor = s.end`: among the children not yet chosen, take the one with the latest end among those
//! with `end <= cursor`, then `cursor = child.start`; repeat until none qualifies. The chosen
//! children are listed in time order. A child that ends after its parent ends did not block it and
//! is never chosen (Jaeger clips such children; Loupe does not). Ties: the earlier start, then the
//! smaller span id.
//!
//! Iterative, and `O(n log k)` over a trace (one sort of each parent's children by end): no
//! recursion, so any depth is safe, and wide parents cost no more than sorting them.

use crate::model::{SpanIx, TraceIx, TraceSet};

/// One span on the critical path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep {
    /// The span.
    pub span: SpanIx,
    /// Time on the path spent in this span itself: its duration minus the parts covered by its
    /// chosen children (clipped to its own window).
    pub on_path_ns: u64,
}

/// The critical path from one top-level span, root first (pre-order of the chosen spans).
pub fn from_root(set: &TraceSet, root: SpanIx) -> Vec<PathStep> {
    let spans = set.spans();
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut kids: Vec<SpanIx> = Vec::new();
    let mut chosen: Vec<SpanIx> = Vec::new();
    while let Some(ix) = stack.pop() {
        let s = &spans[ix.0 as usize];
        kids.clear();
        kids.extend(set.children(ix));
        // Latest end first; ties: earlier start, then smaller span id.
        kids.sort_unstable_by(|a, b| {
            let (x, y) = (&spans[a.0 as usize], &spans[b.0 as usize]);
            y.end_unix_ns
                .cmp(&x.end_unix_ns)
                .then(x.start_unix_ns.cmp(&y.start_unix_ns))
                .then(x.span_id.cmp(&y.span_id))
        });
        chosen.clear();
        let mut cursor = s.end_unix_ns;
        for &k in &kids {
            let c = &spans[k.0 as usize];
            // Children are sorted by end, descending, and the cursor only moves back, so a child
            // passed over once can never qualify later.
            if c.end_unix_ns <= cursor {
                chosen.push(k);
                cursor = c.start_unix_ns;
            }
        }
        chosen.reverse(); // time order
        let covered: u64 = chosen
            .iter()
            .map(|&k| {
                let c = &spans[k.0 as usize];
                let start = c.start_unix_ns.max(s.start_unix_ns);
                let end = c.end_unix_ns.min(s.end_unix_ns);
                end.saturating_sub(start)
            })
            .sum();
        out.push(PathStep {
            span: ix,
            on_path_ns: s.duration_ns().saturating_sub(covered),
        });
        // Pre-order with children in time order: push them reversed.
        stack.extend(chosen.iter().rev());
    }
    out
}

/// The critical paths of a trace: one per top-level span, each root first.
pub fn of_trace(set: &TraceSet, trace: TraceIx) -> Vec<PathStep> {
    set.top_level(trace)
        .flat_map(|root| from_root(set, root))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{Builder, NewSpan};
    use crate::id::{SpanId, TraceId};

    /// (id, parent, start, end)
    fn set(spans: &[(u64, Option<u64>, u64, u64)]) -> TraceSet {
        let mut b = Builder::default();
        b.begin_source("t", "test", None);
        for &(id, parent, start, end) in spans {
            let name = b.intern(&format!("s{id}"));
            let mut s = NewSpan::new(TraceId::from_u128(1), SpanId::from_u64(id), name);
            s.parent_id = parent.map(SpanId::from_u64);
            s.start_unix_ns = start;
            s.end_unix_ns = end;
            b.add_span(s);
        }
        b.finish()
    }

    fn names(set: &TraceSet, path: &[PathStep]) -> Vec<(String, u64)> {
        path.iter()
            .map(|p| (set.span(p.span).name().to_owned(), p.on_path_ns))
            .collect()
    }

    fn n(items: &[(&str, u64)]) -> Vec<(String, u64)> {
        items.iter().map(|(a, b)| ((*a).to_owned(), *b)).collect()
    }

    #[test]
    fn sequential_children_are_all_on_the_path() {
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 10, 40),
            (3, Some(1), 50, 90),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 30), ("s2", 30), ("s3", 40)]));
    }

    #[test]
    fn of_parallel_children_the_last_finisher_wins() {
        // s2 and s3 overlap; s3 ends last; s2 does not end before s3 starts, so it is off the path.
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 10, 60),
            (3, Some(1), 20, 80),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 40), ("s3", 60)]));
    }

    #[test]
    fn a_child_outliving_its_parent_is_never_chosen() {
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 10, 50),
            (3, Some(1), 60, 150),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 60), ("s2", 40)]));
    }

    #[test]
    fn nested_paths_are_listed_in_preorder() {
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 0, 50),
            (4, Some(2), 10, 20),
            (5, Some(2), 30, 45),
            (3, Some(1), 50, 100),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(
            names(&s, &p),
            n(&[("s1", 0), ("s2", 25), ("s4", 10), ("s5", 15), ("s3", 50)])
        );
        let total: u64 = p.iter().map(|x| x.on_path_ns).sum();
        assert_eq!(
            total, 100,
            "the path's shares add up to the root's duration"
        );
    }

    #[test]
    fn ties_prefer_the_earlier_start_then_the_smaller_id() {
        let s = set(&[
            (1, None, 0, 100),
            (3, Some(1), 20, 100),
            (2, Some(1), 10, 100),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p)[1].0, "s2");
        let s = set(&[
            (1, None, 0, 100),
            (3, Some(1), 10, 100),
            (2, Some(1), 10, 100),
        ]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p)[1].0, "s2");
    }

    #[test]
    fn a_deep_chain_and_a_wide_parent_are_fine() {
        let mut spans: Vec<(u64, Option<u64>, u64, u64)> = vec![(1, None, 0, 1_000_000)];
        for i in 2..50_000u64 {
            spans.push((i, Some(i - 1), i, 1_000_000 - i));
        }
        for i in 0..50_000u64 {
            spans.push((100_000 + i, Some(1), i * 10, i * 10 + 5));
        }
        let s = set(&spans);
        let p = of_trace(&s, TraceIx(0));
        assert!(p.len() > 1);
        assert_eq!(p[0].span, SpanIx(0));
    }
}

//! The critical path: the chain of work that decided when a trace finished.
//!
//! Every span is seen through its *window*: its own `[start, end]` clipped to its parent's window
//! (a child that starts before its parent, or ends after it, is cut at the parent's edges; one that
//! lies wholly outside is dropped). The top-level spans of a trace (roots, orphans, spans whose
//! cyclic parent link was cut) are the children of the trace itself, whose window is the trace's
//! span of time. Jaeger UI clips the same way (`sanitizeOverFlowingChildren`).
//!
//! CP(s) = s, then CP(c1) … CP(ck), where the children are chosen walking backwards from
//! `cursor = s.window.end`: among the children not yet chosen, take the one whose window ends
//! latest among those with `end <= cursor`, then `cursor = child.window.start`; repeat until none
//! qualifies. The chosen children are listed in time order. Ties: the earlier start, then the
//! smaller span id. A CONSUMER child of a PRODUCER parent does not block it and is never chosen,
//! as in Jaeger UI.
//!
//! A step's `on_path_ns` is its window's length minus the windows of its chosen children. The
//! chosen children's windows are disjoint and lie inside the parent's, so within one top-level span
//! the shares add up to its window's length, and over a trace they add up to at most the trace's
//! span of time (gaps between the chosen top-level spans belong to no span).
//!
//! Iterative, and `O(n log k)` over a trace (one sort of each parent's children by end): no
//! recursion, so any depth is safe, and wide parents cost no more than sorting them.

use crate::model::{SpanIx, SpanKind, TraceIx, TraceSet};

/// One span on the critical path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep {
    /// The span.
    pub span: SpanIx,
    /// Time on the path spent in this span itself: its window (its duration clipped to its
    /// parent's window) minus the windows of its chosen children.
    pub on_path_ns: u64,
}

/// A span seen through its parent's window.
#[derive(Debug, Clone, Copy)]
struct Windowed {
    span: SpanIx,
    start_unix_ns: u64,
    end_unix_ns: u64,
}

impl Windowed {
    fn len_ns(&self) -> u64 {
        self.end_unix_ns - self.start_unix_ns
    }
}

/// `span` clipped to `[lo, hi]`, or `None` when it lies outside (a zero-length span counts as
/// inside when it sits within the window; a longer one must overlap it by more than a point).
fn clip(set: &TraceSet, span: SpanIx, lo: u64, hi: u64) -> Option<Windowed> {
    let s = &set.spans()[span.0 as usize];
    let start = s.start_unix_ns.max(lo);
    let end = s.end_unix_ns.min(hi);
    let inside = if s.start_unix_ns >= s.end_unix_ns {
        s.start_unix_ns == s.end_unix_ns && lo <= s.start_unix_ns && s.start_unix_ns <= hi
    } else {
        start < end
    };
    inside.then_some(Windowed {
        span,
        start_unix_ns: start,
        end_unix_ns: end.max(start),
    })
}

/// The children of a window that are on the critical path, in time order (see the module doc).
/// `kids` is scratch space.
fn choose(
    set: &TraceSet,
    window: (u64, u64),
    children: impl Iterator<Item = SpanIx>,
    kids: &mut Vec<Windowed>,
) -> Vec<Windowed> {
    let spans = set.spans();
    kids.clear();
    kids.extend(children.filter_map(|c| clip(set, c, window.0, window.1)));
    // Latest end first; ties: earlier start, then smaller span id.
    kids.sort_unstable_by(|x, y| {
        y.end_unix_ns
            .cmp(&x.end_unix_ns)
            .then(x.start_unix_ns.cmp(&y.start_unix_ns))
            .then(
                spans[x.span.0 as usize]
                    .span_id
                    .cmp(&spans[y.span.0 as usize].span_id),
            )
    });
    let mut chosen = Vec::new();
    let mut cursor = window.1;
    for k in kids.iter() {
        // Sorted by end, descending, and the cursor only moves back, so a child passed over once
        // can never qualify later.
        if k.end_unix_ns <= cursor {
            chosen.push(*k);
            cursor = k.start_unix_ns;
        }
    }
    chosen.reverse(); // time order
    chosen
}

/// Whether `child` blocks `parent`: all children do, except a CONSUMER under a PRODUCER.
fn blocks(set: &TraceSet, parent: SpanIx, child: SpanIx) -> bool {
    let spans = set.spans();
    !(spans[parent.0 as usize].kind == SpanKind::Producer
        && spans[child.0 as usize].kind == SpanKind::Consumer)
}

/// Appends the critical path below `top` (already clipped) to `out`, `top` first, in pre-order.
fn walk(set: &TraceSet, top: Windowed, out: &mut Vec<PathStep>, kids: &mut Vec<Windowed>) {
    let mut stack = vec![top];
    while let Some(w) = stack.pop() {
        let chosen = choose(
            set,
            (w.start_unix_ns, w.end_unix_ns),
            set.children(w.span).filter(|&c| blocks(set, w.span, c)),
            kids,
        );
        let covered: u64 = chosen.iter().map(Windowed::len_ns).sum();
        out.push(PathStep {
            span: w.span,
            on_path_ns: w.len_ns().saturating_sub(covered),
        });
        // Pre-order with children in time order: push them reversed.
        stack.extend(chosen.iter().rev());
    }
}

/// The critical path from one span, taken as the whole window (its own start and end), root
/// first (pre-order of the chosen spans).
pub fn from_root(set: &TraceSet, root: SpanIx) -> Vec<PathStep> {
    let s = &set.spans()[root.0 as usize];
    let top = Windowed {
        span: root,
        start_unix_ns: s.start_unix_ns,
        end_unix_ns: s.end_unix_ns.max(s.start_unix_ns),
    };
    let mut out = Vec::new();
    walk(set, top, &mut out, &mut Vec::new());
    out
}

/// The critical path of a trace: the top-level spans are the trace's children, chosen by the same
/// latest-finisher rule inside the trace's span of time, each followed by its own path.
pub fn of_trace(set: &TraceSet, trace: TraceIx) -> Vec<PathStep> {
    let t = &set.traces()[trace.0 as usize];
    let mut kids = Vec::new();
    let tops = choose(
        set,
        (t.start_unix_ns, t.end_unix_ns.max(t.start_unix_ns)),
        set.top_level(trace),
        &mut kids,
    );
    let mut out = Vec::new();
    for top in tops {
        walk(set, top, &mut out, &mut kids);
    }
    out
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
    fn a_child_outliving_its_parent_is_clipped_to_it() {
        // s3 runs on after s1 ends: only its part inside s1 counts, and it is the last finisher.
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 10, 50),
            (3, Some(1), 60, 150),
        ]);
        let p = from_root(&s, SpanIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 20), ("s2", 40), ("s3", 40)]));
    }

    #[test]
    fn a_child_starting_before_its_parent_is_clipped_to_it() {
        // Clock skew: s2 starts 50 before s1. It covers only s1's first 50, so s1 keeps 50.
        let s = set(&[(1, None, 100, 200), (2, Some(1), 50, 150)]);
        let p = from_root(&s, SpanIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 50), ("s2", 50)]));
        let total: u64 = p.iter().map(|x| x.on_path_ns).sum();
        assert_eq!(total, 100, "never more than the root's duration");
    }

    #[test]
    fn a_child_wholly_outside_its_parent_is_dropped() {
        let s = set(&[
            (1, None, 100, 200),
            (2, Some(1), 0, 100),
            (3, Some(1), 200, 300),
            (4, Some(1), 120, 180),
        ]);
        let p = from_root(&s, SpanIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 40), ("s4", 60)]));
    }

    #[test]
    fn clipping_follows_the_clipped_parent() {
        // s2 is cut to [0, 100] by s1; s3, inside s2's own times but after s1 ends, is dropped.
        let s = set(&[
            (1, None, 0, 100),
            (2, Some(1), 50, 300),
            (3, Some(2), 150, 250),
        ]);
        let p = from_root(&s, SpanIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 50), ("s2", 50)]));
    }

    #[test]
    fn parallel_top_level_spans_are_not_strung_end_to_end() {
        // Two roots over the same 10 s: the path is the one that finished last, not both.
        let s = set(&[(1, None, 0, 9_000), (2, None, 500, 10_000)]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s2", 9_500)]));
    }

    #[test]
    fn sequential_top_level_spans_are_all_on_the_path() {
        let s = set(&[(1, None, 0, 100), (3, Some(1), 10, 90), (2, None, 150, 300)]);
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 20), ("s3", 80), ("s2", 150)]));
        let total: u64 = p.iter().map(|x| x.on_path_ns).sum();
        assert!(total <= 300, "the gap between the roots belongs to no span");
    }

    #[test]
    fn a_consumer_under_a_producer_does_not_block_it() {
        let mut b = Builder::default();
        b.begin_source("t", "test", None);
        for (id, parent, start, end, kind) in [
            (1, None, 0, 100, SpanKind::Producer),
            (2, Some(1), 10, 100, SpanKind::Consumer),
            (3, Some(1), 10, 40, SpanKind::Internal),
        ] {
            let name = b.intern(&format!("s{id}"));
            let mut s = NewSpan::new(TraceId::from_u128(1), SpanId::from_u64(id), name);
            s.parent_id = parent.map(SpanId::from_u64);
            s.start_unix_ns = start;
            s.end_unix_ns = end;
            s.kind = kind;
            b.add_span(s);
        }
        let s = b.finish();
        let p = of_trace(&s, TraceIx(0));
        assert_eq!(names(&s, &p), n(&[("s1", 70), ("s3", 30)]));
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

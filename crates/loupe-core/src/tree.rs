//! Linking spans into trees: parents by (trace, span id), orphans, duplicates, cycles, pre-order.
//!
//! Every pass is a loop over arrays, never recursion, so a 100,000-level chain cannot overflow the stack,
//! and every pass is linear or `n log n` (sorting siblings by start time).

use crate::id::SpanId;
use crate::model::{Range32, Span, SpanIx, TraceIx, TraceSet, TreeFlags};
use crate::warning::{WarningCode, WarningSink};
use rustc_hash::FxHashMap;

const NONE: u32 = u32::MAX;

/// Resolves parents, cuts cycles, sorts siblings by start, and reorders spans trace by trace in pre-order.
pub(crate) fn link(set: &mut TraceSet, warnings: &mut WarningSink) {
    let n = set.spans.len();
    let spans = &mut set.spans;

    // 1. Index by (trace, span id). The first span with an id wins; later duplicates are kept and flagged.
    let mut index: FxHashMap<(u32, SpanId), u32> = FxHashMap::default();
    index.reserve(n);
    for (i, s) in spans.iter_mut().enumerate() {
        if let Some(first) = index.insert((s.trace.0, s.span_id), i as u32) {
            // Keep the first one indexed.
            index.insert((s.trace.0, s.span_id), first);
            s.tree_flags.0 |= TreeFlags::DUPLICATE_ID;
            let id = s.span_id.display(&set.strings).to_string();
            let name = set.strings.resolve(s.name).to_owned();
            warnings.push(Some(s.origin.source), WarningCode::DuplicateSpanId, || {
                format!("span id {id} (`{name}`) appears more than once in its trace; both spans are kept, children attach to the first")
            });
        }
    }

    // 2. Parents.
    let mut parent = vec![NONE; n];
    for (i, s) in spans.iter_mut().enumerate() {
        let Some(pid) = s.parent_id else { continue };
        match index.get(&(s.trace.0, pid)) {
            Some(&p) => parent[i] = p,
            None => {
                s.tree_flags.0 |= TreeFlags::ORPHAN;
                let (id, name, pid) = (
                    s.span_id.display(&set.strings).to_string(),
                    set.strings.resolve(s.name).to_owned(),
                    pid.display(&set.strings).to_string(),
                );
                warnings.push(Some(s.origin.source), WarningCode::Orphan, || {
                    format!("span {id} (`{name}`) names parent {pid}, which is not in the loaded files; it is shown at the top of its trace")
                });
            }
        }
    }
    drop(index);

    // 3. Cycles: walk up from each span; a walk that meets itself found a cycle. Cut the link of the
    //    cycle member that starts first (ties: lowest index), so the cut is independent of input order.
    let mut state = vec![0u32; n]; // 0 unseen, otherwise the walk number + 1 that saw it
    let mut done = vec![false; n];
    let mut path: Vec<u32> = Vec::new();
    for start in 0..n {
        if done[start] {
            continue;
        }
        let walk = start as u32 + 1;
        path.clear();
        let mut cur = start as u32;
        loop {
            if cur == NONE || done[cur as usize] {
                break;
            }
            if state[cur as usize] == walk {
                // Cycle: from `cur`'s first position in the path to the end.
                let pos = path.iter().position(|&x| x == cur).unwrap_or(0);
                let cycle = &path[pos..];
                let &cut = cycle
                    .iter()
                    .min_by_key(|&&x| (spans[x as usize].start_unix_ns, x))
                    .unwrap_or(&cur);
                parent[cut as usize] = NONE;
                let s = &mut spans[cut as usize];
                s.tree_flags.0 |= TreeFlags::CYCLE_CUT;
                let (id, name, len) = (
                    s.span_id.display(&set.strings).to_string(),
                    set.strings.resolve(s.name).to_owned(),
                    cycle.len(),
                );
                warnings.push(Some(s.origin.source), WarningCode::Cycle, || {
                    format!("parent links of {len} span(s) form a cycle; the link of span {id} (`{name}`) was cut and it is shown at the top of its trace")
                });
                break;
            }
            state[cur as usize] = walk;
            path.push(cur);
            cur = parent[cur as usize];
        }
        for &p in &path {
            done[p as usize] = true;
        }
    }
    drop(state);
    drop(done);
    drop(path);

    // 4. Group children by parent and top-level spans by trace (counting sort), then order each
    //    group by start time, span id, and input order.
    let traces = set.traces.len();
    let mut child_start = vec![0u32; n + 1];
    let mut top_start = vec![0u32; traces + 1];
    for (i, &p) in parent.iter().enumerate() {
        if p == NONE {
            top_start[spans[i].trace.0 as usize + 1] += 1;
        } else {
            child_start[p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        child_start[i + 1] += child_start[i];
    }
    for i in 0..traces {
        top_start[i + 1] += top_start[i];
    }
    let mut child_list = vec![0u32; child_start[n] as usize];
    let mut top_list = vec![0u32; top_start[traces] as usize];
    {
        let mut child_fill = child_start.clone();
        let mut top_fill = top_start.clone();
        for (i, &p) in parent.iter().enumerate() {
            if p == NONE {
                let t = spans[i].trace.0 as usize;
                top_list[top_fill[t] as usize] = i as u32;
                top_fill[t] += 1;
            } else {
                child_list[child_fill[p as usize] as usize] = i as u32;
                child_fill[p as usize] += 1;
            }
        }
    }
    let order_key = |i: &u32| {
        let s = &spans[*i as usize];
        (s.start_unix_ns, s.span_id, *i)
    };
    for w in child_start.windows(2) {
        let group = &mut child_list[w[0] as usize..w[1] as usize];
        if group.len() > 1 {
            group.sort_unstable_by_key(order_key);
        }
    }
    for w in top_start.windows(2) {
        let group = &mut top_list[w[0] as usize..w[1] as usize];
        if group.len() > 1 {
            group.sort_unstable_by_key(order_key);
        }
    }

    // 5. Trace extents, then traces ordered by start time and id.
    for t in set.traces.iter_mut() {
        t.start_unix_ns = u64::MAX;
        t.end_unix_ns = 0;
    }
    for s in spans.iter() {
        let t = &mut set.traces[s.trace.0 as usize];
        t.start_unix_ns = t.start_unix_ns.min(s.start_unix_ns);
        t.end_unix_ns = t.end_unix_ns.max(s.end_unix_ns.max(s.start_unix_ns));
    }
    let mut trace_order: Vec<u32> = (0..traces as u32).collect();
    trace_order.sort_unstable_by_key(|&t| {
        let tr = &set.traces[t as usize];
        (tr.start_unix_ns, tr.id)
    });

    // 6. Pre-order walk with an explicit stack.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut new_ix = vec![NONE; n];
    let mut depth: Vec<u32> = Vec::with_capacity(n);
    let mut new_traces = Vec::with_capacity(traces);
    let mut stack: Vec<u32> = Vec::new();
    for &t in &trace_order {
        let first = order.len() as u32;
        let tops = &top_list[top_start[t as usize] as usize..top_start[t as usize + 1] as usize];
        stack.extend(tops.iter().rev());
        while let Some(i) = stack.pop() {
            let new = order.len() as u32;
            new_ix[i as usize] = new;
            let d = match parent[i as usize] {
                NONE => 0,
                p => depth[new_ix[p as usize] as usize] + 1,
            };
            order.push(i);
            depth.push(d);
            let kids =
                &child_list[child_start[i as usize] as usize..child_start[i as usize + 1] as usize];
            stack.extend(kids.iter().rev());
        }
        let mut tr = set.traces[t as usize].clone();
        tr.spans = Range32 {
            start: first,
            len: order.len() as u32 - first,
        };
        if tr.spans.len == 0 {
            tr.start_unix_ns = 0;
        }
        new_traces.push(tr);
    }
    debug_assert_eq!(order.len(), n, "every span is visited exactly once");
    let mut trace_new_ix = vec![0u32; traces];
    for (new, &old) in trace_order.iter().enumerate() {
        trace_new_ix[old as usize] = new as u32;
    }

    // 7. Subtree ends: in pre-order a parent's subtree ends where its last descendant's does.
    let mut subtree_end: Vec<u32> = (1..=n as u32).collect();
    for new in (0..n).rev() {
        let old = order[new] as usize;
        if parent[old] != NONE {
            let p = new_ix[parent[old] as usize] as usize;
            subtree_end[p] = subtree_end[p].max(subtree_end[new]);
        }
    }

    // 8. Reorder the span table.
    let mut reordered: Vec<Span> = Vec::with_capacity(n);
    for (new, &old) in order.iter().enumerate() {
        let mut s = spans[old as usize];
        s.trace = TraceIx(trace_new_ix[s.trace.0 as usize]);
        s.parent = match parent[old as usize] {
            NONE => None,
            p => Some(SpanIx(new_ix[p as usize])),
        };
        s.depth = depth[new];
        s.subtree_end = subtree_end[new];
        reordered.push(s);
    }
    *spans = reordered;
    set.traces = new_traces;
}

#[cfg(test)]
mod tests {
    use crate::builder::{Builder, NewSpan};
    use crate::id::{SpanId, TraceId};
    use crate::model::{SpanIx, TraceIx, TreeFlags};
    use crate::warning::WarningCode;

    fn span(b: &mut Builder, trace: u128, id: u64, parent: Option<u64>, start: u64) -> NewSpan {
        let name = b.intern(&format!("s{id}"));
        let mut s = NewSpan::new(TraceId::from_u128(trace), SpanId::from_u64(id), name);
        s.parent_id = parent.map(SpanId::from_u64);
        s.start_unix_ns = start;
        s.end_unix_ns = start + 10;
        s
    }

    fn build(spans: &[(u128, u64, Option<u64>, u64)]) -> crate::TraceSet {
        let mut b = Builder::default();
        b.begin_source("test", "test", None);
        for &(t, id, p, start) in spans {
            let s = span(&mut b, t, id, p, start);
            b.add_span(s);
        }
        b.finish()
    }

    fn names(set: &crate::TraceSet) -> Vec<(String, u32)> {
        set.spans()
            .iter()
            .map(|s| (set.str(s.name).to_owned(), s.depth))
            .collect()
    }

    #[test]
    fn preorder_with_siblings_by_start() {
        let set = build(&[
            (1, 3, Some(1), 30),
            (1, 1, None, 0),
            (1, 2, Some(1), 10),
            (1, 4, Some(2), 12),
        ]);
        assert_eq!(
            names(&set),
            [("s1", 0), ("s2", 1), ("s4", 2), ("s3", 1)].map(|(a, b)| (a.to_owned(), b))
        );
        let root = SpanIx(0);
        let kids: Vec<_> = set.children(root).collect();
        assert_eq!(kids, [SpanIx(1), SpanIx(3)]);
        assert_eq!(set.spans()[1].parent, Some(root));
        assert_eq!(set.spans()[0].subtree_end, 4);
    }

    #[test]
    fn orphans_are_kept_at_top_level() {
        let set = build(&[(1, 1, None, 0), (1, 2, Some(99), 5)]);
        assert_eq!(set.span_count(), 2);
        let top: Vec<_> = set.top_level(TraceIx(0)).collect();
        assert_eq!(top.len(), 2);
        assert!(set.spans()[1].tree_flags.has(TreeFlags::ORPHAN));
        assert!(set.warnings().iter().any(|w| w.code == WarningCode::Orphan));
    }

    #[test]
    fn spans_join_traces_across_traces_and_order_traces_by_start() {
        let set = build(&[(2, 1, None, 100), (1, 1, None, 50), (2, 2, Some(1), 110)]);
        assert_eq!(set.traces().len(), 2);
        assert_eq!(set.traces()[0].id, TraceId::from_u128(1));
        assert_eq!(set.traces()[1].spans.len, 2);
    }

    #[test]
    fn duplicates_are_kept_and_flagged() {
        let set = build(&[(1, 1, None, 0), (1, 1, None, 5), (1, 2, Some(1), 1)]);
        assert_eq!(set.span_count(), 3);
        let dups = set
            .spans()
            .iter()
            .filter(|s| s.tree_flags.has(TreeFlags::DUPLICATE_ID))
            .count();
        assert_eq!(dups, 1);
        // The child hangs under the first span with that id.
        assert_eq!(set.spans()[1].parent, Some(SpanIx(0)));
    }

    #[test]
    fn cycles_are_cut_at_the_earliest_member() {
        let set = build(&[
            (1, 1, Some(3), 20),
            (1, 2, Some(1), 10),
            (1, 3, Some(2), 30),
        ]);
        assert_eq!(set.span_count(), 3);
        let cut: Vec<_> = set
            .spans()
            .iter()
            .filter(|s| s.tree_flags.has(TreeFlags::CYCLE_CUT))
            .map(|s| set.str(s.name).to_owned())
            .collect();
        assert_eq!(cut, ["s2"]);
        assert_eq!(names(&set)[0], ("s2".to_owned(), 0));
        assert!(set.warnings().iter().any(|w| w.code == WarningCode::Cycle));
    }

    #[test]
    fn self_parent_is_a_cycle() {
        let set = build(&[(1, 1, Some(1), 0)]);
        assert_eq!(set.span_count(), 1);
        assert!(set.spans()[0].tree_flags.has(TreeFlags::CYCLE_CUT));
    }

    #[test]
    fn a_chain_of_100k_levels_does_not_overflow() {
        let n = 100_000u64;
        let spans: Vec<_> = (1..=n)
            .map(|i| (1u128, i, if i == 1 { None } else { Some(i - 1) }, i))
            .collect();
        let set = build(&spans);
        assert_eq!(set.span_count(), n as usize);
        assert_eq!(set.spans().last().map(|s| s.depth), Some(n as u32 - 1));
        assert_eq!(set.spans()[0].subtree_end, n as u32);
    }
}

#[cfg(test)]
mod props {
    use crate::builder::{Builder, NewSpan};
    use crate::id::{SpanId, TraceId};
    use crate::model::TreeFlags;
    use proptest::prelude::*;

    /// Random spans in up to 3 traces with random (often missing, duplicate or cyclic) parent links.
    fn spans() -> impl Strategy<Value = Vec<(u8, u8, Option<u8>, u16, u16)>> {
        prop::collection::vec(
            (
                0u8..3,
                0u8..40,
                prop::option::of(0u8..48),
                0u16..1000,
                0u16..100,
            ),
            0..120,
        )
    }

    proptest! {
        #[test]
        fn tree_invariants_hold(input in spans()) {
            let mut b = Builder::default();
            b.begin_source("prop", "test", None);
            for (i, &(t, id, parent, start, len)) in input.iter().enumerate() {
                let name = b.intern(&format!("s{i}"));
                let mut s = NewSpan::new(TraceId::from_u128(u128::from(t)), SpanId::from_u64(u64::from(id)), name);
                s.parent_id = parent.map(|p| SpanId::from_u64(u64::from(p)));
                s.start_unix_ns = u64::from(start);
                s.end_unix_ns = u64::from(start) + u64::from(len);
                b.add_span(s);
            }
            let set = b.finish();
            let n = input.len();
            // Every span appears exactly once.
            prop_assert_eq!(set.span_count(), n);
            let mut names: Vec<&str> = set.spans().iter().map(|s| set.str(s.name)).collect();
            names.sort_unstable();
            names.dedup();
            prop_assert_eq!(names.len(), n);
            // Traces tile the span table.
            let mut next = 0;
            for (ti, t) in set.traces().iter().enumerate() {
                prop_assert_eq!(t.spans.start, next);
                next += t.spans.len;
                for s in &set.spans()[t.spans.as_range()] {
                    prop_assert_eq!(s.trace.0 as usize, ti);
                }
            }
            prop_assert_eq!(next as usize, n);
            for (i, s) in set.spans().iter().enumerate() {
                // Parents come before children, one level up, in the same trace, and contain them.
                match s.parent {
                    Some(p) => {
                        let ps = set.spans()[p.0 as usize];
                        prop_assert!((p.0 as usize) < i);
                        prop_assert_eq!(ps.depth + 1, s.depth);
                        prop_assert_eq!(ps.trace, s.trace);
                        prop_assert!(ps.subtree_end >= s.subtree_end);
                        prop_assert_eq!(Some(ps.span_id), s.parent_id);
                    }
                    None => {
                        prop_assert_eq!(s.depth, 0);
                        // A top-level span is a root, an orphan, or had its cyclic link cut.
                        prop_assert!(
                            s.parent_id.is_none()
                                || s.tree_flags.has(TreeFlags::ORPHAN)
                                || s.tree_flags.has(TreeFlags::CYCLE_CUT)
                        );
                    }
                }
                prop_assert!(s.subtree_end as usize > i && s.subtree_end as usize <= n);
                // Orphans really have no parent with that id in their trace.
                if s.tree_flags.has(TreeFlags::ORPHAN) {
                    let pid = s.parent_id;
                    prop_assert!(!set.spans().iter().any(|o| o.trace == s.trace && Some(o.span_id) == pid));
                }
            }
            // Siblings are ordered by start time.
            for t in 0..set.traces().len() {
                let tops: Vec<_> = set.top_level(crate::model::TraceIx(t as u32)).collect();
                for w in tops.windows(2) {
                    prop_assert!(set.spans()[w[0].0 as usize].start_unix_ns <= set.spans()[w[1].0 as usize].start_unix_ns);
                }
            }
        }
    }
}

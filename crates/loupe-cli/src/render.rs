//! Text output: trace summaries and indented trees, elided so a huge trace stays readable.

use loupe_core::analysis::Analysis;
use loupe_core::model::{SpanIx, TraceIx, TreeFlags};
use loupe_core::query::Query;
use loupe_core::report::span::FindingsBySpan;
use loupe_core::report::{TraceReport, TreeIssues};
use loupe_core::view;
use loupe_core::{StatusCode, TraceSet};
use std::io::{self, Write};

use loupe_core::units::{duration, usd};

/// `loupe analyze` text: files with their warnings, then one block per trace: findings first,
/// the critical path, tokens and cost, the audit, and a short tree.
pub fn analysis(
    out: &mut impl Write,
    set: &TraceSet,
    analysis: &Analysis,
    max_lines: usize,
) -> io::Result<()> {
    for (i, src) in set.sources().iter().enumerate() {
        let warnings: Vec<_> = set
            .warnings()
            .iter()
            .filter(|w| w.source.map(|s| s.0 as usize) == Some(i))
            .collect();
        writeln!(
            out,
            "{}: {}, {} spans{}",
            src.name,
            src.format,
            src.span_count,
            match warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".into(),
                n => format!(", {n} warnings"),
            }
        )?;
        for b in set.notes().bundles.iter().filter(|b| b.file == src.name) {
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            writeln!(
                out,
                "  bundle {:?}: {} tour steps, labels: {}; {}",
                b.title,
                b.tour_steps,
                if labels.is_empty() {
                    "none".to_owned()
                } else {
                    labels.join(", ")
                },
                if b.redacted {
                    "redacted"
                } else {
                    "NOT redacted"
                }
            )?;
        }
        for w in warnings.iter().take(10) {
            writeln!(out, "  warning[{}]: {}", w.code.as_str(), w.message)?;
        }
        if warnings.len() > 10 {
            writeln!(
                out,
                "  … {} more warnings (see --json)",
                warnings.len() - 10
            )?;
        }
    }
    writeln!(
        out,
        "{} traces, {} spans{}",
        set.traces().len(),
        set.span_count(),
        match set.notes().annotations.len() {
            0 => String::new(),
            1 => ", 1 note".into(),
            n => format!(", {n} notes"),
        }
    )?;
    for t in 0..set.traces().len() {
        let ix = TraceIx(t as u32);
        let r = TraceReport::build(set, analysis, ix);
        let issues = TreeIssues::of(set, ix);
        writeln!(out)?;
        writeln!(
            out,
            "trace {}  {} spans  {}",
            r.trace_id,
            r.span_count,
            duration(r.end_unix_nano.saturating_sub(r.start_unix_nano))
        )?;
        if !r.services.is_empty() {
            writeln!(out, "  services: {}", r.services.join(", "))?;
        }
        for root in &r.roots {
            writeln!(
                out,
                "  root: {} ({}, span {})",
                root.name,
                duration(root.duration_ns),
                root.span_id
            )?;
        }
        if r.roots.is_empty() {
            writeln!(
                out,
                "  root: none (every top-level span names a missing parent)"
            )?;
        }
        let mut notes = Vec::new();
        if issues.errors > 0 {
            notes.push(format!("{} error spans", issues.errors));
        }
        if issues.orphans > 0 {
            notes.push(format!("{} orphans", issues.orphans));
        }
        if issues.duplicate_ids > 0 {
            notes.push(format!("{} duplicate span ids", issues.duplicate_ids));
        }
        if issues.cycles_cut > 0 {
            notes.push(format!("{} parent cycles cut", issues.cycles_cut));
        }
        if !notes.is_empty() {
            writeln!(out, "  warnings: {}", notes.join(", "))?;
        }
        trace_notes(out, set, &r.trace_id)?;
        trace_analysis(out, &r)?;
        writeln!(out, "  tree (● on the critical path):")?;
        tree(out, set, Some(analysis), None, ix, max_lines, 8)?;
    }
    Ok(())
}

/// The trace's notes (a bundle's), in tour order first: label, span, the text on one line.
fn trace_notes(out: &mut impl Write, set: &TraceSet, trace_id: &str) -> io::Result<()> {
    let notes = set.notes();
    let mut on: Vec<_> = notes
        .annotations
        .iter()
        .filter(|a| a.trace_id == trace_id)
        .collect();
    if on.is_empty() {
        return Ok(());
    }
    let tour = notes.tour_notes();
    on.sort_by_key(|a| tour.iter().position(|t| t.id == a.id).unwrap_or(usize::MAX));
    writeln!(out, "  notes:")?;
    for a in on {
        let step = tour
            .iter()
            .position(|t| t.id == a.id)
            .map(|i| format!("{}. ", i + 1))
            .unwrap_or_default();
        let place = match (&a.span_id, a.path.last()) {
            (Some(id), Some(name)) => format!("{name} (span {id})"),
            (Some(id), None) => format!("span {id}"),
            _ => "the trace".to_owned(),
        };
        writeln!(
            out,
            "    {step}[{}] {}: {}",
            a.label,
            one_line(&place, 80),
            one_line(&a.text, 100)
        )?;
    }
    Ok(())
}

/// Findings, critical path, tokens and cost, tools, audit.
fn trace_analysis(out: &mut impl Write, r: &TraceReport) -> io::Result<()> {
    if let Some(s) = &r.first_suspect {
        writeln!(
            out,
            "  first suspect: {} [{}] (span {})",
            s.name, s.kind, s.span_id
        )?;
    }
    if r.anomalies.is_empty() {
        writeln!(out, "  findings: none")?;
    } else {
        writeln!(out, "  findings:")?;
        let mut sorted: Vec<_> = r.anomalies.iter().collect();
        sorted.sort_by_key(|a| match a.severity.as_str() {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        });
        for a in sorted.iter().take(20) {
            writeln!(out, "    {:<7} {:<15} {}", a.severity, a.kind, a.message)?;
        }
        if sorted.len() > 20 {
            writeln!(out, "    … {} more (see --json)", sorted.len() - 20)?;
        }
    }
    if !r.critical_path.is_empty() {
        let total: u64 = r.critical_path.iter().map(|p| p.on_path_ns).sum();
        let mut top: Vec<_> = r.critical_path.iter().collect();
        top.sort_by_key(|p| std::cmp::Reverse(p.on_path_ns));
        writeln!(
            out,
            "  critical path: {} spans, {}; where the time went:",
            r.critical_path.len(),
            duration(total)
        )?;
        for p in top.iter().take(5).filter(|p| p.on_path_ns > 0) {
            writeln!(
                out,
                "    {:>5.1}%  {:>9}  {}",
                100.0 * p.on_path_ns as f64 / total.max(1) as f64,
                duration(p.on_path_ns),
                one_line(&p.name, 80)
            )?;
        }
    }
    for w in &r.warnings {
        writeln!(out, "  warning[{}]: {}", w.code, w.message)?;
    }
    let t = &r.tokens;
    if t.input + t.output > 0 {
        writeln!(
            out,
            "  tokens: {} in ({} cached), {} out ({} reasoning); cost {}",
            t.input,
            t.cache_read,
            t.output,
            t.reasoning,
            match r.cost_usd {
                Some(c) => usd(c),
                None => format!("unknown (no price for {})", r.unpriced_models.join(", ")),
            }
        )?;
        writeln!(
            out,
            "    {:<32} {:>10} {:>10} {:>12}",
            "model", "input", "output", "cost"
        )?;
        for (m, mt) in &t.by_model {
            writeln!(
                out,
                "    {:<32} {:>10} {:>10} {:>12}",
                one_line(m, 32),
                mt.input,
                mt.output,
                r.cost_by_model.get(m).map_or("-".into(), |c| usd(*c))
            )?;
        }
    }
    if !r.by_tool.is_empty() {
        writeln!(
            out,
            "    {:<32} {:>10} {:>10} {:>12}",
            "tool", "calls", "errors", "time"
        )?;
        for (name, ts) in &r.by_tool {
            writeln!(
                out,
                "    {:<32} {:>10} {:>10} {:>12}",
                one_line(name, 32),
                ts.calls,
                ts.errors,
                duration(ts.duration_ns)
            )?;
        }
    }
    let areas: Vec<String> = r
        .audit
        .areas
        .iter()
        .map(|a| match a.score {
            Some(x) => format!("{} {:.0}%", a.area, x * 100.0),
            None => format!("{} n/a", a.area),
        })
        .collect();
    writeln!(
        out,
        "  audit: {:.0}% ({})",
        r.audit.score * 100.0,
        areas.join(", ")
    )?;
    for gap in r
        .audit
        .areas
        .iter()
        .flat_map(|a| a.checks.iter().filter_map(|c| c.gap.as_ref()))
        .take(6)
    {
        writeln!(out, "    - {gap}")?;
    }
    Ok(())
}

/// `loupe tree` text.
pub fn trees(
    out: &mut impl Write,
    set: &TraceSet,
    max_lines: usize,
    max_children: usize,
) -> io::Result<()> {
    for t in 0..set.traces().len() {
        let ix = TraceIx(t as u32);
        let trace = &set.traces()[t];
        if t > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "trace {}  {} spans",
            trace.id.display(set.strings()),
            trace.spans.len
        )?;
        tree(out, set, None, None, ix, max_lines, max_children)?;
    }
    Ok(())
}

/// Which spans a filtered tree shows: those matching a query and their ancestors.
pub struct TreeFilter {
    /// Shown, by span index.
    keep: Vec<bool>,
    /// Matches the query, by span index.
    matched: Vec<bool>,
}

impl TreeFilter {
    /// The spans of `set` that match `query` (see `loupe_core::query`), and their ancestors.
    pub fn new(set: &TraceSet, analysis: &Analysis, query: &Query) -> Self {
        let findings = FindingsBySpan::build(analysis);
        let mut keep = vec![false; set.span_count()];
        let mut matched = vec![false; set.span_count()];
        for t in 0..set.traces().len() {
            let t = TraceIx(t as u32);
            let range = set.traces()[t.0 as usize].spans.as_range();
            let m = view::matching(set, analysis, &findings, query, t);
            keep[range.clone()].copy_from_slice(&view::with_ancestors(set, t, &m));
            matched[range].copy_from_slice(&m);
        }
        TreeFilter { keep, matched }
    }

    fn shows(&self, ix: SpanIx) -> bool {
        self.keep[ix.0 as usize]
    }

    fn matches(&self, ix: SpanIx) -> bool {
        self.matched[ix.0 as usize]
    }
}

/// `loupe tree --filter`: the traces with a match, each with only its matching spans (marked
/// `»`) and their ancestors, then how many matched.
pub fn filtered_trees(
    out: &mut impl Write,
    set: &TraceSet,
    filter: &TreeFilter,
    max_lines: usize,
    max_children: usize,
) -> io::Result<()> {
    let (mut traces, mut spans) = (0usize, 0usize);
    for t in 0..set.traces().len() {
        let ix = TraceIx(t as u32);
        let trace = &set.traces()[t];
        let n = trace
            .spans
            .as_range()
            .filter(|&i| filter.matches(SpanIx(i as u32)))
            .count();
        if n == 0 {
            continue;
        }
        if traces > 0 {
            writeln!(out)?;
        }
        traces += 1;
        spans += n;
        writeln!(
            out,
            "trace {}  {} spans, {n} matching",
            trace.id.display(set.strings()),
            trace.spans.len
        )?;
        tree(out, set, None, Some(filter), ix, max_lines, max_children)?;
    }
    if traces > 0 {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{spans} span{} in {traces} of {} trace{} match the filter",
        if spans == 1 { "" } else { "s" },
        set.traces().len(),
        if set.traces().len() == 1 { "" } else { "s" },
    )
}

/// Indentation stops growing past this depth; deeper lines show their depth instead.
const MAX_INDENT: u32 = 24;

enum Item {
    Span(SpanIx),
    /// Siblings elided: their count, summed duration, and spans in their subtrees.
    Elided(u32, u64, u32),
}

/// One trace as an indented tree. Wide sibling groups keep their first and last children; the
/// whole tree stops after `max_lines` lines with a count of what was left out. Iterative: any depth.
fn tree(
    out: &mut impl Write,
    set: &TraceSet,
    analysis: Option<&Analysis>,
    filter: Option<&TreeFilter>,
    t: TraceIx,
    max_lines: usize,
    max_children: usize,
) -> io::Result<()> {
    let shown_spans = |ixs: &mut dyn Iterator<Item = SpanIx>| -> Vec<SpanIx> {
        ixs.filter(|&k| filter.is_none_or(|f| f.shows(k))).collect()
    };
    let total = match filter {
        None => set.traces()[t.0 as usize].spans.len,
        Some(f) => set.traces()[t.0 as usize]
            .spans
            .as_range()
            .filter(|&i| f.shows(SpanIx(i as u32)))
            .count() as u32,
    };
    let mut stack: Vec<(Item, u32)> = Vec::new();
    let top = shown_spans(&mut set.top_level(t));
    push_group(&mut stack, set, filter, top, 0, max_children);
    let mut lines = 0usize;
    let mut shown = 0u32;
    while let Some((item, depth)) = stack.pop() {
        if lines >= max_lines {
            let rest = total.saturating_sub(shown);
            if rest > 0 {
                writeln!(out, "  … {rest} more spans (raise --max-lines to see them)")?;
            }
            return Ok(());
        }
        lines += 1;
        let indent = if depth > MAX_INDENT {
            format!("{}[depth {depth}] ", "  ".repeat(MAX_INDENT as usize))
        } else {
            "  ".repeat(depth as usize)
        };
        match item {
            Item::Elided(n, ns, subtree_spans) => {
                shown += subtree_spans;
                writeln!(
                    out,
                    "  {indent}… {n} more siblings ({} in all)",
                    duration(ns)
                )?;
            }
            Item::Span(ix) => {
                shown += 1;
                let s = set.span(ix);
                let mut marks = String::new();
                if s.rec.status == StatusCode::Error {
                    marks.push_str(" ✗ error");
                    let msg = set.str(s.rec.status_message);
                    if !msg.is_empty() {
                        marks.push_str(&format!(": {}", one_line(msg, 80)));
                    }
                }
                if s.rec.tree_flags.has(TreeFlags::ORPHAN) {
                    marks.push_str(&format!(
                        " (orphan: parent {} not found)",
                        s.parent_id().unwrap_or_default()
                    ));
                }
                if s.rec.tree_flags.has(TreeFlags::CYCLE_CUT) {
                    marks.push_str(" (parent link cut: cycle)");
                }
                if s.rec.tree_flags.has(TreeFlags::DUPLICATE_ID) {
                    marks.push_str(" (duplicate span id)");
                }
                let dot = match analysis {
                    Some(a) if a.on_critical_path[ix.0 as usize] => "● ",
                    Some(_) => "  ",
                    None => "",
                };
                let hit = match filter {
                    Some(f) if f.matches(ix) => "» ",
                    Some(_) => "  ",
                    None => "",
                };
                writeln!(
                    out,
                    "  {dot}{indent}{hit}{}  {}{marks}",
                    one_line(s.name(), 120),
                    duration(s.duration_ns())
                )?;
                let kids = shown_spans(&mut set.children(ix));
                push_group(&mut stack, set, filter, kids, depth + 1, max_children);
            }
        }
    }
    Ok(())
}

/// Pushes a sibling group (reversed, for the stack), eliding the middle of wide groups.
fn push_group(
    stack: &mut Vec<(Item, u32)>,
    set: &TraceSet,
    filter: Option<&TreeFilter>,
    kids: Vec<SpanIx>,
    depth: u32,
    max_children: usize,
) {
    let max_children = max_children.max(2);
    if kids.len() <= max_children {
        stack.extend(kids.into_iter().rev().map(|k| (Item::Span(k), depth)));
        return;
    }
    let head = max_children * 2 / 3;
    let tail = max_children - head;
    let middle = &kids[head..kids.len() - tail];
    let ns: u64 = middle.iter().map(|&k| set.span(k).duration_ns()).sum();
    // Spans in the elided subtrees that the tree would show.
    let subtree_spans: u32 = middle
        .iter()
        .map(|&k| match filter {
            None => set.span_record(k).subtree_end - k.0,
            Some(f) => (k.0..set.span_record(k).subtree_end)
                .filter(|&i| f.shows(SpanIx(i)))
                .count() as u32,
        })
        .sum();
    for &k in kids[kids.len() - tail..].iter().rev() {
        stack.push((Item::Span(k), depth));
    }
    stack.push((Item::Elided(middle.len() as u32, ns, subtree_spans), depth));
    for &k in kids[..head].iter().rev() {
        stack.push((Item::Span(k), depth));
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("a\nb", 10), "a b");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}

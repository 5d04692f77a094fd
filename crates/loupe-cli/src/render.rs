//! Text output: trace summaries and indented trees, elided so a huge trace stays readable.

use loupe_core::model::{SpanIx, TraceIx, TreeFlags};
use loupe_core::report::{TraceReport, TreeIssues};
use loupe_core::{StatusCode, TraceSet};
use std::io::{self, Write};

/// Human-readable duration: `812 ns`, `12.3 µs`, `412 ms`, `1.23 s`, `2 min 03 s`.
pub fn duration(ns: u64) -> String {
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", ns as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.0} ms", ns as f64 / 1e6),
        1_000_000_000..60_000_000_000 => format!("{:.2} s", ns as f64 / 1e9),
        _ => {
            let s = ns / 1_000_000_000;
            format!("{} min {:02} s", s / 60, s % 60)
        }
    }
}

/// `loupe analyze` text: files with their warnings, then one block per trace with a short tree.
pub fn analysis(out: &mut impl Write, set: &TraceSet, max_lines: usize) -> io::Result<()> {
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
        "{} traces, {} spans",
        set.traces().len(),
        set.span_count()
    )?;
    for t in 0..set.traces().len() {
        let ix = TraceIx(t as u32);
        let r = TraceReport::build(set, ix);
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
        tree(out, set, ix, max_lines, 8)?;
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
        tree(out, set, ix, max_lines, max_children)?;
    }
    Ok(())
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
    t: TraceIx,
    max_lines: usize,
    max_children: usize,
) -> io::Result<()> {
    let trace_spans = set.traces()[t.0 as usize].spans;
    let mut stack: Vec<(Item, u32)> = Vec::new();
    push_group(&mut stack, set, set.top_level(t).collect(), 0, max_children);
    let mut lines = 0usize;
    let mut shown = 0u32;
    while let Some((item, depth)) = stack.pop() {
        if lines >= max_lines {
            let rest = trace_spans.len - shown;
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
                writeln!(
                    out,
                    "  {indent}{}  {}{marks}",
                    one_line(s.name(), 120),
                    duration(s.duration_ns())
                )?;
                push_group(
                    &mut stack,
                    set,
                    set.children(ix).collect(),
                    depth + 1,
                    max_children,
                );
            }
        }
    }
    Ok(())
}

/// Pushes a sibling group (reversed, for the stack), eliding the middle of wide groups.
fn push_group(
    stack: &mut Vec<(Item, u32)>,
    set: &TraceSet,
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
    let subtree_spans: u32 = middle
        .iter()
        .map(|&k| set.span_record(k).subtree_end - k.0)
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
    fn durations_read_well() {
        assert_eq!(duration(812), "812 ns");
        assert_eq!(duration(12_340), "12.3 µs");
        assert_eq!(duration(412_000_000), "412 ms");
        assert_eq!(duration(1_234_000_000), "1.23 s");
        assert_eq!(duration(123_000_000_000), "2 min 03 s");
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("a\nb", 10), "a b");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}

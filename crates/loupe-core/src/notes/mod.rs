//! Annotations: notes a person puts on a span or a trace, with a label from a fixed vocabulary,
//! free text and an optional tour step; and the tour, an order through them. They are data of the
//! set (a bundle carries them, the redaction scans them, every writer of bundles keeps them), not
//! state of a viewer.
//!
//! A note points at `(trace_id, span_id)` and also keeps the span's path key: the names of the
//! spans from the root down to it. When a note's span is not in the set (ids change when a run is
//! re-exported or re-recorded), [`attach`] finds the one span of the same trace, or else of
//! any trace, with that path and points the note at it; a note that fits no span stays, detached,
//! and the set says so.
//!
//! Times are RFC 3339 text given by the caller: the core has no clock.

pub mod file;

pub use crate::model::notes::{Annotation, BundleInfo, Label, Notes};
use crate::model::{SpanIx, TraceIx, TraceSet};

/// Where a note landed in a set.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Attached {
    /// On the span with its ids (or its trace, for a trace note).
    Exact(TraceIx, Option<SpanIx>),
    /// Its ids are not in the set; the one span with its path is, and the note now points at it.
    ByPath(TraceIx, SpanIx),
    /// Neither its ids nor its path fit one span.
    Detached,
}

/// Points every note at a span of `set` (see the module's doc); returns where each landed.
pub fn attach(notes: &mut Notes, set: &TraceSet) -> Vec<Attached> {
    notes
        .annotations
        .iter_mut()
        .map(|a| attach_one(a, set))
        .collect()
}

fn attach_one(a: &mut Annotation, set: &TraceSet) -> Attached {
    let trace = find_trace(set, &a.trace_id);
    match (trace, &a.span_id) {
        (Some(t), None) => return Attached::Exact(t, None),
        (Some(t), Some(sid)) => {
            if let Some(s) = find_span(set, t, sid) {
                if a.path.is_empty() {
                    a.path = path_key(set, s);
                }
                return Attached::Exact(t, Some(s));
            }
        }
        _ => {}
    }
    if a.path.is_empty() {
        return Attached::Detached;
    }
    // The same trace first; then any trace, if exactly one span anywhere has the path.
    let by_path = |traces: &mut dyn Iterator<Item = TraceIx>| -> Option<SpanIx> {
        let mut found = None;
        for t in traces {
            for i in set.traces()[t.0 as usize].spans.as_range() {
                let s = SpanIx(i as u32);
                if path_matches(set, s, &a.path) {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(s);
                }
            }
        }
        found
    };
    let found = match trace {
        Some(t) => by_path(&mut std::iter::once(t)),
        None => None,
    }
    .or_else(|| by_path(&mut (0..set.traces().len() as u32).map(TraceIx)));
    match found {
        Some(s) => {
            let t = set.span_record(s).trace;
            a.trace_id = trace_id_text(set, t);
            a.span_id = Some(set.span(s).span_id());
            Attached::ByPath(t, s)
        }
        None => Attached::Detached,
    }
}

/// The trace with this id (as displayed: 32 hex digits).
pub fn find_trace(set: &TraceSet, trace_id: &str) -> Option<TraceIx> {
    set.traces()
        .iter()
        .position(|t| t.id.display(set.strings()).to_string() == trace_id)
        .map(|t| TraceIx(t as u32))
}

/// The span of trace `t` with this id (as displayed: 16 hex digits).
pub fn find_span(set: &TraceSet, t: TraceIx, span_id: &str) -> Option<SpanIx> {
    set.traces()[t.0 as usize]
        .spans
        .as_range()
        .map(|i| SpanIx(i as u32))
        .find(|&s| set.span(s).span_id() == span_id)
}

/// The trace's id as displayed.
pub fn trace_id_text(set: &TraceSet, t: TraceIx) -> String {
    set.traces()[t.0 as usize]
        .id
        .display(set.strings())
        .to_string()
}

/// The span's path key: the names of the spans from its top-level ancestor down to it.
pub fn path_key(set: &TraceSet, s: SpanIx) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = Some(s);
    while let Some(ix) = at {
        out.push(set.span(ix).name().to_owned());
        at = set.span_record(ix).parent;
    }
    out.reverse();
    out
}

fn path_matches(set: &TraceSet, s: SpanIx, path: &[String]) -> bool {
    let mut at = Some(s);
    for name in path.iter().rev() {
        match at {
            Some(ix) if set.span(ix).name() == name => at = set.span_record(ix).parent,
            _ => return false,
        }
    }
    at.is_none()
}

#[cfg(test)]
mod tests;

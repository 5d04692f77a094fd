//! After a file is read: pieces of one span merged, shared client/server halves split and
//! linked, spans without a timestamp placed.

use super::parts::*;
use crate::builder::Builder;
use crate::id::{SpanId, TraceId};
use crate::intern::Sym;
use crate::model::{Attr, ResourceIx, SpanKind, StatusCode};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;

/// The Zipkin JSON importer (v2 and v1).
/// Zipkin reports one half of a span in pieces when its data arrives at different times (a piece
/// with only tags, no timestamp and no kind). As Zipkin does when it reads them back, a piece that
/// has the same trace, id and local service as a timed span is merged into it (its attributes and
/// events added); a piece with nothing to merge into is kept as a span of its own.
pub(super) fn merge_fragments(ctx: &mut Ctx<'_>, first: usize) {
    let fragments = std::mem::take(&mut ctx.fragments);
    if fragments.is_empty() {
        return;
    }
    let b = &mut *ctx.b;
    let service = |b: &Builder, r: ResourceIx| b.set.resources[r.0 as usize].service_name;
    let mut whole: FxHashMap<(TraceId, SpanId, Sym), usize> = FxHashMap::default();
    for i in first..b.set.spans.len() {
        let s = &b.set.spans[i];
        let trace = b.set.traces[s.trace.0 as usize].id;
        whole
            .entry((trace, s.span_id, service(b, s.resource)))
            .or_insert(i);
    }
    for (f, meta) in fragments {
        let Some(&i) = whole.get(&(f.trace_id, f.span_id, service(b, f.resource))) else {
            b.add_span(f);
            ctx.meta.push(meta);
            continue;
        };
        let have: Vec<Sym> = b.set.attrs[b.set.spans[i].attrs.as_range()]
            .iter()
            .map(|a| a.key)
            .collect();
        let extra: Vec<Attr> = b.set.attrs[f.attrs.as_range()]
            .iter()
            .filter(|a| !have.contains(&a.key))
            .copied()
            .collect();
        crate::import::common::append_span_attrs(b, i, &extra);
        if !f.events.is_empty() {
            let old = b.set.spans[i].events;
            let mark = b.event_mark();
            for e in old.as_range().chain(f.events.as_range()) {
                let e = b.set.events[e];
                b.push_event(e);
            }
            b.set.spans[i].events = b.commit_events(mark);
        }
        let s = &mut b.set.spans[i];
        if s.parent_id.is_none() {
            s.parent_id = f.parent_id;
        }
        if s.name == Sym::EMPTY {
            s.name = f.name;
        }
        if s.status == StatusCode::Unset {
            (s.status, s.status_message) = (f.status, f.status_message);
        }
    }
}

/// Gives the server halves of each shared span their own ids under the client half, and moves the
/// children of a shared id to the half that made them (see the module doc).
pub(super) fn split_shared_spans(b: &mut Builder, first: usize, meta: &[Meta]) {
    let end = b.set.spans.len().min(first + meta.len());
    let is_server =
        |b: &Builder, i: usize| meta[i - first].shared || b.set.spans[i].kind == SpanKind::Server;
    let mut groups: FxHashMap<(u32, SpanId), Vec<usize>> = FxHashMap::default();
    for i in first..end {
        let s = &b.set.spans[i];
        groups.entry((s.trace.0, s.span_id)).or_default().push(i);
    }
    let mut keys: Vec<_> = groups.into_iter().filter(|(_, v)| v.len() >= 2).collect();
    if keys.is_empty() {
        return;
    }
    keys.sort_by_key(|(_, v)| v[0]);
    // (trace, shared id) → (client, server halves).
    let mut split: FxHashMap<(u32, SpanId), (usize, Vec<usize>)> = FxHashMap::default();
    for (key, members) in keys {
        let client = members
            .iter()
            .copied()
            .find(|&i| b.set.spans[i].kind == SpanKind::Client && !meta[i - first].shared)
            .or_else(|| members.iter().copied().find(|&i| !is_server(b, i)));
        let Some(client) = client else { continue };
        let servers: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| i != client && is_server(b, i))
            .collect();
        if servers.is_empty() {
            continue;
        }
        let id = key.1;
        let shown = id.display(b.set.strings()).to_string();
        for (n, &server) in servers.iter().enumerate() {
            // Several server halves (one request fanned out) get -server, -server-2, …
            let text = if n == 0 {
                format!("{shown}-server")
            } else {
                format!("{shown}-server-{}", n + 1)
            };
            let server_id = SpanId::Raw(b.intern(&text));
            let s = &mut b.set.spans[server];
            s.span_id = server_id;
            s.parent_id = Some(id);
        }
        split.insert(key, (client, servers));
    }
    let service =
        |b: &Builder, i: usize| b.set.resources[b.set.spans[i].resource.0 as usize].service_name;
    for i in first..end {
        let s = &b.set.spans[i];
        let Some(parent) = s.parent_id else { continue };
        let Some((client, servers)) = split.get(&(s.trace.0, parent)) else {
            continue;
        };
        if i == *client || servers.contains(&i) {
            continue;
        }
        let mine = service(b, i);
        let by_service: Vec<usize> = servers
            .iter()
            .copied()
            .filter(|&h| service(b, h) == mine)
            .collect();
        if by_service.is_empty() && mine == service(b, *client) {
            continue;
        }
        let mut candidates = if by_service.is_empty() {
            servers.clone()
        } else {
            by_service
        };
        let address = meta[i - first].address;
        if address != Sym::EMPTY
            && candidates
                .iter()
                .any(|&h| meta[h - first].address == address)
        {
            candidates.retain(|&h| meta[h - first].address == address);
        }
        // The latest half that started before the child did, else the earliest.
        let start = b.set.spans[i].start_unix_ns;
        let chosen = candidates
            .iter()
            .copied()
            .filter(|&h| b.set.spans[h].start_unix_ns <= start)
            .max_by_key(|&h| b.set.spans[h].start_unix_ns)
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .min_by_key(|&h| b.set.spans[h].start_unix_ns)
            });
        if let Some(h) = chosen {
            b.set.spans[i].parent_id = Some(b.set.spans[h].span_id);
        }
    }
}

/// Spans without a timestamp (Zipkin's late-arriving halves, which carry only tags) start where
/// their parent starts, or where the trace's first span in this file starts, with no duration.
pub(super) fn place_untimed(b: &mut Builder, first: usize, meta: &[Meta]) {
    let untimed: Vec<usize> = (0..meta.len())
        .filter(|&i| meta[i].untimed)
        .map(|i| i + first)
        .collect();
    if untimed.is_empty() {
        return;
    }
    let end = b.set.spans.len().min(first + meta.len());
    let mut starts: FxHashMap<(u32, SpanId), u64> = FxHashMap::default();
    let mut trace_start: FxHashMap<u32, u64> = FxHashMap::default();
    for i in first..end {
        if meta[i - first].untimed {
            continue;
        }
        let s = &b.set.spans[i];
        starts
            .entry((s.trace.0, s.span_id))
            .or_insert(s.start_unix_ns);
        let t = trace_start.entry(s.trace.0).or_insert(s.start_unix_ns);
        *t = (*t).min(s.start_unix_ns);
    }
    // Parents that are untimed too are placed first: repeat while anything moves (bounded).
    let mut pending = untimed.clone();
    for _ in 0..8 {
        let before = pending.len();
        pending.retain(|&i| {
            let s = &b.set.spans[i];
            match s.parent_id.and_then(|p| starts.get(&(s.trace.0, p))) {
                Some(&t) => {
                    let key = (s.trace.0, s.span_id);
                    let s = &mut b.set.spans[i];
                    (s.start_unix_ns, s.end_unix_ns) = (t, t);
                    starts.entry(key).or_insert(t);
                    false
                }
                None => true,
            }
        });
        if pending.len() == before {
            break;
        }
    }
    for &i in &pending {
        let t = trace_start
            .get(&b.set.spans[i].trace.0)
            .copied()
            .unwrap_or(0);
        let s = &mut b.set.spans[i];
        (s.start_unix_ns, s.end_unix_ns) = (t, t);
    }
    let names: Vec<String> = untimed
        .iter()
        .take(3)
        .map(|&i| format!("`{}`", b.resolve(b.set.spans[i].name)))
        .collect();
    let n = untimed.len();
    let more = if n > 3 { ", …" } else { "" };
    b.warn(WarningCode::MissingField, || {
        format!("{n} span(s) have no timestamp ({}{more}); each is placed at its parent's start with no duration", names.join(", "))
    });
}

//! A Zipkin v2 span (`kind`, `localEndpoint`, `tags`).

use super::parts::*;
use crate::builder::NewSpan;
use crate::import::common::{RawEntries, Scalar, SpanAt, push_attr, raw_scalar};
use crate::intern::Sym;
use crate::model::{SpanKind, Value};
use crate::warning::WarningCode;
use serde_json::value::RawValue;

/// The Zipkin JSON importer (v2 and v1).
pub(super) fn v2_span(ctx: &mut Ctx<'_>, z: &ZSpan<'_>, raw: &RawValue) {
    let name = z
        .name
        .as_deref()
        .and_then(Scalar::literal)
        .unwrap_or_default();
    let offset =
        z.id.as_ref()
            .and_then(|l| match &l.0 {
                Scalar::Str(std::borrow::Cow::Borrowed(t)) => ctx.input().offset_of(t),
                _ => None,
            })
            .unwrap_or_else(|| ctx.pos.offset(raw.get()));
    let at = ctx.pos.at(offset);
    let owner = SpanAt { name: &name, at };
    let (trace_id, span_id, parent_id) = read_ids(ctx, z, &owner);
    let mut s = NewSpan::new(trace_id, span_id, ctx.b.intern(&name));
    s.parent_id = parent_id;
    s.offset = offset as u64;
    s.kind = match z.kind.as_deref() {
        None | Some(Scalar::Null) => SpanKind::Internal,
        Some(k) => k.as_str().and_then(SpanKind::from_name).unwrap_or_else(|| {
            let what = k.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: kind is {what}, expected CLIENT, SERVER, PRODUCER or CONSUMER; taken as internal")
            });
            SpanKind::Internal
        }),
    };
    let local = endpoint(ctx, z.local, &owner);
    let remote = endpoint(ctx, z.remote, &owner);

    let anns = read_annotations(ctx, z.annotations, &owner);
    let first_ann = anns.iter().filter_map(|a| a.time).min();
    let mut untimed = false;
    s.start_unix_ns = match z.timestamp.as_deref() {
        None | Some(Scalar::Null) => first_ann.unwrap_or_else(|| {
            untimed = true;
            0
        }),
        Some(t) => micros(t).unwrap_or_else(|| {
            let what = t.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!(
                    "{owner}: timestamp is {what}, expected microseconds since 1970; taken as 0"
                )
            });
            0
        }),
    };
    let duration = match z.duration.as_deref() {
        None | Some(Scalar::Null) => 0,
        Some(d) => micros(d).unwrap_or_else(|| {
            let what = d.describe();
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{owner}: duration is {what}, expected microseconds; taken as 0")
            });
            0
        }),
    };
    s.end_unix_ns = s.start_unix_ns.saturating_add(duration);

    let emark = ctx.b.event_mark();
    for a in &anns {
        push_event(ctx, a);
    }
    s.events = ctx.b.commit_events(emark);

    let mut special = Special::default();
    let mut resource_tags: Vec<(String, &RawValue)> = Vec::new();
    let mark = ctx.b.attr_mark();
    if let Some(tags) = z.tags {
        match RawEntries::of(tags) {
            Some(entries) => {
                for (k, v) in entries.0 {
                    if special.take(&k, raw_scalar(v).literal()) {
                        continue;
                    }
                    if is_resource_key(&k) {
                        resource_tags.push((k.into_owned(), v));
                        continue;
                    }
                    let value = tag_value(ctx, &k, v);
                    push_attr(ctx.b, &k, value);
                }
            }
            None => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: tags are not an object; they were skipped")
                });
            }
        }
    }
    push_endpoint_attrs(ctx, &local, &remote);
    let shared = flag(z.shared.as_deref());
    if flag(z.debug.as_deref()) {
        push_attr(ctx.b, "zipkin.debug", Value::Bool(true));
    }
    if shared {
        push_attr(ctx.b, "zipkin.shared", Value::Bool(true));
    }
    s.attrs = ctx.b.commit_attrs(mark);
    s.resource = resource_for(ctx, &local.service(), &resource_tags);
    special.apply(ctx, &mut s);
    let address = local.address().map_or(Sym::EMPTY, |a| ctx.b.intern(&a));
    let meta = Meta {
        shared,
        address,
        untimed,
    };
    if untimed && z.kind.is_none() {
        // Perhaps a fragment of a half reported in pieces: merged at the end if its other piece is here.
        ctx.fragments.push((s, meta));
    } else {
        ctx.b.add_span(s);
        ctx.meta.push(meta);
    }
}

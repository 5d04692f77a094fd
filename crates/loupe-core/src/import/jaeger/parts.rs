//! What the readers of a Jaeger document share: the reading context, a trace's processes and
//! warnings, ids, and tags (typed, with the keys that become span fields taken out).

use crate::builder::Builder;
use crate::id::{IdText, TraceId, parse_id_text, parse_short_hex};
use crate::import::common::{
    InputBounds, Lax, Pos, Scalar, bytes_value, json_value, parse_element, push_attr, raw_items,
    raw_scalar, string_value,
};
use crate::intern::Sym;
use crate::model::{Resource, ResourceIx, ScopeIx, SpanKind, StatusCode, Value};
use crate::warning::WarningCode;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

pub(super) struct Ctx<'c> {
    pub(super) b: &'c mut Builder,
    pub(super) pos: Pos<'c>,
    /// Inline `process` objects by their JSON text, so equal ones share a resource.
    pub(super) inline_processes: FxHashMap<String, ResourceIx>,
    /// Instrumentation scopes by (name, version).
    pub(super) scopes: FxHashMap<(Sym, Sym), ScopeIx>,
}

impl Ctx<'_> {
    pub(super) fn input(&self) -> InputBounds {
        self.pos.bounds
    }
}

/// What one trace object (or a bare array of spans) shares between its spans.
pub(super) struct TraceScope {
    /// The first span it added.
    pub(super) first_span: usize,
    /// The trace's own `traceID`, for spans that leave theirs out.
    pub(super) trace_id: Option<TraceId>,
    /// `processID` → reserved resource, and whether the `processes` map filled it.
    pub(super) processes: FxHashMap<String, (ResourceIx, bool)>,
    /// The trace's `warnings`.
    pub(super) warnings: Vec<String>,
}

impl TraceScope {
    pub(super) fn new(b: &Builder) -> Self {
        TraceScope {
            first_span: b.set.spans.len(),
            trace_id: None,
            processes: FxHashMap::default(),
            warnings: Vec::new(),
        }
    }

    pub(super) fn process_slot(&mut self, b: &mut Builder, id: &str) -> ResourceIx {
        self.processes
            .entry(id.to_owned())
            .or_insert_with(|| (b.add_resource(Resource::default()), false))
            .0
    }
}

/// An id as read: binary, text kept as given, hex too long for the id (kept as given, warned), or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum JId<const N: usize> {
    None,
    Bytes([u8; N]),
    Raw(String),
    TooLong(String),
}

/// Reads a Jaeger id. UI JSON (`proto == false`) writes hex numbers that may have lost leading
/// zeros; the api_v2 model writes base64 (some producers hex).
pub(super) fn jaeger_id<const N: usize>(v: &Scalar<'_>, proto: bool) -> JId<N> {
    let Some(text) = v.literal() else {
        return JId::None;
    };
    let t = text.trim();
    if t.is_empty() {
        return JId::None;
    }
    if proto {
        match parse_id_text::<N>(t) {
            IdText::Bytes(b) => return JId::Bytes(b),
            IdText::Zero | IdText::Empty => return JId::None,
            IdText::Other => {}
        }
    }
    if t.bytes().all(|c| c.is_ascii_hexdigit()) {
        return match parse_short_hex::<N>(t) {
            Some(b) if b.iter().all(|&x| x == 0) => JId::None,
            Some(b) => JId::Bytes(b),
            None => JId::TooLong(t.to_owned()),
        };
    }
    JId::Raw(t.to_owned())
}

/// Whether tags belong to a span, a log or a process (each has its own special keys).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum TagsOf {
    Span,
    Log,
    Process,
}

/// Tags that become span fields instead of attributes.
#[derive(Default, Debug)]
pub(super) struct Special {
    pub(super) kind: Option<SpanKind>,
    pub(super) error: Option<bool>,
    pub(super) status: Option<StatusCode>,
    pub(super) status_message: Option<String>,
    pub(super) event: Option<String>,
    pub(super) scope_name: Option<String>,
    pub(super) scope_version: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct JTag<'a> {
    #[serde(borrow)]
    pub(super) key: Option<Lax<'a>>,
    #[serde(borrow, rename = "type")]
    pub(super) ty: Option<Lax<'a>>,
    #[serde(borrow)]
    pub(super) value: Option<&'a RawValue>,
    #[serde(borrow, rename = "vType", alias = "v_type")]
    pub(super) v_type: Option<Lax<'a>>,
    #[serde(borrow, rename = "vStr", alias = "v_str")]
    pub(super) v_str: Option<&'a RawValue>,
    #[serde(borrow, rename = "vBool", alias = "v_bool")]
    pub(super) v_bool: Option<&'a RawValue>,
    #[serde(borrow, rename = "vInt64", alias = "v_int64")]
    pub(super) v_int64: Option<&'a RawValue>,
    #[serde(borrow, rename = "vFloat64", alias = "v_float64")]
    pub(super) v_float64: Option<&'a RawValue>,
    #[serde(borrow, rename = "vBinary", alias = "v_binary")]
    pub(super) v_binary: Option<&'a RawValue>,
}

/// Tag value types, from UI JSON's `type` or api_v2's `vType`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum TagType {
    Str,
    Bool,
    Int64,
    Float64,
    Binary,
}

impl TagType {
    pub(super) fn from_name(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "string" => TagType::Str,
            "bool" => TagType::Bool,
            "int64" => TagType::Int64,
            "float64" => TagType::Float64,
            "binary" => TagType::Binary,
            _ => return None,
        })
    }

    pub(super) fn from_proto(v: &Scalar<'_>) -> Option<Self> {
        match v.as_i64() {
            Some(0) => Some(TagType::Str),
            Some(1) => Some(TagType::Bool),
            Some(2) => Some(TagType::Int64),
            Some(3) => Some(TagType::Float64),
            Some(4) => Some(TagType::Binary),
            Some(_) => None,
            None => v.as_str().and_then(TagType::from_name),
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            TagType::Str => "string",
            TagType::Bool => "bool",
            TagType::Int64 => "int64",
            TagType::Float64 => "float64",
            TagType::Binary => "binary",
        }
    }
}

/// The declared type (if any, and whether it was understood) and the raw value of a tag.
pub(super) fn tag_parts<'a>(
    t: &JTag<'a>,
) -> (Option<Result<TagType, String>>, Option<&'a RawValue>) {
    if let Some(ty) = &t.ty {
        let declared = ty
            .as_str()
            .and_then(TagType::from_name)
            .ok_or_else(|| ty.describe());
        return (Some(declared), t.value);
    }
    if let Some(vt) = &t.v_type {
        let declared = TagType::from_proto(vt).ok_or_else(|| vt.describe());
        let raw = match declared {
            Ok(TagType::Str) => t.v_str,
            Ok(TagType::Bool) => t.v_bool,
            Ok(TagType::Int64) => t.v_int64,
            Ok(TagType::Float64) => t.v_float64,
            Ok(TagType::Binary) => t.v_binary,
            Err(_) => t.value,
        };
        return (Some(declared), raw);
    }
    // api_v2 leaves `vType` out when it is STRING (0); the field that is present says the type.
    for (ty, raw) in [
        (TagType::Str, t.v_str),
        (TagType::Bool, t.v_bool),
        (TagType::Int64, t.v_int64),
        (TagType::Float64, t.v_float64),
        (TagType::Binary, t.v_binary),
    ] {
        if raw.is_some() {
            return (Some(Ok(ty)), raw);
        }
    }
    (None, t.value)
}

/// Converts a tag's raw value to its declared type. `Err` when it does not fit the type.
pub(super) fn typed_value(ctx: &mut Ctx<'_>, ty: TagType, raw: &RawValue) -> Result<Value, ()> {
    let input = ctx.input();
    let is_string = raw.get().starts_with('"');
    Ok(match ty {
        TagType::Str if is_string => string_value(ctx.b, input, raw),
        TagType::Str => ctx.b.string_value(raw.get()),
        TagType::Bool => Value::Bool(raw_scalar(raw).as_bool().ok_or(())?),
        TagType::Int64 => Value::Int(raw_scalar(raw).as_i64().ok_or(())?),
        TagType::Float64 => Value::Double(raw_scalar(raw).as_f64().ok_or(())?),
        TagType::Binary if is_string => bytes_value(ctx.b, input, raw),
        TagType::Binary => return Err(()),
    })
}

/// Reads a tag list, pushing attributes onto the builder's list and taking out the special keys.
pub(super) fn read_tags(
    ctx: &mut Ctx<'_>,
    raw: Option<&RawValue>,
    of: TagsOf,
    special: &mut Special,
    owner: &dyn fmt::Display,
) {
    let Some(raw) = raw else { return };
    let Some(items) = raw_items(raw) else {
        let at = ctx.pos.at_str(raw.get());
        ctx.b.warn(WarningCode::BadValue, || {
            format!("{owner}: tags at {at} are not an array; they were skipped")
        });
        return;
    };
    for item in items {
        let tag: JTag<'_> = match parse_element(ctx.pos, item) {
            Ok(t) => t,
            Err(msg) => {
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: {msg}; the tag was skipped")
                });
                continue;
            }
        };
        let Some(key) = tag.key.as_deref().and_then(Scalar::literal) else {
            let at = ctx.pos.at_str(item.get());
            ctx.b.warn(WarningCode::MissingField, || {
                format!("{owner}: the tag at {at} has no key; it was skipped")
            });
            continue;
        };
        let (declared, value_raw) = tag_parts(&tag);
        if take_special(special, of, &key, value_raw) {
            continue;
        }
        let value = match (declared, value_raw) {
            (_, None) => Value::Empty,
            (None, Some(r)) => json_value(ctx.b, ctx.input(), r),
            (Some(Ok(ty)), Some(r)) => match typed_value(ctx, ty, r) {
                Ok(v) => v,
                Err(()) => {
                    let (at, text) = (ctx.pos.at_str(r.get()), raw_scalar(r).describe());
                    ctx.b.warn(WarningCode::BadValue, || {
                        format!("{owner}: tag `{key}` at {at} is declared {} but holds {text}; kept as it is", ty.name())
                    });
                    json_value(ctx.b, ctx.input(), r)
                }
            },
            (Some(Err(what)), Some(r)) => {
                let at = ctx.pos.at_str(r.get());
                ctx.b.warn(WarningCode::BadValue, || {
                    format!("{owner}: tag `{key}` at {at} has type {what}, expected string, bool, int64, float64 or binary; its value was read as it is")
                });
                json_value(ctx.b, ctx.input(), r)
            }
        };
        push_attr(ctx.b, &key, value);
    }
}

/// Takes a tag that becomes a span field; `true` when it was taken.
pub(super) fn take_special(
    special: &mut Special,
    of: TagsOf,
    key: &str,
    raw: Option<&RawValue>,
) -> bool {
    let value = raw.map(raw_scalar);
    let text = value.as_ref().and_then(Scalar::literal);
    match (of, key) {
        (TagsOf::Span, "span.kind") => match text.as_deref().and_then(SpanKind::from_name) {
            Some(k) => special.kind = Some(k),
            None => return false,
        },
        (TagsOf::Span, "error") => match value.as_ref().and_then(Scalar::as_bool) {
            Some(b) => special.error = Some(b),
            None => return false,
        },
        (TagsOf::Span, "otel.status_code") => {
            match text.as_deref().and_then(StatusCode::from_name) {
                Some(c) => special.status = Some(c),
                None => return false,
            }
        }
        (TagsOf::Span, "otel.status_description") => special.status_message = text,
        (TagsOf::Span, "otel.scope.name" | "otel.library.name") => special.scope_name = text,
        (TagsOf::Span, "otel.scope.version" | "otel.library.version") => {
            special.scope_version = text;
        }
        (TagsOf::Log, "event") if text.is_some() => special.event = text,
        (TagsOf::Process, "service.name") => {}
        _ => return false,
    }
    true
}

/// Strings of a JSON array (other items as their JSON text).
pub(super) fn strings(raw: &RawValue) -> Vec<String> {
    raw_items(raw)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            raw_scalar(r)
                .literal()
                .unwrap_or_else(|| r.get().to_owned())
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct JProcess<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service: Option<Lax<'a>>,
    #[serde(borrow)]
    tags: Option<&'a RawValue>,
}

/// A process object as a resource: `service.name` first, then its tags.
pub(super) fn process_resource(ctx: &mut Ctx<'_>, raw: &RawValue) -> Resource {
    let p: JProcess<'_> = match parse_element(ctx.pos, raw) {
        Ok(p) => p,
        Err(msg) => {
            ctx.b.warn(WarningCode::BadValue, || {
                format!("{msg}; a process could not be read, its spans have no service")
            });
            return Resource::default();
        }
    };
    let mark = ctx.b.attr_mark();
    let service = p.service.and_then(|s| s.literal()).unwrap_or_default();
    let service_name = if service.is_empty() {
        Sym::EMPTY
    } else {
        let sym = ctx.b.intern(&service);
        push_attr(ctx.b, "service.name", Value::Str(sym));
        sym
    };
    let mut special = Special::default();
    read_tags(ctx, p.tags, TagsOf::Process, &mut special, &"a process");
    Resource {
        attrs: ctx.b.commit_attrs(mark),
        service_name,
        schema_url: Sym::EMPTY,
        dropped_attrs: 0,
    }
}

pub(super) fn fill_process(ctx: &mut Ctx<'_>, scope: &mut TraceScope, id: &str, raw: &RawValue) {
    let resource = process_resource(ctx, raw);
    match scope.processes.get_mut(id) {
        Some((ix, filled)) => {
            ctx.b.set_resource(*ix, resource);
            *filled = true;
        }
        None => {
            let ix = ctx.b.add_resource(resource);
            scope.processes.insert(id.to_owned(), (ix, true));
        }
    }
}

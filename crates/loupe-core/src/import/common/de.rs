//! serde building blocks of the JSON importers: field-name enums, lenient scalars, object keys,
//! objects and arrays left as raw JSON, and seeds that hand each element to a closure.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Declares an enum of known field names (with their aliases) and `Other`, read as a map key.
macro_rules! fields {
    ($name:ident { $($variant:ident => [$($s:literal),+]),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum $name { $($variant,)* Other }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        self.visit_bytes(s.as_bytes())
                    }
                    // Keys are matched as bytes: serde_json then skips UTF-8 validation of them.
                    fn visit_bytes<E: serde::de::Error>(self, s: &[u8]) -> Result<$name, E> {
                        $(if $(s == $s.as_bytes())||+ {
                            return Ok($name::$variant);
                        })*
                        Ok($name::Other)
                    }
                }
                d.deserialize_bytes(V)
            }
        }
    };
}
pub(crate) use fields;

/// Any JSON value, read without failing on a type the caller did not expect.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Str(Cow<'de, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    Null,
    /// An array or object (skipped).
    Complex,
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
        }
        d.deserialize_any(V)
    }
}

impl Scalar<'_> {
    /// An unsigned integer from a number or a decimal string (protobuf JSON writes int64 as strings).
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Scalar::U64(v) => Some(*v),
            Scalar::I64(v) => u64::try_from(*v).ok(),
            Scalar::F64(v) if v.is_finite() && *v >= 0.0 && *v < 1.9e19 => Some(*v as u64),
            // Plain digits (timestamps) are read directly: the same value as `parse`, faster.
            Scalar::Str(s)
                if (1..=19).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit()) =>
            {
                Some(s.bytes().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
            }
            Scalar::Str(s) => {
                let s = s.trim();
                s.parse::<u64>()
                    .ok()
                    .or_else(|| s.parse::<f64>().ok().and_then(|f| Scalar::F64(f).as_u64()))
            }
            _ => None,
        }
    }

    /// A signed integer from a number or a decimal string.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::U64(v) => i64::try_from(*v).ok(),
            Scalar::I64(v) => Some(*v),
            Scalar::F64(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 => {
                Some(*v as i64)
            }
            Scalar::Str(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
    }

    /// A double from a number or a string (protobuf JSON writes `"NaN"`, `"Infinity"`).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::U64(v) => Some(*v as f64),
            Scalar::I64(v) => Some(*v as f64),
            Scalar::F64(v) => Some(*v),
            Scalar::Str(s) => match s.trim() {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                t => t.parse().ok(),
            },
            _ => None,
        }
    }

    /// A boolean from `true`/`false` or their strings.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Str(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The string, if it is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string, number or boolean; `None` for null, arrays and objects.
    pub(crate) fn literal(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::U64(v) => Some(v.to_string()),
            Scalar::I64(v) => Some(v.to_string()),
            Scalar::F64(v) => Some(v.to_string()),
            Scalar::Bool(v) => Some(v.to_string()),
            Scalar::Null | Scalar::Complex => None,
        }
    }

    /// A short description for messages: `a string "abc"`, `the number 5`, `an object`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scalar::Str(s) if s.len() > 40 => format!("a {}-byte string", s.len()),
            Scalar::Str(s) => format!("the string {s:?}"),
            Scalar::U64(v) => format!("the number {v}"),
            Scalar::I64(v) => format!("the number {v}"),
            Scalar::F64(v) => format!("the number {v}"),
            Scalar::Bool(v) => format!("{v}"),
            Scalar::Null => "null".into(),
            Scalar::Complex => "an array or object".into(),
        }
    }
}

/// An unsigned integer from its decimal digits (ids written as big JSON numbers), never through f64.
pub(crate) fn decimal_u128(s: &str) -> Option<u128> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A JSON object key, borrowed from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The entries of a JSON object in their order, each value left as raw JSON.
#[derive(Debug, Default)]
pub(crate) struct RawEntries<'de>(pub(crate) Vec<(Cow<'de, str>, &'de RawValue)>);

impl<'de> de::Deserialize<'de> for RawEntries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEntries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawEntries<'de>, E> {
                Ok(RawEntries::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEntries<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Key<'de>>()? {
                    out.push((k.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawEntries(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> RawEntries<'de> {
    /// The entries of `raw` if it is an object (or `null`, which has none).
    pub(crate) fn of(raw: &'de RawValue) -> Option<Self> {
        serde_json::from_str(raw.get()).ok()
    }

    /// The value of the first of `keys` present (in the order of `keys`).
    pub(crate) fn get(&self, keys: &[&str]) -> Option<&'de RawValue> {
        keys.iter()
            .find_map(|k| self.0.iter().find(|(name, _)| name == k).map(|(_, v)| *v))
    }
}

/// The items of `raw` if it is an array (`null` has none).
pub(crate) fn raw_items(raw: &RawValue) -> Option<Vec<&RawValue>> {
    if raw.get() == "null" {
        return Some(Vec::new());
    }
    serde_json::from_str(raw.get()).ok()
}

/// A raw JSON value read as a lenient scalar (arrays and objects read as [`Scalar::Complex`]).
pub(crate) fn raw_scalar(raw: &RawValue) -> Scalar<'_> {
    serde_json::from_str(raw.get()).unwrap_or(Scalar::Complex)
}

/// A [`Scalar`] as a field of a derived struct that borrows from the input (`Option<Lax>`: `null`
/// and a missing field are both `None`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lax<'a>(pub(crate) Scalar<'a>);

impl<'de: 'a, 'a> de::Deserialize<'de> for Lax<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'a RawValue as de::Deserialize<'de>>::deserialize(d)?;
        Ok(Lax(raw_scalar(raw)))
    }
}

impl<'a> std::ops::Deref for Lax<'a> {
    type Target = Scalar<'a>;
    fn deref(&self) -> &Scalar<'a> {
        &self.0
    }
}

/// Calls a closure with each element of a JSON array as raw JSON; `null` reads as an empty array.
pub(crate) struct EachRaw<F>(pub(crate) F);

impl<'de, F: FnMut(&'de RawValue)> DeserializeSeed<'de> for EachRaw<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(&'de RawValue)> Visitor<'de> for EachRaw<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            (self.0)(raw);
        }
        Ok(())
    }
}

/// Calls a closure with each entry of a JSON object, the value as raw JSON; `null` reads as empty.
pub(crate) struct EachEntry<F>(pub(crate) F);

impl<'de, F: FnMut(Cow<'de, str>, &'de RawValue)> DeserializeSeed<'de> for EachEntry<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Cow<'de, str>, &'de RawValue)> Visitor<'de> for EachEntry<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<Key<'de>>()? {
            let v = map.next_value::<&'de RawValue>()?;
            (self.0)(k.0, v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_lenient() {
        assert_eq!(Scalar::Str("123".into()).as_u64(), Some(123));
        assert_eq!(Scalar::F64(1.5e9).as_u64(), Some(1_500_000_000));
        assert_eq!(Scalar::I64(-1).as_u64(), None);
        assert_eq!(
            Scalar::Str("9223372036854775807".into()).as_i64(),
            Some(i64::MAX)
        );
        assert!(Scalar::Str("NaN".into()).as_f64().is_some_and(f64::is_nan));
        assert_eq!(Scalar::Str("true".into()).as_bool(), Some(true));
    }

    #[test]
    fn decimal_ids_are_exact() {
        assert_eq!(
            decimal_u128("100927429609276267646756448943279827607"),
            Some(100_927_429_609_276_267_646_756_448_943_279_827_607)
        );
        assert_eq!(decimal_u128(&u128::MAX.to_string()), Some(u128::MAX));
        assert_eq!(
            decimal_u128("340282366920938463463374607431768211456"),
            None
        );
        assert_eq!(decimal_u128("12a"), None);
        assert_eq!(decimal_u128("-1"), None);
        assert_eq!(decimal_u128(""), None);
    }
}

//! Trace and span identifiers: 16- and 8-byte binary ids, or the text as given when a file's id is not one.

use crate::intern::{Interner, Sym};
use std::fmt;

/// A 128-bit trace id, or the id text as the file gave it when it was not one.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum TraceId {
    /// 16 bytes, big-endian.
    Bytes([u8; 16]),
    /// An id that was not 16 bytes of hex or base64, kept as given.
    Raw(Sym),
}

/// A 64-bit span id, or the id text as the file gave it when it was not one.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum SpanId {
    /// 8 bytes, big-endian.
    Bytes([u8; 8]),
    /// An id that was not 8 bytes of hex or base64, kept as given.
    Raw(Sym),
}

impl TraceId {
    /// From an unsigned 128-bit number (e.g. a decimal id).
    pub fn from_u128(v: u128) -> Self {
        TraceId::Bytes(v.to_be_bytes())
    }

    /// Lowercase hex for binary ids, the original text for raw ones.
    pub fn display<'a>(&self, strings: &'a Interner) -> IdDisplay<'a> {
        match self {
            TraceId::Bytes(b) => IdDisplay::Hex(b.to_vec()),
            TraceId::Raw(s) => IdDisplay::Raw(strings.resolve(*s)),
        }
    }
}

impl SpanId {
    /// From an unsigned 64-bit number.
    pub fn from_u64(v: u64) -> Self {
        SpanId::Bytes(v.to_be_bytes())
    }

    /// Lowercase hex for binary ids, the original text for raw ones.
    pub fn display<'a>(&self, strings: &'a Interner) -> IdDisplay<'a> {
        match self {
            SpanId::Bytes(b) => IdDisplay::Hex(b.to_vec()),
            SpanId::Raw(s) => IdDisplay::Raw(strings.resolve(*s)),
        }
    }
}

/// Formats an id for people and JSON.
#[derive(Debug)]
pub enum IdDisplay<'a> {
    /// Printed as lowercase hex.
    Hex(Vec<u8>),
    /// Printed as given.
    Raw(&'a str),
}

impl fmt::Display for IdDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdDisplay::Hex(bytes) => {
                for b in bytes {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
            IdDisplay::Raw(s) => f.write_str(s),
        }
    }
}

/// What an id's text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdText<const N: usize> {
    /// Empty text.
    Empty,
    /// Exactly N bytes, all zero (means "no id" for parents).
    Zero,
    /// Exactly N bytes, from hex or base64.
    Bytes([u8; N]),
    /// Anything else; the caller keeps the text as given.
    Other,
}

/// Reads an id written as 2N hex digits (any case) or as base64 of N bytes (protobuf's JSON mapping).
pub fn parse_id_text<const N: usize>(s: &str) -> IdText<N> {
    let s = s.trim();
    if s.is_empty() {
        return IdText::Empty;
    }
    let bytes = if s.len() == 2 * N {
        decode_hex::<N>(s).or_else(|| decode_base64::<N>(s))
    } else {
        decode_base64::<N>(s)
    };
    match bytes {
        Some(b) if b.iter().all(|&x| x == 0) => IdText::Zero,
        Some(b) => IdText::Bytes(b),
        None => IdText::Other,
    }
}

/// Reads hex that lost its leading zeros (Jaeger writes ids as numbers): up to 2N hex digits, left-padded.
pub fn parse_short_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.is_empty() || s.len() > 2 * N || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut padded = String::with_capacity(2 * N);
    for _ in s.len()..2 * N {
        padded.push('0');
    }
    padded.push_str(s);
    decode_hex::<N>(&padded)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn decode_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (hex_val(b[2 * i])? << 4) | hex_val(b[2 * i + 1])?;
    }
    Some(out)
}

/// Decodes standard or URL-safe base64, padded or not, into exactly N bytes.
fn decode_base64<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let decoded = decode_base64_vec(s)?;
    if decoded.len() != N {
        return None;
    }
    out.copy_from_slice(&decoded);
    Some(out)
}

/// Decodes standard or URL-safe base64, padded or not.
pub fn decode_base64_vec(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding (fewer than 6 of them).
    if bits >= 6 || acc != 0 {
        return None;
    }
    Some(out)
}

/// Encodes bytes as standard padded base64.
pub fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An input file's position in [`TraceSet::sources`](crate::model::TraceSet::sources).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct SourceId(pub u32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_any_case() {
        assert_eq!(
            parse_id_text::<8>("00F067AA0BA902B7"),
            IdText::Bytes([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7])
        );
        assert_eq!(
            parse_id_text::<8>("00f067aa0ba902b7"),
            parse_id_text::<8>("00F067AA0BA902B7")
        );
    }

    #[test]
    fn base64_ids() {
        // 5B8EFFF798038103D269B633813FC60C in base64
        let IdText::Bytes(b) = parse_id_text::<16>("W47/95gDgQPSabYzgT/GDA==") else {
            panic!("not decoded")
        };
        assert_eq!(b[0], 0x5b);
        assert_eq!(b[15], 0x0c);
        let IdText::Bytes(s) = parse_id_text::<8>("7vnqAAAAAAA=") else {
            panic!("not decoded")
        };
        assert_eq!(s, [0xee, 0xf9, 0xea, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn zero_empty_and_other() {
        assert_eq!(parse_id_text::<8>(""), IdText::Empty);
        assert_eq!(parse_id_text::<8>("0000000000000000"), IdText::Zero);
        assert_eq!(parse_id_text::<8>("AAAAAAAAAAA="), IdText::Zero);
        assert_eq!(parse_id_text::<8>("span-2_1"), IdText::Other);
        assert_eq!(parse_id_text::<16>("abc"), IdText::Other);
        assert_eq!(parse_id_text::<8>("0f067aa0ba902b7"), IdText::Other);
    }

    #[test]
    fn short_hex_is_padded() {
        assert_eq!(
            parse_short_hex::<8>("f067aa0ba902b7"),
            Some([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7])
        );
        assert_eq!(parse_short_hex::<8>("xyz"), None);
    }

    #[test]
    fn base64_roundtrip() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode_base64(&bytes);
            assert_eq!(
                decode_base64_vec(&text).as_deref(),
                Some(&bytes[..]),
                "{text}"
            );
        }
    }

    #[test]
    fn display_is_lowercase_hex() {
        let mut strings = Interner::default();
        let id = match parse_id_text::<16>("5B8EFFF798038103D269B633813FC60C") {
            IdText::Bytes(b) => TraceId::Bytes(b),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            id.display(&strings).to_string(),
            "5b8efff798038103d269b633813fc60c"
        );
        let raw = TraceId::Raw(strings.intern("trace-123"));
        assert_eq!(raw.display(&strings).to_string(), "trace-123");
    }
}

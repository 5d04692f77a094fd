//! Sniffing: what the start of an input looks like (a byte-order mark, object keys near the top,
//! JSON Lines), and splitting an input into its lines.

use serde::de::IgnoredAny;

/// Skips leading whitespace and a UTF-8 byte-order mark.
pub(crate) fn trim_start(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    loop {
        if let Some(rest) = b.strip_prefix(b"\xEF\xBB\xBF") {
            b = rest;
        } else if let Some((first, rest)) = b.split_first()
            && first.is_ascii_whitespace()
        {
            b = rest;
        } else {
            return b;
        }
    }
}

/// Whether `key` appears as an object key (`"key"` then `:`) in `head`.
pub(crate) fn has_key(head: &[u8], key: &str) -> bool {
    let needle = format!("\"{key}\"");
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    finder.find_iter(head).any(|at| {
        head[at + needle.len()..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            == Some(&b':')
    })
}

/// The first `limit` bytes, for sniffing.
pub(crate) fn head(bytes: &[u8], limit: usize) -> &[u8] {
    &bytes[..bytes.len().min(limit)]
}

/// Splits into lines (without `\n` and a trailing `\r`), with their 1-based numbers, skipping blank ones.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    // memchr finds newlines an order of magnitude faster than a byte-by-byte split, which
    // matters for a 1 GB single-line document.
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &bytes[start..end];
            start = end + 1;
            number += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some((number, line));
            }
        }
        None
    })
}

/// JSON Lines: more than one non-blank line, and the first (or, if that one is broken, the second)
/// non-blank line is a complete JSON object by itself. A pretty-printed document fails this at once.
pub(crate) fn is_json_lines(bytes: &[u8]) -> bool {
    let mut it = lines(bytes);
    let Some((_, first)) = it.next() else {
        return false;
    };
    let Some((_, second)) = it.next() else {
        return false;
    };
    let complete = |l: &[u8]| {
        trim_start(l).first() == Some(&b'{') && serde_json::from_slice::<IgnoredAny>(l).is_ok()
    };
    complete(first) || complete(second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_detection() {
        assert!(is_json_lines(b"{\"a\":1}\n{\"a\":2}\n"));
        assert!(is_json_lines(b"{\"a\":\n{\"a\":2}\n"));
        assert!(!is_json_lines(b"{\n  \"a\": 1\n}\n"));
        assert!(!is_json_lines(b"{\"a\":1}\n\n"));
    }

    #[test]
    fn keys_must_be_keys() {
        assert!(has_key(br#"{ "resourceSpans" : []}"#, "resourceSpans"));
        assert!(!has_key(br#"{"x": "resourceSpans"}"#, "resourceSpans"));
    }
}

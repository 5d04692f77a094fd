//! Secrets written as `name=value` or `name: value` in text, where the name is secret-named by the
//! key rules ([`crate::secrets::keys`]): query strings and form bodies (`?api_key=…&token=…`),
//! shell and `.env` lines (`DB_PASSWORD=…`), header lines of raw HTTP dumps (`x-api-key: …`,
//! `Cookie: …`), YAML and INI lines, and quoted pairs in text that is not valid JSON
//! (`'password': '…'`, a JSON text cut short).

use super::text::Hit;
use crate::secrets::keys::{self, SecretBy};
use crate::secrets::kind::Kind;

fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// What may stand right before a name: the text's start, a space, a separator of query strings
/// and argument lists, or a quote.
fn name_boundary(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'?' | b'&' | b';' | b',' | b'{' | b'(' | b'[' | b'"' | b'\'' | b'`' | b'|' | b'='
        )
}

/// Every secret-named `name=value` / `name: value` in `t`.
pub(super) fn assignments(t: &[u8], out: &mut Vec<Hit>) {
    let mut done = 0;
    for p in memchr::memchr2_iter(b'=', b':', t) {
        if p < done || p == 0 {
            continue;
        }
        if let Some(h) = at_separator(t, p) {
            done = h.end;
            out.push(h);
        }
    }
}

fn at_separator(t: &[u8], p: usize) -> Option<Hit> {
    let sep = t[p];
    // `://` is a URL, `==` and `:=` are code.
    if sep == b':' && t.get(p + 1) == Some(&b'/') {
        return None;
    }
    if t.get(p + 1) == Some(&b'=') || (p > 0 && matches!(t[p - 1], b'=' | b'!' | b'<' | b'>')) {
        return None;
    }
    // The name, quoted or not, with spaces allowed before the separator (`key = value`).
    let mut ne = p;
    while ne > 0 && matches!(t[ne - 1], b' ' | b'\t') && p - ne < 8 {
        ne -= 1;
    }
    let quote = match ne.checked_sub(1).map(|i| t[i]) {
        Some(q @ (b'"' | b'\'')) => {
            ne -= 1;
            Some(q)
        }
        _ => None,
    };
    let mut ns = ne;
    while ns > 0 && name_char(t[ns - 1]) && ne - ns < 64 {
        ns -= 1;
    }
    if ns == ne {
        return None;
    }
    let before = ns.checked_sub(1).map(|i| t[i]);
    match quote {
        Some(q) => {
            if before != Some(q) {
                return None;
            }
        }
        None => {
            if before.is_some_and(|b| !name_boundary(b)) {
                return None;
            }
        }
    }
    // `name: value` unquoted needs a space after the colon. A header or YAML line (the name
    // starts its line, or a quote opens it as in `-H 'x-api-key: …'`) has the rest of the line
    // as its value; in running text (`… the password: hunter2 …`) the value is one word.
    let mut header = false;
    if sep == b':' && quote.is_none() {
        if !matches!(t.get(p + 1), Some(b' ' | b'\t')) {
            return None;
        }
        let line_start = t[..ns]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let lead = &t[line_start..ns];
        header = lead.iter().all(|b| matches!(b, b' ' | b'\t' | b'-'))
            || matches!(before, Some(b'"' | b'\''));
    }
    let name = std::str::from_utf8(&t[ns..ne]).ok()?;
    // `Authorization` has its own detector (it knows the schemes).
    if name.len() >= 13 && name[name.len() - 13..].eq_ignore_ascii_case("authorization") {
        return None;
    }
    let by = keys::classify(name).secret;
    if by == SecretBy::No {
        return None;
    }
    let query = matches!(before, Some(b'?' | b'&' | b';'));
    // The value.
    let mut vs = p + 1;
    while vs < t.len() && matches!(t[vs], b' ' | b'\t') {
        vs += 1;
    }
    let (vs, ve) = match t.get(vs) {
        Some(&q @ (b'"' | b'\'')) => {
            let s = vs + 1;
            let mut e = s;
            while e < t.len() && t[e] != q && t[e] != b'\n' && e - s < 1024 {
                e += if t[e] == b'\\' { 2 } else { 1 };
            }
            (s, e.min(t.len()))
        }
        _ => {
            let mut e = vs;
            while e < t.len() && e - vs < 1024 {
                let b = t[e];
                let stop = if header {
                    b == b'\n' || b == b'\r'
                } else {
                    b.is_ascii_whitespace()
                        || matches!(b, b'&' | b'"' | b'\'' | b'`' | b';' | b'<' | b'>')
                        || (query && b == b'#')
                        || (quote.is_some() && matches!(b, b',' | b'}' | b']'))
                };
                if stop {
                    break;
                }
                e += 1;
            }
            while e > vs && t[e - 1].is_ascii_whitespace() {
                e -= 1;
            }
            (vs, e)
        }
    };
    let mut ve = ve;
    let running_text = sep == b':' && quote.is_none() && !header;
    if running_text {
        // `… the password: hunter2.` — the sentence's punctuation is not the value's.
        while ve > vs && matches!(t[ve - 1], b'.' | b',' | b';' | b'!' | b'?' | b')') {
            ve -= 1;
        }
    }
    let value = std::str::from_utf8(&t[vs..ve]).ok()?;
    if value.is_empty() || !keys::is_secret_value(value, by) {
        return None;
    }
    // In running text, a word (`the password: it must be long`) is prose, not a value: a value
    // there has six characters or more, one of them not a letter.
    if running_text
        && (value.len() < 6 || value.bytes().all(|b| b.is_ascii_alphabetic() || b >= 0x80))
    {
        return None;
    }
    // A JSON number, `true` or an object under the name is a count, a flag or structure.
    if quote.is_some() && matches!(value.as_bytes()[0], b'{' | b'[') {
        return None;
    }
    Some(Hit {
        kind: Kind::SecretField,
        start: vs,
        end: ve,
    })
}

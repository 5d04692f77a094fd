//! What every detector shares: a match ([`Hit`]), the hints a key gives ([`KeyHints`]) and
//! byte-level helpers.

use crate::secrets::kind::Kind;
use memchr::memmem;

/// One match: a kind and a byte range of the text.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
}

/// What the key holding the text says about it.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub struct KeyHints {
    /// The key names a phone number (`phone`, `mobile`, `tel`, …).
    pub phone: bool,
    /// The key names a payment card (`card_number`, `credit_card`, …).
    pub card: bool,
    /// The key names a Social Security number (`ssn`, `social_security_number`).
    pub ssn: bool,
}

pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

pub(super) fn has_digit(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_digit)
}

pub(super) fn has_alpha(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_alphabetic)
}

pub(super) fn lower_eq(t: &[u8], at: usize, word: &[u8]) -> bool {
    t.get(at..at + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word))
}

pub(super) fn finder(
    cell: &'static std::sync::OnceLock<memmem::Finder<'static>>,
    needle: &'static [u8],
) -> &'static memmem::Finder<'static> {
    cell.get_or_init(|| memmem::Finder::new(needle))
}

/// Words that stand for a password in documentation rather than being one.
pub(crate) fn is_placeholder(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    if v.is_empty() || is_template(v) {
        return true;
    }
    if v.iter()
        .all(|&b| b == b'*' || b == b'x' || b == b'X' || b == b'.')
    {
        return true;
    }
    const WORDS: [&[u8]; 17] = [
        b"changeme",
        b"change_me",
        b"example",
        b"password",
        b"passwd",
        b"pass",
        b"pwd",
        b"secret",
        b"redacted",
        b"hidden",
        b"null",
        b"none",
        b"undefined",
        b"true",
        b"false",
        b"n/a",
        b"your_password",
    ];
    WORDS.iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// A template's slot rather than a value: `${DB_PASSWORD}`, `$DB_PASSWORD`, `{{ password }}`,
/// `<password>`, `%(password)s`, `%PASSWORD%`, `[REDACTED:…]`. A long random string that happens
/// to start with `$`, `{`, `<`, `%` or `[` is not one.
fn is_template(v: &[u8]) -> bool {
    let name = |s: &[u8], extra: &[u8]| {
        let s = s.trim_ascii();
        !s.is_empty()
            && s.len() <= 64
            && s.iter().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || extra.contains(b)
            })
    };
    let within = |open: &[u8], close: &[u8], extra: &[u8]| {
        v.strip_prefix(open)
            .and_then(|r| r.strip_suffix(close))
            .is_some_and(|inner| name(inner, extra))
    };
    match v[0] {
        b'$' => {
            within(b"${", b"}", b":-") || within(b"$(", b")", b" ") || {
                // `$NAME`: a variable, not a random string (those mix cases and digits).
                let r = &v[1..];
                name(r, b"")
                    && !(r.iter().any(u8::is_ascii_uppercase)
                        && r.iter().any(u8::is_ascii_lowercase)
                        && has_digit(r))
            }
        }
        b'{' => within(b"{{", b"}}", b" ") || within(b"{", b"}", b" "),
        b'<' => within(b"<", b">", b" "),
        b'%' => within(b"%(", b")s", b"") || within(b"%", b"%", b""),
        b'[' => within(b"[", b"]", b": "),
        _ => false,
    }
}

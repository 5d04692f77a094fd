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

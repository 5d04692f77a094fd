//! Personal data: e-mail addresses, phone numbers, payment cards and IBANs.

use super::text::*;
use crate::secrets::kind::Kind;

pub(super) fn local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Top-level domains reserved for documentation and tests, and file extensions that follow `@2x`.
pub(super) const NOT_PERSONAL_TLDS: [&str; 22] = [
    "test",
    "example",
    "invalid",
    "localhost",
    "local",
    "internal",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "webp",
    "ico",
    "js",
    "mjs",
    "ts",
    "css",
    "json",
    "html",
    "txt",
    "md",
    "lock",
];

pub(super) fn emails(t: &[u8], out: &mut Vec<Hit>) {
    for at in memchr::memchr_iter(b'@', t) {
        let mut s = at;
        while s > 0 && at - s < 64 && local_char(t[s - 1]) {
            s -= 1;
        }
        if s == at || (s > 0 && local_char(t[s - 1])) || t[s] == b'.' || t[at - 1] == b'.' {
            continue;
        }
        let mut e = at + 1;
        while e < t.len()
            && e - at <= 255
            && (t[e].is_ascii_alphanumeric() || matches!(t[e], b'.' | b'-'))
        {
            e += 1;
        }
        while e > at + 1 && matches!(t[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let Ok(domain) = std::str::from_utf8(&t[at + 1..e]) else {
            continue;
        };
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        {
            continue;
        }
        let tld = labels[labels.len() - 1];
        if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let tld_l = tld.to_ascii_lowercase();
        if NOT_PERSONAL_TLDS.contains(&tld_l.as_str()) {
            continue;
        }
        // RFC 2606 documentation domains: example.com, example.net, example.org and their subdomains.
        let sld = labels[labels.len() - 2].to_ascii_lowercase();
        if labels.len() >= 2 && sld == "example" && matches!(tld_l.as_str(), "com" | "net" | "org")
        {
            continue;
        }
        let local = &t[s..at];
        if local.eq_ignore_ascii_case(b"git") {
            continue;
        }
        out.push(Hit {
            kind: Kind::Email,
            start: s,
            end: e,
        });
    }
}

/// Parses a phone-shaped run at `j`: digits with single separators (space, `-`, `.`) and one
/// parenthesised group. Returns (end, digit count, whether it had separators or parentheses).
pub(super) fn phone_shape(t: &[u8], j: usize) -> Option<(usize, usize, bool)> {
    let mut e = j;
    let mut digits = 0;
    let mut shaped = false;
    let mut paren = false;
    if t.get(e) == Some(&b'+') {
        e += 1;
        shaped = true;
    }
    loop {
        match t.get(e) {
            Some(b) if b.is_ascii_digit() => {
                digits += 1;
                e += 1;
            }
            Some(b'(') if !paren && t.get(e + 1).is_some_and(u8::is_ascii_digit) => {
                paren = true;
                shaped = true;
                e += 1;
            }
            Some(b')') if paren && e > j && t[e - 1].is_ascii_digit() => {
                e += 1;
                if t.get(e) == Some(&b' ') {
                    e += 1;
                }
            }
            Some(b' ' | b'-' | b'.')
                if e > j
                    && (t[e - 1].is_ascii_digit() || t[e - 1] == b')')
                    && t.get(e + 1)
                        .is_some_and(|b| b.is_ascii_digit() || *b == b'(') =>
            {
                shaped = true;
                e += 1;
            }
            _ => break,
        }
        if digits > 15 {
            return None;
        }
    }
    // It must end cleanly: not inside a longer number or word.
    if t.get(e).is_some_and(|b| b.is_ascii_alphanumeric()) || digits == 0 {
        return None;
    }
    Some((e, digits, shaped))
}

pub(super) const PHONE_WORDS: [&[u8]; 8] = [
    b"phone",
    b"tel",
    b"mobile",
    b"cell",
    b"fax",
    b"sms",
    b"whatsapp",
    b"call me",
];

pub(super) fn phones(t: &[u8], hints: KeyHints, out: &mut Vec<Hit>) {
    // A whole value under a phone-named key.
    if hints.phone {
        let s = t.len() - t.trim_ascii_start().len();
        if let Some((e, digits, _)) = phone_shape(t, s)
            && (7..=15).contains(&digits)
            && t[e..].trim_ascii().is_empty()
        {
            out.push(Hit {
                kind: Kind::Phone,
                start: s,
                end: e,
            });
            return;
        }
    }
    // E.164: `+` and 10–15 digits, not inside a word or number.
    for at in memchr::memchr_iter(b'+', t) {
        if at > 0 && (t[at - 1].is_ascii_alphanumeric() || t[at - 1] == b'+') {
            continue;
        }
        if !t.get(at + 1).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            continue;
        }
        if let Some((e, digits, _)) = phone_shape(t, at)
            && (10..=15).contains(&digits)
        {
            out.push(Hit {
                kind: Kind::Phone,
                start: at,
                end: e,
            });
        }
    }
    // National formats: only shortly after a phone word.
    let mut i = 0;
    while i < t.len() {
        let c = t[i] | 0x20;
        let c2 = t.get(i + 1).map_or(0, |b| b | 0x20);
        if !matches!(
            (c, c2),
            (b'p', b'h')
                | (b't', b'e')
                | (b'm', b'o')
                | (b'c', b'e' | b'a')
                | (b'f', b'a')
                | (b's', b'm')
                | (b'w', b'h')
        ) || (i > 0 && t[i - 1].is_ascii_alphabetic())
        {
            i += 1;
            continue;
        }
        let Some(w) = PHONE_WORDS.iter().find(|w| lower_eq(t, i, w)) else {
            i += 1;
            continue;
        };
        let mut j = i + w.len();
        let limit = (j + 24).min(t.len());
        while j < limit && !(t[j].is_ascii_digit() || t[j] == b'+' || t[j] == b'(') {
            j += 1;
        }
        if j < limit
            && !t[j - 1].is_ascii_alphanumeric()
            && let Some((e, digits, shaped)) = phone_shape(t, j)
            && (7..=15).contains(&digits)
            && shaped
        {
            out.push(Hit {
                kind: Kind::Phone,
                start: j,
                end: e,
            });
            i = e;
            continue;
        }
        i += w.len();
    }
}

/// Luhn's checksum over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if k % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Whether a card number's prefix belongs to a known issuer that issues numbers of its length.
pub(crate) fn known_issuer(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| -> u32 {
        d[..k]
            .iter()
            .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
    };
    let (p1, p2, p3, p4, p6) = (p(1), p(2), p(3), p(4), p(6));
    (p1 == 4 && matches!(n, 13 | 16 | 19))
        || ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16
        || matches!(p2, 34 | 37) && n == 15
        || (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
            && (16..=19).contains(&n)
        || (3528..=3589).contains(&p4) && (16..=19).contains(&n)
        || ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&n)
        || p2 == 62 && (16..=19).contains(&n)
        || matches!(p4, 5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761..=6763)
            && (13..=19).contains(&n)
}

pub(super) const CARD_WORDS: [&[u8]; 8] = [
    b"card",
    b"credit",
    b"debit",
    b"visa",
    b"mastercard",
    b"amex",
    b"payment",
    b"cc number",
];

pub(super) fn card_word_before(t: &[u8], at: usize) -> bool {
    let w = &t[at.saturating_sub(40)..at];
    CARD_WORDS
        .iter()
        .any(|word| w.windows(word.len()).any(|x| x.eq_ignore_ascii_case(word)))
}

pub(super) fn cards(t: &[u8], hints: KeyHints, out: &mut Vec<Hit>) {
    let mut i = 0;
    let mut digits = Vec::with_capacity(19);
    let mut groups = Vec::with_capacity(8);
    while i < t.len() {
        if !t[i].is_ascii_digit()
            || (i > 0
                && (t[i - 1].is_ascii_alphanumeric()
                    || matches!(t[i - 1], b'.' | b'+' | b'_' | b'-' | b'/' | b':')))
        {
            i += 1;
            continue;
        }
        let start = i;
        digits.clear();
        groups.clear();
        let mut sep = 0u8;
        let mut group = 0usize;
        let mut e = i;
        let mut too_long = false;
        loop {
            match t.get(e) {
                Some(b) if b.is_ascii_digit() => {
                    digits.push(*b);
                    group += 1;
                    e += 1;
                    if digits.len() > 19 {
                        too_long = true;
                    }
                }
                Some(&s @ (b' ' | b'-'))
                    if (sep == 0 || sep == s) && t.get(e + 1).is_some_and(u8::is_ascii_digit) =>
                {
                    sep = s;
                    groups.push(group);
                    group = 0;
                    e += 1;
                }
                _ => break,
            }
            if too_long {
                break;
            }
        }
        groups.push(group);
        if too_long {
            // Skip the whole run of digits and separators: no card hides inside a longer number.
            while e < t.len() && (t[e].is_ascii_digit() || t[e] == b' ' || t[e] == b'-') {
                e += 1;
            }
            i = e;
            continue;
        }
        let clean_end = !(t.get(e).is_some_and(|b| b.is_ascii_alphanumeric())
            || t.get(e) == Some(&b'.') && t.get(e + 1).is_some_and(u8::is_ascii_digit));
        let n = digits.len();
        if clean_end && (13..=19).contains(&n) && known_issuer(&digits) && luhn(&digits) {
            let grouped = groups.len() > 1
                && (groups[..groups.len() - 1].iter().all(|&g| g == 4)
                    && (1..=4).contains(&groups[groups.len() - 1])
                    || groups == [4, 6, 5]
                    || groups == [4, 6, 4]);
            if grouped || (groups.len() == 1 && (hints.card || card_word_before(t, start))) {
                out.push(Hit {
                    kind: Kind::PaymentCard,
                    start,
                    end: e,
                });
            }
        }
        i = e.max(i + 1);
    }
}

/// IBAN lengths by country (the SWIFT registry).
pub(super) const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"YE", 30),
];

/// Whether an IBAN (no spaces, uppercase) passes the mod-97 check.
pub(crate) fn iban_valid(iban: &[u8]) -> bool {
    let mut rem = 0u32;
    for &b in iban[4..].iter().chain(&iban[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

pub(super) fn ibans(t: &[u8], out: &mut Vec<Hit>) {
    let mut buf = Vec::with_capacity(34);
    let mut i = 0;
    while i + 15 <= t.len() {
        let ok_start = t[i].is_ascii_uppercase()
            && t[i + 1].is_ascii_uppercase()
            && t[i + 2].is_ascii_digit()
            && t[i + 3].is_ascii_digit()
            && (i == 0 || !t[i - 1].is_ascii_alphanumeric());
        if !ok_start {
            i += 1;
            continue;
        }
        let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| c[..] == t[i..i + 2]) else {
            i += 1;
            continue;
        };
        buf.clear();
        let mut e = i;
        let mut spaced = false;
        while e < t.len() && buf.len() < len {
            let b = t[e];
            if b.is_ascii_uppercase() || b.is_ascii_digit() {
                buf.push(b);
                e += 1;
            } else if b == b' '
                && buf.len() % 4 == 0
                && (spaced || buf.len() == 4)
                && e + 1 < t.len()
            {
                spaced = true;
                e += 1;
            } else {
                break;
            }
        }
        let clean_end = !t.get(e).is_some_and(u8::is_ascii_alphanumeric);
        if buf.len() == len && clean_end && iban_valid(&buf) {
            out.push(Hit {
                kind: Kind::Iban,
                start: i,
                end: e,
            });
            i = e;
            continue;
        }
        i += 1;
    }
}

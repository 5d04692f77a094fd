//! Personal data: e-mail addresses, phone numbers, payment cards and IBANs.

use super::text::*;
use crate::secrets::kind::Kind;

pub(super) fn local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Top-level domains reserved for documentation and tests, or only reachable inside a network:
/// addresses there are masked on export but are not findings ([`super::is_example`]).
pub(crate) const DOC_TLDS: [&str; 6] = [
    "test",
    "example",
    "invalid",
    "localhost",
    "local",
    "internal",
];

/// File extensions that follow `@2x` in file names (`logo@2x.png` is not an address).
const FILE_TLDS: [&str; 16] = [
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "ts", "css", "json", "html",
    "txt", "md", "lock",
];

/// Programs whose `user@host` argument is a login, not an e-mail address.
const REMOTE_COMMANDS: [&[u8]; 6] = [b"ssh", b"scp", b"sftp", b"rsync", b"mosh", b"ssh-copy-id"];

/// Whether `user@host` at `s..e` is a remote login: after `ssh`, `scp`, … on its line, or followed
/// by `:` and a path (`user@host:/srv`, `user@host:~/x`).
fn is_remote_login(t: &[u8], s: usize, e: usize) -> bool {
    if t.get(e) == Some(&b':') && matches!(t.get(e + 1), Some(b'/' | b'~' | b'.')) {
        return true;
    }
    let line_start = t[..s]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
        .max(s.saturating_sub(160));
    t[line_start..s]
        .split(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'(' | b';' | b'|'))
        .any(|w| {
            REMOTE_COMMANDS
                .iter()
                // The command, or its path (`/usr/bin/ssh`).
                .any(|c| w.ends_with(c) && (w.len() == c.len() || w[w.len() - c.len() - 1] == b'/'))
        })
}

/// E-mail addresses, with `@` or percent-encoded as `%40` (in URLs).
pub(super) fn emails(t: &[u8], out: &mut Vec<Hit>) {
    let ats = memchr::memchr_iter(b'@', t).map(|at| (at, 1));
    let encoded = memchr::memmem::find_iter(t, b"%40").map(|at| (at, 3));
    let mut seps: Vec<(usize, usize)> = ats.chain(encoded).collect();
    seps.sort_unstable();
    for (at, sep_len) in seps {
        let mut s = at;
        while s > 0 && at - s < 64 && local_char(t[s - 1]) {
            s -= 1;
        }
        if s == at || (s > 0 && local_char(t[s - 1])) || t[s] == b'.' || t[at - 1] == b'.' {
            continue;
        }
        let d = at + sep_len;
        let mut e = d;
        while e < t.len()
            && e - d <= 255
            && (t[e].is_ascii_alphanumeric() || matches!(t[e], b'.' | b'-'))
        {
            e += 1;
        }
        while e > d && matches!(t[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let Ok(domain) = std::str::from_utf8(&t[d..e]) else {
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
        if FILE_TLDS.contains(&tld.to_ascii_lowercase().as_str()) {
            continue;
        }
        let local = &t[s..at];
        if local.eq_ignore_ascii_case(b"git") || is_remote_login(t, s, e) {
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
            && !is_date(&t[s..e])
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
            && !is_signed_number(t, at, e, digits)
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
            && !is_date(&t[j..e])
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

/// Whether `+digits` at `at..e` written without separators is a signed number rather than a
/// phone: a North American number is `+1` and exactly ten digits, ten digits starting with 1 or 2
/// are a Unix time in seconds (`+1764633600`), and a unit after it (`+1500000000 ns`) makes it a
/// quantity.
fn is_signed_number(t: &[u8], at: usize, e: usize, digits: usize) -> bool {
    let run = &t[at + 1..e];
    if !run.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if (run[0] == b'1' && digits != 11) || (digits == 10 && run[0] == b'2') {
        return true;
    }
    let rest = &t[e..];
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let unit_len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let unit = &rest[..unit_len];
    const UNITS: [&[u8]; 14] = [
        b"ns", b"us", b"ms", b"s", b"sec", b"secs", b"seconds", b"b", b"kb", b"mb", b"bytes",
        b"tokens", b"usd", b"px",
    ];
    UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u))
}

/// Whether a phone-shaped run is a date: `2025-12-01`, `01.12.2025`, `12-01-2025`.
fn is_date(run: &[u8]) -> bool {
    let groups: Vec<&[u8]> = run.split(|b| matches!(b, b'-' | b'.' | b' ')).collect();
    if groups.len() != 3 || !groups.iter().all(|g| g.iter().all(u8::is_ascii_digit)) {
        return false;
    }
    let num = |g: &[u8]| g.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (a, b, c) = (groups[0], groups[1], groups[2]);
    let day_month =
        |x: u32, y: u32| (1..=31).contains(&x) && (1..=31).contains(&y) && (x <= 12 || y <= 12);
    (a.len() == 4 && b.len() <= 2 && c.len() <= 2 && day_month(num(b), num(c)))
        || (c.len() == 4 && a.len() <= 2 && b.len() <= 2 && day_month(num(a), num(b)))
}

/// US Social Security numbers: `ddd-dd-dddd` with a valid area (not 000, 666 or 9xx), group (not
/// 00) and serial (not 0000); nine digits, or spaced in 3-2-4, only after `SSN` / `social
/// security` or under an SSN-named key.
pub(super) fn ssns(t: &[u8], hints: KeyHints, out: &mut Vec<Hit>) {
    let valid = |d: &[u8]| {
        let area = &d[..3];
        area != b"000"
            && area != b"666"
            && area[0] != b'9'
            && &d[3..5] != b"00"
            && &d[5..] != b"0000"
    };
    let mut i = 0;
    let mut digits = Vec::with_capacity(10);
    let mut shape = Vec::with_capacity(4);
    while i < t.len() {
        if !t[i].is_ascii_digit()
            || (i > 0
                && (t[i - 1].is_ascii_alphanumeric()
                    || matches!(t[i - 1], b'-' | b'+')
                    || (t[i - 1] == b'.' && !after_key_dot(t, i))))
        {
            i += 1;
            continue;
        }
        let mut e = i;
        digits.clear();
        shape.clear();
        let mut run = 0;
        while e < t.len() && digits.len() <= 9 {
            let b = t[e];
            if b.is_ascii_digit() {
                digits.push(b);
                run += 1;
            } else if matches!(b, b'-' | b' ')
                && run > 0
                && t.get(e + 1).is_some_and(u8::is_ascii_digit)
            {
                shape.push((run, b));
                run = 0;
            } else {
                break;
            }
            e += 1;
        }
        shape.push((run, 0));
        let ends_clean = match t.get(e) {
            None => true,
            Some(b'.') => !t.get(e + 1).is_some_and(u8::is_ascii_digit),
            Some(b) => !(b.is_ascii_alphanumeric() || *b == b'-'),
        };
        let dashed = shape == [(3, b'-'), (2, b'-'), (4, 0)];
        let spaced = shape == [(3, b' '), (2, b' '), (4, 0)] || shape == [(9, 0)];
        let named = || {
            hints.ssn || {
                let from = i.saturating_sub(32);
                let before = t[from..i].to_ascii_lowercase();
                memchr::memmem::find(&before, b"ssn").is_some()
                    || memchr::memmem::find(&before, b"social security").is_some()
            }
        };
        if digits.len() == 9 && ends_clean && valid(&digits) && (dashed || (spaced && named())) {
            out.push(Hit {
                kind: Kind::Ssn,
                start: i,
                end: e,
            });
        }
        i = e.max(i + 1);
    }
}

/// IPv4 and IPv6 addresses (not the unspecified, loopback or broadcast address). Off by default.
pub(super) fn ips(t: &[u8], out: &mut Vec<Hit>) {
    let hexish = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let mut i = 0;
    while i < t.len() {
        if !hexish(t[i])
            || (i > 0
                && (t[i - 1].is_ascii_alphanumeric() || matches!(t[i - 1], b'_' | b'.' | b':')))
        {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < t.len() && hexish(t[e]) {
            e += 1;
        }
        let boundary = !t
            .get(e)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        let mut cand = &t[i..e];
        while cand
            .last()
            .is_some_and(|b| *b == b'.' || (*b == b':' && !cand.ends_with(b"::")))
        {
            cand = &cand[..cand.len() - 1];
        }
        let text = std::str::from_utf8(cand).unwrap_or("");
        let colons = cand.iter().filter(|b| **b == b':').count();
        let hit = if colons == 0 {
            text.parse::<core::net::Ipv4Addr>()
                .ok()
                .is_some_and(|a| !a.is_unspecified() && !a.is_loopback() && !a.is_broadcast())
        } else {
            colons >= 2
                && (colons >= 3
                    || cand
                        .split(|b| *b == b':')
                        .any(|g| g.len() >= 3 && has_digit(g)))
                && text
                    .parse::<core::net::Ipv6Addr>()
                    .ok()
                    .is_some_and(|a| !a.is_unspecified() && !a.is_loopback())
        };
        if boundary && hit {
            out.push(Hit {
                kind: Kind::IpAddress,
                start: i,
                end: i + cand.len(),
            });
        }
        i = e.max(i + 1);
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

/// Whether the `.` before `t[i]` ends a word of letters (`note.4539 1488 …`, a key path), not a
/// number (`3.4539…`, `v1.2`).
fn after_key_dot(t: &[u8], i: usize) -> bool {
    i >= 3 && t[i - 1] == b'.' && t[i - 2].is_ascii_alphabetic() && t[i - 3].is_ascii_alphabetic()
}

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
                    || matches!(t[i - 1], b'+' | b'_' | b'-' | b'/' | b':')
                    || (t[i - 1] == b'.' && !after_key_dot(t, i))))
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

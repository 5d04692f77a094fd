//! Value detectors: hand-written matchers over a text, each one pass (or a bounded look around
//! each anchor it finds), so scanning is linear in the bytes.
//!
//! | id | what matches |
//! |---|---|
//! | `openai_key` | `sk-` (`sk-proj-`, `sk-svcacct-`, `sk-admin-`) and 20+ of `[A-Za-z0-9_-]`, with letters and digits |
//! | `anthropic_key` | `sk-ant-` and 32+ of `[A-Za-z0-9_-]` |
//! | `google_api_key` | `AIza` and exactly 35 of `[A-Za-z0-9_-]` |
//! | `aws_access_key_id` | `AKIA` or `ASIA` and exactly 16 of `[A-Z0-9]` |
//! | `github_token` | `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` and 36+ alphanumerics; `github_pat_` and 40+ of `[A-Za-z0-9_]` |
//! | `slack_token` | `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-` and 10+ of `[A-Za-z0-9-]` with a digit |
//! | `stripe_key` | `sk_live_`, `rk_live_`, `pk_live_` and 16+ alphanumerics |
//! | `jwt` | `eyJ…` `.` `…` `.` `…` in base64url whose header decodes to a JSON object with `alg` |
//! | `private_key` | a PEM block `-----BEGIN … PRIVATE KEY-----` to its `-----END …-----` (or the end of the text) |
//! | `bearer_token` | the credential after `Authorization:` / `authorization=` or after `Bearer ` (16+ characters with letters and digits) |
//! | `basic_auth` | `Authorization: Basic …`, `Basic <base64 of user:pass>`, `user:pass@` after `scheme://` |
//! | `email` | `local@domain.tld`, except documentation domains (`example.com`, `*.test`, …), file names such as `logo@2x.png`, and `git@` |
//! | `phone` | `+` and 10–15 digits (E.164, separators allowed); national formats only after a word such as `phone`, `tel`, `mobile` or under a phone-named key |
//! | `payment_card` | 13–19 digits, Luhn-valid, with a known issuer prefix and length, either grouped like a card (`4111 1111 1111 1111`) or near a word such as `card`, `visa` (or under a card-named key) |
//! | `iban` | country code, check digits and the country's length, mod-97 valid, spaced in fours or not |

use super::kind::Kind;
use crate::id::decode_base64_vec;
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
}

/// Finds every match in `text` of the enabled kinds, sorted by start, without overlaps (at one
/// position the longest match wins; then the more specific kind).
pub fn find(text: &str, hints: KeyHints, enabled: super::kind::Kinds, out: &mut Vec<Hit>) {
    let first = out.len();
    let t = text.as_bytes();
    if t.len() < 7 {
        return;
    }
    // One pass says which detectors can match at all: most text has no `@`, no digits, no `-----`.
    let (mut digit, mut at, mut colon, mut dash) = (false, false, false, false);
    for &b in t {
        digit |= b.is_ascii_digit();
        at |= b == b'@';
        colon |= b == b':';
        dash |= b == b'-';
    }
    words(t, &mut *out);
    if dash {
        pem(t, &mut *out);
    }
    authorization(t, &mut *out);
    if colon && at {
        url_credentials(t, &mut *out);
    }
    if at {
        emails(t, &mut *out);
    }
    if digit {
        phones(t, hints, &mut *out);
        cards(t, hints, &mut *out);
        ibans(t, &mut *out);
    }
    let mut k = first;
    for i in first..out.len() {
        if enabled.has(out[i].kind) {
            out[k] = out[i];
            k += 1;
        }
    }
    out.truncate(k);
    resolve_overlaps(out, first);
}

/// Sorts `out[first..]` and drops matches that overlap an earlier (or longer) one.
pub(crate) fn resolve_overlaps(out: &mut Vec<Hit>, first: usize) {
    let hits = &mut out[first..];
    hits.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.kind));
    let mut end = 0;
    let mut keep = first;
    for i in first..out.len() {
        let h = out[i];
        if h.start >= end || keep == first {
            out[keep] = h;
            keep += 1;
            end = h.end;
        }
    }
    out.truncate(keep);
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn has_digit(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_digit)
}

fn has_alpha(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_alphabetic)
}

fn lower_eq(t: &[u8], at: usize, word: &[u8]) -> bool {
    t.get(at..at + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word))
}

/// Keys and tokens with a known prefix: checked once at the start of each run of word characters.
fn words(t: &[u8], out: &mut Vec<Hit>) {
    let mut i = 0;
    while i < t.len() {
        if !is_word(t[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < t.len() && is_word(t[i]) {
            i += 1;
        }
        if let Some(h) = prefixed(t, start, i) {
            i = i.max(h.end);
            out.push(h);
        }
    }
}

fn prefixed(t: &[u8], s: usize, e: usize) -> Option<Hit> {
    let run = &t[s..e];
    let hit = |kind| {
        Some(Hit {
            kind,
            start: s,
            end: e,
        })
    };
    let alnum = |b: &[u8]| b.iter().all(u8::is_ascii_alphanumeric);
    if let Some(body) = run.strip_prefix(b"sk-ant-") {
        if body.len() >= 32 && has_digit(body) && has_alpha(body) {
            return hit(Kind::AnthropicKey);
        }
    } else if let Some(rest) = run.strip_prefix(b"sk-") {
        let body = [&b"proj-"[..], b"svcacct-", b"admin-", b"None-"]
            .iter()
            .find_map(|p| rest.strip_prefix(*p))
            .unwrap_or(rest);
        if body.len() >= 20
            && has_digit(body)
            && body.iter().any(u8::is_ascii_uppercase)
            && body.iter().any(u8::is_ascii_lowercase)
        {
            return hit(Kind::OpenAiKey);
        }
    } else if run.starts_with(b"AIza") {
        if run.len() == 39 {
            return hit(Kind::GoogleApiKey);
        }
    } else if run.starts_with(b"AKIA") || run.starts_with(b"ASIA") {
        if run.len() == 20
            && run
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return hit(Kind::AwsAccessKeyId);
        }
    } else if let Some(body) = run.strip_prefix(b"github_pat_") {
        if body.len() >= 40 && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
            return hit(Kind::GithubToken);
        }
    } else if run.len() >= 40
        && run.starts_with(b"gh")
        && matches!(run[2], b'p' | b'o' | b's' | b'u' | b'r')
        && run[3] == b'_'
    {
        if alnum(&run[4..]) {
            return hit(Kind::GithubToken);
        }
    } else if run.len() >= 15
        && run.starts_with(b"xox")
        && matches!(run[3], b'a' | b'b' | b'p' | b'r')
        && run[4] == b'-'
    {
        let body = &run[5..];
        if has_digit(body) && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
            return hit(Kind::SlackToken);
        }
    } else if run.len() >= 24 && matches!(&run[..8], b"sk_live_" | b"rk_live_" | b"pk_live_") {
        if alnum(&run[8..]) {
            return hit(Kind::StripeKey);
        }
    } else if run.starts_with(b"eyJ") {
        return jwt(t, s, e);
    }
    None
}

/// `header.payload.signature` starting at `s`, where `s..e` is the header.
fn jwt(t: &[u8], s: usize, e: usize) -> Option<Hit> {
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if t.get(e) != Some(&b'.') || e - s > 4096 {
        return None;
    }
    let mut p = e + 1;
    while p < t.len() && b64(t[p]) {
        p += 1;
    }
    if p == e + 1 || t.get(p) != Some(&b'.') {
        return None;
    }
    let mut q = p + 1;
    while q < t.len() && b64(t[q]) {
        q += 1;
    }
    // Not a JWT when the run goes on with more dotted parts (a JWE has five; a dotted name is not one).
    if t.get(q) == Some(&b'.') && t.get(q + 1).is_some_and(|&b| b64(b)) {
        return None;
    }
    let header = std::str::from_utf8(&t[s..e]).ok()?;
    let decoded = decode_base64_vec(header)?;
    let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&decoded).ok()?;
    obj.contains_key("alg").then_some(Hit {
        kind: Kind::Jwt,
        start: s,
        end: q,
    })
}

fn finder(
    cell: &'static std::sync::OnceLock<memmem::Finder<'static>>,
    needle: &'static [u8],
) -> &'static memmem::Finder<'static> {
    cell.get_or_init(|| memmem::Finder::new(needle))
}

static BEGIN: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
static DASHES: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
static END: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
static SCHEME: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();

/// PEM private key blocks.
fn pem(t: &[u8], out: &mut Vec<Hit>) {
    let mut done = 0;
    for at in finder(&BEGIN, b"-----BEGIN ").find_iter(t) {
        if at < done {
            continue;
        }
        let label_start = at + 11;
        let window = &t[label_start..t.len().min(label_start + 64)];
        let Some(label_len) = finder(&DASHES, b"-----").find(window) else {
            continue;
        };
        if memmem::find(&window[..label_len], b"PRIVATE KEY").is_none() {
            continue;
        }
        let body = label_start + label_len + 5;
        let end = match finder(&END, b"-----END ").find(&t[body..]) {
            Some(e) => {
                let tail_start = body + e + 9;
                let tail = &t[tail_start..t.len().min(tail_start + 64)];
                finder(&DASHES, b"-----")
                    .find(tail)
                    .map_or(t.len(), |k| tail_start + k + 5)
            }
            // A key cut short is still a key: everything after its start goes.
            None => t.len(),
        };
        out.push(Hit {
            kind: Kind::PrivateKey,
            start: at,
            end,
        });
        done = end;
    }
}

fn cred_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'-' | b'=')
}

/// `Authorization: <scheme> <credential>`, `Bearer <token>`, `Basic <base64 user:pass>`.
fn authorization(t: &[u8], out: &mut Vec<Hit>) {
    let mut i = 0;
    while i + 6 <= t.len() {
        let c = t[i] | 0x20;
        let boundary = i == 0 || !t[i - 1].is_ascii_alphanumeric();
        if !boundary || !(c == b'a' || c == b'b') {
            i += 1;
            continue;
        }
        if c == b'a' && lower_eq(t, i, b"authorization") {
            if let Some(h) = after_authorization(t, i + 13) {
                i = h.end;
                out.push(h);
                continue;
            }
        } else if c == b'b' && lower_eq(t, i, b"bearer") {
            let mut j = i + 6;
            let sp = j;
            while j < t.len() && t[j] == b' ' {
                j += 1;
            }
            if j > sp
                && let Some(end) = credential(t, j, 16)
            {
                out.push(Hit {
                    kind: Kind::BearerToken,
                    start: j,
                    end,
                });
                i = end;
                continue;
            }
        } else if c == b'b' && lower_eq(t, i, b"basic ") {
            let j = i + 6;
            let mut e = j;
            while e < t.len()
                && (t[e].is_ascii_alphanumeric() || matches!(t[e], b'+' | b'/' | b'='))
            {
                e += 1;
            }
            if e - j >= 8 && is_basic_pair(&t[j..e]) {
                out.push(Hit {
                    kind: Kind::BasicAuth,
                    start: j,
                    end: e,
                });
                i = e;
                continue;
            }
        }
        i += 1;
    }
}

/// Whether base64 text decodes to `user:password`.
fn is_basic_pair(b64: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(b64) else {
        return false;
    };
    decode_base64_vec(text).is_some_and(|d| {
        std::str::from_utf8(&d).is_ok_and(|s| {
            s.find(':')
                .is_some_and(|c| c > 0 && c + 1 < s.len() && !s.chars().any(char::is_control))
        })
    })
}

/// A credential run at `j`: at least `min` characters with letters and digits (or 24+ characters).
fn credential(t: &[u8], j: usize, min: usize) -> Option<usize> {
    let mut e = j;
    while e < t.len() && cred_char(t[e]) {
        e += 1;
    }
    let c = &t[j..e];
    (c.len() >= min && ((has_digit(c) && has_alpha(c)) || c.len() >= 24)).then_some(e)
}

fn after_authorization(t: &[u8], mut j: usize) -> Option<Hit> {
    let skip = |t: &[u8], mut j: usize, set: &[u8]| {
        while j < t.len() && set.contains(&t[j]) {
            j += 1;
        }
        j
    };
    j = skip(t, j, b"\"' ");
    if !matches!(t.get(j), Some(b':' | b'=')) {
        return None;
    }
    j = skip(t, j + 1, b"\"' ");
    let mut kind = Kind::BearerToken;
    let mut w = j;
    while w < t.len() && t[w].is_ascii_alphabetic() {
        w += 1;
    }
    if t.get(w) == Some(&b' ') {
        let scheme = &t[j..w];
        if scheme.eq_ignore_ascii_case(b"basic") {
            kind = Kind::BasicAuth;
        }
        j = skip(t, w, b" ");
    }
    let end = credential(t, j, 8)?;
    Some(Hit {
        kind,
        start: j,
        end,
    })
}

/// `scheme://user:password@host`: the `user:password` part.
fn url_credentials(t: &[u8], out: &mut Vec<Hit>) {
    for at in finder(&SCHEME, b"://").find_iter(t) {
        if at == 0 || !t[at - 1].is_ascii_alphabetic() {
            continue;
        }
        let start = at + 3;
        let mut e = start;
        let mut colon = None;
        while e < t.len() && e - start <= 512 {
            match t[e] {
                b'/' | b'?' | b'#' | b'@' | b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`' | b'['
                | b']' | b'{' | b'}' | b'|' => break,
                b if b.is_ascii_whitespace() => break,
                b':' if colon.is_none() => colon = Some(e),
                _ => {}
            }
            e += 1;
        }
        let (Some(c), Some(b'@')) = (colon, t.get(e)) else {
            continue;
        };
        let password = &t[c + 1..e];
        if password.is_empty() || is_placeholder(password) {
            continue;
        }
        out.push(Hit {
            kind: Kind::BasicAuth,
            start,
            end: e,
        });
    }
}

/// Words that stand for a password in documentation rather than being one.
pub(crate) fn is_placeholder(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    if v.is_empty() || matches!(v[0], b'$' | b'{' | b'<' | b'%' | b'[') {
        return true;
    }
    if v.iter()
        .all(|&b| b == b'*' || b == b'x' || b == b'X' || b == b'.')
    {
        return true;
    }
    const WORDS: [&[u8]; 14] = [
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

fn local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Top-level domains reserved for documentation and tests, and file extensions that follow `@2x`.
const NOT_PERSONAL_TLDS: [&str; 22] = [
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

fn emails(t: &[u8], out: &mut Vec<Hit>) {
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
fn phone_shape(t: &[u8], j: usize) -> Option<(usize, usize, bool)> {
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

const PHONE_WORDS: [&[u8]; 8] = [
    b"phone",
    b"tel",
    b"mobile",
    b"cell",
    b"fax",
    b"sms",
    b"whatsapp",
    b"call me",
];

fn phones(t: &[u8], hints: KeyHints, out: &mut Vec<Hit>) {
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

const CARD_WORDS: [&[u8]; 8] = [
    b"card",
    b"credit",
    b"debit",
    b"visa",
    b"mastercard",
    b"amex",
    b"payment",
    b"cc number",
];

fn card_word_before(t: &[u8], at: usize) -> bool {
    let w = &t[at.saturating_sub(40)..at];
    CARD_WORDS
        .iter()
        .any(|word| w.windows(word.len()).any(|x| x.eq_ignore_ascii_case(word)))
}

fn cards(t: &[u8], hints: KeyHints, out: &mut Vec<Hit>) {
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
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
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

fn ibans(t: &[u8], out: &mut Vec<Hit>) {
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

#[cfg(test)]
mod tests;

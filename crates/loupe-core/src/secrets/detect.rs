//! Value detectors: hand-written matchers over a text, each one pass (or a bounded look around
//! each anchor it finds), so scanning is linear in the bytes.
//!
//! | id | what matches |
//! |---|---|
//! | `openai_key` | `sk-` (`sk-proj-`, `sk-svcacct-`, `sk-admin-`) and 20+ of `[A-Za-z0-9_-]`, with letters and digits |
//! | `anthropic_key` | `sk-ant-` and 32+ of `[A-Za-z0-9_-]` |
//! | `google_api_key` | `AIza` and exactly 35 of `[A-Za-z0-9_-]` |
//! | `aws_access_key_id` | `AKIA` or `ASIA` and exactly 16 of `[A-Z0-9]` |
//! | `aws_secret_access_key` | after `aws_secret_access_key` or `aws_secret_key` (any case), `=` or `:` (quotes and spaces around them allowed), exactly 40 of `[A-Za-z0-9/+]` with both cases and a digit |
//! | `github_token` | `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` and 36+ alphanumerics; `github_pat_` and 40+ of `[A-Za-z0-9_]` |
//! | `gitlab_token` | `glpat-`, `glptt-`, `glrt-`, `gldt-` and 20+ of `[A-Za-z0-9_-]` with letters and digits |
//! | `slack_token` | `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxe-`, `xapp-` and 10+ of `[A-Za-z0-9-]` with a digit |
//! | `slack_webhook` | `hooks.slack.com/services/` (with its scheme) and three path parts, the last 16+ characters with letters and digits |
//! | `huggingface_token` | `hf_` and 30+ alphanumerics in both cases |
//! | `npm_token` | `npm_` and exactly 36 alphanumerics with letters and digits |
//! | `stripe_key` | `sk_live_`, `rk_live_`, `pk_live_` and 16+ alphanumerics |
//! | `jwt` | `eyJ…` `.` `…` `.` `…` in base64url whose header decodes to a JSON object with `alg` |
//! | `private_key` | a PEM block `-----BEGIN … PRIVATE KEY-----` to its `-----END …-----` (or the end of the text) |
//! | `bearer_token` | the credential after `Authorization:` / `authorization=` or after `Bearer ` (16+ characters with letters and digits) |
//! | `basic_auth` | `Authorization: Basic …`, `Basic <base64 of user:pass>`, `user:pass@` after `scheme://` |
//! | `email` | `local@domain.tld` (also `local%40domain.tld`); documentation and internal domains (`example.com`, `*.test`, `localhost`, `*.internal`, …) are matched as examples (masked, not findings); not file names such as `logo@2x.png`, `git@` remotes or `ssh user@host` logins |
//! | `phone` | `+` and 10–15 digits (E.164, separators allowed); national formats only after a word such as `phone`, `tel`, `mobile` or under a phone-named key |
//! | `payment_card` | 13–19 digits, Luhn-valid, with a known issuer prefix and length, either grouped like a card (`4111 1111 1111 1111`) or near a word such as `card`, `visa` (or under a card-named key) |
//! | `iban` | country code, check digits and the country's length, mod-97 valid, spaced in fours or not |
//! | `ssn` | `AAA-GG-SSSS` outside the invalid ranges (area 000, 666, 9xx; group 00; serial 0000); nine bare digits only after `SSN` / `social security` or under an ssn-named key |
//! | `ip_address` | IPv4 and IPv6 addresses (`core::net` parses them), not unspecified, loopback or broadcast; off by default |
//! | `secret_field` (in text) | a secret-named `name=value` / `name: value` ([`assign`]): query strings, `.env` and shell lines, header lines, YAML and INI lines, quoted pairs, one word in running text |
//!
//! Documentation examples (AWS's documentation key pair, the SSNs `123-45-6789` and `078-05-1120`)
//! are matched and flagged by [`is_example`]: masked on export, not reported as findings.

mod assign;
mod personal;
pub(super) mod text;
mod tokens;

use super::kind::Kind;
use crate::id::decode_base64_vec;
use memchr::memmem;
use personal::{cards, emails, ibans, ips, phones, ssns};
pub(crate) use personal::{known_issuer, luhn};
use text::*;
pub use text::{Hit, KeyHints};
use tokens::{slack_webhooks, words};

/// Finds every match in `text` of the enabled kinds, sorted by start, without overlaps (at one
/// position the longest match wins; then the more specific kind).
pub fn find(text: &str, hints: KeyHints, enabled: super::kind::Kinds, out: &mut Vec<Hit>) {
    let first = out.len();
    let t = text.as_bytes();
    if t.len() < 7 {
        return;
    }
    // One pass says which detectors can match at all: most text has no `@`, no digits, no `-----`.
    let (mut digit, mut at, mut colon, mut dash, mut slash, mut eq, mut pct) =
        (false, false, false, false, false, false, false);
    for &b in t {
        digit |= b.is_ascii_digit();
        at |= b == b'@';
        colon |= b == b':';
        dash |= b == b'-';
        slash |= b == b'/';
        eq |= b == b'=';
        pct |= b == b'%';
    }
    words(t, &mut *out);
    if dash {
        pem(t, &mut *out);
    }
    authorization(t, &mut *out);
    if colon && at {
        url_credentials(t, &mut *out);
    }
    if colon || eq {
        assign::assignments(t, &mut *out);
    }
    if at || pct {
        emails(t, &mut *out);
    }
    if slash && digit {
        slack_webhooks(t, &mut *out);
    }
    if digit {
        phones(t, hints, &mut *out);
        cards(t, hints, &mut *out);
        ibans(t, &mut *out);
        if enabled.has(Kind::Ssn) {
            ssns(t, hints, &mut *out);
        }
        if enabled.has(Kind::IpAddress) {
            ips(t, &mut *out);
        }
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

/// Sorts `out[first..]` and drops matches that overlap an earlier (or longer) one; of two with
/// the same range, a specific kind wins over `secret_field` (the name's rule).
pub(crate) fn resolve_overlaps(out: &mut Vec<Hit>, first: usize) {
    let hits = &mut out[first..];
    hits.sort_unstable_by_key(|h| {
        (
            h.start,
            std::cmp::Reverse(h.end),
            h.kind == Kind::SecretField,
            h.kind,
        )
    });
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

/// Values published as examples in vendors' documentation: masked on export like any match, but
/// not reported as a leak.
const KNOWN_EXAMPLES: [&str; 4] = [
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "123-45-6789",
    "078-05-1120",
];

/// Whether a match is a documentation example rather than a leak: an address at a documentation
/// or internal domain (`example.com`, `*.test`, `localhost`, …) or a vendor's published example
/// key. Such matches are masked on export (a reader seeing `jane.doe@example.com` in a redacted
/// file takes it for a leak) but are not findings.
pub fn is_example(kind: Kind, matched: &str) -> bool {
    match kind {
        Kind::Email => {
            let domain = matched
                .rsplit_once('@')
                .or_else(|| matched.rsplit_once("%40"))
                .map_or("", |(_, d)| d)
                .to_ascii_lowercase();
            let mut labels = domain.rsplit('.');
            let tld = labels.next().unwrap_or("");
            let sld = labels.next().unwrap_or("");
            personal::DOC_TLDS.contains(&tld)
                || (sld == "example" && matches!(tld, "com" | "net" | "org"))
        }
        Kind::AwsAccessKeyId | Kind::AwsSecretKey | Kind::Ssn => KNOWN_EXAMPLES.contains(&matched),
        _ => false,
    }
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
                // After `user:`, a `/`, `?` or `#` is part of the password unless what came
                // since the colon is a port (`host:5432/db`): passwords are often not
                // percent-encoded, and a cut password would leave its start in the file.
                b'/' | b'?' | b'#'
                    if colon.is_some_and(|c| {
                        let since = &t[c + 1..e];
                        !since.is_empty() && !since.iter().all(u8::is_ascii_digit)
                    }) => {}
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

#[cfg(test)]
mod tests;

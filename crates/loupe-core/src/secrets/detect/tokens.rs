//! Keys and tokens with a known prefix or a known name before them (`sk-…`, `ghp_…`, `eyJ…`,
//! `aws_secret_access_key = …`), and Slack webhook URLs.

use super::text::*;
use crate::id::decode_base64_vec;
use crate::secrets::kind::Kind;
use memchr::memmem;

static WEBHOOK: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();

/// Keys and tokens with a known prefix: checked once at the start of each run of word characters.
/// A key wrapped onto the next line (`sk-proj-Rk3T⏎9vXq…`) is found whole, and one cut at the end
/// of the text (a value cut at the size limit, a streamed chunk) is still masked from its prefix.
pub(super) fn words(t: &[u8], out: &mut Vec<Hit>) {
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
        let single = prefixed(t, start, i);
        if matches!(t.get(i), Some(b'\n' | b'\r'))
            && known_prefix(&t[start..i]).is_some()
            && let Some(h) = wrapped(t, start, i, single.is_some())
        {
            i = h.end;
            out.push(h);
            continue;
        }
        if let Some(h) = single {
            i = i.max(h.end);
            out.push(h);
        } else if i == t.len()
            && let Some(kind) = known_prefix(&t[start..i])
        {
            // Cut short at the end of the text: the kept start of a key is still a secret.
            out.push(Hit {
                kind,
                start,
                end: i,
            });
        }
    }
}

/// The kind whose prefix `run` starts with, when enough of it follows to be a key's start (6+
/// characters with a letter and a digit, or 8+ capitals and digits after `AKIA`).
fn known_prefix(run: &[u8]) -> Option<Kind> {
    const PREFIXES: [(&[u8], Kind); 21] = [
        (b"sk-ant-", Kind::AnthropicKey),
        (b"sk-proj-", Kind::OpenAiKey),
        (b"sk-svcacct-", Kind::OpenAiKey),
        (b"sk-admin-", Kind::OpenAiKey),
        (b"sk_live_", Kind::StripeKey),
        (b"rk_live_", Kind::StripeKey),
        (b"github_pat_", Kind::GithubToken),
        (b"ghp_", Kind::GithubToken),
        (b"gho_", Kind::GithubToken),
        (b"ghs_", Kind::GithubToken),
        (b"ghu_", Kind::GithubToken),
        (b"ghr_", Kind::GithubToken),
        (b"glpat-", Kind::GitlabToken),
        (b"xoxb-", Kind::SlackToken),
        (b"xoxp-", Kind::SlackToken),
        (b"xapp-", Kind::SlackToken),
        (b"hf_", Kind::HuggingfaceToken),
        (b"npm_", Kind::NpmToken),
        (b"AIza", Kind::GoogleApiKey),
        (b"AKIA", Kind::AwsAccessKeyId),
        (b"sk-", Kind::OpenAiKey),
    ];
    let (p, kind) = PREFIXES.iter().find(|(p, _)| run.starts_with(p))?;
    let body = &run[p.len()..];
    let ok = if *kind == Kind::AwsAccessKeyId {
        body.len() >= 8
            && body
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    } else {
        body.len() >= 6 && has_digit(body) && has_alpha(body)
    };
    ok.then_some(*kind)
}

/// A key with a known prefix whose run at `s..e` ends a line, joined with the runs that start the
/// next lines (up to three; indentation skipped). `whole` says the first line alone is a key:
/// then a next line is taken only when it looks random (letters and digits), not a word.
fn wrapped(t: &[u8], s: usize, e: usize, whole: bool) -> Option<Hit> {
    let mut joined: Vec<u8> = t[s..e].to_vec();
    let mut end = e;
    for _ in 0..3 {
        let mut j = end;
        if t.get(j) == Some(&b'\r') {
            j += 1;
        }
        if t.get(j) != Some(&b'\n') {
            break;
        }
        j += 1;
        while j < t.len() && matches!(t[j], b' ' | b'\t') {
            j += 1;
        }
        let k = j + t[j..].iter().take_while(|b| is_word(**b)).count();
        let next = &t[j..k];
        if next.is_empty() || (whole && !(has_digit(next) && has_alpha(next) && next.len() >= 4)) {
            break;
        }
        joined.extend_from_slice(next);
        end = k;
    }
    if end == e {
        return None;
    }
    let h = prefixed(&joined, 0, joined.len())?;
    (h.end == joined.len()).then_some(Hit {
        kind: h.kind,
        start: s,
        end,
    })
}

pub(super) fn prefixed(t: &[u8], s: usize, e: usize) -> Option<Hit> {
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
        && (run.starts_with(b"xox") && matches!(run[3], b'a' | b'b' | b'p' | b'r' | b'e')
            || run.starts_with(b"xapp"))
        && run[4] == b'-'
    {
        let body = &run[5..];
        if has_digit(body) && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
            return hit(Kind::SlackToken);
        }
    } else if let Some(body) = [&b"glpat-"[..], b"glptt-", b"glrt-", b"gldt-"]
        .iter()
        .find_map(|p| run.strip_prefix(*p))
    {
        if body.len() >= 20
            && has_digit(body)
            && has_alpha(body)
            && body
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        {
            return hit(Kind::GitlabToken);
        }
    } else if let Some(body) = run.strip_prefix(b"hf_") {
        if body.len() >= 30
            && alnum(body)
            && body.iter().any(u8::is_ascii_uppercase)
            && body.iter().any(u8::is_ascii_lowercase)
        {
            return hit(Kind::HuggingfaceToken);
        }
    } else if let Some(body) = run.strip_prefix(b"npm_") {
        if body.len() == 36 && alnum(body) && has_digit(body) && has_alpha(body) {
            return hit(Kind::NpmToken);
        }
    } else if run.eq_ignore_ascii_case(b"aws_secret_access_key")
        || run.eq_ignore_ascii_case(b"aws_secret_key")
    {
        return aws_secret_after(t, e);
    } else if run.len() >= 24 && matches!(&run[..8], b"sk_live_" | b"rk_live_" | b"pk_live_") {
        if alnum(&run[8..]) {
            return hit(Kind::StripeKey);
        }
    } else if run.starts_with(b"eyJ") {
        return jwt(t, s, e);
    }
    None
}

/// The 40-character secret access key after its name at `e`: `= key`, `: key`, `="key"`,
/// `": "key"` (an INI line, a shell assignment, a JSON or YAML field written in text).
pub(super) fn aws_secret_after(t: &[u8], e: usize) -> Option<Hit> {
    let skip = |mut j: usize, also: &[u8]| {
        while j < t.len() && (t[j] == b' ' || t[j] == b'\t' || also.contains(&t[j])) {
            j += 1;
        }
        j
    };
    let j = skip(e, b"\"'");
    if !matches!(t.get(j), Some(b'=' | b':')) {
        return None;
    }
    let start = skip(j + 1, b"\"'");
    let key = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+');
    let len = t[start..].iter().take_while(|b| key(b)).count();
    let body = &t[start..start + len];
    (len == 40
        && has_digit(body)
        && body.iter().any(u8::is_ascii_uppercase)
        && body.iter().any(u8::is_ascii_lowercase))
    .then_some(Hit {
        kind: Kind::AwsSecretKey,
        start,
        end: start + len,
    })
}

/// Slack incoming-webhook URLs: `https://hooks.slack.com/services/T…/B…/secret`.
pub(super) fn slack_webhooks(t: &[u8], out: &mut Vec<Hit>) {
    const HOST: &[u8] = b"hooks.slack.com/services/";
    let mut from = 0;
    while let Some(k) = finder(&WEBHOOK, HOST).find(&t[from..]) {
        let at = from + k;
        from = at + HOST.len();
        let start = [&b"https://"[..], b"http://"]
            .iter()
            .find(|p| at >= p.len() && t[at - p.len()..at].eq_ignore_ascii_case(p))
            .map_or(at, |p| at - p.len());
        let path = &t[from..];
        let len = path
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
            .count();
        let parts: Vec<&[u8]> = path[..len].split(|&b| b == b'/').collect();
        if parts.len() >= 3
            && parts[0].len() >= 8
            && parts[1].len() >= 8
            && parts[2].len() >= 16
            && has_digit(parts[2])
            && has_alpha(parts[2])
        {
            out.push(Hit {
                kind: Kind::SlackWebhook,
                start,
                end: from + len,
            });
            from += len;
        }
    }
}

/// `header.payload.signature` starting at `s`, where `s..e` is the header.
pub(super) fn jwt(t: &[u8], s: usize, e: usize) -> Option<Hit> {
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if t.get(e) != Some(&b'.') || e - s > 4096 {
        return None;
    }
    let mut p = e + 1;
    while p < t.len() && b64(t[p]) {
        p += 1;
    }
    if p == e + 1 || t.get(p) != Some(&b'.') {
        // Cut at the end of the text after its header: still a token (when the header is one).
        return (p == t.len() && p > e + 1 && jwt_header(&t[s..e])).then_some(Hit {
            kind: Kind::Jwt,
            start: s,
            end: p,
        });
    }
    let mut q = p + 1;
    while q < t.len() && b64(t[q]) {
        q += 1;
    }
    // Not a JWT when the run goes on with more dotted parts (a JWE has five; a dotted name is not one).
    if t.get(q) == Some(&b'.') && t.get(q + 1).is_some_and(|&b| b64(b)) {
        return None;
    }
    jwt_header(&t[s..e]).then_some(Hit {
        kind: Kind::Jwt,
        start: s,
        end: q,
    })
}

/// Whether base64url text decodes to a JSON object with `alg` (a JWT's header).
fn jwt_header(b64: &[u8]) -> bool {
    std::str::from_utf8(b64)
        .ok()
        .and_then(decode_base64_vec)
        .and_then(|d| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&d).ok())
        .is_some_and(|obj| obj.contains_key("alg"))
}

//! Key rules: attributes and JSON fields whose *name* says their value is a secret.
//!
//! A key is split into lowercase segments at `.`, `_`, `-`, spaces and other punctuation, and at
//! camelCase boundaries (`xApiKey` → `x`, `api`, `key`). It is secret-named when its **last**
//! segment is `password`, `passwd`, `passphrase`, `passcode`, `pwd`, `pass`, `credential(s)`,
//! `secret`, `token` (or `accesstoken`, `authtoken`, `refreshtoken`, `apitoken` written as one
//! word), `clientsecret`, `apikey`, `authorization`, `cookie`, `privatekey`, `accesskey` or
//! `secretkey`, or its last two are `api key`, `private key`, `access key`, `secret key` or
//! `set cookie`. Whole segments only, and only the last: `max_tokens`,
//! `gen_ai.usage.output_tokens`, `token_count`, `password_length`, `bypass` and `secret.arn` are
//! not secret-named, and neither are tokenizer and paging words such as `stop_token`, `eos_token`
//! or `next_page_token`. Strings under such keys are secrets, and so are numbers except under
//! `token` words (`"pwd": 123456` is a password; `"token": 4096` a count); placeholders such as
//! `***`, `null` or `<redacted>` are not, and under a `token` word the value must also be 8+
//! characters and not all digits.

use super::detect::text::{KeyHints, is_placeholder};

/// What a key's name says about its value.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub struct KeyClass {
    /// The value is secret by its name.
    pub secret: SecretBy,
    /// Phone-named (`phone`, `mobile`, `tel`, `fax`, `msisdn`).
    pub phone: bool,
    /// Card-named (`card`, `card_number`, `credit_card`, `cardnumber`).
    pub card: bool,
    /// SSN-named (`ssn`, `social_security_number`).
    pub ssn: bool,
}

/// Which rule makes a key secret-named.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub enum SecretBy {
    /// None.
    #[default]
    No,
    /// The built-in key rule; `token_word`: the word was `token` (values must look like one).
    Builtin {
        /// The last segment was `token`.
        token_word: bool,
    },
    /// A custom key rule of a redaction policy (its index).
    Custom(u16),
}

impl KeyClass {
    /// Nothing known.
    pub const NONE: KeyClass = KeyClass {
        secret: SecretBy::No,
        phone: false,
        card: false,
        ssn: false,
    };

    /// This key's class under an enclosing one: what the parent said still holds.
    pub fn under(self, parent: KeyClass) -> KeyClass {
        KeyClass {
            secret: match (self.secret, parent.secret) {
                (SecretBy::No, p) => p,
                (s, _) => s,
            },
            phone: self.phone || parent.phone,
            card: self.card || parent.card,
            ssn: self.ssn || parent.ssn,
        }
    }

    /// What the key tells the value detectors.
    pub fn hints(self) -> KeyHints {
        KeyHints {
            phone: self.phone,
            card: self.card,
            ssn: self.ssn,
        }
    }
}

const SECRET_WORDS: [&str; 21] = [
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pwd",
    "pass",
    "credential",
    "credentials",
    "secret",
    "token",
    "accesstoken",
    "authtoken",
    "refreshtoken",
    "apitoken",
    "clientsecret",
    "apikey",
    "authorization",
    "cookie",
    "privatekey",
    "accesskey",
    "secretkey",
];

const SECRET_PAIRS: [(&str, &str); 5] = [
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("set", "cookie"),
];

/// Words before `token` that make it a tokenizer or paging word, not a credential.
const NOT_CREDENTIAL_TOKENS: [&str; 17] = [
    "page",
    "next",
    "prev",
    "continuation",
    "cursor",
    "sync",
    "stop",
    "start",
    "end",
    "eos",
    "bos",
    "pad",
    "sep",
    "cls",
    "unk",
    "mask",
    "special",
];

/// The byte ranges of a key's last three segments (last first): split at non-alphanumerics and
/// camelCase boundaries, without allocating.
fn last_segments(b: &[u8]) -> [Option<(usize, usize)>; 3] {
    let mut ring = [(0usize, 0usize); 3];
    let mut n = 0usize;
    let mut push = |seg: (usize, usize)| {
        ring[n % 3] = seg;
        n += 1;
    };
    let mut start = None;
    for i in 0..b.len() {
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                push((s, i));
            }
            continue;
        }
        match start {
            None => start = Some(i),
            Some(s) => {
                let prev = b[i - 1];
                let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                if c.is_ascii_uppercase()
                    && (prev.is_ascii_lowercase()
                        || prev.is_ascii_digit()
                        || (prev.is_ascii_uppercase() && next_lower))
                {
                    push((s, i));
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        push((s, b.len()));
    }
    let get = |k: usize| (k < n).then(|| ring[(n - 1 - k) % 3]);
    [get(0), get(1), get(2)]
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `key` without the `[REDACTED:…]` and `[HASH:…]` marks a redaction put in it, so a redacted key
/// (`t[REDACTED:private_key]`) is not read as a new secret-named one.
fn without_marks(key: &str) -> std::borrow::Cow<'_, str> {
    if !key.contains("[REDACTED:") && !key.contains("[HASH:") {
        return std::borrow::Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len());
    let mut rest = key;
    while let Some(at) = ["[REDACTED:", "[HASH:"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        out.push_str(&rest[..at]);
        match rest[at..].find(']') {
            Some(end) => {
                out.push(' ');
                rest = &rest[at + end + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Classifies a key by the built-in rules.
pub fn classify(key: &str) -> KeyClass {
    let key = without_marks(key);
    let key = key.as_ref();
    // Fast path: most keys hold none of the letters every rule word has one of.
    if key.len() < 3 {
        return KeyClass::NONE;
    }
    let b = key.as_bytes();
    let [last, prev, _] = last_segments(b);
    let Some(last) = last.map(|(s, e)| &b[s..e]) else {
        return KeyClass::NONE;
    };
    let prev = prev.map_or(&b""[..], |(s, e)| &b[s..e]);
    let is = |seg: &[u8], w: &str| seg.eq_ignore_ascii_case(w.as_bytes());
    let mut class = KeyClass::NONE;
    if SECRET_WORDS.iter().any(|w| is(last, w))
        && !(is(last, "token") && NOT_CREDENTIAL_TOKENS.iter().any(|w| is(prev, w)))
    {
        class.secret = SecretBy::Builtin {
            token_word: last.len() >= 5 && last[last.len() - 5..].eq_ignore_ascii_case(b"token"),
        };
    } else if SECRET_PAIRS.iter().any(|(p, l)| is(prev, p) && is(last, l)) {
        class.secret = SecretBy::Builtin { token_word: false };
    }
    class.phone = [&b"phone"[..], b"mobile", b"msisdn", b"fax"]
        .iter()
        .any(|w| contains_ci(b, w))
        || is(last, "tel")
        || is(prev, "tel");
    class.ssn = is(last, "ssn")
        || is(prev, "ssn")
        || contains_ci(b, b"socialsecurity")
        || contains_ci(b, b"social_security");
    class.card = is(last, "card")
        || is(prev, "card")
        || [
            &b"cardnumber"[..],
            b"creditcard",
            b"card_number",
            b"credit_card",
        ]
        .iter()
        .any(|w| contains_ci(b, w));
    class
}

/// Whether a number under a key of this class is a secret: under `password`, `pin`-like and
/// custom-rule keys it is (`"pwd": 123456`); under `token` keys it is a count.
pub fn is_secret_number(by: SecretBy) -> bool {
    matches!(
        by,
        SecretBy::Builtin { token_word: false } | SecretBy::Custom(_)
    )
}

/// Whether a value under a secret-named key is one (not empty, not a placeholder).
pub fn is_secret_value(value: &str, by: SecretBy) -> bool {
    let v = value.trim();
    if is_placeholder(v.as_bytes()) || v.starts_with("[HASH:") {
        return false;
    }
    match by {
        SecretBy::No => false,
        SecretBy::Builtin { token_word: true } => {
            v.len() >= 8
                && !v
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(key: &str) -> bool {
        classify(key).secret != SecretBy::No
    }

    #[test]
    fn secret_named_keys() {
        for k in [
            "password",
            "db.password",
            "user_passwd",
            "client_secret",
            "api_key",
            "apiKey",
            "x-api-key",
            "XApiKey",
            "APIKey",
            "apikey",
            "http.request.header.authorization",
            "Authorization",
            "cookie",
            "http.response.header.set-cookie",
            "private_key",
            "aws_secret_access_key",
            "access_token",
            "refresh_token",
            "token",
            "GITHUB_TOKEN",
            "secretKey",
            "pwd",
            "db_pass",
            "credentials",
            "gcp.credential",
            "x-auth-token",
            "accesstoken",
        ] {
            assert!(secret(k), "{k}");
        }
    }

    #[test]
    fn counts_and_descriptors_are_not_secret_named() {
        for k in [
            "max_tokens",
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.input_tokens",
            "gen_ai.request.max_tokens",
            "llm.token_count.prompt",
            "token_count",
            "tokenId",
            "gen_ai.token.type",
            "password_length",
            "aws.secretsmanager.secret.arn",
            "next_page_token",
            "stop_token",
            "eos_token",
            "secretary",
            "tokens",
            "authorization_code",
            "keyboard",
            "bypass",
            "passes",
            "test.passed",
            "t[REDACTED:private_key]",
            "x[HASH:api_key:0a1b2c3d]",
            "",
        ] {
            assert!(!secret(k), "{k}");
        }
    }

    #[test]
    fn values_under_secret_keys() {
        let tok = SecretBy::Builtin { token_word: true };
        let pw = SecretBy::Builtin { token_word: false };
        assert!(is_secret_value("hunter2", pw));
        assert!(!is_secret_value("***", pw));
        assert!(!is_secret_value("", pw));
        assert!(!is_secret_value("<redacted>", pw));
        assert!(!is_secret_value("[REDACTED:email]", pw));
        assert!(!is_secret_value("1500", tok));
        assert!(!is_secret_value("short", tok));
        assert!(is_secret_value("ya29.a0AfH6SMB", tok));
    }

    #[test]
    fn phone_and_card_keys() {
        assert!(classify("user.phone_number").phone);
        assert!(classify("customer.mobile").phone);
        assert!(classify("payment.card_number").card);
        assert!(classify("creditCard").card);
        assert!(!classify("gen_ai.usage.input_tokens").card);
        assert!(!classify("telemetry.sdk.name").phone);
    }
}

//! What the detectors find: the [`Kind`]s (the detector ids), where a finding sits ([`Place`]),
//! the findings themselves (never holding the value) and how a value is masked for display.

use crate::model::{SpanIx, TraceIx};

/// How many levels of JSON held in a string (inside JSON held in a string …) are parsed.
pub const MAX_JSON_IN_STRING: u8 = 4;

/// What was found. The snake_case names are the detector ids (and `kind` in redaction manifests).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// A PEM private key block (`-----BEGIN … PRIVATE KEY-----`).
    PrivateKey,
    /// A JSON Web Token (three base64url parts; the header is JSON with `alg`).
    Jwt,
    /// An Anthropic API key (`sk-ant-…`).
    AnthropicKey,
    /// An OpenAI API key (`sk-…`, `sk-proj-…`).
    OpenAiKey,
    /// A Google API key (`AIza…`).
    GoogleApiKey,
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsAccessKeyId,
    /// A GitHub token (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`).
    GithubToken,
    /// A Slack token (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxe-`, app-level `xapp-`).
    SlackToken,
    /// A Stripe live key (`sk_live_`, `rk_live_`, `pk_live_`).
    StripeKey,
    /// A bearer token (`Authorization: Bearer …`, `Bearer …`).
    BearerToken,
    /// Basic-auth credentials (`Authorization: Basic …`, `user:pass@` in a URL).
    BasicAuth,
    /// The value of a field named like a secret (`password`, `api_key`, `authorization`, …).
    SecretField,
    /// A payment card number (Luhn-checked, known issuer prefix).
    PaymentCard,
    /// An IBAN (mod-97 checked, known country length).
    Iban,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A match of a custom rule from a redaction policy.
    Custom,
    /// A GitLab token (`glpat-`, `glrt-`, `gldt-`, `glptt-`).
    GitlabToken,
    /// A Hugging Face access token (`hf_`).
    HuggingfaceToken,
    /// An npm access token (`npm_`).
    NpmToken,
    /// A Slack incoming-webhook URL (`hooks.slack.com/services/T…/B…/…`).
    SlackWebhook,
    /// An AWS secret access key written after its name (`aws_secret_access_key = …`,
    /// `AWS_SECRET_ACCESS_KEY=…`).
    AwsSecretKey,
    /// A US Social Security number (`123-45-6789`; valid area, group and serial).
    Ssn,
    /// An IPv4 or IPv6 address (off unless a policy turns it on: servers' addresses are often
    /// wanted in a shared trace, clients' are personal data).
    IpAddress,
}

impl Kind {
    /// Every built-in kind (not [`Kind::Custom`]).
    pub const BUILTIN: [Kind; 23] = [
        Kind::PrivateKey,
        Kind::Jwt,
        Kind::AnthropicKey,
        Kind::OpenAiKey,
        Kind::GoogleApiKey,
        Kind::AwsAccessKeyId,
        Kind::AwsSecretKey,
        Kind::GithubToken,
        Kind::GitlabToken,
        Kind::SlackToken,
        Kind::SlackWebhook,
        Kind::StripeKey,
        Kind::HuggingfaceToken,
        Kind::NpmToken,
        Kind::BearerToken,
        Kind::BasicAuth,
        Kind::SecretField,
        Kind::PaymentCard,
        Kind::Iban,
        Kind::Email,
        Kind::Phone,
        Kind::Ssn,
        Kind::IpAddress,
    ];

    /// The detector id.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private_key",
            Kind::Jwt => "jwt",
            Kind::AnthropicKey => "anthropic_key",
            Kind::OpenAiKey => "openai_key",
            Kind::GoogleApiKey => "google_api_key",
            Kind::AwsAccessKeyId => "aws_access_key_id",
            Kind::GithubToken => "github_token",
            Kind::SlackToken => "slack_token",
            Kind::StripeKey => "stripe_key",
            Kind::BearerToken => "bearer_token",
            Kind::BasicAuth => "basic_auth",
            Kind::SecretField => "secret_field",
            Kind::PaymentCard => "payment_card",
            Kind::Iban => "iban",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Custom => "custom",
            Kind::GitlabToken => "gitlab_token",
            Kind::HuggingfaceToken => "huggingface_token",
            Kind::NpmToken => "npm_token",
            Kind::SlackWebhook => "slack_webhook",
            Kind::AwsSecretKey => "aws_secret_access_key",
            Kind::Ssn => "ssn",
            Kind::IpAddress => "ip_address",
        }
    }

    /// The kind with this id.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::BUILTIN
            .into_iter()
            .chain([Kind::Custom])
            .find(|k| k.as_str() == s)
    }

    /// Words for messages ("an OpenAI API key").
    pub fn describe(self) -> &'static str {
        match self {
            Kind::PrivateKey => "a private key",
            Kind::Jwt => "a JSON Web Token",
            Kind::AnthropicKey => "an Anthropic API key",
            Kind::OpenAiKey => "an OpenAI API key",
            Kind::GoogleApiKey => "a Google API key",
            Kind::AwsAccessKeyId => "an AWS access key id",
            Kind::GithubToken => "a GitHub token",
            Kind::SlackToken => "a Slack token",
            Kind::StripeKey => "a Stripe key",
            Kind::BearerToken => "a bearer token",
            Kind::BasicAuth => "basic-auth credentials",
            Kind::SecretField => "a secret-named field's value",
            Kind::PaymentCard => "a payment card number",
            Kind::Iban => "an IBAN",
            Kind::Email => "an e-mail address",
            Kind::Phone => "a phone number",
            Kind::Custom => "a match of a custom rule",
            Kind::GitlabToken => "a GitLab token",
            Kind::HuggingfaceToken => "a Hugging Face token",
            Kind::NpmToken => "an npm token",
            Kind::SlackWebhook => "a Slack webhook URL",
            Kind::AwsSecretKey => "an AWS secret access key",
            Kind::Ssn => "a US Social Security number",
            Kind::IpAddress => "an IP address",
        }
    }

    /// Whether it is personal data (a warning) rather than a credential (an error).
    pub fn is_pii(self) -> bool {
        matches!(
            self,
            Kind::PaymentCard
                | Kind::Iban
                | Kind::Email
                | Kind::Phone
                | Kind::Ssn
                | Kind::IpAddress
        )
    }

    /// Whether the detector is on unless a policy turns it off (every one but `ip_address`).
    pub fn on_by_default(self) -> bool {
        self != Kind::IpAddress
    }

    pub(crate) fn bit(self) -> u32 {
        1 << self as u8
    }
}

/// A set of enabled kinds.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Kinds(pub(crate) u32);

impl Kinds {
    /// Every built-in detector.
    pub const ALL: Kinds = Kinds(u32::MAX);

    /// Whether `k` is enabled.
    pub fn has(self, k: Kind) -> bool {
        self.0 & k.bit() != 0
    }

    /// Turns `k` off.
    pub fn without(self, k: Kind) -> Kinds {
        Kinds(self.0 & !k.bit())
    }

    /// Turns `k` on.
    pub fn with(self, k: Kind) -> Kinds {
        Kinds(self.0 | k.bit())
    }
}

/// The detectors on by default: every one but those a policy must ask for ([`Kind::on_by_default`]).
impl Default for Kinds {
    fn default() -> Self {
        Kind::BUILTIN
            .into_iter()
            .filter(|k| !k.on_by_default())
            .fold(Kinds::ALL, Kinds::without)
    }
}

/// Where in a span (or its resource or scope) a value lies.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Place {
    /// A span attribute.
    SpanAttribute,
    /// An attribute of the span's event with this index (within the span).
    EventAttribute(u32),
    /// An attribute of the span's link with this index (within the span).
    LinkAttribute(u32),
    /// An attribute of the span's resource.
    ResourceAttribute,
    /// An attribute of the span's instrumentation scope.
    ScopeAttribute,
    /// The span's name.
    SpanName,
    /// The span's status message.
    StatusMessage,
    /// The name of the span's event with this index.
    EventName(u32),
    /// The service name of the span's resource.
    ServiceName,
    /// An import warning's message (it belongs to no span; the index is the set's warning's).
    ImportWarning(u32),
    /// The span's W3C `tracestate`.
    TraceState,
    /// The `tracestate` of the span's link with this index.
    LinkTraceState(u32),
    /// The name or version of the span's instrumentation scope.
    ScopeName,
    /// An attribute's key (of the span, its events, links, resource or scope).
    AttributeKey,
    /// The text or author of the set's note with this index (`notes().annotations`).
    Note(u32),
    /// The title or description of the opened bundle with this index (`notes().bundles`).
    BundleText(u32),
}

impl Place {
    /// Words for messages ("attribute", "event 2 attribute", …).
    pub fn describe(self) -> String {
        match self {
            Place::SpanAttribute => "attribute".into(),
            Place::EventAttribute(i) => format!("event {i} attribute"),
            Place::LinkAttribute(i) => format!("link {i} attribute"),
            Place::ResourceAttribute => "resource attribute".into(),
            Place::ScopeAttribute => "scope attribute".into(),
            Place::SpanName => "name".into(),
            Place::StatusMessage => "status message".into(),
            Place::EventName(i) => format!("event {i} name"),
            Place::ServiceName => "service name".into(),
            Place::ImportWarning(i) => format!("import warning {i}"),
            Place::TraceState => "trace state".into(),
            Place::LinkTraceState(i) => format!("link {i} trace state"),
            Place::ScopeName => "instrumentation scope name".into(),
            Place::AttributeKey => "attribute key".into(),
            Place::Note(i) => format!("note {i}"),
            Place::BundleText(i) => format!("bundle {i}"),
        }
    }
}

/// One secret or piece of personal data found in a set. It never holds the value itself.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SecretFinding {
    /// What it is.
    pub kind: Kind,
    /// The detector id (the kind's name) or the custom rule's id.
    pub rule: String,
    /// Its trace.
    pub trace: TraceIx,
    /// The span whose data holds it (for a resource or scope: the first span of the trace using it).
    pub span: SpanIx,
    /// Which part of the span.
    pub place: Place,
    /// The attribute key, with the keys of enclosing key-value lists and `[i]` for array items
    /// (`http.headers.authorization`, `tags[2]`); empty for names and status messages.
    pub key: String,
    /// Inside JSON held in the value: the path of the string holding it (`$.messages[0].content`;
    /// ` > ` separates levels of JSON held in a string inside JSON).
    pub json_path: Option<String>,
    /// Byte offset of the match in the string holding it (the value, or the JSON string at `json_path`).
    pub offset: usize,
    /// The value masked: a short prefix and the last 4 characters at most (`sk-…9f2a`).
    pub masked: String,
}

/// A match in a text: its kind and byte range.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TextMatch {
    /// What it is.
    pub kind: Kind,
    /// Byte offset in the string holding it.
    pub offset: usize,
    /// Path of the JSON string holding it, when the text is JSON.
    pub json_path: Option<String>,
    /// The value masked.
    pub masked: String,
}

/// Masks a value for display: a short known prefix (or its first character) and its last 4
/// characters, never more than about a third of it; short values show nothing but the prefix.
pub fn mask(kind: Kind, value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let prefix_len = match kind {
        Kind::PrivateKey => return "-----BEGIN …PRIVATE KEY-----".into(),
        Kind::AnthropicKey => 7,
        Kind::OpenAiKey => 3,
        Kind::GoogleApiKey | Kind::AwsAccessKeyId => 4,
        Kind::GithubToken => {
            if value.starts_with("github_pat_") {
                11
            } else {
                4
            }
        }
        Kind::SlackToken => 5,
        Kind::GitlabToken => 6,
        Kind::HuggingfaceToken => 3,
        Kind::NpmToken => 4,
        Kind::SlackWebhook => 24,
        Kind::StripeKey => 8,
        Kind::Jwt => 3,
        Kind::Iban => 2,
        Kind::PaymentCard | Kind::Phone | Kind::Ssn => 0,
        _ => 1,
    };
    let tail = if n >= 16 {
        4
    } else if n >= 10 {
        2
    } else {
        0
    };
    let prefix_len = prefix_len.min(n / 3);
    let mut out: String = chars[..prefix_len].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

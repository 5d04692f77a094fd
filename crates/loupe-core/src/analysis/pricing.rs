//! Model prices and cost. The built-in table is LiteLLM's (MIT), trimmed at build time; a user's
//! price file in the same format overrides it. Matching handles provider prefixes
//! (`openai/gpt-4o`), dated names (`gpt-4o-2024-08-06` → `gpt-4o` when the dated name is not listed)
//! and case. An unknown model has no price: cost is never guessed.

use super::genai::Tokens;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// USD per token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Per input token.
    pub input: f64,
    /// Per output token.
    pub output: f64,
    /// Per input token read from a cache (input price when absent).
    pub cache_read: Option<f64>,
    /// Per input token written to a cache (input price when absent).
    pub cache_creation: Option<f64>,
    /// Per reasoning token (output price when absent).
    pub reasoning: Option<f64>,
}

impl Price {
    /// Cost of a step's tokens. Input tokens include cache reads and writes (OpenTelemetry's rule),
    /// so those are priced at their own rates and taken out of the plain input; likewise reasoning
    /// out of output.
    pub fn cost(&self, t: &Tokens) -> f64 {
        let plain_in = t.input.saturating_sub(t.cache_read + t.cache_creation);
        let plain_out = t.output.saturating_sub(t.reasoning);
        plain_in as f64 * self.input
            + t.cache_read as f64 * self.cache_read.unwrap_or(self.input)
            + t.cache_creation as f64 * self.cache_creation.unwrap_or(self.input)
            + plain_out as f64 * self.output
            + t.reasoning.min(t.output) as f64 * self.reasoning.unwrap_or(self.output)
    }
}

/// Why a price file could not be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PriceError {
    /// Not JSON, or not an object of models.
    #[error(
        "the price file is not a JSON object of models ({0}); expected LiteLLM's format: {{\"model\": {{\"input_cost_per_token\": 2.5e-6, \"output_cost_per_token\": 1e-5}}}}"
    )]
    Format(String),
    /// A model entry lacks both prices.
    #[error(
        "model `{0}` in the price file has neither input_cost_per_token nor output_cost_per_token"
    )]
    MissingPrice(String),
}

/// A table of prices by model name.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    by_name: FxHashMap<String, Price>,
}

static BUILTIN: OnceLock<PriceTable> = OnceLock::new();

impl PriceTable {
    /// The embedded LiteLLM table.
    pub fn builtin() -> &'static PriceTable {
        BUILTIN.get_or_init(|| {
            let text = include_str!(concat!(env!("OUT_DIR"), "/prices.tsv"));
            let mut by_name = FxHashMap::default();
            for line in text.lines() {
                let f: Vec<&str> = line.split('\t').collect();
                if f.len() != 7 {
                    continue;
                }
                let num = |s: &str| s.parse::<f64>().ok();
                let (Some(input), Some(output)) = (num(f[2]), num(f[3])) else {
                    continue;
                };
                by_name.insert(
                    f[0].to_ascii_lowercase(),
                    Price {
                        input,
                        output,
                        cache_read: num(f[4]),
                        cache_creation: num(f[5]),
                        reasoning: num(f[6]),
                    },
                );
            }
            PriceTable { by_name }
        })
    }

    /// Reads a price file in LiteLLM's format (a JSON object of models with `input_cost_per_token`,
    /// `output_cost_per_token`, and optionally `cache_read_input_token_cost`,
    /// `cache_creation_input_token_cost`, `output_cost_per_reasoning_token`).
    pub fn from_litellm_json(text: &str) -> Result<Self, PriceError> {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| PriceError::Format(e.to_string()))?;
        let mut by_name = FxHashMap::default();
        for (name, entry) in map {
            if name == "sample_spec" {
                continue;
            }
            let num = |k: &str| entry.get(k).and_then(serde_json::Value::as_f64);
            let (input, output) = match (num("input_cost_per_token"), num("output_cost_per_token"))
            {
                (None, None) => return Err(PriceError::MissingPrice(name)),
                (i, o) => (i.unwrap_or(0.0), o.unwrap_or(0.0)),
            };
            by_name.insert(
                name.to_ascii_lowercase(),
                Price {
                    input,
                    output,
                    cache_read: num("cache_read_input_token_cost"),
                    cache_creation: num("cache_creation_input_token_cost"),
                    reasoning: num("output_cost_per_reasoning_token"),
                },
            );
        }
        Ok(PriceTable { by_name })
    }

    /// Number of models.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    fn get(&self, name: &str) -> Option<Price> {
        self.by_name.get(name).copied()
    }
}

/// Prices to use: a user's table first, then the built-in one.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    /// The user's overrides.
    pub user: Option<PriceTable>,
}

impl Prices {
    /// Finds the price of a model, trying the user's table first, then the built-in one, each with
    /// the name as given, without a provider prefix, without a date suffix, and with the provider's
    /// LiteLLM prefix. Returns the entry name that matched.
    pub fn lookup(&self, model: &str, provider: &str) -> Option<(String, Price)> {
        let candidates = candidates(model, provider);
        for table in self
            .user
            .iter()
            .chain(std::iter::once(PriceTable::builtin()))
        {
            for c in &candidates {
                if let Some(p) = table.get(c) {
                    return Some((c.clone(), p));
                }
            }
        }
        None
    }
}

/// Names to try for a model, most specific first.
fn candidates(model: &str, provider: &str) -> Vec<String> {
    let m = model.trim().to_ascii_lowercase();
    if m.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    push(m.clone());
    let bare = m.rsplit('/').next().unwrap_or(&m).to_owned();
    push(bare.clone());
    push(strip_date(&m));
    push(strip_date(&bare));
    if let Some(prefix) = litellm_prefix(provider) {
        push(format!("{prefix}/{bare}"));
        push(format!("{prefix}/{}", strip_date(&bare)));
    }
    push(bare.trim_end_matches("-latest").to_owned());
    out
}

/// Drops a trailing date or version stamp: `-2024-08-06`, `-20241022`, `@20241022`, `-v1:0`.
fn strip_date(s: &str) -> String {
    let mut t = s.to_owned();
    if let Some(at) = t.rfind(['@', '-'])
        && t[at + 1..].starts_with('v')
        && t[at + 1..].contains(':')
    {
        t.truncate(at);
    }
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let n = b.len();
    if n > 11
        && b[n - 11] == b'-'
        && b[n - 3] == b'-'
        && b[n - 6] == b'-'
        && digits(n - 10..n - 6)
        && digits(n - 5..n - 3)
        && digits(n - 2..n)
    {
        t.truncate(n - 11);
    } else if n > 9 && matches!(b[n - 9], b'-' | b'@') && digits(n - 8..n) {
        t.truncate(n - 9);
    }
    t
}

/// LiteLLM's name prefix for an OpenTelemetry provider name.
fn litellm_prefix(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "anthropic" => "anthropic",
        "openai" => "openai",
        "azure.ai.openai" | "az.ai.openai" => "azure",
        "gcp.gemini" | "gemini" => "gemini",
        "gcp.vertex_ai" | "vertex_ai" | "gcp.gen_ai" => "vertex_ai",
        "aws.bedrock" => "bedrock",
        "mistral_ai" => "mistral",
        "groq" => "groq",
        "deepseek" => "deepseek",
        "x_ai" | "xai" => "xai",
        "cohere" => "cohere",
        "perplexity" => "perplexity",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(input: u64, output: u64, cache_read: u64) -> Tokens {
        Tokens {
            input,
            output,
            cache_read,
            cache_creation: 0,
            reasoning: 0,
            present: Tokens::INPUT | Tokens::OUTPUT,
        }
    }

    #[test]
    fn builtin_table_is_loaded() {
        assert!(PriceTable::builtin().len() > 1000);
    }

    #[test]
    fn matches_prefixes_dates_and_case() {
        let p = Prices::default();
        let (name, gpt4o) = p.lookup("gpt-4o", "openai").expect("gpt-4o");
        assert_eq!(name, "gpt-4o");
        assert_eq!(gpt4o.input, 2.5e-6);
        // A provider prefix resolves to the same price (whichever entry name matched).
        assert_eq!(
            p.lookup("openai/gpt-4o", "").map(|x| x.1.input),
            Some(2.5e-6)
        );
        assert_eq!(
            p.lookup("models/gpt-4o", "").map(|x| x.1.input),
            Some(2.5e-6)
        );
        assert!(p.lookup("GPT-4o", "").is_some());
        // A dated name that is not listed falls back to the undated one.
        assert_eq!(strip_date("gpt-4o-2031-01-01"), "gpt-4o");
        assert_eq!(
            p.lookup("gpt-4o-2031-01-01", "openai")
                .map(|x| x.0)
                .as_deref(),
            Some("gpt-4o")
        );
        assert_eq!(
            strip_date("claude-3-5-sonnet-20241022"),
            "claude-3-5-sonnet"
        );
        assert_eq!(
            strip_date("claude-3-5-sonnet@20241022"),
            "claude-3-5-sonnet"
        );
        assert_eq!(
            strip_date("anthropic.claude-3-5-sonnet-20241022-v2:0"),
            "anthropic.claude-3-5-sonnet"
        );
        assert!(p.lookup("no-such-model-xyz", "openai").is_none());
        assert!(p.lookup("", "openai").is_none());
    }

    #[test]
    fn cache_reads_are_not_counted_twice() {
        let price = Price {
            input: 2.0,
            output: 10.0,
            cache_read: Some(1.0),
            cache_creation: None,
            reasoning: None,
        };
        // 100 input of which 40 cached: 60 * 2 + 40 * 1 + 10 * 10.
        assert_eq!(price.cost(&t(100, 10, 40)), 260.0);
    }

    #[test]
    fn user_prices_override_and_bad_files_say_why() {
        let user = PriceTable::from_litellm_json(r#"{"gpt-4o": {"input_cost_per_token": 1.0, "output_cost_per_token": 2.0}, "my-model": {"input_cost_per_token": 0.5}}"#).expect("valid");
        let p = Prices { user: Some(user) };
        assert_eq!(p.lookup("gpt-4o", "").map(|x| x.1.input), Some(1.0));
        assert_eq!(p.lookup("my-model", "").map(|x| x.1.output), Some(0.0));
        assert!(matches!(
            PriceTable::from_litellm_json("[1]"),
            Err(PriceError::Format(_))
        ));
        assert_eq!(
            PriceTable::from_litellm_json(r#"{"m": {"mode": "chat"}}"#).err(),
            Some(PriceError::MissingPrice("m".into()))
        );
    }
}

//! The calls of the JS API as plain Rust over `loupe-core`: load inputs into a set, and everything
//! asked of a loaded set. Every answer is a core type (the `loupe.analysis/1` document, a span's
//! panel, the redaction manifest) or a row naming one (`FindingRow`, `SecretRow`); `js.rs` only
//! converts them to JS values.

use loupe_core::analysis::Options;
use loupe_core::analysis::pricing::{PriceTable, Prices};
use loupe_core::export::Format;
use loupe_core::redact::verify::{place_words, verify};
use loupe_core::redact::{Manifest, Policy, redact};
use loupe_core::report::{AnalysisReport, AnomalyReport, FileOutcome, SpanReport};
use loupe_core::view::Session;
use loupe_core::{ImportError, LimitOverrides, Limits, Loader, SpanIx};
use serde::{Deserialize, Serialize};

/// What went wrong, for a `LoupeError` in JS: a code, the core's message (file, line, column and
/// what was expected, for a file that could not be read), and those parts on their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct LoupeError {
    /// `import` (a file that yields nothing), `no_input`, `options`, `policy`, `not_found`,
    /// `format`, `not_clean` (a redacted file that still holds a match) or `write`.
    pub code: &'static str,
    /// For people: the whole message.
    pub message: String,
    /// The file it concerns.
    pub file: Option<String>,
    /// 1-based line, for a syntax error.
    pub line: Option<u32>,
    /// 1-based column, for a syntax error.
    pub column: Option<u32>,
}

impl LoupeError {
    /// An error with only a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        LoupeError {
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
        }
    }
}

impl From<ImportError> for LoupeError {
    fn from(e: ImportError) -> Self {
        let (file, line, column) = match &e {
            ImportError::Syntax {
                file, line, column, ..
            } => (
                file.clone(),
                Some(u32::try_from(*line).unwrap_or(u32::MAX)),
                Some(u32::try_from(*column).unwrap_or(u32::MAX)),
            ),
            ImportError::Empty { file }
            | ImportError::Unrecognized { file, .. }
            | ImportError::Gzip { file, .. }
            | ImportError::Limit { file, .. } => (file.clone(), None, None),
        };
        LoupeError {
            code: "import",
            message: e.to_string(),
            file: Some(file),
            line,
            column,
        }
    }
}

/// The options of `load` and `analyze` (camelCase in JS; unknown names are an error).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadOptions {
    /// A price table in LiteLLM's JSON format, as text; its models override the built-in prices
    /// (the CLI's `--prices`).
    pub prices: Option<String>,
    /// Largest input, in bytes.
    pub max_file_bytes: Option<usize>,
    /// Largest size a gzip input may inflate to, in bytes.
    pub max_decompressed_bytes: Option<usize>,
    /// Longest string value kept, in bytes.
    pub max_value_bytes: Option<usize>,
    /// Most attributes kept in one list.
    pub max_attrs_per_span: Option<usize>,
    /// Deepest nesting of values.
    pub max_value_depth: Option<usize>,
}

impl LoadOptions {
    fn limits(&self) -> Limits {
        LimitOverrides {
            max_file_bytes: self.max_file_bytes,
            max_decompressed_bytes: self.max_decompressed_bytes,
            max_value_bytes: self.max_value_bytes,
            max_attrs_per_span: self.max_attrs_per_span,
            max_value_depth: self.max_value_depth,
        }
        .limits()
    }

    fn analysis(&self) -> Result<Options, LoupeError> {
        let user = match &self.prices {
            None => None,
            Some(text) => Some(
                PriceTable::from_litellm_json(text)
                    .map_err(|e| LoupeError::new("options", format!("options.prices: {e}")))?,
            ),
        };
        Ok(Options {
            prices: Prices { user },
        })
    }
}

/// A finding of the analysis with the trace it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRow {
    /// Its trace.
    pub trace_id: String,
    /// The finding as the document has it.
    #[serde(flatten)]
    pub finding: AnomalyReport,
}

/// A secret or piece of personal data found in the set. Never holds the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretRow {
    /// The detector id (`openai_key`, `email`, …).
    pub kind: &'static str,
    /// The detector id, or the custom rule's id.
    pub rule: String,
    /// Its trace.
    pub trace_id: String,
    /// The span whose data holds it.
    pub span_id: String,
    /// Which part of the span, in words (`attribute`, `event 2 attribute`, `span name`, …).
    pub place: String,
    /// The attribute key (with enclosing keys and `[i]`); empty for names and messages.
    pub key: String,
    /// Inside JSON held in the value: the path of the string holding it.
    pub json_path: Option<String>,
    /// Byte offset of the match in the string holding it.
    pub offset: u32,
    /// The value masked (`sk-…9f2a`).
    pub masked: String,
}

/// A page of one trace's spans, in tree order (pre-order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanPage {
    /// The trace.
    pub trace_id: String,
    /// Spans in the trace.
    pub total: u32,
    /// Index (within the trace) of the first span of the page.
    pub offset: u32,
    /// The spans' panels.
    pub spans: Vec<SpanReport>,
}

/// Most spans one `spans` call returns.
pub const MAX_PAGE: u32 = 10_000;

/// A redacted set, written and verified.
#[derive(Debug, Clone)]
pub struct RedactOutput {
    /// The file.
    pub bytes: Vec<u8>,
    /// What was redacted (counts by kind and rule, never values).
    pub manifest: Manifest,
    /// The verification pass's result, for people.
    pub verification: String,
}

/// A loaded set: the files merged, analysed, with the inputs that could not be read.
#[derive(Debug)]
pub struct Loaded {
    session: Session,
    outcomes: Vec<FileOutcome>,
    errors: Vec<LoupeError>,
}

/// Loads `inputs` (name, bytes) into one set, as the CLI merges files, and analyses it. Inputs
/// that cannot be read are kept as errors ([`Loaded::errors`]); when none can be, that is the
/// error.
pub fn load(inputs: Vec<(String, Vec<u8>)>, options: &LoadOptions) -> Result<Loaded, LoupeError> {
    if inputs.is_empty() {
        return Err(LoupeError::new(
            "no_input",
            "no inputs given; expected an array of {name, bytes}, Files or Blobs",
        ));
    }
    let analysis_options = options.analysis()?;
    let mut loader = Loader::with_limits(options.limits());
    let mut outcomes = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (name, bytes) in inputs {
        let read = loader.add_file(&name, bytes);
        outcomes.push(FileOutcome::of(&name, &read));
        if let Err(e) = read {
            errors.push(LoupeError::from(e));
        }
    }
    let set = loader.finish();
    if set.sources().is_empty() {
        // One input: its own error; several: one error listing them all.
        return Err(match errors.as_slice() {
            [only] => only.clone(),
            _ => LoupeError::new(
                errors.first().map_or("no_input", |e| e.code),
                format!(
                    "no input could be read: {}",
                    errors
                        .iter()
                        .map(|e| e.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
        });
    }
    Ok(Loaded {
        session: Session::new(set, &analysis_options, 0),
        outcomes,
        errors,
    })
}

impl Loaded {
    /// The `loupe.analysis/1` document: what `loupe analyze --json` prints for the same files.
    pub fn report(&self) -> AnalysisReport {
        AnalysisReport::build(self.session.set(), self.session.analysis())
    }

    /// Inputs that could not be read, in the order given.
    pub fn errors(&self) -> &[LoupeError] {
        &self.errors
    }

    /// Per input: spans and format, or the error text.
    pub fn outcomes(&self) -> &[FileOutcome] {
        &self.outcomes
    }

    /// Every finding of every trace, in the document's order.
    pub fn findings(&self) -> Vec<FindingRow> {
        self.report()
            .traces
            .into_iter()
            .flat_map(|t| {
                let id = t.trace_id;
                t.anomalies.into_iter().map(move |finding| FindingRow {
                    trace_id: id.clone(),
                    finding,
                })
            })
            .collect()
    }

    /// Spans `offset..offset + limit` of a trace (tree order), at most [`MAX_PAGE`].
    pub fn spans(&self, trace_id: &str, offset: u32, limit: u32) -> Result<SpanPage, LoupeError> {
        let set = self.session.set();
        let (Some(t), _) = self.session.locate(trace_id, None) else {
            return Err(LoupeError::new(
                "not_found",
                format!(
                    "no trace {trace_id:?} is open; the open traces are listed in report().traces[].trace_id"
                ),
            ));
        };
        let range = set.traces()[t as usize].spans.as_range();
        let total = range.len() as u32;
        let first = range.start as u32 + offset.min(total);
        let last = (first as u64 + u64::from(limit.min(MAX_PAGE))).min(range.end as u64) as u32;
        let spans = (first..last)
            .filter_map(|ix| self.session.span_report(ix))
            .collect();
        Ok(SpanPage {
            trace_id: trace_id.to_owned(),
            total,
            offset: offset.min(total),
            spans,
        })
    }

    /// Every secret and piece of personal data the detectors find, masked.
    pub fn scan_secrets(&self) -> Vec<SecretRow> {
        let set = self.session.set();
        loupe_core::secrets::scan(set)
            .into_iter()
            .map(|f| SecretRow {
                kind: f.kind.as_str(),
                rule: f.rule,
                trace_id: set.traces()[f.trace.0 as usize]
                    .id
                    .display(set.strings())
                    .to_string(),
                span_id: set.span(SpanIx(f.span.0)).span_id(),
                place: place_words(f.place),
                key: f.key,
                json_path: f.json_path,
                offset: u32::try_from(f.offset).unwrap_or(u32::MAX),
                masked: f.masked,
            })
            .collect()
    }

    /// The set with every match redacted by `policy` (a policy file's text, TOML or JSON; empty
    /// for the default: mask everything), written in `format` and read back by the verification
    /// pass; `key` keys the hashes (32 random bytes per export).
    pub fn redact(
        &self,
        policy: &str,
        format: &str,
        key: &[u8],
    ) -> Result<RedactOutput, LoupeError> {
        let policy = if policy.trim().is_empty() {
            Policy::default()
        } else {
            Policy::parse(policy).map_err(|e| LoupeError::new("policy", format!("policy: {e}")))?
        };
        let format = format_named(format)?;
        let out = redact(self.session.set(), &policy, key);
        let mut bytes = Vec::new();
        format
            .write(&out.set, &mut bytes)
            .map_err(|e| LoupeError::new("write", e.to_string()))?;
        let name = self
            .outcomes
            .first()
            .map_or("traces", |o| o.name.as_str())
            .to_owned();
        let verification = verify(&bytes, &name, &policy);
        if !verification.is_clean() {
            return Err(LoupeError::new(
                "not_clean",
                format!("nothing was given out: {verification}"),
            ));
        }
        Ok(RedactOutput {
            bytes,
            manifest: out.manifest,
            verification: verification.to_string(),
        })
    }

    /// The set in another format (`otlp-json` or `otlp-proto`), as `loupe convert` writes it.
    pub fn convert(&self, format: &str) -> Result<Vec<u8>, LoupeError> {
        let mut bytes = Vec::new();
        format_named(format)?
            .write(self.session.set(), &mut bytes)
            .map_err(|e| LoupeError::new("write", e.to_string()))?;
        Ok(bytes)
    }
}

fn format_named(name: &str) -> Result<Format, LoupeError> {
    Format::from_name(name).ok_or_else(|| {
        LoupeError::new(
            "format",
            format!(
                "unknown format {name:?}; expected one of {}",
                Format::ALL.map(Format::name).join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000001",
       "name":"invoke_agent support","startTimeUnixNano":"1700000000000000001","endTimeUnixNano":"1700000003000000000",
       "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}}]},
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"e000000000000001",
       "parentSpanId":"a000000000000001","name":"execute_tool lookup_order",
       "startTimeUnixNano":"1700000001500000000","endTimeUnixNano":"1700000002500000000","status":{"code":2},
       "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},
                     {"key":"gen_ai.tool.name","value":{"stringValue":"lookup_order"}},
                     {"key":"tool.note","value":{"stringValue":"sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe"}}]}
    ]}]}]}"#;

    fn inputs() -> Vec<(String, Vec<u8>)> {
        vec![("run.json".into(), RUN.as_bytes().to_vec())]
    }

    #[test]
    fn the_report_is_the_clis_document() {
        let loaded = load(inputs(), &LoadOptions::default()).expect("loads");
        let set = loupe_core::load("run.json", RUN.as_bytes().to_vec()).expect("loads");
        let analysis = loupe_core::analysis::Analysis::run(&set, &Options::default());
        assert_eq!(loaded.report(), AnalysisReport::build(&set, &analysis));
        assert_eq!(
            loaded.report().traces[0].start_unix_nano,
            1_700_000_000_000_000_001
        );
        assert!(
            loaded
                .findings()
                .iter()
                .any(|f| f.finding.kind == "tool_error")
        );
    }

    #[test]
    fn a_file_that_cannot_be_read_is_kept_as_an_error_beside_the_others() {
        let mut all = inputs();
        all.push(("broken.json".into(), b"{\"resourceSpans\": [".to_vec()));
        let loaded = load(all, &LoadOptions::default()).expect("the good file loads");
        let [e] = loaded.errors() else {
            panic!("one error: {:?}", loaded.errors())
        };
        assert_eq!((e.code, e.file.as_deref()), ("import", Some("broken.json")));
        assert!(e.line.is_some() && e.column.is_some(), "{e:?}");
        assert_eq!(loaded.report().files.len(), 1);
    }

    #[test]
    fn nothing_readable_is_an_error_naming_the_file() {
        let e = load(
            vec![("x.txt".into(), b"hello".to_vec())],
            &LoadOptions::default(),
        )
        .expect_err("nothing loads");
        assert_eq!(e.file.as_deref(), Some("x.txt"));
        assert!(e.message.starts_with("x.txt: not a trace format"), "{e}");
        let e = load(Vec::new(), &LoadOptions::default()).expect_err("no inputs");
        assert_eq!(e.code, "no_input");
    }

    #[test]
    fn bad_prices_are_an_options_error() {
        let opts = LoadOptions {
            prices: Some("[1,2]".into()),
            ..LoadOptions::default()
        };
        assert_eq!(load(inputs(), &opts).expect_err("bad").code, "options");
    }

    #[test]
    fn spans_come_in_pages_and_an_unknown_trace_is_named() {
        let loaded = load(inputs(), &LoadOptions::default()).expect("loads");
        let id = "0af7651916cd43dd8448eb211c80319c";
        let page = loaded.spans(id, 1, 5).expect("trace is open");
        assert_eq!((page.total, page.offset, page.spans.len()), (2, 1, 1));
        assert_eq!(page.spans[0].span_id, "e000000000000001");
        assert!(loaded.spans(id, 7, 5).expect("open").spans.is_empty());
        assert_eq!(
            loaded.spans("ff", 0, 5).expect_err("absent").code,
            "not_found"
        );
    }

    #[test]
    fn secrets_are_found_masked_and_redaction_verifies() {
        let loaded = load(inputs(), &LoadOptions::default()).expect("loads");
        let found = loaded.scan_secrets();
        assert!(
            found
                .iter()
                .any(|s| s.kind == "openai_key" && s.span_id == "e000000000000001"),
            "{found:?}"
        );
        assert!(found.iter().all(|s| !s.masked.contains("Zx9Yw8Vu7Ts6")));
        let out = loaded.redact("", "otlp-json", &[7; 32]).expect("redacts");
        let text = String::from_utf8(out.bytes).expect("json");
        assert!(!text.contains("Zx9Yw8Vu7Ts6"));
        assert!(out.manifest.matches >= 1);
        assert!(
            out.verification.contains("nothing found"),
            "{}",
            out.verification
        );
        assert_eq!(
            loaded
                .redact("x = [", "otlp-json", &[7; 32])
                .expect_err("bad")
                .code,
            "policy"
        );
        assert_eq!(
            loaded.redact("", "csv", &[7; 32]).expect_err("bad").code,
            "format"
        );
    }

    #[test]
    fn convert_writes_what_loads_back() {
        let loaded = load(inputs(), &LoadOptions::default()).expect("loads");
        for f in ["otlp-json", "otlp-proto"] {
            let bytes = loaded.convert(f).expect("writes");
            let again = loupe_core::load("again", bytes).expect("reads back");
            assert_eq!(again.span_count(), 2, "{f}");
        }
    }
}

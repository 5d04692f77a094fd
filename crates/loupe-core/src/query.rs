//! The search and filter language of the span tree.
//!
//! Terms are separated by spaces and must all hold; `-term` negates one. Quotes keep spaces
//! (`"tool call"`, `key="a b"`).
//!
//! | term | matches spans … |
//! |---|---|
//! | `word` | whose name, service, or any attribute key or string value contains it (any case) |
//! | `key=value` | with attribute `key` (span or resource) whose value reads exactly `value` (any case) |
//! | `key=*` | that have attribute `key` |
//! | `key~regex` | with attribute `key` whose value matches the regular expression (any case; `key~text` finds text anywhere in it) |
//! | `status:error` / `status:ok` / `status:unset` | with that status |
//! | `kind:tool` / `kind:model` / `kind:agent` / `kind:<operation>` / `kind:server` … | of that GenAI operation or span kind |
//! | `finding:loop` / `finding:any` | concerned by a finding of that rule (or any) |
//! | `note:any` / `note:root-cause` | with a note (of that label) |
//! | `service:name` | of that service (substring) |
//! | `>500ms` / `<2s` / `>=1.5s` | longer or shorter than a duration (`ns`, `us`, `ms`, `s`, `m`, `h`) |
//! | `critical` | on the critical path |

use crate::analysis::genai::Operation;
use crate::model::notes::Label;
use crate::model::{SpanIx, SpanKind, StatusCode, TraceSet, Value};

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    terms: Vec<(bool, Term)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Text(String),
    AttrEq(String, String),
    AttrHas(String),
    AttrMatches(String, Pattern),
    Status(StatusCode),
    Op(OpClass),
    Finding(Option<String>),
    Note(Option<Label>),
    Service(String),
    Longer(u64, bool),
    Shorter(u64, bool),
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum OpClass {
    Model,
    Agent,
    Op(Operation),
    Kind(SpanKind),
}

/// A `key~regex` pattern: compiled once, compared by its text.
#[derive(Debug, Clone)]
pub struct Pattern {
    src: String,
    re: regex_lite::Regex,
}

impl Pattern {
    fn new(src: &str) -> Result<Pattern, regex_lite::Error> {
        let re = regex_lite::RegexBuilder::new(src)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()?;
        Ok(Pattern {
            src: src.to_owned(),
            re,
        })
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.src == other.src
    }
}

/// What a span looks like to the query, as the analysis knows it.
#[derive(Debug, Clone, Copy)]
pub struct SpanFacts<'a> {
    /// Its GenAI operation.
    pub op: Operation,
    /// On the critical path.
    pub critical: bool,
    /// Kinds of findings that concern it.
    pub findings: &'a [&'static str],
    /// Labels of the notes on it.
    pub notes: &'a [Label],
}

impl Query {
    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Parses a query; the error says which term is wrong and what was expected.
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut terms = Vec::new();
        for raw in split(text) {
            let (neg, t) = match raw.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_owned()),
                _ => (false, raw),
            };
            terms.push((neg, term(&t)?));
        }
        Ok(Query { terms })
    }

    /// Whether a span matches every term.
    pub fn matches(&self, set: &TraceSet, ix: SpanIx, facts: SpanFacts<'_>) -> bool {
        self.terms
            .iter()
            .all(|(neg, t)| t.matches(set, ix, facts) != *neg)
    }
}

fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// A duration such as `500ms`, `1.5s`, `200us`, `2m`, `1h`, `10ns`, in any case; a bare number is
/// milliseconds ([`crate::units::parse_duration_ns_or`]).
fn parse_duration(s: &str) -> Option<u64> {
    crate::units::parse_duration_ns_or(&s.to_ascii_lowercase(), 1_000_000)
}

fn term(t: &str) -> Result<Term, String> {
    let lower = t.to_lowercase();
    if lower == "critical" {
        return Ok(Term::Critical);
    }
    for (op, shorter) in [(">=", false), ("<=", true), (">", false), ("<", true)] {
        if let Some(rest) = t.strip_prefix(op) {
            let ns = parse_duration(rest).ok_or_else(|| {
                format!("`{t}`: expected a duration after `{op}`, such as 500ms, 1.5s or 2m")
            })?;
            let inclusive = op.len() == 2;
            return Ok(if shorter {
                Term::Shorter(ns, inclusive)
            } else {
                Term::Longer(ns, inclusive)
            });
        }
    }
    if let Some((k, v)) = t.split_once(':')
        && !k.contains('=')
        && !k.contains('~')
    {
        let v_lower = v.to_lowercase();
        match k.to_lowercase().as_str() {
            "status" => {
                return StatusCode::from_name(&v_lower)
                    .map(Term::Status)
                    .ok_or_else(|| {
                        format!("`{t}`: expected status:error, status:ok or status:unset")
                    });
            }
            "kind" | "op" => {
                let class = match v_lower.as_str() {
                    "tool" | "tools" => OpClass::Op(Operation::ExecuteTool),
                    "model" | "llm" | "models" => OpClass::Model,
                    "agent" | "agents" => OpClass::Agent,
                    other => match Operation::from_name(other) {
                        Some(op) => OpClass::Op(op),
                        None => match SpanKind::from_name(other) {
                            Some(k) => OpClass::Kind(k),
                            None => {
                                return Err(format!(
                                    "`{t}`: expected kind:tool, kind:model, kind:agent, an operation (chat, retrieval, …) or a span kind (server, client, …)"
                                ));
                            }
                        },
                    },
                };
                return Ok(Term::Op(class));
            }
            "finding" | "findings" => {
                return Ok(Term::Finding(match v_lower.as_str() {
                    "" | "any" | "*" => None,
                    k => Some(k.to_owned()),
                }));
            }
            "note" | "notes" => {
                return Ok(Term::Note(match v_lower.as_str() {
                    "" | "any" | "*" => None,
                    l => Some(Label::from_name(l).ok_or_else(|| {
                        format!(
                            "`{t}`: expected note:any or note:<label>, a label of {}",
                            Label::names()
                        )
                    })?),
                }));
            }
            "service" => return Ok(Term::Service(v_lower)),
            _ => {}
        }
    }
    // `key=value` or `key~regex`, whichever sign comes first (a pattern may hold `=`).
    if let Some((k, v)) = t.split_once('=')
        && !k.contains('~')
    {
        if k.is_empty() {
            return Err(format!("`{t}`: expected an attribute key before `=`"));
        }
        return Ok(if v == "*" {
            Term::AttrHas(k.to_owned())
        } else {
            Term::AttrEq(k.to_owned(), v.to_lowercase())
        });
    }
    if let Some((k, v)) = t.split_once('~')
        && !k.is_empty()
    {
        return Pattern::new(v)
            .map(|p| Term::AttrMatches(k.to_owned(), p))
            .map_err(|e| format!("`{t}`: `{v}` is not a regular expression ({e})"));
    }
    Ok(Term::Text(lower))
}

/// A value as text for matching and display (strings as they are, others in JSON).
pub fn value_text(set: &TraceSet, v: Value) -> String {
    crate::report::span::value_text(set, v).0
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        hay.as_bytes()
            .windows(needle_lower.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
            || needle_lower.is_empty()
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

impl Term {
    fn attr(set: &TraceSet, ix: SpanIx, key: &str) -> Option<Value> {
        let span = set.span(ix);
        span.attr(key).or_else(|| {
            let sym = set.strings().get(key)?;
            let res = set.resource(span.rec.resource);
            set.attrs(res.attrs)
                .iter()
                .find(|a| a.key == sym)
                .map(|a| a.value)
        })
    }

    fn matches(&self, set: &TraceSet, ix: SpanIx, f: SpanFacts<'_>) -> bool {
        let span = set.span(ix);
        match self {
            Term::Critical => f.critical,
            Term::Status(s) => span.rec.status == *s,
            Term::Op(OpClass::Model) => f.op.is_model_call(),
            Term::Op(OpClass::Agent) => f.op.is_agent(),
            Term::Op(OpClass::Op(op)) => f.op == *op,
            Term::Op(OpClass::Kind(k)) => span.rec.kind == *k,
            Term::Finding(None) => !f.findings.is_empty(),
            Term::Finding(Some(k)) => f.findings.iter().any(|x| x == k),
            Term::Note(None) => !f.notes.is_empty(),
            Term::Note(Some(l)) => f.notes.contains(l),
            Term::Service(s) => contains_ci(span.service(), s),
            Term::Longer(ns, incl) => {
                let d = span.duration_ns();
                d > *ns || (*incl && d == *ns)
            }
            Term::Shorter(ns, incl) => {
                let d = span.duration_ns();
                d < *ns || (*incl && d == *ns)
            }
            Term::AttrHas(k) => Self::attr(set, ix, k).is_some(),
            Term::AttrEq(k, v) => {
                Self::attr(set, ix, k).is_some_and(|x| value_text(set, x).to_lowercase() == *v)
            }
            Term::AttrMatches(k, p) => {
                Self::attr(set, ix, k).is_some_and(|x| p.re.is_match(&value_text(set, x)))
            }
            Term::Text(t) => {
                contains_ci(span.name(), t)
                    || contains_ci(span.service(), t)
                    || span.attrs().iter().any(|a| {
                        contains_ci(set.str(a.key), t)
                            || set.value_str(a.value).is_some_and(|s| contains_ci(&s, t))
                    })
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn note_terms_take_any_or_a_label() {
        let q = Query::parse("note:any -note:fix notes:first-wrong-decision").expect("parses");
        assert_eq!(q.terms[0], (false, Term::Note(None)));
        assert_eq!(q.terms[1], (true, Term::Note(Some(Label::Fix))));
        assert_eq!(
            q.terms[2],
            (false, Term::Note(Some(Label::FirstWrongDecision)))
        );
        let e = Query::parse("note:blame").unwrap_err();
        assert!(
            e.starts_with(
                "`note:blame`: expected note:any or note:<label>, a label of goal, context"
            ),
            "{e}"
        );
        let set = crate::load(
            "t.json",
            br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"a000000000000001","name":"n","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#.to_vec(),
        )
        .unwrap();
        fn facts(notes: &[Label]) -> SpanFacts<'_> {
            SpanFacts {
                op: Operation::Other,
                critical: false,
                findings: &[],
                notes,
            }
        }
        let q = |text: &str, notes: &[Label]| {
            Query::parse(text)
                .unwrap()
                .matches(&set, SpanIx(0), facts(notes))
        };
        assert!(!q("note:any", &[]));
        assert!(q("note:any", &[Label::Goal]));
        assert!(q("note:goal", &[Label::Fix, Label::Goal]));
        assert!(!q("note:fix", &[Label::Goal]));
        assert!(q("-note:fix", &[Label::Goal]));
    }

    #[test]
    fn parses_every_kind_of_term() {
        let q = Query::parse(r#"status:error kind:tool finding:loop >500ms -"slow thing" gen_ai.request.model=gpt-4o x=* k~ab <=2s critical"#)
            .expect("parses");
        assert_eq!(q.terms.len(), 10);
        assert_eq!(q.terms[0], (false, Term::Status(StatusCode::Error)));
        assert_eq!(
            q.terms[1],
            (false, Term::Op(OpClass::Op(Operation::ExecuteTool)))
        );
        assert_eq!(q.terms[2], (false, Term::Finding(Some("loop".into()))));
        assert_eq!(q.terms[3], (false, Term::Longer(500_000_000, false)));
        assert_eq!(q.terms[4], (true, Term::Text("slow thing".into())));
        assert_eq!(
            q.terms[5],
            (
                false,
                Term::AttrEq("gen_ai.request.model".into(), "gpt-4o".into())
            )
        );
        assert_eq!(q.terms[6], (false, Term::AttrHas("x".into())));
        assert_eq!(
            q.terms[7],
            (
                false,
                Term::AttrMatches("k".into(), Pattern::new("ab").expect("regex"))
            )
        );
        assert_eq!(q.terms[8], (false, Term::Shorter(2_000_000_000, true)));
        assert_eq!(q.terms[9], (false, Term::Critical));
    }

    #[test]
    fn bad_terms_say_what_was_expected() {
        let e = Query::parse("status:broken").unwrap_err();
        assert!(e.contains("status:error"), "{e}");
        let e = Query::parse(">fast").unwrap_err();
        assert!(e.contains("duration"), "{e}");
        let e = Query::parse("kind:banana").unwrap_err();
        assert!(e.contains("kind:tool"), "{e}");
        let e = Query::parse("k~(unclosed").unwrap_err();
        assert!(e.contains("not a regular expression"), "{e}");
    }

    #[test]
    fn tilde_is_a_regular_expression_in_any_case() {
        let Term::AttrMatches(_, p) = term("url~^https?://[a-z]+\\.example/v[0-9]$").expect("term")
        else {
            panic!("not a pattern");
        };
        assert!(p.re.is_match("HTTPS://api.example/v2"));
        assert!(!p.re.is_match("https://api.example/v2/x"));
        let Term::AttrMatches(_, p) = term("k~Lookup").expect("term") else {
            panic!("not a pattern");
        };
        assert!(
            p.re.is_match("order_lookup_v2"),
            "plain text is found anywhere"
        );
        let Term::AttrMatches(k, p) = term("url~q=[0-9]+$").expect("term") else {
            panic!("a pattern holding `=` is still a pattern");
        };
        assert_eq!(k, "url");
        assert!(p.re.is_match("/search?q=42"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(500_000_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("2m"), Some(120_000_000_000));
        assert_eq!(parse_duration("20"), Some(20_000_000));
        assert_eq!(parse_duration("3h"), Some(3 * 3_600_000_000_000));
        assert_eq!(parse_duration("1.5MS"), Some(1_500_000));
        assert_eq!(parse_duration("3 parsecs"), None);
    }
}

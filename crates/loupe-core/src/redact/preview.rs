//! A redaction as a viewer shows it before writing anything: the settings a person edits
//! ([`RedactSettings`], the same policy `loupe redact --policy` reads), every value that will
//! change with the matched range in its context ([`preview`]), and the redacted file
//! ([`export`]). The preview and the export come from [`plan`] and [`redact`] with the same
//! policy and key, so they cannot disagree.

use super::key::{KeyError, key_from_hex};
use super::policy::{Action, Policy, PolicyError, PolicyFile, RuleFile};
use super::{Planned, plan, redact};
use crate::export::Format;
use crate::model::TraceSet;
use crate::secrets::{Kind, Place};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why settings could not be applied or the file not written.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// A rule, an action or the allowlist is wrong.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The hash key is not a key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The writer failed.
    #[error("the redacted file could not be written: {0}")]
    Write(String),
    /// The written file, read back and scanned again, still holds matches (or cannot be read
    /// back): it is not given out.
    #[error("the redacted file was not given out: {0}")]
    NotClean(String),
}

/// Redaction settings as a viewer edits them (turned into a [`Policy`] by [`policy`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RedactSettings {
    /// What to do with a match: `mask`, `hash` or `drop`.
    pub action: String,
    /// The hash key, as hex (fresh random bytes each time the view opens).
    pub key: String,
    /// Detectors turned off, by id.
    pub off: Vec<String>,
    /// Detectors off by default (`ip_address`) turned on, by id.
    #[serde(default)]
    pub on: Vec<String>,
    /// Custom rules.
    pub rules: Vec<CustomRule>,
    /// Actions for single detectors or rules, by id.
    pub actions: BTreeMap<String, String>,
}

impl RedactSettings {
    /// Whether the detector `k` is on with these settings.
    pub fn enabled(&self, k: Kind) -> bool {
        let id = k.as_str();
        if k.on_by_default() {
            !self.off.iter().any(|o| o == id)
        } else {
            self.on.iter().any(|o| o == id)
        }
    }

    /// Turns the detector with this id on or off.
    pub fn set_detector(&mut self, id: &str, on: bool) {
        self.off.retain(|o| o != id);
        self.on.retain(|o| o != id);
        let by_default = Kind::from_name(id).is_none_or(Kind::on_by_default);
        if on != by_default {
            if on {
                self.on.push(id.to_owned());
            } else {
                self.off.push(id.to_owned());
            }
        }
    }
}

/// A custom redaction rule: a pattern for values, key patterns for whole values, or both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomRule {
    /// Its id (appears as `[REDACTED:<id>]`).
    pub id: String,
    /// A regular expression (`regex-lite` syntax).
    pub pattern: Option<String>,
    /// Key patterns (`*` wildcards).
    pub keys: Vec<String>,
}

/// What a redaction would change: counts of everything, the first items in place.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RedactPreview {
    /// Matches in all.
    pub matches: u64,
    /// Values that change.
    pub values_changed: u64,
    /// Attributes dropped by a `drop` action.
    pub attributes_dropped: u64,
    /// Spans in the output.
    pub spans: u64,
    /// Items listed (the first ones of each group; the counts cover all).
    pub shown: u32,
    /// Matches by rule.
    pub groups: Vec<RedactGroup>,
    /// Every built-in detector, whether it is on, and its matches.
    pub detectors: Vec<DetectorEntry>,
    /// The settings as a policy file (JSON) for `loupe redact --policy`.
    pub policy: String,
}

/// The matches of one rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RedactGroup {
    /// The kind (`custom` for custom rules).
    pub kind: String,
    /// The detector or rule id.
    pub rule: String,
    /// Words for the kind.
    pub describe: String,
    /// `mask`, `hash` or `drop`.
    pub action: String,
    /// Whether it is a custom rule.
    pub custom: bool,
    /// Matches in all.
    pub count: u64,
    /// The first ones.
    pub items: Vec<RedactItem>,
}

/// One match, shown in its value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RedactItem {
    /// Span index (`None` for an import warning).
    pub span: Option<u32>,
    /// Trace index.
    pub trace: Option<u32>,
    /// The span's name.
    pub span_name: String,
    /// Where in the span (`attribute`, `event 1 attribute`, `span name`, …).
    pub place: String,
    /// The attribute key.
    pub key: String,
    /// Inside JSON held in the value: the path of the string holding the match.
    pub json_path: Option<String>,
    /// The value before the match (up to some context).
    pub before: String,
    /// The matched text.
    pub matched: String,
    /// The value after the match (up to some context).
    pub after: String,
    /// Whether the value goes on before `before`.
    pub cut_before: bool,
    /// Whether it goes on after `after`.
    pub cut_after: bool,
    /// The value's length in bytes.
    pub value_bytes: u64,
    /// What the match becomes.
    pub replacement: String,
}

/// A built-in detector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DetectorEntry {
    /// Its id.
    pub id: String,
    /// What it finds.
    pub describe: String,
    /// Whether it is on.
    pub enabled: bool,
    /// Its matches with these settings.
    pub count: u64,
}

/// A redacted file, written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedactedFile {
    /// A file name for it.
    pub name: String,
    /// A file name for the manifest.
    pub manifest_name: String,
    /// Its format.
    pub format: Format,
    /// The manifest (`loupe.redaction/1`, counts only), as JSON.
    pub manifest: String,
    /// One line per rule, for people.
    pub summary: String,
    /// Matches redacted.
    pub matches: u64,
    /// Spans written.
    pub spans: u64,
    /// What the verification pass found: the file read back and scanned again (see
    /// [`super::verify::verify`]); only clean files are returned.
    pub verification: String,
}

/// Items shown in all, at most; the counts always cover everything.
pub const MAX_ITEMS: usize = 500;
/// Items shown per rule, at most.
pub const MAX_ITEMS_PER_RULE: usize = 100;
/// Bytes of context shown on each side of a match in a long value.
pub const CONTEXT_BYTES: usize = 80;

/// The settings as a policy file (what `loupe redact --policy` reads).
pub fn policy_file(s: &RedactSettings) -> PolicyFile {
    PolicyFile {
        default: Some(s.action.clone()),
        detectors: s
            .off
            .iter()
            .map(|d| (d.clone(), false))
            .chain(s.on.iter().map(|d| (d.clone(), true)))
            .collect(),
        actions: s.actions.clone(),
        rule: s
            .rules
            .iter()
            .map(|r| RuleFile {
                id: r.id.clone(),
                pattern: r.pattern.clone().filter(|p| !p.is_empty()),
                keys: r.keys.clone(),
                action: None,
            })
            .collect(),
        allowlist: None,
    }
}

/// The settings as a policy in the documented JSON shape.
pub fn policy_json(s: &RedactSettings) -> String {
    serde_json::to_string_pretty(&policy_file(s)).unwrap_or_default()
}

/// The settings as a policy, or why they cannot be one (a bad pattern, an unknown action).
pub fn policy(s: &RedactSettings) -> Result<Policy, PolicyError> {
    Policy::from_file(policy_file(s))
}

/// The hash key: the bytes of the settings' hex, or why it is not a key.
fn key(s: &RedactSettings) -> Result<Vec<u8>, KeyError> {
    key_from_hex(&s.key)
}

/// What the redaction will do, with the first [`MAX_ITEMS`] items shown in place.
pub fn preview(set: &TraceSet, s: &RedactSettings) -> Result<RedactPreview, SettingsError> {
    let policy = policy(s)?;
    let plan = plan(set, &policy, &key(s)?);
    let m = &plan.manifest;
    let mut groups: Vec<RedactGroup> = Vec::new();
    let mut index: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    let mut shown = 0usize;
    for item in &plan.items {
        let g = *index
            .entry((item.kind, item.rule.clone()))
            .or_insert_with(|| {
                groups.push(RedactGroup {
                    kind: item.kind.as_str().to_owned(),
                    rule: item.rule.clone(),
                    describe: item.kind.describe().to_owned(),
                    action: item.action.as_str().to_owned(),
                    custom: item.kind == Kind::Custom,
                    count: 0,
                    items: Vec::new(),
                });
                groups.len() - 1
            });
        let group = &mut groups[g];
        group.count += 1;
        if shown < MAX_ITEMS && group.items.len() < MAX_ITEMS_PER_RULE {
            group.items.push(item_entry(set, item));
            shown += 1;
        }
    }
    // Credentials first, then personal data, then custom rules; most matches first within.
    groups.sort_by(|a, b| {
        let rank = |g: &RedactGroup| {
            let k = Kind::from_name(&g.kind).unwrap_or(Kind::Custom);
            (k == Kind::Custom, k.is_pii())
        };
        rank(a).cmp(&rank(b)).then(b.count.cmp(&a.count))
    });
    let counts: BTreeMap<&str, u64> = groups
        .iter()
        .filter(|g| !g.custom)
        .map(|g| (g.kind.as_str(), g.count))
        .collect();
    let detectors = Kind::BUILTIN
        .iter()
        .map(|k| DetectorEntry {
            id: k.as_str().to_owned(),
            describe: k.describe().to_owned(),
            enabled: s.enabled(*k),
            count: counts.get(k.as_str()).copied().unwrap_or(0),
        })
        .collect();
    Ok(RedactPreview {
        matches: m.matches,
        values_changed: m.values_changed,
        attributes_dropped: m.attributes_dropped,
        spans: m.spans,
        shown: shown as u32,
        groups,
        detectors,
        policy: policy_json(s),
    })
}

fn item_entry(set: &TraceSet, item: &Planned) -> RedactItem {
    let value = item.value(set).unwrap_or_default();
    let v: &str = &value;
    let floor = |mut i: usize| {
        i = i.min(v.len());
        while !v.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        i = i.min(v.len());
        while !v.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let (s, e) = (
        floor(item.range.start),
        ceil(item.range.end.max(item.range.start)),
    );
    let from = floor(s.saturating_sub(CONTEXT_BYTES));
    let to = ceil(e.saturating_add(CONTEXT_BYTES));
    let span = item.span.map(|s| set.span(s));
    RedactItem {
        span: item.span.map(|s| s.0),
        trace: item.trace.map(|t| t.0),
        span_name: span.map(|s| s.name().to_owned()).unwrap_or_default(),
        place: super::verify::place_words(item.place),
        key: item.key.clone(),
        json_path: item.json_path.clone(),
        before: v[from..s].to_owned(),
        matched: v[s..e].to_owned(),
        after: v[e..to].to_owned(),
        cut_before: from > 0,
        cut_after: to < v.len(),
        value_bytes: v.len() as u64,
        replacement: match (item.action, item.place) {
            (
                Action::Drop,
                Place::SpanAttribute
                | Place::EventAttribute(_)
                | Place::LinkAttribute(_)
                | Place::ResourceAttribute
                | Place::ScopeAttribute,
            ) => "(attribute dropped)".to_owned(),
            _ => item.replacement.clone(),
        },
    }
}

/// Writes the redacted set in `format`: the file's bytes and what was done. `name` is the first
/// input's name, from which the output's file names are made.
pub fn export(
    set: &TraceSet,
    s: &RedactSettings,
    format: Format,
    name: &str,
) -> Result<(Vec<u8>, RedactedFile), SettingsError> {
    let policy = policy(s)?;
    let out = redact(set, &policy, &key(s)?);
    let stem = name
        .trim_end_matches(".gz")
        .trim_end_matches(".json")
        .trim_end_matches(".jsonl")
        .trim_end_matches(".pb");
    let stem = if stem.is_empty() { "traces" } else { stem };
    let mut bytes = Vec::new();
    format
        .write(&out.set, &mut bytes)
        .map_err(|e| SettingsError::Write(e.to_string()))?;
    let verification = super::verify::verify(&bytes, name, &policy);
    if !verification.is_clean() {
        return Err(SettingsError::NotClean(verification.to_string()));
    }
    let manifest = serde_json::to_string_pretty(&out.manifest).unwrap_or_default();
    Ok((
        bytes,
        RedactedFile {
            name: format!("{stem}.redacted.{}", format.extension()),
            manifest_name: format!("{stem}.redaction.json"),
            format,
            manifest,
            summary: out.manifest.summary(),
            matches: out.manifest.matches,
            spans: out.set.span_count() as u64,
            verification: verification.to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]},"scopeSpans":[{"spans":[
      {"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","name":"chat","startTimeUnixNano":"1","endTimeUnixNano":"9",
       "attributes":[
         {"key":"user.email","value":{"stringValue":"write to jane.doe@acme-corp.io today"}},
         {"key":"prompt","value":{"stringValue":"key sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe and EMP-123456"}}
       ]}]}]}]}"#;

    fn set() -> TraceSet {
        crate::load("t.json", DOC.as_bytes().to_vec()).expect("loads")
    }

    fn settings() -> RedactSettings {
        RedactSettings {
            action: "mask".into(),
            key: "00".repeat(32),
            ..RedactSettings::default()
        }
    }

    #[test]
    fn preview_marks_each_match_in_its_value() {
        let p = preview(&set(), &settings()).expect("preview");
        assert_eq!(p.matches, 2);
        let kinds: Vec<&str> = p.groups.iter().map(|g| g.kind.as_str()).collect();
        assert_eq!(kinds, ["openai_key", "email"], "credentials first");
        let email = &p.groups[1].items[0];
        assert_eq!(email.matched, "jane.doe@acme-corp.io");
        assert_eq!(email.before, "write to ");
        assert_eq!(email.after, " today");
        assert_eq!(email.key, "user.email");
        assert_eq!(email.span_name, "chat");
        assert_eq!(email.replacement, "[REDACTED:email]");
        let d = p.detectors.iter().find(|d| d.id == "email").expect("email");
        assert!(d.enabled && d.count == 1);
    }

    #[test]
    fn settings_turn_detectors_off_and_add_rules() {
        let mut s = settings();
        s.off.push("email".into());
        s.rules.push(CustomRule {
            id: "employee".into(),
            pattern: Some("EMP-[0-9]{6}".into()),
            keys: Vec::new(),
        });
        s.actions.insert("employee".into(), "hash".into());
        let p = preview(&set(), &s).expect("preview");
        let rules: Vec<(&str, &str)> = p
            .groups
            .iter()
            .map(|g| (g.rule.as_str(), g.action.as_str()))
            .collect();
        assert_eq!(rules, [("openai_key", "mask"), ("employee", "hash")]);
        assert!(
            p.groups[1].items[0]
                .replacement
                .starts_with("[HASH:employee:")
        );
        assert!(
            !p.detectors
                .iter()
                .find(|d| d.id == "email")
                .expect("listed")
                .enabled
        );
        s.rules[0].pattern = Some("(".into());
        let e = preview(&set(), &s).expect_err("bad pattern");
        let e = e.to_string();
        assert!(e.contains("rule `employee`: bad pattern"), "{e}");
    }

    #[test]
    fn the_policy_is_the_core_type_in_the_documented_shape() {
        let mut s = settings();
        s.off.push("email".into());
        s.rules.push(CustomRule {
            id: "employee".into(),
            pattern: Some(String::new()),
            keys: vec!["user.*".into()],
        });
        s.actions.insert("employee".into(), "hash".into());
        let json = policy_json(&s);
        let expect = serde_json::json!({
            "actions": {"employee": "hash"},
            "default": "mask",
            "detectors": {"email": false},
            "rules": [{"id": "employee", "keys": ["user.*"]}],
        });
        assert_eq!(json, serde_json::to_string_pretty(&expect).expect("json"));
        // What the viewer shows is what the CLI reads.
        let back = Policy::parse(&json).expect("reads back");
        assert_eq!(
            format!("{back:?}"),
            format!("{:?}", policy(&s).expect("policy"))
        );
    }

    #[test]
    fn a_malformed_key_is_an_error() {
        for bad in ["", "xyz", "abc", "00"] {
            let mut s = settings();
            s.key = bad.into();
            let e = preview(&set(), &s).expect_err("not a key");
            let e = e.to_string();
            assert!(e.contains("the hash key"), "{bad}: {e}");
            assert!(export(&set(), &s, Format::OtlpJson, "run.json").is_err());
        }
    }

    #[test]
    fn export_writes_what_the_preview_showed() {
        let s = settings();
        let shown = preview(&set(), &s).expect("preview");
        let (bytes, file) = export(&set(), &s, Format::OtlpJson, "run.json").expect("export");
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(
            !text.contains("jane.doe") && !text.contains("sk-proj-"),
            "{text}"
        );
        for g in &shown.groups {
            for i in &g.items {
                assert!(text.contains(&i.replacement), "{} in {text}", i.replacement);
            }
        }
        assert_eq!(file.name, "run.redacted.json");
        assert_eq!(file.matches, shown.matches);
        let again = crate::load("again.json", text.into_bytes()).expect("reloads");
        assert_eq!(again.span_count(), 1);
        let (pb, file) = export(&set(), &s, Format::OtlpProto, "run.json").expect("proto");
        assert_eq!(file.name, "run.redacted.pb");
        assert_eq!(
            crate::load("again.pb", pb).expect("reloads").span_count(),
            1
        );
    }

    #[test]
    fn long_values_are_cut_around_the_match_and_items_are_capped() {
        let filler = "x".repeat(1000);
        let mut spans = Vec::new();
        for i in 0..700 {
            spans.push(format!(
                r#"{{"traceId":"0123456789abcdef0123456789abcdef","spanId":"{i:016x}","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"9","attributes":[{{"key":"m","value":{{"stringValue":"{filler} u{i}@acme-corp.io {filler}"}}}}]}}"#
            ));
        }
        let doc = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
            spans.join(",")
        );
        let set = crate::load("big.json", doc.into_bytes()).expect("loads");
        let p = preview(&set, &settings()).expect("preview");
        assert_eq!(p.matches, 700);
        assert_eq!(p.groups[0].count, 700);
        assert_eq!(p.groups[0].items.len(), MAX_ITEMS_PER_RULE);
        let item = &p.groups[0].items[0];
        assert!(item.cut_before && item.cut_after);
        assert_eq!(item.before.len(), CONTEXT_BYTES);
        assert_eq!(item.value_bytes, 2000 + " u0@acme-corp.io ".len() as u64);
    }
}

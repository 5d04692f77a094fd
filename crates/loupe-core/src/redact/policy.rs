//! Redaction policies: what to do with each kind of match, custom rules, and an allowlist.
//! The file format (TOML, or the same shape in JSON) is described in `docs/redaction.md`.

use crate::secrets::Kind;
use crate::secrets::engine::{Custom, Glob, Scanner};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happens to a matched value.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Replaced by `[REDACTED:<kind>]`.
    Mask,
    /// Replaced by `[HASH:<kind>:<8 hex digits>]`, a keyed hash: equal values stay equal within one
    /// export, and without the key the value cannot be guessed back.
    Hash,
    /// The attribute holding it is dropped (a name or status message is masked instead).
    Drop,
}

impl Action {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Mask => "mask",
            Action::Hash => "hash",
            Action::Drop => "drop",
        }
    }

    fn parse(s: &str, what: &str) -> Result<Action, PolicyError> {
        match s {
            "mask" => Ok(Action::Mask),
            "hash" => Ok(Action::Hash),
            "drop" => Ok(Action::Drop),
            other => Err(PolicyError::Invalid(format!(
                "{what}: unknown action `{other}`; expected mask, hash or drop"
            ))),
        }
    }
}

/// Why a policy file could not be read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Not valid TOML or JSON, or fields of the wrong type.
    #[error("the policy is not valid {format}: {message}")]
    Syntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// A value that is not allowed.
    #[error("{0}")]
    Invalid(String),
}

/// A redaction policy. The default masks every match of every built-in detector.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub(crate) scanner: Scanner,
    pub(crate) default_action: Option<Action>,
    pub(crate) actions: BTreeMap<String, Action>,
    pub(crate) custom_actions: Vec<Option<Action>>,
    pub(crate) allowlist: Option<Vec<Glob>>,
    /// The policy as written (what a bundle records of it).
    pub(crate) file: PolicyFile,
}

/// A policy as written, before it is checked: the file format of `docs/redaction.md` (TOML, or
/// the same shape in JSON). Build one to make a policy in code ([`Policy::from_file`]), or
/// serialise one to write a policy file (fields left empty are left out).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Actions (`mask`, `hash`, `drop`) for single detectors or custom rules, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, String>,
    /// Top-level attribute keys kept (`*` wildcards); every other attribute is dropped. `None`
    /// keeps them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Vec<String>>,
    /// The action for every match without one of its own (`mask` when `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Built-in detectors turned on or off, by id (all are on by default).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub detectors: BTreeMap<String, bool>,
    /// Custom rules (`[[rule]]` in TOML, `"rules"` in JSON; either name is read).
    #[serde(
        default,
        rename(serialize = "rules", deserialize = "rule"),
        alias = "rules",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub rule: Vec<RuleFile>,
}

/// A custom rule as written in a [`PolicyFile`]: a pattern for values, key patterns for whole
/// values, or both.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Its id (letters, digits, `_`, `-`; it appears as `[REDACTED:<id>]`).
    pub id: String,
    /// A regular expression (`regex-lite` syntax) matched in values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Key patterns (`*` wildcards) whose whole values match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Its action, over `actions` and `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl Policy {
    /// Reads a policy: JSON when the text starts with `{`, TOML otherwise.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| PolicyError::Syntax {
                format: "JSON",
                message: e.to_string(),
            })?
        } else {
            toml::from_str(text).map_err(|e| PolicyError::Syntax {
                format: "TOML",
                message: e.to_string().trim_end().to_owned(),
            })?
        };
        Policy::from_file(file)
    }

    /// Checks a policy as written and makes it a policy: unknown detectors, actions and rule ids,
    /// and bad patterns, are errors.
    pub fn from_file(file: PolicyFile) -> Result<Policy, PolicyError> {
        let mut p = Policy {
            default_action: file
                .default
                .as_deref()
                .map(|a| Action::parse(a, "default"))
                .transpose()?,
            ..Policy::default()
        };
        for (name, on) in &file.detectors {
            let kind = Kind::from_name(name)
                .filter(|k| *k != Kind::Custom)
                .ok_or_else(|| unknown_kind(name, "detectors"))?;
            p.scanner.kinds = if *on {
                p.scanner.kinds.with(kind)
            } else {
                p.scanner.kinds.without(kind)
            };
        }
        let rule_ids: Vec<&str> = file.rule.iter().map(|r| r.id.as_str()).collect();
        for (name, action) in &file.actions {
            if Kind::from_name(name).is_none() && !rule_ids.contains(&name.as_str()) {
                return Err(unknown_kind(name, "actions"));
            }
            p.actions.insert(
                name.clone(),
                Action::parse(action, &format!("actions.{name}"))?,
            );
        }
        for r in &file.rule {
            if r.id.is_empty()
                || !r
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(PolicyError::Invalid(format!(
                    "rule id `{}` must be letters, digits, `_` or `-` (it appears in the output as [REDACTED:{}])",
                    r.id, r.id
                )));
            }
            if Kind::from_name(&r.id).is_some() {
                return Err(PolicyError::Invalid(format!(
                    "rule id `{}` is the name of a built-in detector; choose another",
                    r.id
                )));
            }
            if r.pattern.is_none() && r.keys.is_empty() {
                return Err(PolicyError::Invalid(format!(
                    "rule `{}` has neither `pattern` nor `keys`",
                    r.id
                )));
            }
            let pattern = r
                .pattern
                .as_deref()
                .map(|pat| {
                    regex_lite::RegexBuilder::new(pat)
                        .size_limit(1 << 20)
                        .nest_limit(64)
                        .build()
                        .map_err(|e| {
                            PolicyError::Invalid(format!("rule `{}`: bad pattern: {e}", r.id))
                        })
                })
                .transpose()?;
            if p.scanner.custom.len() >= u16::MAX as usize {
                return Err(PolicyError::Invalid("too many rules".into()));
            }
            p.custom_actions.push(
                r.action
                    .as_deref()
                    .map(|a| Action::parse(a, &format!("rule `{}`", r.id)))
                    .transpose()?,
            );
            p.scanner.custom.push(Custom {
                id: r.id.clone(),
                pattern,
                keys: r.keys.iter().map(|k| Glob::new(k)).collect(),
            });
        }
        p.allowlist = file
            .allowlist
            .as_ref()
            .map(|keys| keys.iter().map(|k| Glob::new(k)).collect());
        // Kept as written (a bundle records it): moved, not copied.
        p.file = file;
        Ok(p)
    }

    /// The policy as written (the default policy's is empty).
    pub fn file(&self) -> &PolicyFile {
        &self.file
    }

    /// The action for a match of a built-in kind, or of custom rule `custom`.
    pub(crate) fn action(&self, kind: Kind, custom: Option<u16>) -> Action {
        if let Some(i) = custom {
            let id = &self.scanner.custom[i as usize].id;
            return self.custom_actions[i as usize]
                .or_else(|| self.actions.get(id).copied())
                .or(self.default_action)
                .unwrap_or(Action::Mask);
        }
        self.actions
            .get(kind.as_str())
            .copied()
            .or(self.default_action)
            .unwrap_or(Action::Mask)
    }

    /// Whether a top-level attribute key is kept by the allowlist (always, without one).
    pub(crate) fn allows(&self, key: &str) -> bool {
        self.allowlist
            .as_ref()
            .is_none_or(|list| list.iter().any(|g| g.matches(key)))
    }
}

fn unknown_kind(name: &str, table: &str) -> PolicyError {
    let known: Vec<&str> = Kind::BUILTIN.iter().map(|k| k.as_str()).collect();
    PolicyError::Invalid(format!(
        "[{table}]: `{name}` is neither a detector ({}) nor a rule id",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_policies() {
        let p = Policy::parse(
            r#"
default = "mask"
allowlist = ["service.name", "gen_ai.*"]
[actions]
email = "hash"
[detectors]
phone = false
[[rule]]
id = "employee_id"
pattern = "EMP-[0-9]{6}"
action = "hash"
[[rule]]
id = "notes"
keys = ["*.internal_notes"]
action = "drop"
"#,
        )
        .expect("valid");
        assert_eq!(p.action(Kind::Email, None), Action::Hash);
        assert_eq!(p.action(Kind::OpenAiKey, None), Action::Mask);
        assert_eq!(p.action(Kind::Custom, Some(0)), Action::Hash);
        assert_eq!(p.action(Kind::Custom, Some(1)), Action::Drop);
        assert!(!p.scanner.kinds.has(Kind::Phone));
        assert!(p.allows("gen_ai.request.model") && !p.allows("user.id"));
        let j = Policy::parse(r#"{"default": "hash", "rules": [{"id": "x", "pattern": "abc"}]}"#)
            .expect("json");
        assert_eq!(j.action(Kind::Email, None), Action::Hash);
        assert_eq!(j.action(Kind::Custom, Some(0)), Action::Hash);
    }

    #[test]
    fn bad_policies_say_why() {
        for (text, needle) in [
            ("default = \"burn\"", "unknown action `burn`"),
            ("[detectors]\nphones = false", "`phones` is neither"),
            ("[[rule]]\nid = \"r\"", "neither `pattern` nor `keys`"),
            ("[[rule]]\nid = \"r\"\npattern = \"(\"", "bad pattern"),
            (
                "[[rule]]\nid = \"email\"\npattern = \"x\"",
                "built-in detector",
            ),
            ("colour = 1", "not valid TOML"),
            ("{\"default\": 3}", "not valid JSON"),
        ] {
            let e = Policy::parse(text).expect_err(text).to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}

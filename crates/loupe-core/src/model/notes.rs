//! The data of notes: labels, annotations, the bundles they came from, and a set's notes as a
//! whole (`TraceSet::notes`). What needs the spans (attaching notes to them, path keys, notes
//! files) is in `crate::notes`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a note is about: what agent traces are read for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Label {
    /// What the run was asked to do.
    Goal,
    /// What the model knew (prompt, retrieved documents, memory).
    Context,
    /// A choice the model made.
    Decision,
    /// A call of a tool.
    ToolCall,
    /// A guardrail or policy check.
    Guardrail,
    /// A human approval or hand-off.
    Approval,
    /// Tokens and money.
    Cost,
    /// Time.
    Latency,
    /// Why generation stopped.
    StopReason,
    /// Where the run first went wrong.
    FirstWrongDecision,
    /// Why it went wrong.
    RootCause,
    /// What fixes it.
    Fix,
    /// Anything else.
    Note,
}

impl Label {
    /// Every label, in the order a viewer offers them.
    pub const ALL: [Label; 13] = [
        Label::Goal,
        Label::Context,
        Label::Decision,
        Label::ToolCall,
        Label::Guardrail,
        Label::Approval,
        Label::Cost,
        Label::Latency,
        Label::StopReason,
        Label::FirstWrongDecision,
        Label::RootCause,
        Label::Fix,
        Label::Note,
    ];

    /// The name as written in files (`first-wrong-decision`).
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Goal => "goal",
            Label::Context => "context",
            Label::Decision => "decision",
            Label::ToolCall => "tool-call",
            Label::Guardrail => "guardrail",
            Label::Approval => "approval",
            Label::Cost => "cost",
            Label::Latency => "latency",
            Label::StopReason => "stop-reason",
            Label::FirstWrongDecision => "first-wrong-decision",
            Label::RootCause => "root-cause",
            Label::Fix => "fix",
            Label::Note => "note",
        }
    }

    /// The label with this name.
    pub fn from_name(name: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// Every name, comma-separated, for messages.
    pub fn names() -> String {
        Label::ALL.map(Label::as_str).join(", ")
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One note on a span (or on a whole trace, when `span_id` is `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// Unique within its set or bundle (`n1`, `n2`, …); the tour names notes by it.
    pub id: String,
    /// The trace, as 32 hex digits.
    pub trace_id: String,
    /// The span, as 16 hex digits; `None` for a note on the trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_id: Option<String>,
    /// The span's path key: span names from the root down to it (empty for a trace note).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// What it is about.
    pub label: Label,
    /// Plain text; line breaks are kept. Never HTML.
    #[serde(default)]
    pub text: String,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// When it was written (RFC 3339).
    pub created: String,
    /// When it last changed (RFC 3339).
    pub updated: String,
    /// Its place in the tour, counting from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// Where a bundle that was opened came from and what it says of itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BundleInfo {
    /// The file's name as opened.
    pub file: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// The Loupe that made it (`loupe 0.1.0`).
    pub generator: String,
    /// Whether it was redacted when written (`false` only by the author's explicit choice).
    pub redacted: bool,
    /// How many of its notes are tour steps.
    pub tour_steps: u32,
    /// The labels of its notes, each once, in [`Label::ALL`]'s order.
    pub labels: Vec<Label>,
}

/// The notes of a set: annotations, the tour and the bundles they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// Every note, in the order added.
    pub annotations: Vec<Annotation>,
    /// Note ids in tour order.
    pub tour: Vec<String>,
    /// The bundles opened, in order.
    pub bundles: Vec<BundleInfo>,
}

impl Notes {
    /// Whether there are no notes and no bundles.
    pub fn is_empty(&self) -> bool {
        self.annotations.is_empty() && self.bundles.is_empty()
    }

    /// The note with this id.
    pub fn get(&self, id: &str) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }

    /// A fresh id (`n<k>`, the smallest k not taken).
    pub fn next_id(&self) -> String {
        let taken = |id: &str| self.annotations.iter().any(|a| a.id == id);
        (1..)
            .map(|k| format!("n{k}"))
            .find(|id| !taken(id))
            .expect("some id is free")
    }

    /// Adds notes from another source: ids that collide are renamed (and the tour follows).
    pub fn merge(&mut self, other: Notes) {
        let Notes {
            mut annotations,
            mut tour,
            bundles,
        } = other;
        for a in &mut annotations {
            if self.get(&a.id).is_some() {
                let old = std::mem::take(&mut a.id);
                a.id = self.next_id();
                for t in &mut tour {
                    if *t == old {
                        t.clone_from(&a.id);
                    }
                }
            }
            self.annotations.push(a.clone());
        }
        self.tour.extend(tour);
        self.bundles.extend(bundles);
    }

    /// The tour: `self.tour` where it names notes; otherwise the notes with a step, by step.
    pub fn tour_notes(&self) -> Vec<&Annotation> {
        let listed: Vec<&Annotation> = self.tour.iter().filter_map(|id| self.get(id)).collect();
        if !listed.is_empty() {
            return listed;
        }
        // Sorted as (step << 32 | index) keys: a sort of u64s, which the viewer's wasm has
        // already, where a sort of notes would add its own copy of the sort code.
        let mut keys: Vec<u64> = self
            .annotations
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.step.map(|s| (u64::from(s) << 32) | i as u64))
            .collect();
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| &self.annotations[(k & 0xffff_ffff) as usize])
            .collect()
    }
}

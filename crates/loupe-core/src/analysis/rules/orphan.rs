//! `orphan`: a span whose parent is not in the loaded files.
//!
//! A span names a parent that is not in the loaded files: part of the trace was not exported or is
//! in another file. Open the other files together, or check sampling and exporter errors.
//!
//! # What it checks
//!
//! A span that names a parent that is not in the loaded files. It is kept, and shown at the top of
//! its trace with its descendants.
//!
//! # Why it matters
//!
//! Part of the trace was not exported or is in another file, so the tree, the critical path and the
//! totals of the trace miss it.
//!
//! # What to do
//!
//! Open the other files together, or check sampling and exporter errors.

use super::rule::{Context, Finding, Rule, Severity};
use crate::model::{TraceIx, TreeFlags};

/// `orphan`: a span whose parent is not in the loaded files.
#[derive(Debug)]
pub struct OrphanRule;

impl Rule for OrphanRule {
    fn id(&self) -> &'static str {
        "orphan"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn explanation(&self) -> &'static str {
        "A span names a parent that is not in the loaded files: part of the trace was not exported or is in another file. Open the other files together, or check sampling and exporter errors."
    }
    fn check(&self, cx: &Context<'_>, trace: TraceIx, out: &mut Vec<Finding>) {
        for ix in cx.set.top_level(trace) {
            let s = cx.set.span(ix);
            if s.rec.tree_flags.has(TreeFlags::ORPHAN) {
                out.push(Finding {
                    kind: self.id(),
                    severity: self.severity(),
                    spans: vec![ix],
                    message: format!(
                        "`{}` names parent {}, which is not in the loaded files; {} shown at the top of the trace",
                        s.name(),
                        s.parent_id().unwrap_or_default(),
                        match s.rec.subtree_end - ix.0 - 1 {
                            0 => "it is".to_owned(),
                            1 => "it and its 1 descendant are".to_owned(),
                            n => format!("it and its {n} descendants are"),
                        }
                    ),
                });
            }
        }
    }
}

//! The instrumentation audit ("try it cold"): could an engineer reconstruct this run from the trace
//! alone? Five areas, each a set of checks counted over the steps they apply to:
//! - **context**: agent name and version, model versions, instruction/prompt version, tool versions,
//!   environment, user or tenant, conversation id;
//! - **actions**: every tool call has a name, arguments, a result and a status; every model call has
//!   its input and output messages, or at least tokens and a finish reason;
//! - **signals**: timing, tokens per model call, cost derivable, errors typed;
//! - **enforcement**: guardrail, policy or approval steps are present;
//! - **why**: each action carries a stated reason or hypothesis.
//!
//! An area's score is the mean of its checks' pass rates (checks that apply to nothing are left
//! out, and an area with none left has no score); the trace's score is the mean of the scored areas.

use super::genai::{Operation, Step, Tokens, finish_reasons};
use crate::model::{SpanIx, StatusCode, TraceIx, TraceSet};
use serde::Serialize;

/// One check over the steps it applies to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Check name (`tool_arguments`, …).
    pub check: &'static str,
    /// Steps that pass.
    pub passed: u32,
    /// Steps it applies to.
    pub total: u32,
    /// What is missing, in words, when not all pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// Up to 10 spans that fail it.
    #[serde(skip)]
    pub failing: Vec<SpanIx>,
}

/// One area of the audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    /// `context`, `actions`, `signals`, `enforcement`, `why`.
    pub area: &'static str,
    /// 0 to 1; `None` when none of its checks applies (e.g. "why" in a run with no actions).
    pub score: Option<f64>,
    /// Its checks.
    pub checks: Vec<Check>,
}

/// The audit of one trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// 0 to 1: the mean of the areas.
    pub score: f64,
    /// The areas, in the order above.
    pub areas: Vec<Area>,
}

struct Counter<'a> {
    set: &'a TraceSet,
    check: &'static str,
    what: &'static str,
    missing: &'static str,
    passed: u32,
    total: u32,
    failing: Vec<SpanIx>,
}

impl<'a> Counter<'a> {
    fn new(
        set: &'a TraceSet,
        check: &'static str,
        what: &'static str,
        missing: &'static str,
    ) -> Self {
        Counter {
            set,
            check,
            what,
            missing,
            passed: 0,
            total: 0,
            failing: Vec::new(),
        }
    }

    fn add(&mut self, ix: SpanIx, ok: bool) {
        self.total += 1;
        if ok {
            self.passed += 1;
        } else if self.failing.len() < 10 {
            self.failing.push(ix);
        }
    }

    fn finish(self) -> Check {
        let gap = (self.passed < self.total).then(|| {
            let examples: Vec<String> = self
                .failing
                .iter()
                .take(3)
                .map(|&ix| {
                    let s = self.set.span(ix);
                    format!("`{}` ({})", s.name(), s.span_id())
                })
                .collect();
            format!(
                "{} of {} {} {}: {}{}",
                self.total - self.passed,
                self.total,
                self.what,
                self.missing,
                examples.join(", "),
                if self.total - self.passed > 3 {
                    ", …"
                } else {
                    ""
                }
            )
        });
        Check {
            check: self.check,
            passed: self.passed,
            total: self.total,
            gap,
            failing: self.failing,
        }
    }
}

/// A check over the whole trace: present or not.
fn presence(check: &'static str, ok: bool, gap: &str) -> Check {
    Check {
        check,
        passed: u32::from(ok),
        total: 1,
        gap: (!ok).then(|| gap.to_owned()),
        failing: Vec::new(),
    }
}

fn has_key(set: &TraceSet, attrs: crate::model::Range32, pred: impl Fn(&str) -> bool) -> bool {
    set.attrs(attrs).iter().any(|a| pred(set.str(a.key)))
}

fn area(area: &'static str, checks: Vec<Check>) -> Area {
    let rated: Vec<f64> = checks
        .iter()
        .filter(|c| c.total > 0)
        .map(|c| f64::from(c.passed) / f64::from(c.total))
        .collect();
    let score = (!rated.is_empty())
        .then(|| (rated.iter().sum::<f64>() / rated.len() as f64 * 1000.0).round() / 1000.0);
    Area {
        area,
        score,
        checks: checks.into_iter().filter(|c| c.total > 0).collect(),
    }
}

/// Audits one trace. `priced` tells whether a step's cost is derivable (reported or priced).
pub fn audit(
    set: &TraceSet,
    steps: &[Step],
    trace: TraceIx,
    priced: &dyn Fn(SpanIx) -> bool,
) -> Audit {
    let range = set.traces()[trace.0 as usize].spans;
    let spans = || range.as_range().map(|i| SpanIx(i as u32));
    let step_of = |ix: SpanIx| &steps[ix.0 as usize];

    // Context.
    let mut agent_name = Counter::new(set, "agent_name", "agent spans", "do not name the agent");
    let mut agent_version = Counter::new(
        set,
        "agent_version",
        "agent spans",
        "have no gen_ai.agent.version",
    );
    let mut model_version = Counter::new(
        set,
        "model_version",
        "model calls",
        "do not record the model version that answered (gen_ai.response.model)",
    );
    let mut tool_version = Counter::new(set, "tool_version", "tool calls", "have no tool version");
    let (mut instructions, mut environment, mut user, mut conversation) =
        (false, false, false, false);
    // Actions and signals.
    let mut tool_name = Counter::new(set, "tool_name", "tool calls", "have no tool name");
    let mut tool_args = Counter::new(
        set,
        "tool_arguments",
        "tool calls",
        "have no arguments recorded",
    );
    let mut tool_result = Counter::new(set, "tool_result", "tool calls", "have no result recorded");
    let mut tool_status = Counter::new(
        set,
        "tool_status",
        "tool calls",
        "have no status (neither OK nor an error)",
    );
    let mut model_io = Counter::new(
        set,
        "model_io",
        "model calls",
        "record neither their messages nor tokens and finish reason",
    );
    let mut timing = Counter::new(
        set,
        "timing",
        "spans",
        "have no duration (zero, or ending before they start)",
    );
    let mut tokens = Counter::new(set, "model_tokens", "model calls", "report no token counts");
    let mut cost = Counter::new(
        set,
        "cost",
        "model calls",
        "have no derivable cost (no reported cost and no price for the model)",
    );
    let mut errors_typed = Counter::new(
        set,
        "errors_typed",
        "failed spans",
        "have no error type (error.type or an exception event)",
    );
    let mut why = Counter::new(
        set,
        "stated_reason",
        "actions",
        "carry no stated reason, intent or hypothesis",
    );
    let mut enforcement = false;

    for ix in spans() {
        let step = step_of(ix);
        let s = set.span_record(ix);
        let res = set.resource(s.resource);
        environment |= has_key(set, res.attrs, |k| k.starts_with("deployment.environment"));
        user |= !step.user_id.is_empty()
            || has_key(set, res.attrs, |k| k == "tenant.id" || k == "user.id")
            || has_key(set, s.attrs, |k| {
                k == "tenant.id" || k.ends_with(".tenant.id")
            });
        conversation |= !step.conversation_id.is_empty();
        instructions |= has_key(set, s.attrs, |k| {
            (k.starts_with("gen_ai.prompt.")
                && (k.ends_with(".name") || k.ends_with(".version") || k.ends_with(".id"))
                && !k[14..].starts_with(|c: char| c.is_ascii_digit()))
                || k == "gen_ai.prompt.name"
                || k == "prompt.version"
                || k == "prompt.id"
                || k == "llm.prompt_template.version"
                || k == "gen_ai.system_instructions.version"
        });
        timing.add(ix, s.end_unix_ns > s.start_unix_ns);
        if step.failed {
            errors_typed.add(ix, !step.error_type.is_empty());
        }
        match step.op {
            Operation::InvokeAgent | Operation::CreateAgent => {
                agent_name.add(ix, !step.agent_name.is_empty());
                agent_version.add(ix, !step.agent_version.is_empty());
            }
            Operation::ExecuteTool => {
                tool_name.add(ix, !step.tool_name.is_empty());
                tool_args.add(ix, step.tool_arguments.is_some());
                tool_result.add(ix, step.tool_result.is_some() || step.failed);
                tool_status.add(
                    ix,
                    s.status != StatusCode::Unset || !step.error_type.is_empty(),
                );
                tool_version.add(ix, has_key(set, s.attrs, |k| k.ends_with("tool.version")));
                why.add(ix, step.intent.is_some());
            }
            Operation::Guardrail | Operation::Approval => {
                enforcement = true;
                why.add(ix, step.intent.is_some());
            }
            Operation::Handoff => why.add(ix, step.intent.is_some()),
            op if op.is_model_call() => {
                model_version.add(ix, !step.response_model.is_empty());
                let both = step.has_input_messages && step.has_output_messages;
                let signals = step.tokens.any() && !finish_reasons(set, step).is_empty();
                model_io.add(ix, both || signals);
                tokens.add(
                    ix,
                    step.tokens.present & (Tokens::INPUT | Tokens::OUTPUT) != 0,
                );
                if op != Operation::Embeddings {
                    cost.add(ix, priced(ix));
                }
            }
            _ => {}
        }
    }
    let agents_seen = agent_name.total > 0;
    let mut context = vec![
        agent_name.finish(),
        agent_version.finish(),
        model_version.finish(),
    ];
    if !agents_seen {
        context.push(presence(
            "agent_span",
            false,
            "no agent invocation span (invoke_agent): the run's agent is not named anywhere",
        ));
    }
    context.extend([
        presence("instructions_version", instructions, "no prompt or instruction version is recorded (e.g. gen_ai.prompt.name, prompt.version)"),
        tool_version.finish(),
        presence("environment", environment, "no deployment environment on the resource (deployment.environment.name)"),
        presence("user_or_tenant", user, "no user or tenant id (user.id, enduser.id, tenant.id)"),
        presence("conversation", conversation, "no conversation or session id (gen_ai.conversation.id, session.id)"),
    ]);
    let areas = vec![
        area("context", context),
        area(
            "actions",
            vec![
                tool_name.finish(),
                tool_args.finish(),
                tool_result.finish(),
                tool_status.finish(),
                model_io.finish(),
            ],
        ),
        area(
            "signals",
            vec![
                timing.finish(),
                tokens.finish(),
                cost.finish(),
                errors_typed.finish(),
            ],
        ),
        area(
            "enforcement",
            vec![presence(
                "guardrail_or_approval",
                enforcement,
                "no guardrail, policy check or human approval step is recorded",
            )],
        ),
        area("why", vec![why.finish()]),
    ];
    let rated: Vec<f64> = areas.iter().filter_map(|a| a.score).collect();
    let score = rated.iter().sum::<f64>() / rated.len().max(1) as f64;
    Audit {
        score: (score * 1000.0).round() / 1000.0,
        areas,
    }
}

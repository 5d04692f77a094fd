//! The GenAI step model: every span normalised into a [`Step`] — what kind of step it is, which agent,
//! model and tool, its tokens, finish reasons, tool arguments and result, and ids — from the
//! OpenTelemetry GenAI conventions (current and deprecated names), OpenInference and OpenLLMetry.
//! Deprecated names are read silently: they are not errors.
//!
//! Attribute keys are resolved to interned symbols once, so classifying a span is one table lookup
//! per attribute.

use crate::intern::Sym;
use crate::model::{SpanIx, StatusCode, TraceIx, TraceSet, Value, ValueRef};
use std::borrow::Cow;

/// A name or id of a step: an attribute's string value, or the part of the span name after its
/// operation (`execute_tool lookup_order` → `lookup_order`) when no attribute gives it.
///
/// Deliberately not `PartialEq`: two texts are equal when their strings are (compare
/// [`Text::get`]), not when they point at the same bytes.
#[derive(Copy, Clone, Debug, Default)]
pub enum Text {
    /// Not known.
    #[default]
    Empty,
    /// A string attribute value.
    Value(Value),
    /// The span name from byte `at` on.
    NameSuffix {
        /// The span's name.
        name: Sym,
        /// Where the suffix starts.
        at: u32,
    },
}

impl Text {
    /// From an attribute value: strings only, and not empty ones.
    pub fn of(v: Value) -> Text {
        match v {
            Value::Str(s) if s.is_empty() => Text::Empty,
            Value::Src(s) if s.is_empty() => Text::Empty,
            Value::Str(_) | Value::Src(_) | Value::Text(_) => Text::Value(v),
            _ => Text::Empty,
        }
    }

    /// Whether nothing is known.
    pub fn is_empty(self) -> bool {
        matches!(self, Text::Empty)
    }

    /// The text.
    pub fn get(self, set: &TraceSet) -> Cow<'_, str> {
        match self {
            Text::Empty => Cow::Borrowed(""),
            Text::Value(v) => set.value_str(v).unwrap_or_default(),
            Text::NameSuffix { name, at } => {
                Cow::Borrowed(set.str(name).get(at as usize..).unwrap_or(""))
            }
        }
    }
}

/// What a step does.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Operation {
    /// An agent invocation (`invoke_agent`).
    InvokeAgent,
    /// Creating an agent (`create_agent`).
    CreateAgent,
    /// A chat model call.
    Chat,
    /// A text completion model call.
    TextCompletion,
    /// A `generate_content` model call.
    GenerateContent,
    /// An embeddings call.
    Embeddings,
    /// A tool execution.
    ExecuteTool,
    /// A retrieval step (RAG, memory search, reranking).
    Retrieval,
    /// A guardrail or policy check.
    Guardrail,
    /// A human approval step.
    Approval,
    /// A handoff from one agent to another.
    Handoff,
    /// An MCP call that is not a tool call (`tools/list`, `resources/read`, …).
    Mcp,
    /// A workflow or chain grouping other steps.
    Workflow,
    /// Anything else.
    #[default]
    Other,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 14] = [
        Operation::InvokeAgent,
        Operation::CreateAgent,
        Operation::Chat,
        Operation::TextCompletion,
        Operation::GenerateContent,
        Operation::Embeddings,
        Operation::ExecuteTool,
        Operation::Retrieval,
        Operation::Guardrail,
        Operation::Approval,
        Operation::Handoff,
        Operation::Mcp,
        Operation::Workflow,
        Operation::Other,
    ];

    /// The operation named by [`Operation::as_str`].
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.as_str() == name)
    }

    /// Snake-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::InvokeAgent => "invoke_agent",
            Operation::CreateAgent => "create_agent",
            Operation::Chat => "chat",
            Operation::TextCompletion => "text_completion",
            Operation::GenerateContent => "generate_content",
            Operation::Embeddings => "embeddings",
            Operation::ExecuteTool => "execute_tool",
            Operation::Retrieval => "retrieval",
            Operation::Guardrail => "guardrail",
            Operation::Approval => "approval",
            Operation::Handoff => "handoff",
            Operation::Mcp => "mcp",
            Operation::Workflow => "workflow",
            Operation::Other => "other",
        }
    }

    /// A call to a model (chat, completion, generate_content, embeddings).
    pub fn is_model_call(self) -> bool {
        matches!(
            self,
            Operation::Chat
                | Operation::TextCompletion
                | Operation::GenerateContent
                | Operation::Embeddings
        )
    }

    /// An agent invocation or creation.
    pub fn is_agent(self) -> bool {
        matches!(self, Operation::InvokeAgent | Operation::CreateAgent)
    }

    fn from_operation_name(s: &str) -> Option<Self> {
        Some(match s {
            "chat" => Operation::Chat,
            "text_completion" | "completion" => Operation::TextCompletion,
            "generate_content" => Operation::GenerateContent,
            "embeddings" | "embedding" => Operation::Embeddings,
            "execute_tool" => Operation::ExecuteTool,
            "invoke_agent" => Operation::InvokeAgent,
            "create_agent" => Operation::CreateAgent,
            "retrieval" | "search_memory" | "rerank" => Operation::Retrieval,
            "invoke_workflow" | "plan" => Operation::Workflow,
            "handoff" => Operation::Handoff,
            "guardrail" => Operation::Guardrail,
            _ => return None,
        })
    }

    fn from_openinference(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "LLM" => Operation::Chat,
            "EMBEDDING" => Operation::Embeddings,
            "TOOL" => Operation::ExecuteTool,
            "AGENT" => Operation::InvokeAgent,
            "RETRIEVER" | "RERANKER" => Operation::Retrieval,
            "GUARDRAIL" => Operation::Guardrail,
            "CHAIN" => Operation::Workflow,
            _ => return None,
        })
    }

    fn from_traceloop(s: &str) -> Option<Self> {
        Some(match s {
            "workflow" => Operation::Workflow,
            "agent" => Operation::InvokeAgent,
            "tool" => Operation::ExecuteTool,
            _ => return None,
        })
    }
}

/// Token counts of one step. `input` includes cache reads and writes (the OpenTelemetry rule);
/// `output` includes reasoning.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Input (prompt) tokens.
    pub input: u64,
    /// Output (completion) tokens.
    pub output: u64,
    /// Input tokens read from a cache.
    pub cache_read: u64,
    /// Input tokens written to a cache.
    pub cache_creation: u64,
    /// Output tokens spent on reasoning.
    pub reasoning: u64,
    /// Which counts were reported (bits of `Tokens::INPUT` …).
    pub present: u8,
}

impl Tokens {
    /// Input was reported.
    pub const INPUT: u8 = 1;
    /// Output was reported.
    pub const OUTPUT: u8 = 2;
    /// Cache reads were reported.
    pub const CACHE_READ: u8 = 4;
    /// Cache writes were reported.
    pub const CACHE_CREATION: u8 = 8;
    /// Reasoning was reported.
    pub const REASONING: u8 = 16;

    /// Whether any count was reported.
    pub fn any(&self) -> bool {
        self.present != 0
    }

    /// Adds another step's counts.
    pub fn add(&mut self, o: &Tokens) {
        self.input += o.input;
        self.output += o.output;
        self.cache_read += o.cache_read;
        self.cache_creation += o.cache_creation;
        self.reasoning += o.reasoning;
        self.present |= o.present;
    }

    /// Input plus output.
    pub fn total(&self) -> u64 {
        self.input + self.output
    }
}

/// One span seen as a step of an agent run. Names point into the set, so a step is small and
/// decoding is deferred.
#[derive(Copy, Clone, Debug, Default)]
pub struct Step {
    /// What it does.
    pub op: Operation,
    /// Agent name (`gen_ai.agent.name`, `agent.name`, …).
    pub agent_name: Text,
    /// Agent id.
    pub agent_id: Text,
    /// Agent version.
    pub agent_version: Text,
    /// Provider (`gen_ai.provider.name`, or the older `gen_ai.system`, `llm.provider`).
    pub provider: Text,
    /// Requested model.
    pub request_model: Text,
    /// Model that answered.
    pub response_model: Text,
    /// Token counts as reported on this span.
    pub tokens: Tokens,
    /// Finish reasons as reported (array or string).
    pub finish_reasons: Option<Value>,
    /// Tool name.
    pub tool_name: Text,
    /// Tool call id.
    pub tool_call_id: Text,
    /// Tool arguments.
    pub tool_arguments: Option<Value>,
    /// Tool result.
    pub tool_result: Option<Value>,
    /// Conversation or session id.
    pub conversation_id: Text,
    /// End user id.
    pub user_id: Text,
    /// Error type (`error.type`, or the exception type of an `exception` event).
    pub error_type: Text,
    /// Cost in USD reported on the span (`llm.cost.total`, …).
    pub reported_cost_usd: Option<f64>,
    /// The step's stated reason, intent or hypothesis, when the trace carries one.
    pub intent: Option<Value>,
    /// Input messages are recorded (any convention).
    pub has_input_messages: bool,
    /// Output messages are recorded (any convention).
    pub has_output_messages: bool,
    /// The span failed (error status or an error type).
    pub failed: bool,
}

impl Step {
    /// The model name used for prices and rollups: the request model, else the response model.
    pub fn model(&self) -> Text {
        if self.request_model.is_empty() {
            self.response_model
        } else {
            self.request_model
        }
    }
}

/// Known attribute keys.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
enum K {
    None = 0,
    OperationName,
    OiKind,
    TraceloopKind,
    LlmRequestType,
    McpMethod,
    AgentName,
    AgentNameOi,
    AgentId,
    AgentVersion,
    Provider,
    System,
    LlmProvider,
    LlmSystem,
    RequestModel,
    ResponseModel,
    LlmModelName,
    LlmRequestModelName,
    LlmResponseModelName,
    InputTokens,
    PromptTokens,
    OiPromptTokens,
    OutputTokens,
    CompletionTokens,
    OiCompletionTokens,
    CacheRead,
    CacheReadOld,
    OiCacheRead,
    CacheCreation,
    CacheCreationOld,
    OiCacheWrite,
    Reasoning,
    ReasoningOld,
    OiReasoning,
    FinishReasons,
    LlmFinishReason,
    ToolName,
    ToolNameOi,
    ToolCallId,
    ToolArguments,
    ToolArgumentsOld,
    ToolResult,
    GenAiOutput,
    InputValue,
    OutputValue,
    TraceloopInput,
    TraceloopOutput,
    TraceloopEntityName,
    ConversationId,
    SessionId,
    UserId,
    EndUserId,
    ErrorType,
    CostTotal,
    CostPrompt,
    CostCompletion,
    InputMessages,
    OutputMessages,
    SystemInstructions,
    OldPrompt,
    OldCompletion,
    Intent,
}

const KEYS: &[(&str, K)] = &[
    ("gen_ai.operation.name", K::OperationName),
    ("openinference.span.kind", K::OiKind),
    ("traceloop.span.kind", K::TraceloopKind),
    ("llm.request.type", K::LlmRequestType),
    ("mcp.method.name", K::McpMethod),
    ("gen_ai.agent.name", K::AgentName),
    ("agent.name", K::AgentNameOi),
    ("gen_ai.agent.id", K::AgentId),
    ("gen_ai.agent.version", K::AgentVersion),
    ("gen_ai.provider.name", K::Provider),
    ("gen_ai.system", K::System),
    ("llm.provider", K::LlmProvider),
    ("llm.system", K::LlmSystem),
    ("gen_ai.request.model", K::RequestModel),
    ("gen_ai.response.model", K::ResponseModel),
    ("llm.model_name", K::LlmModelName),
    ("llm.request.model_name", K::LlmRequestModelName),
    ("llm.response.model_name", K::LlmResponseModelName),
    ("gen_ai.usage.input_tokens", K::InputTokens),
    ("gen_ai.usage.prompt_tokens", K::PromptTokens),
    ("llm.usage.prompt_tokens", K::PromptTokens),
    ("llm.token_count.prompt", K::OiPromptTokens),
    ("gen_ai.usage.output_tokens", K::OutputTokens),
    ("gen_ai.usage.completion_tokens", K::CompletionTokens),
    ("llm.usage.completion_tokens", K::CompletionTokens),
    ("llm.token_count.completion", K::OiCompletionTokens),
    ("gen_ai.usage.cache_read.input_tokens", K::CacheRead),
    ("gen_ai.usage.cache_read_input_tokens", K::CacheReadOld),
    ("llm.token_count.prompt_details.cache_read", K::OiCacheRead),
    ("gen_ai.usage.cache_creation.input_tokens", K::CacheCreation),
    (
        "gen_ai.usage.cache_creation_input_tokens",
        K::CacheCreationOld,
    ),
    (
        "llm.token_count.prompt_details.cache_write",
        K::OiCacheWrite,
    ),
    ("gen_ai.usage.reasoning.output_tokens", K::Reasoning),
    ("gen_ai.usage.reasoning_tokens", K::ReasoningOld),
    (
        "llm.token_count.completion_details.reasoning",
        K::OiReasoning,
    ),
    ("gen_ai.response.finish_reasons", K::FinishReasons),
    ("llm.finish_reason", K::LlmFinishReason),
    ("gen_ai.tool.name", K::ToolName),
    ("tool.name", K::ToolNameOi),
    ("gen_ai.tool.call.id", K::ToolCallId),
    ("tool_call.id", K::ToolCallId),
    ("gen_ai.tool.call.arguments", K::ToolArguments),
    ("gen_ai.tool.args", K::ToolArgumentsOld),
    ("tool.parameters", K::ToolArgumentsOld),
    ("gen_ai.tool.call.result", K::ToolResult),
    ("gen_ai.output", K::GenAiOutput),
    ("input.value", K::InputValue),
    ("output.value", K::OutputValue),
    ("traceloop.entity.input", K::TraceloopInput),
    ("traceloop.entity.output", K::TraceloopOutput),
    ("traceloop.entity.name", K::TraceloopEntityName),
    ("gen_ai.conversation.id", K::ConversationId),
    ("session.id", K::SessionId),
    ("gen_ai.session.id", K::SessionId),
    ("mcp.session.id", K::SessionId),
    ("user.id", K::UserId),
    ("enduser.id", K::EndUserId),
    ("llm.user", K::EndUserId),
    ("error.type", K::ErrorType),
    ("llm.cost.total", K::CostTotal),
    ("gen_ai.usage.cost", K::CostTotal),
    ("llm.cost.prompt", K::CostPrompt),
    ("gen_ai.usage.input_cost", K::CostPrompt),
    ("llm.cost.completion", K::CostCompletion),
    ("gen_ai.usage.output_cost", K::CostCompletion),
    ("gen_ai.input.messages", K::InputMessages),
    ("llm.input_messages", K::InputMessages),
    ("gen_ai.output.messages", K::OutputMessages),
    ("llm.output_messages", K::OutputMessages),
    ("gen_ai.system_instructions", K::SystemInstructions),
    ("gen_ai.prompt", K::OldPrompt),
    ("gen_ai.completion", K::OldCompletion),
];

/// Keys whose value states why a step was taken. Exact keys, and any key ending in one of
/// [`INTENT_SUFFIXES`].
pub const INTENT_KEYS: &[&str] = &[
    "gen_ai.agent.intent",
    "gen_ai.step.reason",
    "agent.intent",
    "reason",
    "rationale",
    "intent",
    "hypothesis",
    "thought",
];

/// Key suffixes that mark a stated reason (`tool.reason`, `decision.rationale`, …).
pub const INTENT_SUFFIXES: &[&str] = &[
    ".reason",
    ".rationale",
    ".intent",
    ".hypothesis",
    ".thought",
];

/// Resolves known keys to symbols once per set.
#[derive(Debug)]
pub struct KeyTable {
    class: Vec<K>,
    exception_event: Option<Sym>,
    exception_type: Option<Sym>,
    details_event: Option<Sym>,
    old_message_events: Vec<Sym>,
}

impl KeyTable {
    /// Looks the known keys up in a set's strings.
    pub fn new(set: &TraceSet) -> Self {
        let strings = set.strings();
        let mut pairs: Vec<(Sym, K)> = KEYS
            .iter()
            .filter_map(|(k, c)| strings.get(k).map(|s| (s, *c)))
            .collect();
        for k in INTENT_KEYS {
            if let Some(s) = strings.get(k) {
                pairs.push((s, K::Intent));
            }
        }
        let max = pairs
            .iter()
            .map(|(s, _)| s.index())
            .max()
            .map_or(0, |m| m + 1);
        let mut class = vec![K::None; max as usize];
        for (s, c) in pairs {
            class[s.index() as usize] = c;
        }
        KeyTable {
            class,
            exception_event: strings.get("exception"),
            exception_type: strings.get("exception.type"),
            details_event: strings.get("gen_ai.client.inference.operation.details"),
            old_message_events: [
                "gen_ai.system.message",
                "gen_ai.user.message",
                "gen_ai.assistant.message",
                "gen_ai.tool.message",
                "gen_ai.choice",
                "gen_ai.content.prompt",
                "gen_ai.content.completion",
            ]
            .iter()
            .filter_map(|k| strings.get(k))
            .collect(),
        }
    }

    fn class(&self, key: Sym) -> K {
        self.class
            .get(key.index() as usize)
            .copied()
            .unwrap_or(K::None)
    }
}

fn as_u64(set: &TraceSet, v: Value) -> Option<u64> {
    match v {
        Value::Int(i) => u64::try_from(i).ok(),
        Value::Double(d) if d.is_finite() && d >= 0.0 => Some(d as u64),
        Value::Str(_) | Value::Src(_) | Value::Text(_) => set.value_str(v)?.trim().parse().ok(),
        _ => None,
    }
}

fn as_f64(set: &TraceSet, v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Double(d) => Some(d),
        Value::Str(_) | Value::Src(_) | Value::Text(_) => set.value_str(v)?.trim().parse().ok(),
        _ => None,
    }
}

/// A value as a name, when it is a non-empty string.
fn txt(v: Value) -> Option<Text> {
    Some(Text::of(v)).filter(|t| !t.is_empty())
}

/// Sets `slot` only if nothing with higher priority (a smaller rank) set it.
fn pick<T: Copy>(slot: &mut (Option<T>, u8), value: Option<T>, rank: u8) {
    if let Some(v) = value
        && (slot.0.is_none() || rank < slot.1)
    {
        *slot = (Some(v), rank);
    }
}

/// Builds the step of one span.
pub fn step(set: &TraceSet, keys: &KeyTable, ix: SpanIx) -> Step {
    let span = set.span_record(ix);
    let name = set.str(span.name);
    let mut step = Step::default();
    let mut op: (Option<Operation>, u8) = (None, u8::MAX);
    let mut provider = (None, u8::MAX);
    let mut req_model = (None, u8::MAX);
    let mut resp_model = (None, u8::MAX);
    let mut input = (None, u8::MAX);
    let mut output = (None, u8::MAX);
    let mut cache_read = (None, u8::MAX);
    let mut cache_creation = (None, u8::MAX);
    let mut reasoning = (None, u8::MAX);
    let mut tool_name = (None, u8::MAX);
    let mut tool_args = (None, u8::MAX);
    let mut tool_result = (None, u8::MAX);
    let mut agent_name = (None, u8::MAX);
    let mut conversation = (None, u8::MAX);
    let mut user = (None, u8::MAX);
    let mut finish = (None, u8::MAX);
    let mut cost_total = None;
    let (mut cost_prompt, mut cost_completion) = (None, None);
    let mut entity_name = Text::Empty;
    let mut generic_in = None;
    let mut generic_out = None;
    let mut mcp = false;
    let mut flattened_in = false;
    let mut flattened_out = false;

    for a in set.attrs(span.attrs) {
        let v = a.value;
        match keys.class(a.key) {
            K::None => {
                // Flattened message keys (OpenInference, OpenLLMetry) and stated reasons by suffix.
                let key = set.str(a.key);
                if key.starts_with("llm.input_messages.") || key.starts_with("gen_ai.prompt.") {
                    flattened_in = true;
                } else if key.starts_with("llm.output_messages.")
                    || key.starts_with("gen_ai.completion.")
                {
                    flattened_out = true;
                    if key.starts_with("gen_ai.completion.") && key.ends_with(".finish_reason") {
                        pick(&mut finish, Some(v), 2);
                    }
                } else if step.intent.is_none() && INTENT_SUFFIXES.iter().any(|s| key.ends_with(s))
                {
                    step.intent = Some(v);
                }
            }
            K::OperationName => {
                let s = set.value_str(v);
                pick(
                    &mut op,
                    s.as_deref().and_then(Operation::from_operation_name),
                    0,
                );
            }
            K::OiKind => {
                let s = set.value_str(v);
                pick(
                    &mut op,
                    s.as_deref().and_then(Operation::from_openinference),
                    1,
                );
            }
            K::TraceloopKind => {
                let s = set.value_str(v);
                pick(&mut op, s.as_deref().and_then(Operation::from_traceloop), 2);
            }
            K::LlmRequestType => {
                let s = set.value_str(v);
                pick(
                    &mut op,
                    s.as_deref().and_then(Operation::from_operation_name),
                    3,
                );
            }
            K::McpMethod => {
                mcp = true;
                let s = set.value_str(v);
                let o = if s.as_deref() == Some("tools/call") {
                    Operation::ExecuteTool
                } else {
                    Operation::Mcp
                };
                pick(&mut op, Some(o), 4);
            }
            K::AgentName => pick(&mut agent_name, txt(v), 0),
            K::AgentNameOi => pick(&mut agent_name, txt(v), 1),
            K::AgentId => step.agent_id = Text::of(v),
            K::AgentVersion => step.agent_version = Text::of(v),
            K::Provider => pick(&mut provider, txt(v), 0),
            K::System => pick(&mut provider, txt(v), 1),
            K::LlmProvider => pick(&mut provider, txt(v), 2),
            K::LlmSystem => pick(&mut provider, txt(v), 3),
            K::RequestModel => pick(&mut req_model, txt(v), 0),
            K::LlmRequestModelName => pick(&mut req_model, txt(v), 1),
            K::ResponseModel => pick(&mut resp_model, txt(v), 0),
            K::LlmResponseModelName => pick(&mut resp_model, txt(v), 1),
            K::LlmModelName => pick(&mut resp_model, txt(v), 2),
            K::InputTokens => pick(&mut input, as_u64(set, v), 0),
            K::PromptTokens => pick(&mut input, as_u64(set, v), 1),
            K::OiPromptTokens => pick(&mut input, as_u64(set, v), 2),
            K::OutputTokens => pick(&mut output, as_u64(set, v), 0),
            K::CompletionTokens => pick(&mut output, as_u64(set, v), 1),
            K::OiCompletionTokens => pick(&mut output, as_u64(set, v), 2),
            K::CacheRead => pick(&mut cache_read, as_u64(set, v), 0),
            K::CacheReadOld => pick(&mut cache_read, as_u64(set, v), 1),
            K::OiCacheRead => pick(&mut cache_read, as_u64(set, v), 2),
            K::CacheCreation => pick(&mut cache_creation, as_u64(set, v), 0),
            K::CacheCreationOld => pick(&mut cache_creation, as_u64(set, v), 1),
            K::OiCacheWrite => pick(&mut cache_creation, as_u64(set, v), 2),
            K::Reasoning => pick(&mut reasoning, as_u64(set, v), 0),
            K::ReasoningOld => pick(&mut reasoning, as_u64(set, v), 1),
            K::OiReasoning => pick(&mut reasoning, as_u64(set, v), 2),
            K::FinishReasons => pick(&mut finish, Some(v), 0),
            K::LlmFinishReason => pick(&mut finish, Some(v), 1),
            K::ToolName => pick(&mut tool_name, txt(v), 0),
            K::ToolNameOi => pick(&mut tool_name, txt(v), 1),
            K::ToolCallId => step.tool_call_id = Text::of(v),
            K::ToolArguments => pick(&mut tool_args, Some(v), 0),
            K::ToolArgumentsOld => pick(&mut tool_args, Some(v), 1),
            K::ToolResult => pick(&mut tool_result, Some(v), 0),
            K::GenAiOutput => pick(&mut tool_result, Some(v), 1),
            K::InputValue => generic_in = Some(v),
            K::OutputValue => generic_out = Some(v),
            K::TraceloopInput => generic_in = generic_in.or(Some(v)),
            K::TraceloopOutput => generic_out = generic_out.or(Some(v)),
            K::TraceloopEntityName => entity_name = Text::of(v),
            K::ConversationId => pick(&mut conversation, txt(v), 0),
            K::SessionId => pick(&mut conversation, txt(v), 1),
            K::UserId => pick(&mut user, txt(v), 0),
            K::EndUserId => pick(&mut user, txt(v), 1),
            K::ErrorType => step.error_type = Text::of(v),
            K::CostTotal => cost_total = as_f64(set, v),
            K::CostPrompt => cost_prompt = as_f64(set, v),
            K::CostCompletion => cost_completion = as_f64(set, v),
            K::InputMessages | K::OldPrompt | K::SystemInstructions => {
                step.has_input_messages = true;
            }
            K::OutputMessages | K::OldCompletion => step.has_output_messages = true,
            K::Intent => {
                if step.intent.is_none() {
                    step.intent = Some(v);
                }
            }
        }
    }

    for e in set.events(span.events) {
        if Some(e.name) == keys.details_event {
            for a in set.attrs(e.attrs) {
                match keys.class(a.key) {
                    K::InputMessages | K::SystemInstructions => step.has_input_messages = true,
                    K::OutputMessages => step.has_output_messages = true,
                    _ => {}
                }
            }
        } else if keys.old_message_events.contains(&e.name) {
            let ev = set.str(e.name);
            if ev == "gen_ai.choice" || ev == "gen_ai.content.completion" {
                step.has_output_messages = true;
            } else {
                step.has_input_messages = true;
            }
        } else if Some(e.name) == keys.exception_event && step.error_type.is_empty() {
            step.error_type = set
                .attrs(e.attrs)
                .iter()
                .find(|a| Some(a.key) == keys.exception_type)
                .map_or(Text::Empty, |a| Text::of(a.value));
        }
    }

    // Operation: attributes first, then the span name's conventions, then hints.
    let lower = name.to_ascii_lowercase();
    let from_name = || -> Option<Operation> {
        let first = lower.split([' ', '.']).next().unwrap_or("");
        Operation::from_operation_name(first)
            .or_else(|| {
                if lower.contains("guardrail")
                    || lower.contains("moderation")
                    || lower.contains("policy")
                {
                    Some(Operation::Guardrail)
                } else if lower.contains("approval") || lower.contains("human_review") {
                    Some(Operation::Approval)
                } else if lower.contains("handoff") || lower.contains("transfer_to_") {
                    Some(Operation::Handoff)
                } else {
                    None
                }
            })
            .or_else(|| {
                // OpenLLMetry names model calls `openai.chat`, `anthropic.completion`, …
                lower.rsplit_once('.').and_then(|(_, last)| match last {
                    "chat" => Some(Operation::Chat),
                    "completion" => Some(Operation::TextCompletion),
                    "embeddings" => Some(Operation::Embeddings),
                    _ => None,
                })
            })
    };
    step.op = op.0.or_else(from_name).unwrap_or_else(|| {
        if req_model.0.is_some() || input.0.is_some() {
            Operation::Chat
        } else if tool_name.0.is_some() {
            Operation::ExecuteTool
        } else if mcp {
            Operation::Mcp
        } else {
            Operation::Other
        }
    });
    // Guardrail and approval names win over a generic workflow kind.
    if step.op == Operation::Workflow
        && let Some(o @ (Operation::Guardrail | Operation::Approval | Operation::Handoff)) =
            from_name()
    {
        step.op = o;
    }

    step.provider = provider.0.unwrap_or_default();
    step.request_model = req_model.0.unwrap_or_default();
    step.response_model = resp_model.0.unwrap_or_default();
    let mut t = Tokens::default();
    for (slot, field, bit) in [
        (input.0, &mut t.input, Tokens::INPUT),
        (output.0, &mut t.output, Tokens::OUTPUT),
        (cache_read.0, &mut t.cache_read, Tokens::CACHE_READ),
        (
            cache_creation.0,
            &mut t.cache_creation,
            Tokens::CACHE_CREATION,
        ),
        (reasoning.0, &mut t.reasoning, Tokens::REASONING),
    ] {
        if let Some(n) = slot {
            *field = n;
            t.present |= bit;
        }
    }
    step.tokens = t;
    step.finish_reasons = finish.0;
    step.conversation_id = conversation.0.unwrap_or_default();
    step.user_id = user.0.unwrap_or_default();
    step.reported_cost_usd = cost_total.or(match (cost_prompt, cost_completion) {
        (None, None) => None,
        (p, c) => Some(p.unwrap_or(0.0) + c.unwrap_or(0.0)),
    });
    step.has_input_messages |= flattened_in;
    step.has_output_messages |= flattened_out;

    // Names from the span name when attributes do not give them (`execute_tool search`, `invoke_agent planner`).
    let suffix = name
        .find(' ')
        .map(|at| Text::NameSuffix {
            name: span.name,
            at: (at + 1) as u32,
        })
        .filter(|t| !t.get(set).trim().is_empty());
    step.tool_name = tool_name.0.unwrap_or_default();
    step.agent_name = agent_name.0.unwrap_or_default();
    match step.op {
        Operation::ExecuteTool => {
            if step.tool_name.is_empty() {
                step.tool_name = if entity_name.is_empty() {
                    suffix.unwrap_or_default()
                } else {
                    entity_name
                };
            }
            step.tool_arguments = tool_args.0.or(generic_in);
            step.tool_result = tool_result.0.or(generic_out);
        }
        Operation::InvokeAgent | Operation::CreateAgent => {
            if step.agent_name.is_empty() {
                step.agent_name = if entity_name.is_empty() {
                    suffix.unwrap_or_default()
                } else {
                    entity_name
                };
            }
        }
        op if op.is_model_call() => {
            if step.request_model.is_empty()
                && step.response_model.is_empty()
                && let Some(s) = suffix
            {
                step.request_model = s;
            }
            // OpenInference records the whole request and response as generic values.
            step.has_input_messages |= generic_in.is_some();
            step.has_output_messages |= generic_out.is_some();
        }
        _ => {
            step.tool_arguments = tool_args.0;
            step.tool_result = tool_result.0;
        }
    }
    step.failed = span.status == StatusCode::Error || !step.error_type.is_empty();
    step
}

/// Finish reasons of a step as strings (from an array, a JSON array in a string, or a string).
pub fn finish_reasons(set: &TraceSet, step: &Step) -> Vec<String> {
    let Some(v) = step.finish_reasons else {
        return Vec::new();
    };
    match set.value(v) {
        ValueRef::Array(items) => items
            .iter()
            .filter_map(|&i| set.value_str(i).map(|s| s.into_owned()))
            .collect(),
        ValueRef::Str(s) => {
            let t = s.trim();
            if t.starts_with('[') {
                serde_json::from_str::<Vec<String>>(t).unwrap_or_else(|_| vec![t.to_owned()])
            } else if t.is_empty() {
                Vec::new()
            } else {
                vec![t.to_owned()]
            }
        }
        _ => Vec::new(),
    }
}

/// Whether a finish reason means the output was cut off by a token limit.
pub fn is_truncation(reason: &str) -> bool {
    matches!(
        reason.to_ascii_lowercase().as_str(),
        "length" | "max_tokens" | "max_output_tokens" | "max_completion_tokens" | "token_limit"
    )
}

/// Every span's step, in span order.
pub fn steps(set: &TraceSet) -> Vec<Step> {
    let keys = KeyTable::new(set);
    (0..set.span_count() as u32)
        .map(|i| step(set, &keys, SpanIx(i)))
        .collect()
}

/// The conversation or session a trace belongs to: the id (`gen_ai.conversation.id`, else
/// `session.id`, `gen_ai.session.id`, `mcp.session.id`) of its shallowest span that records one,
/// the earliest of those at that depth. `steps` are the set's steps, in span order.
pub fn trace_conversation(set: &TraceSet, steps: &[Step], trace: TraceIx) -> Option<String> {
    let spans = set.spans();
    set.traces()
        .get(trace.0 as usize)?
        .spans
        .as_range()
        .filter(|&i| !steps[i].conversation_id.is_empty())
        .min_by_key(|&i| (spans[i].depth, i))
        .map(|i| steps[i].conversation_id.get(set).into_owned())
}

#[cfg(test)]
mod tests;

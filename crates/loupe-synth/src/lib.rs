//! Synthetic agent traces in OTLP JSON, for benchmarks and scale tests.
//!
//! Each trace is one agent run of about 50–500 spans: a root `invoke_agent` span, a loop of
//! `chat <model>` calls each followed by the `execute_tool <tool>` calls it asked for, now and then
//! a failing tool (error status, `error.type`, an `exception` event), a nested sub-agent (up to
//! four agent levels) or a span link to the previous run. Attributes follow the OpenTelemetry
//! GenAI semantic conventions; message bodies are JSON strings in the parts format, so the output
//! holds JSON embedded in JSON, with its escaped quotes and backslashes.
//!
//! The output is the protobuf JSON mapping (lowerCamelCase, hex ids, 64-bit times as strings,
//! enums as integers), about 1 KB per span. It is a pure function of the span count and the seed,
//! and is written in chunks, so gigabyte outputs never sit in memory.

pub mod leaks;

use std::io::{self, Write};

/// Start of the first trace: 2025-06-15T15:06:40Z, in Unix nanoseconds.
pub const EPOCH_NS: u64 = 1_750_000_000_000_000_000;

/// Name of the instrumentation scope on every span.
pub const SCOPE_NAME: &str = "loupe-synth";

/// What one run wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Spans written: always the count asked for.
    pub spans: usize,
    /// Traces (agent runs) written; each is one `resourceSpans` entry.
    pub traces: usize,
    /// Bytes written.
    pub bytes: u64,
}

impl Stats {
    /// Average bytes per span (0 for no spans).
    pub fn bytes_per_span(&self) -> f64 {
        if self.spans == 0 {
            0.0
        } else {
            self.bytes as f64 / self.spans as f64
        }
    }
}

/// Generates `spans` spans in memory as one OTLP JSON document. For small counts (tests, benches).
pub fn generate(spans: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(spans.saturating_mul(1250).saturating_add(64));
    // Writing to a Vec cannot fail.
    let _ = write_otlp_json(&mut out, spans, seed, false);
    out
}

/// Writes exactly `spans` spans as OTLP JSON to `out`.
///
/// With `jsonl` false the output is one `ExportTraceServiceRequest` document holding every trace;
/// with `jsonl` true it is JSON Lines, one request per trace per line (the Collector's file
/// exporter format). Either way the output ends with a newline. `out` receives chunks of about
/// 1 MiB, so it need not be buffered.
pub fn write_otlp_json<W: Write>(
    out: W,
    spans: usize,
    seed: u64,
    jsonl: bool,
) -> io::Result<Stats> {
    write_otlp_json_with(out, spans, seed, jsonl, false)
}

/// [`write_otlp_json`], optionally as one trace: with `one_trace` every agent run shares one
/// trace id and hangs under one `invoke_agent orchestrator` root span, written last, that spans
/// them all. The output counts one trace of exactly `spans` spans (one `resourceSpans` entry, or
/// JSON line, per run, plus one for the root).
pub fn write_otlp_json_with<W: Write>(
    mut out: W,
    spans: usize,
    seed: u64,
    jsonl: bool,
    one_trace: bool,
) -> io::Result<Stats> {
    let mut g = Gen::new(seed);
    let mut stats = Stats::default();
    if !jsonl {
        g.buf.extend_from_slice(b"{\"resourceSpans\":[");
    }
    let mut left = spans;
    if one_trace && spans > 0 {
        g.session = Some(Session {
            trace: (g.rng.next_u64(), g.rng.next_u64()),
            root: g.rng.next_u64(),
            start: g.clock + SEC,
        });
        // The root is written at the end, when the runs' end is known.
        left -= 1;
    }
    let mut entries = 0usize;
    while left > 0 {
        let size = (g.rng.range(MIN_TRACE, MAX_TRACE) as usize).min(left);
        if jsonl {
            g.buf.extend_from_slice(b"{\"resourceSpans\":[");
        } else if entries > 0 {
            g.buf.push(b',');
        }
        g.trace(size);
        if jsonl {
            g.buf.extend_from_slice(b"]}\n");
        }
        left -= size;
        stats.spans += size;
        entries += 1;
        if g.buf.len() >= FLUSH_AT {
            out.write_all(&g.buf)?;
            stats.bytes += g.buf.len() as u64;
            g.buf.clear();
        }
    }
    stats.traces = entries;
    if let Some(session) = g.session {
        if jsonl {
            g.buf.extend_from_slice(b"{\"resourceSpans\":[");
        } else if entries > 0 {
            g.buf.push(b',');
        }
        g.session_root(&session);
        if jsonl {
            g.buf.extend_from_slice(b"]}\n");
        }
        stats.spans += 1;
        stats.traces = 1;
    }
    if !jsonl {
        g.buf.extend_from_slice(b"]}\n");
    }
    out.write_all(&g.buf)?;
    stats.bytes += g.buf.len() as u64;
    out.flush()?;
    Ok(stats)
}

const MIN_TRACE: u64 = 50;
const MAX_TRACE: u64 = 500;
const FLUSH_AT: usize = 1 << 20;
/// Deepest sub-agent level (the root agent is level 0).
const MAX_DEPTH: u32 = 3;

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000 * MS;

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6a09_e667_f3bc_c908)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// A skewed duration: many short, a few long (`lo` + up to `spread`, density falling off).
    fn duration(&mut self, lo: u64, spread: u64) -> u64 {
        let a = self.below(1 << 16);
        let b = self.below(1 << 16);
        lo + ((u128::from(spread) * u128::from(a * b)) >> 32) as u64
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

struct Model {
    request: &'static str,
    response: &'static str,
    provider: &'static str,
    response_id_prefix: &'static str,
}

const MODELS: &[Model] = &[
    Model {
        request: "gpt-4o",
        response: "gpt-4o-2024-08-06",
        provider: "openai",
        response_id_prefix: "chatcmpl-",
    },
    Model {
        request: "gpt-4o-mini",
        response: "gpt-4o-mini-2024-07-18",
        provider: "openai",
        response_id_prefix: "chatcmpl-",
    },
    Model {
        request: "claude-sonnet-4",
        response: "claude-sonnet-4-20250514",
        provider: "anthropic",
        response_id_prefix: "msg_",
    },
    Model {
        request: "claude-3-5-haiku",
        response: "claude-3-5-haiku-20241022",
        provider: "anthropic",
        response_id_prefix: "msg_",
    },
    Model {
        request: "gemini-2.5-pro",
        response: "gemini-2.5-pro-preview-06-05",
        provider: "gcp.gemini",
        response_id_prefix: "resp-",
    },
];

const ROOT_AGENTS: &[&str] = &[
    "support-triage",
    "research-assistant",
    "code-reviewer",
    "travel-planner",
    "data-analyst",
    "incident-responder",
];

const SUB_AGENTS: &[&str] = &[
    "web-researcher",
    "sql-writer",
    "summarizer",
    "fact-checker",
    "test-runner",
    "booking-agent",
];

/// Tool name and the key of its main argument.
const TOOLS: &[(&str, &str)] = &[
    ("web_search", "query"),
    ("read_file", "path"),
    ("write_file", "path"),
    ("run_python", "code"),
    ("sql_query", "sql"),
    ("http_get", "url"),
    ("vector_search", "query"),
    ("calculator", "expression"),
    ("send_email", "body"),
    ("list_directory", "path"),
];

const SERVICES: &[&str] = &[
    "agent-runtime",
    "agent-runtime",
    "agent-runtime",
    "support-bot",
    "research-service",
    "code-assistant",
];

const ENVIRONMENTS: &[&str] = &["production", "production", "staging"];

const SDKS: &[(&str, &str)] = &[
    ("python", "1.36.0"),
    ("python", "1.35.0"),
    ("nodejs", "2.0.1"),
    ("go", "1.37.0"),
];

/// Exception type, status message prefix, and how long the failing call ran.
const FAILURES: &[(&str, &str, u64)] = &[
    ("TimeoutError", "tool call timed out after 30s", 30 * SEC),
    ("PermissionError", "permission denied", 4 * MS),
    ("ValueError", "invalid arguments", MS),
    (
        "httpx.HTTPStatusError",
        "upstream returned 503 Service Unavailable",
        900 * MS,
    ),
    (
        "json.JSONDecodeError",
        "tool returned malformed JSON",
        120 * MS,
    ),
];

const TEMPERATURES: &[&str] = &["0", "0.2", "0.5", "0.7", "1"];

/// Words for message bodies, separated by single spaces. A few carry non-ASCII text; `\\n` is a
/// newline escaped twice (the text sits in a JSON string inside a JSON string). No word holds a
/// quote or another backslash.
const WORDS: &str = concat!(
    r"the agent should check the latest report and summarize findings for user request ",
    r"about quarterly revenue in region with a table of results please include sources ",
    r"when possible then call tool to verify each claim before answering this is an error ",
    r"budget deploy service latency p99 increased after release v2.3.1 rollback database ",
    r"query returned rows customer ticket refund order shipping delayed by two days flight ",
    r"hotel booking Paris Tokyo Zürich café naïve résumé — → 日本語 données function returns ",
    r"None import pandas as pd df.groupby(region).sum() SELECT id, total FROM orders WHERE ",
    r"status = open; I will now look up it. Done.\\n Next,\\n\\n- step 1: 2: 3: Based on ",
    r"search results, it seems that memory usage grew from 1.2 GB to 3.4 GB (see graph). ",
    r"Let me think carefully. Note: cache hit rate is 87% today.",
);

const CORPUS_LEN: usize = 1 << 18;
/// Longest slice ever taken from the corpus, plus slack for word alignment.
const SLICE_MAX: usize = 4096;

// ---------------------------------------------------------------------------------------------
// Trace plan

#[derive(Debug, Clone, Copy)]
enum Kind {
    Agent {
        name: &'static str,
        model: u8,
    },
    Chat {
        model: u8,
        /// The tool calls right after it that it asked for.
        tools: u8,
        /// Whether tool results came just before it.
        after_tools: u8,
        step: u16,
    },
    Tool {
        tool: u8,
        failure: Option<u8>,
    },
}

#[derive(Debug, Clone, Copy)]
struct Node {
    kind: Kind,
    /// Index of the parent in the plan, `u32::MAX` for the root.
    parent: u32,
    id: u64,
    start: u64,
    end: u64,
    /// Tool call id (tools), response id (chats), agent id (agents).
    aux: u64,
}

/// The one trace of `--one-trace` output: its id and its root span's id and start.
#[derive(Debug, Clone, Copy)]
struct Session {
    trace: (u64, u64),
    root: u64,
    start: u64,
}

#[derive(Debug)]
struct Gen {
    rng: Rng,
    corpus: Vec<u8>,
    nodes: Vec<Node>,
    buf: Vec<u8>,
    clock: u64,
    /// Trace id and root span id of the previous trace, for links.
    prev_root: Option<(u64, u64, u64)>,
    /// Set when every run goes into one trace under one root.
    session: Option<Session>,
    /// The latest end of any run so far.
    latest_end: u64,
}

impl Gen {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut corpus = Vec::with_capacity(CORPUS_LEN + 64);
        let words: Vec<&str> = WORDS.split(' ').collect();
        while corpus.len() < CORPUS_LEN {
            corpus.extend_from_slice(rng.pick(&words).as_bytes());
            corpus.push(b' ');
        }
        Gen {
            rng,
            corpus,
            nodes: Vec::with_capacity(MAX_TRACE as usize),
            buf: Vec::with_capacity(FLUSH_AT + (1 << 20)),
            clock: EPOCH_NS,
            prev_root: None,
            session: None,
            latest_end: EPOCH_NS,
        }
    }

    /// Plans then writes one trace of exactly `size` spans as a `resourceSpans` entry.
    fn trace(&mut self, size: usize) {
        self.clock += self.rng.range(SEC, 45 * SEC) + self.rng.below(SEC);
        let mut trace = (self.rng.next_u64(), self.rng.next_u64());
        if let Some(s) = &self.session {
            trace = s.trace;
        }
        self.nodes.clear();
        self.plan_agent(size, 0, u32::MAX, self.clock);
        debug_assert_eq!(self.nodes.len(), size);
        self.latest_end = self.latest_end.max(self.nodes[0].end);
        self.write_trace(trace);
        self.prev_root = Some((trace.0, trace.1, self.nodes[0].id));
    }

    /// Plans an agent subtree of exactly `budget` spans starting at `start`; returns its end.
    fn plan_agent(&mut self, budget: usize, depth: u32, parent: u32, start: u64) -> u64 {
        let me = self.nodes.len();
        let names = if depth == 0 { ROOT_AGENTS } else { SUB_AGENTS };
        let name = *self.rng.pick(names);
        let model = self.rng.below(MODELS.len() as u64) as u8;
        let (id, aux) = (self.rng.next_u64(), self.rng.next_u64());
        self.nodes.push(Node {
            kind: Kind::Agent { name, model },
            parent,
            id,
            start,
            end: start,
            aux,
        });
        let me32 = me as u32;
        let mut t = start + self.rng.range(200_000, 3 * MS);
        let mut rest = budget - 1;
        let mut after_tools = 0u8;
        let mut step = 0u16;
        while rest > 0 {
            let chat = self.nodes.len();
            let dur = self.rng.duration(250 * MS, 9 * SEC);
            let (id, aux) = (self.rng.next_u64(), self.rng.next_u64());
            self.nodes.push(Node {
                kind: Kind::Chat {
                    model,
                    tools: 0,
                    after_tools,
                    step,
                },
                parent: me32,
                id,
                start: t,
                end: t + dur,
                aux,
            });
            t += dur + self.gap();
            rest -= 1;
            step = step.saturating_add(1);
            after_tools = 0;
            if rest == 0 {
                break;
            }
            if depth < MAX_DEPTH && rest >= 3 && self.rng.chance(60) {
                let sub = self.rng.range(3, rest.min(80) as u64) as usize;
                t = self.plan_agent(sub, depth + 1, me32, t) + self.gap();
                rest -= sub;
                continue;
            }
            let want = match self.rng.below(100) {
                0..50 => 1,
                50..80 => 2,
                80..95 => 3,
                _ => 4,
            };
            // Leave one span for the closing chat when possible.
            let k = want.min(rest - 1);
            for _ in 0..k {
                let tool = self.rng.below(TOOLS.len() as u64) as u8;
                let failure = self
                    .rng
                    .chance(30)
                    .then(|| self.rng.below(FAILURES.len() as u64) as u8);
                let dur = match failure {
                    Some(f) => FAILURES[f as usize].2 + self.rng.below(5 * MS),
                    None => self.rng.duration(MS, 1500 * MS),
                };
                let (id, aux) = (self.rng.next_u64(), self.rng.next_u64());
                self.nodes.push(Node {
                    kind: Kind::Tool { tool, failure },
                    parent: me32,
                    id,
                    start: t,
                    end: t + dur,
                    aux,
                });
                t += dur + self.gap();
            }
            rest -= k;
            if let Kind::Chat { tools, .. } = &mut self.nodes[chat].kind {
                *tools = k as u8;
            }
            after_tools = k as u8;
        }
        let end = t + self.rng.range(100_000, 2 * MS);
        self.nodes[me].end = end;
        end
    }

    fn gap(&mut self) -> u64 {
        20_000 + self.rng.below(2 * MS)
    }

    // -----------------------------------------------------------------------------------------
    // Writing

    fn write_trace(&mut self, trace: (u64, u64)) {
        let service = *self.rng.pick(SERVICES);
        let env = *self.rng.pick(ENVIRONMENTS);
        let (lang, sdk_version) = *self.rng.pick(SDKS);
        let host = self.rng.below(64);
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"resource\":{\"attributes\":[");
        let mut first = true;
        attr_str(b, &mut first, "service.name", service.as_bytes());
        attr_str(b, &mut first, "service.version", b"2.3.1");
        attr_str(b, &mut first, "telemetry.sdk.name", b"opentelemetry");
        attr_str(b, &mut first, "telemetry.sdk.language", lang.as_bytes());
        attr_str(
            b,
            &mut first,
            "telemetry.sdk.version",
            sdk_version.as_bytes(),
        );
        attr_str(b, &mut first, "deployment.environment", env.as_bytes());
        attr_open(b, &mut first, "host.name");
        b.extend_from_slice(b"agent-worker-");
        push_u64(b, host);
        attr_close(b);
        b.extend_from_slice(b"]},\"scopeSpans\":[{\"scope\":{\"name\":\"");
        b.extend_from_slice(SCOPE_NAME.as_bytes());
        b.extend_from_slice(b"\",\"version\":\"");
        b.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        b.extend_from_slice(b"\"},\"spans\":[");
        for i in 0..self.nodes.len() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.write_span(trace, i);
        }
        self.buf
            .extend_from_slice(b"]}],\"schemaUrl\":\"https://opentelemetry.io/schemas/1.37.0\"}");
    }

    fn write_span(&mut self, trace: (u64, u64), i: usize) {
        let n = self.nodes[i];
        let parent_id = if n.parent != u32::MAX {
            Some(self.nodes[n.parent as usize].id)
        } else {
            self.session.map(|s| s.root)
        };
        let run_root = n.parent == u32::MAX;
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"traceId\":\"");
        push_hex(b, trace.0);
        push_hex(b, trace.1);
        b.extend_from_slice(b"\",\"spanId\":\"");
        push_hex(b, n.id);
        if let Some(p) = parent_id {
            b.extend_from_slice(b"\",\"parentSpanId\":\"");
            push_hex(b, p);
        }
        b.extend_from_slice(b"\",\"name\":\"");
        let kind = match n.kind {
            Kind::Agent { name, .. } => {
                b.extend_from_slice(b"invoke_agent ");
                b.extend_from_slice(name.as_bytes());
                1
            }
            Kind::Chat { model, .. } => {
                b.extend_from_slice(b"chat ");
                b.extend_from_slice(MODELS[model as usize].request.as_bytes());
                3
            }
            Kind::Tool { tool, .. } => {
                b.extend_from_slice(b"execute_tool ");
                b.extend_from_slice(TOOLS[tool as usize].0.as_bytes());
                1
            }
        };
        b.extend_from_slice(b"\",\"kind\":");
        push_u64(b, kind);
        b.extend_from_slice(b",\"startTimeUnixNano\":\"");
        push_u64(b, n.start);
        b.extend_from_slice(b"\",\"endTimeUnixNano\":\"");
        push_u64(b, n.end);
        b.extend_from_slice(b"\",\"attributes\":[");
        match n.kind {
            Kind::Agent { name, model } => self.agent_attrs(&n, name, model, run_root),
            Kind::Chat {
                model,
                tools,
                after_tools,
                step,
            } => self.chat_attrs(i, &n, model, tools, after_tools, step),
            Kind::Tool { tool, failure } => self.tool_attrs(&n, tool, failure),
        }
        self.buf.push(b']');
        let failure = match n.kind {
            Kind::Tool {
                failure: Some(f), ..
            } => Some(f),
            _ => None,
        };
        if let Some(f) = failure {
            self.exception_event(&n, f);
        }
        if run_root
            && let Some((t0, t1, s)) = self.prev_root
            && self.rng.chance(150)
        {
            let b = &mut self.buf;
            b.extend_from_slice(b",\"links\":[{\"traceId\":\"");
            push_hex(b, t0);
            push_hex(b, t1);
            b.extend_from_slice(b"\",\"spanId\":\"");
            push_hex(b, s);
            b.extend_from_slice(b"\",\"attributes\":[");
            let mut first = true;
            attr_str(b, &mut first, "link.reason", b"follows_from_previous_run");
            b.extend_from_slice(b"]}]");
        }
        let b = &mut self.buf;
        match failure {
            Some(f) => {
                let (ty, msg, _) = FAILURES[f as usize];
                b.extend_from_slice(b",\"status\":{\"code\":2,\"message\":\"");
                b.extend_from_slice(ty.as_bytes());
                b.extend_from_slice(b": ");
                b.extend_from_slice(msg.as_bytes());
                b.extend_from_slice(b"\"}}");
            }
            None => b.extend_from_slice(b",\"status\":{}}"),
        }
    }

    /// Writes the root of a one-trace output: an orchestrating agent from the session's start to
    /// the end of the last run, as its own `resourceSpans` entry.
    fn session_root(&mut self, s: &Session) {
        let end = self.latest_end.max(s.start) + 2 * SEC;
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"resource\":{\"attributes\":[");
        let mut first = true;
        attr_str(b, &mut first, "service.name", b"agent-orchestrator");
        attr_str(b, &mut first, "service.version", b"2.3.1");
        b.extend_from_slice(b"]},\"scopeSpans\":[{\"scope\":{\"name\":\"");
        b.extend_from_slice(SCOPE_NAME.as_bytes());
        b.extend_from_slice(b"\"},\"spans\":[{\"traceId\":\"");
        push_hex(b, s.trace.0);
        push_hex(b, s.trace.1);
        b.extend_from_slice(b"\",\"spanId\":\"");
        push_hex(b, s.root);
        b.extend_from_slice(b"\",\"name\":\"invoke_agent orchestrator\",\"kind\":1");
        b.extend_from_slice(b",\"startTimeUnixNano\":\"");
        push_u64(b, s.start);
        b.extend_from_slice(b"\",\"endTimeUnixNano\":\"");
        push_u64(b, end);
        b.extend_from_slice(b"\",\"attributes\":[");
        let mut first = true;
        attr_str(b, &mut first, "gen_ai.operation.name", b"invoke_agent");
        attr_str(b, &mut first, "gen_ai.agent.name", b"orchestrator");
        b.extend_from_slice(b"],\"status\":{}}]}]}");
    }

    fn agent_attrs(&mut self, n: &Node, name: &str, model: u8, root: bool) {
        let m = &MODELS[model as usize];
        let conv = mix(self.nodes[0].aux);
        let b = &mut self.buf;
        let mut first = true;
        attr_str(b, &mut first, "gen_ai.operation.name", b"invoke_agent");
        attr_str(b, &mut first, "gen_ai.agent.name", name.as_bytes());
        attr_open(b, &mut first, "gen_ai.agent.id");
        b.extend_from_slice(b"asst_");
        push_hex(b, n.aux);
        attr_close(b);
        attr_str(b, &mut first, "gen_ai.agent.version", b"1.4.2");
        attr_open(b, &mut first, "gen_ai.conversation.id");
        b.extend_from_slice(b"conv_");
        push_hex(b, conv);
        attr_close(b);
        attr_str(b, &mut first, "gen_ai.provider.name", m.provider.as_bytes());
        attr_str(b, &mut first, "gen_ai.request.model", m.request.as_bytes());
        if root {
            attr_open(b, &mut first, "gen_ai.agent.description");
            let text = slice(&self.corpus, &mut self.rng, 60, 160);
            b.extend_from_slice(text);
            attr_close(b);
        }
    }

    fn chat_attrs(&mut self, i: usize, n: &Node, model: u8, tools: u8, after: u8, step: u16) {
        let m = &MODELS[model as usize];
        let input = 900 + u64::from(step) * 420 + self.rng.below(2500);
        let output = if tools > 0 {
            20 + self.rng.below(200)
        } else {
            60 + self.rng.below(900)
        };
        let cached = if step == 0 {
            0
        } else {
            input * self.rng.below(90) / 100
        };
        let temperature = *self.rng.pick(TEMPERATURES);
        let b = &mut self.buf;
        let mut first = true;
        attr_str(b, &mut first, "gen_ai.operation.name", b"chat");
        attr_str(b, &mut first, "gen_ai.provider.name", m.provider.as_bytes());
        attr_str(b, &mut first, "gen_ai.request.model", m.request.as_bytes());
        attr_str(
            b,
            &mut first,
            "gen_ai.response.model",
            m.response.as_bytes(),
        );
        attr_open(b, &mut first, "gen_ai.response.id");
        b.extend_from_slice(m.response_id_prefix.as_bytes());
        push_hex(b, n.aux);
        attr_close(b);
        attr_raw(
            b,
            &mut first,
            "gen_ai.request.temperature",
            "doubleValue",
            temperature,
        );
        attr_int(b, &mut first, "gen_ai.usage.input_tokens", input);
        attr_int(b, &mut first, "gen_ai.usage.output_tokens", output);
        attr_int(
            b,
            &mut first,
            "gen_ai.usage.cache_read.input_tokens",
            cached,
        );
        sep(b, &mut first);
        b.extend_from_slice(
            b"{\"key\":\"gen_ai.response.finish_reasons\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"",
        );
        b.extend_from_slice(if tools > 0 { b"tool_calls" } else { b"stop" });
        b.extend_from_slice(b"\"}]}}}");

        // Input messages: the user's request, or the results of the tools just run.
        attr_open(b, &mut first, "gen_ai.input.messages");
        b.push(b'[');
        if after > 0 {
            let start = i - after as usize;
            for t in start..i {
                if t > start {
                    b.push(b',');
                }
                let call = self.nodes[t].aux;
                b.extend_from_slice(
                    br#"{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_"#,
                );
                push_hex(b, call);
                b.extend_from_slice(br#"\",\"response\":\""#);
                b.extend_from_slice(slice(&self.corpus, &mut self.rng, 10, 60));
                b.extend_from_slice(br#"\"}]}"#);
            }
        } else {
            if step == 0 {
                b.extend_from_slice(
                    br#"{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\""#,
                );
                b.extend_from_slice(slice(&self.corpus, &mut self.rng, 30, 120));
                b.extend_from_slice(br#"\"}]},"#);
            }
            b.extend_from_slice(
                br#"{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\""#,
            );
            b.extend_from_slice(slice(&self.corpus, &mut self.rng, 20, 150));
            b.extend_from_slice(br#"\"}]}"#);
        }
        b.push(b']');
        attr_close(b);

        // Output messages: text, plus the tool calls the next spans carry out.
        attr_open(b, &mut first, "gen_ai.output.messages");
        b.extend_from_slice(br#"[{\"role\":\"assistant\",\"parts\":["#);
        let mut part = 0;
        // Models often call tools without a word of text.
        if tools == 0 || self.rng.chance(400) {
            let text = if tools > 0 {
                slice(&self.corpus, &mut self.rng, 8, 40)
            } else {
                slice(&self.corpus, &mut self.rng, 50, 250)
            };
            b.extend_from_slice(br#"{\"type\":\"text\",\"content\":\""#);
            b.extend_from_slice(text);
            b.extend_from_slice(br#"\"}"#);
            part += 1;
        }
        for t in i + 1..=i + tools as usize {
            let Kind::Tool { tool, .. } = self.nodes[t].kind else {
                continue;
            };
            let call = self.nodes[t].aux;
            if part > 0 {
                b.push(b',');
            }
            part += 1;
            b.extend_from_slice(br#"{\"type\":\"tool_call\",\"id\":\"call_"#);
            push_hex(b, call);
            b.extend_from_slice(br#"\",\"name\":\""#);
            b.extend_from_slice(TOOLS[tool as usize].0.as_bytes());
            b.extend_from_slice(br#"\",\"arguments\":"#);
            tool_arguments(b, &self.corpus, tool, call);
            b.push(b'}');
        }
        b.extend_from_slice(br#"],\"finish_reason\":\""#);
        b.extend_from_slice(if tools > 0 { b"tool_call" } else { b"stop" });
        b.extend_from_slice(br#"\"}]"#);
        attr_close(b);
    }

    fn tool_attrs(&mut self, n: &Node, tool: u8, failure: Option<u8>) {
        let b = &mut self.buf;
        let mut first = true;
        attr_str(b, &mut first, "gen_ai.operation.name", b"execute_tool");
        attr_str(
            b,
            &mut first,
            "gen_ai.tool.name",
            TOOLS[tool as usize].0.as_bytes(),
        );
        attr_open(b, &mut first, "gen_ai.tool.call.id");
        b.extend_from_slice(b"call_");
        push_hex(b, n.aux);
        attr_close(b);
        attr_open(b, &mut first, "gen_ai.tool.call.arguments");
        tool_arguments(b, &self.corpus, tool, n.aux);
        attr_close(b);
        match failure {
            Some(f) => {
                attr_str(
                    b,
                    &mut first,
                    "error.type",
                    FAILURES[f as usize].0.as_bytes(),
                );
            }
            None => {
                attr_open(b, &mut first, "gen_ai.tool.call.result");
                b.extend_from_slice(br#"{\"status\":\"ok\",\"elapsed_ms\":"#);
                push_u64(b, (n.end - n.start) / MS);
                b.extend_from_slice(br#",\"content\":\""#);
                b.extend_from_slice(slice(&self.corpus, &mut self.rng, 10, 150));
                b.extend_from_slice(br#"\"}"#);
                attr_close(b);
            }
        }
    }

    fn exception_event(&mut self, n: &Node, f: u8) {
        let (ty, msg, _) = FAILURES[f as usize];
        let b = &mut self.buf;
        b.extend_from_slice(b",\"events\":[{\"timeUnixNano\":\"");
        push_u64(b, n.end - 1000);
        b.extend_from_slice(b"\",\"name\":\"exception\",\"attributes\":[");
        let mut first = true;
        attr_str(b, &mut first, "exception.type", ty.as_bytes());
        attr_str(b, &mut first, "exception.message", msg.as_bytes());
        attr_open(b, &mut first, "exception.stacktrace");
        b.extend_from_slice(b"Traceback (most recent call last):\\n  File \\\"/app/agent/tools.py\\\", line 214, in execute\\n    result = await tool.run(**arguments)\\n  File \\\"/app/agent/runtime.py\\\", line 88, in run\\n    return await asyncio.wait_for(self._call(args), timeout=30)\\n");
        b.extend_from_slice(ty.as_bytes());
        b.extend_from_slice(b": ");
        b.extend_from_slice(msg.as_bytes());
        attr_close(b);
        b.extend_from_slice(b"]}]");
    }
}

/// A tool call's arguments as JSON text escaped once, derived from the call id alone so the chat
/// span that asks for the call and the tool span that runs it carry the same text.
fn tool_arguments(b: &mut Vec<u8>, corpus: &[u8], tool: u8, call: u64) {
    let mut r = Rng::new(call);
    b.extend_from_slice(br#"{\""#);
    b.extend_from_slice(TOOLS[tool as usize].1.as_bytes());
    b.extend_from_slice(br#"\":\""#);
    b.extend_from_slice(slice(corpus, &mut r, 8, 60));
    b.extend_from_slice(br#"\",\"limit\":"#);
    push_u64(b, 1 + r.below(20));
    b.push(b'}');
}

/// About `lo..=hi` bytes of text from the corpus, whole words only.
fn slice<'c>(corpus: &'c [u8], rng: &mut Rng, lo: usize, hi: usize) -> &'c [u8] {
    debug_assert!(hi + 64 < SLICE_MAX);
    let len = rng.range(lo as u64, hi as u64) as usize;
    let mut s = rng.below((corpus.len() - SLICE_MAX) as u64) as usize;
    while corpus[s] != b' ' {
        s += 1;
    }
    s += 1;
    let mut e = s + len;
    while corpus[e] != b' ' {
        e += 1;
    }
    &corpus[s..e]
}

// ---------------------------------------------------------------------------------------------
// JSON pieces

fn sep(b: &mut Vec<u8>, first: &mut bool) {
    if !*first {
        b.push(b',');
    }
    *first = false;
}

/// Starts a string attribute; the caller writes the (already escaped) value then [`attr_close`].
fn attr_open(b: &mut Vec<u8>, first: &mut bool, key: &str) {
    sep(b, first);
    b.extend_from_slice(b"{\"key\":\"");
    b.extend_from_slice(key.as_bytes());
    b.extend_from_slice(b"\",\"value\":{\"stringValue\":\"");
}

fn attr_close(b: &mut Vec<u8>) {
    b.extend_from_slice(b"\"}}");
}

fn attr_str(b: &mut Vec<u8>, first: &mut bool, key: &str, value: &[u8]) {
    attr_open(b, first, key);
    b.extend_from_slice(value);
    attr_close(b);
}

fn attr_int(b: &mut Vec<u8>, first: &mut bool, key: &str, value: u64) {
    sep(b, first);
    b.extend_from_slice(b"{\"key\":\"");
    b.extend_from_slice(key.as_bytes());
    b.extend_from_slice(b"\",\"value\":{\"intValue\":\"");
    push_u64(b, value);
    b.extend_from_slice(b"\"}}");
}

fn attr_raw(b: &mut Vec<u8>, first: &mut bool, key: &str, field: &str, literal: &str) {
    sep(b, first);
    b.extend_from_slice(b"{\"key\":\"");
    b.extend_from_slice(key.as_bytes());
    b.extend_from_slice(b"\",\"value\":{\"");
    b.extend_from_slice(field.as_bytes());
    b.extend_from_slice(b"\":");
    b.extend_from_slice(literal.as_bytes());
    b.extend_from_slice(b"}}");
}

fn push_u64(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

fn push_hex(b: &mut Vec<u8>, n: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut tmp = [0u8; 16];
    for (k, out) in tmp.iter_mut().enumerate() {
        *out = HEX[((n >> (60 - 4 * k)) & 0xf) as usize];
    }
    b.extend_from_slice(&tmp);
}

#[cfg(test)]
mod tests;

//! Number formatting for people: units come from `loupe_core::units` (the same words as the CLI
//! and the rules); what is only the viewer's (thin separators, percentages, labels) is here.

pub use loupe_core::units::{bytes, duration};

/// An integer with thin thousands separators: `12 345`.
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A cost in USD, or a dash when unknown.
pub fn usd(c: Option<f64>) -> String {
    c.map_or_else(|| "—".to_owned(), loupe_core::units::usd)
}

/// A share as a percentage.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).clamp(0.0, 100.0))
}

/// A short label for a GenAI operation.
pub fn op_label(op: &str) -> &'static str {
    match op {
        "invoke_agent" | "create_agent" => "agent",
        "chat" | "text_completion" | "generate_content" => "llm",
        "embeddings" => "embed",
        "execute_tool" => "tool",
        "retrieval" => "rag",
        "guardrail" => "guard",
        "approval" => "human",
        "handoff" => "handoff",
        "mcp" => "mcp",
        "workflow" => "flow",
        _ => "",
    }
}

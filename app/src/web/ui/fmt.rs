//! Number formatting for people.

/// A duration: `21.48 s`, `484 ms`, `12.5 µs`, `820 ns`, `2 m 05 s`.
pub fn dur(ns: u64) -> String {
    let f = ns as f64;
    if ns >= 120_000_000_000 {
        let s = ns / 1_000_000_000;
        format!("{} m {:02} s", s / 60, s % 60)
    } else if ns >= 1_000_000_000 {
        format!("{:.2} s", f / 1e9)
    } else if ns >= 10_000_000 {
        format!("{:.0} ms", f / 1e6)
    } else if ns >= 1_000_000 {
        format!("{:.1} ms", f / 1e6)
    } else if ns >= 1_000 {
        format!("{:.1} µs", f / 1e3)
    } else {
        format!("{ns} ns")
    }
}

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
    match c {
        None => "—".to_owned(),
        Some(0.0) => "$0".to_owned(),
        Some(c) if c < 0.01 => format!("${c:.6}"),
        Some(c) if c < 10.0 => format!("${c:.4}"),
        Some(c) => format!("${c:.2}"),
    }
}

/// A byte size.
pub fn bytes(n: u64) -> String {
    let f = n as f64;
    if n >= 1 << 30 {
        format!("{:.2} GB", f / f64::from(1u32 << 30))
    } else if n >= 1 << 20 {
        format!("{:.1} MB", f / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KB", f / 1024.0)
    } else {
        format!("{n} B")
    }
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

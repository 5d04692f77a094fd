//! Trims the embedded LiteLLM price table to the fields Loupe uses (see data/README.md).

use std::fmt::Write as _;

fn main() {
    let src = "data/model_prices.litellm.json";
    println!("cargo::rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).expect("data/model_prices.litellm.json is readable");
    let table: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("the price table is a JSON object");
    let mut out = String::new();
    let mut rows = 0;
    for (name, entry) in &table {
        if name == "sample_spec" {
            continue;
        }
        let mode = entry.get("mode").and_then(|m| m.as_str()).unwrap_or("");
        if !matches!(mode, "chat" | "completion" | "responses" | "embedding") {
            continue;
        }
        let num = |k: &str| entry.get(k).and_then(serde_json::Value::as_f64);
        let (Some(input), Some(output)) = (
            num("input_cost_per_token"),
            num("output_cost_per_token").or(Some(0.0)),
        ) else {
            continue;
        };
        let opt = |k: &str| num(k).map_or(String::new(), |v| format!("{v:e}"));
        let provider = entry
            .get("litellm_provider")
            .and_then(|p| p.as_str())
            .unwrap_or("");
        if name.contains(['\t', '\n']) || provider.contains(['\t', '\n']) {
            continue;
        }
        // name, provider, input, output, cache read, cache creation, reasoning (USD per token)
        writeln!(
            out,
            "{name}\t{provider}\t{input:e}\t{output:e}\t{}\t{}\t{}",
            opt("cache_read_input_token_cost"),
            opt("cache_creation_input_token_cost"),
            opt("output_cost_per_reasoning_token"),
        )
        .expect("write to string");
        rows += 1;
    }
    assert!(
        rows > 1000,
        "the price table has too few usable rows ({rows})"
    );
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("prices.tsv");
    std::fs::write(dest, out).expect("write trimmed price table");
}

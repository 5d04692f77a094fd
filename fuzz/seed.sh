#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the project's fixtures (small files only), for
# `cargo fuzz run <target> fuzz/corpus/<target>`. The corpus directories are not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in load_any otlp_json secrets_scan redact_roundtrip; do
  dir=fuzz/corpus/$target
  mkdir -p "$dir"
  find tests/fixtures -path '*/node_modules' -prune -o -type f -size -64k \
    \( -name '*.json' -o -name '*.jsonl' -o -name '*.pb' -o -name '*.gz' \) -print |
    while read -r f; do cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
done
echo "seeded: $(ls fuzz/corpus/load_any | wc -l) files per target"

#!/usr/bin/env bash
# Builds and runs Loupe's benchmarks: ingest throughput (divan) and memory (counting allocator).
#
#   scripts/bench.sh          10k and 100k spans
#   scripts/bench.sh --1m     also 1M spans (~1.2 GB of OTLP JSON; needs ~6 GB of free memory)
#   scripts/bench.sh --viewer then the viewer in headless Chromium (scripts/viewer-perf.mjs)
#
# Results go to standard output; docs/benchmarks.md says how to read them.
set -euo pipefail
viewer=

cd "$(dirname "$0")/.."

for arg in "$@"; do
    case "$arg" in
        --1m) export LOUPE_BENCH_1M=1 ;;
        --viewer) viewer=1 ;;
        -h | --help)
            sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

echo "== machine"
echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cores:  $(nproc)"
echo "cpu:    $(lscpu 2>/dev/null | grep 'Model name' | sed 's/^Model name:[[:space:]]*//' || echo unknown)"
echo "memory: $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}' || echo unknown)"
echo "rustc:  $(rustc -V)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
echo "1M:     ${LOUPE_BENCH_1M:-off}"
echo

echo "== build"
cargo bench -q -p loupe-core --no-run
echo

echo "== generator"
cargo build --release -q -p loupe-synth
./target/release/loupe-synth --spans 1000000 --seed 1 --out /dev/null
echo

echo "== ingest (divan; throughput in bytes of input per second)"
cargo bench -q -p loupe-core --bench ingest
echo

echo "== memory (counting allocator; figures include the input, which the set keeps)"
cargo bench -q -p loupe-core --bench memory

if [ -n "$viewer" ]; then
    echo
    echo "== viewer (headless Chromium; docs/benchmarks.md, \"Viewer\")"
    node scripts/viewer-perf.mjs --build ${LOUPE_BENCH_1M:+--1m}
fi

#!/usr/bin/env bash
# Runs every test and ends with one line: `N passed, N failed` (all suites together).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
log=target/test-output.log
: >"$log"

status=0
cargo test --workspace --lib --bins --tests --no-fail-fast 2>&1 | tee -a "$log" || status=1
# Doc tests run separately.
cargo test --workspace --doc 2>&1 | tee -a "$log" || status=1

count() { awk -v what="$1" '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ "^" what) n += $i } END { print n + 0 }' "$log"; }
passed=$(count passed)
failed=$(count failed)
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build failure fails no test but must still fail the run.
  echo "test: cargo failed before running every test (see above)" >&2
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

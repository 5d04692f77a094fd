#!/usr/bin/env bash
# Runs every test and ends with one line: `N passed, N failed` (all suites together: cargo's
# native tests, the viewer's component tests in headless Chromium, and its end-to-end tests).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
log=target/test-output.log
e2e_log=target/test-e2e.log
: >"$log"
: >"$e2e_log"

status=0
cargo test --workspace --lib --bins --tests --no-fail-fast 2>&1 | tee -a "$log" || status=1
# Doc tests run separately.
cargo test --workspace --doc 2>&1 | tee -a "$log" || status=1

# The viewer. Component tests: wasm-bindgen-test in headless Chromium (Debian's chromium and
# chromedriver; the runner is set in .cargo/config.toml). Their summary is a `test result:` line.
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
echo "test: viewer component tests (wasm32, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p loupe-app --test web 2>&1 | tee -a "$log" || status=1
# End-to-end: build dist/, serve it on 127.0.0.1, drive Chromium with playwright-core.
echo "test: building dist/ for the end-to-end tests"
if scripts/dist.sh >target/dist-build.log 2>&1; then
  tail -n 1 target/dist-build.log
  node --test --test-reporter=tap tests/e2e/ 2>&1 | tee "$e2e_log" || status=1
else
  cat target/dist-build.log
  echo "test: make dist failed; the end-to-end tests did not run" >&2
  status=1
fi

count() { awk -v what="$1" '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ "^" what) n += $i } END { print n + 0 }' "$log"; }
# node's TAP summary: `# pass N` / `# fail N` (the last ones: the whole run).
node_count() { awk -v what="$1" '$1 == "#" && $2 == what { n = $3 } END { print n + 0 }' "$e2e_log"; }
passed=$(( $(count passed) + $(node_count pass) ))
failed=$(( $(count failed) + $(node_count fail) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build failure fails no test but must still fail the run.
  echo "test: a build failed before every test ran (see above)" >&2
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs every test and ends with one line: `N passed, N failed, N skipped` (all stages together:
# cargo's native tests and doc tests, the Jaeger UI oracle, the viewer's component tests in headless Chromium, its
# end-to-end tests, and the npm package installed from its tarball).
#
# A stage fails the run when it does not build or start, when any of its tests fail, or when it
# ran fewer tests than its floor below (an empty or half-empty run must never read "0 failed").
# A skipped test is never a pass: cargo's `ignored`, node's `skipped` and `todo`, and the tests that
# found an input missing (they write a line to $LOUPE_SKIP_LOG through `loupe_tests::skip`) are
# counted as skipped and listed. In CI (`CI=true`) a missing input fails its test instead.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/test-logs
logs=target/test-logs
export LOUPE_SKIP_LOG="$PWD/$logs/skips.log"
: >"$LOUPE_SKIP_LOG"

# Floors: the fewest tests each stage may run. Raise them as tests are added; lowering one is a
# deliberate change that says in its commit which tests went away and why.
FLOOR_NATIVE=314
FLOOR_DOC=1
FLOOR_PEERS=1
FLOOR_COMPONENT=13
FLOOR_E2E=28
FLOOR_PKG=16

total_passed=0
total_failed=0
total_skipped=0
broken=()

# count_cargo LOG WHAT: the sum of `N WHAT` over the `test result:` lines of LOG.
count_cargo() {
  awk -v what="$2" '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ "^" what) n += $i } END { print n + 0 }' "$1"
}
# count_tap LOG WHAT: node's TAP summary (`# pass N`, `# fail N`, `# skipped N`, …; the last one).
count_tap() {
  awk -v what="$2" '$1 == "#" && $2 == what { n = $3 } END { print n + 0 }' "$1"
}

# finish STAGE EXIT PASSED FAILED SKIPPED FLOOR: adds a stage's counts and checks it.
finish() {
  local stage=$1 rc=$2 passed=$3 failed=$4 skipped=$5 floor=$6
  local ran=$((passed + failed))
  echo "test: stage '$stage': $passed passed, $failed failed, $skipped skipped (floor $floor)"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  if [ "$failed" -eq 0 ] && [ "$rc" -ne 0 ]; then
    broken+=("'$stage' exited with status $rc but no test failed: it did not build or start (see its log above)")
  fi
  if [ "$ran" -lt "$floor" ]; then
    broken+=("'$stage' ran $ran tests, fewer than its floor of $floor")
  fi
}

# Cargo's native tests. Tests that skipped for a missing input passed in cargo's eyes: they are
# moved from passed to skipped here.
echo "test: stage 'native' (cargo test, every crate)"
cargo test --workspace --lib --bins --tests --no-fail-fast 2>&1 | tee "$logs/native.log"
rc=${PIPESTATUS[0]}
missing=$(cut -f1 "$LOUPE_SKIP_LOG" | sort -u | wc -l)
finish native "$rc" $(($(count_cargo "$logs/native.log" passed) - missing)) \
  "$(count_cargo "$logs/native.log" failed)" $(($(count_cargo "$logs/native.log" ignored) + missing)) "$FLOOR_NATIVE"

echo "test: stage 'doc' (cargo test --doc)"
cargo test --workspace --doc 2>&1 | tee "$logs/doc.log"
rc=${PIPESTATUS[0]}
finish doc "$rc" "$(count_cargo "$logs/doc.log" passed)" "$(count_cargo "$logs/doc.log" failed)" \
  "$(count_cargo "$logs/doc.log" ignored)" "$FLOOR_DOC"

# Loupe against peers' own code run as oracles (Jaeger UI's critical path, from ../shared/peers),
# with the `loupe` binary the native stage built.
echo "test: stage 'peers' (node: Jaeger UI's critical path as an oracle)"
node --test --test-reporter=tap tests/peers/ 2>&1 | tee "$logs/peers.log"
rc=${PIPESTATUS[0]}
finish peers "$rc" "$(count_tap "$logs/peers.log" pass)" \
  $(($(count_tap "$logs/peers.log" fail) + $(count_tap "$logs/peers.log" cancelled))) \
  $(($(count_tap "$logs/peers.log" skipped) + $(count_tap "$logs/peers.log" todo))) "$FLOOR_PEERS"

# The viewer's component tests: wasm-bindgen-test in headless Chromium (Debian's chromium and
# chromedriver; the runner is set in .cargo/config.toml). Their summary is a `test result:` line.
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
echo "test: stage 'component' (wasm32, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p loupe-app --test web 2>&1 | tee "$logs/component.log"
rc=${PIPESTATUS[0]}
finish component "$rc" "$(count_cargo "$logs/component.log" passed)" \
  "$(count_cargo "$logs/component.log" failed)" "$(count_cargo "$logs/component.log" ignored)" "$FLOOR_COMPONENT"

# End-to-end: build dist/, serve it on 127.0.0.1, drive Chromium with playwright-core.
echo "test: stage 'e2e': building dist/"
if scripts/dist.sh >"$logs/dist-build.log" 2>&1; then
  tail -n 1 "$logs/dist-build.log"
  node --test --test-reporter=tap tests/e2e/ 2>&1 | tee "$logs/e2e.log"
  rc=${PIPESTATUS[0]}
else
  cat "$logs/dist-build.log"
  echo "test: building dist/ failed; the end-to-end tests did not run" >&2
  : >"$logs/e2e.log"
  rc=1
fi
finish e2e "$rc" "$(count_tap "$logs/e2e.log" pass)" \
  $(($(count_tap "$logs/e2e.log" fail) + $(count_tap "$logs/e2e.log" cancelled))) \
  $(($(count_tap "$logs/e2e.log" skipped) + $(count_tap "$logs/e2e.log" todo))) "$FLOOR_E2E"

# The npm package as a user installs it: build pkg/ (dist/ is built above), `npm pack`, install
# the tarball into a scratch project and run tests/pkg/ from there.
echo "test: stage 'pkg': building pkg/"
if scripts/pkg.sh >"$logs/pkg-build.log" 2>&1; then
  tail -n 1 "$logs/pkg-build.log"
  scripts/pkg-test.sh 2>&1 | tee "$logs/pkg.log"
  rc=${PIPESTATUS[0]}
else
  cat "$logs/pkg-build.log"
  echo "test: building pkg/ failed; the package tests did not run" >&2
  : >"$logs/pkg.log"
  rc=1
fi
finish pkg "$rc" "$(count_tap "$logs/pkg.log" pass)" \
  $(($(count_tap "$logs/pkg.log" fail) + $(count_tap "$logs/pkg.log" cancelled))) \
  $(($(count_tap "$logs/pkg.log" skipped) + $(count_tap "$logs/pkg.log" todo))) "$FLOOR_PKG"

if [ -s "$LOUPE_SKIP_LOG" ]; then
  echo "test: skipped for a missing input (in CI these fail):"
  sort -u "$LOUPE_SKIP_LOG" | sed 's/\t/: /; s/^/  /'
fi
for b in "${broken[@]}"; do
  echo "test: stage $b" >&2
done
# A stage that broke without failing a test still fails the run.
[ "${#broken[@]}" -eq 0 ] || [ "$total_failed" -gt 0 ] || total_failed=${#broken[@]}
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
[ "$total_failed" -eq 0 ] && [ "${#broken[@]}" -eq 0 ]

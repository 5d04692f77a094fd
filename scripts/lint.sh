#!/usr/bin/env bash
# House rules: formatting, clippy (native and wasm32), a pure core, no import cycles, one set of
# wire types.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "lint: cargo fmt --check"
cargo fmt --all -- --check
echo "lint: clippy (native, all targets)"
cargo clippy --workspace --all-targets -- -D warnings
echo "lint: loupe-core builds and passes clippy for wasm32"
cargo clippy -p loupe-core --target wasm32-unknown-unknown -- -D warnings
echo "lint: the viewer (loupe-app) passes clippy for wasm32 (natively it is only the engine)"
cargo clippy -p loupe-app --target wasm32-unknown-unknown --all-targets -- -D warnings
echo "lint: the npm package's module (loupe-wasm) passes clippy for wasm32"
cargo clippy -p loupe-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

echo "lint: loupe-core depends on no browser, wasm-bindgen or CLI crate"
bad=$(cargo tree -p loupe-core -e normal --prefix none | grep -E '^(wasm-bindgen|web-sys|js-sys|leptos|clap|gloo)[ -]' | sort -u || true)
if [ -n "$bad" ]; then
  echo "lint: loupe-core must stay pure, but depends on: $bad" >&2
  exit 1
fi

echo "lint: loupe-core does no I/O, threads or clock reads"
impure=$(grep -rnE 'std::fs|std::thread|std::net|Instant::|SystemTime|std::env::' crates/loupe-core/src || true)
if [ -n "$impure" ]; then
  echo "lint: loupe-core must not use files, threads, clocks or the environment:" >&2
  echo "$impure" >&2
  exit 1
fi
echo "lint: secrets is a leaf (it imports nothing from analysis or redact)"
cycle=$(grep -rnE 'crate::(analysis|redact)|super::super' crates/loupe-core/src/secrets || true)
if [ -n "$cycle" ]; then
  echo "lint: crates/loupe-core/src/secrets must not import from crate::analysis or crate::redact" >&2
  echo "      (analysis and redact import secrets, never the other way; move a shared type down into secrets):" >&2
  echo "$cycle" >&2
  exit 1
fi
echo "lint: loupe-core's layers import only downwards (model < notes < import < secrets < analysis < query, report, export < redact < bundle, view)"
core=crates/loupe-core/src
layer() { # files, forbidden modules, what the layer is
  local hits
  hits=$(grep -nE "crate::($2)\b" $1 2>/dev/null | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
  if [ -n "$hits" ]; then
    echo "lint: $3 must not import from crate::{$2}:" >&2
    echo "$hits" >&2
    exit 1
  fi
}
layer "$core/model.rs $core/model/*.rs $core/intern.rs $core/id.rs $core/units.rs $core/limits.rs $core/warning.rs $core/error.rs $core/tree.rs $core/builder.rs" \
  'notes|import|secrets|analysis|query|report|export|redact|bundle|view' "the model and its foundations"
layer "$(find $core/notes -name '*.rs')" 'import|secrets|analysis|query|report|export|redact|bundle|view' "notes"
layer "$(find $core/import -name '*.rs')" 'secrets|analysis|query|report|export|redact|bundle|view' "an importer"
layer "$(find $core/analysis -name '*.rs')" 'query|report|export|redact|bundle|view' "the analysis"
layer "$core/query.rs $(find $core/report $core/export -name '*.rs')" 'redact|bundle|view' "the query, the report and the writers"
layer "$(find $core/redact -name '*.rs')" 'bundle|view' "redaction"
echo "lint: no import cycles between source files (scripts/import_cycles.py)"
python3 scripts/import_cycles.py --self-test >/dev/null
python3 scripts/import_cycles.py crates/*/src app/src tests/src
echo "lint: the app defines no report types (payloads are loupe-core's; protocol.rs holds requests and the envelope)"
app_types=$(grep -rnE 'derive\([^)]*(Serialize|Deserialize)' app/src --include=*.rs -A3 \
  | grep -E -- '-[0-9]+-(pub(\([a-z]+\))? )?(struct|enum) ' \
  | grep -vE 'app/src/protocol\.rs-[0-9]+-pub (enum|struct) (Request|Response|ToWorker|FromWorker|Stage|Progress)\b' || true)
if [ -n "$app_types" ]; then
  echo "lint: the app declares wire types of its own; use (or add) the loupe-core type instead:" >&2
  echo "$app_types" >&2
  exit 1
fi
echo "lint: all checks hold"

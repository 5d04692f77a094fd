#!/usr/bin/env bash
# Builds the browser viewer into dist/: index.html, the wasm module and its JS glue (one module
# for the page and the worker), styles, and the project's own sample traces.
# Needs what `scripts/setup.sh web` installs (wasm32 target, wasm-bindgen-cli, binaryen from npm).
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
stage=target/web
mkdir -p "$stage"

start=$(date +%s)
# The wasm-release profile (fat LTO, one codegen unit) keeps the module under its size budget
# (docs/benchmarks.md, "Package"), as for the npm package's analysis module.
echo "dist: cargo build --profile wasm-release --target wasm32-unknown-unknown -p loupe-app"
cargo build --profile wasm-release --target wasm32-unknown-unknown -p loupe-app
input=target/wasm32-unknown-unknown/wasm-release/loupe_app.wasm

# wasm-bindgen and wasm-opt take over a minute: skip them when the module, the tools and this
# script are what they were last time (the stamp records all three).
wasm_opt=node_modules/.bin/wasm-opt
use_opt=0
if [ -x "$wasm_opt" ] && [ "${LOUPE_WASM_OPT:-1}" != 0 ]; then use_opt=1; fi
stamp_want=$( {
  sha256sum "$input" "$0"
  wasm-bindgen --version
  if [ "$use_opt" = 1 ]; then "$wasm_opt" --version; else echo "no wasm-opt"; fi
} | sha256sum | cut -d' ' -f1)
stamp="$stage/.inputs"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_want" ] \
  && [ -f "$stage/loupe_app.js" ] && [ -f "$stage/loupe_app_bg.wasm" ]; then
  echo "dist: the wasm module is unchanged; wasm-bindgen and wasm-opt skipped"
else
  rm -rf "$stage" && mkdir -p "$stage"
  echo "dist: wasm-bindgen --target web"
  wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name loupe_app "$input"
  if [ "$use_opt" = 1 ]; then
    echo "dist: wasm-opt -O3"
    before=$(stat -c %s "$stage/loupe_app_bg.wasm")
    "$wasm_opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$stage/loupe_app_bg.wasm" -o "$stage/loupe_app_bg.opt.wasm"
    mv "$stage/loupe_app_bg.opt.wasm" "$stage/loupe_app_bg.wasm"
    echo "dist: wasm $before -> $(stat -c %s "$stage/loupe_app_bg.wasm") bytes"
  else
    echo "dist: wasm-opt not found (run scripts/setup.sh web); the module is not size-optimised" >&2
  fi
  echo "$stamp_want" >"$stamp"
fi

rm -rf "$out" && mkdir -p "$out/samples"
cp www/index.html www/main.js www/embed.html www/embed.js www/worker.js www/style.css "$out/"
cp "$stage/loupe_app.js" "$stage/loupe_app_bg.wasm" "$out/"
cp tests/fixtures/otlp/valid/sdk-node-agent.jsonl tests/fixtures/otlp/valid/sdk-python-agent.json "$out/samples/"
echo "dist: built $out/ in $(( $(date +%s) - start )) s ($(du -sh "$out" | cut -f1)); wasm $(stat -c %s "$out/loupe_app_bg.wasm") bytes"

#!/usr/bin/env bash
# Builds pkg/, the npm package `loupe-trace`: the analysis library (crates/loupe-wasm), the
# viewer (the app's module, as `make dist` builds it) and the custom element, with the package's
# JavaScript, TypeScript declarations and README from crates/loupe-wasm/js/.
# `npm pack ./pkg` then makes the tarball. Needs what `scripts/setup.sh web` installs.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg
stage=target/pkg-core
start=$(date +%s)
version=$(awk -F'"' '/^\[workspace.package\]/ { w = 1 } w && /^version/ { print $2; exit }' Cargo.toml)

# The wasm-release profile (fat LTO, one codegen unit) keeps the module under its size budget.
echo "pkg: cargo build --profile wasm-release --target wasm32-unknown-unknown -p loupe-wasm"
cargo build --profile wasm-release --target wasm32-unknown-unknown -p loupe-wasm
input=target/wasm32-unknown-unknown/wasm-release/loupe_wasm.wasm

# As in dist.sh: wasm-bindgen and wasm-opt run only when the module, the tools or this script changed.
wasm_opt=node_modules/.bin/wasm-opt
stamp_want=$( { sha256sum "$input" "$0"; wasm-bindgen --version; "$wasm_opt" --version; } | sha256sum | cut -d' ' -f1)
stamp="$stage/.inputs"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_want" ] && [ -f "$stage/loupe_wasm_bg.wasm" ]; then
  echo "pkg: the analysis module is unchanged; wasm-bindgen and wasm-opt skipped"
else
  rm -rf "$stage" && mkdir -p "$stage"
  echo "pkg: wasm-bindgen --target web"
  wasm-bindgen --target web --out-dir "$stage" --out-name loupe_wasm "$input"
  echo "pkg: wasm-opt -O3"
  "$wasm_opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$stage/loupe_wasm_bg.wasm" -o "$stage/loupe_wasm_bg.opt.wasm"
  mv "$stage/loupe_wasm_bg.opt.wasm" "$stage/loupe_wasm_bg.wasm"
  echo "$stamp_want" >"$stamp"
fi

# The viewer's module: dist.sh builds it (and skips what did not change).
scripts/dist.sh

rm -rf "$out" && mkdir -p "$out/core" "$out/viewer"
cp "$stage/loupe_wasm.js" "$stage/loupe_wasm.d.ts" "$stage/loupe_wasm_bg.wasm" "$out/core/"
cp target/web/loupe_app.js target/web/loupe_app_bg.wasm www/worker.js www/style.css "$out/viewer/"
# The viewer's stylesheet scoped to the viewer (mountViewer) and to <loupe-viewer>'s shadow root.
python3 scripts/scope_css.py www/style.css embed "$out/viewer/embed.css"
python3 scripts/scope_css.py www/style.css element "$out/viewer/element.css"
cp crates/loupe-wasm/js/*.js crates/loupe-wasm/js/*.d.ts crates/loupe-wasm/js/README.md "$out/"
cp LICENSE "$out/" 2>/dev/null || true
cat >"$out/package.json" <<JSON
{
  "name": "loupe-trace",
  "version": "$version",
  "description": "Open and analyse traces of AI-agent runs, client-side: the analysis library (browsers and Node), an embeddable viewer, a <loupe-viewer> element and an iframe protocol.",
  "license": "Apache-2.0",
  "type": "module",
  "engines": { "node": ">=20" },
  "sideEffects": ["./element.js"],
  "exports": {
    ".": {
      "types": "./index.d.ts",
      "node": "./node.js",
      "default": "./index.js"
    },
    "./viewer": { "types": "./viewer.d.ts", "default": "./viewer.js" },
    "./element": { "types": "./element.d.ts", "default": "./element.js" },
    "./core/*": "./core/*",
    "./viewer/*": "./viewer/*",
    "./package.json": "./package.json"
  },
  "types": "./index.d.ts",
  "files": ["*.js", "*.d.ts", "README.md", "core/", "viewer/"],
  "keywords": ["opentelemetry", "tracing", "llm", "agents", "genai", "trace-viewer", "webassembly"]
}
JSON
gz() { gzip -9 -c "$1" | wc -c; }
echo "pkg: built $out/ $version in $(( $(date +%s) - start )) s; analysis wasm $(stat -c %s "$out/core/loupe_wasm_bg.wasm") bytes ($(gz "$out/core/loupe_wasm_bg.wasm") gzipped), viewer wasm $(stat -c %s "$out/viewer/loupe_app_bg.wasm") bytes ($(gz "$out/viewer/loupe_app_bg.wasm") gzipped)"

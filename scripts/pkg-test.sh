#!/usr/bin/env bash
# Tests the npm package as a user installs it: `npm pack ./pkg`, install the tarball into a
# scratch project under target/pkg-test/ (no network: the package has no dependencies), copy
# tests/pkg/*.test.mjs there and run them with node's test runner (TAP on stdout), so
# `import … from 'loupe-trace'` is the installed package. Needs pkg/ (`make pkg`) and the CLI
# (LOUPE_BIN, default target/debug/loupe).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=target/pkg-test
rm -rf "$scratch" && mkdir -p "$scratch/project"
tarball=$(npm pack ./pkg --pack-destination "$scratch" --loglevel=error | tail -n 1)
echo "pkg-test: packed $tarball ($(stat -c %s "$scratch/$tarball") bytes)" >&2
cd "$scratch/project"
printf '{ "name": "scratch", "private": true, "type": "module" }\n' >package.json
npm install --no-audit --no-fund --offline --loglevel=error "../$tarball" >&2
cp "$root"/tests/pkg/*.test.mjs .
LOUPE_ROOT="$root" LOUPE_BIN="${LOUPE_BIN:-$root/target/debug/loupe}" \
  node --test --test-reporter=tap ./*.test.mjs

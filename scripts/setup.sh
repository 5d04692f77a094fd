#!/usr/bin/env bash
# Installs what building and testing Loupe needs. Idempotent: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

command -v cargo >/dev/null || { echo "setup: cargo is missing; install Rust with rustup first" >&2; exit 1; }

if command -v rustup >/dev/null; then
  installed_targets=$(rustup target list --installed)
  if ! grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  installed_components=$(rustup component list --installed)
  for c in clippy rustfmt; do
    if ! grep -q "^$c" <<<"$installed_components"; then
      say "adding rustup component $c"
      rustup component add "$c"
    fi
  done
fi

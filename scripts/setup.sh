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

# The browser viewer. `setup.sh web` adds what `make dist` needs; `setup.sh browser` adds what the
# browser tests need on top (Debian's chromium and chromium-driver; no browser is downloaded).
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in app/Cargo.toml
want_web=0
want_browser=0
for arg in "$@"; do
  case "$arg" in
    web) want_web=1 ;;
    browser) want_web=1; want_browser=1 ;;
    *) echo "setup: unknown argument $arg (expected web or browser)" >&2; exit 2 ;;
  esac
done

if [ "$want_web" = 1 ]; then
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli@"$WASM_BINDGEN_VERSION" --quiet
  fi
  command -v node >/dev/null && command -v npm >/dev/null || {
    echo "setup: node and npm are missing; install them (Debian: apt-get install nodejs npm)" >&2
    exit 1
  }
  # npm ci only when the lock file changed since the last install.
  stamp=node_modules/.loupe-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing binaryen (wasm-opt) and playwright-core from npm"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi

if [ "$want_browser" = 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver from Debian"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

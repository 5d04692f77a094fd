# Loupe: the two commands are `make serve` and `make test`. Each installs what it needs first.
SHELL := /bin/bash
PORT ?= 8080
SAMPLE := tests/fixtures/otlp/valid/sdk-python-agent.json

.PHONY: setup dist pkg serve demo test lint bench bench-viewer bench-pkg

## Install toolchain pieces (idempotent).
setup:
	@scripts/setup.sh

## Build the browser viewer (static site) into dist/.
dist:
	@scripts/setup.sh web
	@scripts/dist.sh

## Build pkg/, the npm package `loupe-trace` (then `npm pack ./pkg` makes the tarball).
pkg:
	@scripts/setup.sh web
	@scripts/pkg.sh

## Build the viewer and serve it on http://127.0.0.1:$(PORT) (PORT=... overrides).
serve: dist
	python3 scripts/serve.py --dir dist --port $(PORT)

## The `loupe` command on the bundled sample trace.
demo: setup
	cargo build --release -p loupe-cli
	./target/release/loupe analyze $(SAMPLE)

## Run every test, browser tests included; the last line reads `N passed, N failed`.
test:
	@scripts/setup.sh browser
	@scripts/test.sh

## Formatting, clippy (native and wasm32), and the pure-core checks.
lint: setup
	@scripts/lint.sh

## Ingest and memory benchmarks (pass BENCH_ARGS=--1m for the 1M-span case).
bench: setup
	@scripts/bench.sh $(BENCH_ARGS)

## The viewer in headless Chromium on 200k spans: open, scroll, expand, collapse, filter
## (VIEWER_ARGS=--1m also opens 1M spans; see docs/benchmarks.md, "Viewer").
bench-viewer:
	@scripts/setup.sh browser
	node scripts/viewer-perf.mjs --build $(VIEWER_ARGS)

## The npm package: module sizes, and analyze() in Node and Chromium against the CLI on 100k spans.
bench-pkg: pkg
	@scripts/setup.sh browser
	node scripts/pkg-bench.mjs

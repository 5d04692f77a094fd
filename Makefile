# Loupe: the two commands are `make serve` and `make test`. Each installs what it needs first.
SHELL := /bin/bash
PORT ?= 8080
SAMPLE := tests/fixtures/otlp/valid/sdk-node-agent.jsonl

.PHONY: setup serve test lint bench

## Install toolchain pieces (idempotent).
setup:
	@scripts/setup.sh

## Build and show Loupe on the bundled sample trace.
serve: setup
	cargo build --release -p loupe-cli
	./target/release/loupe analyze $(SAMPLE)

## Run every test; the last line reads `N passed, N failed`.
test: setup
	@scripts/test.sh

## Formatting, clippy (native and wasm32), and the pure-core checks.
lint: setup
	@scripts/lint.sh

## Ingest and memory benchmarks (pass BENCH_ARGS=--1m for the 1M-span case).
bench: setup
	@scripts/bench.sh $(BENCH_ARGS)

# Two commands on a fresh machine: `make demo` and `make test`. Both bootstrap on first use.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
NPM_BIN := node_modules/.bin
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/$(NPM_BIN):$(PATH)

.PHONY: help setup toolchains demo test lint format typecheck forge pytest bench clean test-pg

AGENT_DEBS := rustc libstd-rust-dev-wasm32 clang lld

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.synced node_modules/.installed ## install the locked Python and npm toolchains

toolchains: ## install the Debian compilers agent builds use (Rust, C), when missing
	@missing=$$(for p in $(AGENT_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	sudo=$$( [ "$$(id -u)" = 0 ] && echo "" || (command -v sudo >/dev/null && echo "sudo -n") || echo none); \
	if [ "$$sudo" = none ] || ! command -v apt-get >/dev/null; then \
		echo "make toolchains: cannot install $$missing (needs apt-get as root): agent builds in Rust/C will be skipped"; exit 0; fi; \
	echo "installing $$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null

demo: setup ## run the showcase on the embedded default
	$(BIN)/nets demo

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: setup ## pyright
	$(BIN)/pyright

forge: setup ## forge tests
	$(NPM_BIN)/forge test

pytest: setup toolchains ## pytest suites
	$(BIN)/python scripts/run_pytest.py

test: lint typecheck forge pytest ## everything CI runs

test-pg: setup ## persistence tests against a throwaway local PostgreSQL (installs it if missing)
	bash scripts/test_pg.sh

bench: setup ## benchmark scripts (figures go to docs/BENCHMARKS.md by hand)
	@for script in scripts/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean: ## remove build outputs (keeps the toolchains)
	rm -rf out cache .pytest_cache .ruff_cache

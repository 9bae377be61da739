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

.PHONY: help setup demo devnet test lint format typecheck forge pytest bench clean test-pg

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on CI machines and
# containers) Python would otherwise compile every imported library's source on every
# command, more than half of an ordinary chain command's time (docs/benchmarks/cli.md).
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.synced node_modules/.installed ## install the locked Python and npm toolchains
	@$(BIN)/python -m compileall -q -j 0 node adapters scripts > /dev/null

demo: setup ## run the showcase on the embedded default
	$(BIN)/nets demo

devnet: setup ## a live round on `nets chain up`, every party its own process (~3-4 min)
	$(BIN)/python scripts/devnet.py --chain anvil

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

pytest: setup ## pytest suites
	$(BIN)/python scripts/run_pytest.py

test: lint typecheck forge pytest ## everything CI runs

test-pg: setup ## persistence tests against a throwaway local PostgreSQL (installs it if missing)
	bash scripts/test_pg.sh

bench: setup ## benchmark scripts (figures go to docs/BENCHMARKS.md by hand)
	@for script in scripts/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean: ## remove build outputs (keeps the toolchains)
	rm -rf out cache .pytest_cache .ruff_cache

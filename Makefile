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

.PHONY: help setup demo test test-fast lint format typecheck forge pytest bench clean test-pg

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

# pytest-xdist workers, one per core by default. Each module's tests stay on one worker (the
# xdist_group set in tests/conftest.py), so module-scoped fixtures are built once.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

pytest: setup ## pytest suites, in parallel
	$(BIN)/python scripts/run_pytest.py $(PYTEST_PARALLEL)

test-fast: setup ## the inner loop: pytest in parallel without the tests marked slow
	$(BIN)/python scripts/run_pytest.py $(PYTEST_PARALLEL) -m "not slow"

test: lint typecheck forge pytest ## everything CI runs

test-pg: setup ## persistence tests against a throwaway local PostgreSQL (installs it if missing)
	bash scripts/test_pg.sh

bench: setup ## benchmark scripts (figures go to docs/BENCHMARKS.md by hand)
	@for script in scripts/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean: ## remove build outputs (keeps the toolchains)
	rm -rf out cache .pytest_cache .ruff_cache

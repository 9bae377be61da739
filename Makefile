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

.PHONY: help setup browser demo test test-fast lint format typecheck forge pytest bench clean test-pg

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

# Debian's chromium for the page tests (tests/browser.py), installed only when missing and only
# as root; elsewhere those tests are skipped with the reason. Playwright drives it by path.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	      >/dev/null) || echo "warning: chromium could not be installed: page tests will skip"; \
	  else echo "note: no chromium and not root: page tests will skip"; fi; }

setup: $(VENV)/.synced node_modules/.installed browser ## install the locked Python and npm toolchains (and chromium)

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
# scheduler in tests/conftest.py; tests/conformance as a whole), so module-scoped fixtures
# are built once.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadscope

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

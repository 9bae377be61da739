# Two commands on a fresh machine: `make demo` and `make test`. Both bootstrap on first use.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
# The venv's interpreter: the distribution's CPython where there is one. Distributions build it
# with profile-guided optimisation and LTO; pyenv and plain source builds do not unless asked,
# and on this project's work (CLI start-up, the simulator, the test suite) that is 20-25% more
# CPU for the same bytes (docs/benchmarks/suite.md, "The interpreter"). Override with
# `make setup VENV_PYTHON=...`; a change of interpreter re-creates the venv.
VENV_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11 /usr/bin/python3.12) $(PYTHON))
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
NPM_BIN := node_modules/.bin
NATIVE_LIB := node/native/libnets_engine.so
NATIVE_SRC := $(wildcard node/native/src/*.c node/native/src/*.h)
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/$(NPM_BIN):$(PATH)

.PHONY: help setup toolchains browser demo devnet test test-fast lint format typecheck forge pytest bench clean test-pg compat

AGENT_DEBS := rustc libstd-rust-dev-wasm32 clang lld

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# uv's wheel is one static binary: pip puts it in .tools/bin without a venv of its own (a venv
# and its pip cost three times the CPU). Without a pip for $(PYTHON), a venv brings one.
$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(TOOLS) \
		uv==$(UV_VERSION) 2>/dev/null \
	|| { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION); }

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on CI machines and
# containers) Python would otherwise compile every imported library's source on every
# command, more than half of an ordinary chain command's time (docs/benchmarks/cli.md).
$(VENV)/.synced: $(UV) pyproject.toml uv.lock $(TOOLS)/venv-python
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet --compile-bytecode \
		--python $(VENV_PYTHON)
	@touch $@

# The chosen interpreter's path, rewritten only when it changes (so that it re-syncs the venv).
$(TOOLS)/venv-python: FORCE
	@mkdir -p $(TOOLS)
	@echo "$(VENV_PYTHON)" | cmp -s - $@ || echo "$(VENV_PYTHON)" > $@

FORCE:

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

# The native match engine (node/native). Without a C compiler matches run on the reference
# path (slower, same bytes); `nets doctor` says which engine this machine has.
$(NATIVE_LIB): $(NATIVE_SRC)
	@if command -v $(CC) >/dev/null 2>&1; then \
		echo "$(CC) -> $@"; \
		$(CC) -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -o $@ $(filter %.c,$^); \
	else \
		echo "warning: no C compiler ($(CC)): matches will run on the reference path"; \
	fi

setup: $(VENV)/.synced node_modules/.installed $(NATIVE_LIB) browser ## install the locked toolchains, build the native engine (and chromium)
	@$(BIN)/python -m compileall -q -j 0 node adapters scripts > /dev/null

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

devnet: setup ## a live round on `nets chain up`, every party its own process (~3-4 min)
	$(BIN)/python scripts/devnet.py --chain anvil

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Pyright's verdict stands until a file it checks, pyproject.toml or the locked packages change:
# a stamp (as for the venv) spares a rerun with nothing edited a minute of one core. The stamp
# holds the list of files checked, so that a file added, removed or renamed is a change too
# (directories' times are no guide: a test run creates __pycache__ in them). It takes the time
# pyright started, so a file saved while pyright runs is checked again next time.
TYPED_FILES := $(shell find node adapters tests scripts \( -name node_modules -o -name __pycache__ \) \
	-prune -o \( -name '*.py' -o -name '*.pyi' \) -print 2>/dev/null | LC_ALL=C sort)

$(VENV)/.typechecked: pyproject.toml uv.lock $(TYPED_FILES)
	@started=$$(date +%s.%N); $(BIN)/pyright \
	&& printf '%s\n' $(TYPED_FILES) > $@ && touch -d "@$$started" $@

typecheck: setup ## pyright, when a file it checks (or its configuration) changed since its last clean run
	@if $(MAKE) --no-print-directory -q $(VENV)/.typechecked \
	    && printf '%s\n' $(TYPED_FILES) | cmp -s - $(VENV)/.typechecked; then \
	  echo "pyright: nothing it checks changed since its last clean run ($(VENV)/.typechecked)"; \
	else rm -f $(VENV)/.typechecked; $(MAKE) --no-print-directory $(VENV)/.typechecked; fi

forge: setup ## forge tests
	$(NPM_BIN)/forge test

# pytest-xdist workers, one per core by default. Each module's tests stay on one worker (the
# scheduler in tests/conftest.py; tests/conformance as a whole), so module-scoped fixtures
# are built once. The tests marked `live` (whole rounds that wait on on-chain windows) run in
# a session of their own in the background meanwhile (scripts/run_tests.py).
PYTEST_WORKERS ?= auto
export PYTEST_WORKERS

pytest: setup toolchains ## pytest suites, in parallel, the live rounds in the background
	$(BIN)/python scripts/run_tests.py --steps pytest

test-fast: setup ## the inner loop: pytest in parallel without the tests marked slow or ray
	$(BIN)/python scripts/run_pytest.py -n $(PYTEST_WORKERS) --dist loadscope -m "not slow and not ray"

test: setup toolchains ## everything CI runs: lint, typecheck, forge and pytest; the live rounds and pyright in the background
	$(BIN)/python scripts/run_tests.py

test-pg: setup ## persistence tests against a throwaway local PostgreSQL (installs it if missing)
	bash scripts/test_pg.sh

compat: setup ## Nanda Town's shipped files through nest-core 0.1.4 and nets, side by side
	$(BIN)/python scripts/nanda_compat.py

bench: setup ## benchmark scripts (figures go to docs/BENCHMARKS.md by hand)
	@for script in scripts/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean: ## remove build outputs (keeps the toolchains)
	rm -rf out cache .pytest_cache .ruff_cache $(NATIVE_LIB) $(VENV)/.typechecked

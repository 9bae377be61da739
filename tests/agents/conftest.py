"""Agent-language tests need the compilers: `make toolchains` (run by `make test`) installs
them. Without them a test is skipped with one line, except in CI, where that is a failure."""

from __future__ import annotations

import os
from functools import cache

import pytest

from node.agents import build
from node.agents.toolchains import Toolchain, ToolchainMissing, toolchain


@cache
def found(lang: str) -> Toolchain:
    """``lang``'s compiler, looked up once per test process (a missing one is not cached).
    The lookup runs `COMPILER --version` only to report it: 1.8 CPU-s for asc (Node.js
    loading the compiler), paid before every build otherwise."""
    return toolchain(lang)


@pytest.fixture
def compilers_found_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds use ``found``: for tests of what a build makes, not of the compiler lookup."""
    monkeypatch.setattr(build, "toolchain", found)


def need_toolchain(lang: str) -> None:
    """Skip (fail under CI=true) when ``lang``'s compiler is not installed."""
    try:
        found(lang)
    except ToolchainMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (CI runs `make toolchains` first)")
        pytest.skip(str(exc))

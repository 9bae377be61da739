"""Agent-language tests need the compilers: `make toolchains` (run by `make test`) installs
them. Without them a test is skipped with one line, except in CI, where that is a failure."""

from __future__ import annotations

import os
from functools import cache

import pytest

from node.agents.toolchains import Toolchain, ToolchainMissing, toolchain


@cache
def found(lang: str) -> Toolchain:
    """``lang``'s compiler, looked up once per test process (a missing one is not cached)."""
    return toolchain(lang)


def need_toolchain(lang: str) -> None:
    """Skip (fail under CI=true) when ``lang``'s compiler is not installed."""
    try:
        found(lang)
    except ToolchainMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (CI runs `make toolchains` first)")
        pytest.skip(str(exc))

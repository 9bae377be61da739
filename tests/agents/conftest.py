"""Agent-language tests need the compilers: `make toolchains` (run by `make test`) installs
them. Without them a test is skipped with one line, except in CI, where that is a failure."""

from __future__ import annotations

import os

import pytest

from node.agents.toolchains import ToolchainMissing, toolchain


def need_toolchain(lang: str) -> None:
    """Skip (fail under CI=true) when ``lang``'s compiler is not installed."""
    try:
        toolchain(lang)
    except ToolchainMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (CI runs `make toolchains` first)")
        pytest.skip(str(exc))

"""Fixtures of the roles suite. Tests marked ``slow`` here run only with NETS_SLOW_TESTS=1
(`make test` selects no markers, so they would otherwise run in every default run)."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("NETS_SLOW_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set NETS_SLOW_TESTS=1 to run")
    for item in items:
        if "slow" in item.keywords and "tests/roles" in str(item.fspath):
            item.add_marker(skip)

"""--interval NaN or infinite (which click.FloatRange accepts) exits 2 before the node runs,
instead of crashing in time.sleep after the first step."""

from __future__ import annotations

import pytest

from tests.cli_hostile.conftest import GREEDY, Nets


@pytest.mark.parametrize("interval", ["nan", "inf", "1e309"])
@pytest.mark.parametrize("command", [["verify"], ["submit", "--register", GREEDY]])
def test_a_non_finite_interval(nets: Nets, command: list[str], interval: str) -> None:
    nets(*command, "--chain", "memory", "--interval", interval).refused(
        "'--interval': " + ("nan" if interval == "nan" else "inf") + " is not between 0.05"
    )

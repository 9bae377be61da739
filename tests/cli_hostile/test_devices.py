"""A device where a chain file or deploy plan goes (read whole, so /dev/zero would fill the
memory) exits 2 naming it; /dev/null stands in for it here."""

from __future__ import annotations

import pytest

from tests.cli_hostile.conftest import Nets


@pytest.mark.parametrize(
    "args",
    [
        ["agent", "status", "1", "--chain", "memory:/dev/null"],
        ["league", "create", "snake", "--chain", "memory:/dev/null"],
        ["run", "pingpong", "--no-trace", "--chain", "memory:/dev/null"],
    ],
    ids=["agent status", "league create", "run"],
)
def test_a_memory_chain_file_that_is_a_device(nets: Nets, args: list[str]) -> None:
    nets(*args).refused("--chain: /dev/null is not a regular file")


def test_a_deploy_plan_that_is_a_device(nets: Nets) -> None:
    nets("chain", "up", "--plan", "/dev/null").refused("plan /dev/null is not a regular file")

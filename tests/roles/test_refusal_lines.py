"""A role prints every refused action as one error line with the contract's reason, once per
action and reason, however often the action is tried again."""

from __future__ import annotations

import pytest

from adapters.memory import MemoryChain
from node.cli.submit import run_role
from node.db import open_database
from node.roles.common import RoleBase


class Refused(RoleBase):
    """Asks for the seed of a round that does not exist, on every step."""

    role = "probe"
    steps = 0

    def one_step(self) -> int:
        self.steps += 1
        self.act(
            "fix seed 9",
            "fix_seed",
            [9],
            {},
            check=lambda: None,
            send=lambda: self.adapter.fix_seed(9),
        )
        return int(self.steps < 3)  # busy twice, then idle: three tries in one run


def test_every_refusal_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database("sqlite://")
    role = Refused(db, MemoryChain(), "memory")
    run_role(role, once=True, interval=0.05, as_json=False)
    assert role.log.refused == ["fix seed 9: UnknownRound(9)"] * 3
    errors = [line for line in capsys.readouterr().out.splitlines() if " error: " in line]
    assert [line.split(" ", 1)[1] for line in errors] == ["error: fix seed 9: UnknownRound(9)"]

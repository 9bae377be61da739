"""kill -9 at the worst moment for the outbox: the chain has taken a transaction and the node
has not recorded it yet. On every chain the rerun finds the action on chain, records it, and
never sends it twice (one event each), so no crash separates the chain from the records. On
`memory:db` that moment is inside the one database transaction of the action and its record,
so the killed action is not on the chain at all (tests/db/test_db_joint_transaction.py)."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from tests.reliability.conftest import GREEDY, Node

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CRASH = str(Path(__file__).with_name("crash_after.py"))
STAKE = str(10**18)
SUBMIT = ["submit", "--register", GREEDY, "--stake", STAKE, "--once"]
KILLED_EVENT = {"create_league": "LeagueCreated", "register_agent": "AgentRegistered",
                "stake": "Staked"}  # fmt: skip


@pytest.mark.parametrize(
    ("method", "command", "events"),
    [
        ("create_league", ["league", "create", "demo"], {"LeagueCreated": 1}),
        ("register_agent", SUBMIT, {"AgentRegistered": 1, "Staked": 1}),
        ("stake", SUBMIT, {"AgentRegistered": 1, "Staked": 1}),
    ],
)
def test_a_kill_between_the_chain_and_the_record(
    node: Node, method: str, command: list[str], events: dict[str, int]
) -> None:
    crashed = node.script(CRASH, method, *command, *node.args)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    if node.kind == "memory-db":  # killed inside the joint transaction: neither is stored
        assert node.events()[KILLED_EVENT[method]] == 0
    again = node.nets(*command, *node.args)
    assert again.returncode == 0, again.stderr
    counted = node.events()
    assert {name: counted[name] for name in events} == events
    with sqlite3.connect(node.db.removeprefix("sqlite:///")) as connection:
        statuses = dict(connection.execute("SELECT key, status FROM intents").fetchall())
    assert statuses, "no intent recorded"
    assert set(statuses.values()) == {"done"}, statuses

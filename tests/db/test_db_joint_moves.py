"""`memory:db`: a role's dispute move and its row in the node's move log are one database
transaction with the chain's, like every league action (test_db_joint_transaction.py).

A submitter killed anywhere inside that transaction leaves the move on chain, its intent done
and its row all three, or none of them; a failing row write rolls the move back."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.arena_ops import Phase
from adapters.events import EventCursor, all_events
from adapters.memory import MemoryChain
from node.db import Database, open_database, repo
from node.db.memory_chain import open_memory_chain
from node.db.outbox import DONE, Outbox
from tests.db.move_inside import CODE, DISPUTE, MOVE_KEY, POINTS, open_dispute
from tests.db.scratch import REFUSAL, allow, refuse, run_inside

ROOT = Path(__file__).resolve().parents[2]

Facts = tuple[int, str | None, int]
"""(SummaryRevealed events on the chain, the move's intent status, its rows in the move log)."""


def facts_of(chain: MemoryChain, db: Database) -> Facts:
    revealed = sum(e.name == "SummaryRevealed" for e in all_events(chain, EventCursor(0, 0)))
    intent = Outbox(db, chain.chain_id).get(MOVE_KEY)
    rows = [m for m in repo.moves(db, chain.chain_id, DISPUTE) if m.kind == "reveal_summary"]
    return revealed, intent.status if intent is not None else None, len(rows)


def stored(url: str) -> Facts:
    """The facts as a restarted node finds them."""
    db = open_database(url)
    try:
        with open_memory_chain(db) as opened:
            assert isinstance(opened.adapter, MemoryChain)
            return facts_of(opened.adapter, db)
    finally:
        db.close()


def prepared(url: str) -> None:
    db = open_database(url)
    try:
        with open_memory_chain(db) as opened:
            assert isinstance(opened.adapter, MemoryChain)
            open_dispute(db, opened.adapter)
    finally:
        db.close()


@pytest.mark.parametrize("point", list(POINTS))
def test_a_kill_inside_a_dispute_move_leaves_move_and_row_or_neither(
    db_url: str, point: str
) -> None:
    prepared(db_url)
    crashed = run_inside("move_inside.py", point, db_url)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    if point == "committed":
        assert stored(db_url) == (1, DONE, 1)
    else:  # the intent was recorded before the transaction began: it stays pending
        assert stored(db_url) == (0, "pending", 0)
    again = run_inside(
        "move_inside.py", "none", db_url
    )  # the restarted submitter: reveals, or goes on
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "1"
    assert stored(db_url) == (1, DONE, 1)  # the summary revealed once, logged once


def test_a_failing_move_row_rolls_the_move_back(db_url: str) -> None:
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        submitter = open_dispute(db, chain)
        refuse(db, "no_moves", "moves", "INSERT")
        with pytest.raises(IntegrityError, match=REFUSAL):
            submitter.defend()
        assert chain.dispute(DISPUTE).phase == Phase.AWAIT_SUMMARY  # the reloaded chain
        assert facts_of(chain, db) == (0, "pending", 0)
        allow(db, "no_moves", "moves")
        assert submitter.defend() == 1
        assert chain.dispute(DISPUTE).phase == Phase.AWAIT_FINAL
        assert facts_of(chain, db) == (1, DONE, 1)
    db.close()
    assert stored(db_url) == (1, DONE, 1)


def test_a_registration_and_its_agent_row_commit_together(db_url: str) -> None:
    """The submitter's enrolment records its agent in the registration's transaction."""
    from adapters.keys import anvil_account
    from node.roles.submitter import AgentPlan, Submitter

    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        owner = chain.with_signer(anvil_account(1))
        refuse(db, "no_agents", "agents", "INSERT")
        with pytest.raises(IntegrityError, match=REFUSAL):
            Submitter(db, owner, [AgentPlan(CODE, 0)]).enroll()
        assert chain.counts()[0] == 0  # no agent registered on the chain either
        assert repo.my_agents(db, chain.chain_id) == []
        allow(db, "no_agents", "agents")
        assert list(Submitter(db, owner, [AgentPlan(CODE, 0)]).enroll()) == [1]
        assert chain.counts()[0] == 1
        assert [row.agent_id for row in repo.my_agents(db, chain.chain_id)] == [1]
    db.close()

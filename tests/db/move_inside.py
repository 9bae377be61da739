"""Helper process: a submitter's dispute move (its summary revealed to a friendly challenger) on
`memory:db`, killed by SIGKILL at POINT inside the one database transaction that holds the move
and the node's records of it (the intent marked done, the move's row).

Usage: python move_inside.py POINT DB_URL (POINT: one of POINTS; "none" runs to the end and
prints how many moves it made). ``open_dispute`` builds the state it starts from.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db import Database, open_database, repo
from node.db.memory_chain import DatabaseStore, open_memory_chain
from node.db.outbox import Outbox
from node.league import actions, resolve_league
from node.roles.common import RoleBase
from node.roles.submitter import AgentPlan, Submitter
from node.roles.verifier import ChallengePolicy, Verifier
from node.wasm import load_agent_file

ROOT = Path(__file__).resolve().parents[2]
CODE = load_agent_file(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
DEMO = resolve_league("demo")
OWNER, CHALLENGER = 1, 2
DISPUTE = 1
MOVE_KEY = f"move:{DISPUTE}:0:reveal_summary"

POINTS = {
    "locked": (DatabaseStore, "begin", "after"),  # the write lock taken, the chain caught up
    "sent": (MemoryChain, "reveal_summary", "after"),  # the chain executed it (in memory)
    "marked": (Outbox, "mark_done", "after"),  # the intent marked done (uncommitted)
    "recorded": (repo, "add_move", "after"),  # the move's row written (uncommitted)
    "journaled": (DatabaseStore, "_commit", "before"),  # the journal row added, before COMMIT
    "committed": (DatabaseStore, "_commit", "after"),  # after COMMIT, before the role goes on
}
armed = False
"""Kill only inside a dispute move: reads and the follow before it hold the lock too."""


def killed(original: Callable[..., Any], when: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if armed and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if armed:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapper


def arming(original: Callable[..., int]) -> Callable[..., int]:
    def wrapper(*args: Any, **kwargs: Any) -> int:
        global armed
        armed = True
        try:
            return original(*args, **kwargs)
        finally:
            armed = False

    return wrapper


def owner_role(db: Database, chain: MemoryChain, plans: list[AgentPlan]) -> Submitter:
    known = {agent.agent_id: AgentPlan(CODE, 0) for agent in repo.my_agents(db, chain.chain_id)}
    owner = chain.with_signer(anvil_account(OWNER))
    return Submitter(db, owner, plans, known=known)


def open_dispute(db: Database, chain: MemoryChain) -> Submitter:
    """A league, an agent of OWNER's with an honest claim, and CHALLENGER's dispute on its
    match 0: the summary is the claimant's to reveal. Returns OWNER's submitter."""
    operator = chain.with_signer(anvil_account(0))
    league_id = actions.create_league(db, operator, DEMO)
    submitter = owner_role(db, chain, [AgentPlan(CODE, DEMO.min_stake)])
    submitter.enroll()  # before the round opens: an entrant registers before its seed block
    round_id = actions.open_round(db, operator, league_id, 1).round_id
    info = chain.round(round_id)
    chain.mine(max(info.seed_block + 1 - chain.block_number(), 1))
    submitter.step()  # fixes the seed and claims
    verifier = Verifier(
        db,
        chain.with_signer(anvil_account(CHALLENGER)),
        policy=ChallengePolicy("friendly", always_challenge=True),
    )
    verifier.step()  # challenges match 0 of the right claim
    submitter.follow()
    assert [row.dispute_id for row in repo.open_disputes(db, chain.chain_id)] == [DISPUTE]
    return submitter


if __name__ == "__main__":
    point, url = sys.argv[1], sys.argv[2]
    if point != "none":
        owner, name, when = POINTS[point]
        setattr(owner, name, killed(getattr(owner, name), when))
    RoleBase.dispute_move = arming(RoleBase.dispute_move)
    db = open_database(url)
    with open_memory_chain(db) as opened:
        assert isinstance(opened.adapter, MemoryChain)
        role = owner_role(db, opened.adapter, [])
        role.follow()
        print(role.defend())
    db.close()

"""Rebuilding the node's view from the chain, when its records are ahead of it (the chain was
reset, lost, or restarted from an older saved state).

The chain is the truth (an off-chain role holds nothing the chain cannot rebuild): every row
derived from it is dropped for that chain id (cursors, rounds, matches, claims, disputes,
moves) and so is the outbox, whose every action is checked against the chain before it is
sent again. Kept: the leagues this node created that still exist on chain, and its own agents
whose id still carries the same code on chain (their code is not on chain in a readable form
everywhere). The roles refold the events from the chain's start on their next step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, delete, select

from adapters.arena_ops import ZERO_ADDRESS
from adapters.base import ArenaAdapter
from node.db.engine import Database
from node.db.models import (
    AgentRow,
    ChainCursorRow,
    ClaimRow,
    DisputeRow,
    IntentRow,
    LeagueRow,
    MatchRow,
    MoveRow,
    RoundRow,
)

DERIVED = (ChainCursorRow, IntentRow, MoveRow, DisputeRow, ClaimRow, MatchRow, RoundRow)


@dataclass
class Resynced:
    chain_id: int
    head: int
    dropped: dict[str, int] = field(default_factory=dict)
    kept_leagues: list[int] = field(default_factory=list)
    kept_agents: list[int] = field(default_factory=list)


def resync(db: Database, adapter: ArenaAdapter) -> Resynced:
    """Drop what the chain can rebuild (one database transaction) and report it."""
    chain_id = adapter.chain_id
    report = Resynced(chain_id, adapter.block_number())
    with db.session() as session:
        for model in DERIVED:
            rows = session.exec(select(model).where(model.chain_id == chain_id)).all()
            report.dropped[str(model.__tablename__)] = len(rows)
            session.exec(delete(model).where(col(model.chain_id) == chain_id))  # type: ignore[call-overload]
        report.dropped["leagues"] = 0
        for league in session.exec(select(LeagueRow).where(LeagueRow.chain_id == chain_id)).all():
            if adapter.league(league.league_id).creator != ZERO_ADDRESS:
                report.kept_leagues.append(league.league_id)
            else:
                session.delete(league)
                report.dropped["leagues"] += 1
        report.dropped["agents"] = 0
        for agent in session.exec(select(AgentRow).where(AgentRow.chain_id == chain_id)).all():
            info = adapter.agent(agent.agent_id)
            if agent.mine and info.code_hash == agent.code_hash and info.owner != ZERO_ADDRESS:
                report.kept_agents.append(agent.agent_id)
            else:
                session.delete(agent)
                report.dropped["agents"] += 1
    return report

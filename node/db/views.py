"""Read-only queries for the dashboard (node.dashboard): whole-table reads the roles never need.

Kept here so that no SQL lives outside node.db; each is one statement, so a page of a league
of 1,000 agents x 10 rounds costs a handful of queries, not one per row.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from node.db.engine import Database
from node.db.models import AgentRow, ClaimRow, DisputeRow, LeagueRow, MoveRow, RoundRow


def chain_ids(db: Database) -> list[int]:
    """The chains this database holds records of, most leagues first."""
    with db.session() as session:
        statement = (
            select(LeagueRow.chain_id, func.count())
            .group_by(col(LeagueRow.chain_id))
            .order_by(func.count().desc(), col(LeagueRow.chain_id))
        )
        found = [int(chain) for chain, _ in session.exec(statement).all()]
        if not found:
            agents = select(AgentRow.chain_id).distinct().order_by(col(AgentRow.chain_id))
            found = [int(chain) for chain in session.exec(agents).all()]
        return found


def leagues(db: Database, chain_id: int) -> list[LeagueRow]:
    with db.session() as session:
        statement = select(LeagueRow).where(LeagueRow.chain_id == chain_id)
        return list(session.exec(statement.order_by(col(LeagueRow.league_id))).all())


def league_rounds(db: Database, chain_id: int, league_id: int) -> list[RoundRow]:
    with db.session() as session:
        statement = select(RoundRow).where(
            RoundRow.chain_id == chain_id, RoundRow.league_id == league_id
        )
        return list(session.exec(statement.order_by(col(RoundRow.round_id))).all())


ClaimTotal = tuple[int, int, str, str]
"""(round id, agent id, status, total) of one claim."""


def league_claims(db: Database, chain_id: int, league_id: int) -> list[ClaimTotal]:
    """(round, agent, status, total) of every claim of every round of the league, by round then
    agent: plain tuples, since building 10,000 ORM rows costs more than the page itself."""
    with db.session() as session:
        rounds = select(RoundRow.round_id).where(
            RoundRow.chain_id == chain_id, RoundRow.league_id == league_id
        )
        statement = select(
            ClaimRow.round_id, ClaimRow.agent_id, ClaimRow.status, ClaimRow.total
        ).where(ClaimRow.chain_id == chain_id, col(ClaimRow.round_id).in_(rounds))
        ordered = statement.order_by(col(ClaimRow.round_id), col(ClaimRow.agent_id))
        return list(session.exec(ordered).all())


def owners(db: Database, chain_id: int) -> dict[int, str]:
    """Agent id -> owner address, of every agent the node knows on the chain."""
    with db.session() as session:
        statement = select(AgentRow.agent_id, AgentRow.owner).where(AgentRow.chain_id == chain_id)
        return {int(agent): owner for agent, owner in session.exec(statement).all()}


def round_disputes(db: Database, chain_id: int, round_id: int) -> list[DisputeRow]:
    with db.session() as session:
        statement = select(DisputeRow).where(
            DisputeRow.chain_id == chain_id, DisputeRow.round_id == round_id
        )
        return list(session.exec(statement.order_by(col(DisputeRow.dispute_id))).all())


def match_disputes(
    db: Database, chain_id: int, round_id: int, agent_id: int, match_index: int
) -> list[DisputeRow]:
    with db.session() as session:
        statement = select(DisputeRow).where(
            DisputeRow.chain_id == chain_id,
            DisputeRow.round_id == round_id,
            DisputeRow.agent_id == agent_id,
            DisputeRow.match_index == match_index,
        )
        return list(session.exec(statement.order_by(col(DisputeRow.dispute_id))).all())


def change_marker(db: Database) -> str:
    """A short string that changes whenever a league, round, claim, dispute or move is written:
    what the live pages poll (aggregate queries only, no rows read)."""
    parts: list[str] = []
    with db.session() as session:
        for table in (RoundRow, ClaimRow):
            by_status = select(table.status, func.count()).group_by(col(table.status))
            parts.append(",".join(f"{s}:{n}" for s, n in sorted(session.exec(by_status).all())))
        for statement in (
            select(
                func.count(),
                func.sum(DisputeRow.phase),
                func.sum(DisputeRow.lo),
                func.sum(DisputeRow.hi),
            ).select_from(DisputeRow),
            select(func.count(col(DisputeRow.verdict)), func.max(DisputeRow.verdict)).select_from(
                DisputeRow
            ),
            select(func.count(), func.max(MoveRow.id)).select_from(MoveRow),
            select(func.count(), func.max(LeagueRow.league_id)).select_from(LeagueRow),
        ):
            parts.append(",".join(str(v) for v in session.exec(statement).one()))
    return "|".join(parts)

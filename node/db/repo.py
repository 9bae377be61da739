"""Repositories: what the node stores and reads back, in its own terms (no SQL outside node.db).

Writes are upserts keyed by chain ids, so replaying the same chain events or re-running the
same round after a restart converges to the same rows.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from adapters.events import EventCursor
from node.db.engine import Database
from node.db.models import (
    AgentRow,
    ChainCursorRow,
    ClaimRow,
    DisputeRow,
    LeagueRow,
    MatchRow,
    MemoryChainRow,
    MoveRow,
    RoundRow,
    utcnow,
)
from node.league.definition import LeagueDefinition
from node.league.rounds import AgentRound, RoundResult

P = ParamSpec("P")
R = TypeVar("R")


def upsert(write: Callable[P, R]) -> Callable[P, R]:
    """Done again, now as an update, when another process sharing the database (roles on one
    `memory:db` chain) inserted the same row between our read and our insert."""

    @functools.wraps(write)
    def again(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return write(*args, **kwargs)
        except IntegrityError:
            return write(*args, **kwargs)

    return again


@upsert
def save_agent(
    db: Database,
    chain_id: int,
    agent_id: int,
    code_hash: bytes,
    *,
    code: bytes | None = None,
    owner: str = "",
    abi_version: int | None = None,
    registered_block: int | None = None,
    mine: bool = False,
) -> AgentRow:
    row = AgentRow(
        chain_id=chain_id,
        agent_id=agent_id,
        code_hash=code_hash,
        code=code,
        owner=owner,
        abi_version=abi_version,
        registered_block=registered_block,
        mine=mine,
    )
    with db.session() as session:
        return session.merge(row)


def get_agent(db: Database, chain_id: int, agent_id: int) -> AgentRow | None:
    with db.session() as session:
        return session.get(AgentRow, (chain_id, agent_id))


def my_agents(db: Database, chain_id: int) -> list[AgentRow]:
    with db.session() as session:
        statement = select(AgentRow).where(AgentRow.chain_id == chain_id, col(AgentRow.mine))
        return list(session.exec(statement.order_by(col(AgentRow.agent_id))).all())


@upsert
def save_league(
    db: Database, chain_id: int, league_id: int, definition: LeagueDefinition
) -> LeagueRow:
    row = LeagueRow(
        chain_id=chain_id,
        league_id=league_id,
        name=definition.name,
        system=definition.system,
        definition_json=json.dumps(definition.terms(), sort_keys=True),
        digest=definition.digest(),
    )
    with db.session() as session:
        return session.merge(row)


def get_league(db: Database, chain_id: int, league_id: int) -> LeagueRow | None:
    with db.session() as session:
        return session.get(LeagueRow, (chain_id, league_id))


def league_definition(row: LeagueRow) -> LeagueDefinition:
    return LeagueDefinition.model_validate(json.loads(row.definition_json))


@upsert
def save_round(
    db: Database,
    chain_id: int,
    round_id: int,
    league_id: int,
    *,
    seed_block: int = 0,
    submit_deadline: int = 0,
    challenge_deadline: int = 0,
    seed: bytes | None = None,
    status: str | None = None,
) -> RoundRow:
    with db.session() as session:
        row = session.get(RoundRow, (chain_id, round_id))
        if row is None:
            row = RoundRow(chain_id=chain_id, round_id=round_id, league_id=league_id)
        row.league_id = league_id
        row.seed_block = seed_block or row.seed_block
        row.submit_deadline = submit_deadline or row.submit_deadline
        row.challenge_deadline = challenge_deadline or row.challenge_deadline
        row.seed = seed if seed is not None else row.seed
        row.status = status or row.status
        session.add(row)
        return row


def get_round(db: Database, chain_id: int, round_id: int) -> RoundRow | None:
    with db.session() as session:
        return session.get(RoundRow, (chain_id, round_id))


def round_ids(db: Database, chain_id: int) -> set[int]:
    with db.session() as session:
        statement = select(RoundRow.round_id).where(RoundRow.chain_id == chain_id)
        return set(session.exec(statement).all())


def unsettled_rounds(db: Database, chain_id: int) -> list[RoundRow]:
    with db.session() as session:
        statement = select(RoundRow).where(
            RoundRow.chain_id == chain_id, RoundRow.status != "settled"
        )
        return list(session.exec(statement.order_by(col(RoundRow.round_id))).all())


def set_round_status(db: Database, chain_id: int, round_id: int, status: str) -> None:
    with db.session() as session:
        row = session.get(RoundRow, (chain_id, round_id))
        if row is None:
            raise KeyError(f"round {round_id} of chain {chain_id} not recorded")
        row.status = status
        session.add(row)


def save_agent_round(db: Database, chain_id: int, round_id: int, entry: AgentRound) -> None:
    """One agent's matches and its computed claim (status kept if the claim already exists)."""
    with db.session() as session:
        for record in entry.matches:
            session.merge(
                MatchRow(
                    chain_id=chain_id,
                    round_id=round_id,
                    agent_id=entry.agent_id,
                    match_index=record.match_index,
                    seed=record.seed,
                    trace_root=record.trace_root,
                    steps=record.steps,
                    score=record.score,
                    outcome=record.outcome,
                    fuel_used=record.fuel_used,
                )
            )
        claim = session.get(ClaimRow, (chain_id, round_id, entry.agent_id))
        if claim is None:
            claim = ClaimRow(
                chain_id=chain_id,
                round_id=round_id,
                agent_id=entry.agent_id,
                claim_root=entry.claim_root,
                scores_json=json.dumps(list(entry.scores)),
                total=str(entry.total),
            )
        else:
            claim.claim_root = entry.claim_root
            claim.scores_json = json.dumps(list(entry.scores))
            claim.total = str(entry.total)
        session.add(claim)


def save_round_result(db: Database, chain_id: int, round_id: int, result: RoundResult) -> None:
    for entry in result.agents:
        save_agent_round(db, chain_id, round_id, entry)


def get_matches(db: Database, chain_id: int, round_id: int, agent_id: int) -> list[MatchRow]:
    with db.session() as session:
        statement = select(MatchRow).where(
            MatchRow.chain_id == chain_id,
            MatchRow.round_id == round_id,
            MatchRow.agent_id == agent_id,
        )
        return list(session.exec(statement.order_by(col(MatchRow.match_index))).all())


def get_claim(db: Database, chain_id: int, round_id: int, agent_id: int) -> ClaimRow | None:
    with db.session() as session:
        return session.get(ClaimRow, (chain_id, round_id, agent_id))


def claim_scores(row: ClaimRow) -> tuple[int, ...]:
    return tuple(int(score) for score in json.loads(row.scores_json))


@upsert
def save_claim(
    db: Database,
    chain_id: int,
    round_id: int,
    agent_id: int,
    claim_root: bytes,
    scores: Sequence[int],
    *,
    status: str,
    tx_hash: bytes | None = None,
) -> ClaimRow:
    """A claim seen on chain (or the node's own, once sent)."""
    with db.session() as session:
        row = session.get(ClaimRow, (chain_id, round_id, agent_id)) or ClaimRow(
            chain_id=chain_id,
            round_id=round_id,
            agent_id=agent_id,
            claim_root=claim_root,
            scores_json="[]",
            total="0",
        )
        row.claim_root = claim_root
        row.scores_json = json.dumps([int(score) for score in scores])
        row.total = str(sum(scores))
        row.status = status
        row.tx_hash = tx_hash if tx_hash is not None else row.tx_hash
        session.add(row)
        return row


def set_claim_status(
    db: Database, chain_id: int, round_id: int, agent_id: int, status: str
) -> None:
    with db.session() as session:
        row = session.get(ClaimRow, (chain_id, round_id, agent_id))
        if row is None:
            raise KeyError(f"no claim of agent {agent_id} in round {round_id}")
        row.status = status
        session.add(row)


def round_claims(db: Database, chain_id: int, round_id: int) -> list[ClaimRow]:
    with db.session() as session:
        statement = select(ClaimRow).where(
            ClaimRow.chain_id == chain_id, ClaimRow.round_id == round_id
        )
        return list(session.exec(statement.order_by(col(ClaimRow.agent_id))).all())


@upsert
def save_dispute(db: Database, row: DisputeRow) -> DisputeRow:
    with db.session() as session:
        return session.merge(row)


def get_dispute(db: Database, chain_id: int, dispute_id: int) -> DisputeRow | None:
    with db.session() as session:
        return session.get(DisputeRow, (chain_id, dispute_id))


def open_disputes(db: Database, chain_id: int) -> list[DisputeRow]:
    with db.session() as session:
        statement = select(DisputeRow).where(
            DisputeRow.chain_id == chain_id, col(DisputeRow.verdict).is_(None)
        )
        return list(session.exec(statement.order_by(col(DisputeRow.dispute_id))).all())


def all_disputes(db: Database, chain_id: int) -> list[DisputeRow]:
    with db.session() as session:
        statement = select(DisputeRow).where(DisputeRow.chain_id == chain_id)
        return list(session.exec(statement.order_by(col(DisputeRow.dispute_id))).all())


@upsert
def add_move(
    db: Database,
    chain_id: int,
    dispute_id: int,
    kind: str,
    payload: dict[str, object] | None = None,
    tx_hash: bytes | None = None,
) -> MoveRow:
    """Append a move to the dispute's log (seq 0, 1, ...), once: a move already logged with
    the same kind and payload (an outbox action recorded again, node.league.actions.perform)
    is the row returned."""
    encoded = json.dumps(payload or {}, sort_keys=True)
    with db.session() as session:
        statement = select(MoveRow).where(
            MoveRow.chain_id == chain_id, MoveRow.dispute_id == dispute_id
        )
        logged = session.exec(statement).all()
        for row in logged:
            if (row.kind, row.payload_json) == (kind, encoded):
                return row
        row = MoveRow(
            chain_id=chain_id,
            dispute_id=dispute_id,
            seq=len(logged),
            kind=kind,
            payload_json=encoded,
            tx_hash=tx_hash,
        )
        session.add(row)
        session.flush()
        return row


def moves(db: Database, chain_id: int, dispute_id: int) -> list[MoveRow]:
    with db.session() as session:
        statement = select(MoveRow).where(
            MoveRow.chain_id == chain_id, MoveRow.dispute_id == dispute_id
        )
        return list(session.exec(statement.order_by(col(MoveRow.seq))).all())


def load_cursor(db: Database, adapter: str, chain_id: int) -> EventCursor:
    """Where the event reader resumes (the chain's start when nothing is recorded)."""
    with db.session() as session:
        row = session.get(ChainCursorRow, (adapter, chain_id))
        if row is None:
            return EventCursor()
        return EventCursor(row.block, row.log_index, row.anchor_hash)


@upsert
def save_cursor(db: Database, adapter: str, chain_id: int, cursor: EventCursor) -> None:
    with db.session() as session:
        session.merge(
            ChainCursorRow(
                adapter=adapter,
                chain_id=chain_id,
                block=cursor.block,
                log_index=cursor.log_index,
                anchor_hash=cursor.anchor_hash,
                updated_at=utcnow(),
            )
        )


def load_memory_chain(db: Database, name: str = "default") -> str | None:
    """The stored MemoryChain state (persist JSON), None before the first save."""
    with db.session() as session:
        row = session.get(MemoryChainRow, name)
        return row.state if row is not None else None


def save_memory_chain(db: Database, state: str, name: str = "default") -> None:
    with db.session() as session:
        session.merge(MemoryChainRow(name=name, state=state, updated_at=utcnow()))

"""The chain, as far as the node's tables need it: Arena events folded into rows.

``follow`` reads events after the stored cursor (repo.load_cursor) and folds each into the
tables, then stores the next cursor. Delivery is at least once: a crash between folding an event
and storing the cursor replays that event after the restart, and every fold is an upsert that
converges, so replaying is harmless. Handlers passed to ``follow`` must be idempotent too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from adapters.base import ChainAdapter
from adapters.errors import ChainReorg
from adapters.events import ChainEvent, EventCursor, event_batches
from node.db import repo
from node.db.engine import Database
from node.db.models import AgentRow, ClaimRow, DisputeRow, RoundRow

UINT64_MASK = 2**64 - 1
EventHandler = Callable[[ChainEvent], None]


def _claim_key(chain_id: int, claim_id: int) -> tuple[int, int, int]:
    return chain_id, claim_id >> 64, claim_id & UINT64_MASK


def _agent_registered(db: Database, chain_id: int, args: dict[str, Any], event: ChainEvent) -> None:
    with db.session() as session:
        row = session.get(AgentRow, (chain_id, int(args["agentId"])))
        if row is None:
            row = AgentRow(chain_id=chain_id, agent_id=int(args["agentId"]), code_hash=b"")
        row.owner = str(args["owner"])
        row.code_hash = bytes(args["codeHash"])
        row.abi_version = int(args["abiVersion"])
        row.registered_block = event.block_number
        session.add(row)


def _round_opened(db: Database, chain_id: int, args: dict[str, Any]) -> None:
    repo.save_round(
        db,
        chain_id,
        int(args["roundId"]),
        int(args["leagueId"]),
        seed_block=int(args["seedBlock"]),
        submit_deadline=int(args["submitDeadline"]),
        challenge_deadline=int(args["challengeDeadline"]),
    )


def _seed_fixed(db: Database, chain_id: int, args: dict[str, Any]) -> None:
    with db.session() as session:
        row = session.get(RoundRow, (chain_id, int(args["roundId"])))
        if row is not None:
            row.seed = bytes(args["seed"])
            session.add(row)


def _claim_submitted(db: Database, chain_id: int, args: dict[str, Any]) -> None:
    _, round_id, agent_id = _claim_key(chain_id, int(args["claimId"]))
    existing = repo.get_claim(db, chain_id, round_id, agent_id)
    status = existing.status if existing and existing.status in ("voided", "settled") else "live"
    scores = [int(score) for score in args["scores"]]
    repo.save_claim(
        db, chain_id, round_id, agent_id, bytes(args["claimRoot"]), scores, status=status
    )


def _set_claim(db: Database, key: tuple[int, int, int], status: str) -> None:
    with db.session() as session:
        row = session.get(ClaimRow, key)
        if row is not None:
            row.status = status
            session.add(row)


def _round_settled(db: Database, chain_id: int, args: dict[str, Any]) -> None:
    round_id = int(args["roundId"])
    with db.session() as session:
        row = session.get(RoundRow, (chain_id, round_id))
        if row is not None:
            row.status = "settled"
            session.add(row)
    for claim in repo.round_claims(db, chain_id, round_id):
        if claim.status not in ("voided", "settled"):
            _set_claim(db, (chain_id, round_id, claim.agent_id), "settled")


def _dispute_opened(
    db: Database, chain_id: int, args: dict[str, Any], our_address: str | None
) -> None:
    _, round_id, agent_id = _claim_key(chain_id, int(args["claimId"]))
    dispute_id = int(args["disputeId"])
    existing = repo.get_dispute(db, chain_id, dispute_id)
    if existing is not None:
        return
    challenger = str(args["challenger"])
    agent = repo.get_agent(db, chain_id, agent_id)
    if our_address is not None and challenger.lower() == our_address.lower():
        role = "challenger"
    elif agent is not None and agent.mine:
        role = "claimant"
    else:
        role = "observer"
    repo.save_dispute(
        db,
        DisputeRow(
            chain_id=chain_id,
            dispute_id=dispute_id,
            round_id=round_id,
            agent_id=agent_id,
            match_index=int(args["matchIndex"]),
            role=role,
            challenger=challenger,
        ),
    )


def _update_dispute(db: Database, chain_id: int, dispute_id: int, **changes: Any) -> None:
    with db.session() as session:
        row = session.get(DisputeRow, (chain_id, dispute_id))
        if row is not None:
            for name, value in changes.items():
                setattr(row, name, value)
            session.add(row)


def fold_event(
    db: Database, chain_id: int, event: ChainEvent, our_address: str | None = None
) -> None:
    """Apply one Arena or DisputeGame event to the tables (events it does not track: ignored).

    Several processes may fold the same event into one database at once (roles sharing a
    `memory:db` chain): the one that loses the race to insert a row folds again, as an update."""
    try:
        _fold(db, chain_id, event, our_address)
    except IntegrityError:
        _fold(db, chain_id, event, our_address)


def _fold(db: Database, chain_id: int, event: ChainEvent, our_address: str | None) -> None:
    args = event.args
    match event.name:
        case "AgentRegistered":
            _agent_registered(db, chain_id, args, event)
        case "RoundOpened":
            _round_opened(db, chain_id, args)
        case "SeedFixed":
            _seed_fixed(db, chain_id, args)
        case "ClaimSubmitted":
            _claim_submitted(db, chain_id, args)
        case "ClaimVoided":
            _set_claim(db, _claim_key(chain_id, int(args["claimId"])), "voided")
        case "RoundSettled":
            _round_settled(db, chain_id, args)
        case "DisputeOpened":
            _dispute_opened(db, chain_id, args, our_address)
        case "MidpointAnswered":
            _update_dispute(
                db, chain_id, int(args["disputeId"]), lo=int(args["lo"]), hi=int(args["hi"])
            )
        case "DisputeResolved":
            _update_dispute(
                db,
                chain_id,
                int(args["disputeId"]),
                verdict=int(args["verdict"]),
                reason=int(args["reason"]),
                phase=6,
            )
        case _:
            pass


def follow(
    db: Database,
    adapter: ChainAdapter,
    adapter_name: str,
    *,
    our_address: str | None = None,
    confirmations: int = 0,
    handler: EventHandler | None = None,
) -> int:
    """Fold every event after the stored cursor up to the head, batch after batch (a node
    starting late on a long chain catches up in one call), storing the cursor after each
    event; returns how many.

    When the chain no longer has the block the cursor is anchored at, but still has the block
    of the last event folded, only empty blocks were lost (a devnet restarted from a state
    saved a moment before it died): nothing recorded depends on them, so reading resumes
    after that event. Otherwise ChainReorg propagates: the records are ahead of the chain.
    """
    chain_id = adapter.chain_id
    cursor = repo.load_cursor(db, adapter_name, chain_id)
    try:
        return _read_from(db, adapter, adapter_name, cursor, our_address, confirmations, handler)
    except ChainReorg:
        last_event = repo.load_cursor(db, _last_event(adapter_name), chain_id)
        if last_event == cursor:
            raise
        repo.save_cursor(db, adapter_name, chain_id, last_event)
        return _read_from(
            db, adapter, adapter_name, last_event, our_address, confirmations, handler
        )


def _last_event(adapter_name: str) -> str:
    """The cursor row just after the last event folded (kept beside the head cursor)."""
    return f"{adapter_name}#last-event"


def _read_from(
    db: Database,
    adapter: ChainAdapter,
    adapter_name: str,
    cursor: EventCursor,
    our_address: str | None,
    confirmations: int,
    handler: EventHandler | None,
) -> int:
    chain_id = adapter.chain_id
    folded = 0
    for batch in event_batches(adapter, cursor, confirmations=confirmations):
        for event in batch.events:
            fold_event(db, chain_id, event, our_address)
            if handler is not None:
                handler(event)
            repo.save_cursor(db, adapter_name, chain_id, event.next_cursor)
        if batch.events:  # behind by a batch after a crash at worst: folding again is idempotent
            repo.save_cursor(db, _last_event(adapter_name), chain_id, batch.events[-1].next_cursor)
        folded += len(batch.events)
        repo.save_cursor(db, adapter_name, chain_id, batch.cursor)
    return folded

"""An owner's money actions: add stake, request and finalize an unstake, withdraw. Each goes through the
outbox like every other chain action, so a command retried after a crash never sends twice.

They are repeatable (the same agent may unstake the same amount again later), so each key ends
in a sequence number: `Outbox.next_sequence` hands a retry the unfinished intent it left, and
the chain check looks for the action's event from the block recorded with the intent.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.base import ArenaAdapter
from adapters.events import ChainEvent
from node.db.engine import Database
from node.db.outbox import KeyPart, Outbox
from node.league.actions import perform_seen_by_event


def add_stake(db: Database, adapter: ArenaAdapter, agent_id: int, amount: int) -> int:
    """Add ``amount`` wei to the agent's stake, once; the event's block."""
    return _once(
        db,
        adapter,
        "add_stake",
        [agent_id, amount],
        lambda e: (
            e.name == "Staked"
            and int(e.args["agentId"]) == agent_id
            and int(e.args["amount"]) == amount
        ),
        lambda: adapter.stake(agent_id, amount),
    )


def request_unstake(db: Database, adapter: ArenaAdapter, agent_id: int, amount: int) -> int:
    """Move ``amount`` of the agent's stake to its unstaking queue, once; the event's block."""
    return _once(
        db,
        adapter,
        "unstake",
        [agent_id, amount],
        lambda e: (
            e.name == "UnstakeRequested"
            and int(e.args["agentId"]) == agent_id
            and int(e.args["amount"]) == amount
        ),
        lambda: adapter.request_unstake(agent_id, amount),
    )


def finalize_unstake(db: Database, adapter: ArenaAdapter, agent_id: int) -> int:
    """Credit the agent's matured unstaking amount to its owner's balance, once."""
    return _once(
        db,
        adapter,
        "finalize_unstake",
        [agent_id],
        lambda e: e.name == "UnstakeFinalized" and int(e.args["agentId"]) == agent_id,
        lambda: adapter.finalize_unstake(agent_id),
    )


def withdraw(db: Database, adapter: ArenaAdapter, amount: int) -> int:
    """Withdraw ``amount`` of what the Arena owes the adapter's account, once."""
    me = adapter.address.lower()
    return _once(
        db,
        adapter,
        "withdraw",
        [me, amount],
        lambda e: (
            e.name == "Withdrawn"
            and str(e.args["account"]).lower() == me
            and int(e.args["amount"]) == amount
        ),
        lambda: adapter.withdraw(amount),
    )


def _once(
    db: Database,
    adapter: ArenaAdapter,
    kind: str,
    scope: list[KeyPart],
    is_it: Callable[[ChainEvent], bool],
    send: Callable[[], None],
) -> int:
    """The action once (sequence number from the outbox); the block of its event."""
    outbox = Outbox(db, adapter.chain_id)

    def sent() -> int:
        send()
        return adapter.block_number()

    return perform_seen_by_event(
        adapter,
        outbox,
        kind,
        [*scope, outbox.next_sequence(kind, *scope)],
        lambda event: event.block_number if is_it(event) else None,
        sent,
    )

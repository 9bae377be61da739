"""The ChainAdapter protocol: what the node may ask of a chain, whichever implements it.

MemoryChain (embedded) and Web3Chain (JSON-RPC) implement it with identical semantics: the
same ChainError name and args for the same misuse, the same events in the same order. This
is the part fixed so far; the Arena operations (register, stake, ..., settlement) join it
once the contract is stable (docs/protocol/adapters.md, "Arena operations").
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from adapters.errors import ChainError
from adapters.events import ChainEvent, EventBatch, EventCursor

__all__ = ["ChainAdapter", "ChainError", "ChainEvent", "EventBatch", "EventCursor"]


@runtime_checkable
class ChainAdapter(Protocol):
    """Chain facts, time control for tests, and the event stream with a resumable cursor.

    Every state-changing operation raises ``ChainError`` (adapters.errors) carrying the
    Solidity error name when the contract refuses it.
    """

    @property
    def chain_id(self) -> int: ...

    def block_number(self) -> int:
        """Number of the latest block."""
        ...

    def block_time(self) -> int:
        """Timestamp of the latest block, in seconds."""
        ...

    def increase_time(self, seconds: int) -> None:
        """Advance chain time by ``seconds`` and mine a block carrying the new time."""
        ...

    def mine(self, blocks: int = 1) -> None:
        """Mine ``blocks`` empty blocks."""
        ...

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        """Events at or after ``cursor`` in chain order, and the cursor to continue from."""
        ...

"""The ChainAdapter protocol: what the node may ask of a chain, whichever implements it.

MemoryChain (embedded) and Web3Chain (JSON-RPC) implement it with identical semantics: the
same ChainError name and args for the same misuse, the same events in the same order. This
is the part fixed so far; the Arena operations (register, stake, ..., settlement) join it
once the contract is stable (docs/protocol/adapters.md, "Arena operations").
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from adapters.errors import AdapterError, ChainError
from adapters.events import ChainEvent, EventBatch, EventCursor

if TYPE_CHECKING:
    from adapters.keys import Signer

__all__ = [
    "ChainAdapter",
    "ChainAdapterFactory",
    "ChainError",
    "ChainEvent",
    "EventBatch",
    "EventCursor",
    "adapter_factory",
    "adapter_names",
]


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


class ChainAdapterFactory(Protocol):
    """What a ``nets.chain_adapters`` entry point names: opens an adapter.

    ``url`` is the endpoint (None for adapters without one, like the embedded memory chain);
    ``signer`` the key transactions are signed with (None: read-only, or the adapter's own
    default where it has one).
    """

    def __call__(self, url: str | None = None, *, signer: Signer | None = None) -> ChainAdapter: ...


ENTRY_POINT_GROUP = "nets.chain_adapters"


def adapter_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def adapter_factory(name: str) -> ChainAdapterFactory:
    """The factory registered under ``name`` (AdapterError naming the known ones if absent)."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep.load()
    raise AdapterError(f"unknown chain adapter {name!r} (known: {', '.join(adapter_names())})")

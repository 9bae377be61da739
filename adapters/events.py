"""Event records and the cursor consumers resume from; shared by every ChainAdapter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, order=True)
class EventCursor:
    """The next position to read: events at (block, log_index) or later are still unread.

    ``anchor_hash`` is the hash of the last block the consumer has read from (``block`` when
    ``log_index`` > 0, else ``block - 1``); a reader that finds another block there raises
    ChainReorg instead of silently skipping or repeating events.
    """

    block: int = 0
    log_index: int = 0
    anchor_hash: bytes | None = field(default=None, compare=False)

    @property
    def anchor_block(self) -> int:
        return self.block if self.log_index > 0 else self.block - 1

    def to_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "log_index": self.log_index,
            "anchor_hash": "0x" + self.anchor_hash.hex() if self.anchor_hash else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventCursor:
        anchor = data.get("anchor_hash")
        return cls(
            int(data["block"]),
            int(data["log_index"]),
            bytes.fromhex(anchor[2:]) if isinstance(anchor, str) else None,
        )


@dataclass(frozen=True)
class ChainEvent:
    """One decoded contract event; ``args`` in declaration order, addresses checksummed."""

    name: str
    args: dict[str, Any]
    address: str
    block_number: int
    log_index: int
    tx_hash: bytes
    block_hash: bytes = b""

    @property
    def next_cursor(self) -> EventCursor:
        """Where to resume after this event has been processed."""
        return EventCursor(self.block_number, self.log_index + 1, self.block_hash or None)


@dataclass(frozen=True)
class EventBatch:
    """Events after a cursor, in chain order, and the cursor to continue from."""

    events: list[ChainEvent]
    cursor: EventCursor


class EventSource(Protocol):
    """What `event_batches` needs of a ChainAdapter."""

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch: ...

    def block_number(self) -> int: ...


def event_batches(
    source: EventSource, since: EventCursor | None = None, *, confirmations: int = 0
) -> Iterator[EventBatch]:
    """Batch after batch from ``since`` (genesis by default) to the head: one `events_since`
    returns a bounded block range, so a single call misses later events. Each batch's cursor
    is where the next one starts."""
    cursor = since or EventCursor()
    while True:
        batch = source.events_since(cursor, confirmations=confirmations)
        if batch.cursor == cursor:
            return
        yield batch
        if batch.cursor.block > source.block_number() - confirmations:
            return
        cursor = batch.cursor


def all_events(source: EventSource, since: EventCursor | None = None) -> Iterator[ChainEvent]:
    """Every event from ``since`` (genesis by default) to the head."""
    for batch in event_batches(source, since):
        yield from batch.events

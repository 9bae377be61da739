"""Blocks, clock, wallets and the event log of the memory chain.

One block per state-changing operation, as anvil's automine makes them; log indexes restart
at 0 in every block. The clock is simulated: a block's timestamp is the start time plus every
``increase_time`` so far, or, with ``wall_clock``, the wall time plus that offset (never
going backwards), which is what anvil does.

With ``wall_clock`` and a ``block_interval``, time also moves by itself, as on an anvil started
with ``--block-time``: whenever the chain is looked at (``tick``), the empty blocks an interval
miner would have made since the last block appear, one every ``block_interval`` seconds, so
deadlines pass and seed blocks arrive while nobody sends anything. Nothing runs in the
background: the blocks are derived from the wall time on demand, which is what lets a chain
kept in a file move between commands.
"""

from __future__ import annotations

import bisect
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.errors import ChainError, ChainReorg, TransactionFailed
from adapters.events import ChainEvent, EventBatch, EventCursor
from node.trace import keccak256

MAX_BLOCK_RANGE = 5_000
BLOCKHASH_WINDOW = 256
DEFAULT_START_TIME = 1_700_000_000
MAX_CATCH_UP = 2 * BLOCKHASH_WINDOW
"""Empty blocks made up at most after an idle spell: the chain behaves as if it had paused
and then mined this many intervals (more than the BLOCKHASH window, so a seed block left
alone that long has expired exactly as it would have on a chain that kept mining)."""


@functools.lru_cache(maxsize=4096)
def block_hash(chain_id: int, number: int, epoch: int = 0) -> bytes:
    """The memory chain's (deterministic) hash of block ``number``; ``epoch`` counts the
    reverts before the block was mined, so a block mined again after a revert differs."""
    data = chain_id.to_bytes(8, "big") + number.to_bytes(8, "big")
    if epoch:
        data += epoch.to_bytes(8, "big")
    return keccak256(b"nets.memory.block" + data)


@dataclass
class Tx:
    """One operation being executed: its sender, value and block context; events are kept
    back until the operation succeeds (a revert leaves no trace, as on a real chain)."""

    sender: str
    value: int
    block_number: int
    timestamp: int
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    code: bytes | None = None
    """The module a registerAgent call carries: what its calldata keeps on a real chain."""

    def emit(self, address: str, name: str, args: dict[str, Any]) -> None:
        self.events.append((address, name, args))


class Ledger:
    def __init__(
        self,
        chain_id: int,
        *,
        start_block: int = 0,
        start_time: int = DEFAULT_START_TIME,
        wall_clock: bool = False,
        block_interval: int = 0,
    ) -> None:
        self.chain_id = chain_id
        self.wall_clock = wall_clock
        self.block_interval = block_interval
        """Seconds between the blocks mined by time alone (0: only operations mine)."""
        self.clock: Callable[[], float] = time.time
        """Wall time source (tests substitute their own); never stored."""
        self.offset = 0
        self.start_time = start_time
        self.timestamps: list[int] = [start_time] * (start_block + 1)
        self.epoch = 0
        self.epochs: list[int] = [0] * (start_block + 1)
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        """(address, name, args) per log; ChainEvents are built when read (hashes are lazy)."""
        self.keys: list[tuple[int, int]] = []
        self.wallets: dict[str, int] = {}
        self.codes: dict[int, bytes] = {}
        """Block -> the agent module its registerAgent transaction carried (the calldata a
        chain keeps forever; a verifier recovers any agent's code from it)."""

    # -- blocks -----------------------------------------------------------------------------

    @property
    def head(self) -> int:
        return len(self.timestamps) - 1

    def hash_of(self, number: int) -> bytes:
        """Blocks past the mined head (``now_head``'s empty ones) belong to the current epoch."""
        epoch = self.epochs[number] if number < len(self.epochs) else self.epoch
        return block_hash(self.chain_id, number, epoch)

    def next_timestamp(self) -> int:
        last = self.timestamps[-1]
        if self.wall_clock:
            return max(last, int(self.clock()) + self.offset)
        return max(last, self.start_time + self.offset)

    def _due(self) -> tuple[int, int]:
        """The empty blocks an interval miner would have made by now, and the timestamp the
        first of them counts from (block k carries it plus k intervals, as anvil's
        ``--block-time`` does). After an idle spell longer than MAX_CATCH_UP intervals only the
        last MAX_CATCH_UP are made (the chain paused, then mined)."""
        last = self.timestamps[-1]
        if not (self.wall_clock and self.block_interval > 0):
            return 0, last
        now = int(self.clock()) + self.offset
        due = (now - last) // self.block_interval
        if due <= 0:
            return 0, last
        if due > MAX_CATCH_UP:
            return MAX_CATCH_UP, now - MAX_CATCH_UP * self.block_interval
        return due, last

    def tick(self) -> int:
        """Mine the empty blocks due by now (``_due``); how many. Only a transaction does this:
        a read sees them through ``now_head``/``now_time`` without changing the ledger, so
        processes sharing a durable chain never record blocks the journal does not have."""
        due, base = self._due()
        for k in range(1, due + 1):
            self.timestamps.append(base + k * self.block_interval)
            self.epochs.append(self.epoch)
        return due

    def now_head(self) -> int:
        """The head as a reader sees it now: the mined blocks plus the empty ones due."""
        return self.head + self._due()[0]

    def now_time(self) -> int:
        """The timestamp of ``now_head``."""
        due, base = self._due()
        return base + due * self.block_interval if due else self.timestamps[-1]

    def blockhash(self, number: int, executing: int) -> bytes:
        """What BLOCKHASH gives inside block ``executing``: zero outside the last 256."""
        if number >= executing or executing - number > BLOCKHASH_WINDOW or number < 0:
            return bytes(32)
        return self.hash_of(number)

    def begin(self, sender: str, value: int = 0) -> Tx:
        if value < 0:
            raise TransactionFailed("negative value")
        if value > self.wallets.get(sender, 0):
            raise TransactionFailed(
                f"insufficient funds: {sender} has {self.wallets.get(sender, 0)} wei, needs {value}"
            )
        self.tick()
        return Tx(sender, value, self.head + 1, self.next_timestamp())

    def commit(self, tx: Tx, to: str) -> None:
        """Mine the operation's block: move its value, record its events."""
        if tx.value:
            self.wallets[tx.sender] -= tx.value
            self.wallets[to] = self.wallets.get(to, 0) + tx.value
        number = tx.block_number
        self.timestamps.append(tx.timestamp)
        self.epochs.append(self.epoch)
        for index, record in enumerate(tx.events):
            self.events.append(record)
            self.keys.append((number, index))
        if tx.code is not None:
            self.codes[number] = tx.code

    def pay(self, source: str, to: str, amount: int) -> None:
        """An internal value transfer (a withdrawal's call), inside a committed operation."""
        self.wallets[source] -= amount
        self.wallets[to] = self.wallets.get(to, 0) + amount

    def mine(self, blocks: int = 1) -> None:
        self.tick()
        self._append(blocks)

    def increase_time(self, seconds: int) -> None:
        """As evm_increaseTime then one block: the jump is that block's, not many intervals."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.tick()
        self.offset += seconds
        self._append(1)

    def _append(self, blocks: int) -> None:
        for _ in range(blocks):
            self.timestamps.append(self.next_timestamp())
            self.epochs.append(self.epoch)

    # -- events -----------------------------------------------------------------------------

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        now_head = self.now_head()
        head = now_head - confirmations
        if cursor.anchor_hash is not None and cursor.anchor_block >= 0:
            if cursor.anchor_block > now_head:
                raise ChainReorg(f"cursor block {cursor.anchor_block} is beyond the chain head")
            if self.hash_of(cursor.anchor_block) != cursor.anchor_hash:
                raise ChainReorg(f"block {cursor.anchor_block} changed since the cursor was taken")
        if cursor.block > head:
            return EventBatch([], cursor)
        to_block = min(head, cursor.block + MAX_BLOCK_RANGE - 1)
        start = bisect.bisect_left(self.keys, (cursor.block, cursor.log_index))
        end = bisect.bisect_left(self.keys, (to_block + 1, 0))
        events = [self._event(i) for i in range(start, end)]
        return EventBatch(events, EventCursor(to_block + 1, 0, self.hash_of(to_block)))

    def _event(self, position: int) -> ChainEvent:
        address, name, args = self.events[position]
        number, index = self.keys[position]
        tx_hash = keccak256(b"nets.memory.tx" + number.to_bytes(8, "big"))
        return ChainEvent(name, dict(args), address, number, index, tx_hash, self.hash_of(number))


def revert(name: str, *args: Any) -> ChainError:
    """The ChainError a Solidity ``revert Name(args)`` becomes."""
    return ChainError(name, tuple(args))

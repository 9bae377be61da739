"""Reads contract events after a cursor with web3's ``get_logs``, in bounded block ranges.

Assumption (anvil): blocks only disappear through evm_revert/anvil_reorg, never behind our
back. The reader still checks the cursor's anchor block hash on every read and raises
ChainReorg when it changed; on chains with real reorgs pass ``confirmations`` so only
blocks that deep are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from web3.exceptions import BlockNotFound

from adapters.errors import ChainReorg
from adapters.events import EventBatch, EventCursor
from adapters.web3chain.contracts import BoundContract, decode_logs

if TYPE_CHECKING:
    from web3 import Web3

MAX_BLOCK_RANGE = 5_000


class EventReader:
    def __init__(self, w3: Web3) -> None:
        self.w3 = w3

    def block_hash(self, number: int) -> bytes | None:
        try:
            return bytes(self.w3.eth.get_block(number)["hash"])  # type: ignore[arg-type]
        except BlockNotFound:
            return None

    def read(
        self,
        cursor: EventCursor,
        contracts: Mapping[str, BoundContract],
        *,
        confirmations: int = 0,
        max_blocks: int = MAX_BLOCK_RANGE,
    ) -> EventBatch:
        head = self.w3.eth.block_number - confirmations
        self._check_anchor(cursor)
        if cursor.block > head or not contracts:
            return EventBatch([], cursor)
        to_block = min(head, cursor.block + max_blocks - 1)
        raw = self.w3.eth.get_logs(
            {"fromBlock": cursor.block, "toBlock": to_block, "address": list(contracts)}  # type: ignore[typeddict-item]
        )
        logs = sorted(raw, key=lambda log: (log["blockNumber"], log["logIndex"]))
        logs = [
            log
            for log in logs
            if (log["blockNumber"], log["logIndex"]) >= (cursor.block, cursor.log_index)
        ]
        end_hash = self.block_hash(to_block)
        if any(
            log["blockNumber"] == to_block and bytes(log["blockHash"]) != end_hash for log in logs
        ):
            raise ChainReorg(f"block {to_block} changed while reading events")
        return EventBatch(decode_logs(logs, contracts), EventCursor(to_block + 1, 0, end_hash))

    def _check_anchor(self, cursor: EventCursor) -> None:
        if cursor.anchor_hash is None or cursor.anchor_block < 0:
            return
        actual = self.block_hash(cursor.anchor_block)
        if actual is None:
            raise ChainReorg(f"cursor block {cursor.anchor_block} is beyond the chain head")
        if actual != cursor.anchor_hash:
            raise ChainReorg(f"block {cursor.anchor_block} changed since the cursor was taken")

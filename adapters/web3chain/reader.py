"""Reads contract events after a cursor with eth_getLogs, in bounded block ranges.

Assumption (anvil): blocks only disappear through evm_revert/anvil_reorg, never behind our
back. The reader still checks the cursor's anchor block hash on every read and raises
ChainReorg when it changed; on chains with real reorgs pass ``confirmations`` so only
blocks that deep are read.
"""

from __future__ import annotations

from collections.abc import Iterable

from adapters.errors import ChainReorg
from adapters.events import ChainEvent, EventBatch, EventCursor
from adapters.web3chain.abi import ContractAbi
from adapters.web3chain.logs import RawLog
from adapters.web3chain.rpc import RpcClient, from_hex, to_hex, to_int

MAX_BLOCK_RANGE = 5_000


def decode_logs(logs: Iterable[RawLog], abis: dict[str, ContractAbi]) -> list[ChainEvent]:
    """Logs of known contracts (by checksummed address) decoded; unknown logs skipped."""
    events: list[ChainEvent] = []
    for log in logs:
        abi = abis.get(log.address)
        if abi is None or log.removed:
            continue
        decoded = abi.decode_log(list(log.topics), log.data)
        if decoded is None:
            continue
        name, args = decoded
        events.append(
            ChainEvent(
                name,
                args,
                log.address,
                log.block_number,
                log.log_index,
                log.tx_hash,
                log.block_hash,
            )
        )
    return events


class EventReader:
    def __init__(self, rpc: RpcClient) -> None:
        self.rpc = rpc

    def block_hash(self, number: int) -> bytes | None:
        block = self.rpc.call("eth_getBlockByNumber", to_hex(number), False)
        return from_hex(block["hash"]) if block else None

    def read(
        self,
        cursor: EventCursor,
        abis: dict[str, ContractAbi],
        *,
        confirmations: int = 0,
        max_blocks: int = MAX_BLOCK_RANGE,
    ) -> EventBatch:
        head = to_int(self.rpc.call("eth_blockNumber")) - confirmations
        self._check_anchor(cursor)
        if cursor.block > head or not abis:
            return EventBatch([], cursor)
        to_block = min(head, cursor.block + max_blocks - 1)
        raw = self.rpc.call(
            "eth_getLogs",
            {"fromBlock": to_hex(cursor.block), "toBlock": to_hex(to_block), "address": list(abis)},
        )
        logs = sorted(
            (RawLog.from_rpc(item) for item in raw),
            key=lambda log: (log.block_number, log.log_index),
        )
        logs = [
            log
            for log in logs
            if (log.block_number, log.log_index) >= (cursor.block, cursor.log_index)
        ]
        end_hash = self.block_hash(to_block)
        if any(log.block_number == to_block and log.block_hash != end_hash for log in logs):
            raise ChainReorg(f"block {to_block} changed while reading events")
        return EventBatch(decode_logs(logs, abis), EventCursor(to_block + 1, 0, end_hash))

    def _check_anchor(self, cursor: EventCursor) -> None:
        if cursor.anchor_hash is None or cursor.anchor_block < 0:
            return
        actual = self.block_hash(cursor.anchor_block)
        if actual is None:
            raise ChainReorg(f"cursor block {cursor.anchor_block} is beyond the chain head")
        if actual != cursor.anchor_hash:
            raise ChainReorg(f"block {cursor.anchor_block} changed since the cursor was taken")

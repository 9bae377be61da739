"""Raw logs and receipts as the endpoint returns them, parsed once into typed records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address

from adapters.web3chain.rpc import from_hex, to_int


@dataclass(frozen=True)
class RawLog:
    address: str
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    block_hash: bytes
    log_index: int
    tx_hash: bytes
    removed: bool = False

    @classmethod
    def from_rpc(cls, item: dict[str, Any]) -> RawLog:
        return cls(
            address=to_checksum_address(item["address"]),
            topics=tuple(from_hex(t) for t in item.get("topics", [])),
            data=from_hex(item.get("data")),
            block_number=to_int(item["blockNumber"]),
            block_hash=from_hex(item.get("blockHash")),
            log_index=to_int(item["logIndex"]),
            tx_hash=from_hex(item.get("transactionHash")),
            removed=bool(item.get("removed", False)),
        )


@dataclass(frozen=True)
class Receipt:
    tx_hash: bytes
    block_number: int
    status: bool
    gas_used: int
    contract_address: str | None
    logs: tuple[RawLog, ...]

    @classmethod
    def from_rpc(cls, item: dict[str, Any]) -> Receipt:
        address = item.get("contractAddress")
        return cls(
            tx_hash=from_hex(item["transactionHash"]),
            block_number=to_int(item["blockNumber"]),
            status=to_int(item.get("status", "0x1")) == 1,
            gas_used=to_int(item["gasUsed"]),
            contract_address=to_checksum_address(address) if address else None,
            logs=tuple(RawLog.from_rpc(log) for log in item.get("logs", [])),
        )

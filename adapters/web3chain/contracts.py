"""Bound contracts as web3.py contract objects: call encoding and output decoding, receipts,
and their logs decoded into ChainEvent records by web3's event processing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eth_abi.exceptions import DecodingError, InsufficientDataBytes
from eth_utils.abi import abi_to_signature
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.exceptions import (
    ABIFunctionNotFound,
    LogTopicError,
    MismatchedABI,
    Web3Exception,
    Web3ValidationError,
)

from adapters.errors import AbiEncodingError
from adapters.events import ChainEvent
from adapters.web3chain.abi import plain

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract
    from web3.contract.contract import ContractEvent, ContractFunction
    from web3.types import LogReceipt, TxReceipt


@dataclass(frozen=True)
class Receipt:
    """A mined transaction as the adapters use it; ``logs`` as web3 returned them."""

    tx_hash: bytes
    block_number: int
    status: bool
    gas_used: int
    contract_address: str | None
    logs: tuple[LogReceipt, ...] = field(repr=False)

    @classmethod
    def of(cls, receipt: TxReceipt) -> Receipt:
        address = receipt.get("contractAddress")
        return cls(
            tx_hash=bytes(receipt["transactionHash"]),
            block_number=int(receipt["blockNumber"]),
            status=int(receipt.get("status", 1)) == 1,
            gas_used=int(receipt["gasUsed"]),
            contract_address=to_checksum_address(address) if address else None,
            logs=tuple(receipt["logs"]),
        )


class BoundContract:
    """A deployed contract under a name: its web3 contract object and ABI."""

    def __init__(self, w3: Web3, name: str, address: str, abi: list[dict[str, Any]]) -> None:
        self.name = name
        self.address: str = to_checksum_address(address)
        self.abi = abi
        self.contract: Contract = w3.eth.contract(address=self.address, abi=abi)  # type: ignore[arg-type]
        self.events: dict[bytes, tuple[ContractEvent, list[str]]] = {}
        for item in abi:
            if item.get("type") == "event" and not item.get("anonymous"):
                topic = keccak(text=abi_to_signature(item))  # type: ignore[arg-type]
                names = [str(i["name"]) for i in item.get("inputs", [])]
                self.events[topic] = (self.contract.events[item["name"]](), names)

    def function(self, name: str, args: tuple[Any, ...]) -> ContractFunction:
        """The call ``name(*args)``; AbiEncodingError for an unknown name or unfit arguments."""
        try:
            function = self.contract.functions[name]
        except (ABIFunctionNotFound, MismatchedABI):
            raise AbiEncodingError(f"{self.name}: no function {name!r} in the ABI") from None
        try:
            return function(*args)
        except (Web3ValidationError, MismatchedABI, TypeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AbiEncodingError(f"{name}: cannot encode {args!r}: {first}") from None

    def encode(self, name: str, args: tuple[Any, ...]) -> bytes:
        """Calldata of ``name(*args)``."""
        return bytes.fromhex(self.function(name, args)._encode_transaction_data()[2:])

    def decode_log(self, log: LogReceipt) -> tuple[str, dict[str, Any]] | None:
        """(event name, args in declaration order) of a log this ABI declares, else None."""
        topics = log.get("topics") or []
        if not topics:
            return None
        known = self.events.get(bytes(topics[0]))
        if known is None:
            return None
        event, names = known
        try:
            decoded = event.process_log(log)
        except (LogTopicError, MismatchedABI, DecodingError, InsufficientDataBytes, Web3Exception):
            return None
        args = decoded["args"]
        return decoded["event"], {name: plain(args[name]) for name in names}


def output(function: ContractFunction, value: Any) -> Any:
    """A call's result: one return value as itself, several as a tuple, none as None."""
    return plain(value) if function.abi.get("outputs") else None


def decode_logs(
    logs: Iterable[LogReceipt], contracts: Mapping[str, BoundContract]
) -> list[ChainEvent]:
    """Logs of known contracts (by checksummed address) decoded; unknown logs skipped."""
    events: list[ChainEvent] = []
    for log in logs:
        bound = contracts.get(to_checksum_address(log["address"]))
        if bound is None or log.get("removed"):
            continue
        decoded = bound.decode_log(log)
        if decoded is None:
            continue
        name, args = decoded
        events.append(
            ChainEvent(
                name,
                args,
                bound.address,
                int(log["blockNumber"]),
                int(log["logIndex"]),
                bytes(log["transactionHash"]),
                bytes(log.get("blockHash") or b""),
            )
        )
    return events


def init_code(w3: Web3, abi: list[dict[str, Any]], bytecode: bytes, args: tuple[Any, ...]) -> bytes:
    """Creation code: ``bytecode`` followed by the constructor ``args`` web3 encodes."""
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)  # type: ignore[arg-type]
    try:
        data = factory.constructor(*args).data_in_transaction
    except (Web3ValidationError, MismatchedABI, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AbiEncodingError(f"constructor: cannot encode {args!r}: {first}") from None
    return bytes.fromhex(data[2:])

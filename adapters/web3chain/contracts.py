"""Bound contracts as web3.py contract objects: call encoding and output decoding, receipts,
and their logs decoded into ChainEvent records by web3's event processing."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from eth_abi.exceptions import DecodingError, EncodingError, InsufficientDataBytes
from eth_utils.abi import abi_to_signature
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3._utils.method_formatters import log_entry_formatter
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
from adapters.web3chain.calldata import encoders

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract
    from web3.contract.contract import ContractEvent, ContractFunction
    from web3.types import LogReceipt


@dataclass(frozen=True)
class Receipt:
    """A mined transaction as the adapters use it; its logs formatted by web3 on first use
    (most transactions never read them)."""

    tx_hash: bytes
    block_number: int
    status: bool
    gas_used: int
    contract_address: str | None
    wire_logs: tuple[dict[str, Any], ...] = field(repr=False)

    @classmethod
    def of(cls, receipt: Mapping[str, Any]) -> Receipt:
        """From ``eth_getTransactionReceipt``'s result as the node sent it (hex strings)."""
        address = receipt.get("contractAddress")
        return cls(
            tx_hash=bytes.fromhex(receipt["transactionHash"][2:]),
            block_number=int(receipt["blockNumber"], 16),
            status=int(receipt.get("status") or "0x1", 16) == 1,
            gas_used=int(receipt["gasUsed"], 16),
            contract_address=to_checksum_address(address) if address else None,
            wire_logs=tuple(receipt["logs"]),
        )

    @functools.cached_property
    def logs(self) -> tuple[LogReceipt, ...]:
        """The logs as ``w3.eth`` would have returned them (web3's log entry formatter)."""
        return tuple(cast("LogReceipt", log_entry_formatter(log)) for log in self.wire_logs)


class BoundContract:
    """A deployed contract under a name: its web3 contract object and ABI."""

    def __init__(self, w3: Web3, name: str, address: str, abi: list[dict[str, Any]]) -> None:
        self.name = name
        self.address: str = to_checksum_address(address)
        self.abi = abi
        self.contract: Contract = w3.eth.contract(address=self.address, abi=abi)  # type: ignore[arg-type]
        self.encoders = encoders(abi, w3.codec)
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
        except UNFIT as exc:
            raise _unfit(name, args, exc) from None

    def encode(self, name: str, args: tuple[Any, ...]) -> bytes:
        """Calldata of ``name(*args)``: eth-abi with cached types when the arguments need no
        normalizing, else web3's ContractFunction (which also names what does not fit)."""
        encoder = self.encoders.get(name)
        data = None if encoder is None else encoder.encode(args)
        if data is not None:
            return data
        function = self.function(name, args)
        try:
            return bytes.fromhex(function._encode_transaction_data()[2:])
        except UNFIT as exc:
            raise _unfit(name, args, exc) from None

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


UNFIT: tuple[type[Exception], ...] = (
    Web3Exception,
    EncodingError,
    TypeError,
    ValueError,
    AttributeError,  # web3's ENS name check on a non-string where an address belongs
)
"""What web3 raises for arguments that do not fit the ABI, while matching or encoding."""


def _unfit(name: str, args: tuple[Any, ...], exc: Exception) -> AbiEncodingError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return AbiEncodingError(f"{name}: cannot encode {args!r}: {first}")


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

"""What web3.py leaves to its caller: custom-error reverts as ChainError(name, args), and
decoded values in the adapters' plain form (tuples, bytes, checksummed addresses).

web3 raises ContractCustomError with the raw revert data only; the selector table here names
it from the bound contracts' ABIs, so a Web3Chain raises the same ChainError as MemoryChain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eth_abi.abi import decode
from eth_abi.exceptions import DecodingError
from eth_abi.grammar import ABIType, TupleType, parse
from eth_utils.abi import abi_to_signature, get_abi_input_types
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.exceptions import ContractLogicError

from adapters.errors import ChainError

ERROR_STRING = keccak(text="Error(string)")[:4]
PANIC = keccak(text="Panic(uint256)")[:4]


def plain(value: Any) -> Any:
    """A decoded value as adapters hand it out: arrays and structs as tuples, bytes as bytes."""
    if isinstance(value, bytes):  # HexBytes included
        return bytes(value)
    if isinstance(value, Mapping):  # a struct web3 named from the ABI
        return tuple(plain(v) for v in value.values())
    if isinstance(value, list | tuple):
        return tuple(plain(v) for v in value)
    return value


def checksummed(kind: ABIType, value: Any) -> Any:
    """Addresses inside a value eth-abi decoded as ``kind`` checksummed, as web3 returns them."""
    if kind.is_array:
        return tuple(checksummed(kind.item_type, v) for v in value)
    if isinstance(kind, TupleType):
        return tuple(checksummed(c, v) for c, v in zip(kind.components, value, strict=True))
    if kind.to_type_str() == "address":
        return to_checksum_address(value)
    return plain(value)


class ErrorTable:
    """Custom errors by 4-byte selector, from any number of ABIs."""

    def __init__(self, abis: Iterable[list[dict[str, Any]]] = ()) -> None:
        self.errors: dict[bytes, tuple[str, list[str]]] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") == "error":
                    selector = keccak(text=abi_to_signature(item))[:4]  # type: ignore[arg-type]
                    types = get_abi_input_types(item)  # type: ignore[arg-type]
                    self.errors[selector] = (str(item["name"]), types)

    def decode(self, data: bytes, *, tx_hash: bytes | None = None) -> ChainError:
        """Revert data to a named ChainError (custom error, Error(string), Panic(uint256))."""
        if len(data) < 4:
            return ChainError("Revert", (), data=data, tx_hash=tx_hash)
        selector, body = data[:4], data[4:]
        named: tuple[str, list[str]] | None
        if selector == ERROR_STRING:
            named = ("Error", ["string"])
        elif selector == PANIC:
            named = ("Panic", ["uint256"])
        else:
            named = self.errors.get(selector)
        if named is not None:
            name, types = named
            try:
                values = tuple(
                    checksummed(parse(t), v)
                    for t, v in zip(types, decode(types, body), strict=True)
                )
                return ChainError(name, values, data=data, tx_hash=tx_hash)
            except (DecodingError, ValueError, OverflowError):
                pass
        return ChainError("UnknownError", (data,), data=data, tx_hash=tx_hash)

    def from_exception(
        self, exc: ContractLogicError, *, tx_hash: bytes | None = None
    ) -> ChainError:
        return self.decode(revert_data(exc), tx_hash=tx_hash)


def revert_data(exc: ContractLogicError) -> bytes:
    """The revert payload web3 kept on its exception (``b""`` when the node sent none)."""
    data = exc.data
    if isinstance(data, Mapping):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        try:
            return bytes.fromhex(data[2:])
        except ValueError:
            return b""
    return b""

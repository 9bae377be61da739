"""Calldata of a contract function, and a view call's return data, through eth-abi with the
function's selector, input and output types looked up once; calldata when the arguments are already in the form web3 would hand to
eth-abi; anything else goes through web3's ContractFunction, which stays the reference.

web3 builds a ContractFunction per call (argument binding, ABI matching, two selector hashes,
normalizer passes over the arguments): about 0.8 ms of CPU per transaction on this machine,
as much as the signature. The encoding itself is the same codec call either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eth_abi.exceptions import EncodingError
from eth_abi.grammar import ABIType, TupleType, parse
from eth_utils.abi import (
    function_abi_to_4byte_selector,
    get_abi_input_types,
    get_abi_output_types,
)
from eth_utils.address import is_checksum_address

from adapters.web3chain.abi import checksummed

if TYPE_CHECKING:
    from eth_abi.codec import ABICodec


class FunctionEncoder:
    """One function's selector, types and codec: ``encode(args)`` or None to defer to web3."""

    def __init__(self, item: Mapping[str, Any], codec: ABICodec) -> None:
        self.selector = function_abi_to_4byte_selector(item)  # type: ignore[arg-type]
        self.types = get_abi_input_types(item)  # type: ignore[arg-type]
        self.parsed = [parse(t) for t in self.types]
        self.output_types = get_abi_output_types(item)  # type: ignore[arg-type]
        self.outputs = [parse(t) for t in self.output_types]
        self.codec = codec

    def encode(self, args: tuple[Any, ...]) -> bytes | None:
        """The calldata, or None when web3 must judge (normalize, or name the problem)."""
        if len(args) != len(self.parsed) or not all(
            ready(kind, value) for kind, value in zip(self.parsed, args, strict=True)
        ):
            return None
        try:
            return self.selector + self.codec.encode(self.types, args)
        except (EncodingError, OverflowError, TypeError, ValueError):
            return None

    def decode(self, data: bytes) -> Any:
        """Return data as the adapters hand it out (``output`` of web3's decoded result):
        one value as itself, several as a tuple, none as None; addresses checksummed.
        Raises eth-abi's DecodingError when ``data`` does not fit the output types."""
        if not self.outputs:
            return None
        values = self.codec.decode(self.output_types, data)
        decoded = tuple(checksummed(k, v) for k, v in zip(self.outputs, values, strict=True))
        return decoded[0] if len(decoded) == 1 else decoded


def ready(kind: ABIType, value: Any) -> bool:
    """``value`` already has the Python type eth-abi encodes ``kind`` from, with nothing for
    web3's normalizers to do (hex strings to bytes, ENS names or unchecksummed addresses,
    structs given as dicts): then web3 and eth-abi produce the same bytes."""
    if kind.is_array:
        return isinstance(value, list | tuple) and all(
            ready(kind.item_type, item) for item in value
        )
    if isinstance(kind, TupleType):
        return (
            isinstance(value, list | tuple)
            and len(value) == len(kind.components)
            and all(ready(c, v) for c, v in zip(kind.components, value, strict=True))
        )
    base = kind.to_type_str()
    if base == "address":
        return isinstance(value, str) and is_checksum_address(value)
    if base == "string":
        return isinstance(value, str)
    if base == "bool":
        return isinstance(value, bool)
    if base.startswith("bytes"):
        return isinstance(value, bytes)
    if base.startswith(("uint", "int")):
        return isinstance(value, int) and not isinstance(value, bool)
    return False  # fixed-point and anything newer: web3 decides


def encoders(abi: list[dict[str, Any]], codec: ABICodec) -> dict[str, FunctionEncoder]:
    """Encoders for the functions whose name is unique in ``abi`` (overloads go to web3,
    which picks one by the arguments)."""
    functions = [item for item in abi if item.get("type") == "function"]
    names = [str(item["name"]) for item in functions]
    return {
        name: FunctionEncoder(item, codec)
        for name, item in zip(names, functions, strict=True)
        if names.count(name) == 1
    }

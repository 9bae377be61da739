"""A contract's ABI as lookup tables: call encoding, output decoding, revert and log decoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from adapters.errors import AdapterError, ChainError

ERROR_STRING = keccak(text="Error(string)")[:4]
PANIC = keccak(text="Panic(uint256)")[:4]


def canonical_type(param: dict[str, Any]) -> str:
    """ABI type string with tuples spelled out: ``(uint256,bytes32)[]``."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def _types(params: list[dict[str, Any]]) -> list[str]:
    return [canonical_type(p) for p in params]


def _normalize(kind: str, value: Any) -> Any:
    """Decoded values as adapters hand them out: checksummed addresses, tuples kept."""
    if kind == "address" and isinstance(value, str):
        return to_checksum_address(value)
    if kind.endswith("]") and isinstance(value, list | tuple):
        element = kind[: kind.rindex("[")]
        return tuple(_normalize(element, v) for v in value)
    if kind.startswith("(") and isinstance(value, tuple):
        return tuple(_normalize_tuple_types(kind, value))
    return value


def _normalize_tuple_types(kind: str, value: tuple[Any, ...]) -> list[Any]:
    from eth_abi.grammar import parse

    parsed = parse(kind)
    components = getattr(parsed, "components", ())
    return [_normalize(c.to_type_str(), v) for c, v in zip(components, value, strict=False)]


class AbiEncodingError(AdapterError, ValueError):
    """Arguments that do not fit the function's ABI types (or an unknown function)."""


@dataclass(frozen=True)
class FunctionAbi:
    name: str
    selector: bytes
    inputs: list[str]
    outputs: list[str]
    mutability: str


@dataclass(frozen=True)
class ErrorAbi:
    name: str
    selector: bytes
    inputs: list[str]


@dataclass(frozen=True)
class EventAbi:
    name: str
    topic: bytes
    anonymous: bool
    params: list[tuple[str, str, bool]]  # (name, type, indexed)


class ContractAbi:
    """Lookup tables over one (or several merged) contract ABIs."""

    def __init__(self, abi: list[dict[str, Any]]) -> None:
        self.abi = abi
        self.functions: dict[str, FunctionAbi] = {}
        self.errors: dict[bytes, ErrorAbi] = {}
        self.events: dict[bytes, EventAbi] = {}
        self.constructor_inputs: list[str] = []
        for item in abi:
            self._add(item)

    def _add(self, item: dict[str, Any]) -> None:
        kind = item.get("type")
        if kind == "constructor":
            self.constructor_inputs = _types(item.get("inputs", []))
            return
        if kind not in ("function", "error", "event"):
            return
        name = str(item["name"])
        inputs = item.get("inputs", [])
        signature = f"{name}({','.join(_types(inputs))})"
        if kind == "function":
            entry = FunctionAbi(
                name,
                keccak(text=signature)[:4],
                _types(inputs),
                _types(item.get("outputs", [])),
                str(item.get("stateMutability", "nonpayable")),
            )
            # Overloads stay reachable by full signature; the bare name picks the first.
            self.functions.setdefault(name, entry)
            self.functions[signature] = entry
        elif kind == "error":
            self.errors[keccak(text=signature)[:4]] = ErrorAbi(
                name, keccak(text=signature)[:4], _types(inputs)
            )
        else:
            params = [(str(p["name"]), canonical_type(p), bool(p.get("indexed"))) for p in inputs]
            topic = keccak(text=signature)
            self.events[topic] = EventAbi(name, topic, bool(item.get("anonymous")), params)

    def merged(self, other: ContractAbi) -> ContractAbi:
        return ContractAbi(self.abi + other.abi)

    def function(self, name: str) -> FunctionAbi:
        try:
            return self.functions[name]
        except KeyError:
            raise AbiEncodingError(f"no function {name!r} in the ABI") from None

    def encode_call(self, name: str, args: tuple[Any, ...]) -> bytes:
        fn = self.function(name)
        try:
            return fn.selector + encode(fn.inputs, list(args))
        except Exception as exc:  # eth-abi raises several unrelated types for bad values
            raise AbiEncodingError(
                f"{name}({', '.join(fn.inputs)}): cannot encode {args!r}: {exc}"
            ) from None

    def encode_constructor(self, args: tuple[Any, ...]) -> bytes:
        return encode(self.constructor_inputs, list(args)) if self.constructor_inputs else b""

    def decode_output(self, name: str, data: bytes) -> Any:
        """A single return value as itself, several as a tuple, none as None."""
        fn = self.function(name)
        try:
            raw = decode(fn.outputs, data)
        except (DecodingError, ValueError, OverflowError) as exc:
            raise AbiEncodingError(f"{name}: cannot decode the return data: {exc}") from None
        values = tuple(_normalize(t, v) for t, v in zip(fn.outputs, raw, strict=True))
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def decode_revert(self, data: bytes, *, tx_hash: bytes | None = None) -> ChainError:
        """Revert data to a named ChainError (custom error, Error(string), Panic(uint256))."""
        if len(data) < 4:
            return ChainError("Revert", (), data=data, tx_hash=tx_hash)
        selector, body = data[:4], data[4:]
        try:
            if selector == ERROR_STRING:
                return ChainError(
                    "Error", tuple(decode(["string"], body)), data=data, tx_hash=tx_hash
                )
            if selector == PANIC:
                return ChainError(
                    "Panic", tuple(decode(["uint256"], body)), data=data, tx_hash=tx_hash
                )
            error = self.errors.get(selector)
            if error is not None:
                values = tuple(
                    _normalize(t, v)
                    for t, v in zip(error.inputs, decode(error.inputs, body), strict=True)
                )
                return ChainError(error.name, values, data=data, tx_hash=tx_hash)
        except (DecodingError, ValueError, OverflowError):
            pass
        return ChainError("UnknownError", (data,), data=data, tx_hash=tx_hash)

    def decode_log(self, topics: list[bytes], data: bytes) -> tuple[str, dict[str, Any]] | None:
        """(event name, args) of a log this ABI declares, else None (anonymous events skipped)."""
        if not topics:
            return None
        event = self.events.get(topics[0])
        if event is None or event.anonymous:
            return None
        indexed = [(n, t) for n, t, i in event.params if i]
        plain = [(n, t) for n, t, i in event.params if not i]
        if len(topics) - 1 != len(indexed):
            return None
        args: dict[str, Any] = {}
        for (name, kind), topic in zip(indexed, topics[1:], strict=True):
            # Dynamic indexed values (string, bytes, arrays, tuples) are stored as their hash.
            if _is_dynamic(kind):
                args[name] = topic
            else:
                args[name] = _normalize(kind, decode([kind], topic)[0])
        values = decode([t for _, t in plain], data)
        for (name, kind), value in zip(plain, values, strict=True):
            args[name] = _normalize(kind, value)
        ordered = {name: args[name] for name, _, _ in event.params}
        return event.name, ordered


def _is_dynamic(kind: str) -> bool:
    return kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")

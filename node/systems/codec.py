"""Small helpers shared by the systems' canonical codecs."""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping

from node.systems.base import BadParams


def param_value(
    params: Mapping[str, int], defaults: Mapping[str, int], name: str, lo: int, hi: int
) -> int:
    """One named param (default when absent) checked against [lo, hi]; BadParams names it."""
    value = params.get(name, defaults[name])
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadParams(f"{name}: must be an integer")
    if not lo <= value <= hi:
        raise BadParams(f"{name}: {value} outside [{lo}, {hi}]")
    return value


def params_from_bytes(
    params: bytes,
    layout: struct.Struct,
    defaults: Mapping[str, int],
    encode_params: Callable[[Mapping[str, int]], bytes],
) -> dict[str, int]:
    """Encoded params as named fields (``layout`` packs them in ``defaults``' order), range
    checked by encoding them again; BadParams for the wrong length or a value out of range."""
    if not isinstance(params, bytes | bytearray) or len(params) != layout.size:
        raise BadParams(f"params: expected {layout.size} bytes")
    decoded = dict(zip(defaults, layout.unpack(params), strict=True))
    encode_params(decoded)
    return decoded


def reject_unknown(params: Mapping[str, int], defaults: Mapping[str, int]) -> None:
    """Unknown param names are an error, not silently ignored."""
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise BadParams(f"{unknown[0]}: unknown param (known: {', '.join(defaults)})")


def require(condition: bool, message: str) -> None:
    """Decode-time validity check: malformed state bytes raise ValueError."""
    if not condition:
        raise ValueError(message)


def need_bytes(data: bytes, length: int, what: str) -> None:
    if not isinstance(data, bytes | bytearray):
        raise ValueError(f"{what}: expected bytes")
    if len(data) != length:
        raise ValueError(f"{what}: expected {length} bytes, got {len(data)}")

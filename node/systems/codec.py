"""Small helpers shared by the systems' canonical codecs."""

from __future__ import annotations

from collections.abc import Mapping

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

"""The System protocol: a deterministic match system, byte-identical to its Solidity twin.

A state is an immutable Python value with a canonical byte encoding (docs/protocol/systems.md).
The encoding is self-contained (params, PRNG counter, status), mirroring ISystem.sol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from adapters.plugins import registered

ENTRY_POINT_GROUP = "nets.systems"


class UnknownSystem(LookupError):
    """No system of that name is registered under the `nets.systems` entry points."""


class BadParams(ValueError):
    """System params that are missing, unknown or out of range; the message names the field."""


@runtime_checkable
class System(Protocol):
    """A match system. Implementations are stateless objects; all state lives in `State`."""

    name: str
    system_id: int

    def default_params(self) -> dict[str, int]:
        """Params used when the caller gives none (e.g. width/height/max_steps for snake)."""
        ...

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        """Canonical params bytes as a league stores them on chain; raises BadParams."""
        ...

    def initial_state(self, seed: bytes, params: bytes) -> Any:
        """State at step 0 for a 32-byte match seed and encoded params."""
        ...

    def encode(self, state: Any) -> bytes:
        """Canonical state encoding; keccak256 of it is the state hash."""
        ...

    def decode(self, data: bytes) -> Any:
        """Inverse of encode; raises ValueError for bytes that are not a valid state."""
        ...

    def observe(self, state: Any, abi_version: int) -> bytes:
        """Observation bytes: ABI v0 exactly 8 bytes (big-endian u64), ABI v1 any length."""
        ...

    def to_action(self, state: Any, value: int) -> int | None:
        """Action for decide's i64 result, or None when the system rejects it (invalid_action)."""
        ...

    def step(self, state: Any, action: int) -> Any:
        """State after a valid action; never called on a terminal state."""
        ...

    def forfeit(self, state: Any) -> Any:
        """Terminal state recording a forfeit; its score is the forfeit score."""
        ...

    def is_done(self, state: Any) -> bool: ...

    def score(self, state: Any) -> int:
        """Score of a state as an int64."""
        ...


def available_systems() -> list[str]:
    """Names of every system registered through the `nets.systems` entry points."""
    return sorted(ep.name for ep in registered(ENTRY_POINT_GROUP))


def load_system(name: str) -> System:
    """Instantiate the system registered as ``name``; UnknownSystem lists the valid names."""
    for ep in registered(ENTRY_POINT_GROUP):
        if ep.name == name:
            system = ep.load()()
            if not isinstance(system, System):
                raise UnknownSystem(f"entry point {name!r} does not implement System")
            return system
    raise UnknownSystem(f"unknown system {name!r} (available: {', '.join(available_systems())})")

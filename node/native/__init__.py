"""The native match engine: whole matches in C, byte-identical to the Python reference.

node/native/src holds the C sources (the four systems, keccak-256, SHA-256, the RFC 9162
root and the match loop); `make setup` builds them into libnets_engine.so beside this file.
The agent runs in wasmtime through its C API on the instance node.wasm already keeps, so a
step never returns to Python. docs/protocol/sandbox.md section 4 says why and how.

The names below load node.native.runner (and with it wasmtime) on first use, so the simulator's
trace hashing can use node.native.library alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from node.native.runner import COUNTS, NativeMatch, play, unavailable

__all__ = ["COUNTS", "NativeMatch", "play", "unavailable"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from node.native import runner

    value = globals()[name] = getattr(runner, name)
    return value

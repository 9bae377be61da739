"""The native match engine: whole matches in C, byte-identical to the Python reference.

node/native/src holds the C sources (the four systems, keccak-256, SHA-256, the RFC 9162
root and the match loop); `make setup` builds them into libnets_engine.so beside this file.
The agent runs in wasmtime through its C API on the instance node.wasm already keeps, so a
step never returns to Python. docs/protocol/sandbox.md section 4 says why and how.
"""

from node.native.runner import COUNTS, NativeMatch, play, unavailable

__all__ = ["COUNTS", "NativeMatch", "play", "unavailable"]

"""Numbers of agent profile v1 (docs/protocol/sandbox.md); the on-chain interpreter uses the same."""

from __future__ import annotations

PAGE_SIZE = 65_536
MAX_PAGES = 2
MAX_MODULE_BYTES = 65_536
MAX_LOCALS = 256
"""Params plus declared locals of one function."""
MAX_CALL_DEPTH = 64
"""Functions on the longest path of the (acyclic) call graph."""
MAX_FUNCTIONS = 1_024
"""Functions in the module (wasmtime compile time grows with their number)."""
MAX_CONTROL = 2_048
"""block/loop/if/br/br_if/br_table instructions in the whole module, counted where they are
written (reachable or not): wasmtime compile time grows faster than linearly with them."""
MAX_PROGRAM_BYTES = 114_688
"""The program the on-chain compiler makes of the module (node.wasm.program_size): the one-step
proof carries it, and with the pre-state and the rest of the call it must stay within the
131,072-byte transaction that geth's pool accepts (16 KiB are left for them)."""
DEFAULT_FUEL = 10_000
MAX_FUEL = 20_000
V0_OBSERVATION_BYTES = 8

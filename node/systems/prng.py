"""The shared PRNG: keccak256 draws as Solidity computes them, so both sides draw alike.

keccak256 is node.trace.keccak's, re-exported here for the systems and their tests.
"""

from __future__ import annotations

from node.trace.keccak import keccak256

__all__ = ["FORFEIT_STATUS", "U64_MASK", "as_u64", "draw", "keccak256"]

U64_MASK = (1 << 64) - 1
FORFEIT_STATUS = 0xFF


def draw(seed: bytes, counter: int) -> int:
    """`uint256(keccak256(abi.encode(bytes32 seed, uint256 counter)))`."""
    return int.from_bytes(keccak256(seed + counter.to_bytes(32, "big")), "big")


def as_u64(value: int) -> int:
    """decide's i64 result read as an unsigned u64 (two's complement), as `uint64(int64)` does."""
    return value & U64_MASK

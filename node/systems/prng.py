"""The shared PRNG and hash: keccak256 as Solidity computes it, so both sides draw alike."""

from __future__ import annotations

from Crypto.Hash import keccak as _keccak

U64_MASK = (1 << 64) - 1
FORFEIT_STATUS = 0xFF


def keccak256(data: bytes) -> bytes:
    """keccak256 (the Ethereum variant, not SHA3-256)."""
    return _keccak.new(digest_bits=256, data=data).digest()


def draw(seed: bytes, counter: int) -> int:
    """`uint256(keccak256(abi.encode(bytes32 seed, uint256 counter)))`."""
    return int.from_bytes(keccak256(seed + counter.to_bytes(32, "big")), "big")


def as_u64(value: int) -> int:
    """decide's i64 result read as an unsigned u64 (two's complement), as `uint64(int64)` does."""
    return value & U64_MASK

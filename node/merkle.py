"""RFC 9162 (Certificate Transparency v2) Merkle trees over SHA-256.

Roots come from pymerkle, the reference the Solidity library is tested against. Inclusion
proofs use RFC 9162's audit-path form (siblings from the leaf upwards, 0-based leaf index),
which is what the contract verifies; pymerkle's own proof objects carry extra bookkeeping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """Hash of one leaf: sha256(0x00 || entry)."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: sha256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """Size of the left subtree: the largest power of two strictly below ``size``."""
    if size < 2:
        raise ValueError("a split needs at least two leaves")
    return 1 << ((size - 1).bit_length() - 1)


def merkle_root(entries: Sequence[bytes]) -> bytes:
    """RFC 9162 root of ``entries`` computed by pymerkle (sha256 of nothing when empty)."""
    if not entries:
        return EMPTY_ROOT
    from pymerkle import InmemoryTree  # imported here: the trace writer needs node_hash only

    tree = InmemoryTree(algorithm="sha256")
    for entry in entries:
        tree.append_entry(entry)
    return tree.get_root()


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """RFC 9162 root over already-hashed leaves (MTH), iterative and allocation-light."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    # Folding pairs level by level yields the same tree as RFC 9162's recursive split:
    # an odd node at the end of a level is promoted unchanged.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_proof(entries: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 9162 audit path for leaf ``index`` (0-based): sibling hashes from the leaf up."""
    if not 0 <= index < len(entries):
        raise IndexError(f"leaf index {index} out of range for a tree of {len(entries)}")
    return _path(index, [leaf_hash(entry) for entry in entries])


def _path(index: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    k = split_point(len(hashes))
    if index < k:
        return [*_path(index, hashes[:k]), root_from_leaf_hashes(hashes[k:])]
    return [*_path(index - k, hashes[k:]), root_from_leaf_hashes(hashes[:k])]


def root_from_proof(entry: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """Root implied by an inclusion proof (RFC 9162 section 2.1.3.2), or None if malformed."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    node = leaf_hash(entry)
    for sibling in proof:
        if len(sibling) != 32 or sn == 0:
            return None
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return node if sn == 0 else None


def verify_inclusion(
    entry: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True iff ``proof`` shows ``entry`` at ``index`` in the tree of ``size`` with ``root``."""
    return root_from_proof(entry, index, size, proof) == root

"""Match trace roots and claim roots: RFC 9162 SHA-256 roots over encoded leaves.

The roots are computed from leaf hashes with node.merkle.root_from_leaf_hashes, which a
test holds equal to pymerkle's (node.merkle.merkle_root) and is several times faster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from node.merkle import leaf_hash, root_from_leaf_hashes
from node.trace.entries import MatchSummary, StepEntry


def root_of_leaves(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 root over encoded leaves (sha256 of nothing when there are none)."""
    return root_from_leaf_hashes([leaf_hash(leaf) for leaf in leaves])


def trace_root(entries: Iterable[StepEntry]) -> bytes:
    """Match trace root: the RFC 9162 root over the encoded step entries in step order."""
    return root_of_leaves([entry.encode() for entry in entries])


def claim_root(summaries: Iterable[MatchSummary]) -> bytes:
    """Claim root: the RFC 9162 root over the encoded match summaries in match order."""
    return root_of_leaves([summary.encode() for summary in summaries])

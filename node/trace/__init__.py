"""Trace format v1: step entries, match summaries, their RFC 9162 roots and proofs."""

from node.trace.entries import (
    MATCH_SUMMARY_SIZE,
    STEP_ENTRY_SIZE,
    MatchSummary,
    StepEntry,
    pack_step_entry,
)
from node.trace.keccak import keccak256
from node.trace.proofs import InclusionProof, prove_leaf
from node.trace.roots import claim_root, root_of_leaves, trace_root
from node.trace.seed import match_seed

__all__ = [
    "MATCH_SUMMARY_SIZE",
    "STEP_ENTRY_SIZE",
    "InclusionProof",
    "MatchSummary",
    "StepEntry",
    "claim_root",
    "keccak256",
    "match_seed",
    "pack_step_entry",
    "prove_leaf",
    "root_of_leaves",
    "trace_root",
]

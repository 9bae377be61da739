"""Trace format v1: step entries, match summaries, their RFC 9162 roots and proofs.

The names below load on first use (PEP 562): importing one submodule, e.g. node.trace.seed for
a constant, does not pay for keccak (pycryptodome) and the proof code.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "MATCH_SUMMARY_SIZE": "entries",
    "STEP_ENTRY_SIZE": "entries",
    "MatchSummary": "entries",
    "StepEntry": "entries",
    "pack_step_entry": "entries",
    "keccak256": "keccak",
    "InclusionProof": "proofs",
    "prove_leaf": "proofs",
    "claim_root": "roots",
    "root_of_leaves": "roots",
    "trace_root": "roots",
    "match_seed": "seed",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

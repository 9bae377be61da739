"""Anchoring a run's trace root on chain (TraceAnchor) and reading it back.

The scenario hash is keccak256 of the resolved scenario as canonical JSON (sorted keys, no
spaces; overrides and the seed applied), so an anchor names exactly what a replay must run.
"""

from __future__ import annotations

import json
from typing import Any

from node.sim.chain.ops import AnchorInfo, sim_contracts
from node.sim.scenario import Resolved
from node.trace import keccak256


def scenario_hash(resolved: Resolved) -> bytes:
    """keccak256 of the resolved scenario's canonical JSON."""
    data = resolved.scenario.model_dump(mode="json")
    return keccak256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def anchor_root(adapter: Any, root: bytes, scenario: bytes, seed: int) -> AnchorInfo:
    """Deploy a TraceAnchor on ``adapter`` and anchor ``root`` there; returns the record."""
    return sim_contracts(adapter).deploy_anchor().anchor(root, scenario, seed)

"""private_commerce in the shape of Nanda Town's cross-layer scenario: its plugin names, its
12 agents, its commerce_* validators, and the discrimination property on every seed tried:
one layer swap flips exactly its validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.sim import engine, scenario
from node.sim.validators import validate_file

SWAPS = {
    "": set[str](),
    "layers.privacy=noop": {"commerce_bid_opacity"},
    "layers.trust=score_average": {"commerce_undelivered_penalized"},
    "layers.registry=in_memory": {"commerce_discovery_precedes_bid"},
}


def failing(tmp_path: Path, seed: int, swap: str) -> set[str]:
    trace = tmp_path / f"pc-{seed}-{swap or 'base'}.jsonl"
    overrides = [swap] if swap else []
    engine.run(scenario.load("private_commerce", overrides=overrides, seed=seed), trace)
    return {v.name for v in validate_file(trace).verdicts if not v.passed}


def test_the_shape_and_names_are_nanda_towns() -> None:
    resolved = scenario.load("private_commerce")
    layers = resolved.scenario.layers
    assert (layers.privacy, layers.trust, layers.payments, layers.registry) == (
        "hybrid_x25519",
        "agent_receipts",
        "streaming_payments",
        "gossip_registry",
    )
    counts = {r.name: n for r, n in resolved.roles}
    assert counts == {"buyer": 5, "seller": 4, "shill_seller": 1, "shill": 1, "auditor": 1}
    assert sum(counts.values()) == 12


@pytest.mark.parametrize("seed", [1, 7, 13, 42])
@pytest.mark.parametrize("swap", list(SWAPS))
def test_one_layer_swap_flips_exactly_its_validator(tmp_path: Path, seed: int, swap: str) -> None:
    assert failing(tmp_path, seed, swap) == SWAPS[swap]


def test_the_adversary_has_exactly_one_victim(tmp_path: Path) -> None:
    trace = tmp_path / "pc.jsonl"
    engine.run(scenario.load("private_commerce"), trace)
    text = trace.read_text()
    bids_to_shill = {
        line.split('"agent":"')[1].split('"')[0]
        for line in text.splitlines()
        if '"event":"bid"' in line and '"to":"shill_seller-0"' in line
    }
    assert bids_to_shill == {"buyer-4"}

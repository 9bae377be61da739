"""Every failure kind is applied, at the configured rate, and only where configured."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from node.sim import engine, scenario
from tests.sim.conftest import make, run_lines


@pytest.mark.parametrize(("rate", "seed"), [(0.05, 1), (0.2, 2), (0.5, 3)])
def test_message_drop_rate_is_binomial(rate: float, seed: int) -> None:
    data = make("gossip", 2000, seed=seed, failures={"message_drop": rate})
    data["task"]["config"] = {"fanout": 4, "rounds": 3, "seeds": 20}
    result = engine.run(scenario.validate(data), None, keep_trace=False)
    n = result.sent
    lost = result.dropped.get("loss", 0)
    sigma = math.sqrt(n * rate * (1 - rate))
    assert n > 5000
    assert abs(lost - n * rate) < 5 * sigma, (lost, n * rate, sigma)
    assert result.delivered + lost == n


def test_no_drops_when_rate_is_zero() -> None:
    result = engine.run(scenario.validate(make("gossip", 500)), None, keep_trace=False)
    assert result.dropped == {}
    assert result.delivered == result.sent


@pytest.mark.parametrize(
    ("count", "fraction", "expected"), [(100, 0.1, 10), (37, 0.25, 9), (10, 0.01, 1)]
)
def test_byzantine_share_and_only_they_garble(
    tmp_path: Path, count: int, fraction: float, expected: int
) -> None:
    data = make("gossip", count, failures={"byzantine_agents": fraction})
    data["task"]["config"] = {"fanout": 3, "rounds": 4, "seeds": count // 2}
    result, lines = run_lines(data, tmp_path / "b.jsonl")
    byz = {ln["agent"] for ln in lines if ln["kind"] == "start" and ln.get("byzantine")}
    assert len(byz) == expected == result.metrics["byzantine_count"]
    sends = [ln for ln in lines if ln["kind"] == "send"]
    for ln in sends:
        assert bool(ln.get("garbled")) == (ln["agent"] in byz)
    garbled = [ln for ln in sends if ln.get("garbled")]
    assert garbled, "byzantine agents must have sent something"
    # garbled payloads are random bytes of the original length, so (almost) never the rumor
    assert sum(ln.get("msg") == "rumor" for ln in garbled) == 0


def test_garbled_signed_rumors_are_rejected() -> None:
    data = make("gossip", 200, failures={"byzantine_agents": 0.2})
    data["task"]["config"] = {"fanout": 3, "rounds": 2, "seeds": 5, "sign": True}
    result = engine.run(scenario.validate(data), None, keep_trace=False)
    assert (result.metrics["rejected"] or 0) > 0
    assert (result.metrics["coverage"] or 0) > 0.9  # honest paths still reach nearly everyone


def test_partition_drops_cross_group_until_heal(tmp_path: Path) -> None:
    groups = [[f"ping-{i}" for i in range(5)], [f"pong-{i}" for i in range(5)]]
    data = make(
        "pingpong",
        10,
        failures={"network_partition": {"groups": groups, "heal_at": 50}},
    )
    data["task"]["config"] = {"rounds": 3, "timeout": 4}
    result, lines = run_lines(data, tmp_path / "p.jsonl")
    drops = [ln for ln in lines if ln["kind"] == "drop"]
    assert drops
    assert all(ln["reason"] == "partition" and ln["t"] < 50 for ln in drops)
    heal = [ln for ln in lines if ln["kind"] == "heal"]
    assert [h["t"] for h in heal] == [50]
    assert not any(ln["kind"] == "receive" and ln["t"] < 50 for ln in lines)
    assert result.metrics["completion_rate"] == 1.0  # retries after the heal get through


def test_partition_spares_agents_outside_groups_and_heal_spellings(tmp_path: Path) -> None:
    data = make(
        "pingpong",
        4,
        failures={
            "network_partition": {"groups": [["ping-0"], ["pong-1"]], "heal_after_ticks": 30}
        },
    )
    result, lines = run_lines(data, tmp_path / "q.jsonl")
    # ping-0 talks to pong-0, which is in no group: nothing is partitioned
    assert result.dropped == {}
    assert [ln["t"] for ln in lines if ln["kind"] == "heal"] == [30]
    alt = make(
        "pingpong",
        4,
        failures={
            "network_partition": {"groups": [["ping-0"], ["pong-0"]]},
            "partition_heal_at_tick": 9,
        },
    )
    assert scenario.validate(alt).scenario.failures.heal_at == 9


def test_partition_without_heal_stays() -> None:
    groups = [["ping-0"], ["pong-0"]]
    data = make("pingpong", 2, failures={"network_partition": {"groups": groups}})
    result = engine.run(scenario.validate(data), None, keep_trace=False)
    assert result.delivered == 0
    assert result.metrics["completion_rate"] == 0.0

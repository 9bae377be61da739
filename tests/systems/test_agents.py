"""The example agents in scenarios/agents/: inside profile v1, full matches without forfeits,
decisions well within the default fuel, and the good agent beats the simple ones on average.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import pytest

from adapters.toolchain import PROJECT_ROOT
from node.match import run_match
from node.systems.base import load_system
from node.wasm import DEFAULT_FUEL, AgentProgram, Decision, load_agent_file

AGENTS = PROJECT_ROOT / "scenarios" / "agents"
# (system, good agent, simple agents, expected ABI of each)
ROSTER = {
    "snake": ("greedy_v1", ("simple_v0", "nets_guest_v0")),
    "rps": ("pattern_v1", ("beat_last_v0",)),
    "connect4": ("tactics_v1", ("leftmost_v0",)),
    "predict": ("hypotheses_v1", ("repeat_last_v0",)),
}
SEEDS = 8
FUEL_CEILING = 7_000  # "well within" the 10,000 default


@dataclass
class FuelMeter:
    """Passes decisions through and remembers the most fuel one decision used."""

    program: AgentProgram
    most: int = field(default=0)

    @property
    def abi(self) -> int | None:
        return self.program.abi

    def decide(self, observation: bytes, fuel: int) -> Decision:
        decision = self.program.decide(observation, fuel)
        self.most = max(self.most, decision.fuel_used)
        return decision


def _program(system: str, agent: str) -> AgentProgram:
    return AgentProgram.load(load_agent_file(AGENTS / system / f"{agent}.wat"))


def _mean_score(system_name: str, agent: str) -> float:
    system = load_system(system_name)
    meter = FuelMeter(_program(system_name, agent))
    params = system.encode_params(system.default_params())
    scores = []
    for i in range(SEEDS):
        result = run_match(system, meter, i.to_bytes(32, "big"), params, DEFAULT_FUEL)
        assert result.outcome == 0, f"{system_name}/{agent} forfeited seed {i}: {result.outcome}"
        assert system.is_done(result.final_state)
        scores.append(result.score)
    assert meter.most <= FUEL_CEILING, f"{system_name}/{agent} used {meter.most} fuel"
    return statistics.mean(scores)


@pytest.mark.parametrize(
    ("system", "agent"),
    [(s, a) for s, (good, simple) in ROSTER.items() for a in (good, *simple)],
)
def test_agent_is_inside_profile_v1_with_the_named_abi(system: str, agent: str) -> None:
    program = _program(system, agent)
    assert program.valid, program.invalid_reason
    assert program.abi == int(agent[-1])


@pytest.mark.parametrize("system", sorted(ROSTER))
def test_good_agent_beats_the_simple_ones(system: str) -> None:
    good, simple = ROSTER[system]
    good_mean = _mean_score(system, good)
    for agent in simple:
        assert good_mean > _mean_score(system, agent), f"{good} vs {agent}"


def test_nets_guest_agent_reads_head_and_apple_from_the_low_32_bits() -> None:
    program = _program("snake", "nets_guest_v0")
    # head (10, 10), apple (5, 10): go left (2); head (10, 3), apple (10, 9): go down (1)
    for head, apple, expected in (((10, 10), (5, 10), 2), ((10, 3), (10, 9), 1)):
        obs = (20 << 48) | (20 << 40) | (3 << 32) | head[0] << 24 | head[1] << 16
        obs |= apple[0] << 8 | apple[1]
        assert program.decide(obs.to_bytes(8, "big"), DEFAULT_FUEL).value == expected

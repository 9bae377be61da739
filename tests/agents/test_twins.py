"""Rust agents and their WAT twins decide alike, decision for decision, on varied params:
the benchmark in docs/benchmarks/wasm.md compares like with like."""

from __future__ import annotations

import random

from adapters.toolchain import PROJECT_ROOT
from node.agents.build import build
from node.systems.base import load_system
from node.wasm import MAX_FUEL, AgentProgram, Outcome, load_agent_file
from tests.agents.conftest import need_toolchain

PREDICT = PROJECT_ROOT / "scenarios" / "agents" / "predict"


def test_hypotheses_in_rust_decides_as_its_wat_twin() -> None:
    need_toolchain("rust")
    rust = build(PREDICT / "hypotheses_v1.rs").program
    wat = AgentProgram.load(load_agent_file(PREDICT / "hypotheses_v1.wat"))
    assert rust.abi == wat.abi == 1
    system = load_system("predict")
    rng = random.Random("twins")
    decisions = 0
    for _ in range(12):
        params = {"length": 40, "noise": rng.choice((0, 5, 50)), "history": rng.randint(2, 32)}
        state = system.initial_state(rng.randbytes(32), system.encode_params(params))
        while not system.is_done(state):
            observation = system.observe(state, 1)
            mine, theirs = rust.decide(observation, MAX_FUEL), wat.decide(observation, MAX_FUEL)
            assert mine.outcome == theirs.outcome == Outcome.OK
            assert mine.value == theirs.value, (params, observation.hex())
            action = system.to_action(state, mine.value)
            assert action is not None
            state = system.step(state, action)
            decisions += 1
    assert decisions == 12 * 40

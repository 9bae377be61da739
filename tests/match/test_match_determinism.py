"""Determinism: the same seeds give the same roots in two runs and in another process.

Each system plays 100 random seeds with its good agent on short params (the rules, not the
length, are what could drift). The other process gets a different PYTHONHASHSEED, so any
dependence on set or dict ordering would show.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from node.match import run_match
from node.systems.base import load_system
from node.wasm import AgentProgram, load_agent_file
from tests.fresh import run_python

REPO = Path(__file__).resolve().parents[2]
GOOD_AGENTS = {
    "snake": ("greedy_v1.wat", {"width": 12, "height": 12, "max_steps": 20}),
    "rps": ("pattern_v1.wat", {"rounds": 12}),
    "connect4": ("tactics_v1.wat", {}),
    "predict": ("hypotheses_v1.wat", {"length": 12}),
}
SEEDS = 100
Job = tuple[str, str, dict[str, int], list[str]]


def jobs() -> list[Job]:
    result: list[Job] = []
    for name, (agent, params) in sorted(GOOD_AGENTS.items()):
        rng = random.Random(f"determinism-{name}")
        seeds = [rng.randbytes(32).hex() for _ in range(SEEDS)]
        result.append((name, str(REPO / "scenarios" / "agents" / name / agent), params, seeds))
    return result


def roots(job: Job) -> list[list[object]]:
    """(trace root, steps, score, outcome) of every seed of ``job``."""
    name, agent, params, seeds = job
    system = load_system(name)
    encoded = system.encode_params(system.default_params() | params)
    program = AgentProgram.load(load_agent_file(agent))
    out: list[list[object]] = []
    for seed in seeds:
        result = run_match(system, program, bytes.fromhex(seed), encoded, 10_000)
        out.append([result.trace_root.hex(), result.steps, result.score, result.outcome])
    return out


CHILD = """
import json, sys
from tests.match.test_match_determinism import jobs, roots
print(json.dumps({job[0]: roots(job) for job in jobs()}))
"""


@pytest.fixture(scope="module")
def other_process_roots() -> dict[str, list[list[object]]]:
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(REPO))
    completed = run_python(CHILD, env=env, timeout=240)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize("job", jobs(), ids=lambda job: job[0])
def test_same_seeds_same_roots_across_runs_and_processes(
    job: Job, other_process_roots: dict[str, list[list[object]]]
) -> None:
    first = roots(job)
    assert roots(job) == first
    assert other_process_roots[job[0]] == first
    assert len(first) == SEEDS
    assert len({root for root, *_ in first}) > SEEDS // 2, "seeds should change the trace"
    assert all(outcome == 0 for *_, outcome in first), "the good agent never forfeits"

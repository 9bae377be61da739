"""Python systems against their Solidity twins on anvil: identical state hashes at every step,
identical observations (both ABIs) and scores, for >= 200 random (seed, action sequence) pairs
per system. One eth_call replays a whole match (SystemReplay.sol).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from adapters.arena_ops import SYSTEM_CONTRACTS
from node.systems.base import System, load_system
from tests.systems.conftest import Deployed
from tests.systems.replay import (
    Policy,
    connect4_mostly_valid,
    policy_values,
    random_value,
    replay,
    snake_cycle,
    snake_greedy,
)

pytestmark = pytest.mark.anvil
CASES = 200


def _snake_case(rng: random.Random) -> tuple[dict[str, int], Policy]:
    if rng.random() < 0.1:  # a Hamiltonian cycle fills the board: exercises BOARD_FULL
        return {"width": rng.choice((6, 8)), "height": 4, "max_steps": 1500}, snake_cycle
    params = {
        "width": rng.randint(4, 24),
        "height": rng.randint(4, 24),
        "max_steps": rng.choice((1, 5, 50, 200)),
    }
    if rng.random() < 0.3:  # nets v0's start (length 1), or any length the row allows
        params["initial_length"] = rng.choice((1, 1, rng.randint(1, params["width"] // 2 + 1)))
    return params, rng.choice((snake_greedy, snake_greedy, random_value))


def _rps_case(rng: random.Random) -> tuple[dict[str, int], Policy]:
    return {"rounds": rng.choice((1, 7, 30)), "history": rng.randint(1, 32)}, random_value


def _connect4_case(rng: random.Random) -> tuple[dict[str, int], Policy]:
    params = {"first": rng.randint(0, 2), "noise": rng.choice((0, 20, 100))}
    return params, rng.choice((connect4_mostly_valid, connect4_mostly_valid, random_value))


def _predict_case(rng: random.Random) -> tuple[dict[str, int], Policy]:
    params = {
        "length": rng.choice((1, 10, 30)),
        "noise": rng.choice((0, 5, 50)),
        "history": rng.randint(2, 32),
    }
    return params, random_value


CASE_MAKERS: dict[str, Callable[[random.Random], tuple[dict[str, int], Policy]]] = {
    "snake": _snake_case,
    "rps": _rps_case,
    "connect4": _connect4_case,
    "predict": _predict_case,
}


@pytest.mark.parametrize("name", sorted(SYSTEM_CONTRACTS))
def test_python_and_solidity_agree_step_by_step(deployed: Deployed, name: str) -> None:
    if name not in deployed.systems:
        pytest.fail(f"{SYSTEM_CONTRACTS[name]} missing from contracts/src/systems")
    system: System = load_system(name)
    contract = deployed.systems[name]
    rng = random.Random(f"differential-{name}")
    total_steps = 0
    for case in range(CASES):
        params, policy = CASE_MAKERS[name](rng)
        encoded = system.encode_params(params)
        seed = rng.randbytes(32)
        values = policy_values(system, seed, encoded, policy, rng, limit=3000)
        expected = replay(system, seed, encoded, values)
        hashes, observations, scores = deployed.replay.functions.replay(
            contract.address, seed, encoded, values
        ).call({"gas": 1_000_000_000})
        where = f"{name} case {case} params {params} seed {seed.hex()}"
        assert [bytes(h) for h in hashes] == expected.hashes, where
        assert [bytes(o) for o in observations] == expected.observations, where
        assert list(scores) == expected.scores, where
        total_steps += len(expected.hashes) - 1
    assert total_steps >= CASES

"""The entry price of declared locals on the contract: random call mixes (callees of 0-255
locals and 0-4 params, decide's own locals, repeated by the observation) under budgets at,
around and below the exact consumption agree with the sandbox, fuel_used included; and the
costliest shapes of scripts/bench_proof.py agree at the maximum fuel."""

from __future__ import annotations

import random

import pytest
from wasm_fuzz import Batch, sandbox

from adapters.anvil import Anvil
from node.wasm import AgentProgram
from node.wasm.limits import MAX_FUEL, MAX_LOCALS
from node.wasm.shapes import FIXTURES, SHAPES, entry_priced

pytestmark = pytest.mark.anvil


@pytest.fixture(scope="module")
def batch(anvil: Anvil) -> Batch:
    return Batch(anvil.url)


def _cases(seed: int, count: int) -> list[tuple[bytes, bytes, int]]:
    rng = random.Random(seed)
    out: list[tuple[bytes, bytes, int]] = []
    for _ in range(count):
        callees = [
            (rng.randint(0, 4), rng.choice([0, 31, 32, 33, 64, rng.randint(0, MAX_LOCALS - 4)]))
            for _ in range(rng.randint(1, 4))
        ]
        picks = [rng.randrange(len(callees)) for _ in range(rng.randint(1, 6))]
        code = entry_priced(rng.randint(0, MAX_LOCALS - 3), callees, picks)
        obs = rng.randint(0, 40).to_bytes(8, "big")
        full = AgentProgram.load(code).reference(obs, MAX_FUEL)[2]
        budgets = {0, 1, full - 1, full, full + 1, rng.randint(0, full)}
        out += [(code, obs, b) for b in sorted(budgets) if 0 <= b <= MAX_FUEL]
    return out


def test_random_call_mixes_agree(batch: Batch) -> None:
    cases = _cases(seed=12, count=40)
    got = batch.decide_many(cases)
    wrong = [
        f"case {i} fuel={fuel}: sandbox {sandbox(code, obs, fuel)} != chain {result}"
        for i, ((code, obs, fuel), result) in enumerate(zip(cases, got, strict=True))
        if result is None or result[0] != sandbox(code, obs, fuel)
    ]
    assert not wrong, "\n".join(wrong[:10])


def test_costliest_shapes_agree_at_max_fuel(batch: Batch) -> None:
    obs = (7).to_bytes(8, "big")
    cases = [(SHAPES[name](), obs, MAX_FUEL) for name in FIXTURES]
    got = batch.decide_many(cases)
    for (code, _, _), name, result in zip(cases, FIXTURES, got, strict=True):
        assert result is not None, name
        assert result[0] == sandbox(code, obs, MAX_FUEL), name

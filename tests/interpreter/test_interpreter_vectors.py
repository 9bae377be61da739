"""The sandbox's test vectors (tests/wasm/vectors/sandbox_vectors.json) on the contract.

The sandbox publishes every integer opcode on edge operands, loads/stores at the memory
edges, control flow, ABI v1, fuel budgets around the exact consumption and every hostile
agent, each decision computed by wasmtime and its reference interpreter. The contract must
accept exactly the valid modules and reproduce every decision.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wasm_fuzz import Batch, Outcome3

from adapters.anvil import Anvil

pytestmark = pytest.mark.anvil

VECTORS = Path(__file__).resolve().parents[1] / "wasm" / "vectors" / "sandbox_vectors.json"


def _modules() -> list[dict[str, object]]:
    if not VECTORS.exists():
        pytest.skip("sandbox vectors not present")
    return json.loads(VECTORS.read_text())["modules"]


@pytest.fixture(scope="module")
def batch(anvil: Anvil) -> Batch:
    return Batch(anvil.url)


def test_acceptance_matches_the_vectors(batch: Batch) -> None:
    modules = _modules()
    codes = [bytes.fromhex(str(m["code"])[2:]) for m in modules]
    got = batch.inspect_many(codes)
    wrong = [
        f"{m['name']}: vector valid={m['valid']} abi={m['abi']}, chain {result}"
        for m, result in zip(modules, got, strict=True)
        if result is None or result[0] != m["valid"] or (m["valid"] and result[1] != m["abi"])
    ]
    assert not wrong, "\n".join(wrong[:10])


def test_decisions_match_the_vectors(batch: Batch) -> None:
    cases: list[tuple[bytes, bytes, int]] = []
    expected: list[tuple[str, Outcome3]] = []
    for module in _modules():
        code = bytes.fromhex(str(module["code"])[2:])
        decisions = module["decisions"]
        assert isinstance(decisions, list)
        for d in decisions:
            cases.append((code, bytes.fromhex(d["observation"][2:]), int(d["fuel"])))
            result = Outcome3(int(d["outcome"]), int(d["value"]), int(d["fuel_used"]))
            expected.append((str(module["name"]), result))
    assert len(cases) > 100
    got = batch.decide_many(cases)
    wrong = [
        f"{name} obs={case[1].hex()} fuel={case[2]}: vector {want} != chain {have}"
        for case, (name, want), have in zip(cases, expected, got, strict=True)
        if have is None or have[0] != want
    ]
    assert not wrong, "\n".join(wrong[:10])

"""The committed interpreter test vectors are exactly what the sandbox computes today."""

from __future__ import annotations

import json
from pathlib import Path

from node.wasm import AgentProgram, Outcome
from node.wasm.vectors import build

VECTORS = Path(__file__).parent / "vectors" / "sandbox_vectors.json"


def test_vectors_are_current() -> None:
    committed = json.loads(VECTORS.read_text())
    assert committed == json.loads(json.dumps(build())), (
        "regenerate: python -m node.wasm.vectors tests/wasm/vectors/sandbox_vectors.json"
    )


def test_vectors_cover_every_outcome_the_sandbox_produces() -> None:
    modules = json.loads(VECTORS.read_text())["modules"]
    outcomes = {d["outcome"] for m in modules for d in m["decisions"]}
    assert outcomes == {Outcome.OK, Outcome.TRAP, Outcome.OUT_OF_FUEL, Outcome.INVALID_MODULE}
    for module in modules[:5]:
        program = AgentProgram.load(bytes.fromhex(module["code"][2:]))
        assert program.valid == module["valid"]

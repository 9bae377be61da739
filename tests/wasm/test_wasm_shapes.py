"""The hostile shapes of the proof bound: all inside the profile, and the modules ProofBoundTest
proves (contracts/test/wasm/shapes/) are what `python -m node.wasm.shapes` writes today."""

from __future__ import annotations

import pytest

from node.wasm import AgentProgram
from node.wasm.limits import MAX_PROGRAM_BYTES
from node.wasm.shapes import FIXTURE_DIR, SHAPES, fixtures
from node.wasm.validator import Module, parse_module


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_is_registrable(name: str) -> None:
    program = AgentProgram.load(SHAPES[name]())
    assert program.valid, program.invalid_reason


def test_fixtures_are_fresh() -> None:
    stale = [
        name
        for name, code in fixtures().items()
        if not (FIXTURE_DIR / name).exists() or (FIXTURE_DIR / name).read_bytes() != code
    ]
    assert not stale, f"regenerate with: python -m node.wasm.shapes ({stale})"


def test_full_fixtures_fill_the_program() -> None:
    from node.wasm.program_size import program_size

    for name, code in fixtures().items():
        if name.endswith("_full.wasm"):
            module = parse_module(code)
            assert isinstance(module, Module)
            size = program_size(module.functions, module.globals, module.data)
            assert MAX_PROGRAM_BYTES - 64 <= size <= MAX_PROGRAM_BYTES, (name, size)

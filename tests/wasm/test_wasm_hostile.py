"""Every hostile agent ends in its expected outcome and never crashes the host (fuel and the
module limits bound the work; how long it takes is measured by scripts/bench_wasm.py --hostile)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from node.wasm import AgentProgram, Outcome, load_agent_file

HOSTILE = Path(__file__).resolve().parents[2] / "scenarios" / "agents" / "hostile"
FUEL = 10_000

EXPECTED_FILES = {
    "infinite_loop.wat": Outcome.OUT_OF_FUEL,
    "trap_unreachable.wat": Outcome.TRAP,
    "oob_load.wat": Outcome.TRAP,
    "div_by_zero.wat": Outcome.TRAP,
    "obs_ptr_out_of_bounds.wat": Outcome.TRAP,
    "memory_bomb.wat": Outcome.INVALID_MODULE,
    "memory_hog.wat": Outcome.INVALID_MODULE,
    "deep_recursion.wat": Outcome.INVALID_MODULE,
    "missing_export.wat": Outcome.INVALID_MODULE,
    "wrong_signature.wat": Outcome.INVALID_MODULE,
    "imports.wat": Outcome.INVALID_MODULE,
    "floats.wat": Outcome.INVALID_MODULE,
    "start_function.wat": Outcome.INVALID_MODULE,
    "call_indirect.wat": Outcome.INVALID_MODULE,
    "malformed.wasm": Outcome.INVALID_MODULE,
}
EXPECTED_GENERATED = {
    "compile_bomb": Outcome.INVALID_MODULE,
    "many_functions": Outcome.INVALID_MODULE,
    "oversized": Outcome.INVALID_MODULE,
    "straight_line_overrun": Outcome.OUT_OF_FUEL,
    "long_call_chain": Outcome.INVALID_MODULE,
    "deep_nesting": Outcome.OK,
    "huge_br_table": Outcome.OK,
    "program_bomb": Outcome.INVALID_MODULE,
}


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decide_once(code: bytes) -> tuple[AgentProgram, Outcome, int]:
    program = AgentProgram.load(code)
    observation = b"hello" if program.abi == 1 else bytes(8)
    decision = program.decide(observation, FUEL)
    if decision.outcome is Outcome.INVALID_MODULE:
        assert program.invalid_reason
    else:
        assert (decision.outcome, decision.value, decision.fuel_used) == program.reference(
            observation, FUEL
        )
    return program, decision.outcome, decision.value


def test_every_file_is_listed() -> None:
    on_disk = {p.name for p in HOSTILE.iterdir() if p.suffix in (".wat", ".wasm")}
    assert on_disk == set(EXPECTED_FILES)
    readme = (HOSTILE / "README.md").read_text()
    for agent in [*EXPECTED_FILES, *EXPECTED_GENERATED]:
        assert f"`{agent}`" in readme


@pytest.mark.parametrize(("filename", "expected"), EXPECTED_FILES.items())
def test_hostile_file(filename: str, expected: Outcome) -> None:
    _, outcome, _ = decide_once(load_agent_file(HOSTILE / filename))
    assert outcome is expected


@pytest.mark.parametrize(("agent", "expected"), EXPECTED_GENERATED.items())
def test_hostile_generated(agent: str, expected: Outcome) -> None:
    make: Callable[[], bytes] = generator().GENERATED[agent]
    _, outcome, value = decide_once(make())
    assert outcome is expected
    if outcome is Outcome.OK:
        assert value == 0


def test_generator_writes_wasm_files(tmp_path: Path) -> None:
    assert generator().main([str(tmp_path)]) == 0
    assert {p.stem for p in tmp_path.iterdir()} == set(EXPECTED_GENERATED)


def test_out_of_fuel_reports_the_budget() -> None:
    program = AgentProgram.load(load_agent_file(HOSTILE / "infinite_loop.wat"))
    for budget in (0, 1, 7, 20_000):
        decision = program.decide(bytes(8), budget)
        assert (decision.outcome, decision.fuel_used) == (Outcome.OUT_OF_FUEL, budget)

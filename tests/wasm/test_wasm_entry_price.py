"""The entry price of declared locals (sandbox.md 2.1): wasmtime, metered by node.wasm.meter,
consumes exactly what the reference interpreter charges, for every outcome and budget."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from node.wasm import AgentProgram
from node.wasm.limits import MAX_LOCALS
from node.wasm.meter import EXTRA_UNIT, meter_entries
from node.wasm.opcodes import entry_cost
from node.wasm.shapes import calls, entry_priced
from node.wasm.validator import Module, parse_module


def _u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def test_entry_cost_rule() -> None:
    assert [entry_cost(n) for n in (0, 1, 31, 32, 63, 64, 255)] == [1, 1, 1, 2, 2, 3, 8]


def test_a_255_local_call_costs_9() -> None:
    """One `call` of a 255-local callee: the instruction 1, its entry 1 + 7."""
    program = AgentProgram.load(entry_priced(0, [(0, 255)], [0]))
    one = program.reference(_u64(1), 20_000)[2]
    two = program.reference(_u64(2), 20_000)[2]
    per_iteration = two - one
    unpriced = AgentProgram.load(entry_priced(0, [(0, 0)], [0]))
    base = unpriced.reference(_u64(2), 20_000)[2] - unpriced.reference(_u64(1), 20_000)[2]
    assert per_iteration - base == 7


def test_meter_adds_the_extra_units_only_where_owed() -> None:
    code = entry_priced(40, [(0, 31), (2, 32), (1, MAX_LOCALS - 1)], [0, 1, 2])
    metered = meter_entries(code, _module(code))
    assert len(metered) - len(code) == len(EXTRA_UNIT) * (1 + 0 + 1 + 7)
    assert _module(metered).functions  # still inside the profile
    plain = calls(0)
    assert meter_entries(plain, _module(plain)) == plain


def _module(code: bytes) -> Module:
    module = parse_module(code)
    assert isinstance(module, Module)
    return module


callee = st.tuples(st.integers(0, 4), st.integers(0, MAX_LOCALS - 4))


@settings(max_examples=60, deadline=None)
@given(
    decide_locals=st.integers(0, MAX_LOCALS - 3),
    callees=st.lists(callee, min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), min_size=1, max_size=6),
    repeat=st.integers(0, 12),
    cut=st.integers(0, 1_000),
)
def test_wasmtime_agrees_with_the_reference(
    decide_locals: int, callees: list[tuple[int, int]], picks: list[int], repeat: int, cut: int
) -> None:
    code = entry_priced(decide_locals, callees, [p % len(callees) for p in picks])
    program = AgentProgram.load(code)
    assert program.valid, program.invalid_reason
    obs = _u64(repeat)
    full = program.reference(obs, 20_000)[2]
    for budget in {0, 1, full - 1, full, full + 1, min(cut, 20_000), max(full - cut, 0)}:
        if 0 <= budget <= 20_000:
            decision = program.decide(obs, budget)
            got = (int(decision.outcome), decision.value, decision.fuel_used)
            assert got == program.reference(obs, budget), (budget, full)

"""Pins the fuel table opcode by opcode: wasmtime, the reference interpreter and the model agree.

Each case is a tiny v0 agent whose body executes the opcode once. The expected number is
written out: 1 for the invocation, plus 1 for every executed instruction except
nop/drop/block/loop/else/end/return/unreachable, which cost 0 (docs/protocol/sandbox.md 2.1).
"""

from __future__ import annotations

import pytest
import wasmtime

from node.wasm import AgentProgram, Outcome
from node.wasm.engine import engine, new_store
from node.wasm.opcodes import MEMORY, NUMERIC, fuel_cost

I32, I64 = 0x7F, 0x7E
BUDGET = 1_000


def v0(body: str, extra: str = "") -> bytes:
    return bytes(
        wasmtime.wat2wasm(
            f'(module {extra} (func (export "decide") (param i64) (result i64) {body}))'
        )
    )


def wasmtime_consumed(code: bytes) -> tuple[str, int]:
    """What wasmtime itself reports: ('ok'|'trap', given - remaining)."""
    store = new_store(BUDGET)
    instance = wasmtime.Instance(store, wasmtime.Module(engine(), code), [])
    decide = instance.exports(store)["decide"]
    assert isinstance(decide, wasmtime.Func)
    try:
        decide(store, 7)
        kind = "ok"
    except wasmtime.Trap:
        kind = "trap"
    return kind, BUDGET - store.get_fuel()


def const(t: int) -> str:
    return "i32.const 7" if t == I32 else "i64.const 7"


def numeric_cases() -> list[tuple[str, bytes, int]]:
    cases = []
    for _opcode, spec in sorted(NUMERIC.items()):
        pushes = " ".join(const(t) for t in spec.params)
        widen = " i64.extend_i32_u" if spec.result == I32 else ""
        expected = 1 + len(spec.params) + 1 + (1 if widen else 0)
        cases.append((spec.name, v0(f"{pushes} {spec.name}{widen}"), expected))
    return cases


def memory_cases() -> list[tuple[str, bytes, int]]:
    cases = []
    for access in MEMORY.values():
        if access.store:
            body = f"i32.const 8 {const(access.valtype)} {access.name} i64.const 1"
            expected = 1 + 2 + 1 + 1
        else:
            widen = " i64.extend_i32_u" if access.valtype == I32 else ""
            body = f"i32.const 8 {access.name}{widen}"
            expected = 1 + 1 + 1 + (1 if widen else 0)
        cases.append((access.name, v0(body, "(memory 1)"), expected))
    return cases


CONTROL_CASES: list[tuple[str, bytes, int]] = [
    ("empty body", v0("local.get 0"), 2),
    ("nop", v0("nop nop nop local.get 0"), 2),
    ("drop", v0("local.get 0 drop local.get 0"), 3),
    ("block/end", v0("block end block (result i64) local.get 0 end"), 2),
    ("loop/end", v0("loop end local.get 0"), 2),
    ("if taken, else skipped", v0("i32.const 1 if nop else nop end local.get 0"), 4),
    ("if not taken, else run", v0("i32.const 0 if nop else nop end local.get 0"), 4),
    ("if without else, not taken", v0("i32.const 0 if i32.const 5 drop end local.get 0"), 4),
    ("br", v0("block br 0 end local.get 0"), 3),
    ("br_if taken", v0("block i32.const 1 br_if 0 end local.get 0"), 4),
    ("br_if not taken", v0("block i32.const 0 br_if 0 end local.get 0"), 4),
    ("br_table", v0("block block i32.const 1 br_table 0 1 0 end end local.get 0"), 4),
    ("loop back-edge x3", v0("(local i32) loop local.get 1 i32.const 1 i32.add local.tee 1 i32.const 3 i32.lt_u br_if 0 end local.get 0"), 1 + 3 * 7 + 1),
    ("return", v0("local.get 0 return"), 2),
    ("select", v0("i64.const 1 i64.const 2 i32.const 0 select"), 5),
    ("local.set/tee", v0("(local i64) local.get 0 local.set 1 local.get 1 local.tee 1"), 5),
    ("global.get/set", v0("i64.const 3 global.set 0 global.get 0", "(global (mut i64) (i64.const 0))"), 4),
    ("memory.size", v0("memory.size i64.extend_i32_u", "(memory 1 2)"), 3),
    ("call empty", v0("call $g local.get 0", "(func $g)"), 4),
    ("call with work", v0("local.get 0 call $g", "(func $g (param i64) (result i64) local.get 0 i64.const 1 i64.add)"), 7),
    ("call returning early", v0("call $g local.get 0", "(func $g return)"), 4),
]  # fmt: skip

ALL_CASES = numeric_cases() + memory_cases() + CONTROL_CASES


@pytest.mark.parametrize(("name", "code", "expected"), ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_fuel_of_each_opcode(name: str, code: bytes, expected: int) -> None:
    kind, consumed = wasmtime_consumed(code)
    assert kind == "ok"
    assert consumed == expected, f"wasmtime charges {consumed} for {name}"
    agent = AgentProgram.load(code)
    assert agent.invalid_reason is None
    decision = agent.decide((7).to_bytes(8, "big"), BUDGET)
    assert decision.outcome is Outcome.OK
    assert decision.fuel_used == expected
    assert agent.reference((7).to_bytes(8, "big"), BUDGET) == (0, decision.value, expected)


def test_free_opcodes_are_exactly_the_structural_ones() -> None:
    free = {op for op in range(256) if fuel_cost(op) == 0}
    assert free == {0x00, 0x01, 0x02, 0x03, 0x05, 0x0B, 0x0F, 0x1A}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("unreachable", 1),
        ("i64.const 1 drop unreachable", 2),
        ("i32.const 1 i32.const 0 i32.div_u i64.extend_i32_u", 4),
        ("i64.const 1 i64.const 0 i64.rem_s", 4),
        ("i32.const -2147483648 i32.const -1 i32.div_s i64.extend_i32_u", 4),
    ],
)
def test_trap_fuel_includes_the_trapping_instruction(body: str, expected: int) -> None:
    agent = AgentProgram.load(v0(body))
    decision = agent.decide(bytes(8), BUDGET)
    assert decision.outcome is Outcome.TRAP
    assert decision.fuel_used == expected


def test_wasmtime_fuel_is_stale_after_a_trap_mid_block() -> None:
    """Why the interpreter is authoritative on traps: wasmtime misses the buffered costs."""
    kind, consumed = wasmtime_consumed(v0("i32.const 1 i32.const 0 i32.div_u i64.extend_i32_u"))
    assert kind == "trap"
    assert consumed < 4


def test_wasmtime_overruns_straight_line_code_without_trapping() -> None:
    """Why the node classifies by consumption: 41 units run on a budget of 5 and return."""
    code = v0("i64.const 1 drop " * 20 + "local.get 0")
    store = wasmtime.Store(engine())
    store.set_fuel(5)
    instance = wasmtime.Instance(store, wasmtime.Module(engine(), code), [])
    decide = instance.exports(store)["decide"]
    assert isinstance(decide, wasmtime.Func)
    assert decide(store, 3) == 3
    assert store.get_fuel() == 0
    agent = AgentProgram.load(code)
    assert agent.decide(bytes(8), 21).outcome is Outcome.OUT_OF_FUEL
    assert agent.decide(bytes(8), 22).outcome is Outcome.OK
    assert agent.decide(bytes(8), 22).fuel_used == 22


def test_wasmtime_memory_grow_fuel_depends_on_code_shape() -> None:
    """Why memory.grow is outside the profile: the same failed grow(3) costs 3 extra fuel
    with a constant operand and nothing with a computed one, which no interpreter can mirror."""
    constant = "i32.const 3 memory.grow i64.extend_i32_s"
    computed = "i32.const 7 i32.const 3 i32.and memory.grow i64.extend_i32_s"
    _, constant_fuel = wasmtime_consumed(v0(constant, "(memory 1 2)"))
    _, computed_fuel = wasmtime_consumed(v0(computed, "(memory 1 2)"))
    assert constant_fuel == 1 + 1 + 1 + 1 + 3
    assert computed_fuel == 1 + 3 + 1 + 1

"""wasmtime (fast path) and the reference interpreter agree on generated programs.

A type-directed generator writes valid agents with loops, branches, calls, memory, globals,
traps and early returns. For each, every budget gives the same (outcome, value, fuel_used)
from `AgentProgram.decide` (wasmtime first) and `AgentProgram.reference` (interpreter only),
and one-byte edits of those bodies are judged the same by the profile and by wasmtime.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.wasm import AgentProgram, Outcome, validate_profile
from node.wasm.binary import Reader
from node.wasm.builder import body, func_type, module, name, section, sleb, uleb, vec
from node.wasm.opcodes import MEMORY, NUMERIC

I32, I64 = 0x7F, 0x7E
# decide(i64)->i64 locals: 0 param i64, 1 i32, 2 i64, 3 i32, then loop counters 4..7 (i32).
LOCALS = {I32: [1, 3], I64: [0, 2]}
COUNTERS = [4, 5, 6, 7]
GLOBALS = {I32: 0, I64: 1}
HELPERS = {I64: 1, I32: 2}  # function index of a helper [t] -> [t]
OPS_BY_RESULT = {t: [op for op, spec in NUMERIC.items() if spec.result == t] for t in (I32, I64)}
LOADS = {t: [op for op, m in MEMORY.items() if not m.store and m.valtype == t] for t in (I32, I64)}
STORES = {t: [op for op, m in MEMORY.items() if m.store and m.valtype == t] for t in (I32, I64)}
PROFILE_REASON = re.compile(r"recursion|call depth|locals|float|not allowed|reserved byte")


EXPR_CHOICES = [
    "const", "local", "global", "op", "op", "op", "load", "select", "if", "block", "call", "tee",
    "memsize",
]  # fmt: skip


def const(draw: st.DrawFn, t: int) -> bytes:
    small = st.integers(-3, 70)
    if t == I32:
        value = draw(st.one_of(small, st.integers(-(2**31), 2**31 - 1)))
        return b"\x41" + sleb(value)
    value = draw(st.one_of(small, st.integers(-(2**63), 2**63 - 1)))
    return b"\x42" + sleb(value)


def address(draw: st.DrawFn, depth: int) -> bytes:
    if draw(st.booleans()):
        return b"\x41" + sleb(draw(st.integers(0, 2 * 65536 + 8)))
    return expr(draw, I32, depth) + b"\x41" + sleb(0x1FFFF) + b"\x71"  # & 0x1ffff


def memarg(op: int) -> bytes:
    return uleb(0) + uleb(draw_offset(op))


def draw_offset(op: int) -> int:
    return op % 5  # a small deterministic offset per opcode


def expr(draw: st.DrawFn, t: int, depth: int) -> bytes:
    """Code that pushes exactly one value of type ``t``."""
    if depth <= 0:
        choice = draw(st.sampled_from(["const", "local", "global"]))
    else:
        choice = draw(st.sampled_from(EXPR_CHOICES))
    if choice == "const":
        return const(draw, t)
    if choice == "local":
        return b"\x20" + uleb(draw(st.sampled_from(LOCALS[t])))
    if choice == "global":
        return b"\x23" + uleb(GLOBALS[t])
    if choice == "op":
        op = draw(st.sampled_from(OPS_BY_RESULT[t]))
        return b"".join(expr(draw, p, depth - 1) for p in NUMERIC[op].params) + bytes([op])
    if choice == "load":
        op = draw(st.sampled_from(LOADS[t]))
        return address(draw, depth - 1) + bytes([op]) + memarg(op)
    if choice == "select":
        return (
            expr(draw, t, depth - 1)
            + expr(draw, t, depth - 1)
            + expr(draw, I32, depth - 1)
            + b"\x1b"
        )
    if choice == "if":
        return (
            expr(draw, I32, depth - 1) + bytes([0x04, t]) + expr(draw, t, depth - 1)
            + b"\x05" + expr(draw, t, depth - 1) + b"\x0b"
        )  # fmt: skip
    if choice == "block":
        inner = expr(draw, t, depth - 1) + expr(draw, I32, depth - 1) + b"\x0d\x00\x1a"
        return bytes([0x02, t]) + inner + stmt(draw, depth - 1) + expr(draw, t, depth - 1) + b"\x0b"
    if choice == "call":
        return expr(draw, t, depth - 1) + b"\x10" + uleb(HELPERS[t])
    if choice == "tee":
        return expr(draw, t, depth - 1) + b"\x22" + uleb(draw(st.sampled_from(LOCALS[t])))
    if t == I64:
        return expr(draw, I32, depth) + b"\xac"  # i64.extend_i32_s of an i32 choice below
    return b"\x3f\x00"  # memory.size


def stmt(draw: st.DrawFn, depth: int, loop_level: int = 0) -> bytes:
    """Code with no net stack effect (or that leaves the block by a branch/trap)."""
    choice = draw(
        st.sampled_from(
            ["set", "gset", "store", "drop", "loop", "if", "brblock", "return", "trap", "nop"]
        )
    )
    t = draw(st.sampled_from([I32, I64]))
    if choice == "set":
        return expr(draw, t, depth) + b"\x21" + uleb(draw(st.sampled_from(LOCALS[t])))
    if choice == "gset":
        return expr(draw, t, depth) + b"\x24" + uleb(GLOBALS[t])
    if choice == "store":
        op = draw(st.sampled_from(STORES[t]))
        return address(draw, depth) + expr(draw, t, depth) + bytes([op]) + memarg(op)
    if choice == "drop":
        return expr(draw, t, depth) + b"\x1a"
    if choice == "loop" and loop_level < len(COUNTERS) and depth > 0:
        counter = uleb(COUNTERS[loop_level])
        trips = draw(st.integers(1, 40))
        inner = b"".join(
            stmt(draw, depth - 1, loop_level + 1) for _ in range(draw(st.integers(0, 3)))
        )
        return (
            b"\x41" + sleb(trips) + b"\x21" + counter + b"\x03\x40" + inner
            + b"\x20" + counter + b"\x41\x01\x6b\x22" + counter + b"\x0d\x00\x0b"
        )  # fmt: skip
    if choice == "if" and depth > 0:
        then = stmt(draw, depth - 1, loop_level)
        other = stmt(draw, depth - 1, loop_level)
        return expr(draw, I32, depth - 1) + b"\x04\x40" + then + b"\x05" + other + b"\x0b"
    if choice == "brblock" and depth > 0:
        first = stmt(draw, depth - 1, loop_level)
        rest = stmt(draw, depth - 1, loop_level)
        return b"\x02\x40" + first + expr(draw, I32, depth - 1) + b"\x0d\x00" + rest + b"\x0b"
    if choice == "return" and draw(st.integers(0, 5)) == 0:
        return expr(draw, I64, depth) + b"\x0f"
    if choice == "trap" and draw(st.integers(0, 10)) == 0:
        return b"\x00"
    return b"\x01"


def agent(decide_code: bytes) -> bytes:
    helper64 = b"\x20\x00\x42\x03\x7e\x20\x00\x7c\x0b"  # x * 3 + x
    helper32 = b"\x20\x00\x41\x01\x6a\x0b"  # x + 1
    return module(
        section(1, vec([func_type([I64], [I64]), func_type([I32], [I32])])),
        section(3, vec([uleb(0), uleb(0), uleb(1)])),
        section(5, vec([b"\x01\x01\x02"])),
        section(6, vec([bytes([I32, 1, 0x41, 0x05, 0x0B]), bytes([I64, 1, 0x42, 0x07, 0x0B])])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(
            10,
            vec(
                [body(decide_code, [(1, I32), (1, I64), (5, I32)]), body(helper64), body(helper32)]
            ),
        ),
        section(11, vec([b"\x00\x41\x10\x0b" + uleb(4) + b"\x01\x02\x03\xff"])),
    )


def section_span(code: bytes, wanted: int) -> tuple[int, int]:
    """Start and end of the payload of section ``wanted``."""
    reader = Reader(code, 8)
    while True:
        section_id = reader.byte()
        size = reader.u32()
        if section_id == wanted:
            return reader.pos, reader.pos + size
        reader.pos += size


@st.composite
def programs(draw: st.DrawFn) -> bytes:
    stmts = b"".join(stmt(draw, draw(st.integers(0, 4))) for _ in range(draw(st.integers(0, 5))))
    return agent(stmts + expr(draw, I64, draw(st.integers(0, 4))) + b"\x0b")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**64 - 1), st.data())
def test_fast_path_matches_interpreter(code: bytes, obs: int, data: st.DataObject) -> None:
    program = AgentProgram.load(code)
    assert program.invalid_reason is None, program.invalid_reason
    observation = obs.to_bytes(8, "big")
    full = program.reference(observation, 20_000)
    budgets = {20_000, full[2], max(0, full[2] - 1), data.draw(st.integers(0, 20_000))}
    for budget in sorted(budgets):
        decision = program.decide(observation, budget)
        expected = program.reference(observation, budget)
        assert (decision.outcome, decision.value, decision.fuel_used) == expected, budget
        if decision.outcome is Outcome.OUT_OF_FUEL:
            assert decision.fuel_used == budget


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.data())
def test_edited_bodies_agree_with_wasmtime(code: bytes, data: st.DataObject) -> None:
    """Near-valid code is where type validation bugs hide: edit one byte of a valid body."""
    import wasmtime

    from node.wasm.engine import engine

    code_start, code_end = section_span(code, 10)
    pos = data.draw(st.integers(code_start, code_end - 1))
    edited = bytearray(code)
    edit = data.draw(st.sampled_from(["set", "delete", "insert"]))
    byte = data.draw(st.sampled_from([0x00, 0x0B, 0x0F, 0x1A, 0x20, 0x41, 0x42, 0x6A, 0x7C, 0xA7, 0xAC, 0x04, 0x02, 0x0C, 0x0D, 0x1B, 0x05, 0x7F, 0x7E, 0x40]))  # fmt: skip
    if edit == "set":
        edited[pos] = byte
    elif edit == "delete":
        del edited[pos]
    else:
        edited.insert(pos, byte)
    reason = validate_profile(bytes(edited))
    try:
        wasmtime.Module.validate(engine(), bytes(edited))
        accepted = True
    except wasmtime.WasmtimeError:
        accepted = False
    if reason is None:
        assert accepted
    elif accepted:
        assert PROFILE_REASON.search(reason), reason


def test_example_agents_agree_with_interpreter() -> None:
    """The systems' example agents (scenarios/agents/<system>/), on random observations."""
    import random
    from pathlib import Path

    from node.wasm import load_agent_file

    agents = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
    rng = random.Random(7)
    paths = [p for p in sorted(agents.glob("*/*.wat")) if p.parent.name != "hostile"]
    for path in paths:
        program = AgentProgram.load(load_agent_file(path))
        if not program.valid:
            continue
        for _ in range(4):
            size = 8 if program.abi == 0 else rng.choice([0, 8, 24, 64])
            observation = rng.randbytes(size)
            for fuel in (10_000, rng.randint(0, 2_000)):
                decision = program.decide(observation, fuel)
                expected = program.reference(observation, fuel)
                assert (decision.outcome, decision.value, decision.fuel_used) == expected, path

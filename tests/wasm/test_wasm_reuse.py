"""One live instance per program, restored per decision, behaves like a fresh instance.

The agents below change everything a decision can change (memory inside and outside the
data segments, exported and non-exported mutable globals, in obs_ptr and in decide) and
return a value that depends on all of it, so any state surviving a decision shows up.
"""

from __future__ import annotations

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from node.wasm import AgentProgram, Decision, Outcome
from node.wasm.engine import MAX_RUNS, engine, nonzero_runs
from node.wasm.rewrite import export_host_view, reserved_prefix
from node.wasm.validator import parse_module

STATEFUL_V1 = """(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 7))
  (global $h (mut i64) (i64.const -5))
  (global $calls (mut i32) (i32.const 0))
  (global $seen (export "seen") (mut i64) (i64.const 0))
  (data (i32.const 200) "\\01\\02\\03\\04")
  (func (export "obs_ptr") (result i32)
    global.get $calls i32.const 1 i32.add global.set $calls
    i32.const 300 i32.const 300 i32.load8_u i32.const 1 i32.add i32.store8
    i32.const 16)
  (func (export "decide") (param $len i32) (result i64)
    (local $v i64)
    global.get $g i64.extend_i32_s
    global.get $h i64.add
    global.get $calls i64.extend_i32_u i64.const 1000 i64.mul i64.add
    global.get $seen i64.const 10000000 i64.mul i64.add
    i32.const 200 i64.load32_u i64.add
    i32.const 300 i64.load8_u i64.const 100000 i64.mul i64.add
    i32.const 400 i64.load i64.add
    i32.const 65528 i64.load i64.add
    local.set $v
    global.get $g i32.const 3 i32.mul global.set $g
    global.get $h i64.const 1 i64.sub global.set $h
    global.get $seen i64.const 1 i64.add global.set $seen
    i32.const 200 i32.const -1 i32.store
    i32.const 400 i64.const 99 i64.store
    i32.const 300 i32.const 77 i32.store8
    i32.const 65528 local.get $len i64.extend_i32_u i64.store
    i32.const 16 i32.load8_u i32.const 1 i32.eq if unreachable end
    i32.const 16 i32.load8_u i32.const 2 i32.eq if loop br 0 end end
    local.get $v))"""
"""obs[0] = 0: ok; 1: trap after changing its state; 2: out of fuel after changing it."""

STATEFUL_V0 = """(module
  (memory 1)
  (global $g (mut i64) (i64.const 11))
  (global $k i32 (i32.const 5))
  (data (i32.const 8) "\\2a")
  (func (export "decide") (param $x i64) (result i64)
    (local $v i64)
    global.get $g i32.const 8 i64.load8_u i64.add i32.const 1000 i64.load i64.add
    global.get $k i64.extend_i32_s i64.add
    local.set $v
    global.get $g local.get $x i64.add global.set $g
    i32.const 8 i32.const 0 i32.store8
    i32.const 1000 local.get $x i64.store
    local.get $x i64.const 1 i64.eq if unreachable end
    local.get $x i64.const 2 i64.eq if loop br 0 end end
    local.get $v))"""
"""Memory and global are not exported; x = 1 traps, x = 2 runs out of fuel."""

CLASHING_NAMES_V0 = """(module
  (memory 1)
  (global $g (mut i32) (i32.const 3))
  (export "\\00nets.host.global.0" (global $g))
  (export "\\00nets.host.memory" (memory 0))
  (export "\\00\\00nets.host.memory" (memory 0))
  (func (export "decide") (param $x i64) (result i64)
    (local $v i64)
    global.get $g i64.extend_i32_u i32.const 4 i64.load i64.add local.set $v
    global.get $g i32.const 1 i32.add global.set $g
    i32.const 4 local.get $x i64.store
    local.get $v))"""
"""Exports named like the host's reserved names: the host picks other names."""

FUEL = 10_000
V1_OK, V1_TRAP, V1_OUT_OF_FUEL = b"\x00" + bytes(20), b"\x01" + bytes(3), b"\x02"


def program(wat: str) -> AgentProgram:
    """A program of its own (not the shared cache), so its live instance starts unused."""
    return AgentProgram._load_uncached(bytes(wasmtime.wat2wasm(wat)))


def fresh(agent: AgentProgram, observation: bytes, fuel: int) -> Decision:
    """The reference interpreter's decision (a fresh instance by construction)."""
    outcome, value, fuel_used = agent.reference(observation, fuel)
    return Decision(Outcome(outcome), value, fuel_used)


def fresh_wasmtime_value(wat: str, observation: bytes) -> int:
    """decide's value on a brand-new wasmtime store and instance (public API, ok only)."""
    store = wasmtime.Store(engine())
    store.set_fuel(FUEL)
    instance = wasmtime.Instance(
        store, wasmtime.Module(engine(), bytes(wasmtime.wat2wasm(wat))), []
    )
    exports = instance.exports(store)
    decide = exports["decide"]
    assert isinstance(decide, wasmtime.Func)
    if "obs_ptr" not in exports:
        result = decide(store, int.from_bytes(observation, "big", signed=True))
    else:
        obs_ptr, memory = exports["obs_ptr"], exports["memory"]
        assert isinstance(obs_ptr, wasmtime.Func)
        assert isinstance(memory, wasmtime.Memory)
        memory.write(store, observation, obs_ptr(store))
        result = decide(store, len(observation))
    assert isinstance(result, int)
    return result


def test_v1_state_never_survives_a_decision_nor_a_trap_nor_out_of_fuel() -> None:
    agent = program(STATEFUL_V1)
    expected = fresh_wasmtime_value(STATEFUL_V1, V1_OK)
    # 7 - 5 + 1 call of obs_ptr + data word 0x04030201 + obs_ptr's byte 1 * 100000
    assert expected == 2 + 1000 + 0x04030201 + 100_000
    ok = agent.reference(V1_OK, FUEL)
    assert ok == (Outcome.OK, expected, ok[2])
    for index in range(300):
        assert agent.decide(V1_OK, FUEL) == Decision(Outcome.OK, expected, ok[2])
        if index % 7 == 3:
            assert agent.decide(V1_TRAP, FUEL) == fresh(agent, V1_TRAP, FUEL)
            assert agent.decide(V1_TRAP, FUEL).outcome is Outcome.TRAP
        if index % 11 == 5:
            assert agent.decide(V1_OUT_OF_FUEL, FUEL) == Decision(Outcome.OUT_OF_FUEL, 0, FUEL)


def test_v0_unexported_memory_and_globals_are_restored() -> None:
    agent = program(STATEFUL_V0)
    observations = [(value).to_bytes(8, "big", signed=True) for value in (0, 5, -9)]
    expected = [fresh_wasmtime_value(STATEFUL_V0, obs) for obs in observations]
    assert expected == [11 + 42 + 5] * 3
    for index in range(200):
        obs = observations[index % 3]
        assert agent.decide(obs, FUEL) == fresh(agent, obs, FUEL)
        assert agent.decide(obs, FUEL).value == expected[index % 3]
        if index % 5 == 0:
            trap = agent.decide((1).to_bytes(8, "big"), FUEL)
            assert trap.outcome is Outcome.TRAP
            spin = agent.decide((2).to_bytes(8, "big"), FUEL)
            assert spin == Decision(Outcome.OUT_OF_FUEL, 0, FUEL)


def test_reserved_names_never_clash_with_agent_exports() -> None:
    code = bytes(wasmtime.wat2wasm(CLASHING_NAMES_V0))
    module = parse_module(code)
    prefix = reserved_prefix(list(module.exports))
    assert prefix == "\x00\x00\x00nets.host."
    rewritten, names = export_host_view(code, module)
    assert names.memory is not None
    assert names.memory.startswith(prefix)
    assert names.globals == {0: f"{prefix}global.0"}
    compiled = wasmtime.Module(engine(), rewritten)
    exported = [e.name for e in compiled.exports]
    assert exported[: len(module.exports)] == list(module.exports)
    assert len(set(exported)) == len(module.exports) + 2
    agent = program(CLASHING_NAMES_V0)
    for value in (0, 9, -1, 123):
        obs = value.to_bytes(8, "big", signed=True)
        assert agent.decide(obs, FUEL) == Decision(Outcome.OK, 3, 15)
        assert agent.reference(obs, FUEL) == (Outcome.OK, 3, 15)


def test_rewrite_leaves_modules_without_memory_or_mutable_globals_alone() -> None:
    code = bytes(
        wasmtime.wat2wasm(
            """(module (global i64 (i64.const 1))
            (func (export "decide") (param i64) (result i64) global.get 0))"""
        )
    )
    rewritten, names = export_host_view(code, parse_module(code))
    assert rewritten == code
    assert names.memory is None
    assert names.globals == {}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([V1_OK, V1_TRAP, V1_OUT_OF_FUEL]), st.integers(0, 200)),
        min_size=1,
        max_size=12,
    )
)
def test_any_sequence_of_decisions_matches_the_interpreter(
    plan: list[tuple[bytes, int]],
) -> None:
    """Any order of outcomes and budgets (around the ok cost) gives the fresh-instance answer."""
    agent = program(STATEFUL_V1)
    ok_fuel = agent.reference(V1_OK, FUEL)[2]
    for observation, offset in plan:
        fuel = max(0, ok_fuel - 100 + offset)
        assert agent.decide(observation, fuel) == fresh(agent, observation, fuel)


def test_obs_ptr_out_of_fuel_and_trapping_obs_ptr_every_time() -> None:
    spinning = program("""(module (memory (export "memory") 1)
      (global $n (mut i32) (i32.const 0))
      (func (export "obs_ptr") (result i32)
        loop global.get $n i32.const 1 i32.add global.set $n br 0 end i32.const 0)
      (func (export "decide") (param i32) (result i64) i64.const 1))""")
    trapping = program("""(module (memory (export "memory") 1)
      (func (export "obs_ptr") (result i32) i32.const 0 i32.const 0 i32.div_u)
      (func (export "decide") (param i32) (result i64) i64.const 1))""")
    for fuel in (0, 1, 5, 10_000, 20_000, 3):
        assert spinning.decide(b"ab", fuel) == Decision(Outcome.OUT_OF_FUEL, 0, fuel)
        assert trapping.decide(b"ab", fuel) == fresh(trapping, b"ab", fuel)
    assert trapping.decide(b"ab", 100) == Decision(Outcome.TRAP, 0, 4)


def spread_data_v0(segments: int) -> str:
    """decide sums one byte of each of ``segments`` data segments, then zeroes them all."""
    data = "".join(f'(data (i32.const {1000 * k}) "\\{k + 1:02x}")' for k in range(segments))
    reads = "".join(f"i32.const {1000 * k} i64.load8_u i64.add " for k in range(segments))
    wipes = "".join(f"i32.const {1000 * k} i32.const 0 i32.store8 " for k in range(segments))
    return f"""(module (memory 1) {data}
      (func (export "decide") (param i64) (result i64)
        (local $v i64) i64.const 0 {reads} local.set $v {wipes} local.get $v))"""


def test_data_segments_restored_whether_copied_in_runs_or_whole() -> None:
    for segments in (1, MAX_RUNS, MAX_RUNS + 1, 40):
        agent = program(spread_data_v0(segments))
        expected = segments * (segments + 1) // 2
        for _ in range(5):
            assert agent.decide(bytes(8), FUEL) == fresh(agent, bytes(8), FUEL)
            assert agent.decide(bytes(8), FUEL).value == expected


def test_nonzero_runs_cover_every_nonzero_byte() -> None:
    image = bytearray(4096)
    image[10:12] = b"ab"
    image[50] = 7  # within the merge gap of the first run
    image[3000] = 9
    runs = nonzero_runs(bytes(image))
    assert runs == [(10, bytes(image[10:51])), (3000, b"\x09")]
    assert nonzero_runs(bytes(4096)) == []
    many = bytearray(4096)
    for k in range(MAX_RUNS + 1):
        many[k * 200] = 1
    assert nonzero_runs(bytes(many)) is None


def test_public_wasmtime_api_path_restores_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without wasmtime-py's internals (fastcall.FAST off) restores go through the public API."""
    from node.wasm import fastcall

    monkeypatch.setattr(fastcall, "FAST", False)
    test_v1_state_never_survives_a_decision_nor_a_trap_nor_out_of_fuel()
    test_v0_unexported_memory_and_globals_are_restored()
    compiled = program(STATEFUL_V1)._compiled
    assert compiled is not None
    live = compiled.live()
    assert live is not None
    assert live.handle.fast is False

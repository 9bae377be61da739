"""The public sandbox API: load, decide, outcomes, ABI v0 and v1."""

from __future__ import annotations

import pytest
import wasmtime

from node.wasm import AgentProgram, Decision, Outcome, validate_profile

V0_ECHO = """(module (func (export "decide") (param i64) (result i64)
  local.get 0 i64.const 1 i64.add))"""
V1_SUM = """(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) i32.const 64)
  (func (export "decide") (param $len i32) (result i64)
    (local $i i32) (local $acc i64)
    block
      loop
        local.get $i local.get $len i32.ge_u br_if 1
        local.get $acc
        local.get $i i32.const 64 i32.add i64.load8_u
        i64.add local.set $acc
        local.get $i i32.const 1 i32.add local.set $i
        br 0
      end
    end
    local.get $acc))"""


def program(wat: str) -> AgentProgram:
    return AgentProgram.load(wasmtime.wat2wasm(wat))


def test_v0_passes_observation_as_i64() -> None:
    agent = program(V0_ECHO)
    assert agent.abi == 0
    assert agent.invalid_reason is None
    assert agent.decide((41).to_bytes(8, "big"), 100) == Decision(Outcome.OK, 42, 4)


def test_v0_observation_is_twos_complement() -> None:
    agent = program(V0_ECHO)
    assert agent.decide(b"\xff" * 8, 100).value == 0
    assert agent.decide(b"\x80" + b"\x00" * 7, 100).value == -(2**63) + 1


def test_v0_wrong_observation_length_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="8 bytes"):
        program(V0_ECHO).decide(b"\x01", 100)


def test_v1_reads_observation_from_memory() -> None:
    agent = program(V1_SUM)
    assert agent.abi == 1
    decision = agent.decide(bytes([1, 2, 3, 250]), 10_000)
    assert decision.outcome is Outcome.OK
    assert decision.value == 256
    assert decision.fuel_used == agent.reference(bytes([1, 2, 3, 250]), 10_000)[2]


def test_code_hash_is_keccak_of_bytes() -> None:
    from eth_hash.auto import keccak

    code = wasmtime.wat2wasm(V0_ECHO)
    assert AgentProgram.load(code).code_hash == keccak(bytes(code))


def test_invalid_module_decides_invalid_module() -> None:
    agent = AgentProgram.load(b"not wasm")
    assert agent.abi is None
    assert agent.invalid_reason is not None
    assert agent.decide(b"", 100) == Decision(Outcome.INVALID_MODULE, 0, 0)
    assert validate_profile(b"not wasm") == agent.invalid_reason


def test_fuel_out_of_range_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="fuel"):
        program(V0_ECHO).decide(bytes(8), 20_001)


STATEFUL_V1 = """(module
  (memory (export "memory") 1)
  (global $calls (mut i64) (i64.const 0))
  (func (export "obs_ptr") (result i32) i32.const 0)
  (func (export "decide") (param i32) (result i64)
    global.get $calls i64.const 1 i64.add global.set $calls
    i32.const 100 i32.const 100 i64.load i64.const 1 i64.add i64.store
    i32.const 100 i64.load global.get $calls i64.const 1000 i64.mul i64.add))"""


def test_every_decision_sees_a_fresh_instance() -> None:
    """Globals and memory never carry over, across store rollovers and after traps."""
    agent = program(STATEFUL_V1)
    trapping = program('(module (func (export "decide") (param i64) (result i64) unreachable))')
    for index in range(150):
        assert agent.decide(b"x", 10_000) == Decision(
            Outcome.OK, 1001, agent.decide(b"x", 10_000).fuel_used
        )
        if index % 50 == 0:
            assert trapping.decide(bytes(8), 100).outcome is Outcome.TRAP
            assert agent.decide(b"x", 3).outcome is Outcome.OUT_OF_FUEL


def test_v1_obs_ptr_out_of_fuel_wins_over_out_of_bounds_write() -> None:
    """obs_ptr burns the budget, then points outside memory: out_of_fuel, not trap."""
    agent = program("""(module (memory (export "memory") 1)
      (func (export "obs_ptr") (result i32)
        i32.const 1 drop i32.const 1 drop i32.const 1 drop i32.const 1 drop
        i32.const 70000)
      (func (export "decide") (param i32) (result i64) i64.const 0))""")
    assert agent.decide(b"abc", 3) == Decision(Outcome.OUT_OF_FUEL, 0, 3)
    assert agent.decide(b"abc", 100) == Decision(Outcome.TRAP, 0, 6)


def test_public_wasmtime_call_path_gives_the_same_decisions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If wasmtime-py's internals change, the sandbox falls back to the public API."""
    from node.wasm import fastcall

    observations = [bytes([1, 2, 3, 250]), b"", b"x" * 100]
    fast = [program(V1_SUM).decide(obs, 10_000) for obs in observations]
    v0_fast = program(V0_ECHO).decide((41).to_bytes(8, "big"), 100)
    monkeypatch.setattr(fastcall, "FAST", False)
    fresh_v1 = AgentProgram._load_uncached(bytes(wasmtime.wat2wasm(V1_SUM)))
    fresh_v0 = AgentProgram._load_uncached(bytes(wasmtime.wat2wasm(V0_ECHO)))
    assert [fresh_v1.decide(obs, 10_000) for obs in observations] == fast
    assert fresh_v0.decide((41).to_bytes(8, "big"), 100) == v0_fast

"""The native engine against the reference loop: every system, every example and hostile
agent, byte-identical entries, roots, scores, fuel and outcomes; fallbacks counted."""

from __future__ import annotations

import pytest
import wasmtime
from native_cases import AGENT_FILES, SYSTEMS, both, figures, load_program

from node import native
from node.match import Engine, run_match
from node.native import runner
from node.systems.base import load_system
from node.systems.snake import Snake
from node.wasm import AgentProgram

SHORT = {
    "snake": {"width": 8, "height": 6, "max_steps": 60},
    "rps": {"rounds": 40, "history": 5},
    "connect4": {"first": 0, "noise": 50},
    "predict": {"length": 40, "history": 3},
}
TRAPPING = {"trap_unreachable.wat", "oob_load.wat", "div_by_zero.wat", "obs_ptr_out_of_bounds.wat"}


def test_the_agent_set_is_complete() -> None:
    names = {path.name for path in AGENT_FILES}
    assert {"greedy_v1.wat", "tactics_v1.wat", "infinite_loop.wat", "malformed.wasm"} <= names
    assert len(AGENT_FILES) >= 24


@pytest.mark.parametrize("system_name", SYSTEMS)
@pytest.mark.parametrize("path", AGENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_agent_on_every_system(path, system_name: str) -> None:
    system = load_system(system_name)
    program = load_program(path)
    own = path.parent.name == system_name
    params = system.encode_params(system.default_params() if own else SHORT[system_name])
    seeds = [bytes([i]) * 32 for i in range(3 if own else 2)]
    for seed in seeds:
        for fuel in (10_000, 0, 37):
            reference, fast = both(system, program, seed, params, fuel)
            assert figures(fast) == figures(reference), (path.name, seed.hex(), fuel)
            assert reference.engine == "reference"
            if path.name in TRAPPING and reference.outcome == 1:
                assert fast.engine == "reference"  # the trap's fuel is the interpreter's
            elif program.valid or program.abi is None:
                assert fast.engine == "fast", (path.name, fuel)


def test_a_trap_falls_back_and_is_counted() -> None:
    system = load_system("rps")
    program = load_program(next(p for p in AGENT_FILES if p.name == "trap_unreachable.wat"))
    params = system.encode_params(system.default_params())
    before = native.COUNTS.fallbacks["a decision needs the reference interpreter"]
    reference, fast = both(system, program, bytes(32), params, 10_000)
    assert fast.engine == "reference"
    assert (fast.outcome, fast.steps) == (1, 1)
    assert figures(fast) == figures(reference)
    assert native.COUNTS.fallbacks["a decision needs the reference interpreter"] == before + 1


def test_a_system_without_a_native_twin_falls_back() -> None:
    class LongSnake(Snake):
        """A subclass may change the rules: the native engine must not assume them."""

    program = load_program(next(p for p in AGENT_FILES if p.name == "simple_v0.wat"))
    system = LongSnake()
    params = system.encode_params(SHORT["snake"])
    before = native.COUNTS.fallbacks["system without a native twin"]
    result = run_match(system, program, bytes(32), params, 10_000)
    assert result.engine == "reference"
    assert native.COUNTS.fallbacks["system without a native twin"] == before + 1


def test_a_missing_library_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "load", lambda: (None, "libnets_engine.so not built"))
    system = load_system("predict")
    program = load_program(next(p for p in AGENT_FILES if p.name == "repeat_last_v0.wat"))
    params = system.encode_params(SHORT["predict"])
    before = native.COUNTS.fallbacks["libnets_engine.so not built"]
    reference, fast = both(system, program, bytes(32), params, 10_000)
    assert fast.engine == "reference"
    assert figures(fast) == figures(reference)
    assert native.COUNTS.fallbacks["libnets_engine.so not built"] == before + 1


def test_recorded_states_come_from_the_reference_loop() -> None:
    system = load_system("snake")
    program = load_program(next(p for p in AGENT_FILES if p.name == "greedy_v1.wat"))
    params = system.encode_params(SHORT["snake"])
    recorded = run_match(system, program, bytes(32), params, 10_000, record_states=True)
    fast = run_match(system, program, bytes(32), params, 10_000)
    assert recorded.states is not None
    assert len(recorded.states) == recorded.steps + 1
    assert fast.engine == "fast"
    assert figures(fast) == figures(recorded)


def test_the_instance_stays_usable_for_python_decisions_after_a_native_match() -> None:
    """A native match leaves the shared instance dirty; the Python path must restore it."""
    system = load_system("snake")
    program = load_program(next(p for p in AGENT_FILES if p.name == "greedy_v1.wat"))
    params = system.encode_params(SHORT["snake"])
    first = run_match(system, program, bytes(32), params, 10_000)
    reference = run_match(system, program, bytes(32), params, 10_000, engine="reference")
    again = run_match(system, program, bytes(32), params, 10_000)
    assert first.engine == again.engine == "fast"
    assert figures(first) == figures(reference) == figures(again)


READS_PAST_THE_OBSERVATION = """(module
  (memory (export "memory") 1)
  (data (i32.const 0) "%s")
  (func (export "obs_ptr") (result i32) (i32.const 0))
  (func (export "decide") (param $len i32) (result i64)
    (i64.add
      (i64.load (local.get $len))
      (i64.load8_u (i32.add (local.get $len) (i32.const 40))))))"""


def test_memory_under_a_shorter_observation_is_the_image_again() -> None:
    """A store-free agent: only the observation changes memory (node.native then restores
    only that stretch), and what a longer one left behind, written by either engine, must be
    gone when a shorter one is written."""
    data = "".join(f"\\{(i * 37 + 11) % 256:02x}" for i in range(700))
    program = AgentProgram.load(wasmtime.wat2wasm(READS_PAST_THE_OBSERVATION % data))
    assert program.valid
    system = load_system("snake")

    def params(size: int) -> bytes:
        return system.encode_params({"width": size, "height": size, "max_steps": 30})

    seed = bytes(range(32))
    expected = {
        size: run_match(system, program, seed, params(size), 10_000, engine="reference")
        for size in (4, 5, 12, 16)
    }
    sequence: tuple[tuple[int, Engine], ...] = (
        (4, "fast"),
        (16, "reference"),
        (4, "fast"),
        (12, "fast"),
        (5, "fast"),
        (16, "fast"),
        (4, "fast"),
    )
    for size, engine in sequence:
        result = run_match(system, program, seed, params(size), 10_000, engine=engine)
        assert result.engine == engine
        assert figures(result) == figures(expected[size]), (size, engine)

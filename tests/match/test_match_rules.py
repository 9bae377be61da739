"""The runner follows docs/PROTOCOL.md's one-decision-one-entry rule, on the real systems."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from node.match import run_match
from node.merkle import merkle_root
from node.systems.base import System, load_system
from node.trace import StepEntry, keccak256
from node.wasm import AgentProgram, load_agent_file

REPO = Path(__file__).resolve().parents[2]
FUEL = 10_000


def wat(source: str) -> AgentProgram:
    return AgentProgram.load(bytes(wasmtime.wat2wasm(source)))


def v0(body: str) -> AgentProgram:
    return wat(f'(module (func (export "decide") (param i64) (result i64) {body}))')


def setup(name: str, **overrides: int) -> tuple[System, bytes]:
    system = load_system(name)
    return system, system.encode_params(system.default_params() | overrides)


def seed_of(n: int) -> bytes:
    return n.to_bytes(32, "big")


def state_hash(system: System, state: object) -> bytes:
    return keccak256(system.encode(state))


def test_normal_match_chains_hashes_and_ends_at_first_terminal_state() -> None:
    system, params = setup("snake", max_steps=40)
    program = AgentProgram.load(load_agent_file(REPO / "scenarios/agents/snake/greedy_v1.wat"))
    result = run_match(system, program, seed_of(3), params, FUEL)
    entries = result.step_entries()
    assert result.outcome == 0
    assert result.steps == len(entries) > 0
    assert result.fuel_used > 0
    state = system.initial_state(seed_of(3), params)
    assert result.initial_state_hash == state_hash(system, state)
    for index, entry in enumerate(entries):
        assert not system.is_done(state)
        assert (entry.step, entry.outcome) == (index, 0)
        assert entry.pre_state_hash == state_hash(system, state)
        state = system.step(state, entry.action)
        assert entry.post_state_hash == state_hash(system, state)
    assert system.is_done(state)
    assert result.final_state == state
    assert result.score == system.score(state)
    assert result.final_state_hash == entries[-1].post_state_hash
    assert result.trace_root == merkle_root(list(result.entries))


@pytest.mark.parametrize(
    ("program", "outcome"),
    [
        (v0("unreachable"), 1),
        (v0("(loop $spin br $spin) i64.const 0"), 2),
        (AgentProgram.load(b"\x00asm\x01\x00\x00\x00 junk"), 4),
        (AgentProgram.load(b""), 4),
    ],
)
@pytest.mark.parametrize("name", ["snake", "rps", "connect4", "predict"])
def test_first_decision_forfeit_is_one_entry_from_the_initial_state(
    name: str, program: AgentProgram, outcome: int
) -> None:
    system, params = setup(name)
    result = run_match(system, program, seed_of(1), params, FUEL)
    initial = system.initial_state(seed_of(1), params)
    forfeited = system.forfeit(initial)
    assert result.step_entries() == [
        StepEntry(0, state_hash(system, initial), outcome, 0, state_hash(system, forfeited))
    ]
    assert (result.steps, result.outcome) == (1, outcome)
    assert result.score == system.score(forfeited)
    assert system.is_done(result.final_state)
    assert (result.fuel_used == 0) == (outcome == 4)


def test_rejected_value_mid_match_is_invalid_action_forfeit() -> None:
    system, params = setup("connect4")
    always_column_0 = v0("i64.const 0")
    result = run_match(system, always_column_0, seed_of(2), params, FUEL)
    entries = result.step_entries()
    assert [entry.outcome for entry in entries] == [0] * (len(entries) - 1) + [3]
    assert entries[-1].action == 0
    state = system.initial_state(seed_of(2), params)
    for entry in entries[:-1]:
        state = system.step(state, entry.action)
    assert system.to_action(state, 0) is None
    assert entries[-1].post_state_hash == state_hash(system, system.forfeit(state))
    assert (result.outcome, result.score) == (3, system.score(system.forfeit(state)))


def test_proofs_and_summary_of_a_result() -> None:
    system, params = setup("rps", rounds=9)
    result = run_match(system, v0("i64.const 1"), seed_of(5), params, FUEL)
    assert result.steps == 9
    for step in range(result.steps):
        proof = result.prove_step(step)
        assert proof.verify()
        assert proof.root == "0x" + result.trace_root.hex()
    with pytest.raises(IndexError):
        result.prove_step(result.steps)
    summary = result.summary(7)
    assert (summary.match_index, summary.steps, summary.score) == (7, 9, result.score)
    assert (summary.trace_root, summary.match_seed) == (result.trace_root, seed_of(5))


def test_recorded_states_are_the_pre_states_of_every_step() -> None:
    system, params = setup("connect4")
    result = run_match(system, v0("i64.const 0"), seed_of(2), params, FUEL, record_states=True)
    assert result.states is not None
    assert len(result.states) == result.steps + 1
    assert result.states[-1] == result.final_state
    for entry, pre, post in zip(
        result.step_entries(), result.states[:-1], result.states[1:], strict=True
    ):
        assert entry.pre_state_hash == state_hash(system, pre)
        assert entry.post_state_hash == state_hash(system, post)
    assert run_match(system, v0("i64.const 0"), seed_of(2), params, FUEL).states is None


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_module_bytes_never_crash_the_runner(code: bytes) -> None:
    system, params = setup("rps", rounds=3)
    result = run_match(system, AgentProgram.load(code), seed_of(0), params, FUEL)
    assert result.steps >= 1
    assert system.is_done(result.final_state)
    assert result.outcome in {0, 1, 2, 3, 4}


@pytest.mark.parametrize("value", [-1, -(2**63), 2**63 - 1, 6])
def test_any_i64_value_becomes_a_valid_action(value: int) -> None:
    system, params = setup("snake", max_steps=5)
    result = run_match(system, v0(f"i64.const {value}"), seed_of(9), params, FUEL)
    entries = result.step_entries()
    assert entries
    assert all(entry.action == (value % 2**64) % 4 for entry in entries)

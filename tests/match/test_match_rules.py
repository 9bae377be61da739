"""The runner follows docs/PROTOCOL.md's one-decision-one-entry rule exactly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from node.match import run_match
from node.merkle import merkle_root
from node.systems.base import System
from node.trace import StepEntry, keccak256

SEED = b"\x00" * 32
FUEL = 10_000
Rule = Callable[[bytes], tuple[int, int, int]]
Scripted = Callable[[int | None, Rule], Any]


def walker(value: int, outcome: int = 0, after: int | None = None) -> Rule:
    """Steps by ``value``; from position ``after`` on reports ``outcome`` instead."""

    def rule(observation: bytes) -> tuple[int, int, int]:
        position = observation[0] if len(observation) == 2 else int.from_bytes(observation)
        if after is not None and position >= after:
            return (outcome, 7, 5)
        return (0, value, 3)

    return rule


def params_of(system: System) -> bytes:
    return system.encode_params(system.default_params())


def forfeit_score(system: System) -> int:
    return system.score(system.forfeit(system.initial_state(SEED, params_of(system))))


def test_normal_match_chains_hashes_and_ends_at_first_terminal_state(
    walk: System, scripted: Scripted
) -> None:
    params = params_of(walk)
    result = run_match(walk, scripted(1, walker(2)), SEED, params, FUEL)
    entries = result.step_entries()
    assert result.outcome == 0
    assert result.steps == len(entries) == 5
    assert result.score == 10
    assert result.fuel_used == 3 * 5
    state = walk.initial_state(SEED, params)
    assert result.initial_state_hash == keccak256(walk.encode(state))
    for index, entry in enumerate(entries):
        assert entry.step == index
        assert (entry.outcome, entry.action) == (0, 2)
        assert entry.pre_state_hash == keccak256(walk.encode(state))
        state = walk.step(state, entry.action)
        assert entry.post_state_hash == keccak256(walk.encode(state))
    assert walk.is_done(state)
    assert result.final_state == state
    assert result.final_state_hash == entries[-1].post_state_hash
    assert result.trace_root == merkle_root(list(result.entries))


def test_match_ends_by_max_steps(walk: System, scripted: Scripted) -> None:
    result = run_match(walk, scripted(1, walker(0)), SEED, params_of(walk), FUEL)
    assert (result.steps, result.score, result.outcome) == (20, 0, 0)


@pytest.mark.parametrize("outcome", [1, 2])
def test_trap_or_out_of_fuel_forfeits_with_action_zero(
    walk: System, scripted: Scripted, outcome: int
) -> None:
    params = params_of(walk)
    result = run_match(walk, scripted(1, walker(1, outcome, after=3)), SEED, params, FUEL)
    entries = result.step_entries()
    assert result.outcome == outcome
    assert result.score == forfeit_score(walk)
    assert result.steps == 4
    last = entries[-1]
    assert (last.outcome, last.action) == (outcome, 0)
    pre_state = walk.initial_state(SEED, params)
    for entry in entries[:-1]:
        pre_state = walk.step(pre_state, entry.action)
    assert last.post_state_hash == keccak256(walk.encode(walk.forfeit(pre_state)))
    assert result.fuel_used == 3 * 3 + 5


def test_rejected_value_is_invalid_action_forfeit(walk: System, scripted: Scripted) -> None:
    result = run_match(walk, scripted(1, walker(3)), SEED, params_of(walk), FUEL)
    assert result.steps == 1
    only = result.step_entries()[0]
    assert (only.step, only.outcome, only.action) == (0, 3, 0)
    assert (result.outcome, result.score) == (3, forfeit_score(walk))


def test_invalid_module_is_one_outcome_4_entry_from_the_initial_state(
    walk: System, scripted: Scripted
) -> None:
    agent = scripted(None, lambda _obs: (0, 1, 1))
    params = params_of(walk)
    result = run_match(walk, agent, SEED, params, FUEL)
    assert agent.calls == 0
    initial = walk.initial_state(SEED, params)
    assert result.step_entries() == [
        StepEntry(
            0, keccak256(walk.encode(initial)), 4, 0, keccak256(walk.encode(walk.forfeit(initial)))
        )
    ]
    assert (result.outcome, result.score, result.fuel_used) == (4, forfeit_score(walk), 0)


def test_abi_0_gets_eight_byte_observations(walk: System, scripted: Scripted) -> None:
    seen: list[int] = []

    def rule(observation: bytes) -> tuple[int, int, int]:
        seen.append(len(observation))
        return (0, 2, 1)

    run_match(walk, scripted(0, rule), SEED, params_of(walk), FUEL)
    assert seen
    assert set(seen) == {8}


def test_proofs_and_summary_of_a_result(walk: System, scripted: Scripted) -> None:
    seed = bytes([2]) + b"\x00" * 31
    result = run_match(walk, scripted(1, walker(1)), seed, params_of(walk), FUEL)
    for step in range(result.steps):
        proof = result.prove_step(step)
        assert proof.verify()
        assert proof.root == "0x" + result.trace_root.hex()
    with pytest.raises(IndexError):
        result.prove_step(result.steps)
    summary = result.summary(7)
    assert (summary.match_index, summary.steps, summary.score) == (7, result.steps, result.score)
    assert summary.trace_root == result.trace_root
    assert summary.match_seed == seed

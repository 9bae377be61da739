"""The match runner: one agent against one system, recorded as a trace format v1 match.

The rule is docs/PROTOCOL.md's "one decision, one step entry": every decision yields one
entry; a decision that is not ok, or a value the system rejects, records action 0 and
``post = forfeit(pre)`` and ends the match. A module outside the agent profile (abi None)
yields a single entry with outcome 4 from the initial state. No step is taken from a
terminal state.

This loop is the node's hot path: entries are packed and leaf-hashed as they are made, and
the root comes from the leaf hashes (node.merkle.root_from_leaf_hashes, held equal to
pymerkle by tests/trace). The fast engine (the default) plays the whole match in C
(node.native) with the same bytes; this loop is the reference it is tested against and the
path every match the native engine cannot take falls back to (counted in node.native.COUNTS).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

from node import native
from node.merkle import root_from_leaf_hashes
from node.systems.base import System
from node.trace import InclusionProof, MatchSummary, StepEntry, keccak256, prove_leaf
from node.trace.entries import pack_step_entry

OK = 0
INVALID_ACTION = 3
INVALID_MODULE = 4
"""Outcome bytes of trace format v1 (node.wasm.Outcome has the same numbers and names)."""

Engine = Literal["reference", "fast"]
ENGINES: tuple[Engine, ...] = ("fast", "reference")


class DecisionLike(Protocol):
    """What one agent decision reports (node.wasm.Decision)."""

    @property
    def outcome(self) -> int: ...

    @property
    def value(self) -> int: ...

    @property
    def fuel_used(self) -> int: ...


class AgentLike(Protocol):
    """An agent the runner can drive (node.wasm.AgentProgram): ABI 0 or 1, None if invalid."""

    @property
    def abi(self) -> int | None: ...

    def decide(self, observation: bytes, fuel: int) -> DecisionLike: ...


@dataclass(frozen=True)
class MatchResult:
    """A finished match: its figures, its trace (encoded entries) and its final state."""

    seed: bytes
    steps: int
    score: int
    outcome: int
    """0 when the match ended normally, else the outcome of the forfeiting decision."""
    trace_root: bytes
    fuel_used: int
    entries: tuple[bytes, ...]
    """Encoded step entries (77 bytes each) in step order."""
    initial_state_hash: bytes
    final_state_hash: bytes
    final_encoding: bytes
    """The final state's canonical encoding (keccak256 of it is ``final_state_hash``)."""
    system: System = field(repr=False, compare=False)
    states: tuple[Any, ...] | None = None
    """With ``record_states``: the state before every step, then the final state
    (``states[i]`` is step i's pre-state), e.g. for the one-step proof of a dispute."""
    engine: Engine = "reference"
    """Which path played it: "fast" (node.native, in C) or "reference" (this module's loop)."""

    @cached_property
    def final_state(self) -> Any:
        """The final state, decoded on first use: the fast engine hands back its encoding, and
        decoding (with the system's validity checks) costs more than a short match."""
        return self.system.decode(self.final_encoding)

    def step_entries(self) -> list[StepEntry]:
        """The entries decoded (kept encoded in the result, which is what gets hashed)."""
        return [StepEntry.decode(entry) for entry in self.entries]

    def prove_step(self, step: int) -> InclusionProof:
        """Inclusion proof of entry ``step`` against the trace root; IndexError if absent."""
        return prove_leaf(self.entries, step, self.trace_root)

    def summary(self, match_index: int) -> MatchSummary:
        """The claim leaf for this match at position ``match_index`` of a round."""
        return MatchSummary(match_index, self.seed, self.trace_root, self.steps, self.score)


def run_match(
    system: System,
    program: AgentLike,
    seed: bytes,
    params: bytes,
    fuel: int,
    *,
    record_states: bool = False,
    engine: Engine = "fast",
) -> MatchResult:
    """Play ``program`` against ``system`` from the state given by ``seed`` and ``params``.

    ``engine="fast"`` plays natively when it can (never with ``record_states``, which only
    disputes ask for) and falls back to the reference loop; both give the same result.
    """
    if engine == "fast" and not record_states:
        played = native.play(system, program, seed, params, fuel)
        if played is not None:
            return MatchResult(
                seed=seed,
                steps=played.steps,
                score=played.score,
                outcome=played.outcome,
                trace_root=played.trace_root,
                fuel_used=played.fuel_used,
                entries=played.entries,
                initial_state_hash=played.initial_state_hash,
                final_state_hash=played.final_state_hash,
                final_encoding=played.final_state,
                system=system,
                engine="fast",
            )
    return _run_reference(system, program, seed, params, fuel, record_states=record_states)


def _run_reference(
    system: System,
    program: AgentLike,
    seed: bytes,
    params: bytes,
    fuel: int,
    *,
    record_states: bool,
) -> MatchResult:
    """The reference loop (docs/protocol/trace.md "The runner")."""
    encode, is_done, forfeit = system.encode, system.is_done, system.forfeit
    observe, to_action, transition = system.observe, system.to_action, system.step
    pack, sha256 = pack_step_entry, hashlib.sha256

    state = system.initial_state(seed, params)
    encoded = encode(state)
    pre_hash = initial_hash = keccak256(encoded)
    entries: list[bytes] = []
    leaf_hashes: list[bytes] = []
    outcome = OK
    fuel_used = 0
    abi = program.abi
    decide = program.decide
    step = 0
    states: list[Any] | None = [state] if record_states else None

    while not is_done(state):
        action = 0
        if abi is None:
            outcome = INVALID_MODULE
        else:
            decision = decide(observe(state, abi), fuel)
            fuel_used += decision.fuel_used
            if decision.outcome != OK:
                outcome = int(decision.outcome)
            else:
                chosen = to_action(state, decision.value)
                if chosen is None:
                    outcome = INVALID_ACTION
                else:
                    action = chosen
        state = forfeit(state) if outcome != OK else transition(state, action)
        encoded = encode(state)
        post_hash = keccak256(encoded)
        entry = pack(step, pre_hash, outcome, action, post_hash)
        entries.append(entry)
        leaf_hashes.append(sha256(b"\x00" + entry).digest())
        pre_hash = post_hash
        step += 1
        if states is not None:
            states.append(state)
        if outcome != OK:
            break

    result = MatchResult(
        seed=seed,
        steps=step,
        score=system.score(state),
        outcome=outcome,
        trace_root=root_from_leaf_hashes(leaf_hashes),
        fuel_used=fuel_used,
        entries=tuple(entries),
        initial_state_hash=initial_hash,
        final_state_hash=pre_hash,
        final_encoding=encoded,
        system=system,
        states=tuple(states) if states is not None else None,
    )
    result.__dict__["final_state"] = state  # cached_property's slot: no decode needed
    return result

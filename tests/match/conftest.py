"""Runner fixtures: a tiny deterministic System and scripted agents, for the runner's rules only.

The walker moves right by ``action`` (0..2) each step; the match ends at ``goal`` or after
``max_steps``. Its state is encoded like a real system's (params, counter, status).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pytest

_STATE = struct.Struct(">HHHHB")
RUNNING, FINISHED, FORFEITED = 0, 1, 2
FORFEIT_SCORE = -1


class WalkState(NamedTuple):
    goal: int
    max_steps: int
    t: int
    position: int
    status: int


class WalkSystem:
    """Walk to ``goal`` within ``max_steps``; score = position (forfeit: -1)."""

    name = "walk"
    system_id = 99

    def default_params(self) -> dict[str, int]:
        return {"goal": 10, "max_steps": 20}

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        return struct.pack(">HH", params["goal"], params["max_steps"])

    def initial_state(self, seed: bytes, params: bytes) -> WalkState:
        goal, max_steps = struct.unpack(">HH", params)
        return WalkState(goal, max_steps, 0, seed[0] % 3, RUNNING)

    def encode(self, state: WalkState) -> bytes:
        return _STATE.pack(*state)

    def decode(self, data: bytes) -> WalkState:
        return WalkState(*_STATE.unpack(data))

    def observe(self, state: WalkState, abi_version: int) -> bytes:
        if abi_version == 0:
            return state.position.to_bytes(8, "big")
        return bytes([state.position, state.t])

    def to_action(self, state: WalkState, value: int) -> int | None:
        return value if 0 <= value <= 2 else None

    def step(self, state: WalkState, action: int) -> WalkState:
        position = state.position + action
        t = state.t + 1
        done = position >= state.goal or t >= state.max_steps
        return state._replace(t=t, position=position, status=FINISHED if done else RUNNING)

    def forfeit(self, state: WalkState) -> WalkState:
        return state._replace(status=FORFEITED)

    def is_done(self, state: WalkState) -> bool:
        return state.status != RUNNING

    def score(self, state: WalkState) -> int:
        return FORFEIT_SCORE if state.status == FORFEITED else state.position


@dataclass(frozen=True)
class ScriptedDecision:
    outcome: int
    value: int
    fuel_used: int


Rule = Callable[[bytes], tuple[int, int, int]]
"""observation -> (outcome, value, fuel_used)"""


class ScriptedAgent:
    """An agent whose decision is a pure function of the observation."""

    def __init__(self, abi: int | None, rule: Rule) -> None:
        self.abi = abi
        self.rule = rule
        self.calls = 0

    def decide(self, observation: bytes, fuel: int) -> ScriptedDecision:
        self.calls += 1
        return ScriptedDecision(*self.rule(observation))


@pytest.fixture
def walk() -> WalkSystem:
    return WalkSystem()


@pytest.fixture
def scripted() -> Callable[[int | None, Rule], ScriptedAgent]:
    return ScriptedAgent

"""Shared helpers of the systems tests: the Python twin of SystemReplay.sol and action policies."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from node.systems.base import System
from node.systems.prng import keccak256
from node.systems.snake import NO_APPLE, SnakeState

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Replay:
    hashes: list[bytes]
    observations: list[bytes]
    scores: list[int]


def replay(system: System, seed: bytes, params: bytes, values: list[int]) -> Replay:
    """Exactly what SystemReplay.replay computes, in Python."""
    state = system.initial_state(seed, params)
    out = Replay([], [], [])
    i = 0
    while True:
        encoded = system.encode(state)
        assert system.decode(encoded) == state
        out.hashes.append(keccak256(encoded))
        out.observations.append(keccak256(system.observe(state, 0) + system.observe(state, 1)))
        out.scores.append(system.score(state))
        if i == len(values) or system.is_done(state):
            return out
        action = system.to_action(state, values[i])
        state = system.forfeit(state) if action is None else system.step(state, action)
        i += 1


Policy = Callable[[Any, random.Random], int]


def random_value(_state: Any, rng: random.Random) -> int:
    """Any i64, small or huge, negative included."""
    if rng.random() < 0.5:
        return rng.randint(-8, 8)
    return rng.randint(I64_MIN, I64_MAX)


def snake_greedy(state: Any, rng: random.Random) -> int:
    """Toward the apple avoiding walls and body, with some noise: long games with many apples."""
    s: SnakeState = state
    if rng.random() < 0.05:
        return random_value(s, rng)
    w, h = s.width, s.height
    x, y = s.body[0] % w, s.body[0] // w
    ax, ay = (x, y) if s.apple == NO_APPLE else (s.apple % w, s.apple // w)
    best, best_cost = rng.randrange(4), 1 << 30
    for action, (dx, dy) in enumerate(((0, -1), (0, 1), (-1, 0), (1, 0))):
        nx, ny = x + dx, y + dy
        if not (0 <= nx < w and 0 <= ny < h) or ny * w + nx in s.body[:-1]:
            continue
        cost = abs(nx - ax) + abs(ny - ay)
        if cost < best_cost:
            best, best_cost = action, cost
    return best + 4 * rng.randint(-(2**60), 2**60)


def snake_cycle(state: Any, _rng: random.Random) -> int:
    """A Hamiltonian cycle (height even, centre row even): fills small boards completely."""
    s: SnakeState = state
    w, h = s.width, s.height
    x, y = s.body[0] % w, s.body[0] // w
    if y == 0:
        return 3 if x < w - 1 else 1
    if x == 0:
        return 0
    if y % 2 == 1:
        return 2 if x > 1 or y == h - 1 else 1
    return 3 if x < w - 1 else 1


def connect4_mostly_valid(state: Any, rng: random.Random) -> int:
    """A playable column most of the time, occasionally anything (full columns forfeit)."""
    if rng.random() < 0.03:
        return random_value(state, rng)
    playable = [c for c in range(7) if state.board[c * 6 + 5] == 0]
    return rng.choice(playable) + 7 * rng.randint(-1000, 1000)


def policy_values(
    system: System, seed: bytes, params: bytes, policy: Policy, rng: random.Random, limit: int
) -> list[int]:
    """Decide values a policy produces along its own match (plus a few past the end)."""
    state = system.initial_state(seed, params)
    values: list[int] = []
    while not system.is_done(state) and len(values) < limit:
        value = policy(state, rng)
        values.append(value)
        action = system.to_action(state, value)
        state = system.forfeit(state) if action is None else system.step(state, action)
    return values + [random_value(state, rng) for _ in range(2)]

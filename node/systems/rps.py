"""Rock-paper-scissors against a seeded opponent with an exploitable pattern.

The opponent is one of four PRNG-chosen kinds (cycle, bias, react to the agent's last move,
fixed pattern) with PRNG noise. Layouts and draws: docs/protocol/systems.md#rps.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace

from node.systems.codec import need_bytes, param_value, params_from_bytes, reject_unknown, require
from node.systems.prng import FORFEIT_STATUS, as_u64, draw

RUNNING, DONE = 0, 1
STATUSES = frozenset({RUNNING, DONE, FORFEIT_STATUS})
ROCK, PAPER, SCISSORS = 0, 1, 2
EMPTY = 0xFF
KIND_CYCLE, KIND_BIAS, KIND_REACT, KIND_PATTERN = 0, 1, 2, 3
PATTERN_SLOTS = 5
DEFAULTS = {"rounds": 100, "history": 16}
MAX_ROUNDS, MAX_HISTORY = 10_000, 32

_PARAMS = struct.Struct(">HB")
_HEADER = struct.Struct(">B32sQHBHHHBBBB5sB")
HEADER_SIZE = _HEADER.size  # 60
_OBS1_HEADER = struct.Struct(">HHHHB")


@dataclass(frozen=True, slots=True)
class RpsState:
    status: int
    seed: bytes
    counter: int
    rounds: int
    hist_len: int
    round: int
    wins: int
    losses: int
    kind: int
    a: int
    b: int
    plen: int
    pattern: bytes
    noise: int
    history: bytes  # hist_len bytes, newest first: agent << 4 | opponent, EMPTY when unused


def beats(move: int) -> int:
    """The move that beats `move`."""
    return (move + 1) % 3


def opponent_move(s: RpsState, r: int) -> int:
    """The opponent's move for round s.round from draw r; never sees the current action."""
    if r % 100 < s.noise:
        return (r >> 8) % 3
    if s.kind == KIND_CYCLE:
        return (s.a + s.round * (1 + s.b % 2)) % 3
    if s.kind == KIND_BIAS:
        return s.a if (r >> 16) % 100 < 60 else (r >> 24) % 3
    if s.kind == KIND_REACT:
        last = s.a if s.history[0] == EMPTY else s.history[0] >> 4
        return last if s.b % 2 == 0 else beats(last)
    return s.pattern[s.round % s.plen]


class Rps:
    """The rps system (id 2)."""

    name = "rps"
    system_id = 2

    def default_params(self) -> dict[str, int]:
        return dict(DEFAULTS)

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        reject_unknown(params, DEFAULTS)
        rounds = param_value(params, DEFAULTS, "rounds", 1, MAX_ROUNDS)
        history = param_value(params, DEFAULTS, "history", 1, MAX_HISTORY)
        return _PARAMS.pack(rounds, history)

    def decode_params(self, params: bytes) -> dict[str, int]:
        return params_from_bytes(params, _PARAMS, DEFAULTS, self.encode_params)

    def initial_state(self, seed: bytes, params: bytes) -> RpsState:
        need_bytes(seed, 32, "seed")
        p = self.decode_params(params)
        r0 = draw(bytes(seed), 0)
        pattern = bytes((r0 >> (32 + 8 * i)) % 3 for i in range(PATTERN_SLOTS))
        return RpsState(
            status=RUNNING, seed=bytes(seed), counter=1, rounds=p["rounds"],
            hist_len=p["history"], round=0, wins=0, losses=0, kind=r0 % 4,
            a=(r0 >> 8) % 3, b=(r0 >> 16) % 3, plen=2 + (r0 >> 24) % 4, pattern=pattern,
            noise=(r0 >> 80) % 21, history=bytes([EMPTY]) * p["history"],
        )  # fmt: skip

    def encode(self, state: RpsState) -> bytes:
        s = state
        header = _HEADER.pack(
            s.status, s.seed, s.counter, s.rounds, s.hist_len, s.round, s.wins, s.losses,
            s.kind, s.a, s.b, s.plen, s.pattern, s.noise,
        )  # fmt: skip
        return header + s.history

    def decode(self, data: bytes) -> RpsState:
        require(isinstance(data, bytes | bytearray), "rps state: expected bytes")
        require(len(data) >= HEADER_SIZE, "rps state: too short")
        (status, seed, counter, rounds, hist_len, rnd, wins, losses, kind, a, b, plen, pattern,
         noise) = _HEADER.unpack_from(data)  # fmt: skip
        require(len(data) == HEADER_SIZE + hist_len, "rps state: length mismatch")
        require(status in STATUSES, f"rps state: bad status {status}")
        require(1 <= rounds <= MAX_ROUNDS and 1 <= hist_len <= MAX_HISTORY, "rps: bad params")
        require(rnd <= rounds and wins + losses <= rnd, "rps state: bad round counts")
        require(status != RUNNING or rnd < rounds, "rps state: running past the last round")
        require(status != DONE or rnd == rounds, "rps state: done before the last round")
        require(kind < 4 and a < 3 and b < 3 and 2 <= plen <= 5, "rps state: bad opponent")
        require(all(m < 3 for m in pattern) and noise <= 20, "rps state: bad opponent")
        history = bytes(data[HEADER_SIZE:])
        used = min(rnd, hist_len)
        for i, entry in enumerate(history):
            if i < used:
                require(entry >> 4 < 3 and entry & 0xF < 3, "rps state: bad history entry")
            else:
                require(entry == EMPTY, "rps state: bad empty history entry")
        return RpsState(
            status, bytes(seed), counter, rounds, hist_len, rnd, wins, losses, kind, a, b, plen,
            bytes(pattern), noise, history,
        )  # fmt: skip

    def observe(self, state: RpsState, abi_version: int) -> bytes:
        s = state
        if abi_version == 0:
            value = s.round & 0xFFFF
            for i in range(6):
                entry = s.history[i] if i < s.hist_len else EMPTY
                value |= entry << (16 + 8 * i)
            return value.to_bytes(8, "big")
        if abi_version != 1:
            raise ValueError(f"unknown ABI version {abi_version}")
        pairs = bytearray()
        for entry in s.history:
            pairs += b"\xff\xff" if entry == EMPTY else bytes((entry >> 4, entry & 0xF))
        return _OBS1_HEADER.pack(s.round, s.rounds, s.wins, s.losses, s.hist_len) + pairs

    def to_action(self, state: RpsState, value: int) -> int | None:
        return as_u64(value) % 3

    def step(self, state: RpsState, action: int) -> RpsState:
        s = state
        if s.status != RUNNING:
            raise ValueError("rps: step from a terminal state")
        if not 0 <= action < 3:
            raise ValueError(f"rps: bad action {action}")
        opp = opponent_move(s, draw(s.seed, s.counter))
        wins, losses = s.wins, s.losses
        if action == beats(opp):
            wins += 1
        elif opp == beats(action):
            losses += 1
        rnd = s.round + 1
        return replace(
            s, status=DONE if rnd == s.rounds else RUNNING, counter=s.counter + 1, round=rnd,
            wins=wins, losses=losses, history=bytes((action << 4 | opp,)) + s.history[:-1],
        )  # fmt: skip

    def forfeit(self, state: RpsState) -> RpsState:
        if state.status != RUNNING:
            raise ValueError("rps: forfeit from a terminal state")
        return replace(state, status=FORFEIT_STATUS)

    def is_done(self, state: RpsState) -> bool:
        return state.status != RUNNING

    def score(self, state: RpsState) -> int:
        if state.status == FORFEIT_STATUS:
            return -state.rounds - 1
        return state.wins - state.losses

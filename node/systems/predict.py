"""Predict the next value of a seeded byte sequence with learnable structure.

The generator is one of four PRNG-chosen kinds (affine recurrence, periodic pattern,
Fibonacci-like, second-order) with PRNG noise. Layouts and draws: docs/protocol/systems.md#predict.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace

from node.systems.codec import need_bytes, param_value, params_from_bytes, reject_unknown, require
from node.systems.prng import FORFEIT_STATUS, as_u64, draw

RUNNING, DONE = 0, 1
STATUSES = frozenset({RUNNING, DONE, FORFEIT_STATUS})
KIND_AFFINE, KIND_PERIODIC, KIND_FIBONACCI, KIND_SECOND_ORDER = 0, 1, 2, 3
PATTERN_SLOTS = 8
MAX_POINTS = 4
FORFEIT_SCORE = -1
DEFAULTS = {"length": 100, "noise": 5, "history": 16}
MAX_LENGTH, MAX_NOISE, MIN_HISTORY, MAX_HISTORY = 10_000, 50, 2, 32

_PARAMS = struct.Struct(">HBB")
_HEADER = struct.Struct(">B32sQHBBHIBBBBB8s")
HEADER_SIZE = _HEADER.size  # 64
_OBS1_HEADER = struct.Struct(">HHB")


@dataclass(frozen=True, slots=True)
class PredictState:
    status: int
    seed: bytes
    counter: int
    length: int
    noise: int
    hist_len: int
    steps: int
    score: int
    kind: int
    a: int
    b: int
    c: int
    period: int
    pattern: bytes
    history: bytes  # hist_len values, newest first


def next_value(s: PredictState, t: int, h0: int, h1: int, r: int) -> int:
    """Sequence value number t given the two previous values h0 (newest), h1 and draw r."""
    if r % 100 < s.noise:
        return (r >> 8) % 256
    if s.kind == KIND_AFFINE:
        return (s.a * h0 + s.c) % 256
    if s.kind == KIND_PERIODIC:
        return s.pattern[t % s.period]
    if s.kind == KIND_FIBONACCI:
        return (h0 + h1 + s.c) % 256
    return (s.b * h0 + h1 + s.c) % 256


def points(prediction: int, actual: int) -> int:
    """max(0, 4 - |prediction - actual|): exact hits score 4, near misses less."""
    return max(0, MAX_POINTS - abs(prediction - actual))


class Predict:
    """The predict system (id 4)."""

    name = "predict"
    system_id = 4

    def default_params(self) -> dict[str, int]:
        return dict(DEFAULTS)

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        reject_unknown(params, DEFAULTS)
        length = param_value(params, DEFAULTS, "length", 1, MAX_LENGTH)
        noise = param_value(params, DEFAULTS, "noise", 0, MAX_NOISE)
        history = param_value(params, DEFAULTS, "history", MIN_HISTORY, MAX_HISTORY)
        return _PARAMS.pack(length, noise, history)

    def decode_params(self, params: bytes) -> dict[str, int]:
        return params_from_bytes(params, _PARAMS, DEFAULTS, self.encode_params)

    def initial_state(self, seed: bytes, params: bytes) -> PredictState:
        need_bytes(seed, 32, "seed")
        p = self.decode_params(params)
        seed = bytes(seed)
        r0 = draw(seed, 0)
        state = PredictState(
            status=RUNNING, seed=seed, counter=1, length=p["length"], noise=p["noise"],
            hist_len=p["history"], steps=0, score=0, kind=r0 % 4, a=1 + 2 * ((r0 >> 8) % 8),
            b=(r0 >> 16) % 4, c=(r0 >> 24) % 256, period=2 + (r0 >> 32) % 7,
            pattern=bytes((r0 >> (40 + 8 * i)) % 256 for i in range(PATTERN_SLOTS)),
            history=b"",
        )  # fmt: skip
        h0, h1 = (r0 >> 104) % 256, (r0 >> 112) % 256
        values = []
        for t in range(state.hist_len):
            value = next_value(state, t, h0, h1, draw(seed, 1 + t))
            values.append(value)
            h0, h1 = value, h0
        return replace(state, counter=1 + state.hist_len, history=bytes(reversed(values)))

    def encode(self, state: PredictState) -> bytes:
        s = state
        header = _HEADER.pack(
            s.status, s.seed, s.counter, s.length, s.noise, s.hist_len, s.steps, s.score,
            s.kind, s.a, s.b, s.c, s.period, s.pattern,
        )  # fmt: skip
        return header + s.history

    def decode(self, data: bytes) -> PredictState:
        require(isinstance(data, bytes | bytearray), "predict state: expected bytes")
        require(len(data) >= HEADER_SIZE, "predict state: too short")
        (status, seed, counter, length, noise, hist_len, steps, score, kind, a, b, c, period,
         pattern) = _HEADER.unpack_from(data)  # fmt: skip
        require(len(data) == HEADER_SIZE + hist_len, "predict state: length mismatch")
        require(status in STATUSES, f"predict state: bad status {status}")
        require(1 <= length <= MAX_LENGTH and noise <= MAX_NOISE, "predict state: bad params")
        require(MIN_HISTORY <= hist_len <= MAX_HISTORY, "predict state: bad history length")
        require(steps <= length and score <= MAX_POINTS * steps, "predict state: bad counts")
        require(status != RUNNING or steps < length, "predict state: running past the end")
        require(status != DONE or steps == length, "predict state: done before the end")
        require(kind < 4 and a % 2 == 1 and a <= 15 and b < 4, "predict state: bad generator")
        require(2 <= period <= PATTERN_SLOTS, "predict state: bad period")
        return PredictState(
            status, bytes(seed), counter, length, noise, hist_len, steps, score, kind, a, b, c,
            period, bytes(pattern), bytes(data[HEADER_SIZE:]),
        )  # fmt: skip

    def observe(self, state: PredictState, abi_version: int) -> bytes:
        s = state
        if abi_version == 0:
            recent = s.history[:8]
            return (recent + bytes(8 - len(recent)))[::-1]
        if abi_version != 1:
            raise ValueError(f"unknown ABI version {abi_version}")
        return _OBS1_HEADER.pack(s.steps, s.length, s.hist_len) + s.history

    def to_action(self, state: PredictState, value: int) -> int | None:
        return as_u64(value) % 256

    def step(self, state: PredictState, action: int) -> PredictState:
        s = state
        if s.status != RUNNING:
            raise ValueError("predict: step from a terminal state")
        if not 0 <= action < 256:
            raise ValueError(f"predict: bad action {action}")
        h = s.history
        actual = next_value(s, s.hist_len + s.steps, h[0], h[1], draw(s.seed, s.counter))
        steps = s.steps + 1
        return replace(
            s, status=DONE if steps == s.length else RUNNING, counter=s.counter + 1,
            steps=steps, score=s.score + points(action, actual), history=bytes((actual,)) + h[:-1],
        )  # fmt: skip

    def forfeit(self, state: PredictState) -> PredictState:
        if state.status != RUNNING:
            raise ValueError("predict: forfeit from a terminal state")
        return replace(state, status=FORFEIT_STATUS)

    def is_done(self, state: PredictState) -> bool:
        return state.status != RUNNING

    def score(self, state: PredictState) -> int:
        return FORFEIT_SCORE if state.status == FORFEIT_STATUS else state.score

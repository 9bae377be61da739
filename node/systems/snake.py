"""Snake on a W x H grid: eat apples drawn from the keccak PRNG, die on walls and on yourself.

Byte layouts, action reduction and PRNG use: docs/protocol/systems.md#snake.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

from node.systems.base import BadParams
from node.systems.codec import need_bytes, param_value, params_from_bytes, reject_unknown, require
from node.systems.prng import FORFEIT_STATUS, as_u64, draw

RUNNING, DEAD, OUT_OF_STEPS, BOARD_FULL = 0, 1, 2, 3
STATUSES = frozenset({RUNNING, DEAD, OUT_OF_STEPS, BOARD_FULL, FORFEIT_STATUS})
NO_APPLE = 0xFFFF
UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3
FORFEIT_SCORE = -1
DEFAULT_INITIAL_LENGTH = 3
DEFAULTS = {"width": 20, "height": 20, "max_steps": 500, "initial_length": DEFAULT_INITIAL_LENGTH}
MIN_SIDE, MAX_SIDE = 4, 64
# Observation v1 grid cell values.
CELL_EMPTY, CELL_APPLE, CELL_BODY, CELL_TAIL, CELL_HEAD = 0, 1, 2, 3, 4

_PARAMS = struct.Struct(">BBH")
_FIELDS = {name: DEFAULTS[name] for name in ("width", "height", "max_steps")}
_HEADER = struct.Struct(">B32sQBBHHHBHH")
HEADER_SIZE = _HEADER.size  # 54
_OBS1_HEADER = struct.Struct(">BBBBBBBHHH")


@dataclass(frozen=True, slots=True)
class SnakeState:
    status: int
    seed: bytes
    counter: int
    width: int
    height: int
    max_steps: int
    steps: int
    score: int
    direction: int
    apple: int
    body: tuple[int, ...]  # cell indices y * width + x, head first


def _place_apple(seed: bytes, counter: int, cells: int, occupied: set[int]) -> int:
    """First free cell scanning forward (wrapping) from `draw % cells`."""
    cell = draw(seed, counter) % cells
    while cell in occupied:
        cell = cell + 1 if cell + 1 < cells else 0
    return cell


class Snake:
    """The snake system (id 1)."""

    name = "snake"
    system_id = 1

    def default_params(self) -> dict[str, int]:
        return dict(DEFAULTS)

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        reject_unknown(params, DEFAULTS)
        width = param_value(params, DEFAULTS, "width", MIN_SIDE, MAX_SIDE)
        height = param_value(params, DEFAULTS, "height", MIN_SIDE, MAX_SIDE)
        max_steps = param_value(params, DEFAULTS, "max_steps", 1, 0xFFFF)
        length = param_value(params, DEFAULTS, "initial_length", 1, width // 2 + 1)
        packed = _PARAMS.pack(width, height, max_steps)
        # The default length is left out, so leagues made before the field keep their bytes.
        return packed if length == DEFAULT_INITIAL_LENGTH else packed + bytes([length])

    def decode_params(self, params: bytes) -> dict[str, int]:
        """4 bytes (initial length 3) or 5 (the length last; 3 is refused, one encoding each)."""
        if isinstance(params, bytes | bytearray) and len(params) == _PARAMS.size + 1:
            decoded = params_from_bytes(params[:-1], _PARAMS, _FIELDS, self.encode_params)
            decoded["initial_length"] = params[-1]
            if params[-1] == DEFAULT_INITIAL_LENGTH:
                raise BadParams("initial_length: 3 is the default, encoded by leaving it out")
            self.encode_params(decoded)
            return decoded
        if not isinstance(params, bytes | bytearray) or len(params) != _PARAMS.size:
            raise BadParams(f"params: expected {_PARAMS.size} or {_PARAMS.size + 1} bytes")
        decoded = params_from_bytes(params, _PARAMS, _FIELDS, self.encode_params)
        return {**decoded, "initial_length": DEFAULT_INITIAL_LENGTH}

    def initial_state(self, seed: bytes, params: bytes) -> SnakeState:
        need_bytes(seed, 32, "seed")
        p = self.decode_params(params)
        width, height = p["width"], p["height"]
        cx, cy = width // 2, height // 2
        head = cy * width + cx
        body = tuple(head - i for i in range(p["initial_length"]))  # facing right
        apple = _place_apple(bytes(seed), 0, width * height, set(body))
        return SnakeState(
            RUNNING, bytes(seed), 1, width, height, p["max_steps"], 0, 0, RIGHT, apple, body
        )

    def encode(self, state: SnakeState) -> bytes:
        s = state
        header = _HEADER.pack(
            s.status, s.seed, s.counter, s.width, s.height, s.max_steps, s.steps, s.score,
            s.direction, s.apple, len(s.body),
        )  # fmt: skip
        return header + struct.pack(f">{len(s.body)}H", *s.body)

    def decode(self, data: bytes) -> SnakeState:
        require(isinstance(data, bytes | bytearray), "snake state: expected bytes")
        require(len(data) >= HEADER_SIZE, "snake state: too short")
        (status, seed, counter, width, height, max_steps, steps, score, direction, apple,
         length) = _HEADER.unpack_from(data)  # fmt: skip
        require(len(data) == HEADER_SIZE + 2 * length, "snake state: length mismatch")
        require(status in STATUSES, f"snake state: bad status {status}")
        require(MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE, "snake: bad size")
        require(max_steps >= 1 and steps <= max_steps, "snake state: bad step count")
        require(status != RUNNING or steps < max_steps, "snake state: running past max_steps")
        require(direction < 4, "snake state: bad direction")
        cells = width * height
        require(1 <= length <= cells, "snake state: bad length")
        body = struct.unpack_from(f">{length}H", data, HEADER_SIZE)
        require(all(c < cells for c in body), "snake state: body cell off the grid")
        require(len(set(body)) == length, "snake state: body overlaps itself")
        for a, b in pairwise(body):
            ax, ay, bx, by = a % width, a // width, b % width, b // width
            require(abs(ax - bx) + abs(ay - by) == 1, "snake state: body not contiguous")
        if apple == NO_APPLE:
            require(length == cells, "snake state: no apple on a free board")
        else:
            require(apple < cells and apple not in body, "snake state: bad apple")
        require(score <= cells, "snake state: bad score")
        return SnakeState(
            status, bytes(seed), counter, width, height, max_steps, steps, score, direction,
            apple, body,
        )  # fmt: skip

    def observe(self, state: SnakeState, abi_version: int) -> bytes:
        s = state
        w = s.width
        head = s.body[0]
        hx, hy = head % w, head // w
        ax, ay = (0xFF, 0xFF) if s.apple == NO_APPLE else (s.apple % w, s.apple // w)
        if abi_version == 0:
            value = (
                hx << 24 | hy << 16 | ax << 8 | ay | s.direction << 32 | w << 40 | s.height << 48
            )
            return value.to_bytes(8, "big")
        if abi_version != 1:
            raise ValueError(f"unknown ABI version {abi_version}")
        grid = bytearray(w * s.height)
        for cell in s.body:
            grid[cell] = CELL_BODY
        grid[s.body[-1]] = CELL_TAIL
        grid[head] = CELL_HEAD
        if s.apple != NO_APPLE:
            grid[s.apple] = CELL_APPLE
        header = _OBS1_HEADER.pack(
            w, s.height, hx, hy, ax, ay, s.direction, len(s.body), s.steps, s.max_steps
        )
        return header + grid

    def to_action(self, state: SnakeState, value: int) -> int | None:
        return as_u64(value) % 4

    def step(self, state: SnakeState, action: int) -> SnakeState:
        s = state
        if s.status != RUNNING:
            raise ValueError("snake: step from a terminal state")
        if not 0 <= action < 4:
            raise ValueError(f"snake: bad action {action}")
        w, h = s.width, s.height
        body = s.body
        head = body[0]
        x, y = head % w, head // w
        steps = s.steps + 1
        eats = False
        new_head = head
        dead = (
            (action == UP and y == 0)
            or (action == DOWN and y == h - 1)
            or (action == LEFT and x == 0)
            or (action == RIGHT and x == w - 1)
        )
        if not dead:
            new_head = head + (-w, w, -1, 1)[action]
            eats = new_head == s.apple
            dead = new_head in body and (eats or new_head != body[-1])
        seed, counter, max_steps, score, apple = s.seed, s.counter, s.max_steps, s.score, s.apple
        if dead:
            return SnakeState(
                DEAD, seed, counter, w, h, max_steps, steps, score, action, apple, body
            )
        status = OUT_OF_STEPS if steps == max_steps else RUNNING
        if not eats:
            new_body = (new_head, *body[:-1])
            return SnakeState(
                status, seed, counter, w, h, max_steps, steps, score, action, apple, new_body
            )
        new_body = (new_head, *body)
        cells = w * h
        if len(new_body) == cells:
            status, apple = BOARD_FULL, NO_APPLE
        else:
            apple = _place_apple(seed, counter, cells, set(new_body))
            counter += 1
        return SnakeState(
            status, seed, counter, w, h, max_steps, steps, score + 1, action, apple, new_body
        )

    def forfeit(self, state: SnakeState) -> SnakeState:
        if state.status != RUNNING:
            raise ValueError("snake: forfeit from a terminal state")
        return replace(state, status=FORFEIT_STATUS)

    def is_done(self, state: SnakeState) -> bool:
        return state.status != RUNNING

    def score(self, state: SnakeState) -> int:
        return FORFEIT_SCORE if state.status == FORFEIT_STATUS else state.score

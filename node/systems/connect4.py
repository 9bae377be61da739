"""Connect four (7 x 6) against a seeded opponent: win if it can, block if it must, else a
PRNG-weighted column favouring the centre. Layouts and draws: docs/protocol/systems.md#connect4.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace

from node.systems.codec import need_bytes, param_value, params_from_bytes, reject_unknown, require
from node.systems.prng import FORFEIT_STATUS, as_u64, draw

RUNNING, AGENT_WON, OPPONENT_WON, DRAW = 0, 1, 2, 3
STATUSES = frozenset({RUNNING, AGENT_WON, OPPONENT_WON, DRAW, FORFEIT_STATUS})
COLS, ROWS = 7, 6
CELLS = COLS * ROWS
EMPTY, AGENT, OPPONENT = 0, 1, 2
FIRST_AGENT, FIRST_OPPONENT, FIRST_RANDOM = 0, 1, 2
WEIGHTS = (1, 2, 3, 4, 3, 2, 1)
SCORES = {RUNNING: 0, AGENT_WON: 3, OPPONENT_WON: 0, DRAW: 1, FORFEIT_STATUS: -1}
DEFAULTS = {"first": FIRST_RANDOM, "noise": 20}

_PARAMS = struct.Struct(">BB")
_HEADER = struct.Struct(">B32sQBBB")
HEADER_SIZE = _HEADER.size  # 44
STATE_SIZE = HEADER_SIZE + CELLS  # 86
_DIRECTIONS = ((1, 0), (0, 1), (1, 1), (1, -1))


@dataclass(frozen=True, slots=True)
class Connect4State:
    status: int
    seed: bytes
    counter: int
    first: int
    noise: int
    moves: int
    board: bytes  # 42 cells, index column * 6 + row, row 0 at the bottom


def height(board: bytes | bytearray, col: int) -> int:
    """Number of discs in a column."""
    base = col * ROWS
    row = 0
    while row < ROWS and board[base + row] != EMPTY:
        row += 1
    return row


def wins_at(board: bytes | bytearray, col: int, row: int, player: int) -> bool:
    """Would `player` have four in a row through (col, row) if it held that cell?"""
    for dc, dr in _DIRECTIONS:
        run = 1
        for sign in (1, -1):
            c, r = col + sign * dc, row + sign * dr
            while 0 <= c < COLS and 0 <= r < ROWS and board[c * ROWS + r] == player:
                run += 1
                c, r = c + sign * dc, r + sign * dr
        if run >= 4:
            return True
    return False


def opponent_column(board: bytes | bytearray, noise: int, r: int) -> int:
    """The opponent's column for draw r; the board has at least one playable column."""
    heights = [height(board, c) for c in range(COLS)]
    if r % 100 >= noise:
        for player in (OPPONENT, AGENT):
            for c in range(COLS):
                if heights[c] < ROWS and wins_at(board, c, heights[c], player):
                    return c
    total = sum(WEIGHTS[c] for c in range(COLS) if heights[c] < ROWS)
    k = (r >> 8) % total
    for c in range(COLS):
        if heights[c] < ROWS:
            if k < WEIGHTS[c]:
                return c
            k -= WEIGHTS[c]
    raise AssertionError("unreachable: no playable column")


class Connect4:
    """The connect4 system (id 3)."""

    name = "connect4"
    system_id = 3

    def default_params(self) -> dict[str, int]:
        return dict(DEFAULTS)

    def encode_params(self, params: Mapping[str, int]) -> bytes:
        reject_unknown(params, DEFAULTS)
        first = param_value(params, DEFAULTS, "first", 0, 2)
        noise = param_value(params, DEFAULTS, "noise", 0, 100)
        return _PARAMS.pack(first, noise)

    def decode_params(self, params: bytes) -> dict[str, int]:
        return params_from_bytes(params, _PARAMS, DEFAULTS, self.encode_params)

    def _opponent_plays(self, s: Connect4State) -> Connect4State:
        board = bytearray(s.board)
        col = opponent_column(board, s.noise, draw(s.seed, s.counter))
        row = height(board, col)
        board[col * ROWS + row] = OPPONENT
        moves = s.moves + 1
        status = (
            OPPONENT_WON
            if wins_at(board, col, row, OPPONENT)
            else DRAW
            if moves == CELLS
            else RUNNING
        )
        return replace(s, status=status, counter=s.counter + 1, moves=moves, board=bytes(board))

    def initial_state(self, seed: bytes, params: bytes) -> Connect4State:
        need_bytes(seed, 32, "seed")
        p = self.decode_params(params)
        seed = bytes(seed)
        first, counter = p["first"], 0
        opponent_first = first == FIRST_OPPONENT
        if first == FIRST_RANDOM:
            opponent_first = draw(seed, 0) % 2 == 1
            counter = 1
        state = Connect4State(RUNNING, seed, counter, first, p["noise"], 0, bytes(CELLS))
        return self._opponent_plays(state) if opponent_first else state

    def encode(self, state: Connect4State) -> bytes:
        s = state
        return _HEADER.pack(s.status, s.seed, s.counter, s.first, s.noise, s.moves) + s.board

    def decode(self, data: bytes) -> Connect4State:
        require(isinstance(data, bytes | bytearray), "connect4 state: expected bytes")
        require(len(data) == STATE_SIZE, f"connect4 state: expected {STATE_SIZE} bytes")
        status, seed, counter, first, noise, moves = _HEADER.unpack_from(data)
        board = bytes(data[HEADER_SIZE:])
        require(status in STATUSES, f"connect4 state: bad status {status}")
        require(first <= 2 and noise <= 100, "connect4 state: bad params")
        require(all(cell <= OPPONENT for cell in board), "connect4 state: bad cell")
        for c in range(COLS):
            h = height(board, c)
            require(
                all(board[c * ROWS + r] == EMPTY for r in range(h, ROWS)),
                "connect4 state: floating disc",
            )
        discs = sum(1 for cell in board if cell != EMPTY)
        require(moves == discs, "connect4 state: move count does not match the board")
        agent = sum(1 for cell in board if cell == AGENT)
        require(abs(2 * agent - discs) <= 1, "connect4 state: disc counts out of turn")
        require(status != RUNNING or moves < CELLS, "connect4 state: running on a full board")
        return Connect4State(status, bytes(seed), counter, first, noise, moves, board)

    def observe(self, state: Connect4State, abi_version: int) -> bytes:
        board = state.board
        heights = bytes(height(board, c) for c in range(COLS))
        if abi_version == 0:
            value = 0
            for c in range(COLS):
                mask = 0
                for r in range(heights[c]):
                    if board[c * ROWS + r] == AGENT:
                        mask |= 1 << r
                value |= (mask | heights[c] << 6) << (9 * c)
            return value.to_bytes(8, "big")
        if abi_version != 1:
            raise ValueError(f"unknown ABI version {abi_version}")
        return bytes((state.moves,)) + heights + board

    def to_action(self, state: Connect4State, value: int) -> int | None:
        col = as_u64(value) % COLS
        return None if state.board[col * ROWS + ROWS - 1] != EMPTY else col

    def step(self, state: Connect4State, action: int) -> Connect4State:
        s = state
        if s.status != RUNNING:
            raise ValueError("connect4: step from a terminal state")
        if not 0 <= action < COLS or s.board[action * ROWS + ROWS - 1] != EMPTY:
            raise ValueError(f"connect4: bad action {action}")
        board = bytearray(s.board)
        row = height(board, action)
        board[action * ROWS + row] = AGENT
        moves = s.moves + 1
        after = replace(s, moves=moves, board=bytes(board))
        if wins_at(board, action, row, AGENT):
            return replace(after, status=AGENT_WON)
        if moves == CELLS:
            return replace(after, status=DRAW)
        return self._opponent_plays(after)

    def forfeit(self, state: Connect4State) -> Connect4State:
        if state.status != RUNNING:
            raise ValueError("connect4: forfeit from a terminal state")
        return replace(state, status=FORFEIT_STATUS)

    def is_done(self, state: Connect4State) -> bool:
        return state.status != RUNNING

    def score(self, state: Connect4State) -> int:
        return SCORES[state.status]

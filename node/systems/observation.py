"""The one description of every system's observation fields, for both ABIs.

Everything else is derived from it: the Python decoder below, the field tables of
docs/protocol/agents.md and the accessors each agent template gets in its language
(node.agents.headers). tests/agents/test_observation_layouts.py holds the decoder to the
systems' own `observe`, so an agent reading a field through its header reads what the system
wrote.

ABI v0 fields are bit ranges of the u64 observation; ABI v1 fields are big-endian unsigned
integers at byte offsets. An array field repeats with a stride (bits or bytes) and has a count
that is a number or the name of a scalar field of the same observation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field: `at` is the first bit (v0) or byte (v1); `size` is bits (v0) or bytes (v1)."""

    name: str
    at: int
    size: int
    doc: str
    count: int | str | None = None
    """None for a scalar; for an array, its length (a number or a scalar field's name)."""
    stride: int = 0
    """Distance between consecutive elements, in bits (v0) or bytes (v1)."""


@dataclass(frozen=True)
class Layout:
    system: str
    abi: int
    fields: tuple[Field, ...]
    max_bytes: int
    """Longest observation over every params value (v0: 8): the buffer an agent reserves."""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _f(name: str, at: int, size: int, doc: str, count: int | str | None = None, stride: int = 0):
    return Field(name, at, size, doc, count, stride)


LAYOUTS: dict[tuple[str, int], Layout] = {
    ("snake", 0): Layout("snake", 0, (
        _f("apple_y", 0, 8, "apple row, 255 when the board is full"),
        _f("apple_x", 8, 8, "apple column, 255 when the board is full"),
        _f("head_y", 16, 8, "head row"),
        _f("head_x", 24, 8, "head column"),
        _f("direction", 32, 8, "last move: 0 up, 1 down, 2 left, 3 right"),
        _f("width", 40, 8, "grid width"),
        _f("height", 48, 8, "grid height"),
    ), 8),
    ("snake", 1): Layout("snake", 1, (
        _f("width", 0, 1, "grid width"),
        _f("height", 1, 1, "grid height"),
        _f("head_x", 2, 1, "head column"),
        _f("head_y", 3, 1, "head row"),
        _f("apple_x", 4, 1, "apple column, 255 when the board is full"),
        _f("apple_y", 5, 1, "apple row, 255 when the board is full"),
        _f("direction", 6, 1, "last move: 0 up, 1 down, 2 left, 3 right"),
        _f("length", 7, 2, "body length"),
        _f("steps", 9, 2, "steps taken"),
        _f("max_steps", 11, 2, "step limit"),
        _f("cell", 13, 1, "cell y * width + x: 0 empty, 1 apple, 2 body, 3 tail, 4 head",
           "cells", 1),
    ), 13 + 64 * 64),
    ("rps", 0): Layout("rps", 0, (
        _f("round", 0, 16, "rounds played"),
        _f("opponent", 16, 4, "opponent's move i rounds ago (0 newest), 15 when empty", 6, 8),
        _f("agent", 20, 4, "agent's move i rounds ago (0 newest), 15 when empty", 6, 8),
    ), 8),
    ("rps", 1): Layout("rps", 1, (
        _f("round", 0, 2, "rounds played"),
        _f("rounds", 2, 2, "rounds in the match"),
        _f("wins", 4, 2, "rounds won"),
        _f("losses", 6, 2, "rounds lost"),
        _f("history", 8, 1, "length H of the history below"),
        _f("agent", 9, 1, "agent's move i rounds ago (0 newest), 255 when empty", "history", 2),
        _f("opponent", 10, 1, "opponent's move i rounds ago, 255 when empty", "history", 2),
    ), 9 + 2 * 32),
    ("connect4", 0): Layout("connect4", 0, (
        _f("mine", 0, 6, "column c: the agent's discs, bit r = row r (0 at the bottom)", 7, 9),
        _f("height", 6, 3, "column c: discs in it (0..6)", 7, 9),
    ), 8),
    ("connect4", 1): Layout("connect4", 1, (
        _f("discs", 0, 1, "discs on the board"),
        _f("height", 1, 1, "column c: discs in it (0..6)", 7, 1),
        _f("board", 8, 1, "cell c * 6 + r (row 0 at the bottom): 0 empty, 1 agent, 2 opponent",
           42, 1),
    ), 50),
    ("predict", 0): Layout("predict", 0, (
        _f("value", 0, 8, "value i (0 newest), 0 when the history is shorter", 8, 8),
    ), 8),
    ("predict", 1): Layout("predict", 1, (
        _f("made", 0, 2, "predictions made"),
        _f("length", 2, 2, "predictions in the match"),
        _f("history", 4, 1, "length H of the history below"),
        _f("value", 5, 1, "value i (0 newest)", "history", 1),
    ), 5 + 32),
}  # fmt: skip
"""(system, abi) -> Layout. snake v1's `cells` count is width * height (see `count_of`)."""


def layout(system: str, abi: int) -> Layout:
    try:
        return LAYOUTS[(system, abi)]
    except KeyError:
        raise ValueError(f"no observation layout for {system} ABI v{abi}") from None


def count_of(lay: Layout, scalars: dict[str, int], field: Field) -> int:
    """The length of an array field given the decoded scalars."""
    if isinstance(field.count, int):
        return field.count
    if field.count == "cells":
        return scalars["width"] * scalars["height"]
    assert field.count is not None, field.name
    return scalars[field.count]


def _read(data: bytes, abi: int, at: int, size: int) -> int:
    if abi == 0:
        return (int.from_bytes(data, "big") >> at) & ((1 << size) - 1)
    if at + size > len(data):
        raise ValueError(f"observation of {len(data)} bytes has no byte {at + size - 1}")
    return int.from_bytes(data[at : at + size], "big")


def decode_observation(system: str, abi: int, data: bytes) -> dict[str, int | list[int]]:
    """Every field of an observation by name (arrays as lists); ValueError for a wrong size."""
    lay = layout(system, abi)
    if abi == 0 and len(data) != 8:
        raise ValueError(f"ABI v0 observation must be 8 bytes, got {len(data)}")
    scalars = {f.name: _read(data, abi, f.at, f.size) for f in lay.fields if f.count is None}
    decoded: dict[str, int | list[int]] = dict(scalars)
    end = 8 if abi == 0 else max((f.at + f.size for f in lay.fields if f.count is None), default=0)
    for f in lay.fields:
        if f.count is None:
            continue
        n = count_of(lay, scalars, f)
        decoded[f.name] = [_read(data, abi, f.at + i * f.stride, f.size) for i in range(n)]
        if abi == 1 and n:
            end = max(end, f.at + (n - 1) * f.stride + f.size)
    if abi == 1 and end != len(data):
        raise ValueError(f"{system} ABI v1 observation: {len(data)} bytes, fields end at {end}")
    return decoded

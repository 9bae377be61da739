"""Step entries and match summaries: the two leaf formats of trace format v1.

Both are ``abi.encodePacked`` of fixed-width big-endian fields, so a struct format is the
whole codec (docs/protocol/trace.md has the layouts and a worked example).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Self

_STEP = struct.Struct(">I32sBQ32s")
_SUMMARY = struct.Struct(">I32s32sIq")

STEP_ENTRY_SIZE = _STEP.size
"""77 bytes: uint32 step, bytes32 pre, uint8 outcome, uint64 action, bytes32 post."""
MATCH_SUMMARY_SIZE = _SUMMARY.size
"""80 bytes: uint32 index, bytes32 seed, bytes32 trace root, uint32 steps, int64 score."""

pack_step_entry = _STEP.pack
"""Hot-path encoder: (step, pre, outcome, action, post) -> 77 bytes, no validation."""

UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def _check_hash(name: str, value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes")


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} out of range: {value}")


@dataclass(frozen=True, slots=True)
class StepEntry:
    """One decision of a match: where it started, what the agent did, where it ended."""

    step: int
    pre_state_hash: bytes
    outcome: int
    action: int
    post_state_hash: bytes

    def __post_init__(self) -> None:
        _check_range("step", self.step, 0, UINT32_MAX)
        _check_range("outcome", self.outcome, 0, 255)
        _check_range("action", self.action, 0, UINT64_MAX)
        _check_hash("pre_state_hash", self.pre_state_hash)
        _check_hash("post_state_hash", self.post_state_hash)

    def encode(self) -> bytes:
        """abi.encodePacked(uint32, bytes32, uint8, uint64, bytes32): 77 bytes."""
        return _STEP.pack(
            self.step, self.pre_state_hash, int(self.outcome), self.action, self.post_state_hash
        )

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Inverse of encode; ValueError unless ``data`` is exactly 77 bytes."""
        if len(data) != STEP_ENTRY_SIZE:
            raise ValueError(f"a step entry is {STEP_ENTRY_SIZE} bytes, got {len(data)}")
        step, pre, outcome, action, post = _STEP.unpack(data)
        return cls(step, pre, outcome, action, post)


@dataclass(frozen=True, slots=True)
class MatchSummary:
    """One match of a claim: its seed, its trace root, its length and its score."""

    match_index: int
    match_seed: bytes
    trace_root: bytes
    steps: int
    score: int

    def __post_init__(self) -> None:
        _check_range("match_index", self.match_index, 0, UINT32_MAX)
        _check_range("steps", self.steps, 0, UINT32_MAX)
        _check_range("score", self.score, INT64_MIN, INT64_MAX)
        _check_hash("match_seed", self.match_seed)
        _check_hash("trace_root", self.trace_root)

    def encode(self) -> bytes:
        """abi.encodePacked(uint32, bytes32, bytes32, uint32, int64): 80 bytes."""
        return _SUMMARY.pack(
            self.match_index, self.match_seed, self.trace_root, self.steps, self.score
        )

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Inverse of encode; ValueError unless ``data`` is exactly 80 bytes."""
        if len(data) != MATCH_SUMMARY_SIZE:
            raise ValueError(f"a match summary is {MATCH_SUMMARY_SIZE} bytes, got {len(data)}")
        return cls(*_SUMMARY.unpack(data))

"""Step entry and match summary codecs: byte-equal to abi.encodePacked, strict decoders."""

from __future__ import annotations

import pytest
from eth_abi.packed import encode_packed
from hypothesis import given
from hypothesis import strategies as st

from node.trace import MATCH_SUMMARY_SIZE, STEP_ENTRY_SIZE, MatchSummary, StepEntry

hashes = st.binary(min_size=32, max_size=32)
u32 = st.integers(0, 2**32 - 1)
u64 = st.integers(0, 2**64 - 1)
i64 = st.integers(-(2**63), 2**63 - 1)
step_entries = st.builds(StepEntry, u32, hashes, st.integers(0, 255), u64, hashes)
summaries = st.builds(MatchSummary, u32, hashes, hashes, u32, i64)


@given(step_entries)
def test_step_entry_matches_encode_packed_and_round_trips(entry: StepEntry) -> None:
    packed = encode_packed(
        ["uint32", "bytes32", "uint8", "uint64", "bytes32"],
        [entry.step, entry.pre_state_hash, entry.outcome, entry.action, entry.post_state_hash],
    )
    assert entry.encode() == packed
    assert len(packed) == STEP_ENTRY_SIZE == 77
    assert StepEntry.decode(packed) == entry


@given(summaries)
def test_summary_matches_encode_packed_and_round_trips(summary: MatchSummary) -> None:
    packed = encode_packed(
        ["uint32", "bytes32", "bytes32", "uint32", "int64"],
        [summary.match_index, summary.match_seed, summary.trace_root, summary.steps, summary.score],
    )
    assert summary.encode() == packed
    assert len(packed) == MATCH_SUMMARY_SIZE == 80
    assert MatchSummary.decode(packed) == summary


def test_negative_score_is_twos_complement() -> None:
    summary = MatchSummary(1, b"\x11" * 32, b"\x22" * 32, 3, -1)
    assert summary.encode()[-8:] == b"\xff" * 8
    assert MatchSummary.decode(summary.encode()).score == -1


@given(st.binary(max_size=200).filter(lambda b: len(b) != STEP_ENTRY_SIZE))
def test_step_entry_decode_rejects_wrong_lengths(data: bytes) -> None:
    with pytest.raises(ValueError, match="77 bytes"):
        StepEntry.decode(data)


@given(st.binary(max_size=200).filter(lambda b: len(b) != MATCH_SUMMARY_SIZE))
def test_summary_decode_rejects_wrong_lengths(data: bytes) -> None:
    with pytest.raises(ValueError, match="80 bytes"):
        MatchSummary.decode(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("step", -1), ("step", 2**32), ("outcome", 256), ("action", 2**64), ("action", -1)],
)
def test_step_entry_rejects_out_of_range_fields(field: str, value: int) -> None:
    fields = {"step": 0, "outcome": 0, "action": 0} | {field: value}
    with pytest.raises(ValueError, match=field):
        StepEntry(fields["step"], b"\0" * 32, fields["outcome"], fields["action"], b"\0" * 32)


def test_entries_reject_short_hashes() -> None:
    with pytest.raises(ValueError, match="pre_state_hash"):
        StepEntry(0, b"\0" * 31, 0, 0, b"\0" * 32)
    with pytest.raises(ValueError, match="trace_root"):
        MatchSummary(0, b"\0" * 32, b"\0" * 33, 0, 0)
    with pytest.raises(ValueError, match="score"):
        MatchSummary(0, b"\0" * 32, b"\0" * 32, 0, 2**63)

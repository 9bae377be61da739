"""`nets inspect` on hostile files: a summary or a TraceFormatError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from node.sim.tracestats import TraceFormatError, summarize

_lines = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.sampled_from(
            [
                b'{"kind":"receive","lat":"x"}',
                b'{"kind":"drop"}',
                b'{"kind":"layer","layer":[1],"event":{}}',
                b'{"kind":5}',
                b"[1,2]",
                b'{"kind":"receive","lat":-3,"agent":"a"}',
                b'{"kind":"run","name":"n"}',
                b"9" * 5000,
            ]
        ),
    ),
    max_size=12,
)


@given(_lines)
@settings(max_examples=150, deadline=None)
def test_hostile_traces_summarize_or_fail_cleanly(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.jsonl"
        path.write_bytes(b"\n".join(lines))
        try:
            summary = summarize(path)
        except TraceFormatError:
            return
        assert summary.lines <= len(lines)
        assert summary.root.startswith("0x")

"""Readable chain times in errors (node.times)."""

from __future__ import annotations

from adapters.errors import ChainError
from node.times import explain, readable, span

NOW = 1_796_320_802  # 2026-12-03 18:00:02 UTC


def test_span_reads_like_a_person_would_say_it() -> None:
    assert [span(s) for s in (0, 59, 60, 185, 3_600, 3_660, 86_400, 90_000)] == [
        "0 s", "59 s", "1 min", "3 min", "1 h", "1 h 1 min", "1 d", "1 d 1 h",
    ]  # fmt: skip


def test_readable_is_utc_and_the_distance_from_the_chains_now() -> None:
    assert readable(NOW) == "2026-12-03 18:00:02 UTC"
    assert readable(NOW + 180, NOW) == "2026-12-03 18:03:02 UTC, in 3 min"
    assert readable(NOW - 45, NOW) == "2026-12-03 17:59:17 UTC, 45 s ago"
    assert readable(NOW, NOW) == "2026-12-03 18:00:02 UTC, now"
    assert readable(2**64) == str(2**64)  # beyond any calendar: the number as it is


def test_explain_rewrites_only_the_deadline_errors() -> None:
    late = ChainError("MoveTooLate", (NOW - 7,))
    assert explain(late, NOW) == f"MoveTooLate({NOW - 7}: 2026-12-03 17:59:55 UTC, 7 s ago)"
    ready = ChainError("UnstakeNotReady", (NOW + 180,))
    assert explain(ready, NOW) == f"UnstakeNotReady({NOW + 180}: 2026-12-03 18:03:02 UTC, in 3 min)"
    other = ChainError("WrongBond", (1, 2))
    assert explain(other, NOW) == str(other)

"""`nets report` reads its trace once (metrics and validators in one pass), and its HTML is
byte-identical to rendering the two separate reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from node.sim.report import collect, data, render
from node.sim.validators import core, load_trace, run_suite
from tests.cli_hostile.conftest import Nets


@pytest.fixture
def trace(nets: Nets, workdir: Path) -> Path:
    path = workdir / "auction.jsonl"
    assert nets("run", "auction", "-o", str(path)).code == 0
    return path


def test_the_trace_is_read_once(
    nets: Nets, workdir: Path, trace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []

    def counting(
        read: Callable[..., Iterator[tuple[int, Any]]],
    ) -> Callable[..., Iterator[tuple[int, Any]]]:
        def spy(path: Path, *args: Any) -> Iterator[tuple[int, Any]]:
            opened.append(path)
            return read(path, *args)

        return spy

    monkeypatch.setattr(data, "read_events", counting(core.read_events))
    monkeypatch.setattr(core, "read_events", counting(core.read_events))
    assert nets("report", str(trace), "-o", str(workdir / "r.html")).code == 0
    assert opened == [trace]


def test_the_html_is_what_two_separate_reads_render(nets: Nets, workdir: Path, trace: Path) -> None:
    out = workdir / "r.html"
    assert nets("report", str(trace), "-o", str(out)).code == 0
    expected = render(collect(trace), run_suite(load_trace(trace), "auction"), "auction", "")
    assert out.read_text(encoding="utf-8") == expected

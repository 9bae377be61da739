"""`nets sim verify` says when a trace is cut short (a prefix of its replay), and only then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_hostile.conftest import Nets


@pytest.fixture
def trace(nets: Nets, workdir: Path) -> Path:
    path = workdir / "pp.jsonl"
    assert nets("run", "pingpong", "-o", str(path)).code == 0
    return path


def verify(nets: Nets, path: Path) -> tuple[int, dict[str, object]]:
    outcome = nets("sim", "verify", str(path), "--json")
    return outcome.code, json.loads(outcome.stdout)


def test_a_whole_trace_is_not_truncated(nets: Nets, trace: Path) -> None:
    code, result = verify(nets, trace)
    assert code == 0
    assert result["truncated"] is False
    assert result["verified"] is True


@pytest.mark.parametrize("cut", ["at a line end", "mid-line"])
def test_a_cut_trace_is_reported_truncated(
    nets: Nets, trace: Path, workdir: Path, cut: str
) -> None:
    data = trace.read_bytes()
    half = data[: len(data) // 2]
    half = half[: half.rindex(b"\n") + 1] if cut == "at a line end" else half.rstrip(b"\n")
    short = workdir / "short.jsonl"
    short.write_bytes(half)
    code, result = verify(nets, short)
    assert code == 1
    assert result["truncated"] is True
    assert result["verified"] is False
    human = nets("sim", "verify", str(short))
    assert "trace is truncated" in human.stdout


def test_an_edited_shorter_trace_is_a_mismatch_not_a_truncation(
    nets: Nets, trace: Path, workdir: Path
) -> None:
    lines = trace.read_bytes().splitlines(keepends=True)
    edited = [*lines[:3], lines[3].replace(b'"t":', b'"t": '), *lines[4:10]]
    short = workdir / "edited.jsonl"
    short.write_bytes(b"".join(edited))
    code, result = verify(nets, short)
    assert code == 1
    assert result["truncated"] is False

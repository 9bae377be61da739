"""node.cli.plain prints what rich prints on a console that is not a terminal, or declines."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape

from node.cli.common import titled_table
from node.cli.plain import Justify, console_width, plain_stream, table_text

ROOT = Path(__file__).resolve().parents[2]
NETS = str(Path(sys.executable).with_name("nets"))


def rich_text(
    title: str,
    columns: Sequence[tuple[str, Justify]],
    rows: Sequence[Sequence[str]],
    lines: Sequence[str],
    width: int,
) -> str:
    """What `nets run` printed through rich before node.cli.plain (same table, same calls)."""
    buf = io.StringIO()
    console = Console(file=buf, highlight=False, width=width)
    table = titled_table(escape(title))
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for row in rows:
        table.add_row(*map(escape, row))
    console.print(table)
    for line in lines:
        console.print(escape(line))
    return buf.getvalue()


word = st.text("abcXYZ019_-./(),%'", min_size=1, max_size=12)
plain_words = st.lists(word, min_size=1, max_size=4).map(" ".join)
"""What tables print: words and single or double spaces (the plain path takes these)."""
text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
wide = st.text(st.characters(min_codepoint=0x09, max_codepoint=0x2600), max_size=30)
"""Markup, emoji codes, edge spaces, tabs, wide and combining characters: mostly declined."""


@st.composite
def tables(draw: st.DrawFn, cells: st.SearchStrategy[str]) -> tuple[object, ...]:
    justify = st.sampled_from(["left", "right"])
    columns = draw(st.lists(st.tuples(cells, justify), min_size=1, max_size=4))
    row = st.lists(cells, min_size=len(columns), max_size=len(columns))
    rows = draw(st.lists(row, max_size=5))
    return draw(cells), columns, rows, draw(st.lists(cells, max_size=3)), draw(st.integers(8, 140))


@settings(max_examples=400, deadline=None)
@given(tables(plain_words) | tables(plain_words | text) | tables(wide))
def test_plain_text_is_rich_text_or_declines(case: tuple[object, ...]) -> None:
    title, columns, rows, lines, width = case
    got = table_text(title, columns, rows, lines, width=width)  # type: ignore[arg-type]
    if got is not None:
        assert got == rich_text(title, columns, rows, lines, width)  # type: ignore[arg-type]


def test_the_run_summary_takes_the_plain_path() -> None:
    columns: list[tuple[str, Justify]] = [("measure", "left"), ("value", "right")]
    rows = [("agents", "1000"), ("messages sent / delivered", "35414 / 35414")]
    lines = ["trace  traces/m.jsonl (102982 lines)", "root   0x" + "ab" * 32]
    got = table_text("marketplace_1000 (seed 42)", columns, rows, lines, width=80)
    assert got is not None
    assert got == rich_text("marketplace_1000 (seed 42)", columns, rows, lines, 80)


@pytest.mark.parametrize("columns", [None, "37", "200", "0", "x"])
def test_width_is_riches_width(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert console_width() == Console(file=io.StringIO()).width


def test_terminals_and_forced_colour_go_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert plain_stream(io.StringIO())
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        with monkeypatch.context() as env:
            env.setenv(name, "1")
            assert not plain_stream(io.StringIO())
    assert not plain_stream(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    primary, replica = os.openpty()
    try:
        with open(replica, "w", closefd=False) as tty:
            assert not plain_stream(tty)
    finally:
        os.close(primary)
        os.close(replica)


def test_nets_run_output_is_the_same_with_and_without_rich(tmp_path: Path) -> None:
    """Piped `nets run`: plain path; FORCE_COLOR="" makes rich draw (still without colour)."""

    def run(env: dict[str, str]) -> list[str]:
        done = subprocess.run(
            [NETS, "run", "auction", "-o", str(tmp_path / "t.jsonl")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        timing = ("wall time", "events/s")  # the only lines that differ between two runs
        return [line for line in done.stdout.splitlines() if not line.startswith(timing, 1)]

    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    assert run(base) == run({**base, "FORCE_COLOR": ""})

"""Plain text for output that goes to a pipe or a file, byte for byte what rich would print there.

Importing rich costs a quick command such as `nets run FILE` about a tenth of its CPU time, and
when stdout is not a terminal rich draws no colour: a table is spaces, one rule and the cells.
``table_text`` draws that case itself (the CLI's table shape, ``node.cli.common.titled_table``)
and returns None whenever the output might differ from rich's (a terminal or forced colour, a
non-UTF-8 stream, text rich would wrap or rewrite: markup, emoji codes, non-ASCII), so the
caller falls back to rich. tests/cli/test_plain.py checks it against rich itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Literal, TextIO

Justify = Literal["left", "right"]

_SAFE = re.compile(r"[ !-9;-Z^-~]*")
"""Printable ASCII without ``:`` (emoji codes), ``[`` ``]`` ``\\`` (markup): text rich prints as is."""


def console_width() -> int:
    """The width rich gives a console that is not a terminal: $COLUMNS, else the size of the
    first of stdin, stdout, stderr that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def plain_stream(stream: TextIO) -> bool:
    """True when rich would draw on ``stream`` without colour or box substitutes: not a
    terminal, no TTY_COMPATIBLE/FORCE_COLOR override, a UTF encoding."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        if stream.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    return encoding.startswith("utf")


def _safe(text: str) -> bool:
    return _SAFE.fullmatch(text) is not None and text == text.strip()


def table_text(
    title: str,
    columns: Sequence[tuple[str, Justify]],
    rows: Sequence[Sequence[str]],
    lines: Sequence[str] = (),
    *,
    width: int,
) -> str | None:
    """``title`` over a table of ``columns`` (header, justification) and ``rows``, then the
    ``lines``, as rich prints them on a ``width``-column console that is not a terminal; None
    when any of it would not print as is (the caller then uses rich)."""
    texts = [title, *lines, *(h for h, _ in columns), *(c for row in rows for c in row)]
    if not title or not all(_safe(t) for t in texts) or any(len(r) != len(columns) for r in rows):
        return None
    widths = [max((len(h), *(len(row[i]) for row in rows))) for i, (h, _) in enumerate(columns)]
    total = sum(widths) + 2 * len(columns)
    too_wide = total > width or len(title) > total or any(len(line) > width for line in lines)
    if too_wide or min(widths) == 0:
        return None

    def row_line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if justify == "right" else cell.ljust(w)
            for cell, w, (_, justify) in zip(cells, widths, columns, strict=True)
        ]
        return " " + "  ".join(parts) + " "

    blank = " " * total
    out = [title.ljust(total), blank, row_line([h for h, _ in columns])]
    out.append(" " + "\u2500" * (total - 2) + " ")
    out += [row_line(row) for row in rows]
    out.append(blank)
    out += lines
    return "\n".join(out) + "\n"

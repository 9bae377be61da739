"""Shared CLI conventions: exit code 2 with a one-line reason (node.cli.usage), --json output,
hex parsing.

rich loads on first use of ``console``, ``err_console``, a table or a progress bar: a command
whose output is JSON or plain text (node.cli.plain) does not pay for it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from node.cli.usage import BadInput as BadInput
from node.cli.usage import OneLineUsageGroup as OneLineUsageGroup
from node.cli.usage import one_line as one_line
from node.trace.seed import UINT256_MAX

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    console: Console
    err_console: Console

F = TypeVar("F", bound=Callable[..., Any])


def __getattr__(name: str) -> Any:
    """``console`` (stdout) and ``err_console`` (stderr), made on first use."""
    if name not in ("console", "err_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _made(name)


def _made(name: str) -> Console:
    found = globals().get(name)
    if found is None:
        from rich.console import Console

        found = globals()[name] = Console(stderr=name == "err_console", highlight=False)
    return found


def progress_bar(unit: str, *, disable: bool) -> Progress:
    """The bar long commands show on stderr (done/total of ``unit``, time spent); none with
    --json, and it disappears when done."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn(unit),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_made("err_console"),
        transient=True,
        disable=disable,
    )


class Uint256(click.ParamType):
    """A decimal uint256 (agent ids, wei): help shows the type, not a 78-digit range."""

    name = "uint256"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip(), 10)
            except ValueError:
                self.fail(f"{value!r} is not a decimal integer", param, ctx)
        if not 0 <= number <= UINT256_MAX:
            self.fail(f"{value} is not between 0 and 2**256-1", param, ctx)
        return number


UINT256 = Uint256()


def titled_table(title: str, **options: Any) -> Table:
    """Every table the CLI prints: title on the left, no vertical borders, no doubled padding,
    so a wide row still fits an 80-column terminal."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        **options,
    )


def json_option(func: F) -> F:
    """The `--json` flag every command that reports something offers."""
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(
        func
    )


def to_jsonable(value: Any) -> Any:
    """Dataclasses, bytes (as 0x hex) and containers to plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return to_jsonable(model_dump())
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and infinities (e.g. read from a crafted trace) have no JSON form
    return value


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    click.echo(json.dumps(to_jsonable(value), sort_keys=False))


def refuse_overwriting_input(out: str | Path, option: str, *inputs: str | Path) -> None:
    """BadInput when the output path ``out`` is one of the command's input files: writing it
    would destroy the input before (or while) it is read."""
    for source in inputs:
        try:
            same = os.path.samefile(out, source)
        except OSError:  # either does not exist (yet): they cannot be the same file
            continue
        if same:
            raise BadInput(f"{option}: {out} is the input file {source}; choose another path")


def discard_partial(*paths: str | Path) -> None:
    """Remove output files a failed command left half-written. Regular files only: an output
    may be a device such as /dev/full or /dev/null, which must stay."""
    for path in map(Path, paths):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def parse_hex(text: str, *, what: str, length: int | None = None) -> bytes:
    """Parse 0x-prefixed hex, raising BadInput naming ``what`` on failure."""
    body = text[2:] if text.lower().startswith("0x") else text
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise BadInput(f"{what}: not valid hex: {text!r}") from None
    if length is not None and len(raw) != length:
        raise BadInput(f"{what}: expected {length} bytes, got {len(raw)}")
    return raw

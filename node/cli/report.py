"""`nets report TRACE -o report.html`: a self-contained HTML report of a simulator trace."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import (
    BadInput,
    console,
    discard_partial,
    json_option,
    print_json,
    refuse_overwriting_input,
)
from node.cli.options import output_option
from node.sim.report import collect, render
from node.sim.validators import TraceError, UnknownSuite, resolve_suite, run_suite
from node.sim.validators.core import TraceBuilder


@click.command("report")
@click.argument("trace", type=click.Path(dir_okay=False))
@output_option(
    "HTML file to write.", default="report.html", show_default=True, type=click.Path(dir_okay=False)
)
@click.option("--scenario", metavar="NAME", help="Validator suite (default: from the trace).")
@click.option("--no-validate", is_flag=True, help="Leave the validator section empty.")
@json_option
def report_cmd(
    trace: str, out: str, scenario: str | None, no_validate: bool, as_json: bool
) -> None:
    """Write metrics, plots and validator verdicts of TRACE as one offline HTML file."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    refuse_overwriting_input(out, "--output", path)
    trace_builder = None if no_validate else TraceBuilder(path)  # one pass feeds both
    try:
        data = collect(path, trace_builder.add if trace_builder is not None else None)
        suite = resolve_suite(scenario) if scenario else None
    except (TraceError, UnknownSuite) as exc:
        raise BadInput(str(exc)) from None
    verdicts = None
    note = "validation skipped (--no-validate)"
    if trace_builder is not None:
        try:
            if suite is None:
                task = data.run.get("task")
                suite = resolve_suite(str(task), files=False)
            verdicts = run_suite(trace_builder.finish(), suite)
        except UnknownSuite as exc:
            note = str(exc)
    html = render(data, verdicts, suite, note)
    try:
        Path(out).write_text(html, encoding="utf-8")
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    if as_json:
        print_json({"report": out, "bytes": len(html), "root": data.root})
    else:
        console.print(f"report {escape(out)} ({len(html):,} bytes)")

"""`nets report TRACE -o report.html`: a self-contained HTML report of a simulator trace."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import BadInput, console, discard_partial, refuse_overwriting_input
from node.sim.report.write import report_html
from node.sim.validators import TraceError, UnknownSuite


@click.command("report")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write.",
)
@click.option("--scenario", metavar="NAME", help="Validator suite (default: from the trace).")
@click.option("--no-validate", is_flag=True, help="Leave the validator section empty.")
def report_cmd(trace: str, out: str, scenario: str | None, no_validate: bool) -> None:
    """Write metrics, plots and validator verdicts of TRACE as one offline HTML file."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    refuse_overwriting_input(out, "--output", path)
    try:
        html = report_html(path, scenario, validate=not no_validate)
    except (TraceError, UnknownSuite) as exc:
        raise BadInput(str(exc)) from None
    try:
        Path(out).write_text(html, encoding="utf-8")
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    console.print(f"report {escape(out)} ({len(html):,} bytes)")

"""`nets report TRACE -o report.html`: a self-contained HTML report of a simulator trace."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import (
    BadInput,
    console,
    discard_partial,
    refuse_overwriting_input,
    titled_table,
)
from node.sim.report.write import report_html
from node.sim.trace_metrics import UnknownMetric, trace_metrics
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
@click.option(
    "-m",
    "--metrics",
    "metrics",
    metavar="NAME[,NAME]",
    help="Also print these metrics of the trace (Nanda Town's names and nets' own).",
)
def report_cmd(
    trace: str, out: str, scenario: str | None, no_validate: bool, metrics: str | None
) -> None:
    """Write metrics, plots and validator verdicts of TRACE as one offline HTML file."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    refuse_overwriting_input(out, "--output", path)
    if metrics is not None:
        _print_metrics(path, [m.strip() for m in metrics.split(",") if m.strip()])
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


def _print_metrics(path: Path, names: list[str]) -> None:
    """``-m``: the named metrics of the trace, one per row (a name it cannot give: exit 2)."""
    if not names:
        raise BadInput("--metrics: no metric named")
    try:
        values = trace_metrics(path, names)
    except (TraceError, UnknownMetric) as exc:
        raise BadInput(str(exc)) from None
    table = titled_table("metrics")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in values.items():
        table.add_row(escape(name), "-" if value is None else f"{value:.4f}")
    console.print(table)

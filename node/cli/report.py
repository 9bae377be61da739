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
    titled_table,
)
from node.cli.options import output_option
from node.sim.report.write import build_report
from node.sim.trace_metrics import UnknownMetric, trace_metrics
from node.sim.validators import TraceError, UnknownSuite


@click.command("report")
@click.argument("trace", type=click.Path(dir_okay=False))
@output_option(
    "HTML file to write.", default="report.html", show_default=True, type=click.Path(dir_okay=False)
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
@json_option
def report_cmd(
    trace: str,
    out: str,
    scenario: str | None,
    no_validate: bool,
    metrics: str | None,
    as_json: bool,
) -> None:
    """Write metrics, plots and validator verdicts of TRACE as one offline HTML file."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    refuse_overwriting_input(out, "--output", path)
    values = None if metrics is None else _metrics(path, [m.strip() for m in metrics.split(",")])
    if values is not None and not as_json:
        _print_metrics(values)
    try:
        report = build_report(path, scenario, validate=not no_validate)
    except (TraceError, UnknownSuite) as exc:
        raise BadInput(str(exc)) from None
    html = report.html
    try:
        Path(out).write_text(html, encoding="utf-8")
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    if as_json:
        extra = {} if values is None else {"metrics": values}
        print_json({"report": out, "bytes": len(html), "root": report.root, **extra})
    else:
        console.print(f"report {escape(out)} ({len(html):,} bytes)")


def _metrics(path: Path, names: list[str]) -> dict[str, float | None]:
    """``-m``: the named metrics of the trace (a name it cannot give: exit 2)."""
    names = [name for name in names if name]
    if not names:
        raise BadInput("--metrics: no metric named")
    try:
        return trace_metrics(path, names)
    except (TraceError, UnknownMetric) as exc:
        raise BadInput(str(exc)) from None


def _print_metrics(values: dict[str, float | None]) -> None:
    """The metrics, one per row."""
    table = titled_table("metrics")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in values.items():
        table.add_row(escape(name), "-" if value is None else f"{value:.4f}")
    console.print(table)

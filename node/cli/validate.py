"""`nets validate TRACE`: run a scenario's property validators over a simulator trace.

Exit codes: 0 every validator passed, 1 a validator failed, 2 bad input (unreadable trace,
unknown scenario).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import BadInput, console, json_option, print_json, titled_table
from node.sim.validators import TraceError, UnknownSuite, ValidationReport, validate_file


def load_report(trace: str, scenario: str | None) -> ValidationReport:
    """Validate, turning unreadable traces and unknown scenarios into BadInput (exit 2)."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    try:
        return validate_file(path, scenario)
    except (TraceError, UnknownSuite) as exc:
        raise BadInput(str(exc)) from None


@click.command("validate")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option(
    "--scenario",
    metavar="NAME",
    help="Validator suite: a task type or built-in scenario name (default: from the trace).",
)
@json_option
def validate_cmd(trace: str, scenario: str | None, as_json: bool) -> None:
    """Check a scenario's properties over TRACE; exit 1 when any validator fails."""
    report = load_report(trace, scenario)
    if as_json:
        print_json(
            {
                "trace": report.trace,
                "suite": report.suite,
                "passed": report.passed,
                "verdicts": report.verdicts,
            }
        )
    else:
        table = titled_table(escape(f"{report.suite} validators on {trace}"))
        for column in ("validator", "verdict", "checked", "detail"):
            table.add_column(column)
        for v in report.verdicts:
            mark = "[green]pass[/]" if v.passed else "[red]FAIL[/]"
            table.add_row(escape(v.name), mark, str(v.checked), escape(v.detail))
        console.print(table)
    if not report.passed:
        sys.exit(1)

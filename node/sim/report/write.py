"""One HTML report from one trace: what `nets report` writes and what `output.report` asks a
run to write (one pass reads the trace for both the metrics and the validators)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from node.sim.report.data import collect
from node.sim.report.html import render
from node.sim.validators import UnknownSuite, resolve_suite, run_suite
from node.sim.validators.core import TraceBuilder


@dataclass(frozen=True)
class Report:
    html: str
    root: str
    """The trace's Merkle root, as the report shows it."""


def report_html(path: Path, scenario: str | None = None, *, validate: bool = True) -> str:
    """The HTML of ``build_report``."""
    return build_report(path, scenario, validate=validate).html


def build_report(path: Path, scenario: str | None = None, *, validate: bool = True) -> Report:
    """The report of ``path``; the validator suite is ``scenario`` (a name or file) or the
    trace header's task. TraceError for an unreadable trace, UnknownSuite for a bad
    ``scenario``; a header naming no suite only leaves the validator section empty."""
    trace_builder = TraceBuilder(path) if validate else None
    data = collect(path, trace_builder.add if trace_builder is not None else None)
    suite = resolve_suite(scenario) if scenario else None
    verdicts = None
    note = "validation skipped (--no-validate)"
    if trace_builder is not None:
        try:
            if suite is None:
                suite = resolve_suite(str(data.run.get("task")), files=False)
            verdicts = run_suite(trace_builder.finish(), suite)
        except UnknownSuite as exc:
            note = str(exc)
    return Report(render(data, verdicts, suite, note), data.root)

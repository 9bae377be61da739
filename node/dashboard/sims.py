"""Simulator runs in a trace folder: nets-sim/1 and Nanda Town traces (both read by
node.sim.validators.core.read_events), shown with the sections of `nets report`.

A folder may also hold match traces (`nets demo` writes them beside the database): those are
listed apart, one step entry per line, so the replay page can link the claimed trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from node.sim.report import html as report_html
from node.sim.report.data import ReportData, collect
from node.sim.validators import UnknownSuite, resolve_suite, run_suite
from node.sim.validators.core import TraceBuilder, TraceError

MAX_FILES = 500
MAX_DEPTH = 3


@dataclass(frozen=True)
class TraceFile:
    """One trace in the folder: its path relative to the folder and what its first line says."""

    name: str
    kind: str
    """sim (nets-sim/1), nanda (Nanda Town) or match (step entries)."""
    size: int


def list_traces(folder: Path) -> list[TraceFile]:
    """The .jsonl files under ``folder`` (a few levels deep, at most MAX_FILES)."""
    found: list[TraceFile] = []
    for path in sorted(folder.rglob("*.jsonl")):
        rel = path.relative_to(folder)
        if len(rel.parts) > MAX_DEPTH or not path.is_file():
            continue
        kind = _kind(path)
        if kind is not None:
            found.append(TraceFile(rel.as_posix(), kind, path.stat().st_size))
        if len(found) >= MAX_FILES:
            break
    return found


def _kind(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            first = json.loads(fh.readline() or b"null")
    except (OSError, ValueError):
        return None
    if not isinstance(first, dict):
        return None
    if first.get("kind") == "run" and first.get("format") == "nets-sim/1":
        return "sim"
    if "entry" in first and "step" in first:
        return "match"
    if "agent" in first and "kind" in first:
        return "nanda"
    return None


def resolve(folder: Path, name: str) -> Path | None:
    """``name`` inside ``folder``, or None: never a path outside it."""
    root = folder.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.suffix != ".jsonl":
        return None
    return path


@dataclass(frozen=True)
class SimRun:
    name: str
    data: ReportData
    sections: dict[str, Markup]
    suite: str | None
    verdicts_ok: bool | None


def load_run(path: Path, name: str) -> SimRun:
    """One run's report data and its sections; TraceError when the file is no sim trace."""
    builder = TraceBuilder(path)
    data = collect(path, builder.add)
    suite: str | None = None
    verdicts = None
    note = "no validator suite for this task"
    try:
        suite = resolve_suite(str(data.run.get("task")), files=False)
        verdicts = run_suite(builder.finish(), suite)
    except UnknownSuite as exc:
        note = str(exc)
    # The report's own section renderers: they escape every label and name.
    sections = {
        "metrics": Markup(report_html._metrics(data)),
        "messages": Markup(report_html._messages(data)),
        "agents": Markup(report_html._agents(data)),
        "faults": Markup(report_html._faults(data)),
        "validators": Markup(report_html._validators(verdicts, suite, note)),
    }
    ok = None if verdicts is None else bool(verdicts) and all(v.passed for v in verdicts)
    return SimRun(name, data, sections, suite, ok)


def summary(run: SimRun) -> dict[str, Any]:
    """The figures two runs are compared by, side by side."""
    d = run.data
    sent = sum(d.sends.values())
    delivered = sum(d.receives.values())
    return {
        "scenario": str(d.run.get("name", "?")),
        "task": str(d.run.get("task", "?")),
        "seed": str(d.run.get("seed", "?")),
        "agents": len(d.roles),
        "trace lines": d.lines,
        "virtual end time": d.end_time,
        "messages sent": sent,
        "messages delivered": delivered,
        "messages dropped": sum(d.drops.values()),
        "delivery rate": f"{delivered / sent:.3f}" if sent else "-",
        "application events": sum(d.app_events.values()),
        "validators": "-" if run.verdicts_ok is None else ("pass" if run.verdicts_ok else "FAIL"),
    }


__all__ = ["SimRun", "TraceError", "TraceFile", "list_traces", "load_run", "resolve", "summary"]

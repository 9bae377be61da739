"""The sweep report: one offline HTML page with each metric plotted against each swept
parameter (mean over seeds, min..max whiskers; one line per setting of the other
parameters), the validators' pass counts and the rows. Styles and charts are the
simulator report's own (node.sim.report.html, node.sim.report.svg)."""

from __future__ import annotations

import itertools
from html import escape

from node.sim.report.html import CSS, Raw, _section, _table
from node.sim.report.svg import COLORS, spread_chart
from node.sim.sweep import Row, Sweep

MAX_ROWS = 500
"""Rows listed in the page (the CSV and JSON have all of them)."""


def _series_key(row: Row, axis: int) -> tuple[tuple[str, str], ...]:
    return tuple(p for k, p in enumerate(row.params) if k != axis)


def _chart(sweep: Sweep, metric: str, axis: int) -> str:
    key, labels = sweep.axes[axis].key, sweep.axes[axis].values
    groups: dict[tuple[tuple[str, str], ...], dict[str, list[float]]] = {}
    for row in sweep.rows:
        value = row.metrics.get(metric)
        if value is None:
            continue
        series = _series_key(row, axis)
        groups.setdefault(series, {}).setdefault(row.params[axis][1], []).append(float(value))
    if len(groups) > len(COLORS):  # too many lines to read: pool the other parameters
        pooled: dict[str, list[float]] = {}
        for per_x in groups.values():
            for x, values in per_x.items():
                pooled.setdefault(x, []).extend(values)
        groups = {(("all other settings", "pooled"),): pooled}
    series = []
    for setting, per_x in groups.items():
        name = ", ".join(f"{k}={v}" for k, v in setting) or metric
        points = [
            (sum(vs) / len(vs), min(vs), max(vs)) if (vs := per_x.get(x)) else None for x in labels
        ]
        series.append((name, points))
    title = f"{metric} vs {key}"
    chart = spread_chart(labels, series, title, f"{key} (whiskers: min..max over seeds)")
    return f"<h3>{escape(title)}</h3>{chart}"


def _verdicts(sweep: Sweep) -> str:
    names = sweep.verdict_names()
    if not names:
        return '<p class="muted">no validator suite for this scenario</p>'
    rows = []
    for name in names:
        seen = [row.verdicts[name] for row in sweep.rows if name in row.verdicts]
        rows.append((name, sum(seen), len(seen) - sum(seen)))
    return _table(rows, ("validator", "passed", "failed"))


def _rows(sweep: Sweep) -> str:
    keys = [axis.key for axis in sweep.axes]
    metrics = sweep.metric_names()
    out = []
    for row in sweep.rows[:MAX_ROWS]:
        verdict = Raw('<span class="pass">pass</span>' if row.passed else
                      '<span class="fail">FAIL</span>' if row.verdicts else "-")  # fmt: skip
        cells: list[object] = [row.index, row.seed, *(v for _, v in row.params)]
        cells += ["-" if row.metrics.get(m) is None else row.metrics[m] for m in metrics]
        out.append([*cells, verdict, row.root[:18]])
    more = len(sweep.rows) - MAX_ROWS
    note = f'<p class="muted">{more:,} more rows in the CSV and JSON</p>' if more > 0 else ""
    table = _table(out, ("#", "seed", *keys, *metrics, "validators", "root"))
    return f'<div style="overflow-x:auto">{table}</div>{note}'


def render_sweep(sweep: Sweep) -> str:
    """The whole sweep report as one HTML document (no scripts, no network references)."""
    name = escape(sweep.scenario)
    charts = "".join(
        _chart(sweep, metric, axis)
        for metric, axis in itertools.product(sweep.metric_names(), range(len(sweep.axes)))
    )
    if not sweep.axes:
        charts = '<p class="muted">no --grid: only seeds vary; see the rows</p>'
    seeds = f"{sweep.seeds.start}..{sweep.seeds.stop - 1}"
    grid = "; ".join(f"{a.key} = {', '.join(a.values)}" for a in sweep.axes) or "none"
    body = "".join(
        [
            _section("plots", "Metrics against swept parameters", charts),
            _section("validators", "Validator verdicts", _verdicts(sweep)),
            _section("rows", "Instances", _rows(sweep)),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>nets sweep: {name}</title><style>{CSS}</style></head>"
        f"<body><h1>Sweep: {name}</h1>"
        f'<p class="muted">{len(sweep.rows):,} instances; seeds {seeds}; grid: '
        f"{escape(grid)}</p>{body}</body></html>\n"
    )

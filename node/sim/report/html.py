"""The self-contained HTML report: inline CSS and SVG, no scripts, no network references.

Everything taken from the trace is escaped (a trace is untrusted input).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from node.sim.report.data import ReportData, bucketed
from node.sim.report.svg import bar_chart, line_chart
from node.sim.tracestats import percentile
from node.sim.validators.core import Verdict

TOP_AGENTS = 30
SECTIONS = ("metrics", "messages", "latency", "agents", "faults", "validators")

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:24px auto;max-width:1232px;padding:0 24px;
color:#111}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 12px;border-bottom:1px solid #eee;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:13px ui-monospace,monospace;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 32px}
figure{margin:12px 0}figcaption{font-size:13px;color:#666;margin-top:4px}
svg{display:block;width:100%;height:auto;background:#fafafa;border:1px solid #eee}
.grid{stroke:#e5e5e5}.axis{stroke:#999}.mk{stroke:#f59e0b;stroke-dasharray:4 3}
.yl{font-size:12px;text-anchor:end;fill:#666}.xl{font-size:12px;text-anchor:middle;fill:#666}
.lg{font-size:13px}.bl{font-size:11px;text-anchor:end;fill:#666}
.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}
.muted{color:#666}
"""


def _table(rows: Sequence[Sequence[Any]], head: Sequence[str] = ()) -> str:
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>")
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                text = f"{cell:,}" if isinstance(cell, int) else f"{cell:.4g}"
                cells.append(f'<td class="n">{text}</td>')
            else:
                cells.append(f"<td>{cell if isinstance(cell, Raw) else escape(str(cell))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


class Raw(str):
    """Pre-escaped HTML for a table cell."""


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2>{body}</section>'


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _root(d: ReportData) -> str:
    if d.stored_root is None:
        check = "no stored root beside the trace"
    elif d.stored_root.lower() == d.root:
        check = '<span class="pass">matches the stored root</span>'
    else:
        check = f'<span class="fail">stored root differs: {escape(d.stored_root)}</span>'
    return f"<code>{d.root}</code> ({check})"


def _metrics(d: ReportData) -> str:
    sent = sum(d.sends.values())
    delivered = sum(d.receives.values())
    dropped = sum(d.drops.values())
    lat_n = sum(d.latency.values())
    mean = sum(k * v for k, v in d.latency.items()) / lat_n if lat_n else None
    run = d.run
    layers = run.get("layers") if isinstance(run.get("layers"), dict) else {}
    rows: list[tuple[str, Any]] = [
        ("scenario", str(run.get("name", "?"))),
        ("task", str(run.get("task", "?"))),
        ("seed", str(run.get("seed", "?"))),
        ("agents", len(d.roles)),
        ("trace lines", d.lines),
        ("trace Merkle root", Raw(_root(d))),
        ("virtual end time (ticks)", d.end_time),
        ("messages sent", sent),
        ("messages delivered", delivered),
        ("messages dropped", dropped),
        ("delivery rate", _percent(delivered, sent)),
        ("drop rate", _percent(dropped, sent)),
        ("mean latency (ticks)", mean if mean is not None else "-"),
        (
            "p50 / p99 / max latency",
            f"{percentile(d.latency, 0.5)} / "
            f"{percentile(d.latency, 0.99)} / {max(d.latency) if d.latency else None}",
        ),
    ]
    plugins = ", ".join(f"{k}={v}" for k, v in sorted((layers or {}).items()))
    app = ", ".join(f"{k} {v}" for k, v in sorted(d.app_events.items())) or "none"
    return (
        _table(rows)
        + f'<p class="muted">layers: {escape(plugins)}</p>'
        + f'<p class="muted">application events: {escape(app)}</p>'
    )


def _messages(d: ReportData) -> str:
    if not (d.sends or d.receives or d.drops):
        return '<p class="muted">no messages</p>'
    width, sends = bucketed(d.sends, d.end_time)
    _, receives = bucketed(d.receives, d.end_time)
    _, drops = bucketed(d.drops, d.end_time)
    return line_chart(
        [("sent", sends), ("delivered", receives), ("dropped", drops)],
        width,
        "messages over virtual time",
        f"messages per {width}-tick bin over virtual time (ticks)",
        markers=[(t, "heal") for t in d.heals],
    )


def _latency(d: ReportData) -> str:
    if not d.latency:
        return '<p class="muted">no deliveries</p>'
    low, high = min(d.latency), max(d.latency)
    if low == high:  # one bar says nothing a sentence does not
        count = d.latency[low]
        return f'<p class="muted">every delivery ({count:,}) took {low:,} ticks</p>'
    width = max(1, -(-(high - low + 1) // 40))
    bins: dict[int, int] = {}
    for lat, n in d.latency.items():
        bins[(lat - low) // width] = bins.get((lat - low) // width, 0) + n
    bars = [
        (
            f"{low + b * width}"
            if width == 1
            else f"{low + b * width}-{low + b * width + width - 1}",
            [bins.get(b, 0)],
        )
        for b in range((high - low) // width + 1)
    ]
    return bar_chart(bars, ["deliveries"], "latency histogram", "deliveries by latency (ticks)")


def _agents(d: ReportData) -> str:
    busiest = sorted(d.agents.items(), key=lambda kv: (-(kv[1].sent + kv[1].received), kv[0]))
    shown = [(name, a) for name, a in busiest[:TOP_AGENTS] if a.sent or a.received]
    chart = (
        bar_chart(
            [(name, [a.sent, a.received]) for name, a in shown],
            ["sent", "received"],
            "per-agent activity",
            f"messages of the busiest {len(shown)} of {len(d.agents)} agents",
        )
        if shown
        else '<p class="muted">no agent sent or received a message</p>'
    )
    by_role: dict[str, list[int]] = {}
    for name, act in d.agents.items():
        acc = by_role.setdefault(d.roles.get(name, "?"), [0, 0, 0, 0])
        acc[0] += 1
        acc[1] += act.sent
        acc[2] += act.received
        acc[3] += act.app
    rows = [(role, *v) for role, v in sorted(by_role.items())]
    return chart + _table(rows, ("role", "active agents", "sent", "received", "app events"))


def _faults(d: ReportData) -> str:
    failures = d.run.get("failures") if isinstance(d.run.get("failures"), dict) else {}
    rows: list[tuple[str, Any]] = [(f"dropped: {k}", v) for k, v in sorted(d.drop_reasons.items())]
    rows.append(("message_drop (configured)", str((failures or {}).get("message_drop", 0))))
    rows.append(("byzantine_agents (configured)", str((failures or {}).get("byzantine_agents", 0))))
    part = (failures or {}).get("network_partition")
    if isinstance(part, dict):
        groups = part.get("groups")
        sizes = [len(g) for g in groups if isinstance(g, list)] if isinstance(groups, list) else []
        rows.append(("partition groups (sizes)", ", ".join(map(str, sizes)) or "-"))
    rows.append(("heals at tick", ", ".join(map(str, d.heals)) or "none"))
    if not d.drops:
        return _table(rows) + '<p class="muted">no drops</p>'
    width, drops = bucketed(d.drops, d.end_time)
    chart = line_chart(
        [("dropped", drops)],
        width,
        "drops over virtual time",
        f"drops per {width}-tick bin over virtual time (ticks)",
        markers=[(t, "heal") for t in d.heals],
    )
    return _table(rows) + chart


def _validators(verdicts: Sequence[Verdict] | None, suite: str | None, note: str) -> str:
    if verdicts is None:
        return f'<p class="muted">{escape(note)}</p>'
    rows = [
        (
            v.name,
            Raw('<span class="pass">pass</span>' if v.passed else '<span class="fail">FAIL</span>'),
            v.checked,
            v.detail,
        )
        for v in verdicts
    ]
    ok = bool(verdicts) and all(v.passed for v in verdicts)
    head = f"<p>suite <b>{escape(suite or '?')}</b>: " + (
        '<span class="pass">all passed</span></p>' if ok else '<span class="fail">failed</span></p>'
    )
    return head + _table(rows, ("validator", "verdict", "checked", "detail"))


def render(
    d: ReportData,
    verdicts: Sequence[Verdict] | None = None,
    suite: str | None = None,
    note: str = "no validator suite for this scenario",
) -> str:
    """The whole report as one HTML document."""
    name = escape(str(d.run.get("name", "trace")))
    body = "".join(
        [
            _section("metrics", "Metrics", _metrics(d)),
            _section("messages", "Messages over virtual time", _messages(d)),
            _section("latency", "Latency", _latency(d)),
            _section("agents", "Per-agent activity", _agents(d)),
            _section("faults", "Drops and partitions", _faults(d)),
            _section("validators", "Validator verdicts", _validators(verdicts, suite, note)),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>nets sim report: {name}</title><style>{CSS}</style></head>"
        f"<body><h1>Simulation report: {name}</h1>"
        f'<p class="muted">trace {escape(d.trace)}</p>{body}</body></html>\n'
    )

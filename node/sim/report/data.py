"""What a report shows, gathered from a trace in one streaming pass (memory linear in agents)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.sim.trace import MerkleAccumulator, stored_root
from node.sim.validators.core import Event, read_events

MAX_BUCKETS = 120


@dataclass
class AgentActivity:
    sent: int = 0
    received: int = 0
    app: int = 0


@dataclass
class ReportData:
    trace: str
    run: dict[str, Any]
    end: dict[str, Any]
    lines: int = 0
    root: str = ""  # the trace's RFC 9162 Merkle root, 0x hex
    stored_root: str | None = None  # the root stored beside the trace (TRACE.root), if any
    end_time: int = 0
    sends: dict[int, int] = field(default_factory=dict)  # per tick
    receives: dict[int, int] = field(default_factory=dict)
    drops: dict[int, int] = field(default_factory=dict)
    drop_reasons: dict[str, int] = field(default_factory=dict)
    latency: dict[int, int] = field(default_factory=dict)  # ticks -> deliveries
    agents: dict[str, AgentActivity] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    heals: list[int] = field(default_factory=list)
    app_events: dict[str, int] = field(default_factory=dict)
    layer_events: dict[str, int] = field(default_factory=dict)

    def activity(self, agent: str) -> AgentActivity:
        act = self.agents.get(agent)
        if act is None:
            act = self.agents[agent] = AgentActivity()
        return act


def _tick(event: dict[str, Any]) -> int:
    t = event.get("t")
    return t if type(t) is int and t >= 0 else 0


def collect(path: Path, also: Callable[[int, Event], None] | None = None) -> ReportData:
    """Read ``path``; TraceError when it is not a nets-sim/1 trace. ``also`` is given every
    (line number, event) of the same pass (a TraceBuilder, so a report reads its trace once)."""
    leaves = MerkleAccumulator()
    events = read_events(path, leaves)
    if also is not None:
        events = _tapped(events, also)
    _, run = next(events)  # read_events raises on an empty trace, so there is a first line
    data = ReportData(str(path), run, {}, lines=1, end_time=_tick(run))
    for number, event in events:
        kind: str = event["kind"]
        data.lines = number
        t = _tick(event)
        data.end_time = max(data.end_time, t)
        agent = str(event.get("agent", ""))
        if kind == "send":
            data.sends[t] = data.sends.get(t, 0) + 1
            data.activity(agent).sent += 1
        elif kind == "receive":
            data.receives[t] = data.receives.get(t, 0) + 1
            data.activity(agent).received += 1
            lat = event.get("lat")
            if type(lat) is int:
                data.latency[lat] = data.latency.get(lat, 0) + 1
        elif kind == "drop":
            data.drops[t] = data.drops.get(t, 0) + 1
            reason = str(event.get("reason", "?"))[:40]
            data.drop_reasons[reason] = data.drop_reasons.get(reason, 0) + 1
        elif kind == "app":
            data.activity(agent).app += 1
            name = str(event.get("event", "?"))[:60]
            data.app_events[name] = data.app_events.get(name, 0) + 1
        elif kind == "layer":
            name = f"{event.get('layer')}.{event.get('event')}"[:80]
            data.layer_events[name] = data.layer_events.get(name, 0) + 1
        elif kind == "start":
            data.roles[agent] = str(event.get("role", ""))
        elif kind == "heal":
            data.heals.append(t)
        elif kind == "end":
            data.end = event
    data.root = "0x" + leaves.root().hex()
    data.stored_root = stored_root(path)
    return data


def _tapped(
    events: Iterator[tuple[int, Event]], also: Callable[[int, Event], None]
) -> Iterator[tuple[int, Event]]:
    for number, event in events:
        also(number, event)
        yield number, event


def bucketed(series: dict[int, int], end: int, buckets: int = MAX_BUCKETS) -> tuple[int, list[int]]:
    """Per-tick counts summed into at most ``buckets`` equal-width bins: (width, counts)."""
    width = max(1, -(-(end + 1) // buckets))
    out = [0] * (end // width + 1)
    for t, n in series.items():
        if 0 <= t <= end:
            out[t // width] += n
    return width, out

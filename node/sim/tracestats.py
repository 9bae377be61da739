"""Summaries of a trace file for `nets inspect`: events by kind, per agent, drops, latency."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.sim.nanda_trace import looks_nanda
from node.sim.trace import BadTraceLine, MerkleAccumulator, parse_event, stored_root
from node.sim.validators.core import TraceError, read_events


class TraceFormatError(ValueError):
    """A trace line that is not a JSON object with a kind."""


@dataclass
class LatencyStats:
    count: int = 0
    mean: float | None = None
    p50: int | None = None
    p99: int | None = None
    max: int | None = None


@dataclass
class TraceSummary:
    trace: str
    lines: int
    root: str
    stored_root: str | None
    root_ok: bool | None
    run: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)
    drops: dict[str, int] = field(default_factory=dict)
    layers: dict[str, int] = field(default_factory=dict)
    latency: LatencyStats = field(default_factory=LatencyStats)
    end: dict[str, Any] = field(default_factory=dict)


def percentile(hist: dict[int, int], q: float) -> int | None:
    """The ``q`` quantile (nearest rank) of a value -> count histogram; None when it is empty."""
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, -(-int(q * total * 1000) // 1000))
    seen = 0
    for lat in sorted(hist):
        seen += hist[lat]
        if seen >= rank:
            return lat
    return max(hist)


def _is_nanda(path: Path) -> bool:
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        return looks_nanda(parse_event(first))
    except BadTraceLine:
        return False


def summarize(path: Path) -> TraceSummary:
    """One streaming pass; memory is linear in agents, not in events. A trace in Nanda Town's
    format is summarized from its nets reading (node.sim.nanda_trace), the root over its lines."""
    acc = MerkleAccumulator()
    kinds: dict[str, int] = {}
    agents: dict[str, int] = {}
    drops: dict[str, int] = {}
    layers: dict[str, int] = {}
    hist: dict[int, int] = {}
    run: dict[str, Any] = {}
    end: dict[str, Any] = {}
    nanda = _is_nanda(path)

    def events() -> Iterator[dict[str, Any]]:
        if nanda:
            with path.open("rb") as fh:
                for raw in fh:
                    acc.add_entry(raw[:-1] if raw.endswith(b"\n") else raw)
            try:
                for _, event in read_events(path):
                    yield event
            except TraceError as exc:
                raise TraceFormatError(str(exc).split(": ", 1)[-1]) from None
            return
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, 1):
                line = raw[:-1] if raw.endswith(b"\n") else raw
                acc.add_entry(line)
                try:
                    yield parse_event(line)
                except BadTraceLine as exc:
                    raise TraceFormatError(f"line {number}: {exc}") from None

    for event in events():
        kind: str = event["kind"]
        kinds[kind] = kinds.get(kind, 0) + 1
        agent = event.get("agent")
        if isinstance(agent, str):
            agents[agent] = agents.get(agent, 0) + 1
        if kind == "receive":
            lat = event.get("lat")
            if type(lat) is int:
                hist[lat] = hist.get(lat, 0) + 1
        elif kind == "drop":
            reason = str(event.get("reason", "?"))
            drops[reason] = drops.get(reason, 0) + 1
        elif kind == "layer":
            key = f"{event.get('layer')}.{event.get('event')}"
            layers[key] = layers.get(key, 0) + 1
        elif kind == "run" and not run:
            run = event
        elif kind == "end":
            end = event
    total = sum(hist.values())
    latency = LatencyStats(count=total)
    if total:
        latency.mean = sum(k * v for k, v in hist.items()) / total
        latency.p50 = percentile(hist, 0.50)
        latency.p99 = percentile(hist, 0.99)
        latency.max = max(hist)
    root = "0x" + acc.root().hex()
    stored = stored_root(path)
    return TraceSummary(
        trace=str(path),
        lines=acc.count,
        root=root,
        stored_root=stored,
        root_ok=None if stored is None else stored.lower() == root,
        run=run,
        kinds=kinds,
        agents=agents,
        drops=drops,
        layers=layers,
        latency=latency,
        end=end,
    )

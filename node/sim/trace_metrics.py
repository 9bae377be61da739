"""Metrics from a trace file (`nets report TRACE -m METRIC`), for nets and Nanda Town traces.

The definitions are the run's own (docs/protocol/sim.md, "Metrics"): what `nets run` reports
for a metric, this computes from the trace it wrote (tested equal). Marketplace requests,
refusals and deals come from the agents' app events in a nets trace and from the message
texts (``buy:``, ``reject:``, ``sold:``) in a Nanda Town trace. One streaming pass; memory is
linear in agents and in messages in flight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.sim.validators.core import read_events

TRACE_METRICS = (
    "delivery_rate",
    "deal_rate",
    "rejection_rate",
    "mean_rounds_to_deal",
    "unique_pairs",
    "mean_latency",
    "max_latency",
    "message_count",
    "messages_sent",
    "dropped_count",
    "drop_rate",
    "agent_count",
    "event_count",
    "duration",
    "throughput",
    "success_rate",
    "requests",
    "deals",
)
"""What a trace alone determines (task measures that read agent state, e.g. completion_rate,
are reported by `nets run` only)."""


class UnknownMetric(LookupError):
    """A metric name a trace cannot give; the message lists those it can."""


@dataclass
class _Tally:
    sent: int = 0
    delivered: int = 0
    dropped: int = 0
    timers: int = 0
    lat_sum: float = 0
    lat_max: float = 0
    first: float | None = None
    last: float = 0
    agents: set[str] = field(default_factory=lambda: set[str]())
    pairs: set[tuple[str, str]] = field(default_factory=lambda: set[tuple[str, str]]())
    requests: int = 0
    refusals: int = 0
    deals: int = 0
    deal_rounds: int = 0
    rounds: dict[tuple[str, str], int] = field(default_factory=lambda: dict[tuple[str, str], int]())

    def step(self, buyer: str, seller: str) -> None:
        self.rounds[buyer, seller] = self.rounds.get((buyer, seller), 0) + 1

    def deal(self, buyer: str, seller: str) -> None:
        self.deals += 1
        self.deal_rounds += max(self.rounds.pop((buyer, seller), 0), 1)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _market_text(tally: _Tally, event: dict[str, Any]) -> None:
    """A Nanda Town marketplace message, as its metrics read them."""
    text = str(event.get("msg", "")).rsplit("|sig:", 1)[0]
    agent, to = str(event.get("agent")), str(event.get("to"))
    if text.startswith("buy:"):
        tally.requests += 1
        tally.step(agent, to)
    elif text.startswith("reject:"):
        tally.refusals += 1
        tally.step(to, agent)
    elif text.startswith("sold:"):
        tally.deal(to, agent)


def _market_app(tally: _Tally, event: dict[str, Any]) -> None:
    """A nets marketplace app event: request (buyer), answer (seller), buy (buyer)."""
    name, agent = event.get("event"), str(event.get("agent"))
    if name == "request" and "seller" in event:
        tally.requests += 1
        tally.step(agent, str(event["seller"]))
    elif name == "answer" and event.get("result") in ("no_deal", "sold_out"):
        tally.refusals += 1
        tally.step(str(event.get("buyer")), agent)
    elif name == "buy":
        tally.deal(agent, str(event.get("seller")))


def _tally(events: Iterable[tuple[int, dict[str, Any]]]) -> _Tally:
    t = _Tally()
    nanda = False
    for _, event in events:
        kind = event.get("kind")
        if kind == "run":
            nanda = event.get("format") == "nanda"
            continue
        time = event.get("t")
        if isinstance(time, int | float) and not isinstance(time, bool) and kind != "end":
            t.first = time if t.first is None else min(t.first, time)
            t.last = max(t.last, time)
        agent = event.get("agent")
        if isinstance(agent, str):
            t.agents.add(agent)
        if kind == "send":
            t.sent += 1
            t.pairs.add(_pair(str(agent), str(event.get("to"))))
            if nanda:
                _market_text(t, event)
        elif kind == "receive":
            t.delivered += 1
            t.pairs.add(_pair(str(agent), str(event.get("from"))))
            lat = event.get("lat", 0)
            if isinstance(lat, int | float):
                t.lat_sum += lat
                t.lat_max = max(t.lat_max, lat)
        elif kind == "drop":
            t.dropped += 1
        elif kind == "timer":
            t.timers += 1
        elif kind == "app" and not nanda:
            _market_app(t, event)
    return t


def trace_metrics(path: Path, names: Iterable[str] | None = None) -> dict[str, float | None]:
    """The metrics ``names`` (default: all of TRACE_METRICS) of the trace at ``path``.
    TraceError for an unreadable trace, UnknownMetric for a name a trace cannot give."""
    wanted = list(names) if names is not None else list(TRACE_METRICS)
    for name in wanted:
        if name not in TRACE_METRICS:
            raise UnknownMetric(
                f"unknown trace metric {name!r} (allowed: {', '.join(TRACE_METRICS)})"
            )
    t = _tally(read_events(path))
    messages = t.sent + t.delivered
    duration = t.last - (t.first or 0)
    rate = t.delivered / t.sent if t.sent else None
    values: dict[str, float | None] = {
        "delivery_rate": rate,
        "success_rate": rate if rate is not None else 0.0,
        "deal_rate": t.deals / t.requests if t.requests else 0.0,
        "rejection_rate": t.refusals / t.requests if t.requests else 0.0,
        "mean_rounds_to_deal": t.deal_rounds / t.deals if t.deals else 0.0,
        "unique_pairs": float(len(t.pairs)),
        "mean_latency": t.lat_sum / t.delivered if t.delivered else None,
        "max_latency": float(t.lat_max) if t.delivered else None,
        "message_count": float(messages),
        "messages_sent": float(t.sent),
        "dropped_count": float(t.dropped),
        "drop_rate": t.dropped / t.sent if t.sent else None,
        "agent_count": float(len(t.agents)),
        "event_count": float(t.delivered + t.timers),
        "duration": float(duration),
        "throughput": messages / duration if duration > 0 else 0.0,
        "requests": float(t.requests),
        "deals": float(t.deals),
    }
    return {name: values[name] for name in wanted}

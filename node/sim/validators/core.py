"""Validator plumbing: the parsed trace, verdicts, and the rule that nothing passes vacuously.

A validator is a function from a parsed trace to a Verdict. It counts the pieces of evidence
it checked; with none it fails ("no evidence"), because a property that was never exercised
has not been shown to hold (a trace with the wrong plugin, task or no activity must not pass).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.sim.nanda_trace import NandaTraceError, looks_nanda, to_nets
from node.sim.trace import BadTraceLine, MerkleAccumulator, parse_event

TRACE_FORMAT = "nets-sim/1"
MAX_DETAILS = 5
_KEPT = frozenset({"run", "app", "layer", "start", "end", "heal"})
_SEND_KEYS = ("kind", "line", "t", "agent", "to", "id", "msg", "msg_hex")


class TraceError(ValueError):
    """An unreadable trace: missing, not JSON lines, or not a nets-sim/1 trace."""


Event = dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """One property over one trace: passed only with evidence and no counterexample."""

    name: str
    passed: bool
    checked: int
    detail: str


@dataclass
class Trace:
    """A nets-sim/1 trace, indexed the ways validators read it. ``line`` numbers from 1.

    Only what validators read is kept (memory is what a 4,000-agent trace costs): app and layer
    events, sends (line, agent, recipient, id and payload only), starts, the end line.
    """

    path: str
    run: Event
    events: list[Event]  # app, layer and send lines (receive, timer, drop lines are not kept)
    apps: dict[str, list[Event]] = field(default_factory=dict)
    layers: dict[str, list[Event]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    end: Event = field(default_factory=dict)

    def app(self, event: str) -> list[Event]:
        return self.apps.get(event, [])

    def layer(self, layer: str, event: str) -> list[Event]:
        return self.layers.get(f"{layer}.{event}", [])

    def agents_with_role(self, role: str) -> list[str]:
        return [a for a, r in self.roles.items() if r == role]

    def sends(self) -> Iterable[Event]:
        return (e for e in self.events if e.get("kind") == "send")


def _lines(
    path: Path, fh: Iterable[bytes], leaves: MerkleAccumulator | None
) -> Iterator[tuple[int, Event]]:
    for number, raw in enumerate(fh, 1):
        if leaves is not None:
            leaves.add_entry(raw[:-1] if raw.endswith(b"\n") else raw)
        try:
            yield number, parse_event(raw)
        except BadTraceLine as exc:
            raise TraceError(f"{path}: line {number} is {exc}") from None


def read_events(path: Path, leaves: MerkleAccumulator | None = None) -> Iterator[tuple[int, Event]]:
    """(line number, event) for each line of a trace, streaming; TraceError otherwise.

    The one reader behind the validators, the report and inspect: line 1 must be the
    nets-sim/1 run header, or the trace is in Nanda Town's format and is read as nets events
    (node.sim.nanda_trace: a synthesized header numbered 0 first). ``leaves``, when given,
    gets every line of the file as a Merkle leaf (the report's root, same pass).
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise TraceError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        lines = _lines(path, fh, leaves)
        first = next(lines, None)
        if first is None:
            raise TraceError(f"{path}: empty trace")
        event = first[1]
        if event["kind"] == "run" and event.get("format") == TRACE_FORMAT:
            yield first
            yield from lines
        elif looks_nanda(event):
            try:
                yield from to_nets(itertools.chain([first], lines), path.stem)
            except NandaTraceError as exc:
                raise TraceError(f"{path}: not a Nanda Town trace ({exc})") from None
        else:
            raise TraceError(
                f"{path}: not a {TRACE_FORMAT} trace (no run header) nor a Nanda Town trace"
            )


def load_trace(path: Path) -> Trace:
    """Parse a trace file; TraceError on anything that is not a nets-sim/1 trace."""
    builder = TraceBuilder(path)
    for number, event in read_events(path):
        builder.add(number, event)
    return builder.finish()


class TraceBuilder:
    """A Trace built from read_events' (line number, event) pairs as they stream by, so one pass
    over a file can feed another reader too (`nets report` gathers its metrics in the same pass).
    The events it is given are not changed."""

    def __init__(self, path: Path) -> None:
        self._path = str(path)
        self._events: list[Event] = []

    def add(self, number: int, event: Event) -> None:
        kind = event["kind"]
        if kind == "send":
            kept = {
                k: number if k == "line" else event[k]
                for k in _SEND_KEYS
                if k == "line" or k in event
            }
        elif kind in _KEPT:
            kept = {**event, "line": number}
        else:
            return
        self._events.append(kept)

    def finish(self) -> Trace:
        """The Trace of every event added (the first is the run header)."""
        trace = Trace(self._path, self._events[0], self._events[1:])
        for event in trace.events:
            kind = event["kind"]
            if kind == "app":
                trace.apps.setdefault(str(event.get("event")), []).append(event)
            elif kind == "layer":
                key = f"{event.get('layer')}.{event.get('event')}"
                trace.layers.setdefault(key, []).append(event)
            elif kind == "start":
                trace.roles[str(event.get("agent"))] = str(event.get("role"))
            elif kind == "end":
                trace.end = event
        return trace


def group_by(events: Iterable[Event], key: str) -> dict[str, list[Event]]:
    """Events by the string form of one field, in trace order (e.g. bids by item)."""
    out: dict[str, list[Event]] = {}
    for event in events:
        out.setdefault(str(event.get(key)), []).append(event)
    return out


def verdict(name: str, checked: int, failures: list[str], what: str = "evidence") -> Verdict:
    """Passed iff something was checked and nothing failed; the detail names the first problems."""
    if checked == 0:
        return Verdict(name, False, 0, f"no {what} in the trace: nothing to check")
    if failures:
        shown = "; ".join(failures[:MAX_DETAILS])
        more = f" (+{len(failures) - MAX_DETAILS} more)" if len(failures) > MAX_DETAILS else ""
        return Verdict(name, False, checked, f"{len(failures)} of {checked} failed: {shown}{more}")
    return Verdict(name, True, checked, f"{checked} checked")


Check = Callable[[Trace], Verdict]

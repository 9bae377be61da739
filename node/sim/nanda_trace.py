"""Nanda Town's JSONL trace format, both ways.

Its lines are JSON objects with sorted keys: ``{"agent","kind","ts"}`` plus, by kind,
``send {to, size, msg, corr}``, ``broadcast {size, msg, corr}``, ``receive {from, size, msg[,
corr]}`` (a receive from oneself without ``corr`` is a timer), ``dropped {from, size, msg,
corr}`` (``agent`` is the recipient), ``start`` and ``stop``. It has no run header and no end
line. ``to_nets`` reads such a trace as nets-sim/1 events (a synthesized ``run`` header with
``format: "nanda"`` first, an ``end`` line last) so inspect, report and validate read both
formats through one path; ``NandaWriter`` turns nets events into Nanda's lines for
``nets run --trace-format nanda`` (``nest inspect`` reads them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

NANDA_FORMAT = "nanda"
NANDA_KINDS = frozenset({"start", "send", "broadcast", "receive", "dropped", "stop"})
ROLE_TASKS = (
    ("auctioneer", "auction"),
    ("coordinator", "voting"),
    ("leader", "consensus"),
    ("supplier", "supply_chain"),
    ("observer", "reputation"),
    ("buyer", "marketplace"),
)
"""The task a Nanda Town trace came from, by the roles its agents are named after."""


class NandaTraceError(ValueError):
    """A line that is not a Nanda Town trace event."""


def looks_nanda(event: dict[str, Any]) -> bool:
    """A first line in Nanda Town's format: one of its kinds, a numeric ``ts``, no ``t``."""
    ts = event.get("ts")
    return (
        event.get("kind") in NANDA_KINDS
        and "t" not in event
        and isinstance(ts, int | float)
        and not isinstance(ts, bool)
    )


def _tick(ts: Any) -> int | float:
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        raise NandaTraceError("no numeric ts")
    return int(ts) if float(ts).is_integer() else float(ts)


def _role(agent: str) -> str:
    role, sep, index = agent.rpartition("-")
    return role if sep and index.isdigit() else agent


def guess_task(roles: Iterable[str]) -> str | None:
    have = set(roles)
    return next((task for role, task in ROLE_TASKS if role in have), None)


def to_nets(
    events: Iterable[tuple[int, dict[str, Any]]], name: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """nets-sim/1 events (line 0: the synthesized header) from a Nanda Town trace's events.

    The header's ``task`` is guessed from the start lines (Nanda Town writes them all first);
    message ids are numbered in send order and receives find theirs by ``corr``."""
    it = iter(events)
    pending: list[tuple[int, dict[str, Any]]] = []
    roles: dict[str, None] = {}
    for number, event in it:
        pending.append((number, event))
        if event.get("kind") != "start":
            break
        roles[_role(str(event.get("agent", "")))] = None
    agents = sum(1 for _, e in pending if e.get("kind") == "start")
    yield (
        0,
        {
            "kind": "run",
            "format": NANDA_FORMAT,
            "name": name,
            "seed": None,
            "task": guess_task(roles),
            "agents": agents,
        },
    )
    ids: dict[str, tuple[int, int | float]] = {}
    sent = delivered = dropped = events_seen = 0
    t: int | float = 0
    last = 0

    def chain() -> Iterator[tuple[int, dict[str, Any]]]:
        yield from pending
        yield from it

    for number, ev in chain():
        last = number
        kind = ev.get("kind")
        t = _tick(ev.get("ts"))
        agent = str(ev.get("agent", ""))
        msg = ev.get("msg", "")
        corr = ev.get("corr")
        if kind == "start":
            yield number, {"t": t, "kind": "start", "agent": agent, "role": _role(agent)}
        elif kind in ("send", "broadcast"):
            sent += 1
            if isinstance(corr, str):
                ids[corr] = (sent, t)
            yield (
                number,
                {
                    "t": t,
                    "kind": "send",
                    "agent": agent,
                    "to": str(ev.get("to", "*")),
                    "id": sent,
                    "size": ev.get("size", 0),
                    "msg": msg,
                },
            )
        elif kind == "receive":
            events_seen += 1
            sender = str(ev.get("from", ""))
            if corr is None and sender == agent:
                yield number, {"t": t, "kind": "timer", "agent": agent, "msg": msg}
                continue
            delivered += 1
            mid, at = ids.get(str(corr), (0, t))
            yield (
                number,
                {
                    "t": t,
                    "kind": "receive",
                    "agent": agent,
                    "from": sender,
                    "id": mid,
                    "lat": t - at,
                    "msg": msg,
                },
            )
        elif kind == "dropped":
            dropped += 1
            mid, _ = ids.get(str(corr), (0, t))
            sender = str(ev.get("from", ""))
            yield (
                number,
                {"t": t, "kind": "drop", "agent": sender, "to": agent, "id": mid, "reason": "loss"},
            )
        else:
            yield number, {**{k: v for k, v in ev.items() if k != "ts"}, "t": t}
    yield (
        last + 1,
        {
            "t": t,
            "kind": "end",
            "events": events_seen,
            "sent": sent,
            "delivered": delivered,
            "dropped": dropped,
            "in_flight": 0,
            "timers_pending": 0,
        },
    )


class NandaWriter:
    """nets trace lines in, Nanda Town trace lines out (``nets run --trace-format nanda``).

    Keeps each message's text until it is delivered or dropped (Nanda Town repeats the payload
    on receive lines), so memory is linear in messages in flight. Timers become receives from
    oneself, as Nanda Town's timers are. ``app`` and ``layer`` lines (nets' evidence) keep their
    fields with ``ts`` for ``t``: `nest inspect` counts them under their kind, Nanda Town's
    validators read only messages, and nets validate runs nets' own checks on them. ``heal``
    and ``end`` lines have no Nanda Town form and are left out."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._inflight: dict[int, tuple[int, str]] = {}
        self.lines = 0

    def _write(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
        self.lines += 1

    @staticmethod
    def _text(event: dict[str, Any]) -> str:
        if "msg" in event:
            return str(event["msg"])
        return bytes.fromhex(str(event.get("msg_hex", ""))).decode("utf-8", errors="replace")

    def add(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        ts = float(event.get("t", 0))
        agent = event.get("agent")
        if kind in ("start", "stop"):
            self._write({"agent": agent, "kind": kind, "ts": ts})
        elif kind == "send":
            text = self._text(event)
            mid = int(event["id"])
            self._inflight[mid] = (int(event.get("size", 0)), text)
            self._write(
                {
                    "agent": agent,
                    "corr": f"corr-{mid}",
                    "kind": "send",
                    "msg": text,
                    "size": event.get("size", 0),
                    "to": event.get("to"),
                    "ts": ts,
                }
            )
        elif kind in ("receive", "drop"):
            mid = int(event["id"])
            size, text = self._inflight.pop(mid, (0, ""))
            record: dict[str, Any] = {"corr": f"corr-{mid}", "msg": text, "size": size, "ts": ts}
            if kind == "receive":
                record.update(agent=agent, kind="receive", **{"from": event.get("from")})
            else:  # Nanda Town files a drop under the recipient
                record.update(agent=event.get("to"), kind="dropped", **{"from": agent})
            self._write(record)
        elif kind in ("app", "layer"):  # nets' evidence, for nets validate; nest skips them
            self._write({**{k: v for k, v in event.items() if k != "t"}, "ts": ts})
        elif kind == "timer":
            text = self._text(event)
            self._write(
                {
                    "agent": agent,
                    "from": agent,
                    "kind": "receive",
                    "msg": text,
                    "size": len(text.encode()),
                    "ts": ts,
                }
            )


def convert_to_nanda(src: Path, dst: Path) -> int:
    """Write the nets trace ``src`` as a Nanda Town trace at ``dst``; the lines written."""
    lines = 0
    with src.open("rb") as fh, dst.open("w", encoding="utf-8") as out:
        writer = NandaWriter(out)
        for raw in fh:
            writer.add(json.loads(raw))
        lines = writer.lines
    return lines

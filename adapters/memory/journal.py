"""One journal record per committed transaction of a durable memory chain.

A record carries what the transaction changed: the ledger's lists from where the previous
record left them (blocks, events: append-only), the ledger's other fields, and the Arena's
state whole (small next to the event log). After a revert (the ledger's lists were cut back) a
record carries the whole world instead. Records are numbered (``seq``) without gaps, so a
reader that finds a gap knows it missed a compaction and reloads from the snapshot.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.memory.chain import World
from adapters.memory.persist import _dec, _enc, dump, dump_state, load, load_state

APPEND_ONLY = frozenset({"codes"})
"""Ledger dicts that only grow (block -> registered module): a record carries the new entries,
not the whole dict (modules are up to 64 KiB each)."""

Marks = dict[str, int]
"""The length of each ledger list when the last record was written or read."""


def marks(world: World) -> Marks:
    """Where the next record's ledger lists start, plus the revert epoch."""
    ledger = vars(world.ledger)
    found = {
        name: len(value)
        for name, value in ledger.items()
        if isinstance(value, list) or name in APPEND_ONLY
    }
    found["$epoch"] = int(world.ledger.epoch)
    found["$offset"] = int(world.ledger.offset)
    return found


def changed(world: World, before: Marks) -> bool:
    """Every state change mines a block (or reverts, or moves the clock): compare those."""
    return marks(world) != before


def record(world: World, seq: int, before: Marks) -> str:
    """The JSON line for transaction ``seq`` (no newline)."""
    ledger = vars(world.ledger)
    now = marks(world)
    whole = now["$epoch"] != before.get("$epoch") or any(
        now.get(name, 0) < start for name, start in before.items() if not name.startswith("$")
    )
    if whole:
        return json.dumps({"seq": seq, "world": dump(world)})
    delta: dict[str, Any] = {}
    for name, value in ledger.items():
        if callable(value):  # the wall-clock source: the process's own, never stored
            continue
        if isinstance(value, list):
            start = before.get(name, 0)
            delta[name] = {"from": start, "add": _enc(value[start:])}
        elif name in APPEND_ONLY:
            start = before.get(name, 0)
            delta[name] = {"from": start, "add": _enc(dict(list(value.items())[start:]))}
        else:
            delta[name] = _enc(value)
    return json.dumps({"seq": seq, "ledger": delta, "state": dump_state(world.state)})


def apply(world: World, data: Any) -> None:
    """Apply one parsed record to ``world`` in place (handles keep pointing at it). ValueError
    when it does not fit (a record from another chain, or one that skips blocks)."""
    if not isinstance(data, dict):
        raise ValueError("not a journal record")
    if "world" in data:
        replace(world, load(data["world"]))
        return
    ledger = world.ledger
    for name, value in data["ledger"].items():
        current = getattr(ledger, name, None)
        if isinstance(current, list) or (name in APPEND_ONLY and isinstance(current, dict)):
            if len(current) != value["from"]:
                raise ValueError(f"record {data.get('seq')} does not follow the chain ({name})")
            added = _dec(value["add"])
            if isinstance(current, list):
                current.extend(added)
            else:
                current.update(added)
        else:
            setattr(ledger, name, _dec(value))
    state = load_state(data["state"])
    world.state.__dict__.update(state.__dict__)


def replace(world: World, other: World) -> None:
    """Make ``world`` (in place) the world loaded as ``other`` (keeping its clock source)."""
    clock = world.ledger.clock
    world.ledger.__dict__.update(other.ledger.__dict__)
    world.ledger.clock = clock
    world.state.__dict__.update(other.state.__dict__)

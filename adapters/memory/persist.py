"""MemoryChain on disk: the whole world as one JSON file, so ``--chain memory:FILE`` keeps a
local league alive across commands. JSON (not pickle): a hostile or corrupt file can only fail
to load, with one line saying why."""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

from adapters.arena_ops import LeagueConfig, Phase
from adapters.errors import AdapterError
from adapters.memory.chain import World, new_world
from adapters.memory.ledger import Ledger
from adapters.memory.state import Agent, ArenaState, Dispute, League, Round

FORMAT = "nets.memory-chain/1"


class MemoryFileError(AdapterError):
    """The memory chain file cannot be read or written."""


def _enc(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b": value.hex()}
    if isinstance(value, tuple):
        return {"$t": [_enc(v) for v in value]}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        return {"$d": [[_enc(k), _enc(v)] for k, v in value.items()]}
    if isinstance(value, Phase):
        return int(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    raise TypeError(f"cannot store {type(value).__name__}")


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if isinstance(value, dict):
        if "$b" in value:
            return bytes.fromhex(value["$b"])
        if "$t" in value:
            return tuple(_dec(v) for v in value["$t"])
        if "$d" in value:
            return {_dec(k): _dec(v) for k, v in value["$d"]}
        raise ValueError("unknown object")
    return value


def _record(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def dump(world: World) -> dict[str, Any]:
    ledger, state = world.ledger, world.state
    return {
        "format": FORMAT,
        "ledger": _enc(
            {
                "chain_id": ledger.chain_id,
                "wall_clock": ledger.wall_clock,
                "offset": ledger.offset,
                "start_time": ledger.start_time,
                "timestamps": ledger.timestamps,
                "epoch": ledger.epoch,
                "epochs": ledger.epochs,
                "events": [list(e) for e in ledger.events],
                "keys": ledger.keys,
                "wallets": ledger.wallets,
                "codes": ledger.codes,
            }
        ),
        "state": _enc(
            {
                "unstake_delay": state.unstake_delay,
                "agents": {k: _record(a) for k, a in state.agents.items()},
                "leagues": {
                    k: {**_record(v.config), "creator": v.creator, "reward_pool": v.reward_pool}
                    for k, v in state.leagues.items()
                },
                "rounds": {k: _record(r) for k, r in state.rounds.items()},
                "claim_commit": state.claim_commit,
                "disqualified": sorted(state.disqualified),
                "balance_of": state.balance_of,
                "disputes": {k: _record(d) for k, d in state.disputes.items()},
                "counts": (
                    state.agent_count,
                    state.league_count,
                    state.round_count,
                    state.dispute_count,
                ),
            }
        ),
    }


def load(data: Any) -> World:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    led = _dec(data["ledger"])
    st = _dec(data["state"])
    world = new_world(chain_id=int(led["chain_id"]), wall_clock=bool(led["wall_clock"]))
    ledger: Ledger = world.ledger
    ledger.offset, ledger.start_time, ledger.epoch = led["offset"], led["start_time"], led["epoch"]
    ledger.timestamps, ledger.epochs = list(led["timestamps"]), list(led["epochs"])
    ledger.events = [(str(a), str(n), dict(args)) for a, n, args in led["events"]]
    ledger.keys = [tuple(k) for k in led["keys"]]
    ledger.wallets = dict(led["wallets"])
    ledger.codes = {int(k): bytes(v) for k, v in led.get("codes", {}).items()}
    if not (
        len(ledger.timestamps) == len(ledger.epochs) and len(ledger.events) == len(ledger.keys)
    ):
        raise ValueError("inconsistent ledger")
    state: ArenaState = world.state
    state.unstake_delay = int(st["unstake_delay"])
    state.agents = {int(k): Agent(**v) for k, v in st["agents"].items()}
    state.leagues = {}
    for k, v in st["leagues"].items():
        creator, pool = v.pop("creator"), v.pop("reward_pool")
        state.leagues[int(k)] = League(LeagueConfig(**v), creator, pool)
    state.rounds = {int(k): Round(**v) for k, v in st["rounds"].items()}
    state.claim_commit = dict(st["claim_commit"])
    state.disqualified = {tuple(p) for p in st["disqualified"]}  # type: ignore[misc]
    state.balance_of = dict(st["balance_of"])
    state.disputes = {}
    for k, v in st["disputes"].items():
        v["phase"] = Phase(v["phase"])
        state.disputes[int(k)] = Dispute(**v)
    (state.agent_count, state.league_count, state.round_count, state.dispute_count) = st["counts"]
    return world


def to_text(world: World) -> str:
    """The whole world as JSON text (what a file or the node's database stores)."""
    return json.dumps(dump(world))


def from_text(text: str, refusal: str) -> World:
    """The world stored as ``text``; MemoryFileError(``refusal`` (why)) when it is not one."""
    try:
        return load(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise MemoryFileError(f"{refusal} ({exc})") from None


def load_file(path: Path) -> World:
    """The world saved at ``path``, or a new one when the file does not exist yet."""
    if not path.exists():
        return new_world()
    if not path.is_file() and not path.is_dir():  # a device or pipe: read whole, it never ends
        raise MemoryFileError(f"{path} is not a regular file")
    refusal = f"{path}: not a memory chain file"
    try:
        text = path.read_text()
    except OSError as exc:
        raise MemoryFileError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise MemoryFileError(f"{refusal} ({exc})") from None
    return from_text(text, refusal)


def check_writable(path: Path) -> None:
    """MemoryFileError now, rather than when the chain is saved after a command's work (whose
    database rows would then describe a chain that was never written)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise MemoryFileError(f"{path}: cannot be written: {blocked} is not a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("ab"):
            pass
        temporary.unlink()
    except OSError as exc:
        raise MemoryFileError(f"{path}: cannot be written: {exc.strerror or exc}") from None


def save_file(world: World, path: Path) -> None:
    """Write atomically (temporary file + rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(to_text(world))
        os.replace(temporary, path)
    except OSError as exc:
        raise MemoryFileError(f"{path}: {exc.strerror or exc}") from None

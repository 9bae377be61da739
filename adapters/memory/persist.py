"""MemoryChain on disk: the whole world as one JSON file, so ``--chain memory:FILE`` keeps a
local league alive across commands. JSON (not pickle): a hostile or corrupt file can only fail
to load, with one line saying why."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

from adapters.arena_ops import LeagueConfig, Phase
from adapters.errors import AdapterError
from adapters.memory.chain import World, live_world, new_world
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
                "block_interval": ledger.block_interval,
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
        "state": dump_state(state),
    }


def dump_state(state: ArenaState) -> Any:
    """The Arena's storage, encoded (what a journal record carries whole)."""
    return _enc(
        {
            "unstake_delay": state.unstake_delay,
            "agents": {k: _record(a) for k, a in state.agents.items()},
            "leagues": {
                k: {
                    **_record(v.config),
                    "creator": v.creator,
                    "reward_pool": v.reward_pool,
                    "last_deadline": v.last_deadline,
                }
                for k, v in state.leagues.items()
            },
            "rounds": {k: _record(r) for k, r in state.rounds.items()},
            "claim_commit": state.claim_commit,
            "disqualified": sorted(state.disqualified),
            "balance_of": state.balance_of,
            "disputes": {k: _record(d) for k, d in state.disputes.items()},
            "leaders": state.leaders,
            "held": state.held,
            "counts": (
                state.agent_count,
                state.league_count,
                state.round_count,
                state.dispute_count,
            ),
        }
    )


def load(data: Any) -> World:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    led = _dec(data["ledger"])
    world = new_world(
        chain_id=int(led["chain_id"]),
        wall_clock=bool(led["wall_clock"]),
        block_interval=int(led.get("block_interval", 0)),  # absent: saved before time moved
    )
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
    world.state.__dict__.update(load_state(data["state"]).__dict__)
    return world


def load_state(data: Any) -> ArenaState:
    """The Arena's storage from ``dump_state``'s encoding."""
    st = _dec(data)
    state = ArenaState(unstake_delay=int(st["unstake_delay"]))
    state.agents = {int(k): Agent(**v) for k, v in st["agents"].items()}
    state.leagues = {}
    for k, v in st["leagues"].items():
        creator, pool = v.pop("creator"), v.pop("reward_pool")
        last_deadline = v.pop("last_deadline", 0)
        state.leagues[int(k)] = League(LeagueConfig(**v), creator, pool, last_deadline)
    state.rounds = {int(k): Round(**v) for k, v in st["rounds"].items()}
    state.claim_commit = dict(st["claim_commit"])
    state.disqualified = {tuple(p) for p in st["disqualified"]}  # type: ignore[misc]
    state.balance_of = dict(st["balance_of"])
    state.disputes = {}
    for k, v in st["disputes"].items():
        v["phase"] = Phase(v["phase"])
        state.disputes[int(k)] = Dispute(**v)
    state.leaders = {int(k): [int(x) for x in v] for k, v in st.get("leaders", {}).items()}
    state.held = {int(k): int(v) for k, v in st.get("held", {}).items()}
    (state.agent_count, state.league_count, state.round_count, state.dispute_count) = st["counts"]
    return state


def to_text(world: World, seq: int | None = None) -> str:
    """The whole world as JSON text (what a file or the node's database stores); ``seq`` is
    the last journal record it includes (adapters.memory.journal)."""
    data = dump(world)
    if seq is not None:
        data["seq"] = seq
    return json.dumps(data)


def from_text(text: str, refusal: str) -> World:
    """The world stored as ``text``; MemoryFileError(``refusal`` (why)) when it is not one."""
    return from_text_seq(text, refusal)[0]


def from_text_seq(text: str, refusal: str) -> tuple[World, int]:
    """``from_text`` and the last journal record the snapshot includes (0 before any)."""
    try:
        data = json.loads(text)
        seq = data.get("seq", 0) if isinstance(data, dict) else 0
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValueError("bad seq")
        return load(data), seq
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise MemoryFileError(f"{refusal} ({exc})") from None


def load_file(path: Path) -> World:
    """The world kept at ``path`` (snapshot and journal), or a new one when the file does not
    exist yet; every later transaction on it is stored as it happens (adapters.memory.durable)."""
    from adapters.memory.durable import FileStore

    return FileStore(path).open()


def load_file_seq(path: Path) -> tuple[World, int]:
    """``load_file`` and the snapshot's journal position (adapters.memory.durable)."""
    if not path.exists():
        return live_world(), 0
    if not path.is_file() and not path.is_dir():  # a device or pipe: read whole, it never ends
        raise MemoryFileError(f"{path} is not a regular file")
    refusal = f"{path}: not a memory chain file"
    try:
        text = path.read_text()
    except OSError as exc:
        raise MemoryFileError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise MemoryFileError(f"{refusal} ({exc})") from None
    return from_text_seq(text, refusal)


def check_writable(path: Path) -> None:
    """MemoryFileError now, rather than when the chain is saved after a command's work (whose
    database rows would then describe a chain that was never written). The probe file has a
    name of its own: FILE.tmp may be another process's snapshot on its way in (write_durably,
    under the chain's lock), which a shared name would delete under it."""
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise MemoryFileError(f"{path}: cannot be written: {blocked} is not a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise MemoryFileError(f"{path}: cannot be written: {exc.strerror or exc}") from None


def save_file(world: World, path: Path) -> None:
    """Keep ``world`` at ``path``: nothing to do for the world ``load_file(path)`` gave (it is
    stored per transaction); any other replaces what is there (snapshot, empty journal)."""
    from adapters.memory.durable import FileStore

    store = world.store
    if isinstance(store, FileStore) and store.path == path:
        return
    check_writable(path)
    write_snapshot(world, path, 0)
    write_durably(path.with_name(path.name + ".journal"), b"")


def write_snapshot(world: World, path: Path, seq: int | None = None) -> int:
    """Write atomically and durably (temporary file, fsync, rename, fsync of the directory);
    returns the bytes written."""
    return write_durably(path, to_text(world, seq).encode())


def write_durably(path: Path, data: bytes) -> int:
    """``data`` at ``path`` whole or not at all, on disk when this returns."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        sync_directory(path.parent)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise MemoryFileError(f"{path}: {exc.strerror or exc}") from None
    return len(data)


def sync_directory(directory: Path) -> None:
    """fsync a directory, so a rename or a new file in it survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""A whole match in C: the system steps, the agent's decisions, state hashing and the root.

`play` gives the same figures as node.match's reference loop or None when it cannot, with
the reason counted in COUNTS: the library is missing, the system or agent is not one it
knows, or a decision trapped in wasmtime (its exact fuel is the reference interpreter's,
docs/protocol/sandbox.md 3; the whole match then runs on the reference path).
"""

from __future__ import annotations

import ctypes
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from node.native import layout
from node.native.agent import api, view
from node.native.library import Library, load
from node.systems.base import System
from node.systems.connect4 import Connect4
from node.systems.predict import Predict
from node.systems.rps import Rps
from node.systems.snake import Snake
from node.wasm import MAX_FUEL, AgentProgram

SYSTEM_IDS: dict[type, int] = {Snake: 1, Rps: 2, Connect4: 3, Predict: 4}
"""The systems the library implements, by class (a subclass may change the rules)."""
ENTRY_SIZE = 77


@dataclass
class Counts:
    """How matches asked of the fast engine ran: natively, or on the reference path and why."""

    native: int = 0
    fallbacks: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"native": self.native, "fallbacks": dict(self.fallbacks)}

    def reset(self) -> None:
        self.native = 0
        self.fallbacks.clear()


COUNTS = Counts()


@dataclass(frozen=True, slots=True)
class NativeMatch:
    """What the C loop reports; node.match turns it into a MatchResult."""

    steps: int
    outcome: int
    fuel_used: int
    score: int
    trace_root: bytes
    initial_state_hash: bytes
    final_state_hash: bytes
    entries: tuple[bytes, ...]
    final_state: bytes
    """The final state's encoding (the system decodes it)."""


class _Runner:
    """One thread's C runner (its buffers grow to the longest match) and result."""

    def __init__(self, library: Library) -> None:
        self.dll = library.dll
        self.handle = self.dll.nets_runner_new()
        if not self.handle:
            raise MemoryError("nets_runner_new")
        self.result = layout.Result()
        self.result_ref = ctypes.byref(self.result)
        self.final_offset = layout.Result.final_state.offset

    def __del__(self) -> None:
        if getattr(self, "handle", None):
            self.dll.nets_runner_free(self.handle)


_local = threading.local()


def _runner(library: Library) -> _Runner:
    runner: _Runner | None = getattr(_local, "runner", None)
    if runner is None:
        runner = _local.runner = _Runner(library)
    return runner


def unavailable() -> str | None:
    """Why the native engine cannot run here, or None when it can."""
    library, reason = load()
    if library is None:
        return reason
    if api() is None:
        return "wasmtime-py internals differ from the pinned 50.x"
    return None


def _fallback(reason: str) -> None:
    COUNTS.fallbacks[reason] += 1


def play(
    system: System, program: object, seed: bytes, params: bytes, fuel: int
) -> NativeMatch | None:
    """The match played natively, or None (counted) when it must run on the reference path."""
    library, reason = load()
    wasmtime_api = api()
    if library is None:
        _fallback(reason)
        return None
    if wasmtime_api is None:
        _fallback("wasmtime-py internals differ")
        return None
    system_id = SYSTEM_IDS.get(type(system))
    if system_id is None:
        _fallback("system without a native twin")
        return None
    if not isinstance(program, AgentProgram):
        _fallback("agent is not an AgentProgram")
        return None
    agent_pointer: Any = None
    live = None
    if program.abi is not None:
        if not 0 <= fuel <= MAX_FUEL:
            _fallback("fuel out of range")  # the reference path raises the usual error
            return None
        live = program.live()
        if live is None:
            _fallback("no wasmtime instance")
            return None
        agent_view = view(live)
        agent_view.agent.dirty = int(live.dirty)
        agent_pointer = agent_view.pointer
    initial = system.encode(system.initial_state(seed, params))
    runner = _runner(library)
    result = runner.result
    status = runner.dll.nets_run(
        runner.handle,
        ctypes.byref(wasmtime_api),
        system_id,
        initial,
        len(initial),
        agent_pointer,
        fuel,
        runner.result_ref,
    )
    if live is not None:
        live.dirty = bool(agent_pointer.contents.dirty)
    if status != layout.FINISHED:
        _fallback(
            {
                layout.NEEDS_REFERENCE: "a decision needs the reference interpreter",
                layout.STATE_NOT_HANDLED: "state outside the native layout",
            }.get(status, "native engine out of memory")
        )
        return None
    steps = result.steps
    raw = ctypes.string_at(result.entries, steps * ENTRY_SIZE) if steps else b""
    final = ctypes.string_at(ctypes.addressof(result) + runner.final_offset, result.final_len)
    COUNTS.native += 1
    return NativeMatch(
        steps=steps,
        outcome=result.outcome,
        fuel_used=result.fuel_used,
        score=result.score,
        trace_root=bytes(result.root),
        initial_state_hash=bytes(result.initial_hash),
        final_state_hash=bytes(result.final_hash),
        entries=tuple(raw[i : i + ENTRY_SIZE] for i in range(0, len(raw), ENTRY_SIZE)),
        final_state=final,
    )

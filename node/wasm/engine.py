"""The wasmtime fast path: one compiled module, a fresh store and instance per decision.

wasmtime's fuel is exact whenever the called function returns (it writes the fuel back at
every return), so `ok` and `out_of_fuel` come from here. After any other trap its remaining
fuel is stale, so `run` reports `None` and the caller asks the reference interpreter.
"""

from __future__ import annotations

import atexit
import ctypes
from functools import cache

import wasmtime

from node.wasm.fastcall import I32_KIND, I64_KIND, call, export
from node.wasm.limits import MAX_PAGES, PAGE_SIZE

OK, OUT_OF_FUEL = 0, 2
_DISABLED_PROPOSALS = (
    "wasm_gc", "wasm_function_references", "wasm_exceptions", "wasm_stack_switching",
    "wasm_component_model", "wasm_threads", "wasm_relaxed_simd", "wasm_simd",
    "wasm_bulk_memory", "wasm_multi_value", "wasm_multi_memory", "wasm_memory64",
    "wasm_tail_call", "wasm_wide_arithmetic", "wasm_custom_page_sizes",
)  # fmt: skip
# wasm_reference_types stays on: wasmtime 50 aborts the process when it is off (its
# component-model-async default needs it). The profile validator rejects reference types.


@cache
def engine() -> wasmtime.Engine:
    """The process-wide engine with fuel metering and every unneeded proposal off."""
    config = wasmtime.Config()
    config.consume_fuel = True
    config.cranelift_nan_canonicalization = True
    for proposal in _DISABLED_PROPOSALS:
        setattr(config, proposal, False)
    # Memories never grow (memory.grow is outside the profile) and hold at most 2 pages:
    # reserve exactly that, with explicit bounds checks instead of a large guard region.
    # Setting up and tearing down an instance gets about 25% cheaper; traps are the same.
    config.memory_reservation = MAX_PAGES * PAGE_SIZE
    config.memory_guard_size = 0
    config.memory_reservation_for_growth = 0
    shared = wasmtime.Engine(config)
    # Release it before interpreter teardown, when wasmtime-py's finalizers can no longer run.
    atexit.register(shared.close)
    return shared


INSTANCES_PER_STORE = 64
"""Fresh instances share a store, 64 at a time: a new instance has its own zeroed memory and
initial globals, so each decision still sees a fresh instance, for a third of the cost."""


def new_store(fuel: int, instances: int = 1) -> wasmtime.Store:
    """A store with the sandbox limits (2 pages per memory, no tables) and ``fuel``."""
    store = wasmtime.Store(engine())
    store.set_limits(
        memory_size=MAX_PAGES * PAGE_SIZE, instances=instances, tables=0, memories=instances
    )
    store.set_fuel(fuel)
    return store


class Compiled:
    """A module compiled once (per code hash); `run` instantiates it afresh each time.

    Not thread-safe: use one Compiled (one AgentProgram) per thread.
    """

    def __init__(self, code: bytes, abi: int, memory_bytes: int) -> None:
        self.module = wasmtime.Module(engine(), code)
        self.abi = abi
        self.positions = {e.name: i for i, e in enumerate(self.module.exports)}
        """Where decide, obs_ptr and memory sit in the export list."""
        self.memory_bytes = memory_bytes
        """The memory's fixed size (memory.grow is outside the profile)."""
        self._store: wasmtime.Store | None = None
        self._instances_left = 0

    def _fresh_store(self, fuel: int) -> wasmtime.Store:
        """A store with room for one more instance, its fuel set to ``fuel``."""
        if self._store is None or self._instances_left == 0:
            self._store = new_store(fuel, INSTANCES_PER_STORE)
            self._instances_left = INSTANCES_PER_STORE
        else:
            self._store.set_fuel(fuel)
        self._instances_left -= 1
        return self._store

    def run(self, observation: bytes, budget: int) -> tuple[int, int, int] | None:
        """(outcome, value, fuel_used) for ok/out_of_fuel; None when a trap needs the interpreter."""
        given = budget + 1
        store = self._fresh_store(given)
        try:
            instance = wasmtime.Instance(store, self.module, [])
            decide = export(store, instance, "decide", self.positions["decide"])
            assert isinstance(decide, wasmtime.Func)
            if self.abi == 0:
                arg = int.from_bytes(observation, "big", signed=True)
                result = call(store, decide, ((I64_KIND, arg),))
            else:
                obs_ptr = export(store, instance, "obs_ptr", self.positions["obs_ptr"])
                memory = export(store, instance, "memory", self.positions["memory"])
                assert isinstance(obs_ptr, wasmtime.Func)
                assert isinstance(memory, wasmtime.Memory)
                ptr = call(store, obs_ptr, ()) & 0xFFFFFFFF
                if ptr + len(observation) > self.memory_bytes:
                    # A trap, unless obs_ptr already ran out of fuel: the interpreter decides.
                    return None
                if observation:
                    ctypes.memmove(
                        ctypes.addressof(memory.data_ptr(store).contents) + ptr,
                        observation,
                        len(observation),
                    )
                result = call(store, decide, ((I32_KIND, len(observation)),))
        except wasmtime.Trap as trap:
            if trap.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
                return OUT_OF_FUEL, 0, budget
            return None
        except wasmtime.WasmtimeError:
            return None
        remaining = store.get_fuel()
        used = given - remaining
        if remaining == 0 or used > budget:
            return OUT_OF_FUEL, 0, budget
        return OK, result, used

"""The wasmtime fast path: one compiled module, a fresh store and instance per decision.

wasmtime's fuel is exact whenever the called function returns (it writes the fuel back at
every return), so `ok` and `out_of_fuel` come from here. After any other trap its remaining
fuel is stale, so `run` reports `None` and the caller asks the reference interpreter.
"""

from __future__ import annotations

import ctypes
from functools import cache

import wasmtime

from node.wasm.fastcall import I32_KIND, I64_KIND, call
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
    return wasmtime.Engine(config)


def new_store(fuel: int) -> wasmtime.Store:
    """A store with the sandbox limits (2 pages, 1 instance, 1 memory, no tables) and fuel."""
    store = wasmtime.Store(engine())
    store.set_limits(memory_size=MAX_PAGES * PAGE_SIZE, instances=1, tables=0, memories=1)
    store.set_fuel(fuel)
    return store


class Compiled:
    """A module compiled once (per code hash); `run` instantiates it afresh each time."""

    def __init__(self, code: bytes, abi: int) -> None:
        self.module = wasmtime.Module(engine(), code)
        self.abi = abi

    def run(self, observation: bytes, budget: int) -> tuple[int, int, int] | None:
        """(outcome, value, fuel_used) for ok/out_of_fuel; None when a trap needs the interpreter."""
        given = budget + 1
        store = new_store(given)
        try:
            instance = wasmtime.Instance(store, self.module, [])
            exports = instance.exports(store)
            decide = exports["decide"]
            assert isinstance(decide, wasmtime.Func)
            if self.abi == 0:
                arg = int.from_bytes(observation, "big", signed=True)
                result = call(store, decide, ((I64_KIND, arg),))
            else:
                obs_ptr = exports["obs_ptr"]
                memory = exports["memory"]
                assert isinstance(obs_ptr, wasmtime.Func)
                assert isinstance(memory, wasmtime.Memory)
                ptr = call(store, obs_ptr, ())
                remaining = store.get_fuel()
                if remaining == 0 or given - remaining > budget:
                    return OUT_OF_FUEL, 0, budget
                ptr &= 0xFFFFFFFF
                if ptr + len(observation) > memory.data_len(store):
                    return None  # host write out of bounds: a trap, exact fuel from the interpreter
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

"""The wasmtime fast path: one compiled module and one live instance, restored per decision.

Every decision must behave as if it ran on a fresh instance (docs/protocol/sandbox.md, 2).
Instantiating per decision costs most of a decision, so each program keeps one instance and
puts back, before every decision, everything a decision can change: the bytes of its
memory (which cannot grow) and the values of its mutable globals (exported for the host by
node.wasm.rewrite). Nothing else in the store is reachable from the profile: no imports,
tables, start function or memory.grow.

wasmtime's fuel is exact whenever the called function returns (it writes the fuel back at
every return), so `ok` and `out_of_fuel` come from here. After any other trap its remaining
fuel is stale, so `run` reports `None` and the caller asks the reference interpreter.
"""

from __future__ import annotations

import atexit
import ctypes
import re
from collections.abc import Callable
from functools import cache

import wasmtime

from node.wasm.fastcall import I32_KIND, I64_KIND, Handle, export
from node.wasm.limits import MAX_FUEL, MAX_PAGES, PAGE_SIZE
from node.wasm.meter import meter_entries
from node.wasm.opcodes import I64, MEMORY
from node.wasm.rewrite import export_host_view
from node.wasm.validator import Module

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
    # Compile on the calling thread: wasmtime's compile thread pool does not survive a fork, so
    # a process forked after a compile (multiprocessing's fork start method) would wait for it
    # forever on its next compile. Agent programs are small; the pool bought nothing here.
    config.parallel_compilation = False
    shared = wasmtime.Engine(config)
    # Release it before interpreter teardown, when wasmtime-py's finalizers can no longer run.
    atexit.register(shared.close)
    return shared


def new_store(fuel: int, instances: int = 1) -> wasmtime.Store:
    """A store with the sandbox limits (2 pages per memory, no tables) and ``fuel``."""
    store = wasmtime.Store(engine())
    store.set_limits(
        memory_size=MAX_PAGES * PAGE_SIZE, instances=instances, tables=0, memories=instances
    )
    store.set_fuel(fuel)
    return store


MAX_RUNS = 8
RUN_GAP = 64
_NONZERO = re.compile(rb"[^\x00]+")


def nonzero_runs(image: bytes) -> list[tuple[int, bytes]] | None:
    """(offset, bytes) covering every non-zero byte of ``image``, or None if that takes more
    than MAX_RUNS copies (stretches closer than RUN_GAP bytes are merged)."""
    spans: list[list[int]] = []
    for match in _NONZERO.finditer(image):
        start, end = match.span()
        if spans and start - spans[-1][1] <= RUN_GAP:
            spans[-1][1] = end
        else:
            if len(spans) == MAX_RUNS:
                return None
            spans.append([start, end])
    return [(start, image[start:end]) for start, end in spans]


def writes_memory(module: Module) -> bool:
    """Whether any function of the validated module has a store instruction (reachable or
    not). Without one, a decision changes no memory byte: only the host's observation write
    does, so restoring that stretch restores the memory (node.native relies on it)."""
    return any(
        instr[0] in MEMORY and MEMORY[instr[0]].store
        for function in module.functions
        for instr in function.code
    )


class Compiled:
    """A module compiled once (per code hash) and its one live instance, made on first use.

    Not thread-safe: use one Compiled (one AgentProgram) per thread.
    """

    def __init__(self, code: bytes, module: Module) -> None:
        host_code, self.host_exports = export_host_view(meter_entries(code, module), module)
        self.module = wasmtime.Module(engine(), host_code)
        self.validated = module
        self.abi = module.abi
        self.memory_bytes = module.memory.min_pages * PAGE_SIZE if module.memory else 0
        """The memory's fixed size (memory.grow is outside the profile)."""
        self._live: Live | None = None
        self._failed = False

    def live(self) -> Live | None:
        """The restorable instance; None if wasmtime cannot make one (the interpreter runs)."""
        if self._live is None and not self._failed:
            try:
                self._live = Live(self)
            except (wasmtime.WasmtimeError, wasmtime.Trap):
                self._failed = True
        return self._live

    def run(self, observation: bytes, budget: int) -> tuple[int, int, int] | None:
        """(outcome, value, fuel_used) for ok/out_of_fuel; None when a trap needs the interpreter."""
        live = self._live or self.live()
        if live is None:
            return None
        return live.run(observation, budget)


class Live:
    """One instance and the image every decision starts from.

    ABI v1: `obs_ptr` takes no input and always starts from the same fresh instance, so its
    result, its fuel and its effects are the same in every decision. It runs once here,
    with the largest budget; the image is taken after it, and each decision restores that
    image, writes the observation and calls `decide` with what the budget leaves, exactly
    the fuel wasmtime would have left after running `obs_ptr` again.
    """

    def __init__(self, compiled: Compiled) -> None:
        module = compiled.validated
        positions = {e.name: i for i, e in enumerate(compiled.module.exports)}
        self.store = store = new_store(MAX_FUEL + 1)
        instance = wasmtime.Instance(store, compiled.module, [])
        self.handle = handle = Handle(store)
        self.abi = module.abi
        self.memory_bytes = compiled.memory_bytes
        self.writes_memory = writes_memory(module)
        decide = export(store, instance, "decide", positions["decide"])
        assert isinstance(decide, wasmtime.Func)
        self.decide_func = decide
        param = I64_KIND if module.abi == 0 else I32_KIND
        self.decide = handle.caller(decide, param, I64_KIND)
        self.obs_ptr = 0
        self.obs_fuel = 0
        """What obs_ptr consumed; MAX_FUEL + 1 if it overran every budget."""
        self.obs_trapped = False
        """obs_ptr traps: every decision goes to the interpreter."""
        if module.abi == 1:
            obs_ptr = export(store, instance, "obs_ptr", positions["obs_ptr"])
            assert isinstance(obs_ptr, wasmtime.Func)
            self._first_obs_ptr(handle.caller(obs_ptr, None, I32_KIND))
        self.base = 0
        self.image = b""
        self.runs: list[tuple[int, bytes]] | None = None
        """The image's non-zero stretches, when few: zeroing then copying them is faster."""
        memory_name = compiled.host_exports.memory
        if memory_name is not None:
            memory = export(store, instance, memory_name, positions[memory_name])
            assert isinstance(memory, wasmtime.Memory)
            self.base = ctypes.addressof(memory.data_ptr(store).contents)
            self.image = ctypes.string_at(self.base, self.memory_bytes)
            self.runs = nonzero_runs(self.image)
        self.globals: list[Callable[[], None]] = []
        self.global_inits: list[tuple[wasmtime.Global, int, int]] = []
        """(global, kind, value in the image) of every mutable global, for node.native."""
        for index, name in compiled.host_exports.globals.items():
            glob = export(store, instance, name, positions[name])
            assert isinstance(glob, wasmtime.Global)
            value = glob.value(store)
            assert isinstance(value, int)
            kind = I64_KIND if module.globals[index].valtype == I64 else I32_KIND
            self.globals.append(handle.global_setter(glob, kind, value))
            self.global_inits.append((glob, kind, value))
        self.dirty = False
        """Whether a decision ran since the image was taken."""
        self.native: object | None = None
        """node.native's view of this instance, made on its first native match."""

    def _first_obs_ptr(self, obs_ptr: Callable[[int], int]) -> None:
        given = MAX_FUEL + 1
        try:
            self.obs_ptr = obs_ptr(0) & 0xFFFFFFFF
        except wasmtime.Trap as trap:
            if trap.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
                self.obs_fuel = given
            else:
                self.obs_trapped = True
            return
        except wasmtime.WasmtimeError:
            self.obs_trapped = True
            return
        remaining = self.handle.get_fuel()
        self.obs_fuel = given if remaining == 0 else given - remaining

    def restore(self) -> None:
        """Put memory and mutable globals back to the image (the fresh-instance state)."""
        if self.image:
            base, runs = self.base, self.runs
            if runs is None:
                ctypes.memmove(base, self.image, self.memory_bytes)
            else:
                ctypes.memset(base, 0, self.memory_bytes)
                for offset, data in runs:
                    ctypes.memmove(base + offset, data, len(data))
        for reset in self.globals:
            reset()

    def run(self, observation: bytes, budget: int) -> tuple[int, int, int] | None:
        """(outcome, value, fuel_used) for ok/out_of_fuel; None when a trap needs the interpreter."""
        if self.obs_trapped:
            return None
        obs_fuel = self.obs_fuel
        if obs_fuel > budget:
            return OUT_OF_FUEL, 0, budget
        if self.dirty:
            self.restore()
        self.dirty = True
        if self.abi == 0:
            arg = int.from_bytes(observation, "big", signed=True)
        else:
            size = len(observation)
            if self.obs_ptr + size > self.memory_bytes:
                return None  # a trap after obs_ptr: the interpreter gives its exact fuel
            if size:
                ctypes.memmove(self.base + self.obs_ptr, observation, size)
            arg = size
        given = budget - obs_fuel + 1
        handle = self.handle
        handle.set_fuel(given)
        try:
            result = self.decide(arg)
        except wasmtime.Trap as trap:
            if trap.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
                return OUT_OF_FUEL, 0, budget
            return None
        except wasmtime.WasmtimeError:
            return None
        remaining = handle.get_fuel()
        used = budget + 1 - remaining
        if remaining == 0 or used > budget:
            return OUT_OF_FUEL, 0, budget
        return OK, result, used

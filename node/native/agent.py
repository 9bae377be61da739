"""The C view of an agent's live wasmtime instance and of wasmtime's C API.

node.wasm.engine.Live keeps one instance per program and restores it before every decision;
the C loop does the same restoring and calling on the same store, through the functions of
the libwasmtime that wasmtime-py loaded (no second copy of wasmtime, no wasmtime header at
build time). The view is made once per instance and kept on it.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

from node.native.layout import Agent, Api
from node.wasm.engine import Live
from node.wasm.fastcall import I64_KIND, _fast

try:
    from wasmtime import _ffi as ffi
except ImportError:  # pragma: no cover - other wasmtime-py layouts
    ffi = None


def _address(function: Any) -> int:
    value = ctypes.cast(function, ctypes.c_void_p).value
    if value is None:
        raise OSError("a wasmtime C function has no address")
    return value


@cache
def api() -> Api | None:
    """wasmtime's C functions the loop calls; None if wasmtime-py's internals differ."""
    if ffi is None or not _fast():
        return None
    try:
        dll: Any = ffi.dll
        return Api(
            call_unchecked=_address(dll.wasmtime_func_call_unchecked),
            set_fuel=_address(dll.wasmtime_context_set_fuel),
            get_fuel=_address(dll.wasmtime_context_get_fuel),
            global_set=_address(dll.wasmtime_global_set),
            trap_code=_address(dll.wasmtime_trap_code),
            trap_delete=_address(dll.wasm_trap_delete),
            error_delete=_address(dll.wasmtime_error_delete),
            out_of_fuel_code=ffi.wasmtime_trap_code_enum.WASMTIME_TRAP_CODE_OUT_OF_FUEL.value,
        )
    except (AttributeError, OSError):
        return None


class AgentView:
    """nets_agent for one Live, with every buffer it points to kept alive here."""

    def __init__(self, live: Live) -> None:
        assert ffi is not None
        self.live = live
        keep: list[Any] = []
        image = ctypes.create_string_buffer(live.image, len(live.image)) if live.image else None
        runs_array: Any = None
        n_runs = -1
        if live.runs is not None:
            flat = [value for offset, data in live.runs for value in (offset, len(data))]
            runs_array = (ctypes.c_uint64 * max(1, len(flat)))(*flat)
            n_runs = len(live.runs)
        inits: list[Any] = []
        for _glob, kind, value in live.global_inits:
            raw: Any = ffi.wasmtime_val_t()
            raw.kind = kind
            if kind == I64_KIND:
                raw.of.i64 = value
            else:
                raw.of.i32 = value
            inits.append(raw)
        n = len(inits)
        globals_array = (ctypes.c_void_p * max(1, n))(
            *(ctypes.addressof(glob._global) for glob, _kind, _value in live.global_inits)
        )
        inits_array = (ctypes.c_void_p * max(1, n))(*(ctypes.addressof(raw) for raw in inits))
        keep += [image, runs_array, inits, globals_array, inits_array]
        self._keep = keep
        self.agent = Agent(
            context=_address(live.store._context()),
            decide=ctypes.addressof(live.decide_func._func),
            abi=live.abi,
            obs_trapped=int(live.obs_trapped),
            obs_ptr=live.obs_ptr,
            dirty=int(live.dirty),
            obs_fuel=live.obs_fuel,
            base=live.base or None,
            memory_bytes=live.memory_bytes if image is not None else 0,
            image=ctypes.addressof(image) if image is not None else None,
            runs=ctypes.addressof(runs_array) if runs_array is not None else None,
            n_runs=n_runs,
            globals=ctypes.addressof(globals_array),
            global_inits=ctypes.addressof(inits_array),
            n_globals=n,
            writes_memory=int(live.writes_memory),
            last_obs_len=0,
        )
        self.pointer = ctypes.pointer(self.agent)


def view(live: Live) -> AgentView:
    """The instance's C view, made on first use and kept on the instance."""
    existing = live.native
    if isinstance(existing, AgentView):
        return existing
    made = AgentView(live)
    live.native = made
    return made

"""Calling agent exports, setting globals and fuel without wasmtime-py's per-call overhead.

`wasmtime.Func.__call__` fetches and converts the function's type on every call, which is
most of a decision's cost. The sandbox knows the exact integer signatures (validated), so
`Handle` builds the C value arrays, references and context pointer once per instance and
reuses them for every call. Relies on wasmtime-py internals pinned by pyproject
(wasmtime 50.x); `FAST` is False, and the public API is used, if they are not there.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import wasmtime

I32_KIND = 0
I64_KIND = 1

try:
    from wasmtime import _ffi as ffi
    from wasmtime._extern import wrap_extern
    from wasmtime._func import maybe_raise_last_exn
except ImportError:  # pragma: no cover - other wasmtime-py layouts
    ffi = None
    maybe_raise_last_exn = None
    wrap_extern = None

FAST = (
    ffi is not None
    and getattr(getattr(ffi, "WASMTIME_I32", None), "value", None) == I32_KIND
    and getattr(getattr(ffi, "WASMTIME_I64", None), "value", None) == I64_KIND
)


def _fast() -> bool:
    """Read at each Handle's creation, so a test can switch the public path on."""
    return FAST and ffi is not None and maybe_raise_last_exn is not None


class Handle:
    """One store's decision calls: fuel, integer function calls and global writes.

    Everything raises wasmtime.Trap or wasmtime.WasmtimeError exactly like the public API.
    """

    def __init__(self, store: wasmtime.Store) -> None:
        self.store = store
        self.fast = _fast()
        if self.fast:
            assert ffi is not None
            self._context: Any = store._context()
            self._fuel = ctypes.c_uint64(0)
            self._fuel_ref = ctypes.byref(self._fuel)

    def set_fuel(self, fuel: int) -> None:
        if not self.fast or ffi is None:
            self.store.set_fuel(fuel)
            return
        error = ffi.wasmtime_context_set_fuel(self._context, fuel)
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)

    def get_fuel(self) -> int:
        if not self.fast or ffi is None:
            return self.store.get_fuel()
        error = ffi.wasmtime_context_get_fuel(self._context, self._fuel_ref)
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        return self._fuel.value

    def caller(self, func: wasmtime.Func, param: int | None, result: int) -> Callable[[int], int]:
        """A call of ``func`` (one integer param of kind ``param`` or none) -> its integer."""
        if not self.fast or ffi is None or maybe_raise_last_exn is None:
            store = self.store

            def public(value: int) -> int:
                out = func(store) if param is None else func(store, value)
                assert isinstance(out, int)
                return out

            return public
        context = self._context
        func_ref = ctypes.byref(func._func)
        params: Any = (ffi.wasmtime_val_t * 1)()
        params[0].kind = I32_KIND if param is None else param
        n_params = 0 if param is None else 1
        arg = params[0].of
        results: Any = (ffi.wasmtime_val_t * 1)()
        out = results[0].of
        call_c = ffi.wasmtime_func_call
        trap_type = ctypes.POINTER(ffi.wasm_trap_t)
        byref = ctypes.byref
        raise_last = maybe_raise_last_exn
        field = "i64" if param == I64_KIND else "i32"
        result_field = "i64" if result == I64_KIND else "i32"

        def fast(value: int) -> int:
            if n_params:
                setattr(arg, field, value)
            trap = trap_type()
            error = call_c(context, func_ref, params, n_params, results, 1, byref(trap))
            if error:
                raise_last()
                raise wasmtime.WasmtimeError._from_ptr(error)
            if trap:
                trap_obj = wasmtime.Trap._from_ptr(trap)
                raise_last()
                raise trap_obj
            return int(getattr(out, result_field))

        return fast

    def global_setter(self, glob: wasmtime.Global, kind: int, value: int) -> Callable[[], None]:
        """A call that sets ``glob`` (an integer global of ``kind``) to ``value`` (signed)."""
        if not self.fast or ffi is None:
            store = self.store

            def public() -> None:
                glob.set_value(store, value)

            return public
        context = self._context
        glob_ref = ctypes.byref(glob._global)
        raw: Any = ffi.wasmtime_val_t()
        raw.kind = kind
        if kind == I64_KIND:
            raw.of.i64 = value
        else:
            raw.of.i32 = value
        raw_ref = ctypes.byref(raw)
        set_c = ffi.wasmtime_global_set

        def fast() -> None:
            error = set_c(context, glob_ref, raw_ref)
            if error:
                raise wasmtime.WasmtimeError._from_ptr(error)

        fast.keep = (raw, glob)  # type: ignore[attr-defined]  # keep the C value alive
        return fast


def export(
    store: wasmtime.Store, instance: wasmtime.Instance, name: str, position: int
) -> wasmtime.Func | wasmtime.Memory | wasmtime.Global:
    """The export ``name``, at ``position`` in the module's export list.

    Fetches only that one export, where `Instance.exports` wraps and decodes all of them.
    """
    if not _fast() or ffi is None or wrap_extern is None:
        extern = instance.exports(store)[name]
    else:
        item: Any = ffi.wasmtime_extern_t()
        name_ptr: Any = ctypes.POINTER(ctypes.c_char)()
        name_len = ctypes.c_size_t(0)
        found = ffi.wasmtime_instance_export_nth(
            store._context(),
            ctypes.byref(instance._instance),
            position,
            ctypes.byref(name_ptr),
            ctypes.byref(name_len),
            ctypes.byref(item),
        )
        if not found:
            raise wasmtime.WasmtimeError(f"no export at position {position}")
        extern = wrap_extern(item)
    if not isinstance(extern, wasmtime.Func | wasmtime.Memory | wasmtime.Global):
        raise wasmtime.WasmtimeError(f"export {name!r} is not a function, memory or global")
    return extern

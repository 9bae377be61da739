"""Calling agent exports without wasmtime-py's per-call type lookup.

`wasmtime.Func.__call__` fetches and converts the function's type on every call, which is
most of a decision's cost. The sandbox knows the exact integer signatures (validated), so it
fills the C value array directly. Relies on wasmtime-py internals pinned by pyproject
(wasmtime 50.x); `FAST` is False, and the public call is used, if they are not there.
"""

from __future__ import annotations

import ctypes
from typing import Any

import wasmtime

I32_KIND = 0
I64_KIND = 1

try:
    from wasmtime import _ffi as ffi
    from wasmtime._extern import wrap_extern
    from wasmtime._func import enter_wasm
except ImportError:  # pragma: no cover - other wasmtime-py layouts
    ffi = None
    enter_wasm = None
    wrap_extern = None

FAST = (
    ffi is not None
    and getattr(getattr(ffi, "WASMTIME_I32", None), "value", None) == I32_KIND
    and getattr(getattr(ffi, "WASMTIME_I64", None), "value", None) == I64_KIND
)


def call(store: wasmtime.Store, func: wasmtime.Func, args: tuple[tuple[int, int], ...]) -> int:
    """Call ``func`` with (kind, value) integer args; return its single integer result.

    Raises wasmtime.Trap or wasmtime.WasmtimeError exactly like the public call.
    """
    if not FAST or ffi is None or enter_wasm is None:
        result = func(store, *(value for _, value in args))
        assert isinstance(result, int)
        return result
    params: Any = (ffi.wasmtime_val_t * len(args))()
    for index, (kind, value) in enumerate(args):
        params[index].kind = kind
        if kind == I64_KIND:
            params[index].of.i64 = value
        else:
            params[index].of.i32 = value
    results: Any = (ffi.wasmtime_val_t * 1)()
    with enter_wasm(store) as trap:
        error = ffi.wasmtime_func_call(
            store._context(), ctypes.byref(func._func), params, len(args), results, 1, trap
        )
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
    result = results[0]
    return int(result.of.i64 if result.kind == I64_KIND else result.of.i32)


def export(
    store: wasmtime.Store, instance: wasmtime.Instance, name: str, position: int
) -> wasmtime.Func | wasmtime.Memory:
    """The export ``name``, at ``position`` in the module's export list.

    Fetches only that one export, where `Instance.exports` wraps and decodes all of them.
    """
    if not FAST or ffi is None or wrap_extern is None:
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
    if not isinstance(extern, wasmtime.Func | wasmtime.Memory):
        raise wasmtime.WasmtimeError(f"export {name!r} is not a function or memory")
    return extern

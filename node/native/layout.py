"""ctypes mirrors of the structures in node/native/src/match.c (checked by size at load)."""

from __future__ import annotations

import ctypes

MAX_STATE = 16384
"""NETS_MAX_STATE: the largest state encoding or observation of any system."""


class Api(ctypes.Structure):
    """nets_wasmtime_api: wasmtime C API functions, taken from wasmtime-py's own library."""

    _fields_ = [
        ("call_unchecked", ctypes.c_void_p),
        ("set_fuel", ctypes.c_void_p),
        ("get_fuel", ctypes.c_void_p),
        ("global_set", ctypes.c_void_p),
        ("trap_code", ctypes.c_void_p),
        ("trap_delete", ctypes.c_void_p),
        ("error_delete", ctypes.c_void_p),
        ("out_of_fuel_code", ctypes.c_uint8),
    ]


class Agent(ctypes.Structure):
    """nets_agent: one live instance (node.wasm.engine.Live) as the C loop drives it."""

    _fields_ = [
        ("context", ctypes.c_void_p),
        ("decide", ctypes.c_void_p),
        ("abi", ctypes.c_int32),
        ("obs_trapped", ctypes.c_int32),
        ("obs_ptr", ctypes.c_uint32),
        ("dirty", ctypes.c_int32),
        ("obs_fuel", ctypes.c_uint64),
        ("base", ctypes.c_void_p),
        ("memory_bytes", ctypes.c_uint64),
        ("image", ctypes.c_void_p),
        ("runs", ctypes.c_void_p),
        ("n_runs", ctypes.c_int64),
        ("globals", ctypes.c_void_p),
        ("global_inits", ctypes.c_void_p),
        ("n_globals", ctypes.c_uint32),
        ("writes_memory", ctypes.c_int32),
        ("last_obs_len", ctypes.c_uint64),
    ]


class Result(ctypes.Structure):
    """nets_result: one finished (or handed back) match."""

    _fields_ = [
        ("status", ctypes.c_int32),
        ("steps", ctypes.c_uint32),
        ("outcome", ctypes.c_uint32),
        ("final_len", ctypes.c_uint32),
        ("fuel_used", ctypes.c_uint64),
        ("score", ctypes.c_int64),
        ("root", ctypes.c_ubyte * 32),
        ("initial_hash", ctypes.c_ubyte * 32),
        ("final_hash", ctypes.c_ubyte * 32),
        ("entries", ctypes.c_void_p),
        ("final_state", ctypes.c_ubyte * MAX_STATE),
    ]


FINISHED, NEEDS_REFERENCE, STATE_NOT_HANDLED, NO_MEMORY = 0, 1, 2, 3
"""nets_run's status: done, a decision needs the reference interpreter, a state the native
systems do not take, out of memory."""

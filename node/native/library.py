"""Loading the native engine (libnets_engine.so, built from node/native/src by `make setup`).

The library is optional: without it (no compiler on the machine, NETS_NATIVE=0, or a layout
mismatch) `load()` gives None with the reason, and matches run on the reference path.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from node.native.layout import Agent, Api, Result

LIBRARY = Path(__file__).with_name("libnets_engine.so")
DISABLE_ENV = "NETS_NATIVE"
"""NETS_NATIVE=0 turns the native engine off (everything runs on the reference path)."""


@dataclass(frozen=True)
class Library:
    """The loaded library with its functions' signatures declared."""

    dll: ctypes.CDLL


def _declare(dll: ctypes.CDLL) -> None:
    dll.nets_runner_new.restype = ctypes.c_void_p
    dll.nets_runner_new.argtypes = []
    dll.nets_runner_free.restype = None
    dll.nets_runner_free.argtypes = [ctypes.c_void_p]
    for name in ("nets_result_size", "nets_agent_size", "nets_api_size"):
        getattr(dll, name).restype = ctypes.c_size_t
        getattr(dll, name).argtypes = []
    dll.nets_run.restype = ctypes.c_int
    dll.nets_run.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(Api),
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.POINTER(Agent),
        ctypes.c_uint64,
        ctypes.POINTER(Result),
    ]
    dll.nets_hash_keccak256.restype = None
    dll.nets_hash_keccak256.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
    dll.nets_hash_root.restype = None
    dll.nets_hash_root.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
    dll.nets_sha256_accelerated.restype = ctypes.c_int
    dll.nets_sha256_accelerated.argtypes = [ctypes.c_int]


def _declare_optional(dll: ctypes.CDLL) -> None:
    """Functions a library built from older sources may lack (its users then fall back)."""
    fn = getattr(dll, "nets_leaf_hashes", None)
    if fn is not None:
        fn.restype = ctypes.c_size_t
        fn.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]


@cache
def load() -> tuple[Library | None, str]:
    """(the library, "") or (None, why it is not there), decided once per process."""
    if os.environ.get(DISABLE_ENV, "1") == "0":
        return None, f"{DISABLE_ENV}=0"
    if not LIBRARY.exists():
        return None, f"{LIBRARY.name} not built (make setup builds it with gcc)"
    try:
        dll = ctypes.CDLL(str(LIBRARY))
        _declare(dll)
        _declare_optional(dll)
    except (OSError, AttributeError) as exc:
        return None, f"{LIBRARY.name} does not load: {exc}"
    sizes = (dll.nets_result_size(), dll.nets_agent_size(), dll.nets_api_size())
    expected = (ctypes.sizeof(Result), ctypes.sizeof(Agent), ctypes.sizeof(Api))
    if sizes != expected:
        return None, f"{LIBRARY.name} layout {sizes} differs from {expected}: rebuild it"
    return Library(dll), ""


def keccak256(library: Library, data: bytes) -> bytes:
    """The library's keccak256 (the tests hold it equal to node.trace.keccak256)."""
    out = ctypes.create_string_buffer(32)
    library.dll.nets_hash_keccak256(data, len(data), out)
    return out.raw


def root_from_leaf_hashes(library: Library, hashes: list[bytes]) -> bytes:
    """The library's RFC 9162 root over leaf hashes (node.merkle.root_from_leaf_hashes)."""
    buffer = ctypes.create_string_buffer(b"".join(hashes), 32 * len(hashes) or 1)
    out = ctypes.create_string_buffer(32)
    library.dll.nets_hash_root(buffer, len(hashes), out)
    return out.raw


def use_sha_extensions(library: Library, allowed: bool) -> bool:
    """Let SHA-256 use the CPU's SHA extensions (the default) or not; True if it now does."""
    return bool(library.dll.nets_sha256_accelerated(0 if allowed else 1))


def leaf_hash_blob(library: Library) -> Callable[[bytes, int], ctypes.Array[ctypes.c_char]] | None:
    """sha256(0x00 || line) of each newline-separated line of a blob, in C, as one buffer of
    32-byte hashes (no object per leaf); the caller says how many lines it expects (a mismatch
    costs a recount). None when the library predates nets_leaf_hashes."""
    fn = getattr(library.dll, "nets_leaf_hashes", None)
    if fn is None:
        return None

    def leaf_hashes(blob: bytes, lines: int) -> ctypes.Array[ctypes.c_char]:
        out = ctypes.create_string_buffer(32 * lines)
        if fn(blob, len(blob), out, lines) != lines:
            lines = blob.count(b"\n") + 1
            out = ctypes.create_string_buffer(32 * lines)
            if fn(blob, len(blob), out, lines) != lines:
                raise RuntimeError("nets_leaf_hashes: line count mismatch")
        return out

    return leaf_hashes


def fold_in_place(library: Library, hashes: bytearray, start: int, count: int) -> bytes:
    """The RFC 9162 root of ``count`` leaf hashes at hash index ``start`` of ``hashes``, folded
    in place: those bytes are scratch afterwards."""
    if count < 1:
        raise ValueError("a fold needs at least one leaf hash")
    view = (ctypes.c_char * (32 * count)).from_buffer(hashes, 32 * start)
    out = ctypes.create_string_buffer(32)
    library.dll.nets_hash_root(view, count, out)
    del view  # the bytearray may be resized again only once no view holds its buffer
    return out.raw

"""Keep wasmtime's trap handlers through ``ray.init``.

wasmtime turns a trapping agent (``unreachable``, a bad memory access) into a trap result by
catching SIGILL/SIGSEGV/SIGBUS/SIGFPE in handlers it installs when its first engine is made.
``ray.init`` installs crash reporters for the same signals in the driver (faulthandler and
Ray's core worker), which would turn the next trapping agent played in this process (a
verifier's dispute replay, an in-process round) into a process crash. So: make the engine,
remember the handlers, start Ray, put them back. wasmtime's handlers pass faults that are not
its own on to the handler that was there before it, so real crashes are still reported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
from collections.abc import Iterator
from contextlib import contextmanager

FAULT_SIGNALS = (signal.SIGILL, signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE)
_SIGACTION_BYTES = 512
"""More than any libc's ``struct sigaction`` (152 bytes on glibc x86-64): kept opaque."""


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


@contextmanager
def wasm_trap_handlers_kept() -> Iterator[None]:
    """Inside, anything may install fault handlers; on exit the ones from before are back."""
    from node.wasm.engine import engine

    engine()  # wasmtime installs its handlers with the first engine
    libc = _libc()
    saved: list[tuple[int, ctypes.Array[ctypes.c_char]]] = []
    if libc is not None:
        for sig in FAULT_SIGNALS:
            buffer = ctypes.create_string_buffer(_SIGACTION_BYTES)
            if libc.sigaction(int(sig), None, buffer) == 0:
                saved.append((int(sig), buffer))
    try:
        yield
    finally:
        if libc is not None:
            for sig, buffer in saved:
                libc.sigaction(sig, buffer, None)

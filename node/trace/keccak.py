"""keccak256 (Ethereum's pre-standard SHA-3), the state and seed hash of the protocol.

The runner hashes one state per step, so this is on the hot path. pycryptodome's public
constructor allocates a fresh C state per call (about 6 us); reusing one state per thread
through the same C library is about 2.5x faster. The public constructor stays the fallback
and the reference a test compares against.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from Crypto.Hash import keccak as _keccak


def keccak256_reference(data: bytes) -> bytes:
    """keccak256 through pycryptodome's public API."""
    return _keccak.new(digest_bits=256, data=data).digest()


def _fast_keccak() -> Callable[[bytes], bytes] | None:
    """A keccak256 that reuses one C state per thread, or None if the library differs."""
    try:
        raw: Any = importlib.import_module("Crypto.Util._raw_api")
        lib: Any = vars(_keccak)["_raw_keccak_lib"]
    except (ImportError, KeyError):
        return None

    local = threading.local()

    class _State:
        """One keccak256 sponge (capacity 64 bytes, 24 rounds), destroyed with its owner."""

        def __init__(self) -> None:
            pointer = raw.VoidPointer()
            if lib.keccak_init(pointer.address_of(), raw.c_size_t(64), raw.c_ubyte(24)):
                raise RuntimeError("keccak_init failed")
            self.handle = pointer.get()
            self.out = raw.create_string_buffer(32)

        def __del__(self) -> None:
            lib.keccak_destroy(self.handle)

    def keccak256(data: bytes) -> bytes:
        state: _State | None = getattr(local, "state", None)
        if state is None:
            state = _State()
            local.state = state
        handle = state.handle
        lib.keccak_reset(handle)
        lib.keccak_absorb(handle, data, len(data))
        lib.keccak_digest(handle, state.out, 32, 1)
        return raw.get_raw_buffer(state.out)

    try:
        if keccak256(b"nets") != keccak256_reference(b"nets"):
            return None
    except Exception:
        return None
    return keccak256


keccak256: Callable[[bytes], bytes] = _fast_keccak() or keccak256_reference
"""keccak256 of ``data`` (32 bytes)."""

"""A minimal WebAssembly binary encoder, for generated test agents and hostile modules.

Only what tests and generators need: LEB128, sections, and a module from raw section bodies.
"""

from __future__ import annotations

from collections.abc import Iterable

from node.wasm.validator import MAGIC


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def vec(items: Iterable[bytes]) -> bytes:
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def name(text: str) -> bytes:
    raw = text.encode("utf-8")
    return uleb(len(raw)) + raw


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + uleb(len(payload)) + payload


def func_type(params: Iterable[int], results: Iterable[int]) -> bytes:
    return b"\x60" + vec(bytes([t]) for t in params) + vec(bytes([t]) for t in results)


def body(code: bytes, locals_: Iterable[tuple[int, int]] = ()) -> bytes:
    """A code-section entry: ``locals_`` as (count, valtype) runs, ``code`` ending in 0x0b."""
    content = vec(uleb(count) + bytes([t]) for count, t in locals_) + code
    return uleb(len(content)) + content


def module(*sections: bytes) -> bytes:
    return MAGIC + b"".join(sections)

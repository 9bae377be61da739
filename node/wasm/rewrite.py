"""Export the memory and every mutable global of a validated module under reserved names.

The node keeps one wasmtime instance per program and restores it before each decision
(node/wasm/engine.py). The host can only reach a memory or global that is exported, so the
module wasmtime compiles is the agent's module with one extra export for its memory (if it
has one) and one per mutable global. The names
share a prefix that no agent export starts with, so they can never clash with the agent's
own exports. The agent's code, fuel and behaviour are untouched: exports are invisible to
the running code, and the rewritten bytes are never hashed, stored or sent anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from node.wasm.binary import Reader
from node.wasm.builder import name, uleb
from node.wasm.validator import MAGIC, Module

EXPORT_SECTION = 7
MEMORY_KIND = 0x02
GLOBAL_KIND = 0x03


@dataclass(frozen=True)
class HostExports:
    """The reserved export names the host added."""

    memory: str | None = None
    globals: dict[int, str] = field(default_factory=dict[int, str])
    """Mutable global index -> export name."""


def reserved_prefix(export_names: list[str]) -> str:
    """A prefix that no name in ``export_names`` starts with (grown until it is free)."""
    prefix = "\x00nets.host."
    while any(existing.startswith(prefix) for existing in export_names):
        prefix = "\x00" + prefix
    return prefix


def export_host_view(code: bytes, module: Module) -> tuple[bytes, HostExports]:
    """``code`` with its memory and mutable globals also exported, and the names used.

    ``module`` is ``code`` validated (profile v1), so the export section exists (``decide``
    is always exported) and every section is well formed.
    """
    mutable = [index for index, glob in enumerate(module.globals) if glob.mutable]
    if not mutable and module.memory is None:
        return code, HostExports()
    prefix = reserved_prefix(list(module.exports))
    names = HostExports(
        memory=f"{prefix}memory" if module.memory is not None else None,
        globals={index: f"{prefix}global.{index}" for index in mutable},
    )
    added = [(text, GLOBAL_KIND, index) for index, text in names.globals.items()]
    if names.memory is not None:
        added.append((names.memory, MEMORY_KIND, 0))
    extra = b"".join(name(text) + bytes([kind]) + uleb(index) for text, kind, index in added)
    out = bytearray(MAGIC)
    reader = Reader(code, len(MAGIC))
    rewritten = False
    while not reader.at_end():
        section_id = reader.byte()
        size = reader.u32()
        payload = reader.bytes(size)
        if section_id == EXPORT_SECTION:
            body = Reader(payload)
            count = body.u32()
            payload = uleb(count + len(added)) + payload[body.pos :] + extra
            rewritten = True
        out += bytes([section_id]) + uleb(len(payload)) + payload
    if not rewritten:
        raise ValueError("validated module without an export section")
    return bytes(out), names

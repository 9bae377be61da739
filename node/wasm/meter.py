"""Make wasmtime charge the entry price of declared locals (docs/protocol/sandbox.md 2.1).

Entering a function costs 1 plus 1 per LOCALS_PER_FUEL declared locals. wasmtime's own fuel
charges every entry 1 whatever the locals, so the module wasmtime compiles gets, at the start
of every body that owes e > 0 extra units, e copies of `i32.const 0; drop` (wasmtime charges
`i32.const` 1 and `drop` 0). The sum wasmtime consumes is then the reference interpreter's
on every path: `ok` and `out_of_fuel` agree exactly, and traps go to the interpreter as
before. Only wasmtime sees these bytes; the agent's code is never changed, hashed or sent.
"""

from __future__ import annotations

from node.wasm.binary import Reader
from node.wasm.builder import uleb
from node.wasm.opcodes import LOCALS_PER_FUEL
from node.wasm.validator import MAGIC, Module

CODE_SECTION = 10
EXTRA_UNIT = b"\x41\x00\x1a"
"""i32.const 0; drop: 1 unit of wasmtime fuel, no other effect."""


def extra_entry_fuel(module: Module) -> list[int]:
    """Per function, the entry fuel beyond wasmtime's 1 (declared locals // LOCALS_PER_FUEL)."""
    return [
        (len(func.locals) - len(func.type.params)) // LOCALS_PER_FUEL for func in module.functions
    ]


def meter_entries(code: bytes, module: Module) -> bytes:
    """``code`` (validated as ``module``) with each body's extra entry fuel made explicit."""
    extra = extra_entry_fuel(module)
    if not any(extra):
        return code
    out = bytearray(MAGIC)
    reader = Reader(code, len(MAGIC))
    while not reader.at_end():
        section_id = reader.byte()
        payload = reader.bytes(reader.u32())
        if section_id == CODE_SECTION:
            payload = _metered_code(payload, extra)
        out += bytes([section_id]) + uleb(len(payload)) + payload
    return bytes(out)


def _metered_code(payload: bytes, extra: list[int]) -> bytes:
    section = Reader(payload)
    count = section.u32()
    out = bytearray(uleb(count))
    for index in range(count):
        body = Reader(section.bytes(section.u32()))
        for _ in range(body.u32()):  # local groups: count, valtype
            body.u32()
            body.byte()
        raw = body.data
        head, expr = raw[: body.pos], raw[body.pos :]
        metered = head + EXTRA_UNIT * extra[index] + expr
        out += uleb(len(metered)) + metered
    return bytes(out)

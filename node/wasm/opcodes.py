"""The opcodes of agent profile v1, their operand types and their fuel cost.

Everything not listed in ALLOWED is outside the profile. FLOAT_NAMES names the float opcodes
so that rejections can say which float instruction a module used.
"""

from __future__ import annotations

from dataclasses import dataclass

I32 = 0x7F
I64 = 0x7E
VALTYPE_NAMES = {I32: "i32", I64: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}

FREE_OPCODES = frozenset({0x00, 0x01, 0x02, 0x03, 0x05, 0x0B, 0x0F, 0x1A})
"""unreachable nop block loop else end return drop: cost 0; every other opcode costs 1."""
CALL_ENTRY_COST = 1
"""Charged on entry to every function invocation (wasmtime charges each body 1 up front)."""
LOCALS_PER_FUEL = 32
"""Entering a function also costs 1 per this many declared locals (rounded down): the entry
zeroes them, and unpriced a 255-local callee made a 2-fuel call cost ~1,800 gas on chain."""


def entry_cost(declared_locals: int) -> int:
    """Fuel charged on entering a function with ``declared_locals`` (params not counted)."""
    return CALL_ENTRY_COST + declared_locals // LOCALS_PER_FUEL


def fuel_cost(opcode: int) -> int:
    """Fuel charged before executing ``opcode`` (docs/protocol/sandbox.md, section 2.1)."""
    return 0 if opcode in FREE_OPCODES else 1


@dataclass(frozen=True, slots=True)
class Numeric:
    """A stack-only instruction: pops ``params`` (bottom first), pushes ``result`` if any."""

    name: str
    params: tuple[int, ...]
    result: int | None


@dataclass(frozen=True, slots=True)
class MemAccess:
    """A load (``store`` False) or store of ``width`` bytes of value type ``valtype``."""

    name: str
    valtype: int
    width: int
    store: bool
    signed: bool


def _numeric_table() -> dict[int, Numeric]:
    table: dict[int, Numeric] = {}

    def add(first: int, names: str, params: tuple[int, ...], result: int) -> None:
        for offset, name in enumerate(names.split()):
            table[first + offset] = Numeric(name, params, result)

    add(0x45, "i32.eqz", (I32,), I32)
    add(
        0x46,
        "i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u",
        (I32, I32),
        I32,
    )
    add(0x50, "i64.eqz", (I64,), I32)
    add(
        0x51,
        "i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u",
        (I64, I64),
        I32,
    )
    add(0x67, "i32.clz i32.ctz i32.popcnt", (I32,), I32)
    add(
        0x6A,
        "i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr",
        (I32, I32),
        I32,
    )
    add(0x79, "i64.clz i64.ctz i64.popcnt", (I64,), I64)
    add(
        0x7C,
        "i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr",
        (I64, I64),
        I64,
    )
    add(0xA7, "i32.wrap_i64", (I64,), I32)
    add(0xAC, "i64.extend_i32_s i64.extend_i32_u", (I32,), I64)
    add(0xC0, "i32.extend8_s i32.extend16_s", (I32,), I32)
    add(0xC2, "i64.extend8_s i64.extend16_s i64.extend32_s", (I64,), I64)
    return table


NUMERIC: dict[int, Numeric] = _numeric_table()

MEMORY: dict[int, MemAccess] = {
    0x28: MemAccess("i32.load", I32, 4, False, False),
    0x29: MemAccess("i64.load", I64, 8, False, False),
    0x2C: MemAccess("i32.load8_s", I32, 1, False, True),
    0x2D: MemAccess("i32.load8_u", I32, 1, False, False),
    0x2E: MemAccess("i32.load16_s", I32, 2, False, True),
    0x2F: MemAccess("i32.load16_u", I32, 2, False, False),
    0x30: MemAccess("i64.load8_s", I64, 1, False, True),
    0x31: MemAccess("i64.load8_u", I64, 1, False, False),
    0x32: MemAccess("i64.load16_s", I64, 2, False, True),
    0x33: MemAccess("i64.load16_u", I64, 2, False, False),
    0x34: MemAccess("i64.load32_s", I64, 4, False, True),
    0x35: MemAccess("i64.load32_u", I64, 4, False, False),
    0x36: MemAccess("i32.store", I32, 4, True, False),
    0x37: MemAccess("i64.store", I64, 8, True, False),
    0x3A: MemAccess("i32.store8", I32, 1, True, False),
    0x3B: MemAccess("i32.store16", I32, 2, True, False),
    0x3C: MemAccess("i64.store8", I64, 1, True, False),
    0x3D: MemAccess("i64.store16", I64, 2, True, False),
    0x3E: MemAccess("i64.store32", I64, 4, True, False),
}

CONTROL_NAMES = {
    0x00: "unreachable", 0x01: "nop", 0x02: "block", 0x03: "loop", 0x04: "if", 0x05: "else",
    0x0B: "end", 0x0C: "br", 0x0D: "br_if", 0x0E: "br_table", 0x0F: "return", 0x10: "call",
    0x1A: "drop", 0x1B: "select", 0x20: "local.get", 0x21: "local.set", 0x22: "local.tee",
    0x23: "global.get", 0x24: "global.set", 0x3F: "memory.size",
    0x41: "i32.const", 0x42: "i64.const",
}  # fmt: skip

ALLOWED = frozenset(CONTROL_NAMES) | frozenset(NUMERIC) | frozenset(MEMORY)


def _float_names() -> dict[int, str]:
    names = {0x2A: "f32.load", 0x2B: "f64.load", 0x38: "f32.store", 0x39: "f64.store",
             0x43: "f32.const", 0x44: "f64.const"}  # fmt: skip
    for base, t in ((0x5B, "f32"), (0x61, "f64")):
        for offset, op in enumerate(["eq", "ne", "lt", "gt", "le", "ge"]):
            names[base + offset] = f"{t}.{op}"
    arith = [
        "abs",
        "neg",
        "ceil",
        "floor",
        "trunc",
        "nearest",
        "sqrt",
        "add",
        "sub",
        "mul",
        "div",
        "min",
        "max",
        "copysign",
    ]
    for base, t in ((0x8B, "f32"), (0x99, "f64")):
        for offset, op in enumerate(arith):
            names[base + offset] = f"{t}.{op}"
    conversions = (
        "i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u",
        "i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s "
        "f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64 f64.convert_i32_s "
        "f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32 "
        "i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64",
    )
    for base, group in zip((0xA8, 0xAE), conversions, strict=True):
        for offset, name in enumerate(group.split()):
            names[base + offset] = name
    return names


FLOAT_NAMES: dict[int, str] = _float_names()

OTHER_REJECTED = {
    0x06: "try (exceptions)", 0x07: "catch (exceptions)", 0x08: "throw (exceptions)",
    0x09: "rethrow (exceptions)", 0x0A: "throw_ref (exceptions)", 0x11: "call_indirect",
    0x12: "return_call (tail calls)", 0x13: "return_call_indirect (tail calls)",
    0x18: "delegate (exceptions)", 0x19: "catch_all (exceptions)",
    0x1C: "typed select (reference types)", 0x25: "table.get", 0x26: "table.set",
    0x40: "memory.grow (memory has a fixed size)", 0xD0: "ref.null", 0xD1: "ref.is_null", 0xD2: "ref.func",
    0xFC: "0xfc-prefixed instruction (bulk memory, table or saturating float)",
    0xFD: "SIMD instruction", 0xFE: "atomic instruction (threads)",
}  # fmt: skip


def rejected_name(opcode: int) -> str:
    """How a rejection names an opcode outside the profile."""
    if opcode in FLOAT_NAMES:
        return f"float instruction {FLOAT_NAMES[opcode]}"
    if opcode in OTHER_REJECTED:
        return f"instruction {OTHER_REJECTED[opcode]} not allowed"
    return f"unknown opcode 0x{opcode:02x}"

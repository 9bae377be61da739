"""Reference interpreter of agent profile v1: exact fuel, authoritative on traps.

It runs a `Module` that `parse_module` accepted, one decision on a fresh instance, and
charges fuel exactly as docs/protocol/sandbox.md section 2 says. The node uses it when
wasmtime traps (wasmtime's remaining fuel is stale after a trap); tests use it to check
that wasmtime agrees on every `ok` decision. It is the model the Solidity interpreter
mirrors: same charges, same checks, same order.
"""

from __future__ import annotations

from collections.abc import Callable

from node.wasm.limits import PAGE_SIZE
from node.wasm.opcodes import FREE_OPCODES, MEMORY, entry_cost
from node.wasm.validator import Function, Module

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

OK, TRAP, OUT_OF_FUEL = 0, 1, 2


class _Trap(Exception):
    pass


class _OutOfFuel(Exception):
    pass


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) else value


def _div_s(bits: int, mask: int) -> Callable[[int, int], int]:
    def op(a: int, b: int) -> int:
        if b == 0:
            raise _Trap("integer divide by zero")
        sa, sb = _signed(a, bits), _signed(b, bits)
        if sa == -(1 << (bits - 1)) and sb == -1:
            raise _Trap("integer overflow")
        q = abs(sa) // abs(sb)
        return (q if (sa < 0) == (sb < 0) else -q) & mask

    return op


def _rem_s(bits: int, mask: int) -> Callable[[int, int], int]:
    def op(a: int, b: int) -> int:
        if b == 0:
            raise _Trap("integer divide by zero")
        sa, sb = _signed(a, bits), _signed(b, bits)
        r = abs(sa) % abs(sb)
        return (r if sa >= 0 else -r) & mask

    return op


def _div_u(a: int, b: int) -> int:
    if b == 0:
        raise _Trap("integer divide by zero")
    return a // b


def _rem_u(a: int, b: int) -> int:
    if b == 0:
        raise _Trap("integer divide by zero")
    return a % b


def _int_ops(
    bits: int,
) -> tuple[dict[int, Callable[[int], int]], dict[int, Callable[[int, int], int]]]:
    """Unary and binary ops of one width, keyed by their opcode offset inside the family."""
    mask = (1 << bits) - 1
    sh = bits - 1

    def s(x: int) -> int:
        return _signed(x, bits)

    def rotl(a: int, b: int) -> int:
        k = b & sh
        return ((a << k) | (a >> (bits - k))) & mask

    def rotr(a: int, b: int) -> int:
        k = b & sh
        return ((a >> k) | (a << (bits - k))) & mask

    unary: dict[int, Callable[[int], int]] = {
        0: lambda a: bits - a.bit_length(),  # clz
        1: lambda a: bits if a == 0 else (a & -a).bit_length() - 1,  # ctz
        2: lambda a: a.bit_count(),  # popcnt
    }
    binary: dict[int, Callable[[int, int], int]] = {
        3: lambda a, b: (a + b) & mask,
        4: lambda a, b: (a - b) & mask,
        5: lambda a, b: (a * b) & mask,
        6: _div_s(bits, mask),
        7: _div_u,
        8: _rem_s(bits, mask),
        9: _rem_u,
        10: lambda a, b: a & b,
        11: lambda a, b: a | b,
        12: lambda a, b: a ^ b,
        13: lambda a, b: (a << (b & sh)) & mask,
        14: lambda a, b: (s(a) >> (b & sh)) & mask,
        15: lambda a, b: a >> (b & sh),
        16: rotl,
        17: rotr,
    }
    return unary, binary


def _compare_ops(bits: int) -> dict[int, Callable[[int, int], int]]:
    def s(x: int) -> int:
        return _signed(x, bits)

    return {
        1: lambda a, b: int(a == b),
        2: lambda a, b: int(a != b),
        3: lambda a, b: int(s(a) < s(b)),
        4: lambda a, b: int(a < b),
        5: lambda a, b: int(s(a) > s(b)),
        6: lambda a, b: int(a > b),
        7: lambda a, b: int(s(a) <= s(b)),
        8: lambda a, b: int(a <= b),
        9: lambda a, b: int(s(a) >= s(b)),
        10: lambda a, b: int(a >= b),
    }


def _build_tables() -> tuple[dict[int, Callable[[int], int]], dict[int, Callable[[int, int], int]]]:
    unary: dict[int, Callable[[int], int]] = {
        0x45: lambda a: int(a == 0),
        0x50: lambda a: int(a == 0),
        0xA7: lambda a: a & M32,
        0xAC: lambda a: _signed(a, 32) & M64,
        0xAD: lambda a: a,
        0xC0: lambda a: _signed(a & 0xFF, 8) & M32,
        0xC1: lambda a: _signed(a & 0xFFFF, 16) & M32,
        0xC2: lambda a: _signed(a & 0xFF, 8) & M64,
        0xC3: lambda a: _signed(a & 0xFFFF, 16) & M64,
        0xC4: lambda a: _signed(a & M32, 32) & M64,
    }
    binary: dict[int, Callable[[int, int], int]] = {}
    for base, bits in ((0x45, 32), (0x50, 64)):
        for offset, fn in _compare_ops(bits).items():
            binary[base + offset] = fn
    for base, bits in ((0x67, 32), (0x79, 64)):
        u, b = _int_ops(bits)
        for offset, fn in u.items():
            unary[base + offset] = fn
        for offset, fn2 in b.items():
            binary[base + offset] = fn2
    return unary, binary


UNARY, BINARY = _build_tables()


def _entry(func: Function) -> int:
    return entry_cost(len(func.locals) - len(func.type.params))


class Instance:
    """A fresh instance: zeroed memory with data segments applied, globals at their inits."""

    def __init__(self, module: Module, budget: int) -> None:
        self.module = module
        self.budget = budget
        self.used = 0
        memory = module.memory
        self.memory = bytearray(memory.min_pages * PAGE_SIZE if memory else 0)
        for offset, payload in module.data:
            self.memory[offset : offset + len(payload)] = payload
        self.globals = [g.init for g in module.globals]

    def invoke(self, func_index: int, args: list[int]) -> int | None:
        """Run a function to completion; raises _Trap or _OutOfFuel. Returns its result."""
        module = self.module
        functions = module.functions
        mem = self.memory
        glob = self.globals
        budget = self.budget
        func = functions[func_index]
        used = self.used + _entry(func)
        if used > budget:
            raise _OutOfFuel
        code = func.code
        last = len(code) - 1
        locs = args + [0] * (len(func.locals) - len(args))
        stack: list[int] = []
        pc = 0
        frames: list[tuple[Function, int, list[int], list[int]]] = []
        try:
            while True:
                op, a, b, c = code[pc]
                if op not in FREE_OPCODES:
                    used += 1
                    if used > budget:
                        raise _OutOfFuel
                if op in BINARY:
                    y = stack.pop()
                    stack[-1] = BINARY[op](stack[-1], y)
                elif op in UNARY:
                    stack[-1] = UNARY[op](stack[-1])
                elif op == 0x20:
                    stack.append(locs[a])
                elif op == 0x21:
                    locs[a] = stack.pop()
                elif op == 0x22:
                    locs[a] = stack[-1]
                elif op in (0x41, 0x42):
                    stack.append(a)
                elif op in MEMORY:
                    access = MEMORY[op]
                    value = stack.pop() if access.store else 0
                    addr = stack.pop() + a
                    if addr + access.width > len(mem):
                        raise _Trap("out of bounds memory access")
                    if access.store:
                        mem[addr : addr + access.width] = (
                            value & ((1 << (8 * access.width)) - 1)
                        ).to_bytes(access.width, "little")
                    else:
                        value = int.from_bytes(mem[addr : addr + access.width], "little")
                        if access.signed:
                            value = _signed(value, 8 * access.width)
                        stack.append(value & (M32 if access.valtype == 0x7F else M64))
                elif op in (0x0C, 0x0D, 0x0E):
                    if op == 0x0D and stack.pop() == 0:
                        pc += 1
                        continue
                    if op == 0x0E:
                        entries = func.tables[a]
                        i = stack.pop()
                        a, b, c = entries[i] if i < len(entries) - 1 else entries[-1]
                    if c:
                        kept = stack[-c:]
                        del stack[b:]
                        stack.extend(kept)
                    else:
                        del stack[b:]
                    pc = a
                    continue
                elif op == 0x04:
                    if stack.pop() == 0:
                        pc = a
                        continue
                elif op == 0x05:
                    pc = a
                    continue
                elif op == 0x0B or op == 0x0F:
                    if op == 0x0B and pc != last:
                        pc += 1
                        continue
                    n = len(func.type.results)
                    results = stack[-n:] if n else []
                    if not frames:
                        return results[0] if results else None
                    caller, pc, stack, locs = frames.pop()
                    func = caller
                    code = func.code
                    last = len(code) - 1
                    stack.extend(results)
                elif op == 0x10:
                    callee = functions[a]
                    used += _entry(callee)
                    if used > budget:
                        raise _OutOfFuel
                    n = len(callee.type.params)
                    args = stack[len(stack) - n :] if n else []
                    if n:
                        del stack[-n:]
                    frames.append((func, pc, stack, locs))
                    func = callee
                    code = func.code
                    last = len(code) - 1
                    locs = args + [0] * (len(func.locals) - n)
                    stack = []
                    pc = 0
                    continue
                elif op == 0x23:
                    stack.append(glob[a])
                elif op == 0x24:
                    glob[a] = stack.pop()
                elif op == 0x1A:
                    stack.pop()
                elif op == 0x1B:
                    cond = stack.pop()
                    second = stack.pop()
                    if not cond:
                        stack[-1] = second
                elif op == 0x00:
                    raise _Trap("unreachable")
                elif op == 0x3F:
                    stack.append(len(mem) // PAGE_SIZE)
                # 0x01 nop, 0x02 block, 0x03 loop: nothing to do
                pc += 1
        finally:
            self.used = min(used, budget + 1)


def run(module: Module, observation: bytes, budget: int) -> tuple[int, int, int]:
    """One decision on a fresh instance: (outcome, signed value, fuel_used)."""
    instance = Instance(module, budget)
    try:
        if module.abi == 0:
            arg = int.from_bytes(observation, "big")
            result = instance.invoke(module.decide, [arg])
        else:
            assert module.obs_ptr is not None
            ptr = instance.invoke(module.obs_ptr, [])
            assert ptr is not None
            if ptr + len(observation) > len(instance.memory):
                raise _Trap("observation out of bounds")
            instance.memory[ptr : ptr + len(observation)] = observation
            result = instance.invoke(module.decide, [len(observation)])
    except _OutOfFuel:
        return OUT_OF_FUEL, 0, budget
    except _Trap:
        return TRAP, 0, instance.used
    assert result is not None
    return OK, _signed(result, 64), instance.used

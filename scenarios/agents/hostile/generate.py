"""Hostile agents that are generated rather than committed (they are large by design).

    python scenarios/agents/hostile/generate.py OUT_DIR   # writes every module as .wasm

Each function returns the module bytes; tests/wasm/test_wasm_hostile.py calls them directly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from node.wasm.builder import body, func_type, module, name, section, uleb, vec

I32, I64 = 0x7F, 0x7E


def _v0(
    code: bytes, extra_sections: tuple[bytes, ...] = (), locals_: tuple[tuple[int, int], ...] = ()
) -> bytes:
    """A v0 agent whose decide body is ``code``; ``extra_sections`` go after the code."""
    return module(
        section(1, vec([func_type([I64], [I64])])),
        section(3, vec([uleb(0)])),
        section(5, vec([b"\x00\x02"])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(code, list(locals_))])),
        *extra_sections,
    )


def oversized() -> bytes:
    """A valid v0 agent padded past 65,536 bytes with a data segment. Expected: invalid_module."""
    payload = bytes(70_000)
    data = section(11, vec([b"\x00\x41\x00\x0b" + uleb(len(payload)) + payload]))
    return _v0(b"\x20\x00\x0b", (data,))


def straight_line_overrun() -> bytes:
    """12,000 units of straight-line code (no loop, no call: wasmtime never checks fuel on the
    way) on a 10,000 budget. Expected: out_of_fuel, although wasmtime returns normally."""
    return _v0(b"\x20\x00\x1a" * 11_998 + b"\x20\x00\x0b")


def deep_nesting() -> bytes:
    """2,048 nested blocks: the validator must not recurse. Expected: ok (value = observation)."""
    return _v0(b"\x02\x40" * 2_048 + b"\x0b" * 2_048 + b"\x20\x00\x0b")


def long_call_chain() -> bytes:
    """65 functions calling each other in a chain (one more than allowed). Expected:
    invalid_module."""
    n = 65
    bodies = [body(b"\x10\x01\x20\x00\x0b")]
    bodies += [body((b"\x10" + uleb(i + 1) if i < n - 1 else b"") + b"\x0b") for i in range(1, n)]
    return module(
        section(1, vec([func_type([I64], [I64]), func_type([], [])])),
        section(3, vec([uleb(0)] + [uleb(1)] * (n - 1))),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec(bodies)),
    )


def _br_table(targets: int) -> bytes:
    table = b"\x0e" + uleb(targets) + b"\x00" * targets + b"\x00"
    return _v0(b"\x02\x40\x41\x05" + table + b"\x0b\x20\x00\x0b")


def huge_br_table() -> bytes:
    """One br_table with 12,733 targets (one control instruction, the widest whose compiled
    program stays within 114,688 bytes). Expected: ok (value = observation)."""
    return _br_table(12_733)


def program_bomb() -> bytes:
    """One br_table with 20,000 targets: a 20 KB module whose on-chain program (180 KB) no
    one-step proof transaction could carry. Expected: invalid_module (program limit)."""
    return _br_table(20_000)


def compile_bomb() -> bytes:
    """21,000 empty loops in one function: wasmtime would take tens of seconds to compile it.
    Expected: invalid_module (more than 2,048 block/loop/if/br/br_if/br_table)."""
    return _v0(b"\x03\x40\x0b" * 21_000 + b"\x20\x00\x0b")


def many_functions() -> bytes:
    """15,000 empty functions (seconds of compile time). Expected: invalid_module (> 1,024)."""
    n = 15_000
    return module(
        section(1, vec([func_type([I64], [I64]), func_type([], [])])),
        section(3, vec([uleb(0)] + [uleb(1)] * n)),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(b"\x20\x00\x0b")] + [body(b"\x0b")] * n)),
    )


GENERATED: dict[str, Callable[[], bytes]] = {
    "compile_bomb": compile_bomb,
    "many_functions": many_functions,
    "oversized": oversized,
    "straight_line_overrun": straight_line_overrun,
    "deep_nesting": deep_nesting,
    "long_call_chain": long_call_chain,
    "huge_br_table": huge_br_table,
    "program_bomb": program_bomb,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: generate.py OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for agent_name, make in GENERATED.items():
        (out / f"{agent_name}.wasm").write_bytes(make())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

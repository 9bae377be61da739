"""Size of the program the on-chain compiler makes of a valid module (docs/protocol/interpreter.md).

The one-step proof carries that program as calldata, so agent profile v1 bounds it
(`MAX_PROGRAM_BYTES`): a bigger program would give a proof transaction over the 128 KiB that
geth's transaction pool accepts, and a cheater could pick such an agent to escape its proofs.
The count follows `WasmCompiler`'s emitter byte for byte; a differential test holds them equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from node.wasm.validator import Function, Global

WORD = 32
_BRANCH_ENTRY = 9
"""target:4 drop:4 arity:1, per br_table entry."""
_FIXED = {
    0x00: 1, 0x01: 0, 0x02: 0, 0x03: 0, 0x04: 5, 0x05: 5, 0x0C: 10, 0x0D: 10, 0x0F: 2,
    0x10: 5, 0x1A: 1, 0x1B: 1, 0x20: 5, 0x21: 5, 0x22: 5, 0x23: 5, 0x24: 5, 0x3F: 1,
    0x41: 5, 0x42: 9,
}  # fmt: skip
"""Bytes emitted per opcode; `end`, `br_table`, loads/stores and numeric ops are below."""


def _words(n: int) -> int:
    return -(-n // WORD) * WORD


def code_bytes(function: Function) -> int:
    """Bytes of one compiled body: the final `end` is a 2-byte return, inner ones emit nothing."""
    total = 0
    last = len(function.code) - 1
    for pc, (opcode, a, _, _) in enumerate(function.code):
        size = _FIXED.get(opcode)
        if size is None:
            if opcode == 0x0B:
                size = 2 if pc == last else 0
            elif opcode == 0x0E:
                size = 5 + _BRANCH_ENTRY * len(function.tables[a])
            elif 0x28 <= opcode <= 0x3E:
                size = 5  # loads and stores: offset:4
            else:
                size = 1  # numeric: the opcode alone
        total += size
    return total


def program_size(
    functions: tuple[Function, ...] | list[Function],
    globals_: tuple[Global, ...] | list[Global],
    data: tuple[tuple[int, bytes], ...] | list[tuple[int, bytes]],
) -> int:
    """Header, a word per function and global, the code padded to a word, then per data
    segment an `offset:4 len:4` word and its bytes padded to a word."""
    head = WORD * (1 + len(functions) + len(globals_))
    code = _words(sum(code_bytes(f) for f in functions))
    return head + code + sum(WORD + _words(len(payload)) for _, payload in data)

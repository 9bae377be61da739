"""Hostile module shapes for the one-step proof bound: the most on-chain gas per unit of fuel.

Each shape is a valid profile-v1, ABI v0 module whose `decide` spends the whole budget (or
all it can) on one costly pattern: calls of functions with many locals or params, deep call
chains, every instruction class in a tight loop, a huge static operand stack with the
linear memory touched at its end, data segments, br_table. `scripts/bench_proof.py` measures
them on the contract; `contracts/test/arena/ProofBound.t.sol` proves the costliest ones in a
full `proveStep` at the maximum fuel (the modules are written to `contracts/test/wasm/shapes/`
by `python -m node.wasm.shapes`; a test fails when they are stale).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import wasmtime

from node.wasm.limits import MAX_CALL_DEPTH, MAX_LOCALS, MAX_PROGRAM_BYTES
from node.wasm.program_size import WORD, program_size
from node.wasm.validator import Module, parse_module

UNROLL = 64
"""Patterns per loop iteration: the loop's own `br` is then under 2% of the fuel."""


def _wat(text: str) -> bytes:
    return bytes(wasmtime.wat2wasm(text))


def _loop(pattern: str, *, funcs: str = "", data: str = "", unroll: int = UNROLL) -> bytes:
    """decide: `pattern` x `unroll` in an endless loop (ends out of fuel)."""
    return _wat(
        f"""(module (memory 2) {data} (global $g (mut i64) (i64.const 5)) {funcs}
        (func (export "decide") (param $x i64) (result i64) (local $a i32)
          (loop $l {pattern * unroll} (br $l)) (i64.const 0)))"""
    )


def _callee(name: str, params: int, locals_: int) -> str:
    ps = " (param i32)" * params
    ls = f" (local {' i32' * locals_})" if locals_ else ""
    return f"(func {name}{ps}{ls})"


def calls(locals_: int, params: int = 0) -> bytes:
    """Calls of a function with `params` params and `locals_` declared locals, back to back."""
    push = "(i32.const 1)" * params
    return _loop(f"{push}(call $f)", funcs=_callee("$f", params, locals_))


def chain(locals_: int) -> bytes:
    """A call chain as deep as the profile allows, every function with `locals_` locals."""
    depth = MAX_CALL_DEPTH - 1
    funcs = "".join(
        f"(func $f{i} (local {' i32' * locals_}) {f'(call $f{i + 1})' if i + 1 < depth else ''})"
        if locals_
        else f"(func $f{i} {f'(call $f{i + 1})' if i + 1 < depth else ''})"
        for i in range(depth)
    )
    return _loop("(call $f0)", funcs=funcs)


def entry_priced(decide_locals: int, callees: list[tuple[int, int]], calls: list[int]) -> bytes:
    """decide (with `decide_locals` declared i64 locals) calls callee `i` (`params` i32 params,
    `locals_` declared locals of mixed types, from `callees`) once per entry of `calls`, x
    times where x is the observation's low byte, summing their results: every entry is priced
    and the budget can run out at any of them."""
    funcs = []
    for index, (params, locals_) in enumerate(callees):
        ps = " (param i32)" * params
        ls = f" (local {' '.join('i32' if k % 2 else 'i64' for k in range(locals_))})"
        funcs.append(
            f"(func $c{index}{ps} (result i64){ls if locals_ else ''}"
            f" (i64.add (i64.const {index + 1}) (i64.extend_i32_u (i32.const {params}))))"
        )
    body = "".join(
        f"(local.set $acc (i64.add (local.get $acc) (call $c{i} {'(i32.const 7)' * callees[i][0]})))"
        for i in calls
    )
    extra = f" (local {' i64' * decide_locals})" if decide_locals else ""
    return _wat(
        f"""(module {"".join(funcs)}
        (func (export "decide") (param $x i64) (result i64) (local $acc i64) (local $n i32){extra}
          (local.set $n (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 255)))
          (block $done (loop $l (br_if $done (i32.eqz (local.get $n))) {body}
            (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l)))
          (local.get $acc)))"""
    )


def tall_stack_store(height: int, at: int = 131_064) -> bytes:
    """A function whose dead code after `return` raises the static operand height to `height`
    (the interpreter reserves that much stack; before protocol revision 2 it lay below the
    linear memory, so touching the memory's end paid for all of it), then decide stores to
    linear memory at `at` in a loop."""
    pad = "(i32.const 0)" * height
    funcs = (
        f"(func $pad (result i32) (return (i32.const 0)) {pad} (drop) {'(drop)' * (height - 1)})"
    )
    return _loop(f"(i64.store (i32.const {at}) (i64.const -1))", funcs=funcs)


def tall_stack_data(height: int) -> bytes:
    """The same reservation with a data segment at the end of linear memory (applied at
    instantiation, before any fuel) and a cheap loop."""
    pad = "(i32.const 0)" * height
    funcs = (
        f"(func $pad (result i32) (return (i32.const 0)) {pad} (drop) {'(drop)' * (height - 1)})"
    )
    return _loop("(drop (local.get $a))", funcs=funcs, data='(data (i32.const 131071) "\\ff")')


def data_segments(count: int, size: int) -> bytes:
    """`count` data segments of `size` non-zero bytes spread over the memory, then a loop."""
    step = 131_072 // count
    payload = "\\ff" * size
    data = "".join(f'(data (i32.const {i * step}) "{payload}")' for i in range(count))
    return _loop("(drop (local.get $a))", data=data)


def br_table(labels: int) -> bytes:
    """A br_table with `labels` targets taken at its last label, in a loop."""
    targets = " ".join(["0"] * labels)
    unroll = max(1, min(UNROLL, 8_000 // labels))
    return _loop(f"(block (br_table {targets} 0 (i32.const {labels})))", unroll=unroll)


def at_program_limit(
    pattern: str, *, funcs: str = "", unroll: int = UNROLL, limit: int = MAX_PROGRAM_BYTES
) -> bytes:
    """`_loop(pattern)` plus a never-called function of `i64.const -1; drop` pairs (10
    non-zero program bytes each) that fills the compiled program to within 64 bytes of
    `limit`: the proof then also carries the most calldata gas a program can cost."""

    def build(pairs: int) -> bytes:
        pad = f"(func $pad {'(drop (i64.const -1))' * pairs})" if pairs else ""
        return _loop(pattern, funcs=funcs + pad, unroll=unroll)

    def size(code: bytes) -> int:
        module = parse_module(code)
        assert isinstance(module, Module)
        return program_size(module.functions, module.globals, module.data)

    pairs = (limit - size(build(1)) - WORD) // 10
    while size(build(pairs)) > limit:
        pairs -= 1
    return build(pairs)


def _binary(op: str, ty: str = "i64") -> str:
    return f"(drop ({ty}.{op} (local.get $x) (global.get $g)))"


def _nest(ops: str, seed: str, depth: int = UNROLL) -> str:
    """`ops` applied `depth` times to `seed` (each a unary instruction), then dropped: one drop
    per `depth` paid instructions, so the pattern measures the instructions themselves."""
    return f"(drop {f'({ops} ' * depth}{seed}{')' * depth})"


SHAPES: dict[str, Callable[[], bytes]] = {
    "call, callee with 255 locals": lambda: calls(MAX_LOCALS - 1),
    "call, callee with 128 locals": lambda: calls(128),
    "call, callee with 64 locals": lambda: calls(64),
    "call, callee with 16 locals": lambda: calls(16),
    "call, callee with 0 locals": lambda: calls(0),
    "call, callee with 256 params": lambda: calls(0, MAX_LOCALS),
    "call, callee with 128 params + 128 locals": lambda: calls(128, 128),
    "call, callee with 1 param + 255 locals": lambda: calls(MAX_LOCALS - 1, 1),
    "call chain 63 deep, 255 locals each": lambda: chain(MAX_LOCALS - 1),
    "call chain 63 deep, no locals": lambda: chain(0),
    "i32.const; drop": lambda: _loop("(drop (i32.const 1))"),
    "i64.const; drop": lambda: _loop("(drop (i64.const -1))"),
    "local.get; drop": lambda: _loop("(drop (local.get $a))"),
    "global.get; global.set": lambda: _loop("(global.set $g (global.get $g))"),
    "local.get; local.tee; drop": lambda: _loop("(drop (local.tee $a (local.get $a)))"),
    "memory.size; drop": lambda: _loop("(drop (memory.size))"),
    "i64.div_s": lambda: _loop(_binary("div_s")),
    "i64.rem_s": lambda: _loop(_binary("rem_s")),
    "i64.rotl": lambda: _loop(_binary("rotl")),
    "i64.shr_s": lambda: _loop(_binary("shr_s")),
    "i64.lt_s": lambda: _loop(_binary("lt_s")),
    "i64.clz": lambda: _loop("(drop (i64.clz (global.get $g)))"),
    "i64.ctz": lambda: _loop("(drop (i64.ctz (global.get $g)))"),
    "i64.popcnt": lambda: _loop("(drop (i64.popcnt (global.get $g)))"),
    "i64.extend32_s": lambda: _loop("(drop (i64.extend32_s (global.get $g)))"),
    "i64.load": lambda: _loop("(drop (i64.load offset=8 (local.get $a)))"),
    "i32.load chain": lambda: _loop(_nest("i32.load offset=8", "(local.get $a)"), unroll=1),
    "i32.load16_s chain": lambda: _loop(_nest("i32.load16_s", "(local.get $a)"), unroll=1),
    "i64.load; i32.wrap_i64 chain": lambda: _loop(
        _nest("i32.wrap_i64 (i64.load", "(local.get $a)", 32)[:-32] + ")" * 64, unroll=1
    ),
    "i64.extend_i32_s; i32.wrap_i64 chain": lambda: _loop(
        _nest("i32.wrap_i64 (i64.extend_i32_s", "(local.get $a)", 32)[:-32] + ")" * 64, unroll=1
    ),
    "i64.extend32_s chain": lambda: _loop(_nest("i64.extend32_s", "(global.get $g)"), unroll=1),
    "i64.clz chain": lambda: _loop(_nest("i64.clz", "(global.get $g)"), unroll=1),
    "i64.popcnt chain": lambda: _loop(_nest("i64.popcnt", "(global.get $g)"), unroll=1),
    "i32.eqz chain": lambda: _loop(_nest("i32.eqz", "(local.get $a)"), unroll=1),
    "i64.load32_s": lambda: _loop("(drop (i64.load32_s offset=8 (local.get $a)))"),
    "i64.store": lambda: _loop("(i64.store offset=8 (local.get $a) (global.get $g))"),
    "i64.store16": lambda: _loop("(i64.store16 offset=8 (local.get $a) (global.get $g))"),
    "i64.store at the end of memory": lambda: _loop(
        "(i64.store (i32.const 131064) (global.get $g))"
    ),
    "select": lambda: _loop("(drop (select (local.get $a) (local.get $a) (local.get $a)))"),
    "if/else (then taken, else jumped)": lambda: _loop("(if (i32.const 1) (then) (else nop))"),
    "br_if taken": lambda: _loop("(block (br_if 0 (i32.const 1)))"),
    "br with a result": lambda: _loop("(drop (block (result i64) (br 0 (i64.const 1))))"),
    "br_table, 2 labels": lambda: br_table(2),
    "br_table, 8,000 labels": lambda: br_table(8_000),
    "static stack of 18,000 slots, store at the memory's end": lambda: tall_stack_store(18_000),
    "static stack of 18,000 slots, data at the memory's end": lambda: tall_stack_data(18_000),
    "1,000 data segments of 32 bytes": lambda: data_segments(1_000, 32),
    "call, callee with 31 locals": lambda: calls(31),
}

FIXTURES = {
    "i32.load16_s chain": "load16_chain",
    "call, callee with 31 locals": "call_31_locals",
    "i64.ctz": "ctz_drop",
    "memory.size; drop": "memory_size_drop",
    "i64.const; drop": "i64_const_drop",
    "i64.clz chain": "clz_chain",
    "call, callee with 255 locals": "call_255_locals",
    "call chain 63 deep, 255 locals each": "chain_255_locals",
}
"""The costliest shapes (scripts/bench_proof.py), proved in full by ProofBound.t.sol: each as
is and filled to the program limit (`<stem>_full.wasm`)."""
FIXTURE_DIR = Path(__file__).resolve().parents[2] / "contracts" / "test" / "wasm" / "shapes"


def fixtures() -> dict[str, bytes]:
    """File name -> module for FIXTURES."""
    out: dict[str, bytes] = {}
    for shape, stem in FIXTURES.items():
        out[f"{stem}.wasm"] = SHAPES[shape]()
    for stem, (pattern, funcs, unroll) in _FULL.items():
        out[f"{stem}_full.wasm"] = at_program_limit(pattern, funcs=funcs, unroll=unroll)
    return out


_FULL: dict[str, tuple[str, str, int]] = {
    "load16_chain": (_nest("i32.load16_s", "(local.get $a)"), "", 1),
    "call_31_locals": ("(call $f)", _callee("$f", 0, 31), UNROLL),
    "ctz_drop": ("(drop (i64.ctz (global.get $g)))", "", UNROLL),
    "memory_size_drop": ("(drop (memory.size))", "", UNROLL),
}


def main() -> int:
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    for file_name, code in fixtures().items():
        (FIXTURE_DIR / file_name).write_bytes(code)
    print(f"{len(FIXTURES) + len(_FULL)} modules in {FIXTURE_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Corner cases of profile-v1 acceptance: the contract must agree with node.wasm on each.

Every case states the sandbox's verdict too, so that a case that stops testing what it
claims (e.g. the sandbox changes a rule) fails loudly instead of passing vacuously.
"""

from __future__ import annotations

import pytest
import wasmtime
from wasm_fuzz import Batch

from adapters.anvil import Anvil
from node.wasm import validate_profile

pytestmark = pytest.mark.anvil

V0 = '(func (export "decide") (param i64) (result i64) (i64.const 0))'


def _leb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _vec(items: list[bytes]) -> bytes:
    return _leb(len(items)) + b"".join(items)


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + _leb(len(payload)) + payload


def _name(text: bytes) -> bytes:
    return _leb(len(text)) + text


def _module(*sections: bytes) -> bytes:
    return b"\x00asm\x01\x00\x00\x00" + b"".join(sections)


TYPE_V0 = _section(1, _vec([b"\x60\x01\x7e\x01\x7e"]))
FUNC_ONE = _section(3, _vec([b"\x00"]))
CODE_ZERO = _section(10, _vec([_name(b"\x00\x42\x00\x0b")]))


def _export(name: bytes = b"decide", extra: list[bytes] | None = None) -> bytes:
    return _section(7, _vec([_name(name) + b"\x00\x00", *(extra or [])]))


def _binary_v0(
    body: bytes = b"\x00\x42\x00\x0b", export_name: bytes = b"decide", **kw: bytes
) -> bytes:
    """A v0 module with one function; sections overridable by keyword (custom, memory...)."""
    return _module(
        kw.get("pre", b""),
        TYPE_V0,
        FUNC_ONE,
        kw.get("memory", b""),
        kw.get("globals", b""),
        kw.get("exports", _export(export_name)),
        _section(10, _vec([_name(body)])),
        kw.get("data", b""),
        kw.get("post", b""),
    )


def _wat(text: str) -> bytes:
    return bytes(wasmtime.wat2wasm(text))


def _chain(n: int, extra_call: str = "") -> str:
    funcs = [f"(func $f{i} (result i64) (call $f{i + 1}))" for i in range(n - 1)]
    funcs.append(f"(func $f{n - 1} (result i64) {extra_call} (i64.const 1))")
    return (
        "(module "
        + " ".join(funcs)
        + ' (func (export "decide") (param i64) (result i64) (call $f0)))'
    )


CASES: list[tuple[str, bytes, bool]] = [
    ("minimal v0", _wat(f"(module {V0})"), True),
    (
        "v1",
        _wat(
            '(module (memory (export "memory") 1) (func (export "obs_ptr") (result i32) (i32.const 0)) (func (export "decide") (param i32) (result i64) (i64.const 0)))'
        ),
        True,
    ),
    (
        "v1 without obs_ptr",
        _wat(
            '(module (memory (export "memory") 1) (func (export "decide") (param i32) (result i64) (i64.const 0)))'
        ),
        False,
    ),
    (
        "v1 obs_ptr wrong type",
        _wat(
            '(module (memory (export "memory") 1) (func (export "obs_ptr") (result i64) (i64.const 0)) (func (export "decide") (param i32) (result i64) (i64.const 0)))'
        ),
        False,
    ),
    (
        "v1 without memory export",
        _wat(
            '(module (memory 1) (func (export "obs_ptr") (result i32) (i32.const 0)) (func (export "decide") (param i32) (result i64) (i64.const 0)))'
        ),
        False,
    ),
    (
        "decide wrong type",
        _wat('(module (func (export "decide") (param i64) (result i32) (i32.const 0)))'),
        False,
    ),
    ("decide is a global", _wat('(module (global (export "decide") i32 (i32.const 0)))'), False),
    ("no exports", _wat("(module (func))"), False),
    (
        "br_table in unreachable code, label types differ",
        _wat(
            f"(module {V0} (func (result i32) (block (result i32) (block (result i64) unreachable i32.const 0 br_table 0 1) drop i32.const 0)))"
        ),
        False,
    ),
    (
        "br_table same types in unreachable code",
        _wat(
            f"(module {V0} (func (result i32) (block (result i32) (block (result i32) unreachable i32.const 0 br_table 0 1))))"
        ),
        True,
    ),
    (
        "br_table arity mismatch",
        _wat(
            f"(module {V0} (func (block (result i32) (block unreachable i32.const 0 br_table 0 1)) drop))"
        ),
        False,
    ),
    (
        "select in unreachable code",
        _wat(f"(module {V0} (func (result i32) unreachable select))"),
        True,
    ),
    (
        "select with mixed types",
        _wat(f"(module {V0} (func (result i32) i32.const 0 i64.const 0 i32.const 1 select))"),
        False,
    ),
    (
        "if with result and no else",
        _wat(f"(module {V0} (func (result i32) i32.const 1 (if (result i32) (then i32.const 2))))"),
        False,
    ),
    ("values left at end", _wat(f"(module {V0} (func i32.const 1))"), False),
    (
        "unreachable then anything",
        _wat(f"(module {V0} (func (result i64) unreachable i32.add i64.extend_i32_u))"),
        True,
    ),
    (
        "br to function label with value",
        _wat(f"(module {V0} (func (result i64) i64.const 1 br 0))"),
        True,
    ),
    ("256 locals", _wat(f"(module {V0} (func (param i32) (local " + "i32 " * 255 + ")))"), True),
    ("257 locals", _wat(f"(module {V0} (func (param i32) (local " + "i32 " * 256 + ")))"), False),
    # Params count against the same limit when a function declares no local group.
    ("256 params, no locals", _wat(f"(module {V0} (func (param " + "i64 " * 256 + ")))"), True),
    ("257 params, no locals", _wat(f"(module {V0} (func (param " + "i64 " * 257 + ")))"), False),
    ("1,000 params, no locals", _wat(f"(module {V0} (func (param " + "i32 " * 1000 + ")))"), False),
    ("call chain of 64", _wat(_chain(63)), True),
    ("call chain of 65", _wat(_chain(64)), False),
    (
        "self recursion (unreachable call)",
        _wat(f"(module {V0} (func $r (if (i32.const 0) (then (call $r)))))"),
        False,
    ),
    ("mutual recursion", _wat(f"(module {V0} (func $a (call $b)) (func $b (call $a)))"), False),
    (
        "memory.grow",
        _wat(f"(module (memory 1 2) {V0} (func (drop (memory.grow (i32.const 1)))))"),
        False,
    ),
    ("memory.size", _wat(f"(module (memory 1) {V0} (func (drop (memory.size))))"), True),
    ("load without memory", _wat(f"(module {V0} (func (drop (i32.load (i32.const 0)))))"), False),
    (
        "over-aligned load",
        _wat(f"(module (memory 1) {V0} (func (drop (i32.load align=8 (i32.const 0)))))"),
        False,
    ),
    (
        "aligned i64 load",
        _wat(f"(module (memory 1) {V0} (func (drop (i64.load align=8 (i32.const 0)))))"),
        True,
    ),
    ("memory max 3", _wat(f"(module (memory 1 3) {V0})"), False),
    ("memory min 3", _wat(f"(module (memory 3) {V0})"), False),
    ("memory min > max", _wat(f"(module (memory 2 1) {V0})"), False),
    ("data fits", _wat(f'(module (memory 1) {V0} (data (i32.const 65532) "abcd"))'), True),
    (
        "data past initial memory",
        _wat(f'(module (memory 1 2) {V0} (data (i32.const 65533) "abcd"))'),
        False,
    ),
    ("data without memory", _binary_v0(data=_section(11, _vec([b"\x00\x41\x00\x0b\x01a"]))), False),
    (
        "global.set immutable",
        _wat(f"(module (global i32 (i32.const 0)) {V0} (func (global.set 0 (i32.const 1))))"),
        False,
    ),
    (
        "global init from another global",
        _wat(f"(module (global i32 (i32.const 0)) (global i32 (global.get 0)) {V0})"),
        False,
    ),
    ("float local", _wat(f"(module {V0} (func (local f32)))"), False),
    ("float op", _wat(f"(module {V0} (func (drop (f32.const 1))))"), False),
    (
        "call_indirect",
        _wat(
            f"(module (table 1 funcref) (type $t (func)) {V0} (func (call_indirect (type $t) (i32.const 0))))"
        ),
        False,
    ),
    (
        "multi-value block",
        _wat(f"(module {V0} (func (block (result i32 i32) i32.const 1 i32.const 2) drop drop))"),
        False,
    ),
    (
        "duplicate export",
        _binary_v0(exports=_export(extra=[_name(b"decide") + b"\x00\x00"])),
        False,
    ),
    (
        "utf-8 export name",
        _binary_v0(exports=_export(extra=[_name("é€😀".encode()) + b"\x00\x00"])),
        True,
    ),
    (
        "invalid utf-8 export name",
        _binary_v0(exports=_export(extra=[_name(b"\xc0\x80") + b"\x00\x00"])),
        False,
    ),
    (
        "surrogate in export name",
        _binary_v0(exports=_export(extra=[_name(b"\xed\xa0\x80") + b"\x00\x00"])),
        False,
    ),
    (
        "truncated utf-8 export name",
        _binary_v0(exports=_export(extra=[_name(b"\xe2\x82") + b"\x00\x00"])),
        False,
    ),
    (
        "code point above U+10FFFF",
        _binary_v0(exports=_export(extra=[_name(b"\xf4\x90\x80\x80") + b"\x00\x00"])),
        False,
    ),
    (
        "custom section first and last",
        _binary_v0(pre=_section(0, _name(b"hi") + b"\xff\xfe"), post=_section(0, _name(b"x"))),
        True,
    ),
    ("custom section invalid utf-8 name", _binary_v0(post=_section(0, _name(b"\xff"))), False),
    ("custom section name past its end", _binary_v0(post=_section(0, b"\x05ab")), False),
    ("non-minimal u32 (valid)", _binary_v0(body=b"\x00\x42\x80\x80\x80\x80\x00\x0b"), True),
    ("i64.const 10-byte -1", _binary_v0(body=b"\x00\x42" + b"\xff" * 9 + b"\x7f\x0b"), True),
    ("i64.const 10th byte 0x01", _binary_v0(body=b"\x00\x42" + b"\x80" * 9 + b"\x01\x0b"), False),
    (
        "local index u32 5th byte too big",
        _binary_v0(body=b"\x00\x20\x80\x80\x80\x80\x10\x1a\x42\x00\x0b"),
        False,
    ),
    ("section out of order", _module(TYPE_V0, _export(), FUNC_ONE, CODE_ZERO), False),
    ("duplicate type section", _module(TYPE_V0, TYPE_V0, FUNC_ONE, _export(), CODE_ZERO), False),
    ("function without code", _module(TYPE_V0, FUNC_ONE, _export()), False),
    ("bytes after final end", _binary_v0(body=b"\x00\x42\x00\x0b\x01"), False),
    ("body ends early", _binary_v0(body=b"\x00\x42\x00"), False),
    ("start section", _wat(f"(module {V0} (func $s) (start $s))"), False),
    ("import", _wat(f'(module (import "env" "f" (func)) {V0})'), False),
    ("else after else", _binary_v0(body=b"\x00\x41\x01\x04\x40\x05\x05\x0b\x42\x00\x0b"), False),
    ("bad version", b"\x00asm\x02\x00\x00\x00", False),
    ("empty", b"", False),
]


@pytest.fixture(scope="module")
def batch(anvil: Anvil) -> Batch:
    return Batch(anvil.url)


def test_cases_state_the_sandbox_verdict() -> None:
    wrong = [name for name, code, valid in CASES if (validate_profile(code) is None) != valid]
    assert not wrong, wrong


def test_contract_agrees_on_every_case(batch: Batch) -> None:
    got = batch.inspect_many([code for _, code, _ in CASES])
    wrong = [
        f"{name}: sandbox {validate_profile(code)!r}, chain {result}"
        for (name, code, _), result in zip(CASES, got, strict=True)
        if result is None or result[0] != (validate_profile(code) is None)
    ]
    assert not wrong, "\n".join(wrong)


def _many_functions(n: int) -> bytes:
    funcs = " ".join("(func)" for _ in range(n - 1))
    return _wat(f"(module {V0} {funcs})")


def _control(n: int) -> bytes:
    return _wat(f"(module {V0} (func " + "(block) " * n + "))")


def straight_line(pairs: int) -> bytes:
    """decide returns at once, then ``pairs`` x (i32.const 1; drop): 6 program bytes each."""
    code = b"\x20\x00\x0f" + b"\x41\x01\x1a" * pairs + b"\x20\x00\x0b"
    return _binary_v0(b"\x00" + code)  # no locals


def wide_br_table(labels: int) -> bytes:
    """block; i32.const 0; br_table of ``labels`` + 1 zeros; end; decide's param: 9 program
    bytes per label."""
    code = b"\x02\x40\x41\x00\x0e" + _leb(labels) + bytes(labels + 1) + b"\x0b\x20\x00\x0b"
    return _binary_v0(b"\x00" + code)  # no locals


LARGEST_STRAIGHT_LINE = 19_101
"""Fills the 114,688-byte program limit exactly: 64 (header, one function) + 14 + 6 x pairs."""
LARGEST_BR_TABLE = 12_733
"""Within a word of the limit: 64 + 26 + 9 x labels, padded to 32."""


LIMIT_CASES: list[tuple[str, bytes, bool]] = [
    ("1,024 functions", _many_functions(1024), True),
    ("1,025 functions", _many_functions(1025), False),
    ("2,048 control instructions", _control(2048), True),
    ("2,049 control instructions", _control(2049), False),
    (
        "control instructions counted across functions and in dead code",
        _wat(
            f"(module {V0} (func "
            + "(block) " * 1024
            + ") (func unreachable "
            + "(br 0) " * 1025
            + "))"
        ),
        False,
    ),
    (
        "a long br_table counts once",
        _wat(
            f"(module {V0} (func (block "
            + "(block) " * 2045
            + " (br_table "
            + "0 " * 3000
            + "0 (i32.const 0)))))"
        ),
        True,
    ),
    ("program at the limit (straight line)", straight_line(LARGEST_STRAIGHT_LINE), True),
    ("program a word over the limit", straight_line(LARGEST_STRAIGHT_LINE + 1), False),
    ("program at the limit (br_table)", wide_br_table(LARGEST_BR_TABLE), True),
    ("program over the limit (br_table)", wide_br_table(LARGEST_BR_TABLE + 1), False),
    ("64 KiB module, program over the limit", straight_line(21_829), False),
]


def test_limits_state_the_sandbox_verdict() -> None:
    wrong = [name for name, code, valid in LIMIT_CASES if (validate_profile(code) is None) != valid]
    assert not wrong, wrong


def test_contract_agrees_on_limits(batch: Batch) -> None:
    got = batch.inspect_many([code for _, code, _ in LIMIT_CASES])
    wrong = [
        f"{name}: sandbox {validate_profile(code)!r}, chain {result}"
        for (name, code, _), result in zip(LIMIT_CASES, got, strict=True)
        if result is None or result[0] != (validate_profile(code) is None)
    ]
    assert not wrong, "\n".join(wrong)

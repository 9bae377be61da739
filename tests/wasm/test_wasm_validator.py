"""Profile v1 acceptance: each rule, never an exception, and agreement with wasmtime's validator."""

from __future__ import annotations

import re

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.wasm import AgentProgram, Decision, Outcome, validate_profile
from node.wasm.builder import body, func_type, module, name, section, sleb, uleb, vec
from node.wasm.engine import engine

I32, I64 = 0x7F, 0x7E
DECIDE = '(func (export "decide") (param i64) (result i64) local.get 0)'

# Rejections that are profile rules (wasmtime itself would accept the module).
PROFILE_REASON = re.compile(
    r"float|SIMD|reference type|not allowed|multi-value|more than one memory|memory initial"
    r"|memory maximum|memory limits flag|locals|recursion|call depth|no ABI|ABI v1|does not fit"
    r"|module is \d+ bytes|initializer must be|reserved byte|data segment \d+ flag"
    r"|functions, limit|more than 2048 block"
)


def wat(text: str) -> bytes:
    return bytes(wasmtime.wat2wasm(text))


def wasmtime_accepts(code: bytes) -> bool:
    try:
        wasmtime.Module.validate(engine(), code)
    except wasmtime.WasmtimeError:
        return False
    return True


def assert_agrees_with_wasmtime(code: bytes) -> None:
    reason = validate_profile(code)
    accepted = wasmtime_accepts(code)
    if reason is None:
        assert accepted, "profile accepted a module wasmtime rejects"
    elif accepted:
        assert PROFILE_REASON.search(reason), f"wasmtime accepts, profile says {reason!r}"


ACCEPTED = {
    "v0 minimal": f"(module {DECIDE})",
    "v1 minimal": """(module (memory (export "memory") 1)
        (func (export "obs_ptr") (result i32) i32.const 0)
        (func (export "decide") (param i32) (result i64) i64.const 0))""",
    "memory with max 2": f"(module (memory 2 2) {DECIDE})",
    "globals and data": f"""(module (memory 1) (global (mut i32) (i32.const -5))
        (global i64 (i64.const 9)) (data (i32.const 65530) "abcdef") {DECIDE})""",
    "call chain": f'(module (func $a) (func $b call $a) {DECIDE} (export "b" (func $b)))',
    "sign extension": """(module (func (export "decide") (param i64) (result i64)
        local.get 0 i64.extend8_s i64.extend16_s i64.extend32_s))""",
    "dead code after br": """(module (func (export "decide") (param i64) (result i64)
        block (result i64) local.get 0 br 0 i64.add end))""",
}

REJECTED = {
    "import": (f'(module (import "env" "f" (func)) {DECIDE})', "import section not allowed"),
    "start": (f"(module (func $s) (start $s) {DECIDE})", "start section not allowed"),
    "table": (f"(module (table 1 funcref) {DECIDE})", "table section not allowed"),
    "f32 param": ('(module (func (export "decide") (param f32) (result i64) i64.const 0))', "float type f32"),
    "f64 local": ('(module (func (export "decide") (param i64) (result i64) (local f64) local.get 0))', "float type f64 in function 0"),
    "float op": ('(module (func (export "decide") (param i64) (result i64) f32.const 1 f32.const 2 f32.add drop local.get 0))', "float instruction f32.const in function 0"),
    "float global": (f"(module (global f64 (f64.const 0)) {DECIDE})", "float type f64 in global 0"),
    "3 pages": (f"(module (memory 3) {DECIDE})", "memory initial size 3 pages"),
    "max 3 pages": (f"(module (memory 1 3) {DECIDE})", "memory maximum size 3 pages"),
    "passive data": (f'(module (memory 1) (data "x") {DECIDE})', "passive data segment 0"),
    "data out of initial memory": (f'(module (memory 1 2) (data (i32.const 65535) "xy") {DECIDE})', "does not fit"),
    "bulk memory op": ('(module (memory 1) (func (export "decide") (param i64) (result i64) i32.const 0 i32.const 0 i32.const 0 memory.fill local.get 0))', "0xfc-prefixed"),
    "multi-value type": (f"(module (func (result i32 i32) i32.const 0 i32.const 0 ) {DECIDE})", "multi-value result in type"),
    "recursion": ('(module (func (export "decide") (param i64) (result i64) local.get 0 call 0))', "recursion"),
    "no decide": ('(module (func (export "act") (param i64) (result i64) local.get 0))', "no ABI: missing function export 'decide'"),
    "wrong decide type": ('(module (func (export "decide") (param i32) (result i32) local.get 0))', "no ABI: decide has type [i32] -> [i32]"),
    "v1 without obs_ptr": ('(module (memory (export "memory") 1) (func (export "decide") (param i32) (result i64) i64.const 0))', "missing function export 'obs_ptr'"),
    "v1 without memory export": ('(module (memory 1) (func (export "obs_ptr") (result i32) i32.const 0) (func (export "decide") (param i32) (result i64) i64.const 0))', "missing memory export"),
    "type error": ('(module (func (export "decide") (param i64) (result i64) i32.const 1))', "type mismatch"),
    "garbage": ("", "malformed module"),
}  # fmt: skip


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=list(ACCEPTED))
def test_accepted(text: str) -> None:
    code = wat(text)
    assert validate_profile(code) is None
    assert wasmtime_accepts(code)


@pytest.mark.parametrize(("text", "reason"), REJECTED.values(), ids=list(REJECTED))
def test_rejected_with_reason(text: str, reason: str) -> None:
    code = wat(text) if text else b"\x00asm\x01\x00\x00\x00\x01\x05"
    got = validate_profile(code)
    assert got is not None
    assert reason in got
    assert "\n" not in got
    assert_agrees_with_wasmtime(code)


def decide_module(code: bytes, locals_: list[tuple[int, int]] | None = None) -> bytes:
    return module(
        section(1, vec([func_type([I64], [I64])])),
        section(3, vec([uleb(0)])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(code, locals_ or [])])),
    )


def test_call_indirect_rejected() -> None:
    code = decide_module(b"\x20\x00\x41\x00\x11\x00\x00\x0b")
    assert "call_indirect" in (validate_profile(code) or "")


def test_locals_limit_is_256_including_params() -> None:
    assert validate_profile(decide_module(b"\x20\x00\x0b", [(255, I32)])) is None
    assert "more than 256 locals" in (
        validate_profile(decide_module(b"\x20\x00\x0b", [(256, I32)])) or ""
    )


def test_call_depth_limit_is_64_functions() -> None:
    def chain(n: int) -> bytes:
        # function 0 is decide; function i (1..n-1) calls i+1; decide calls 1.
        bodies = [body(b"\x10\x01\x20\x00\x0b" if n > 1 else b"\x20\x00\x0b")]
        for i in range(1, n):
            bodies.append(body((b"\x10" + uleb(i + 1) if i < n - 1 else b"") + b"\x0b"))
        return module(
            section(1, vec([func_type([I64], [I64]), func_type([], [])])),
            section(3, vec([uleb(0)] + [uleb(1)] * (n - 1))),
            section(7, vec([name("decide") + b"\x00" + uleb(0)])),
            section(10, vec(bodies)),
        )

    assert validate_profile(chain(64)) is None
    assert validate_profile(chain(65)) == "call depth 65 exceeds 64"
    deepest = AgentProgram.load(chain(64))
    decision = deepest.decide((9).to_bytes(8, "big"), 1_000)
    # decide: entry 1 + call 1 + local.get 1; 63 callees: entry 1 each, 62 calls 1 each.
    assert decision == Decision(Outcome.OK, 9, 1 + 1 + 1 + 63 + 62)
    assert deepest.reference((9).to_bytes(8, "big"), 1_000) == (0, 9, decision.fuel_used)


def test_function_limit_is_1024() -> None:
    def functions(n: int) -> bytes:
        return module(
            section(1, vec([func_type([I64], [I64]), func_type([], [])])),
            section(3, vec([uleb(0)] + [uleb(1)] * (n - 1))),
            section(7, vec([name("decide") + b"\x00" + uleb(0)])),
            section(10, vec([body(b"\x20\x00\x0b")] + [body(b"\x0b")] * (n - 1))),
        )

    assert validate_profile(functions(1024)) is None
    assert validate_profile(functions(1025)) == "1025 functions, limit 1024"


def test_control_instruction_limit_is_2048_per_module() -> None:
    def loops(n: int) -> bytes:
        return decide_module(b"\x03\x40\x0b" * n + b"\x20\x00\x0b")

    assert validate_profile(loops(2048)) is None
    assert "more than 2048 block/loop/if/br/br_if/br_table" in (validate_profile(loops(2049)) or "")
    mixed = decide_module(
        b"\x02\x40"
        + b"\x41\x00\x0d\x00" * 1024
        + b"\x41\x00\x04\x40\x0b" * 1024
        + b"\x0b\x20\x00\x0b"
    )
    assert "more than 2048" in (validate_profile(mixed) or "")


def test_custom_sections_are_allowed_anywhere() -> None:
    custom = section(0, name("anything") + b"\xff\x00payload")
    code = wat(f"(module {DECIDE})")
    assert validate_profile(code[:8] + custom + code[8:] + custom) is None
    bad_name = section(0, b"\x02\xff\xfe")
    assert "UTF-8" in (validate_profile(code + bad_name) or "")


def test_module_size_limit_is_65536_bytes() -> None:
    base = wat(f"(module {DECIDE})")

    def padded(total: int) -> bytes:
        filler = total - len(base) - 1 - 3 - 2  # id, 3-byte size, name "p"
        size = filler + 2
        return (
            base
            + b"\x00"
            + bytes([0x80 | (size & 0x7F), 0x80 | ((size >> 7) & 0x7F), size >> 14])
            + name("p")
            + bytes(filler)
        )

    assert len(padded(65_536)) == 65_536
    assert validate_profile(padded(65_536)) is None
    assert validate_profile(padded(65_537)) == "module is 65537 bytes, limit 65536"


def test_memory_size_reserved_byte() -> None:
    code = module(
        section(1, vec([func_type([I64], [I64])])),
        section(3, vec([uleb(0)])),
        section(5, vec([b"\x00\x01"])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(b"\x3f\x01\x1a\x20\x00\x0b")])),
    )
    assert validate_profile(code) is not None
    assert_agrees_with_wasmtime(code)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data: bytes) -> None:
    for code in (data, b"\x00asm\x01\x00\x00\x00" + data):
        reason = validate_profile(code)
        assert reason is None or (isinstance(reason, str) and "\n" not in reason)
        assert_agrees_with_wasmtime(code)


CORPUS = [wat(t) for t in ACCEPTED.values()] + [wat(t) for t, _ in REJECTED.values() if t]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    code = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        pos = draw(st.integers(0, max(0, len(code) - 1)))
        if kind == "flip" and code:
            code[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and code:
            code[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            code[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and code:
            del code[pos]
        elif kind == "truncate":
            del code[pos:]
    return bytes(code)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_modules_agree_with_wasmtime(code: bytes) -> None:
    assert_agrees_with_wasmtime(code)


def _memarg(draw: st.DrawFn) -> bytes:
    return uleb(draw(st.integers(0, 4))) + uleb(draw(st.sampled_from([0, 1, 8, 2**32 - 1])))


SOUP_OPCODES = [
    *range(0x45, 0x5B), *range(0x67, 0x8B), 0xA7, 0xAC, 0xAD, *range(0xC0, 0xC5),
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x1A, 0x1B,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x28, 0x29, 0x2C, 0x30, 0x35, 0x36, 0x37, 0x3A, 0x3E,
    0x3F, 0x40, 0x41, 0x42,
]  # fmt: skip


@st.composite
def instruction(draw: st.DrawFn) -> bytes:
    op = draw(st.sampled_from(SOUP_OPCODES))
    out = bytes([op])
    if op in (0x02, 0x03, 0x04):
        out += bytes([draw(st.sampled_from([0x40, I32, I64]))])
    elif op in (0x0C, 0x0D):
        out += uleb(draw(st.integers(0, 4)))
    elif op == 0x0E:
        out += vec(uleb(draw(st.integers(0, 3))) for _ in range(draw(st.integers(0, 3))))
        out += uleb(draw(st.integers(0, 3)))
    elif op == 0x10:
        out += uleb(draw(st.integers(1, 2)))
    elif op in (0x20, 0x21, 0x22):
        out += uleb(draw(st.integers(0, 3)))
    elif op in (0x23, 0x24):
        out += uleb(draw(st.integers(0, 2)))
    elif 0x28 <= op <= 0x3E:
        out += _memarg(draw)
    elif op in (0x3F, 0x40):
        out += b"\x00"
    elif op == 0x41:
        out += sleb(draw(st.integers(-(2**31), 2**31 - 1)))
    elif op == 0x42:
        out += sleb(draw(st.integers(-(2**63), 2**63 - 1)))
    return out


def soup_module(code: bytes) -> bytes:
    return module(
        section(1, vec([func_type([I64], [I64]), func_type([I32], [I32])])),
        section(3, vec([uleb(0), uleb(1)])),
        section(5, vec([b"\x01\x01\x02"])),
        section(6, vec([bytes([I32, 1, 0x41, 0x00, 0x0B]), bytes([I64, 0, 0x42, 0x07, 0x0B])])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(code, [(1, I32), (1, I64)]), body(b"\x20\x00\x0b")])),
    )


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(instruction(), max_size=14), st.integers(0, 3))
def test_instruction_soup_agrees_with_wasmtime(instructions: list[bytes], ends: int) -> None:
    """Type validation is exactly WebAssembly's: random bodies, wasmtime is the judge."""
    code = soup_module(b"\x20\x00" + b"".join(instructions) + b"\x0b" * ends)
    assert_agrees_with_wasmtime(code)
